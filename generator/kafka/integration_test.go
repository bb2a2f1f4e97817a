package kafka

// Integration test against the real 3-node Kafka 4.1 cluster (scripts/kafka.sh) seeded by
// testdata/seed. The expected facts below follow from testdata/seed/estate.go: partition p of the
// topic at index t has replicas brokers[(t+p)%3], …; record i goes to partition i%partitions; a
// group commits floor(records(p)·Num/Den) on partition p.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

func realCluster(t *testing.T) config.Cluster {
	return config.Cluster{
		Name:        "acme",
		Environment: "integration",
		Bootstrap:   testenv.Kafka(t),
		Timeout:     config.Duration(10 * time.Second),
	}
}

func TestCollectRealCluster(t *testing.T) {
	c := realCluster(t)
	ctx := context.Background()

	wire := newWireCounter()
	o := defaultOptions()
	o.dial = wire.dial
	start := time.Now()
	s, err := collect(ctx, c, o)
	took := time.Since(start)
	require.NoError(t, err)
	t.Logf("one snapshot: %d topics, %d groups in %s; requests: %s", len(s.Topics), len(s.Groups), took.Round(time.Millisecond), wire)
	assert.Empty(t, s.Errors, "every kafka-go call must work against this Kafka")

	// Kafka 4.1 answered every request kdocs sends, at the versions kafka-go speaks.
	for _, key := range []protocol.ApiKey{protocol.Metadata, protocol.DescribeConfigs, protocol.DescribeLogDirs, protocol.ListOffsets, protocol.ListGroups, protocol.DescribeGroups, protocol.OffsetFetch, protocol.DescribeAcls, protocol.DescribeClientQuotas} {
		assert.Positive(t, wire.count(key), "%s was never sent", key)
	}

	t.Run("brokers", func(t *testing.T) {
		assert.NotEmpty(t, s.Cluster.ID)
		var got []snapshot.Broker
		for _, b := range s.Cluster.Brokers {
			got = append(got, snapshot.Broker{ID: b.ID, Host: b.Host, Port: b.Port, Rack: b.Rack})
		}
		base := testenv.KafkaPortBase()
		assert.Equal(t, []snapshot.Broker{
			{ID: 1, Host: "127.0.0.1", Port: base + 1, Rack: "rack-a"},
			{ID: 2, Host: "127.0.0.1", Port: base + 2, Rack: "rack-b"},
			{ID: 3, Host: "127.0.0.1", Port: base + 3, Rack: "rack-a"},
		}, got)
		for _, b := range s.Cluster.Brokers {
			// scripts/kafka.sh's server.properties, and min.insync.replicas as clusterMinISR says.
			assert.Contains(t, b.Configs, snapshot.Config{Name: "node.id", Value: fmt.Sprint(b.ID), Source: "STATIC_BROKER_CONFIG"})
			assert.Contains(t, b.Configs, snapshot.Config{Name: "broker.rack", Value: b.Rack, Source: "STATIC_BROKER_CONFIG"})
			assert.Contains(t, b.Configs, snapshot.Config{Name: "offsets.topic.replication.factor", Value: "3", Source: "STATIC_BROKER_CONFIG"})
			assert.Contains(t, b.Configs, snapshot.Config{Name: "auto.create.topics.enable", Value: "false", Source: "STATIC_BROKER_CONFIG"})
			assert.Contains(t, b.Configs, clusterMinISR())
			for _, cfg := range b.Configs {
				assert.NotEqual(t, "DEFAULT_CONFIG", cfg.Source, "broker %d: %s", b.ID, cfg.Name)
			}
			// One log dir per node, holding at least the seeded records.
			require.Len(t, b.LogDirs, 1, "broker %d", b.ID)
			assert.Equal(t, fmt.Sprintf("/node%d/data", b.ID), b.LogDirs[0].Path[strings.LastIndex(b.LogDirs[0].Path, "/node"):])
			assert.Empty(t, b.LogDirs[0].Error)
			assert.Greater(t, b.LogDirs[0].SizeBytes, int64(10_000))
		}
		// KRaft: Metadata names a random live broker as controller on every request (1, then
		// 3, …), so the snapshot reports none rather than a false, changing one.
		assert.Equal(t, int32(-1), s.Cluster.ControllerID)
	})

	t.Run("topics", func(t *testing.T) {
		// orders.order-placed.v1 is topics[0]: 6 partitions, RF 3, 120 records.
		op := s.Topic("orders.order-placed.v1")
		require.NotNil(t, op)
		assert.False(t, op.Internal)
		assert.Equal(t, 3, op.ReplicationFactor)
		require.Len(t, op.Partitions, 6)
		assert.Equal(t, []int32{1, 2, 3}, op.Partitions[0].Replicas)
		assert.Equal(t, []int32{2, 3, 1}, op.Partitions[1].Replicas)
		for _, p := range op.Partitions {
			assert.ElementsMatch(t, p.Replicas, p.ISR, "partition %d: ISR = replicas", p.ID)
			assert.Contains(t, p.Replicas, p.Leader)
			assert.Equal(t, int64(0), p.EarliestOffset)
			assert.Equal(t, int64(20), p.LatestOffset)
		}

		// orders.cart-events.v1 is topics[6]: RF 1, 200 records over 6 partitions (34 34 33 33 33 33).
		ce := s.Topic("orders.cart-events.v1")
		require.NotNil(t, ce)
		assert.Equal(t, 1, ce.ReplicationFactor)
		assert.Equal(t, []int32{1}, ce.Partitions[0].Replicas) // brokers[(6+0)%3]
		assert.Equal(t, []int64{34, 34, 33, 33, 33, 33}, latestOffsets(ce))

		// An empty topic has no records, and takes no bytes.
		assert.Equal(t, []int64{0, 0}, latestOffsets(s.Topic("inventory.stock-audit.v1")))
		require.NotNil(t, s.Topic("inventory.stock-audit.v1").SizeBytes)
		assert.Equal(t, int64(0), *s.Topic("inventory.stock-audit.v1").SizeBytes)

		// Sizes: every partition of every topic is known; a topic's size is their sum and
		// less than the sum of its replicas across the brokers' log dirs.
		var onDisk int64
		for _, b := range s.Cluster.Brokers {
			onDisk += b.LogDirs[0].SizeBytes
		}
		var all int64
		for _, tp := range s.Topics {
			require.NotNil(t, tp.SizeBytes, tp.Name)
			var sum int64
			for _, p := range tp.Partitions {
				require.NotNil(t, p.SizeBytes, "%s-%d", tp.Name, p.ID)
				sum += *p.SizeBytes
			}
			assert.Equal(t, sum, *tp.SizeBytes, tp.Name)
			all += sum
		}
		assert.Less(t, all, onDisk)
		// 20 records of a few hundred bytes each per partition of order-placed.
		for _, p := range op.Partitions {
			assert.Greater(t, *p.SizeBytes, int64(20*100), "partition %d", p.ID)
		}

		co := s.Topic("__consumer_offsets")
		require.NotNil(t, co, "internal topics are collected")
		assert.True(t, co.Internal)
	})

	t.Run("configs", func(t *testing.T) {
		assert.Contains(t, s.Topic("orders.order-placed.v1").Configs, snapshot.Config{Name: "retention.ms", Value: "604800000", Source: "DYNAMIC_TOPIC_CONFIG"})
		assert.Contains(t, s.Topic("orders.order-placed.v1").Configs, snapshot.Config{Name: "min.insync.replicas", Value: "2", Source: "DYNAMIC_TOPIC_CONFIG"})
		assert.Contains(t, s.Topic("orders.order-status.v1").Configs, snapshot.Config{Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"})
		assert.Contains(t, s.Topic("inventory.stock-audit.v1").Configs, snapshot.Config{Name: "cleanup.policy", Value: "compact,delete", Source: "DYNAMIC_TOPIC_CONFIG"})
		// A topic without a retention.ms override lists Kafka's default, marked as such, and
		// the inherited min.insync.replicas where it sets none
		// (TestFactsSeededTopics and TestFactsTopicConfigs check every config).
		assert.Contains(t, s.Topic("orders.order-shipped.v1").Configs, snapshot.Config{Name: "retention.ms", Value: "604800000", Source: "DEFAULT_CONFIG"})
		assert.Contains(t, s.Topic("orders.order-returned.v1").Configs, clusterMinISR())
	})

	t.Run("groups", func(t *testing.T) {
		// order-fulfilment: order-placed 20/partition, commits 1/2 → 10, lag 10 × 6;
		// order-cancelled 8/partition, commits 3/4 → 6, lag 2 × 3. Total 66.
		g := s.Group("order-fulfilment")
		require.NotNil(t, g)
		assert.Equal(t, "Empty", g.State)
		assert.Equal(t, "consumer", g.ProtocolType)
		var want []snapshot.GroupOffset
		for p := range int32(3) {
			want = append(want, snapshot.GroupOffset{Topic: "orders.order-cancelled.v1", Partition: p, Committed: 6, LatestOffset: 8, Lag: 2})
		}
		for p := range int32(6) {
			want = append(want, snapshot.GroupOffset{Topic: "orders.order-placed.v1", Partition: p, Committed: 10, LatestOffset: 20, Lag: 10})
		}
		assert.Equal(t, want, g.Offsets)
		assert.Equal(t, int64(66), g.TotalLag)

		// The other groups' totals (testdata/seed/README.md); analytics-loader is
		// 6×15 + 6×12 + 4×13 + 6×4 (cart-events: 34→30, 33→29).
		for id, lag := range map[string]int64{"payment-ledger": 102, "inventory-sync": 96, "analytics-loader": 238} {
			require.NotNil(t, s.Group(id), id)
			assert.Equal(t, lag, s.Group(id).TotalLag, id)
			assert.Equal(t, "Empty", s.Group(id).State, id)
		}
		// payment-ledger commits everything on refund-issued: lag 0 there.
		for _, o := range s.Group("payment-ledger").Offsets {
			if o.Topic == "payments.refund-issued.v1" {
				assert.Equal(t, int64(0), o.Lag)
			}
		}
	})

	t.Run("acls and quotas", func(t *testing.T) {
		if testenv.KafkaAuthorizer() {
			// StandardAuthorizer (KDOCS_KAFKA_AUTHORIZER=1): the seed's ACLs at least.
			require.NotNil(t, s.ACLs)
			assert.True(t, s.ACLs.Available, s.ACLs.Reason)
			assert.GreaterOrEqual(t, len(s.ACLs.Entries), 6, "the seed's 6 ACLs")
		} else {
			// No authorizer: Kafka answers DescribeAcls with SECURITY_DISABLED.
			assert.Equal(t, &snapshot.ACLSection{Reason: "no authorizer configured"}, s.ACLs)
		}
		// Quotas need no authorizer; other tests may set some meanwhile, so only the
		// section's availability is asserted here (TestQuotasRealCluster reads one back).
		require.NotNil(t, s.Quotas)
		assert.True(t, s.Quotas.Available, s.Quotas.Reason)
	})

	t.Run("deterministic", func(t *testing.T) {
		// Other tests may write to the shared cluster meanwhile (commits land in
		// __consumer_offsets), so a difference is retried a few times before it fails. The
		// KRaft quorum's offsets and fetch times move every half second on an idle cluster
		// (the leader appends a no-op record): they are compared as "present", not by value.
		still(s)
		first, err := snapshot.Encode(s)
		require.NoError(t, err)
		var diff string
		for range 3 {
			again, err := Collect(ctx, c)
			require.NoError(t, err)
			again.TakenAt = s.TakenAt
			still(again)
			b, err := snapshot.Encode(again)
			require.NoError(t, err)
			if string(b) == string(first) {
				return
			}
			diff = firstDifference(string(first), string(b))
			first = b
			s = again
		}
		t.Fatalf("two collections of the same state differ: %s", diff)
	})
}

// still zeroes what moves in an idle cluster's snapshot: the quorum's offsets, lags and times
// (each kept as present or absent), and the brokers' log directory totals, which hold
// __consumer_offsets and every other test's topics: the facts tests run beside each other, and
// the log cleaner compacts on its own schedule (a fresh 4.4.0 cluster's node 2 shrank by 10 kB
// between two collections in CI). The seeded topics' own sizes are still compared.
func still(s *snapshot.Snapshot) {
	for i := range s.Cluster.Brokers {
		for j := range s.Cluster.Brokers[i].LogDirs {
			s.Cluster.Brokers[i].LogDirs[j].SizeBytes = 0
		}
	}
	q := s.Cluster.Quorum
	if q == nil {
		return
	}
	q.HighWatermark = 0
	for _, rs := range [][]snapshot.QuorumReplica{q.Voters, q.Observers} {
		for i := range rs {
			r := &rs[i]
			r.LogEndOffset, r.Lag = 0, 0
			if r.LastFetchMs != nil {
				r.LastFetchMs = new(int64)
			}
			if r.LastCaughtUpMs != nil {
				r.LastCaughtUpMs = new(int64)
			}
		}
	}
}

func latestOffsets(t *snapshot.Topic) []int64 {
	var out []int64
	for _, p := range t.Partitions {
		out = append(out, p.LatestOffset)
	}
	return out
}

func firstDifference(a, b string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			lo := max(0, i-80)
			return "…" + a[lo:min(len(a), i+80)] + "… vs …" + b[lo:min(len(b), i+80)] + "…"
		}
	}
	return "one is a prefix of the other"
}

