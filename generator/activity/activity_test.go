package activity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

var day0 = time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)

func day(i int) time.Time { return day0.AddDate(0, 0, i) }

func size(v int64) *int64 { return &v }

// history builds n snapshots, one a day; each(i, s) fills snapshot i.
func history(n int, each func(i int, s *snapshot.Snapshot)) []*snapshot.Snapshot {
	var out []*snapshot.Snapshot
	for i := range n {
		s := &snapshot.Snapshot{Format: snapshot.Format, TakenAt: day(i), Cluster: snapshot.Cluster{Name: "prod"},
			Producers: &snapshot.ProducerSection{Available: true}}
		each(i, s)
		s.Normalize()
		out = append(out, s)
	}
	return out
}

// topic is a topic of two partitions led by brokers 1 and 2 with these end offsets.
func topic(name string, bytes *int64, ends ...int64) snapshot.Topic {
	t := snapshot.Topic{Name: name, ReplicationFactor: 3, SizeBytes: bytes}
	for p, e := range ends {
		t.Partitions = append(t.Partitions, snapshot.Partition{ID: int32(p), Leader: int32(1 + p%2), LatestOffset: e})
	}
	return t
}

func group(id string, committed ...int64) snapshot.Group {
	g := snapshot.Group{ID: id, State: "Stable"}
	for p, c := range committed {
		g.Offsets = append(g.Offsets, snapshot.GroupOffset{Topic: "orders", Partition: int32(p), Committed: c, Lag: 5})
		g.TotalLag += 5
	}
	return g
}

func find(r *Report, name string) *Topic {
	for i := range r.Topics {
		if r.Topics[i].Name == name {
			return &r.Topics[i]
		}
	}
	return nil
}

func names(ts []*Topic) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

// TestMovedAndIdle: a topic written every day, one written until day 3, one never written; the
// idle ones are listed largest first, and one with an active producer is not idle.
func TestMovedAndIdle(t *testing.T) {
	h := history(10, func(i int, s *snapshot.Snapshot) {
		o := int64(i)
		s.Topics = []snapshot.Topic{
			topic("orders", size(100), 10*o, 20*o),
			topic("legacy", size(5_000), min(o, 3), 7),
			topic("empty", size(10), 0, 0),
			topic("quiet", size(1), 4, 4),
			topic("unsized", nil, 1, 1),
			{Name: "__consumer_offsets", Internal: true, Partitions: []snapshot.Partition{{ID: 0, Leader: 1}}},
		}
		if i == 9 {
			s.Producers.Topics = []snapshot.TopicProducers{{Topic: "quiet", Partitions: []snapshot.PartitionProducers{
				{Partition: 0, Producers: []snapshot.ActiveProducer{{ProducerID: 7}}}}}}
		}
	})
	r := Compute(h, Options{IdleAfter: 5})
	require.True(t, r.Enough())
	assert.True(t, r.Full())
	assert.Equal(t, 10, r.Snapshots)
	assert.Equal(t, day(0), r.From)
	assert.Equal(t, day(9), r.To)

	orders := find(r, "orders")
	assert.Equal(t, day(9), orders.LastMoved)
	assert.Equal(t, int64(9*10+9*20), orders.Added)
	assert.Equal(t, 1, orders.Still, "it moved in the current snapshot")
	assert.False(t, orders.Idle)
	assert.Equal(t, 10, orders.Snapshots)
	assert.False(t, orders.Created)

	legacy := find(r, "legacy")
	assert.Equal(t, day(3), legacy.LastMoved, "the first snapshot in which it differs from the one before")
	assert.Equal(t, int64(3), legacy.Added)
	assert.Equal(t, 7, legacy.Still, "days 3 to 9")
	assert.True(t, legacy.Idle)
	assert.Equal(t, int64(15_000), *legacy.DiskBytes())

	empty := find(r, "empty")
	assert.False(t, empty.Moved(), "not within the history")
	assert.Equal(t, 10, empty.Still)
	assert.Zero(t, empty.Producers)

	quiet := find(r, "quiet")
	assert.Equal(t, 1, quiet.Producers)
	assert.False(t, quiet.Idle, "a producer has state on it")

	assert.Equal(t, []string{"legacy", "empty", "unsized"}, names(r.Idle), "largest first, unknown size last; internal topics never")
	assert.Equal(t, 10, find(r, "__consumer_offsets").Still)
	assert.Empty(t, r.ProducersUnknown)
	assert.Zero(t, r.UnknownTopics)
}

