package site

import (
	"slices"

	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/schema"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// nameMessages names the Protobuf message each sampled record's indexes point at, from the
// registry's schema with that id: "[1, 0]" alone tells a reader nothing. A schema kdocs cannot
// compile on its own (one that imports another subject's file) keeps the indexes only.
func nameMessages(sampled map[string]*lineage.SampledTopic, reg *snapshot.Registry) {
	if len(sampled) == 0 || reg == nil {
		return
	}
	texts := map[int]string{}
	for _, s := range reg.Subjects {
		for _, v := range s.Versions {
			if v.Type == "PROTOBUF" && len(v.References) == 0 {
				texts[v.ID] = v.Schema
			}
		}
	}
	messages := map[int][]schema.ProtoMessage{}
	name := func(o *lineage.SchemaObservation) {
		if o.MessageIndexes == nil {
			return
		}
		text, ok := texts[o.ID]
		if !ok {
			return
		}
		msgs, seen := messages[o.ID]
		if !seen {
			msgs, _ = schema.ProtobufMessages(text)
			messages[o.ID] = msgs
		}
		for _, m := range msgs {
			if slices.Equal(m.Index, o.MessageIndexes) {
				o.MessageName = m.Name
				return
			}
		}
	}
	for _, t := range sampled {
		for _, f := range []*lineage.SampledFraming{&t.Key, &t.Value} {
			for i := range f.Schemas {
				name(&f.Schemas[i])
			}
		}
	}
}

// sampledSchemas sets the topic's sampled records beside the subjects its naming strategy
// gives (lineage.SampledTopic.Mismatches): under TopicName a topic without registered subjects
// still expects <topic>-key and <topic>-value.
func sampledSchemas(s *lineage.SampledTopic, topic, strategy string, schemas []TopicSchema) []string {
	if s == nil {
		return nil
	}
	var warnings []string
	for _, role := range []string{"key", "value"} {
		var expected []string
		for _, ts := range schemas {
			if ts.Role == role {
				expected = append(expected, ts.Subject.Title)
			}
		}
		if len(expected) == 0 && strategy == StrategyTopicName {
			expected = []string{topic + "-" + role}
		}
		warnings = append(warnings, s.Mismatches(role, slices.Compact(expected))...)
	}
	return warnings
}
