package diff

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// withDefaults gives orders every config, as snapshots list them since topics keep Kafka's
// defaults too: its own overrides, one value from the brokers, and the rest at their default.
func withDefaults(s *snapshot.Snapshot, overrides ...snapshot.Config) {
	cfgs := []snapshot.Config{
		{Name: "cleanup.policy", Value: "delete", Source: defaultSource},
		{Name: "max.message.bytes", Value: "1048588", Source: defaultSource},
		{Name: "min.insync.replicas", Value: "2", Source: "STATIC_BROKER_CONFIG"},
		{Name: "retention.ms", Value: "604800000", Source: defaultSource},
		{Name: "segment.bytes", Value: "1073741824", Source: defaultSource},
	}
	for _, o := range overrides {
		for i := range cfgs {
			if cfgs[i].Name == o.Name {
				cfgs[i] = o
			}
		}
	}
	s.Topics[0].Configs = cfgs
}

func TestConfigDefaultsAreNotChanges(t *testing.T) {
	ret := func(v string) snapshot.Config {
		return snapshot.Config{Name: "retention.ms", Value: v, Source: "DYNAMIC_TOPIC_CONFIG"}
	}
	const orders = `topic "orders"`
	cases := []struct {
		name          string
		before, after func(s *snapshot.Snapshot)
		want          []Change
	}{
		{"an older snapshot without defaults against one with them",
			func(s *snapshot.Snapshot) {
				s.Topics[0].Configs = []snapshot.Config{ret("86400000"), {Name: "min.insync.replicas", Value: "2", Source: "STATIC_BROKER_CONFIG"}}
			},
			func(s *snapshot.Snapshot) { withDefaults(s, ret("86400000")) },
			nil},
		{"the same configs with defaults on both sides",
			func(s *snapshot.Snapshot) { withDefaults(s, ret("86400000")) },
			func(s *snapshot.Snapshot) { withDefaults(s, ret("86400000")) },
			nil},
		{"an override shortened",
			func(s *snapshot.Snapshot) { withDefaults(s, ret("86400000")) },
			func(s *snapshot.Snapshot) { withDefaults(s, ret("3600000")) },
			[]Change{{Kind: ConfigChanged, Severity: Warning, Resource: orders, Old: "86400000", New: "3600000"}}},
		{"an override removed: back to the default, judged against the recorded default",
			func(s *snapshot.Snapshot) { withDefaults(s, ret("86400000")) },
			func(s *snapshot.Snapshot) { withDefaults(s) },
			[]Change{{Kind: ConfigRemoved, Severity: Info, Resource: orders, Old: "86400000", New: "",
				Message: "retention.ms back to the default (was 86400000)"}}},
		{"an override set below the recorded default",
			func(s *snapshot.Snapshot) { withDefaults(s) },
			func(s *snapshot.Snapshot) { withDefaults(s, ret("86400000")) },
			[]Change{{Kind: ConfigAdded, Severity: Warning, Resource: orders, Old: "", New: "86400000",
				Message: "retention.ms set to 86400000 (was the default): records are deleted sooner"}}},
		{"a default that changed with Kafka's version",
			func(s *snapshot.Snapshot) { withDefaults(s) },
			func(s *snapshot.Snapshot) {
				withDefaults(s, snapshot.Config{Name: "segment.bytes", Value: "536870912", Source: defaultSource})
			},
			[]Change{{Kind: ConfigChanged, Severity: Info, Resource: orders, Old: "1073741824", New: "536870912",
				Message: "segment.bytes default changed from 1073741824 to 536870912"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, after := base(), base()
			c.before(before)
			c.after(after)
			var got []Change
			for _, ch := range Compare(before, after, Options{}) {
				if ch.Resource == orders {
					got = append(got, ch)
				}
			}
			assert.Len(t, got, len(c.want), "%v", got)
			for i := range min(len(got), len(c.want)) {
				w := c.want[i]
				assert.Equal(t, []string{w.Kind, w.Severity, w.Resource, w.Old, w.New},
					[]string{got[i].Kind, got[i].Severity, got[i].Resource, got[i].Old, got[i].New})
				assert.Contains(t, got[i].Message, w.Message)
			}
		})
	}
}
