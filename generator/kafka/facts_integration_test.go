package kafka

// The facts of the seeded estate (testdata/seed/README.md) that TestCollectRealCluster does not
// cover topic by topic, checked for all 21 seeded topics; topic configs checked against Kafka's
// own ConfigCommand (kafka-configs.sh); and a live group member with its decoded assignment.

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// seededTopic is one row of testdata/seed/README.md's topic table, in table order: the t-th
// topic's partition p has replicas [(t+p)%3+1, (t+p+1)%3+1, …], RF of them.
type seededTopic struct {
	name          string
	partitions    int
	rf            int
	overrides     map[string]string
	perPartition  []int64 // end offsets: the records, then a commit marker on a transactional topic
	seededRecords int64
}

func seededTopics() []seededTopic {
	even := func(records int64, partitions int) []int64 {
		out := make([]int64, partitions)
		for p := range out {
			out[p] = records / int64(partitions)
			if int64(p) < records%int64(partitions) {
				out[p]++
			}
		}
		return out
	}
	rows := []struct {
		name      string
		parts, rf int
		overrides map[string]string
		records   int64
	}{
		{"orders.order-placed.v1", 6, 3, map[string]string{"min.insync.replicas": "2", "retention.ms": "604800000"}, 120},
		{"orders.order-shipped.v1", 3, 3, map[string]string{"min.insync.replicas": "2"}, 60},
		{"orders.order-cancelled.v1", 3, 3, map[string]string{"retention.ms": "2592000000"}, 24},
		{"orders.order-returned.v1", 2, 1, nil, 10},
		{"orders.order-status.v1", 3, 3, map[string]string{"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1"}, 45},
		{"orders.order-placed.v1.dlq", 1, 1, map[string]string{"retention.ms": "1209600000"}, 7},
		{"orders.cart-events.v1", 6, 1, map[string]string{"compression.type": "lz4", "retention.ms": "86400000"}, 200},
		{"payments.payment-authorized.v1", 6, 3, map[string]string{"max.message.bytes": "2097152", "min.insync.replicas": "2"}, 150},
		{"payments.payment-captured.v1", 6, 3, map[string]string{"min.insync.replicas": "2"}, 90},
		{"payments.payment-failed.v1", 2, 3, nil, 20},
		{"payments.refund-issued.v1", 2, 3, map[string]string{"retention.ms": "31536000000"}, 16},
		{"payments.ledger-entries.v1", 4, 3, map[string]string{"cleanup.policy": "compact", "max.message.bytes": "524288", "min.insync.replicas": "2"}, 80},
		{"payments.fraud-scores.v1", 3, 1, map[string]string{"compression.type": "zstd", "retention.ms": "259200000"}, 60},
		{"payments.payment-authorized.v1.dlq", 1, 1, nil, 5},
		{"inventory.stock-level.v1", 4, 3, map[string]string{"cleanup.policy": "compact", "min.insync.replicas": "2"}, 100},
		{"inventory.stock-reserved.v1", 3, 3, nil, 75},
		{"inventory.stock-released.v1", 3, 3, nil, 30},
		{"inventory.warehouse-transfers.v1", 2, 1, map[string]string{"max.message.bytes": "5242880"}, 14},
		{"inventory.product-catalog.v1", 1, 3, map[string]string{"cleanup.policy": "compact"}, 40},
		{"inventory.restock-requests.v1", 1, 1, map[string]string{"retention.ms": "172800000"}, 11},
		{"inventory.stock-audit.v1", 2, 3, map[string]string{"cleanup.policy": "compact,delete", "retention.ms": "604800000"}, 0},
	}
	out := make([]seededTopic, len(rows))
	for i, r := range rows {
		out[i] = seededTopic{name: r.name, partitions: r.parts, rf: r.rf, overrides: r.overrides,
			perPartition: even(r.records, r.parts), seededRecords: r.records}
		if r.name == "payments.ledger-entries.v1" { // one committed transaction: a marker per partition
			for p := range out[i].perPartition {
				out[i].perPartition[p]++
			}
		}
	}
	return out
}

