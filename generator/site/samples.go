package site

import (
	"slices"

	"github.com/kdocs/kdocs/generator/lineage"
)

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
