package kafka

// Committed offsets in batches (OffsetFetch v8+, KIP-709) against one group per request
// (kafka-go's v5: what kdocs sent before, and still sends to brokers older than Kafka 3.0).
// Either way the same estate must give the same snapshot, errors included, and the offsets
// kadm reads.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// offsetFetchGroups is enough groups for every coordinator of three to need several batches
// of 100.
const offsetFetchGroups = 330

// offsetFetchEstate builds three topics and offsetFetchGroups groups of three kinds: commits
// on every partition of one topic, on some partitions of two topics, and an offset 0 commit.
func offsetFetchEstate(t *testing.T, opts ...kfake.Opt) *fake {
	t.Helper()
	f := newFakeWith(t, opts,
		fakeTopic{name: "orders", partitions: 6, perPart: 5},
		fakeTopic{name: "payments", partitions: 3, perPart: 4},
		fakeTopic{name: "audit", partitions: 1},
	)
	for g := range offsetFetchGroups {
		id := fmt.Sprintf("group-%03d", g)
		switch g % 3 {
		case 0:
			f.commit(t, id, "orders", map[int32]int64{0: int64(g % 5), 1: 1, 2: 2, 3: 3, 4: 4, 5: 5})
		case 1:
			f.commit(t, id, "orders", map[int32]int64{0: 1, 2: 3})
			f.commit(t, id, "payments", map[int32]int64{1: int64(g % 4)})
		case 2:
			f.commit(t, id, "audit", map[int32]int64{0: 0})
		}
	}
	return f
}

// snapshotWith collects f with offsetBatch groups per OffsetFetch and returns the encoded
// snapshot, the snapshot and the requests it sent.
func snapshotWith(t *testing.T, f *fake, offsetBatch int) (string, *snapshot.Snapshot, *wireCounter) {
	t.Helper()
	wire := newWireCounter()
	o := defaultOptions()
	o.dial = wire.dial
	o.offsetBatch = offsetBatch
	s, err := collect(context.Background(), f.config("fake"), o)
	require.NoError(t, err)
	b, err := snapshot.Encode(s)
	require.NoError(t, err)
	return string(b), s, wire
}

func TestOffsetFetchBatchesMatchOneGroupPerRequest(t *testing.T) {
	f := offsetFetchEstate(t)
	const denied = "group-007"
	f.cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetFetch}, Group: denied, Err: kerr.GroupAuthorizationFailed, Count: -1})
	ctx := context.Background()

	perGroup, s, wire := snapshotWith(t, f, 1)
	require.Equal(t, offsetFetchGroups, wire.count(protocol.OffsetFetch), "one request per group")
	require.Len(t, s.Groups, offsetFetchGroups)
	assert.Equal(t, []snapshot.Error{{Scope: "groups", Resource: denied,
		Message: fmt.Sprintf("fetch committed offsets of group %q: %s", denied, kafkaError(kerr.GroupAuthorizationFailed.Code))}}, s.Errors)

	// What kadm reads, group by group.
	ids := make([]string, len(s.Groups))
	for i, g := range s.Groups {
		ids[i] = g.ID
	}
	fetched := f.adm.FetchManyOffsets(ctx, ids...)
	for _, g := range s.Groups {
		r := fetched[g.ID]
		if g.ID == denied {
			require.ErrorIs(t, r.Err, kerr.GroupAuthorizationFailed)
			assert.Empty(t, g.Offsets)
			continue
		}
		require.NoError(t, r.Err, g.ID)
		var want []snapshot.GroupOffset
		r.Fetched.Each(func(o kadm.OffsetResponse) {
			require.NoError(t, o.Err)
			want = append(want, snapshot.GroupOffset{Topic: o.Topic, Partition: o.Partition, Committed: o.At})
		})
		slices.SortFunc(want, func(a, b snapshot.GroupOffset) int {
			return cmp.Or(strings.Compare(a.Topic, b.Topic), int(a.Partition-b.Partition))
		})
		got := make([]snapshot.GroupOffset, len(g.Offsets))
		for i, o := range g.Offsets {
			got[i] = snapshot.GroupOffset{Topic: o.Topic, Partition: o.Partition, Committed: o.Committed}
		}
		require.Equal(t, want, got, g.ID)
	}

	coordinators := f.adm.FindGroupCoordinators(ctx, ids...)
	perCoordinator := map[int32]int{}
	for _, c := range coordinators {
		require.NoError(t, c.Err)
		perCoordinator[c.NodeID]++
	}
	require.Len(t, perCoordinator, 3, "groups on every broker")
	for _, batch := range []int{100, 7} {
		t.Run(fmt.Sprintf("%d groups per request", batch), func(t *testing.T) {
			got, _, wire := snapshotWith(t, f, batch)
			assert.Equal(t, perGroup, got, "the same snapshot as one group per request")
			want := 0
			for _, n := range perCoordinator {
				want += (n + batch - 1) / batch
			}
			assert.Equal(t, want, wire.count(protocol.OffsetFetch), "one request per coordinator and %d groups", batch)
		})
	}
}

