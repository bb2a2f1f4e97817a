// Package activity reads a cluster's snapshot history for signs of use: when each topic's end
// offsets last moved and how many records it gained, which topics are idle (no movement and no
// producer with state), and which consumer groups stopped committing while their topics moved
// on. It is a pure function of snapshots, oldest first, the current one last.
//
// What a snapshot could not read (a partition without a leader, offsets a broker did not
// answer, a group whose offsets failed, a snapshot older than producer state) is unknown, never
// "no movement": a comparison that touches it is counted as unknown and breaks an idle run.
package activity

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// DefaultIdleAfter is how many snapshots without end-offset movement make a topic idle when
// site.yaml does not say (activity.idleAfter): a week of nightly snapshots.
const DefaultIdleAfter = 7

// MinSnapshots is the least history that says anything: one comparison needs two snapshots.
const MinSnapshots = 2

// Options tune the report.
type Options struct {
	// IdleAfter is N: a topic whose end offsets did not move across its last N snapshots (the
	// current one included), with no active producer now, is idle; a group whose commits did
	// not move across the last N snapshots while its topics' did has stopped committing.
	// Zero: DefaultIdleAfter.
	IdleAfter int
}

// Report is the activity of one cluster over its history.
type Report struct {
	// Snapshots counts the snapshots read; From and To are when the oldest and the newest
	// (the current one) were taken. IdleAfter is the N in use.
	Snapshots int
	From, To  time.Time
	IdleAfter int
	// Topics is every topic of the current snapshot, sorted by name.
	Topics []Topic
	// Idle are the idle topics, largest first (unknown sizes last), then by name.
	Idle []*Topic
	// Stopped are the groups that stopped committing, longest stopped first, then by id.
	Stopped []Group
	// Gone are topics that some snapshot of the history has and the current one does not,
	// sorted by name.
	Gone []GoneTopic
	// ProducersUnknown says why the current snapshot has no producer state (an older
	// snapshot, a broker without DescribeProducers, not authorized); "" when it was read.
	ProducersUnknown string
	// UnknownTopics and UnknownGroups count the topics and groups with at least one comparison
	// that could not be made: offsets missing from one of the two snapshots.
	UnknownTopics, UnknownGroups int
}

// Enough says whether the history holds the two snapshots a comparison needs.
func (r *Report) Enough() bool { return r.Snapshots >= MinSnapshots }

// Full says whether the history is as long as IdleAfter: shorter, no topic can be idle and no
// group can have stopped, since neither can be seen for long enough.
func (r *Report) Full() bool { return r.Snapshots >= r.IdleAfter }

// Topic is one topic's activity.
type Topic struct {
	Name string
	// LastMoved is when the snapshot was taken in which the topic's end offsets differed from
	// the one before it, the newest such; zero when they did not move within the history.
	LastMoved time.Time
	// Added is the records the topic gained over the history: the sum of every partition's
	// end-offset increases between consecutive snapshots (a partition whose end offset went
	// back, a topic deleted and created again, counts from zero). AddedPartial says some
	// comparisons were unknown, so Added is a lower bound.
	Added        int64
	AddedPartial bool
	// Snapshots counts the snapshots the topic is in, the current one included (fewer than the
	// report's when it was created within the history); Since is when the first of them was
	// taken, and Created says that it was created within the history (absent from an earlier
	// snapshot that lists topics completely).
	Snapshots int
	Since     time.Time
	Created   bool
	// Still counts the newest snapshots over which the end offsets stayed the same, the
	// current one included: idle for Still snapshots. A comparison that is unknown ends it.
	Still int
	// Unknown counts the comparisons whose offsets were unknown in either snapshot.
	Unknown int
	// Producers counts the producers with state on the topic's partitions in the current
	// snapshot; -1 when unknown (not read, or not read for some of its partitions).
	Producers int
	// SizeBytes is the current size of one copy of the topic (the leaders' replicas); nil when
	// unknown. About ReplicationFactor times this lies on disk.
	SizeBytes         *int64
	ReplicationFactor int
	// Internal marks Kafka's own topics (__consumer_offsets, __transaction_state), which are
	// never called idle.
	Internal bool
	// Idle: not internal, Still ≥ IdleAfter and no producer has state on it (or its producer
	// state is unknown: ProducersUnknown says so).
	Idle bool
}