// TestFactsSeededTopics checks every seeded topic: placement, preferred leaders, offline
// replicas, offsets, sizes, and configs with their sources.
func TestFactsSeededTopics(t *testing.T) {
	s, err := Collect(context.Background(), realCluster(t))
	require.NoError(t, err)

	seeded := seededTopics()
	require.Len(t, seeded, 21)
	for ti, want := range seeded {
		t.Run(want.name, func(t *testing.T) {
			tp := s.Topic(want.name)
			require.NotNil(t, tp)
			assert.False(t, tp.Internal, "a seeded topic is not internal")
			assert.Equal(t, want.rf, tp.ReplicationFactor)
			require.Len(t, tp.Partitions, want.partitions)
			var sizes int64
			for p, part := range tp.Partitions {
				assert.Equal(t, int32(p), part.ID)
				var replicas []int32
				for r := range want.rf {
					replicas = append(replicas, int32((ti+p+r)%3+1))
				}
				assert.Equal(t, replicas, part.Replicas, "partition %d", p)
				assert.Equal(t, replicas[0], part.PreferredLeader(), "partition %d", p)
				assert.Contains(t, part.Replicas, part.Leader, "partition %d has a live leader among its replicas", p)
				assert.ElementsMatch(t, part.Replicas, part.ISR, "partition %d: every replica in sync", p)
				assert.Nil(t, part.OfflineReplicas, "partition %d: no replica offline", p)
				assert.Equal(t, int64(0), part.EarliestOffset, "partition %d", p)
				assert.Equal(t, want.perPartition[p], part.LatestOffset, "partition %d", p)
				require.NotNil(t, part.SizeBytes, "partition %d", p)
				if want.perPartition[p] > 0 {
					assert.Positive(t, *part.SizeBytes, "partition %d holds records", p)
				}
				sizes += *part.SizeBytes
			}
			require.NotNil(t, tp.SizeBytes)
			assert.Equal(t, sizes, *tp.SizeBytes, "the topic's size is its partitions'")

			// Configs: every one, sorted; the seed's overrides and nothing else as
			// DYNAMIC_TOPIC_CONFIG; min.insync.replicas inherited from the brokers where the
			// topic does not set it (clusterMinISR); the rest at Kafka's default.
			minISR := clusterMinISR()
			assert.True(t, slices.IsSortedFunc(tp.Configs, func(a, b snapshot.Config) int { return strings.Compare(a.Name, b.Name) }))
			assert.Greater(t, len(tp.Configs), 30, "every topic config is listed")
			own := map[string]string{}
			for _, c := range tp.Configs {
				assert.False(t, c.Sensitive, c.Name)
				switch c.Source {
				case "DYNAMIC_TOPIC_CONFIG":
					own[c.Name] = c.Value
				case "DYNAMIC_DEFAULT_BROKER_CONFIG", "STATIC_BROKER_CONFIG":
					assert.Equal(t, minISR, c)
				default:
					assert.Equal(t, "DEFAULT_CONFIG", c.Source, c.Name)
				}
			}
			assert.Equal(t, want.overrides, nilIfNoKeys(own))
		})
	}

	t.Run("cluster and KRaft quorum", func(t *testing.T) {
		// Every node names the same static voters in its configs (DescribeQuorum's view is
		// compared with kafka-metadata-quorum in TestFactsQuorumMatchesMetadataQuorumCommand).
		require.Len(t, s.Cluster.Brokers, 3)
		voters := testenv.KafkaPortBase() + 100 // scripts/kafka.sh: node N's controller on base+100+N
		for _, b := range s.Cluster.Brokers {
			assert.Contains(t, b.Configs, snapshot.Config{Name: "controller.quorum.voters",
				Value: fmt.Sprintf("1@127.0.0.1:%d,2@127.0.0.1:%d,3@127.0.0.1:%d", voters+1, voters+2, voters+3), Source: "STATIC_BROKER_CONFIG"}, "broker %d", b.ID)
			assert.Contains(t, b.Configs, snapshot.Config{Name: "process.roles", Value: "broker,controller", Source: "STATIC_BROKER_CONFIG"}, "broker %d", b.ID)
		}
		c := realCluster(t)
		c.ExpectedBrokers = 3
		again, err := Collect(context.Background(), c)
		require.NoError(t, err)
		assert.Equal(t, 3, again.Cluster.ExpectedBrokers, "kept with the brokers seen, for health to compare")
		assert.Len(t, again.Cluster.Brokers, 3)
	})

	t.Run("groups commit every partition they read", func(t *testing.T) {
		// The seed commits on every partition of every topic a group consumes.
		for _, id := range []string{"order-fulfilment", "payment-ledger", "inventory-sync", "analytics-loader"} {
			g := s.Group(id)
			require.NotNil(t, g, id)
			assert.Nil(t, g.Uncommitted, id)
			assert.Empty(t, g.Members, id)
		}
	})

	t.Run("internal topics", func(t *testing.T) {
		co := s.Topic("__consumer_offsets")
		require.NotNil(t, co)
		assert.True(t, co.Internal)
		assert.Len(t, co.Partitions, 50)
		assert.Equal(t, 3, co.ReplicationFactor)
		assert.Contains(t, co.Configs, snapshot.Config{Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"})
	})
}

// clusterMinISR is the min.insync.replicas a topic without its own inherits: on 3.x the brokers'
// server.properties (scripts/kafka.sh sets 1); on 4.x the cluster-wide dynamic default the
// controller writes when the cluster is formatted (KIP-966, eligible leader replicas), which
// DescribeConfigs reports first.
func clusterMinISR() snapshot.Config {
	c := snapshot.Config{Name: "min.insync.replicas", Value: "1", Source: "STATIC_BROKER_CONFIG"}
	if testenv.KafkaAtLeast(4, 0) {
		c.Source = "DYNAMIC_DEFAULT_BROKER_CONFIG"
	}
	return c
}

func nilIfNoKeys(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// TestFactsTopicConfigs compares every seeded topic's configs with what Kafka's
// own tool prints (kafka-configs.sh --describe --all, run from the cached Kafka jars through
// scripts/kafka.sh): the same config names, each with the same value and source. ConfigCommand
// prints an entry's source only as the first of its synonyms; an entry without synonyms is
// one of Kafka's defaults that no broker config name stands for.
func TestFactsTopicConfigs(t *testing.T) {
	servers := testenv.Kafka(t)
	if _, err := exec.LookPath("java"); err != nil {
		if testenv.Strict() {
			t.Fatalf("java is required in CI to run Kafka's ConfigCommand: %v", err)
		}
		t.Skipf("java not found: %v", err)
	}
	s, err := Collect(context.Background(), realCluster(t))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "kafka.sh"))
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, script, "tool", "kafka-configs",
		"--bootstrap-server", servers[0], "--describe", "--all", "--entity-type", "topics")
	out, err := cmd.Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "ConfigCommand: %s", stderr)
	tool := parseConfigCommand(t, string(out))

	for _, want := range seededTopics() {
		fromTool, ok := tool[want.name]
		require.True(t, ok, "ConfigCommand did not describe %s", want.name)
		tp := s.Topic(want.name)
		require.NotNil(t, tp)
		got := map[string]string{}
		for _, c := range tp.Configs {
			got[c.Name] = c.Value + " from " + c.Source
		}
		assert.Equal(t, slices.Sorted(maps.Keys(fromTool)), slices.Sorted(maps.Keys(got)), "%s: config names", want.name)
		assert.Equal(t, fromTool, got, "%s: values and sources", want.name)
	}
}

