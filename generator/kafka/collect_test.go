package kafka

// Fast tests on kfake, franz-go's in-process Kafka: a 3-broker cluster built per test with known
// topics, records and groups, then collected and checked fact by fact. kfake gives every broker
// the rack "krack" and reports client hosts with their port; it answers every API kafka-go uses
// here (Metadata v8, DescribeConfigs v3, DescribeLogDirs v4, ListOffsets v5, ListGroups v2,
// DescribeGroups v5, OffsetFetch v5 (v9 through kmsg), DescribeAcls v3, DescribeClientQuotas v1).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// fakeEstate is what newFake builds: topics with partition counts and records per partition,
// one group with committed offsets.
type fakeTopic struct {
	name       string
	partitions int32
	perPart    int // records produced to each partition
	configs    map[string]string
}

type fake struct {
	cluster *kfake.Cluster
	addrs   []string
	adm     *kadm.Client
	kcl     *kgo.Client
}

func newFake(t *testing.T, topics ...fakeTopic) *fake {
	t.Helper()
	return newFakeWith(t, nil, topics...)
}

// newFakeWith is newFake with more kfake options (versions, ACLs) than its three brokers.
func newFakeWith(t *testing.T, opts []kfake.Opt, topics ...fakeTopic) *fake {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(3)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	f := &fake{cluster: c, addrs: c.ListenAddrs()}
	f.kcl, err = kgo.NewClient(kgo.SeedBrokers(f.addrs...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	require.NoError(t, err)
	t.Cleanup(f.kcl.Close)
	f.adm = kadm.NewClient(f.kcl)

	ctx := context.Background()
	for _, tp := range topics {
		cfgs := map[string]*string{}
		for k, v := range tp.configs {
			cfgs[k] = kmsg.StringPtr(v)
		}
		_, err := f.adm.CreateTopic(ctx, tp.partitions, 3, cfgs, tp.name)
		require.NoError(t, err, "create %s", tp.name)
		var recs []*kgo.Record
		for p := range tp.partitions {
			for i := range tp.perPart {
				recs = append(recs, &kgo.Record{Topic: tp.name, Partition: p, Value: []byte(strconv.Itoa(i))})
			}
		}
		if len(recs) > 0 {
			require.NoError(t, f.kcl.ProduceSync(ctx, recs...).FirstErr())
		}
	}
	return f
}

// commit commits offset o on each listed partition of topic for group, as a tool would
// (no member, no generation).
func (f *fake) commit(t *testing.T, group, topic string, offsets map[int32]int64) {
	t.Helper()
	var os kadm.Offsets
	for p, o := range offsets {
		os.AddOffset(topic, p, o, -1)
	}
	res, err := f.adm.CommitOffsets(context.Background(), group, os)
	require.NoError(t, err)
	require.NoError(t, res.Error())
}

// join starts a consumer of topic in group and waits until the group is Stable with the member's
// assignment in place. The member never commits.
func (f *fake) join(t *testing.T, group, clientID, topic string) {
	t.Helper()
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(f.addrs...),
		kgo.ClientID(clientID),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.Balancers(kgo.RangeBalancer()),
		kgo.DisableAutoCommit(),
	)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			cl.PollFetches(ctx)
		}
	}()
	t.Cleanup(func() { cancel(); <-done; cl.Close() })

	require.Eventually(t, func() bool {
		gs, err := f.adm.DescribeGroups(context.Background(), group)
		if err != nil {
			return false
		}
		g := gs[group]
		if g.State != "Stable" || len(g.Members) != 1 {
			return false
		}
		a, ok := g.Members[0].Assigned.AsConsumer()
		return ok && len(a.Topics) > 0
	}, 10*time.Second, 50*time.Millisecond, "group %s never became Stable", group)
}

func (f *fake) config(name string) config.Cluster {
	return config.Cluster{Name: name, Environment: "test", Bootstrap: f.addrs, Timeout: config.Duration(5 * time.Second)}
}

func brokerIDs(s *snapshot.Snapshot) []int32 {
	var ids []int32
	for _, b := range s.Cluster.Brokers {
		ids = append(ids, b.ID)
	}
	return ids
}