// Moved says whether the end offsets moved within the history.
func (t *Topic) Moved() bool { return !t.LastMoved.IsZero() }

// DiskBytes is about how much of the brokers' disks the topic takes: its size times its
// replication factor; nil when the size is unknown.
func (t *Topic) DiskBytes() *int64 {
	if t.SizeBytes == nil {
		return nil
	}
	v := *t.SizeBytes * int64(max(1, t.ReplicationFactor))
	return &v
}

// Group is a consumer group that stopped committing.
type Group struct {
	ID, State string
	// LastMoved is when the snapshot was taken in which its committed offsets last differed
	// from the one before; Still counts the snapshots since then over which they stayed the
	// same, that one included.
	LastMoved time.Time
	Still     int
	// Topics are the topics it commits on whose end offsets moved within the last IdleAfter
	// snapshots, sorted: what it falls behind on.
	Topics []string
	// Lag is its total lag in the current snapshot.
	Lag int64
}

// GoneTopic is a topic of the history absent from the current snapshot.
type GoneTopic struct {
	Name string
	// LastSeen is when the newest snapshot that has it was taken.
	LastSeen time.Time
}

// Compute reads history, oldest first and the current snapshot last, into a report. A history
// of fewer than two snapshots gives a report that is not Enough, with no topics.
func Compute(history []*snapshot.Snapshot, opts Options) *Report {
	n := len(history)
	r := &Report{Snapshots: n, IdleAfter: cmp.Or(opts.IdleAfter, DefaultIdleAfter)}
	if n == 0 {
		return r
	}
	r.From, r.To = history[0].TakenAt, history[n-1].TakenAt
	if n < MinSnapshots {
		return r
	}
	gaps := make([]gaps, n)
	for i, s := range history {
		gaps[i] = gapsOf(s)
	}
	topics := walkTopics(history, gaps)
	cur := history[n-1]
	r.ProducersUnknown = producersUnknown(cur)
	producers := producerCounts(cur, gaps[n-1])
	r.Topics = make([]Topic, 0, len(cur.Topics))
	for i := range cur.Topics {
		t := &cur.Topics[i]
		st := topics[t.Name]
		a := Topic{Name: t.Name, Added: st.added, AddedPartial: st.unknown > 0, Snapshots: st.seen,
			Since: history[st.first].TakenAt, Created: st.created, Still: n - max(st.breakAt, st.first), Unknown: st.unknown,
			SizeBytes: t.SizeBytes, ReplicationFactor: t.ReplicationFactor, Internal: t.Internal, Producers: -1}
		if st.movedAt > 0 {
			a.LastMoved = history[st.movedAt].TakenAt
		}
		if r.ProducersUnknown == "" {
			a.Producers = producers(t)
		}
		a.Idle = !t.Internal && a.Still >= r.IdleAfter && a.Producers <= 0
		if st.unknown > 0 {
			r.UnknownTopics++
		}
		r.Topics = append(r.Topics, a)
	}
	slices.SortFunc(r.Topics, func(a, b Topic) int { return cmp.Compare(a.Name, b.Name) })
	for i := range r.Topics {
		if r.Topics[i].Idle {
			r.Idle = append(r.Idle, &r.Topics[i])
		}
	}
	slices.SortStableFunc(r.Idle, func(a, b *Topic) int {
		switch {
		case a.SizeBytes == nil && b.SizeBytes == nil:
			return 0
		case a.SizeBytes == nil:
			return 1
		case b.SizeBytes == nil:
			return -1
		}
		return cmp.Compare(*b.SizeBytes, *a.SizeBytes)
	})
	for name, st := range topics {
		if st.last < n-1 && gaps[n-1].topicsKnown && !gaps[n-1].topics[name] {
			r.Gone = append(r.Gone, GoneTopic{Name: name, LastSeen: history[st.last].TakenAt})
		}
	}
	slices.SortFunc(r.Gone, func(a, b GoneTopic) int { return cmp.Compare(a.Name, b.Name) })
	r.Stopped, r.UnknownGroups = stoppedGroups(history, gaps, topics, r.IdleAfter)
	return r
}

