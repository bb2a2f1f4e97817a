package snapshot

// Compatibility of the file format across kdocs versions: a file written by the first kdocs
// (testdata/v1-minimal.json has only the fields kdocs.snapshot/v1 had then) still loads, with
// every later field at its "not recorded" value; a file of a later format is refused by name.

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEarlyV1SnapshotStillLoads(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "v1-minimal.json"))
	require.NoError(t, err)

	assert.Equal(t, Format, s.Format)
	assert.Equal(t, "0.1.0", s.KdocsVersion)
	assert.Equal(t, time.Date(2026, 11, 26, 23, 40, 0, 0, time.UTC), s.TakenAt)
	assert.Equal(t, Cluster{Name: "legacy", Environment: "prod", ID: "Qk0xVjFtaW5pbWFsLTAx", ControllerID: 1, Brokers: []Broker{
		{ID: 1, Host: "kafka-1.internal", Port: 9092, Rack: "eu-west-1a"},
		{ID: 2, Host: "kafka-2.internal", Port: 9092},
	}}, s.Cluster, "no expectedBrokers, broker configs or log dirs: they came later")

	require.Len(t, s.Topics, 2)
	co := s.Topic("__consumer_offsets")
	require.NotNil(t, co)
	assert.True(t, co.Internal)
	orders := s.Topic("orders")
	require.NotNil(t, orders)
	assert.Equal(t, 2, orders.ReplicationFactor)
	assert.Nil(t, orders.SizeBytes, "sizes came later: unknown, not zero")
	assert.Equal(t, Partition{ID: 0, Leader: 1, Replicas: []int32{1, 2}, ISR: []int32{1}, OfflineReplicas: []int32{2}, EarliestOffset: 3, LatestOffset: 40}, orders.Partitions[0])
	assert.Equal(t, Partition{ID: 1, Leader: -1}, orders.Partitions[1], "null replica lists load as nil")
	assert.Equal(t, int32(-1), orders.Partitions[1].PreferredLeader())
	assert.Equal(t, []Config{{Name: "retention.ms", Value: "604800000", Source: "DYNAMIC_TOPIC_CONFIG"}, {Name: "sasl.jaas.config", Sensitive: true}}, orders.Configs)

	g := s.Group("billing")
	require.NotNil(t, g)
	assert.Equal(t, int64(10), g.TotalLag)
	assert.Empty(t, g.Type, "group types came later: read as classic")
	assert.Nil(t, g.GroupEpoch, "epochs came later: unknown, not zero")
	assert.Empty(t, g.NotDescribed)
	assert.Nil(t, s.Cluster.Quorum, "the quorum came later: not recorded, not an unavailable section")
	assert.Nil(t, s.Cluster.Features)
	assert.Nil(t, s.Transactions, "transactions came later: not recorded, not an unavailable section")
	assert.Nil(t, s.Producers, "producer state came later: not recorded")
	assert.Nil(t, g.Members[0].MemberEpoch)
	assert.Equal(t, []TopicPartitions{{Topic: "orders", Partitions: []int32{0, 1}}}, g.Members[0].Assignments)

	sub := s.Subject("orders-value")
	require.NotNil(t, sub)
	assert.Equal(t, "FULL", sub.Compatibility)
	assert.Equal(t, 2, sub.Latest().Version, "version 1 is soft-deleted")
	assert.Equal(t, []Reference{{Name: "com.acme.Money", Subject: "money-value", Version: 1}}, sub.Latest().References)
	for _, v := range sub.Versions {
		assert.Nil(t, v.Verdict, "the registry's verdicts came later: not recorded, which is not the same as none")
	}

	assert.Nil(t, s.ACLs, "ACLs came later: not recorded, which is not the same as none")
	assert.Nil(t, s.Quotas)
	assert.False(t, s.Partial())

	// Saved again by this kdocs, it is still a v1 file that loads to the same state.
	path := filepath.Join(t.TempDir(), "legacy.json")
	require.NoError(t, Save(path, s))
	again, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, s, again)
}

func TestFutureFormatIsRefusedByName(t *testing.T) {
	// A v2 file may add fields and change the shape of old ones (topics as an object here).
	v2 := []byte(`{"format": "kdocs.snapshot/v2", "cluster": {"name": "legacy", "racks": []}, "topics": {}}`)
	_, err := Decode(v2)
	require.EqualError(t, err, `snapshot format "kdocs.snapshot/v2" is not supported by this kdocs (it reads "kdocs.snapshot/v1")`,
		"the version check comes before any field is decoded, so v2's new or changed fields cannot produce a confusing message instead")

	path := filepath.Join(t.TempDir(), "future.json")
	require.NoError(t, os.WriteFile(path, v2, 0o644))
	_, err = Load(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), `"kdocs.snapshot/v2"`)
}