// parseConfigCommand reads ConfigCommand's --describe --all output:
//
//	All configs for topic orders.order-shipped.v1 are:
//	  min.insync.replicas=2 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:min.insync.replicas=2, …}
//	  flush.ms=9223372036854775807 sensitive=false synonyms={}
//
// into topic → config name → "value from SOURCE".
func parseConfigCommand(t *testing.T, out string) map[string]map[string]string {
	t.Helper()
	topics := map[string]map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "All configs for topic "); ok {
			cur = map[string]string{}
			topics[strings.TrimSuffix(name, " are:")] = cur
			continue
		}
		if cur == nil || strings.TrimSpace(line) == "" {
			continue
		}
		entry, synonyms, ok := strings.Cut(strings.TrimSpace(line), " synonyms={")
		require.True(t, ok, "unexpected ConfigCommand line %q", line)
		i := strings.LastIndex(entry, " sensitive=")
		require.Positive(t, i, "unexpected ConfigCommand line %q", line)
		name, value, _ := strings.Cut(entry[:i], "=")
		source := "DEFAULT_CONFIG"
		if first, _, ok := strings.Cut(synonyms, ":"); ok && !strings.HasPrefix(synonyms, "}") {
			source = first
		}
		cur[name] = value + " from " + source
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, topics, "ConfigCommand described no topic:\n%s", out)
	return topics
}