// gaps is what one snapshot could not read, as its errors and sections say.
type gaps struct {
	// topicsKnown: the snapshot lists every topic (no cluster or topic listing failed), so a
	// topic absent from it does not exist. topics: topics whose metadata or offsets failed.
	topicsKnown bool
	topics      map[string]bool
	// brokers: brokers whose answer for the offsets of the partitions they lead failed.
	brokers map[int32]bool
	// groups: groups whose offsets failed; groupsKnown: every group was listed.
	groups      map[string]bool
	groupsKnown bool
	// producerTopics and producerBrokers: producer state that failed, by topic and by leader.
	producerTopics  map[string]bool
	producerBrokers map[int32]bool
}

func gapsOf(s *snapshot.Snapshot) gaps {
	g := gaps{topicsKnown: true, groupsKnown: true}
	for _, e := range s.Errors {
		broker, isBroker := brokerOf(e.Resource)
		switch e.Scope {
		case "cluster":
			g.topicsKnown, g.groupsKnown = false, false
		case "topics":
			if e.Resource == "" {
				g.topicsKnown = false
			} else {
				g.topics = set(g.topics, e.Resource)
			}
		case "offsets":
			switch {
			case isBroker:
				g.brokers = set(g.brokers, broker)
			case e.Resource == "":
				g.topicsKnown = false
			default:
				g.topics = set(g.topics, e.Resource)
			}
		case "groups":
			if isBroker || e.Resource == "" {
				g.groupsKnown = false
			} else {
				g.groups = set(g.groups, e.Resource)
			}
		case "producers":
			if isBroker {
				g.producerBrokers = set(g.producerBrokers, broker)
			} else {
				g.producerTopics = set(g.producerTopics, e.Resource)
			}
		}
	}
	return g
}

// brokerOf reads the "broker 3" resource of an error about everything one broker answers for.
func brokerOf(resource string) (int32, bool) {
	rest, ok := strings.CutPrefix(resource, "broker ")
	if !ok || rest == "" {
		return 0, false
	}
	var id int32
	for _, c := range rest {
		if c < '0' || c > '9' {
			return 0, false
		}
		id = id*10 + int32(c-'0')
	}
	return id, true
}

func set[K comparable](m map[K]bool, k K) map[K]bool {
	if m == nil {
		m = map[K]bool{}
	}
	m[k] = true
	return m
}

// known says whether a partition's end offset in a snapshot is a reading.
func (g *gaps) known(topic string, p *snapshot.Partition) bool {
	return p.Leader >= 0 && !g.brokers[p.Leader] && !g.topics[topic]
}

// walkTopics compares every topic of every snapshot with the same topic in the snapshot before.
// Partitions are in ID order, as Normalize leaves them.
func walkTopics(history []*snapshot.Snapshot, gaps []gaps) map[string]*walk {
	states := make(map[string]*walk, len(history[len(history)-1].Topics))
	for i, s := range history {
		g := &gaps[i]
		if i == 0 {
			for j := range s.Topics {
				t := &s.Topics[j]
				states[t.Name] = &walk{topic: t, first: 0, last: 0, seen: 1}
			}
			continue
		}
		prev := &gaps[i-1]
		for j := range s.Topics {
			t := &s.Topics[j]
			st := states[t.Name]
			switch {
			case st == nil && !prev.topicsKnown:
				// Absent before, but the snapshot before could not list every topic: it may have
				// been there. Nothing to compare with.
				st = &walk{first: i, breakAt: i, unknown: 1}
				states[t.Name] = st
			case st == nil:
				st = &walk{first: i, breakAt: i, created: true}
				states[t.Name] = st
				st.compare(nil, prev, t, g, i)
			case st.last == i-1:
				st.compare(st.topic, prev, t, g, i)
			case prev.topicsKnown:
				// Gone from the snapshot before, back in this one: created again. Its records
				// before stay counted; its snapshots and its standing still start again.
				st.created, st.first, st.seen, st.breakAt = true, i, 0, i
				st.compare(nil, prev, t, g, i)
			default:
				st.unknown++
				st.breakAt = i
			}
			st.topic, st.last = t, i
			st.seen++
		}
	}
	return states
}