// TestShortHistory: one snapshot is not enough; fewer than IdleAfter can say when offsets
// moved but makes nothing idle.
func TestShortHistory(t *testing.T) {
	one := history(1, func(i int, s *snapshot.Snapshot) { s.Topics = []snapshot.Topic{topic("orders", nil, 1)} })
	r := Compute(one, Options{})
	assert.False(t, r.Enough())
	assert.Equal(t, DefaultIdleAfter, r.IdleAfter)
	assert.Empty(t, r.Topics)
	assert.False(t, Compute(nil, Options{}).Enough())

	three := history(3, func(i int, s *snapshot.Snapshot) {
		s.Topics = []snapshot.Topic{topic("orders", nil, int64(min(i, 1))), topic("still", nil, 0)}
	})
	r = Compute(three, Options{})
	require.True(t, r.Enough())
	assert.False(t, r.Full())
	assert.Equal(t, day(1), find(r, "orders").LastMoved)
	assert.Equal(t, 3, find(r, "still").Still)
	assert.Empty(t, r.Idle, "3 snapshots cannot show 7 without movement")
}

// TestStoppedCommitting: a group that committed until day 2 while its topic kept moving has
// stopped; one that commits every day has not, nor one whose topic stood still too.
func TestStoppedCommitting(t *testing.T) {
	h := history(8, func(i int, s *snapshot.Snapshot) {
		o := int64(i)
		s.Topics = []snapshot.Topic{topic("orders", nil, 10*o, 10*o), topic("frozen", nil, 3)}
		s.Groups = []snapshot.Group{
			group("billing", 10*min(o, 2), 10*min(o, 2)),
			group("shipping", 10*o, 10*o),
			{ID: "archive", State: "Empty", Offsets: []snapshot.GroupOffset{{Topic: "frozen", Committed: min(o, 1)}}},
			group("never", 0, 0),
		}
		s.Groups[0].State = "Empty"
	})
	r := Compute(h, Options{IdleAfter: 4})
	require.Len(t, r.Stopped, 1)
	g := r.Stopped[0]
	assert.Equal(t, "billing", g.ID)
	assert.Equal(t, "Empty", g.State)
	assert.Equal(t, day(2), g.LastMoved)
	assert.Equal(t, 6, g.Still, "days 2 to 7")
	assert.Equal(t, []string{"orders"}, g.Topics)
	assert.Equal(t, int64(10), g.Lag)

	// Its commits moved on day 5: not across the last 4 snapshots (days 4–7)? They did.
	h2 := history(8, func(i int, s *snapshot.Snapshot) {
		o := int64(i)
		s.Topics = []snapshot.Topic{topic("orders", nil, 10*o)}
		s.Groups = []snapshot.Group{group("billing", 10*min(o, 5))}
	})
	assert.Empty(t, Compute(h2, Options{IdleAfter: 4}).Stopped)
}

// TestMissingData: unknown offsets (no leader, a broker that did not answer, a topic's error),
// a snapshot older than producer state, and groups whose offsets failed are unknown, never
// "no movement".
func TestMissingData(t *testing.T) {
	h := history(6, func(i int, s *snapshot.Snapshot) {
		o := int64(i)
		s.Topics = []snapshot.Topic{topic("a", nil, 5, 5), topic("b", nil, 5, 5), topic("c", nil, 5, 5), topic("d", nil, 5, 5)}
		s.Groups = []snapshot.Group{group("billing", 10*min(o, 1), 10*min(o, 1))}
		s.Topics = append(s.Topics, topic("orders", nil, 10*o, 10*o))
		switch i {
		case 3:
			s.Topics[0].Partitions[0].Leader = -1 // a: offline partition
			s.Errors = append(s.Errors, snapshot.Error{Scope: "offsets", Resource: "b", Message: "list latest offsets of topic \"b\", partition 0: NOT_LEADER"},
				snapshot.Error{Scope: "groups", Resource: "billing", Message: "fetch committed offsets of group \"billing\": timeout"})
		case 4:
			s.Errors = append(s.Errors, snapshot.Error{Scope: "offsets", Resource: "broker 2", Message: "list latest offsets of the partitions broker 2 leads: EOF"})
		}
		if i < 5 {
			s.Producers = nil // older snapshots: no producer state
		} else {
			s.Producers = &snapshot.ProducerSection{Available: false, Reason: "the brokers do not offer DescribeProducers"}
		}
	})
	r := Compute(h, Options{IdleAfter: 3})
	a, b, c, d := find(r, "a"), find(r, "b"), find(r, "c"), find(r, "d")
	assert.Equal(t, 3, a.Unknown, "day 3 against 2 and 4 against 3 (its offline partition), 5 against 4 (broker 2)")
	assert.Equal(t, 1, a.Still, "an unknown comparison ends the run")
	assert.Equal(t, 3, b.Unknown, "its offsets failed on day 3; broker 2 on day 4")
	assert.Equal(t, 2, c.Unknown, "broker 2 leads partition 1 of every topic on day 4")
	assert.Equal(t, 1, d.Still, "day 5 against 4 is unknown")
	assert.False(t, a.Idle)
	orders := find(r, "orders")
	assert.True(t, orders.AddedPartial)
	assert.Equal(t, day(5), orders.LastMoved)
	assert.Less(t, orders.Added, int64(2*50), "partition 1 on days 4–5 was not read")
	assert.Equal(t, 5, r.UnknownTopics)
	assert.Equal(t, "the brokers do not offer DescribeProducers", r.ProducersUnknown)
	assert.Equal(t, -1, a.Producers)
	assert.Equal(t, 1, r.UnknownGroups)
	assert.Empty(t, r.Stopped, "billing's comparisons on day 3 are unknown, so it is not seen stopped across the last 3")

	// A snapshot whose offsets are missing partitions' readings but no error: an older one with
	// no sizes and no producers does not crash, and sizes are unknown.
	assert.Nil(t, a.SizeBytes)
	assert.Nil(t, a.DiskBytes())
}

