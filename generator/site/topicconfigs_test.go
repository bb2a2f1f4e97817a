package site

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestTopicConfigGroups: a topic with every config listed shows its overrides apart; the values
// the cluster's topics share without setting them are listed once, on the cluster's topic config
// defaults page, and a topic page keeps only those of its values that differ from that page.
func TestTopicConfigGroups(t *testing.T) {
	snap := fixture()
	partitions := []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}
	snap.Topics = append(snap.Topics,
		snapshot.Topic{Name: "audit.v1", ReplicationFactor: 1, Partitions: partitions, Configs: []snapshot.Config{
			{Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"},
			{Name: "compression.type", Value: "producer", Source: "DEFAULT_CONFIG"},
			{Name: "min.insync.replicas", Value: "1", Source: "STATIC_BROKER_CONFIG"},
			{Name: "retention.ms", Value: "604800000", Source: "DEFAULT_CONFIG"},
			{Name: "sasl.secret", Sensitive: true, Source: "DYNAMIC_TOPIC_CONFIG"},
			{Name: "segment.bytes", Value: "1073741824", Source: "DEFAULT_CONFIG"},
		}},
		snapshot.Topic{Name: "audit.v2", ReplicationFactor: 1, Partitions: partitions, Configs: []snapshot.Config{
			{Name: "cleanup.policy", Value: "delete", Source: "DEFAULT_CONFIG"},
			{Name: "compression.type", Value: "producer", Source: "DEFAULT_CONFIG"},
			{Name: "min.insync.replicas", Value: "2", Source: "STATIC_BROKER_CONFIG"},
			{Name: "retention.ms", Value: "604800000", Source: "DEFAULT_CONFIG"},
			{Name: "segment.bytes", Value: "1073741824", Source: "DEFAULT_CONFIG"},
		}},
		snapshot.Topic{Name: "audit.v3", ReplicationFactor: 1, Partitions: partitions, Configs: []snapshot.Config{
			{Name: "cleanup.policy", Value: "delete", Source: "DEFAULT_CONFIG"},
			{Name: "compression.type", Value: "producer", Source: "DEFAULT_CONFIG"},
			{Name: "min.insync.replicas", Value: "2", Source: "STATIC_BROKER_CONFIG"},
			{Name: "retention.ms", Value: "86400000", Source: "DEFAULT_CONFIG"},
			{Name: "segment.bytes", Value: "1073741824", Source: "DEFAULT_CONFIG"},
		}})
	snap.Normalize()
	s, err := Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)

	names := func(rows []ConfigRow) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Name)
		}
		return out
	}
	d := s.Page("clusters/prod/topics/audit.v1").Data.(*TopicData)
	assert.Len(t, d.Configs, 6, "every config is recorded")
	assert.Equal(t, []string{"cleanup.policy", "sasl.secret"}, names(d.OwnConfigs()))
	assert.Equal(t, []string{"min.insync.replicas"}, names(d.InheritedConfigs()), "1 where the other topics have 2")
	assert.Equal(t, "broker (server.properties)", d.InheritedConfigs()[0].Origin)
	assert.Empty(t, d.DefaultConfigs(), "its defaults are the cluster's")
	assert.Equal(t, 3, d.SharedConfigs())
	assert.True(t, d.DefaultsRecorded())

	d3 := s.Page("clusters/prod/topics/audit.v3").Data.(*TopicData)
	assert.Empty(t, d3.OwnConfigs())
	assert.Equal(t, []string{"retention.ms"}, names(d3.DefaultConfigs()), "one day where two topics have a week")
	assert.Equal(t, 4, d3.SharedConfigs())

	p := s.Page("clusters/prod/topic-configs")
	require.NotNil(t, p, "the cluster's topic config defaults page")
	type row struct {
		name, value, origin string
		topics, own, other  int
	}
	var got []row
	for _, c := range p.Data.(*TopicConfigsData).Configs {
		got = append(got, row{c.Name, c.Value, c.Origin, c.Topics, c.Own, c.Other})
	}
	assert.Equal(t, []row{
		{"cleanup.policy", "delete", "Kafka default", 2, 1, 0},
		{"compression.type", "producer", "Kafka default", 3, 0, 0},
		{"min.insync.replicas", "2", "broker (server.properties)", 2, 0, 1},
		{"retention.ms", "604800000", "Kafka default", 2, 0, 1},
		{"segment.bytes", "1073741824", "Kafka default", 3, 0, 0},
	}, got)
	assert.Equal(t, "clusters/prod/topic-configs", s.Clusters[0].TopicConfigsPath)

	for _, r := range s.Page("clusters/prod/topics/index").Data.(*TopicsData).Topics {
		if r.Title == "audit.v1" {
			assert.Equal(t, 2, r.Overrides, "only DYNAMIC_TOPIC_CONFIG entries are overrides")
		}
	}
}

// TestTopicConfigsOfOlderSnapshots: a snapshot that lists only overrides has no defaults page,
// and its topic pages say the defaults are not recorded.
func TestTopicConfigsOfOlderSnapshots(t *testing.T) {
	snap := fixture()
	for i := range snap.Topics {
		for j := range snap.Topics[i].Configs {
			snap.Topics[i].Configs[j].Source = ""
		}
	}
	s, err := Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	assert.Nil(t, s.Page("clusters/prod/topic-configs"))
	assert.Empty(t, s.Clusters[0].TopicConfigsPath)
	for _, p := range s.Pages {
		if d, ok := p.Data.(*TopicData); ok {
			assert.False(t, d.DefaultsRecorded(), p.Path)
			assert.Zero(t, d.SharedConfigs(), p.Path)
		}
	}
}