// TestOffsetFetchErrorsLandAsBefore scripts the coordinators' answers, the same in both
// shapes (v5's one group, v8's groups): a group-level error, partition errors of two codes,
// partitions without a commit.
func TestOffsetFetchErrorsLandAsBefore(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 3, perPart: 5}, fakeTopic{name: "payments", partitions: 2, perPart: 5})
	for _, g := range []string{"g-ok", "g-parts", "g-group", "g-silent"} {
		f.commit(t, g, "orders", map[int32]int64{0: 1})
	}
	type part struct {
		p      int32
		offset int64
		code   int16
	}
	answers := map[string]struct {
		code   int16
		topics map[string][]part
	}{
		"g-ok":     {topics: map[string][]part{"orders": {{0, 3, 0}, {1, -1, 0}, {2, 5, 0}}}},
		"g-parts":  {topics: map[string][]part{"orders": {{0, -1, 29}, {1, -1, 29}, {2, 2, 0}}, "payments": {{0, -1, 88}}}},
		"g-group":  {code: 16},
		"g-silent": {topics: map[string][]part{"payments": {{1, 4, 0}}}},
	}
	var dropSilent atomic.Bool // a v8 answer that leaves g-silent out
	f.cluster.ControlKey(int16(kmsg.OffsetFetch), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.OffsetFetchRequest)
		resp := req.ResponseKind().(*kmsg.OffsetFetchResponse)
		group := func(id string) kmsg.OffsetFetchResponseGroup {
			a := answers[id]
			g := kmsg.NewOffsetFetchResponseGroup()
			g.Group, g.ErrorCode = id, a.code
			for _, topic := range []string{"orders", "payments"} {
				if len(a.topics[topic]) == 0 {
					continue
				}
				rt := kmsg.NewOffsetFetchResponseGroupTopic()
				rt.Topic = topic
				for _, p := range a.topics[topic] {
					rp := kmsg.NewOffsetFetchResponseGroupTopicPartition()
					rp.Partition, rp.Offset, rp.ErrorCode = p.p, p.offset, p.code
					rt.Partitions = append(rt.Partitions, rp)
				}
				g.Topics = append(g.Topics, rt)
			}
			return g
		}
		if req.Version < 8 {
			g := group(req.Group)
			resp.ErrorCode = g.ErrorCode
			for _, gt := range g.Topics {
				rt := kmsg.NewOffsetFetchResponseTopic()
				rt.Topic = gt.Topic
				for _, gp := range gt.Partitions {
					rp := kmsg.NewOffsetFetchResponseTopicPartition()
					rp.Partition, rp.Offset, rp.ErrorCode = gp.Partition, gp.Offset, gp.ErrorCode
					rt.Partitions = append(rt.Partitions, rp)
				}
				resp.Topics = append(resp.Topics, rt)
			}
			return resp, nil, true
		}
		for _, rg := range req.Groups {
			if rg.Group == "g-silent" && dropSilent.Load() {
				continue
			}
			resp.Groups = append(resp.Groups, group(rg.Group))
		}
		return resp, nil, true
	})

	perGroup, s, wire := snapshotWith(t, f, 1)
	require.Equal(t, 4, wire.count(protocol.OffsetFetch))
	batched, _, wire := snapshotWith(t, f, 100)
	assert.LessOrEqual(t, wire.count(protocol.OffsetFetch), 3)
	assert.Equal(t, perGroup, batched, "the same snapshot, errors included, as one group per request")

	assert.ElementsMatch(t, []snapshot.Error{
		{Scope: "groups", Resource: "g-group", Message: `fetch committed offsets of group "g-group": ` + kafkaError(16)},
		{Scope: "groups", Resource: "g-parts", Message: `committed offsets of group "g-parts" on topic "orders", partitions 0, 1: ` + kafkaError(29)},
		{Scope: "groups", Resource: "g-parts", Message: `committed offsets of group "g-parts" on topic "payments", partition 0: ` + kafkaError(88)},
	}, s.Errors)
	ok := s.Group("g-ok")
	assert.Equal(t, []snapshot.GroupOffset{
		{Topic: "orders", Partition: 0, Committed: 3, LatestOffset: 5, Lag: 2},
		{Topic: "orders", Partition: 2, Committed: 5, LatestOffset: 5, Lag: 0},
	}, ok.Offsets)
	assert.Equal(t, []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{1}}}, ok.Uncommitted)
	parts := s.Group("g-parts")
	assert.Equal(t, []snapshot.GroupOffset{{Topic: "orders", Partition: 2, Committed: 2, LatestOffset: 5, Lag: 3}}, parts.Offsets)
	assert.Empty(t, parts.Uncommitted, "partitions whose commit could not be read (orders 0 and 1) are not uncommitted")
	assert.Empty(t, s.Group("g-group").Offsets)
	assert.Empty(t, s.Group("g-group").Uncommitted, "a group whose offsets were not read has no uncommitted partitions")

	t.Run("a group the answer leaves out", func(t *testing.T) {
		dropSilent.Store(true)
		_, s, _ := snapshotWith(t, f, 100)
		assert.Contains(t, s.Errors, snapshot.Error{Scope: "groups", Resource: "g-silent",
			Message: fmt.Sprintf(`fetch committed offsets of group "g-silent": coordinator %d did not answer for it`, coordinatorOf(t, f, "g-silent"))})
		assert.Empty(t, s.Group("g-silent").Offsets)
		assert.Empty(t, s.Group("g-silent").Uncommitted)
	})
}

// TestOffsetFetchBeforeKafka3: a coordinator that answers OffsetFetch only up to v7 (Kafka 2.8)
// gets one group per request, and the snapshot is the same.
func TestOffsetFetchBeforeKafka3(t *testing.T) {
	versions := kversion.Stable()
	versions.SetMaxKeyVersion(int16(kmsg.OffsetFetch), 7)
	f := offsetFetchEstate(t, kfake.MaxVersions(versions))

	perGroup, _, _ := snapshotWith(t, f, 1)
	got, s, wire := snapshotWith(t, f, 100)
	assert.Equal(t, offsetFetchGroups, wire.count(protocol.OffsetFetch), "one request per group")
	assert.Empty(t, s.Errors)
	assert.Equal(t, perGroup, got)
	for _, g := range s.Groups {
		require.NotEmpty(t, g.Offsets, g.ID)
	}
}

func coordinatorOf(t *testing.T, f *fake, group string) int32 {
	t.Helper()
	c, ok := f.adm.FindGroupCoordinators(context.Background(), group)[group]
	require.True(t, ok)
	require.NoError(t, c.Err)
	return c.NodeID
}