func TestCollectFake(t *testing.T) {
	f := newFake(t,
		fakeTopic{name: "orders", partitions: 3, perPart: 4, configs: map[string]string{"retention.ms": "86400000"}},
		fakeTopic{name: "payments", partitions: 2, perPart: 5, configs: map[string]string{"cleanup.policy": "compact"}},
		fakeTopic{name: "empty", partitions: 1},
		// kfake marks a topic internal through this config.
		fakeTopic{name: "__consumer_offsets", partitions: 1, configs: map[string]string{"kfake.is_internal": "true"}},
	)
	f.commit(t, "billing", "orders", map[int32]int64{0: 1, 1: 4, 2: 0})
	f.commit(t, "billing", "payments", map[int32]int64{0: 2})
	f.join(t, "live", "worker-1", "orders")

	ctx := context.Background()
	c := f.config("fake")
	c.ExpectedBrokers = 4
	s, err := Collect(ctx, c)
	require.NoError(t, err)
	assert.Empty(t, s.Errors)
	assert.Empty(t, s.Format, "the caller fills Format")
	assert.Equal(t, 4, s.Cluster.ExpectedBrokers, "kept for health to judge from the file")
	assert.True(t, s.TakenAt.IsZero(), "the caller fills TakenAt")

	// Cluster.
	assert.Equal(t, "fake", s.Cluster.Name)
	assert.Equal(t, "test", s.Cluster.Environment)
	assert.NotEmpty(t, s.Cluster.ID)
	require.Len(t, s.Cluster.Brokers, 3)
	// kfake offers no LeaderAndIsr, like a KRaft broker: no single broker is the controller.
	assert.Equal(t, int32(-1), s.Cluster.ControllerID)
	for i, b := range s.Cluster.Brokers {
		assert.Equal(t, f.addrs[i], net.JoinHostPort(b.Host, strconv.Itoa(b.Port)), "broker %d", b.ID)
		assert.Equal(t, "krack", b.Rack)
	}

	// Topics: partitions, placement, offsets.
	require.Len(t, s.Topics, 4)
	orders := s.Topic("orders")
	require.NotNil(t, orders)
	assert.False(t, orders.Internal)
	assert.Equal(t, 3, orders.ReplicationFactor)
	require.Len(t, orders.Partitions, 3)
	for i, p := range orders.Partitions {
		assert.Equal(t, int32(i), p.ID)
		assert.Len(t, p.Replicas, 3)
		assert.Contains(t, p.Replicas, p.Leader)
		assert.ElementsMatch(t, p.Replicas, p.ISR)
		assert.Empty(t, p.OfflineReplicas)
		assert.Equal(t, int64(0), p.EarliestOffset)
		assert.Equal(t, int64(4), p.LatestOffset)
	}
	for _, p := range s.Topic("payments").Partitions {
		assert.Equal(t, int64(5), p.LatestOffset)
	}
	assert.Equal(t, int64(0), s.Topic("empty").Partitions[0].LatestOffset)
	assert.True(t, s.Topic("__consumer_offsets").Internal)

	// Brokers: the configs that differ from Kafka's defaults with their source, sensitive
	// ones blanked; kfake keeps all replicas in one log dir per broker.
	for _, b := range s.Cluster.Brokers {
		assert.Contains(t, b.Configs, snapshot.Config{Name: "broker.id", Value: strconv.Itoa(int(b.ID)), Source: "STATIC_BROKER_CONFIG"})
		assert.Contains(t, b.Configs, snapshot.Config{Name: "broker.rack", Value: "krack", Source: "STATIC_BROKER_CONFIG"})
		assert.Contains(t, b.Configs, snapshot.Config{Name: "super.users", Source: "STATIC_BROKER_CONFIG", Sensitive: true})
		for _, cfg := range b.Configs {
			assert.NotEqual(t, "DEFAULT_CONFIG", cfg.Source, "broker %d: %s is a default", b.ID, cfg.Name)
		}
		require.Len(t, b.LogDirs, 1, "broker %d", b.ID)
		assert.NotEmpty(t, b.LogDirs[0].Path)
		assert.Empty(t, b.LogDirs[0].Error)
		assert.Positive(t, b.LogDirs[0].SizeBytes)
	}

	// Sizes: each partition's is its leader's replica, the topic's is their sum.
	var sum int64
	for _, p := range orders.Partitions {
		require.NotNil(t, p.SizeBytes, "partition %d", p.ID)
		assert.Positive(t, *p.SizeBytes)
		sum += *p.SizeBytes
	}
	require.NotNil(t, orders.SizeBytes)
	assert.Equal(t, sum, *orders.SizeBytes)
	require.NotNil(t, s.Topic("empty").SizeBytes, "an empty topic's size is known: zero")
	assert.Equal(t, int64(0), *s.Topic("empty").SizeBytes)

	// Configs: every one the broker lists, sorted by name, each with its source; the topic's
	// own settings as DYNAMIC_TOPIC_CONFIG, the rest as DEFAULT_CONFIG.
	sources := func(tp *snapshot.Topic) map[string]string {
		m := map[string]string{}
		for _, c := range tp.Configs {
			m[c.Name] = c.Value + " " + c.Source
		}
		return m
	}
	for _, tp := range s.Topics {
		assert.True(t, slices.IsSortedFunc(tp.Configs, func(a, b snapshot.Config) int { return strings.Compare(a.Name, b.Name) }), tp.Name)
	}
	assert.Equal(t, "86400000 DYNAMIC_TOPIC_CONFIG", sources(orders)["retention.ms"])
	assert.Equal(t, "delete DEFAULT_CONFIG", sources(orders)["cleanup.policy"])
	assert.Equal(t, "compact DYNAMIC_TOPIC_CONFIG", sources(s.Topic("payments"))["cleanup.policy"])
	assert.Equal(t, "604800000 DEFAULT_CONFIG", sources(s.Topic("payments"))["retention.ms"])
	assert.Equal(t, len(orders.Configs), len(s.Topic("empty").Configs), "every topic lists the same config names")
	for _, c := range s.Topic("empty").Configs {
		assert.Equal(t, "DEFAULT_CONFIG", c.Source, c.Name)
	}

	// A group with commits and no members: offsets, lag, total.
	billing := s.Group("billing")
	require.NotNil(t, billing)
	assert.Equal(t, "Empty", billing.State)
	assert.Empty(t, billing.Members)
	assert.Equal(t, []snapshot.GroupOffset{
		{Topic: "orders", Partition: 0, Committed: 1, LatestOffset: 4, Lag: 3},
		{Topic: "orders", Partition: 1, Committed: 4, LatestOffset: 4, Lag: 0},
		{Topic: "orders", Partition: 2, Committed: 0, LatestOffset: 4, Lag: 4},
		{Topic: "payments", Partition: 0, Committed: 2, LatestOffset: 5, Lag: 3},
	}, billing.Offsets)
	assert.Equal(t, int64(10), billing.TotalLag)
	assert.Equal(t, []snapshot.TopicPartitions{{Topic: "payments", Partitions: []int32{1}}}, billing.Uncommitted,
		"a partition of a topic the group commits on, without a commit of its own")

	// A live group: protocol, assignor, member and its decoded assignment.
	live := s.Group("live")
	require.NotNil(t, live)
	assert.Equal(t, "Stable", live.State)
	assert.Equal(t, "consumer", live.ProtocolType)
	assert.Equal(t, "range", live.Protocol)
	require.Len(t, live.Members, 1)
	m := live.Members[0]
	assert.Equal(t, "worker-1", m.ClientID)
	assert.NotEmpty(t, m.ID)
	assert.True(t, strings.HasPrefix(m.Host, "127.0.0.1"), "host %q", m.Host)
	assert.Equal(t, []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0, 1, 2}}}, m.Assignments)
	assert.Empty(t, live.Offsets)
	assert.Equal(t, int64(0), live.TotalLag)
	assert.Equal(t, []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0, 1, 2}}}, live.Uncommitted,
		"assigned, never committed")

	// Same state, same bytes.
	again, err := Collect(ctx, c)
	require.NoError(t, err)
	a, err := snapshot.Encode(s)
	require.NoError(t, err)
	b, err := snapshot.Encode(again)
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
}