// TestFactsLiveGroupMember joins a group of its own with one member and checks what the snapshot
// says of it: state, protocol, the assignor, the member's client id, host and decoded
// assignment, and its commits.
func TestFactsLiveGroupMember(t *testing.T) {
	c := realCluster(t)
	ctx := context.Background()
	admCl, err := kgo.NewClient(kgo.SeedBrokers(c.Bootstrap...))
	require.NoError(t, err)
	t.Cleanup(admCl.Close)
	adm := kadm.NewClient(admCl)

	suffix := fmt.Sprint(time.Now().UnixNano())
	topic, group, clientID := "kdocs-test-members-"+suffix, "kdocs-test-members-"+suffix, "kdocs-test-client-"+suffix
	testenv.CreateTopic(ctx, t, admCl, topic, 3, 1, nil)
	t.Cleanup(func() {
		_, _ = adm.DeleteGroup(context.Background(), group)
		_, _ = adm.DeleteTopic(context.Background(), topic)
		// Brokers drop a deleted topic a moment after the controller: until then a snapshot
		// lists it, or names it in errors. Later tests assert on clean snapshots.
		assert.Eventually(t, func() bool {
			s, err := Collect(context.Background(), c)
			return err == nil && s.Topic(topic) == nil && !slices.ContainsFunc(s.Errors, func(e snapshot.Error) bool {
				return strings.Contains(e.Resource+e.Message, topic)
			})
		}, 30*time.Second, 200*time.Millisecond, "topic %s was not deleted", topic)
	})

	// Partition 0 gets a commit before the member joins; 1 and 2 none.
	testenv.Ready(ctx, t, admCl, testenv.Want{Groups: []string{group}})
	res, err := adm.CommitOffsets(ctx, group, kadm.OffsetsFromRecords(kgo.Record{Topic: topic, Partition: 0, Offset: -1}))
	require.NoError(t, err)
	require.NoError(t, res.Error())

	member, err := kgo.NewClient(kgo.SeedBrokers(c.Bootstrap...), kgo.ClientID(clientID), kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic), kgo.Balancers(kgo.RangeBalancer()), kgo.DisableAutoCommit())
	require.NoError(t, err)
	pollCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for pollCtx.Err() == nil {
			member.PollFetches(pollCtx)
		}
	}()
	t.Cleanup(func() { stop(); <-done; member.Close() })

	var g *snapshot.Group
	require.Eventually(t, func() bool {
		s, err := Collect(ctx, c)
		require.NoError(t, err)
		g = s.Group(group)
		return g != nil && g.State == "Stable" && len(g.Members) == 1 && len(g.Members[0].Assignments) == 1
	}, 30*time.Second, 250*time.Millisecond, "the group never showed Stable with its member assigned")

	assert.Equal(t, "consumer", g.ProtocolType)
	assert.Equal(t, "range", g.Protocol, "the assignor")
	m := g.Members[0]
	assert.Equal(t, clientID, m.ClientID)
	assert.Equal(t, "127.0.0.1", m.Host, "the host without Java's leading slash")
	assert.NotEmpty(t, m.ID)
	assert.Equal(t, []snapshot.TopicPartitions{{Topic: topic, Partitions: []int32{0, 1, 2}}}, m.Assignments, "decoded from the consumer protocol")
	assert.Equal(t, []snapshot.GroupOffset{{Topic: topic, Partition: 0, Committed: 0, LatestOffset: 0, Lag: 0}}, g.Offsets,
		"only the committed partition has an offset")
	assert.Equal(t, []snapshot.TopicPartitions{{Topic: topic, Partitions: []int32{1, 2}}}, g.Uncommitted,
		"assigned partitions without a commit")
}