// TestQuotasRealCluster sets a quota on a client id of its own (kdocs-test-…), reads it back
// through a collection, and removes it.
func TestQuotasRealCluster(t *testing.T) {
	c := realCluster(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Bootstrap...))
	require.NoError(t, err)
	t.Cleanup(cl.Close) // registered first, so it runs after the removal below
	adm := kadm.NewClient(cl)
	ctx := context.Background()
	id := fmt.Sprintf("kdocs-test-quota-%d", time.Now().UnixNano())
	entity := kadm.ClientQuotaEntity{{Type: "client-id", Name: &id}}
	alter := func(remove bool) {
		res, err := adm.AlterClientQuotas(ctx, []kadm.AlterClientQuotaEntry{{Entity: entity, Ops: []kadm.AlterClientQuotaOp{
			{Key: "producer_byte_rate", Value: 1048576, Remove: remove},
			{Key: "request_percentage", Value: 25, Remove: remove},
		}}})
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
	}
	alter(false)
	t.Cleanup(func() { alter(true) })

	want := snapshot.Quota{Entity: []snapshot.QuotaEntity{{Type: "client-id", Name: id}}, Values: []snapshot.QuotaValue{{Key: "producer_byte_rate", Value: 1048576}, {Key: "request_percentage", Value: 25}}}
	// Brokers apply quota changes from the metadata log a moment after the controller
	// accepts them.
	require.Eventually(t, func() bool {
		s, err := Collect(ctx, c)
		require.NoError(t, err)
		require.True(t, s.Quotas.Available, s.Quotas.Reason)
		for _, q := range s.Quotas.Entries {
			if len(q.Entity) == 1 && q.Entity[0].Name == id {
				assert.Equal(t, want, q)
				return true
			}
		}
		return false
	}, 10*time.Second, 200*time.Millisecond)
}
