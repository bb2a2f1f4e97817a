package config

// How a cluster's topics name their Schema Registry subjects: the serializers' subject name
// strategy, set per cluster (subjectNameStrategy:) and overridden per topic (topics:). kdocs
// cannot see which strategy producers use; site.yaml says it, as the producers' configs do.
//
//	clusters:
//	  - name: prod
//	    subjectNameStrategy: TopicName          # the default
//	    topics:
//	      orders.order-returned.v1:
//	        subjectNameStrategy: RecordName
//	        valueRecord: com.acme.orders.v1.OrderReturned
//	      payments.payment-failed.v1:
//	        subjectNameStrategy: TopicRecordName  # finds <topic>-<record> subjects by itself
//	      legacy.orders:
//	        valueSubject: orders-v0               # any subject, whatever the strategy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Subject name strategies, as Confluent's serializers name them without the package and the
// "Strategy" suffix.
const (
	// TopicName: <topic>-key and <topic>-value.
	TopicName = "TopicName"
	// RecordName: the record's full name (Avro namespace.name, Protobuf package.Message, JSON
	// Schema title), whatever the topic.
	RecordName = "RecordName"
	// TopicRecordName: <topic>-<record full name>.
	TopicRecordName = "TopicRecordName"
)

// Strategies lists the subject name strategies site.yaml accepts.
var Strategies = []string{TopicName, RecordName, TopicRecordName}

// Strategy is a subject name strategy. It accepts the short name (TopicName), the serializer's
// class name (TopicNameStrategy) and the fully qualified one
// (io.confluent.kafka.serializers.subject.TopicNameStrategy), so a value copied from a producer's
// config works; it holds the short name.
type Strategy string

// UnmarshalYAML normalises the strategy's spelling and refuses unknown ones with their line.
func (s *Strategy) UnmarshalYAML(n *yaml.Node) error {
	v := strings.TrimSpace(n.Value)
	v = v[strings.LastIndexByte(v, '.')+1:]
	if strings.HasSuffix(strings.ToLower(v), "strategy") {
		v = v[:len(v)-len("strategy")]
	}
	for _, known := range Strategies {
		if strings.EqualFold(v, known) {
			*s = Strategy(known)
			return nil
		}
	}
	return fmt.Errorf("line %d: subjectNameStrategy %q must be one of %s", n.Line, n.Value, strings.Join(Strategies, ", "))
}

// TopicSchemas says how one topic names its subjects, overriding the cluster's strategy.
type TopicSchemas struct {
	// Strategy is the topic's strategy; empty: the cluster's.
	Strategy Strategy `yaml:"subjectNameStrategy"`
	// KeyRecord and ValueRecord are the full names of the records the key and the value are
	// written as: RecordName needs one of them to know the subject; TopicRecordName, which finds
	// <topic>-<record> subjects by itself, uses them to tell keys from values.
	KeyRecord   string `yaml:"keyRecord"`
	ValueRecord string `yaml:"valueRecord"`
	// KeySubject and ValueSubject name the subjects outright, whatever the strategy.
	KeySubject   string `yaml:"keySubject"`
	ValueSubject string `yaml:"valueSubject"`

	// Line is where the topic's entry starts in site.yaml.
	Line int `yaml:"-"`
}

// TopicSchemaMap is a cluster's topics: block, by topic name.
type TopicSchemaMap map[string]TopicSchemas

// UnmarshalYAML decodes the map, refusing unknown keys and recording each entry's line.
func (m *TopicSchemaMap) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: topics: want a mapping of topic name to its subjectNameStrategy, keyRecord, valueRecord, keySubject and valueSubject", n.Line)
	}
	out := TopicSchemaMap{}
	var errs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := out[k.Value]; dup {
			errs = append(errs, fmt.Sprintf("line %d: topics: %q is listed twice", k.Line, k.Value))
			continue
		}
		if err := knownKeys(v, "a mapping with subjectNameStrategy, keyRecord, valueRecord, keySubject and valueSubject",
			"subjectNameStrategy", "keyRecord", "valueRecord", "keySubject", "valueSubject"); err != nil {
			errs = append(errs, typeErrors(err)...)
			continue
		}
		var t TopicSchemas
		if err := v.Decode(&t); err != nil {
			errs = append(errs, typeErrors(err)...)
			continue
		}
		t.Line = k.Line
		out[k.Value] = t
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	*m = out
	return nil
}

func typeErrors(err error) []string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return te.Errors
	}
	return []string{err.Error()}
}

// SchemaNaming is a cluster's resolved naming: its strategy and the topics' overrides.
type SchemaNaming struct {
	Strategy string
	Topics   map[string]TopicSchemas
}

// Naming returns the cluster's strategy (TopicName when unset) and its per-topic overrides.
func (c Cluster) Naming() SchemaNaming {
	s := string(c.SubjectNameStrategy)
	if s == "" {
		s = TopicName
	}
	return SchemaNaming{Strategy: s, Topics: c.Topics}
}

// validateSchemas checks a cluster's naming settings; the errors name the cluster and line.
func (c Cluster) validateSchemas() []error {
	var errs []error
	names := make([]string, 0, len(c.Topics))
	for name := range c.Topics {
		names = append(names, name)
	}
	slices.Sort(names)
	clusterStrategy := string(c.SubjectNameStrategy)
	if clusterStrategy == "" {
		clusterStrategy = TopicName
	}
	for _, name := range names {
		t := c.Topics[name]
		at := fmt.Sprintf("line %d: cluster %q: topics: %q", t.Line, c.Name, name)
		if strings.TrimSpace(name) == "" {
			errs = append(errs, fmt.Errorf("%s: the topic name is empty", at))
		}
		strategy := string(t.Strategy)
		if strategy == "" {
			strategy = clusterStrategy
		}
		for _, role := range []struct{ role, record, subject string }{{"key", t.KeyRecord, t.KeySubject}, {"value", t.ValueRecord, t.ValueSubject}} {
			if role.record != "" && role.subject != "" {
				errs = append(errs, fmt.Errorf("%s: give %sRecord or %sSubject, not both", at, role.role, role.role))
			}
			if role.record != "" && strategy == TopicName {
				errs = append(errs, fmt.Errorf("%s: %sRecord needs subjectNameStrategy RecordName or TopicRecordName; TopicName names the subject %s-%s", at, role.role, name, role.role))
			}
			if strings.ContainsAny(role.record, " \t/") {
				errs = append(errs, fmt.Errorf("%s: %sRecord %q is not a record's full name like com.acme.orders.OrderPlaced", at, role.role, role.record))
			}
		}
		if strategy == RecordName && t.KeyRecord == "" && t.ValueRecord == "" && t.KeySubject == "" && t.ValueSubject == "" {
			errs = append(errs, fmt.Errorf("%s: RecordName names subjects after the record, which the topic does not reveal: give valueRecord (or keyRecord), the record's full name", at))
		}
	}
	return errs
}
