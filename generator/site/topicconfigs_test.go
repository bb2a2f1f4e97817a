package site

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestTopicConfigGroups: a topic with every config listed shows its overrides, inherited values
// and defaults apart, and the catalog counts only the overrides.
func TestTopicConfigGroups(t *testing.T) {
	snap := fixture()
	snap.Topics = append(snap.Topics, snapshot.Topic{Name: "audit.v1", ReplicationFactor: 1,
		Partitions: []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}},
		Configs: []snapshot.Config{
			{Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"},
			{Name: "compression.type", Value: "producer", Source: "DEFAULT_CONFIG"},
			{Name: "min.insync.replicas", Value: "2", Source: "STATIC_BROKER_CONFIG"},
			{Name: "retention.ms", Value: "604800000", Source: "DEFAULT_CONFIG"},
			{Name: "sasl.secret", Sensitive: true, Source: "DYNAMIC_TOPIC_CONFIG"},
			{Name: "segment.bytes", Value: "1073741824", Source: "DEFAULT_CONFIG"},
		}})
	snap.Normalize()
	s, err := Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)

	d := s.Page("clusters/prod/topics/audit.v1").Data.(*TopicData)
	names := func(rows []ConfigRow) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Name)
		}
		return out
	}
	assert.Len(t, d.Configs, 6, "every config is on the page")
	assert.Equal(t, []string{"cleanup.policy", "sasl.secret"}, names(d.OwnConfigs()))
	assert.Equal(t, []string{"min.insync.replicas"}, names(d.InheritedConfigs()))
	assert.Equal(t, []string{"compression.type", "retention.ms", "segment.bytes"}, names(d.DefaultConfigs()))
	assert.Equal(t, "broker (server.properties)", d.InheritedConfigs()[0].Origin)

	for _, r := range s.Page("clusters/prod/topics/index").Data.(*TopicsData).Topics {
		if r.Title == "audit.v1" {
			assert.Equal(t, 2, r.Overrides, "only DYNAMIC_TOPIC_CONFIG entries are overrides")
		}
	}
}