// TestCreatedAndDeleted: a topic created on day 2 counts its records from zero and says when it
// appeared; one deleted on day 3 is gone; one deleted and created again counts from zero; a
// topic missing from a snapshot that could not list the topics is not created.
func TestCreatedAndDeleted(t *testing.T) {
	h := history(6, func(i int, s *snapshot.Snapshot) {
		o := int64(i)
		s.Topics = []snapshot.Topic{topic("orders", nil, 10*o)}
		if i >= 3 {
			s.Topics = append(s.Topics, topic("fresh", nil, 100))
		}
		if i < 3 {
			s.Topics = append(s.Topics, topic("retired", nil, 50))
		}
		if i != 3 {
			s.Topics = append(s.Topics, topic("empty-again", nil, 0))
		}
		if i != 2 {
			ends := int64(1000)
			if i >= 3 {
				ends = 100
			}
			s.Topics = append(s.Topics, topic("phoenix", nil, ends))
		}
		if i == 1 {
			s.Topics = s.Topics[:1] // only orders: the listing failed
			s.Errors = []snapshot.Error{{Scope: "cluster", Message: "metadata: timeout"}}
		}
	})
	r := Compute(h, Options{IdleAfter: 3})
	fresh := find(r, "fresh")
	assert.True(t, fresh.Created)
	assert.Equal(t, day(3), fresh.Since)
	assert.Equal(t, 3, fresh.Snapshots)
	assert.Equal(t, day(3), fresh.LastMoved, "created with 100 records")
	assert.Equal(t, int64(100), fresh.Added)
	assert.Equal(t, 3, fresh.Still)
	assert.True(t, fresh.Idle)

	phoenix := find(r, "phoenix")
	assert.True(t, phoenix.Created, "absent on day 2, back on day 3")
	assert.Equal(t, day(3), phoenix.LastMoved)
	assert.Equal(t, int64(100), phoenix.Added, "counted from zero when created again")
	assert.Equal(t, 3, phoenix.Still)
	assert.Equal(t, day(3), phoenix.Since, "when it was created again")
	again := find(r, "empty-again")
	assert.True(t, again.Created)
	assert.Equal(t, 2, again.Still, "deleted on day 3 and created again on day 4, without records")
	assert.False(t, again.Moved())
	assert.Equal(t, 3, phoenix.Snapshots)
	assert.Equal(t, []GoneTopic{{Name: "retired", LastSeen: day(2)}}, r.Gone)
	assert.Nil(t, find(r, "retired"))

	// Absent from a snapshot that could not list the topics: not created, and unknown.
	late := history(3, func(i int, s *snapshot.Snapshot) {
		if i > 0 {
			s.Topics = []snapshot.Topic{topic("orders", nil, 5)}
		} else {
			s.Errors = []snapshot.Error{{Scope: "cluster", Message: "metadata: timeout"}}
		}
	})
	r = Compute(late, Options{IdleAfter: 3})
	orders := find(r, "orders")
	assert.False(t, orders.Created)
	assert.Equal(t, 1, orders.Unknown)
	assert.Empty(t, r.Gone)

}