// walk is one topic's way through the history.
type walk struct {
	topic   *snapshot.Topic // in the newest snapshot that has it
	first   int             // index of the first snapshot that has it
	last    int             // index of the newest snapshot that has it
	seen    int
	created bool
	movedAt int // newest index whose comparison with the one before moved; 0: none
	breakAt int // newest index that moved, was unknown, or where the topic appeared
	unknown int
	added   int64
}

// compare compares topic t of snapshot i with prev, the same topic in snapshot i-1 (nil when
// it did not exist then: every end offset was zero).
func (w *walk) compare(prev *snapshot.Topic, pg *gaps, t *snapshot.Topic, g *gaps, i int) {
	moved, unknown := false, false
	var before []snapshot.Partition
	if prev != nil {
		before = prev.Partitions
	}
	k := 0
	for j := range t.Partitions {
		p := &t.Partitions[j]
		for k < len(before) && before[k].ID < p.ID {
			k++
		}
		var old *snapshot.Partition
		if k < len(before) && before[k].ID == p.ID {
			old = &before[k]
		}
		if !g.known(t.Name, p) || old != nil && !pg.known(prev.Name, old) {
			unknown = true
			continue
		}
		var from int64
		if old != nil {
			from = old.LatestOffset
		}
		switch {
		case p.LatestOffset > from:
			moved = true
			w.added += p.LatestOffset - from
		case p.LatestOffset < from: // truncated or created again: counts from zero
			moved = true
			w.added += p.LatestOffset
		}
	}
	switch {
	case moved:
		w.movedAt, w.breakAt = i, i
		if unknown {
			w.unknown++
		}
	case unknown:
		w.unknown++
		w.breakAt = i
	}
}

// producersUnknown says why the snapshot has no producer state, "" when it has.
func producersUnknown(s *snapshot.Snapshot) string {
	switch {
	case s.Producers == nil:
		return "the snapshot has no producer state (taken before kdocs read it)"
	case !s.Producers.Available:
		return cmp.Or(s.Producers.Reason, "producer state was not available")
	}
	return ""
}

// producerCounts returns a function counting the producers with state on a topic's partitions
// in s, -1 when none was found and the state of some of its partitions could not be read.
func producerCounts(s *snapshot.Snapshot, g gaps) func(*snapshot.Topic) int {
	count := map[string]int{}
	if s.Producers != nil {
		for _, tp := range s.Producers.Topics {
			n := 0
			for _, p := range tp.Partitions {
				n += len(p.Producers)
			}
			count[tp.Topic] = n
		}
	}
	return func(t *snapshot.Topic) int {
		if n := count[t.Name]; n > 0 {
			return n
		}
		if g.producerTopics[t.Name] {
			return -1
		}
		for _, p := range t.Partitions {
			if p.Leader < 0 || g.producerBrokers[p.Leader] {
				return -1
			}
		}
		return 0
	}
}

// groupWalk is one group's way through the history.
type groupWalk struct {
	group   *snapshot.Group // in the newest snapshot walked that has it
	last    int
	movedAt int // newest index whose commits differ from the snapshot before; 0: none
	breakAt int // newest index that moved or was unknown
	unknown int
}

