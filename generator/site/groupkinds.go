package site

// The parts of group pages and of the cluster page that depend on the kind of group (classic,
// KIP-848 consumer, share, streams) and on the KRaft quorum: kept here so that cluster.go only
// wires them in.

import (
	"fmt"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// GroupKind is what a group page and the catalog show of a group's type.
type GroupKind struct {
	// Type is classic, consumer, share or streams; "classic" for older snapshots.
	Type string
	// Label names the type for readers, e.g. "consumer group (KIP-848)".
	Label string
	// GroupEpoch and AssignmentEpoch are "" for classic groups.
	GroupEpoch, AssignmentEpoch string
	Assignor                    string
	// NotDescribed says why kdocs could not describe the group; OffsetsNotRead why a share
	// group's offsets are missing.
	NotDescribed, OffsetsNotRead string
	// Subtopologies is a streams group's topology.
	Subtopologies []SubtopologyRow
}

// SubtopologyRow is one sub-topology of a streams group, its topics linked.
type SubtopologyRow struct {
	ID                                        string
	Sources, Sinks, Changelogs, Repartitioned []Link
}

// MemberKind is what a member row shows beyond the classic columns.
type MemberKind struct {
	InstanceID  string
	MemberEpoch string
	// Subscribed is the topic names or the regex the member subscribed with.
	Subscribed string
	// Target is the member's target assignment when it differs from its assignment (it is
	// reconciling); nil otherwise.
	Target []Assignment
	// Tasks is a streams member's tasks, e.g. "active 0: 0 1; standby 1: 0".
	Tasks string
}

var groupLabels = map[string]string{
	snapshot.GroupClassic:  "classic group",
	snapshot.GroupConsumer: "consumer group (KIP-848)",
	snapshot.GroupShare:    "share group (KIP-932)",
	snapshot.GroupStreams:  "streams group (KIP-1071)",
}

func epoch(e *int32) string {
	if e == nil {
		return ""
	}
	return fmt.Sprint(*e)
}

func groupKind(g snapshot.Group, topicLink func(string) Link) GroupKind {
	typ := g.Type
	if typ == "" {
		typ = snapshot.GroupClassic
	}
	k := GroupKind{Type: typ, Label: groupLabels[typ], GroupEpoch: epoch(g.GroupEpoch), AssignmentEpoch: epoch(g.AssignmentEpoch),
		Assignor: g.Assignor, NotDescribed: g.NotDescribed, OffsetsNotRead: g.OffsetsNotRead}
	if k.Label == "" {
		k.Label = typ + " group"
	}
	links := func(names []string) []Link {
		var out []Link
		for _, n := range names {
			out = append(out, topicLink(n))
		}
		return out
	}
	if g.Streams != nil {
		for _, st := range g.Streams.Subtopologies {
			k.Subtopologies = append(k.Subtopologies, SubtopologyRow{ID: st.ID, Sources: links(st.SourceTopics),
				Sinks: links(st.RepartitionSinks), Changelogs: links(st.Changelogs), Repartitioned: links(st.RepartitionSources)})
		}
	}
	return k
}

func memberKind(m snapshot.Member, topicLink func(string) Link) MemberKind {
	k := MemberKind{InstanceID: m.InstanceID, MemberEpoch: epoch(m.MemberEpoch)}
	switch {
	case m.SubscribedTopicRegex != "":
		k.Subscribed = "regex " + m.SubscribedTopicRegex
	case len(m.SubscribedTopics) > 0:
		for i, t := range m.SubscribedTopics {
			if i > 0 {
				k.Subscribed += ", "
			}
			k.Subscribed += t
		}
	}
	if m.TargetAssignments != nil && !sameAssignment(m.Assignments, m.TargetAssignments) {
		for _, a := range m.TargetAssignments {
			k.Target = append(k.Target, Assignment{Topic: topicLink(a.Topic), Partitions: a.Partitions})
		}
	}
	if t := m.Tasks; t != nil {
		for _, part := range []struct {
			name  string
			tasks []snapshot.TaskGroup
		}{{"active", t.Active}, {"standby", t.Standby}, {"warm-up", t.Warmup}} {
			for _, tg := range part.tasks {
				if k.Tasks != "" {
					k.Tasks += "; "
				}
				k.Tasks += fmt.Sprintf("%s %s: %s", part.name, tg.Subtopology, strings.Trim(fmt.Sprint(tg.Partitions), "[]"))
			}
		}
	}
	return k
}

func sameAssignment(a, b []snapshot.TopicPartitions) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Topic != b[i].Topic || fmt.Sprint(a[i].Partitions) != fmt.Sprint(b[i].Partitions) {
			return false
		}
	}
	return true
}

// QuorumData is the cluster page's KRaft quorum section.
type QuorumData struct {
	Available bool
	Reason    string
	// Leader is the leader's node id, "none" when the quorum has none.
	Leader        string
	LeaderEpoch   int32
	HighWatermark int64
	MaxLag        int64
	Replicas      []QuorumRow
	// Features is what the brokers answered of kdocs' optional APIs.
	Features []snapshot.Feature
}

// QuorumRow is one voter or observer.
type QuorumRow struct {
	ID           int32
	Role         string // leader, voter (follower) or observer
	LogEndOffset int64
	Lag          int64
	// LastFetch and LastCaughtUp are UTC times, "" when unknown.
	LastFetch, LastCaughtUp string
}

// quorumData is nil when the snapshot predates the quorum (the page then falls back to the
// voters the brokers' configs name).
func quorumData(c snapshot.Cluster) *QuorumData {
	q := c.Quorum
	if q == nil {
		return nil
	}
	d := &QuorumData{Available: q.Available, Reason: q.Reason, LeaderEpoch: q.LeaderEpoch, HighWatermark: q.HighWatermark,
		MaxLag: c.QuorumMaxLag, Features: c.Features}
	if d.MaxLag <= 0 {
		d.MaxLag = snapshot.DefaultQuorumMaxLag
	}
	d.Leader = "none"
	if q.LeaderID >= 0 {
		d.Leader = fmt.Sprint(q.LeaderID)
	}
	at := func(ms *int64) string {
		if ms == nil {
			return ""
		}
		return time.UnixMilli(*ms).UTC().Format("2006-01-02 15:04:05.000")
	}
	row := func(r snapshot.QuorumReplica, role string) QuorumRow {
		return QuorumRow{ID: r.ID, Role: role, LogEndOffset: r.LogEndOffset, Lag: r.Lag, LastFetch: at(r.LastFetchMs), LastCaughtUp: at(r.LastCaughtUpMs)}
	}
	for _, v := range q.Voters {
		role := "voter"
		if v.ID == q.LeaderID {
			role = "leader"
		}
		d.Replicas = append(d.Replicas, row(v, role))
	}
	for _, o := range q.Observers {
		d.Replicas = append(d.Replicas, row(o, "observer"))
	}
	return d
}