// TestRequestsDoNotGrowWithPartitions collects the same estate shape with 1 and with 24
// partitions per topic and checks the requests on the wire against the batching promised in
// the package comment.
func TestRequestsDoNotGrowWithPartitions(t *testing.T) {
	totals := map[int32]int{}
	for _, parts := range []int32{1, 24} {
		t.Run(fmt.Sprintf("%d partitions", parts), func(t *testing.T) {
			var topics []fakeTopic
			for i := range 5 {
				topics = append(topics, fakeTopic{name: fmt.Sprintf("topic-%d", i), partitions: parts, perPart: 2})
			}
			f := newFake(t, topics...)
			for i := range 4 {
				offsets := map[int32]int64{}
				for p := range parts {
					offsets[p] = 1
				}
				f.commit(t, fmt.Sprintf("group-%d", i), fmt.Sprintf("topic-%d", i), offsets)
			}

			wire := newWireCounter()
			o := defaultOptions()
			o.dial = wire.dial
			o.configBatch = 2 // 5 topics: 3 DescribeConfigs requests
			s, err := collect(context.Background(), f.config("fake"), o)
			require.NoError(t, err)
			require.Empty(t, s.Errors)
			t.Log(wire)

			leaders := map[int32]bool{}
			for _, tp := range s.Topics {
				require.NotEmpty(t, tp.Configs)
				for _, p := range tp.Partitions {
					leaders[p.Leader] = true
					require.Equal(t, int64(2), p.LatestOffset)
				}
			}
			require.Len(t, s.Groups, 4)
			for _, g := range s.Groups {
				require.Equal(t, int64(parts), g.TotalLag, g.ID)
			}

			assert.Equal(t, 1, wire.count(protocol.Metadata))
			assert.Equal(t, 3+3, wire.count(protocol.DescribeConfigs), "3 batches of topics, 1 per broker")
			assert.Equal(t, 3, wire.count(protocol.DescribeLogDirs), "1 per broker")
			assert.Equal(t, 2*len(leaders), wire.count(protocol.ListOffsets))
			assert.Equal(t, 3, wire.count(protocol.ListGroups))
			assert.GreaterOrEqual(t, wire.count(protocol.DescribeGroups), 1)
			assert.LessOrEqual(t, wire.count(protocol.DescribeGroups), 3, "one per coordinator")
			assert.Equal(t, wire.count(protocol.DescribeGroups), wire.count(protocol.OffsetFetch), "one per coordinator, as DescribeGroups")
			assert.Equal(t, 0, wire.count(protocol.FindCoordinator), "coordinators come from ListGroups")
			assert.Equal(t, 1, wire.count(protocol.DescribeAcls))
			assert.Equal(t, 1, wire.count(protocol.DescribeClientQuotas))
			assert.Equal(t, 3, wire.count(protocol.ApiKey(kmsg.ListTransactions)), "1 per broker")
			assert.Equal(t, 0, wire.count(protocol.ApiKey(kmsg.DescribeTransactions)), "no transactional id to describe")
			assert.Equal(t, len(leaders), wire.count(protocol.ApiKey(kmsg.DescribeProducers)), "1 per leader and 1,000 partitions")
			// Bound: 1 + 3 + 2×3 + 3 + 3 + 3, plus 3 + 3 for the brokers' configs and log
			// dirs, plus 1 + 1 for ACLs and quotas, plus 3 + 3 for transactions and producer
			// state, whatever the partition count.
			assert.LessOrEqual(t, wire.total(), 33)
			totals[parts] = wire.total()
		})
	}
	t.Logf("requests without ApiVersions: %v", totals)
}

func TestCollectUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more

	_, err = Collect(context.Background(), config.Cluster{Name: "prod", Bootstrap: []string{addr}, Timeout: config.Duration(2 * time.Second)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf(`cluster "prod" (%s): metadata: `, addr))
	assert.Contains(t, err.Error(), "connection refused")

	_, err = Collect(context.Background(), config.Cluster{Name: "none"})
	require.ErrorContains(t, err, `cluster "none": no bootstrap servers`)
}

func TestCollectCanceled(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Collect(ctx, f.config("fake"))
	require.ErrorIs(t, err, context.Canceled)
}

// TestSectionFailuresAreRecorded makes kfake refuse parts of the collection and checks that
// each failure lands in Errors while the rest is still collected.
func TestSectionFailuresAreRecorded(t *testing.T) {
	f := newFake(t,
		fakeTopic{name: "a", partitions: 1, perPart: 3},
		fakeTopic{name: "b", partitions: 1, perPart: 3},
	)
	f.commit(t, "g", "a", map[int32]int64{0: 1})

	// DescribeConfigs: topic a answers with a sensitive entry and a default one, topic b is
	// refused. Both entries are kept; the secret's value never is.
	f.cluster.ControlKey(int16(kmsg.DescribeConfigs), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.DescribeConfigsRequest)
		resp := req.ResponseKind().(*kmsg.DescribeConfigsResponse)
		for _, rr := range req.Resources {
			r := kmsg.NewDescribeConfigsResponseResource()
			r.ResourceType, r.ResourceName = rr.ResourceType, rr.ResourceName
			if rr.ResourceName == "b" {
				r.ErrorCode = 29 // TOPIC_AUTHORIZATION_FAILED
			} else {
				secret := kmsg.NewDescribeConfigsResponseResourceConfig()
				secret.Name, secret.Value, secret.Source, secret.IsSensitive = "sasl.jaas.config", kmsg.StringPtr("password=hunter2"), kmsg.ConfigSourceDynamicTopicConfig, true
				def := kmsg.NewDescribeConfigsResponseResourceConfig()
				def.Name, def.Value, def.Source = "retention.ms", kmsg.StringPtr("604800000"), kmsg.ConfigSourceDefaultConfig
				r.Configs = append(r.Configs, secret, def)
			}
			resp.Resources = append(resp.Resources, r)
		}
		return resp, nil, true
	})
	// ListOffsets: every request for the latest offsets is refused.
	f.cluster.ControlKey(int16(kmsg.ListOffsets), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.ListOffsetsRequest)
		if req.Topics[0].Partitions[0].Timestamp != latestTimestamp {
			return nil, nil, false
		}
		return nil, errors.New("refused by the test"), true // kfake closes the connection
	})

	s, err := Collect(context.Background(), f.config("fake"))
	require.NoError(t, err, "a failing section must not fail the collection")

	assert.Equal(t, []snapshot.Config{
		{Name: "retention.ms", Value: "604800000", Source: "DEFAULT_CONFIG"},
		{Name: "sasl.jaas.config", Value: "", Source: "DYNAMIC_TOPIC_CONFIG", Sensitive: true},
	}, s.Topic("a").Configs)
	enc, err := snapshot.Encode(s)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(enc, []byte("hunter2")), "a sensitive value leaked into the snapshot")

	scopes := map[string][]snapshot.Error{}
	for _, e := range s.Errors {
		scopes[e.Scope] = append(scopes[e.Scope], e)
	}
	require.Len(t, scopes["configs"], 1)
	assert.Equal(t, "b", scopes["configs"][0].Resource)
	assert.Contains(t, scopes["configs"][0].Message, `describe configs for topic "b"`)
	assert.Contains(t, scopes["configs"][0].Message, "Topic Authorization Failed")

	require.NotEmpty(t, scopes["offsets"])
	for _, e := range scopes["offsets"] {
		assert.True(t, strings.HasPrefix(e.Resource, "broker "), e.Resource)
		assert.Contains(t, e.Message, "list latest offsets")
	}
	// The group is still there with its commit; its lag is unknown and says so.
	g := s.Group("g")
	require.NotNil(t, g)
	assert.Equal(t, []snapshot.GroupOffset{{Topic: "a", Partition: 0, Committed: 1}}, g.Offsets)
	require.Len(t, scopes["groups"], 1)
	assert.Contains(t, scopes["groups"][0].Message, `lag of group "g" on topic "a", partition 0 unknown`)

	// Metadata was unaffected.
	assert.Len(t, s.Topics, 2)
	assert.Len(t, s.Cluster.Brokers, 3)
	assert.True(t, slices.IsSorted(brokerIDs(s)))
}