// stoppedGroups finds the groups of the current snapshot whose committed offsets moved within
// the history but not across the last idleAfter snapshots, while the end offsets of a topic
// they commit on moved within those snapshots. It also counts the groups with unknown
// comparisons.
func stoppedGroups(history []*snapshot.Snapshot, gaps []gaps, topics map[string]*walk, idleAfter int) ([]Group, int) {
	n := len(history)
	cur := history[n-1]
	states := make(map[string]*groupWalk, len(cur.Groups))
	for i := range cur.Groups {
		states[cur.Groups[i].ID] = &groupWalk{last: -1}
	}
	for i, s := range history {
		g := &gaps[i]
		for j := range s.Groups {
			grp := &s.Groups[j]
			st := states[grp.ID]
			if st == nil {
				continue // not a group any more: nothing to report
			}
			if i > 0 {
				switch {
				case st.last < 0: // new within the history: nothing before to compare with
					st.breakAt = i
				case st.last != i-1: // missing from the snapshot before
					st.unknown++
					st.breakAt = i
				default:
					moved, known := commitsMoved(st.group, grp, &gaps[i-1], g)
					switch {
					case !known:
						st.unknown++
						st.breakAt = i
					case moved:
						st.movedAt, st.breakAt = i, i
					}
				}
			}
			st.group, st.last = grp, i
		}
	}
	var out []Group
	unknown := 0
	for i := range cur.Groups {
		grp := &cur.Groups[i]
		st := states[grp.ID]
		if st.unknown > 0 {
			unknown++
		}
		// Moved within the history, then not across the last idleAfter snapshots (from
		// movedAt to the current one, all of them compared).
		if st.movedAt == 0 || st.breakAt != st.movedAt || n-st.movedAt < idleAfter {
			continue
		}
		var behind []string
		for _, o := range grp.Offsets {
			if w := topics[o.Topic]; w != nil && w.movedAt > n-idleAfter && !slices.Contains(behind, o.Topic) {
				behind = append(behind, o.Topic)
			}
		}
		if len(behind) == 0 {
			continue // nothing to commit: its topics stood still too
		}
		slices.Sort(behind)
		out = append(out, Group{ID: grp.ID, State: grp.State, LastMoved: history[st.movedAt].TakenAt, Still: n - st.movedAt,
			Topics: behind, Lag: grp.TotalLag})
	}
	slices.SortFunc(out, func(a, b Group) int { return cmp.Or(cmp.Compare(b.Still, a.Still), cmp.Compare(a.ID, b.ID)) })
	return out, unknown
}

// commitsMoved compares a group's committed offsets in two consecutive snapshots: moved when a
// partition's committed offset differs or a partition has its first commit. Not known when
// either snapshot could not read the group's offsets or holds none (expired, never read).
func commitsMoved(prev, cur *snapshot.Group, pg, g *gaps) (moved, known bool) {
	if pg.groups[prev.ID] || g.groups[cur.ID] ||
		prev.OffsetsNotRead != "" || cur.OffsetsNotRead != "" || len(prev.Offsets) == 0 || len(cur.Offsets) == 0 {
		return false, false
	}
	a, b := sortedOffsets(prev.Offsets), sortedOffsets(cur.Offsets)
	k := 0
	for _, o := range b {
		for k < len(a) && offsetLess(a[k], o) {
			k++
		}
		if k < len(a) && a[k].Topic == o.Topic && a[k].Partition == o.Partition {
			if a[k].Committed != o.Committed {
				return true, true
			}
			continue
		}
		return true, true // a first commit on this partition
	}
	return false, true
}

func offsetLess(a, b snapshot.GroupOffset) bool {
	return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition)) < 0
}

// sortedOffsets returns offsets in topic, partition order, copying only when they are not.
func sortedOffsets(offsets []snapshot.GroupOffset) []snapshot.GroupOffset {
	cmpOffsets := func(a, b snapshot.GroupOffset) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	}
	if slices.IsSortedFunc(offsets, cmpOffsets) {
		return offsets
	}
	s := slices.Clone(offsets)
	slices.SortFunc(s, cmpOffsets)
	return s
}