// TestNonClassicGroupIsReported: Kafka 4.1 answers DescribeGroups v5 (kafka-go's highest) with
// "Dead", no members and no error for a live KIP-848 consumer group (checked once against the
// real cluster with a franz-go ServerSideBalancer consumer). kfake describes such groups
// differently, so the broker's answer is imitated here.
func TestNonClassicGroupIsReported(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 2, perPart: 3})
	f.commit(t, "next-gen", "orders", map[int32]int64{0: 1, 1: 3})
	f.cluster.ControlKey(int16(kmsg.DescribeGroups), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.DescribeGroupsRequest)
		resp := req.ResponseKind().(*kmsg.DescribeGroupsResponse)
		for _, id := range req.Groups {
			g := kmsg.NewDescribeGroupsResponseGroup()
			g.Group, g.State = id, "Dead"
			resp.Groups = append(resp.Groups, g)
		}
		return resp, nil, true
	})

	s, err := Collect(context.Background(), f.config("fake"))
	require.NoError(t, err)
	g := s.Group("next-gen")
	require.NotNil(t, g)
	assert.Equal(t, "Unknown", g.State, "a live group must not be reported dead")
	assert.Equal(t, int64(2), g.TotalLag, "committed offsets and lag are still read")
	assert.Contains(t, g.NotDescribed, "not a classic group")
	assert.Empty(t, s.Errors, "a group kdocs cannot describe is a fact about the group, not a gap in the snapshot")
}

// TestSlowBrokerTimesOut: a broker that never answers one request costs that request's timeout
// and an error entry, not the collection.
func TestSlowBrokerTimesOut(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 3, perPart: 1})
	f.cluster.ControlKey(int16(kmsg.ListGroups), func(kmsg.Request) (kmsg.Response, error, bool) {
		return nil, nil, true // swallow the request: no answer ever comes
	})
	c := f.config("fake")
	c.Timeout = config.Duration(300 * time.Millisecond)

	start := time.Now()
	s, err := Collect(context.Background(), c)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 3*time.Second)
	require.Len(t, s.Errors, 1)
	e := s.Errors[0]
	assert.Equal(t, "groups", e.Scope)
	assert.True(t, strings.HasPrefix(e.Resource, "broker "), e.Resource)
	assert.Contains(t, e.Message, "no answer within 300ms")
	assert.Equal(t, []int64{1, 1, 1}, []int64{s.Topics[0].Partitions[0].LatestOffset, s.Topics[0].Partitions[1].LatestOffset, s.Topics[0].Partitions[2].LatestOffset})
}

// TestBrokerDetailFailuresAreRecorded: broker 0 refuses DescribeLogDirs, broker 1 reports an
// offline log dir, broker 2 refuses to describe its configs. Each failure lands in Errors
// under "brokers", the sizes that depend on it stay unknown (nil, not zero), and the rest is
// collected.
func TestBrokerDetailFailuresAreRecorded(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 6, perPart: 2})
	for p := range int32(6) {
		// kfake places leaders at random; partition p is led by broker p%3 here.
		require.NoError(t, f.cluster.MoveTopicPartition("orders", p, p%3))
	}
	f.cluster.ControlKey(int16(kmsg.DescribeLogDirs), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		resp := kr.(*kmsg.DescribeLogDirsRequest).ResponseKind().(*kmsg.DescribeLogDirsResponse)
		switch f.cluster.CurrentNode() {
		case 0:
			resp.ErrorCode = 31 // CLUSTER_AUTHORIZATION_FAILED
		case 1:
			d := kmsg.NewDescribeLogDirsResponseDir()
			d.Dir, d.ErrorCode = "/data/broken", 56 // KAFKA_STORAGE_ERROR
			resp.Dirs = append(resp.Dirs, d)
		default:
			return nil, nil, false
		}
		return resp, nil, true
	})
	f.cluster.ControlKey(int16(kmsg.DescribeConfigs), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.DescribeConfigsRequest)
		if req.Resources[0].ResourceType != kmsg.ConfigResourceTypeBroker || f.cluster.CurrentNode() != 2 {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.DescribeConfigsResponse)
		r := kmsg.NewDescribeConfigsResponseResource()
		r.ResourceType, r.ResourceName = req.Resources[0].ResourceType, req.Resources[0].ResourceName
		r.ErrorCode, r.ErrorMessage = 31, kmsg.StringPtr("not for you")
		resp.Resources = append(resp.Resources, r)
		return resp, nil, true
	})

	s, err := Collect(context.Background(), f.config("fake"))
	require.NoError(t, err)

	byID := map[int32]snapshot.Broker{}
	for _, b := range s.Cluster.Brokers {
		byID[b.ID] = b
	}
	assert.Empty(t, byID[0].LogDirs)
	assert.NotEmpty(t, byID[0].Configs)
	assert.Equal(t, []snapshot.LogDir{{Path: "/data/broken", Error: "Kafka Storage Error (error 56)"}}, byID[1].LogDirs)
	assert.Empty(t, byID[2].Configs)
	require.Len(t, byID[2].LogDirs, 1)

	orders := s.Topic("orders")
	leaders := map[int32]bool{}
	for _, p := range orders.Partitions {
		leaders[p.Leader] = true
		assert.Equal(t, p.Leader == 2, p.SizeBytes != nil, "partition %d led by %d", p.ID, p.Leader)
	}
	require.Len(t, leaders, 3)
	assert.Nil(t, orders.SizeBytes, "a partial sum would understate the topic")

	var msgs []string
	for _, e := range s.Errors {
		assert.Equal(t, "brokers", e.Scope, e.Message)
		msgs = append(msgs, e.Resource+": "+e.Message)
	}
	assert.ElementsMatch(t, []string{
		"broker 0: describe log dirs of broker 0: Cluster Authorization Failed (error 31)",
		"broker 1: log dir /data/broken of broker 1: Kafka Storage Error (error 56)",
		"broker 2: describe configs of broker 2: Cluster Authorization Failed (error 31): not for you",
	}, msgs, "no per-partition noise for sizes a broker failure already explains")
}
