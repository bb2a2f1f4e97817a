package lineage

// The blast radius of a change: for each breaking change generator/diff reports on a topic or a
// subject, the parties that read, write or own the topics it concerns, each with the evidence
// that shows it. It is read from the same graph as the topic pages (connectors, MirrorMaker 2
// flows, Streams applications, consumer groups, the brokers' writers) plus what the caller
// declares (annotations' owners and producers, which live in the site's content, not in a
// snapshot).

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Kinds of party. The strings are part of the JSON output of `kdocs diff --format json`.
const (
	PartyOwner     = "owner"
	PartyStreams   = "streams application"
	PartyConnector = "connector"
	PartyMirror    = "mirrormaker 2 flow"
	PartyGroup     = "consumer group"
	PartyProducer  = "producer" // declared in an annotation
	// WriterTransactional, WriterIdempotent and WriterPrincipal (writers.go) are kinds too.
)

// Access words, in the order a party lists them.
const (
	AccessWrites       = "writes"
	AccessReads        = "reads"
	AccessAllowedWrite = "allowed to write"
	AccessAllowedRead  = "allowed to read"
	AccessOwns         = "owns"
)

// Party is one reader, writer or owner of a topic that a change reaches.
type Party struct {
	// Kind is one of the Party kinds or writer kinds ("transactional producer", "principal").
	Kind string `json:"kind"`
	// Name is the group id, connector name, application id, transactional id, principal,
	// owner, or "<source alias> → <target alias>" for a MirrorMaker 2 flow.
	Name string `json:"name"`
	// Connect is the Connect cluster of a connector or a flow; empty for others.
	Connect string `json:"connect,omitempty"`
	// Topic is the topic through which the change reaches the party.
	Topic string `json:"topic"`
	// Access lists what the party does with the topic, in the order of the Access constants.
	Access []string `json:"access"`
	// Evidence lists what shows it (the Evidence constants), sorted.
	Evidence []string `json:"evidence"`
	// Declared: the party comes from an annotation, not from what the cluster shows.
	Declared bool `json:"declared,omitempty"`
}

// AccessText says the party's access in words: "writes, reads".
func (p Party) AccessText() string { return strings.Join(p.Access, ", ") }

// Blast is what one breaking change reaches.
type Blast struct {
	// Topics are the topics the change concerns: its own topic, or the topics a subject's
	// schemas serve, sorted.
	Topics []string `json:"topics"`
	// Parties are sorted by topic, kind (owners, then writers, then readers), Connect cluster, name.
	Parties []Party `json:"parties"`
}

// BlastOptions supply what a snapshot does not hold. Every field may be nil.
type BlastOptions struct {
	// SubjectTopics returns the topics a subject serves by the site's naming strategy, and
	// whether it knows the subject. When it is nil or does not know the subject, a subject
	// serves <topic>-key's and <topic>-value's topic (TopicNameStrategy) or, for
	// <topic>-<record> (TopicRecordNameStrategy), the longest such topic of either snapshot.
	SubjectTopics func(subject string) (topics []string, known bool)
	// Owners and Producers return a topic's annotated owners (owner, team) and producers.
	Owners, Producers func(topic string) []string
}

// BlastRadius returns, aligned with changes, the blast of each change that Reaches and concerns
// a topic or a subject, and nil for every other change.
//
// A deleted topic's parties are those of the before snapshot: the after snapshot no longer
// has the topic, and its groups' offsets on it are gone. For every other change the parties
// are the union of both snapshots': a topic deleted and created again (partitions removed)
// loses its groups' offsets, and a party that left between the snapshots may still be
// reached by the change, while one that arrived is reached by it for sure.
func BlastRadius(before, after *snapshot.Snapshot, changes diff.Changes, opts BlastOptions) []*Blast {
	if before == nil {
		before = &snapshot.Snapshot{}
	}
	if after == nil {
		after = &snapshot.Snapshot{}
	}
	out := make([]*Blast, len(changes))
	// First the topics each change concerns, so that the parties of those alone are indexed.
	topicsOf := make([][]string, len(changes))
	wantBefore, wantAfter := map[string]bool{}, map[string]bool{}
	var byName func(string) []string
	subjectTopics := func(subject string) []string {
		if opts.SubjectTopics != nil {
			if topics, known := opts.SubjectTopics(subject); known {
				return topics
			}
		}
		if byName == nil {
			byName = defaultSubjectTopics(before, after)
		}
		return byName(subject)
	}
	for i, c := range changes {
		if !Reaches(c) {
			continue
		}
		kind, name, ok := parseResource(c.Resource)
		if !ok {
			continue
		}
		switch kind {
		case "topic":
			topicsOf[i] = []string{name}
		case "subject":
			topics := slices.Clone(subjectTopics(name))
			slices.Sort(topics)
			topicsOf[i] = slices.Compact(topics)
			if topicsOf[i] == nil {
				topicsOf[i] = []string{}
			}
		default:
			continue
		}
		for _, t := range topicsOf[i] {
			wantBefore[t] = true
			if c.Kind != diff.TopicRemoved {
				wantAfter[t] = true
			}
		}
	}
	var b, a *partyIndex
	if len(wantBefore) > 0 {
		b = indexParties(before, wantBefore)
	}
	if len(wantAfter) > 0 {
		a = indexParties(after, wantAfter)
	}
	for i, c := range changes {
		topics := topicsOf[i]
		if topics == nil {
			continue
		}
		indexes := []*partyIndex{b}
		if c.Kind != diff.TopicRemoved {
			indexes = append(indexes, a)
		}
		blast := &Blast{Topics: topics, Parties: []Party{}}
		for _, t := range topics {
			m := partyMerger{}
			for _, x := range indexes {
				for _, p := range x.byTopic[t] {
					m.add(p)
				}
			}
			if opts.Owners != nil {
				for _, o := range opts.Owners(t) {
					m.add(Party{Kind: PartyOwner, Name: o, Topic: t, Access: []string{AccessOwns},
						Evidence: []string{EvidenceAnnotation}, Declared: true})
				}
			}
			if opts.Producers != nil {
				for _, p := range opts.Producers(t) {
					m.add(Party{Kind: PartyProducer, Name: p, Topic: t, Access: []string{AccessWrites},
						Evidence: []string{EvidenceAnnotation}, Declared: true})
				}
			}
			blast.Parties = append(blast.Parties, m.sorted()...)
		}
		out[i] = blast
	}
	return out
}

// Reaches says whether a change has a blast radius: every breaking change, and the warnings on
// a topic that its writers and readers feel (retention shortened, partitions added, a config
// judged risky). Those are not breaking for diff, which judges the change, but the people who
// read or write the topic are the ones to tell.
func Reaches(c diff.Change) bool {
	if c.Severity == diff.Breaking {
		return true
	}
	if c.Severity != diff.Warning || !strings.HasPrefix(c.Resource, "topic ") {
		return false
	}
	switch c.Kind {
	case diff.ConfigAdded, diff.ConfigRemoved, diff.ConfigChanged, diff.PartitionsAdded, diff.PartitionsRemoved, diff.ReplicationChanged:
		return true
	}
	return false
}

// parseResource splits a change's resource, `topic "orders"`, into its type and name.
func parseResource(resource string) (kind, name string, ok bool) {
	kind, quoted, ok := strings.Cut(resource, " ")
	if !ok {
		return "", "", false
	}
	name, err := strconv.Unquote(quoted)
	return kind, name, err == nil
}

// defaultSubjectTopics resolves subjects by TopicNameStrategy and TopicRecordNameStrategy over
// the topics of both snapshots. RecordNameStrategy names no topic: its subjects reach none.
func defaultSubjectTopics(before, after *snapshot.Snapshot) func(string) []string {
	topics := make(map[string]bool, len(after.Topics))
	for _, s := range []*snapshot.Snapshot{before, after} {
		for _, t := range s.Topics {
			topics[t.Name] = true
		}
	}
	return func(subject string) []string {
		for _, suffix := range []string{"-key", "-value"} {
			if t, ok := strings.CutSuffix(subject, suffix); ok && topics[t] {
				return []string{t}
			}
		}
		// <topic>-<record full name>: the record's name has no '-' in Avro or Protobuf, so the
		// topic is the part before the last one that names a topic.
		for i := len(subject) - 1; i > 0; i-- {
			if subject[i] == '-' && i < len(subject)-1 && topics[subject[:i]] {
				return []string{subject[:i]}
			}
		}
		return nil
	}
}

// partyIndex is the parties of a snapshot's wanted topics, by topic, merged and unsorted.
type partyIndex struct {
	byTopic map[string][]Party
}

func indexParties(s *snapshot.Snapshot, want map[string]bool) *partyIndex {
	byTopic := map[string]*partyMerger{}
	add := func(p Party) {
		if !want[p.Topic] {
			return
		}
		m := byTopic[p.Topic]
		if m == nil {
			m = &partyMerger{}
			byTopic[p.Topic] = m
		}
		m.add(p)
	}
	apps := StreamsApps(s)
	isApp := make(map[string]bool, len(apps))
	for _, a := range apps {
		isApp[a.ID] = true
		for _, t := range a.Inputs {
			add(Party{Kind: PartyStreams, Name: a.ID, Topic: t, Access: []string{AccessReads}, Evidence: []string{a.Evidence}})
		}
		for _, t := range slices.Concat(a.Changelogs, a.Repartitions) {
			add(Party{Kind: PartyStreams, Name: a.ID, Topic: t, Access: []string{AccessWrites, AccessReads}, Evidence: []string{a.Evidence}})
		}
	}
	for i := range s.Groups {
		g := &s.Groups[i]
		kind := PartyGroup
		if isApp[g.ID] {
			kind = PartyStreams
		}
		seen := map[string]bool{}
		note := func(t string) {
			if !seen[t] {
				seen[t] = true
				add(Party{Kind: kind, Name: g.ID, Topic: t, Access: []string{AccessReads}, Evidence: []string{EvidenceGroup}})
			}
		}
		for _, o := range g.Offsets {
			note(o.Topic)
		}
		for _, m := range g.Members {
			for _, a := range m.Assignments {
				note(a.Topic)
			}
		}
	}
	for _, e := range Connectors(s) {
		if e.Mirror != "" {
			continue // a MirrorMaker connector is its flow's
		}
		access := AccessReads
		if e.Write {
			access = AccessWrites
		}
		add(Party{Kind: PartyConnector, Name: e.Connector, Connect: e.Connect, Topic: e.Topic, Access: []string{access}, Evidence: e.Evidence})
	}
	for _, f := range MirrorFlows(s) {
		name := f.SourceAlias + " → " + f.TargetAlias
		for _, r := range f.Remote {
			add(Party{Kind: PartyMirror, Name: name, Connect: f.Connect, Topic: r.Name, Access: []string{AccessWrites}, Evidence: r.Evidence})
		}
		if f.Checkpoints != "" {
			add(Party{Kind: PartyMirror, Name: name, Connect: f.Connect, Topic: f.Checkpoints, Access: []string{AccessWrites},
				Evidence: []string{EvidenceConnectConfig}})
		}
	}
	for topic, tw := range Writers(s) {
		for _, e := range tw.Writers {
			add(Party{Kind: e.Kind, Name: e.Name, Topic: topic, Access: []string{e.Access()}, Evidence: e.Evidence})
		}
	}
	x := &partyIndex{byTopic: make(map[string][]Party, len(byTopic))}
	for t, m := range byTopic {
		x.byTopic[t] = m.parties
	}
	return x
}

// partyMerger merges parties that are the same one (topic, kind, Connect cluster, name): their
// access and evidence join.
type partyMerger struct {
	parties []Party
	at      map[[4]string]int
}

func (m *partyMerger) add(p Party) {
	k := [4]string{p.Topic, p.Kind, p.Connect, p.Name}
	if m.at == nil {
		m.at = map[[4]string]int{}
	}
	i, ok := m.at[k]
	if !ok {
		m.at[k] = len(m.parties)
		p.Access, p.Evidence = slices.Clone(p.Access), slices.Clone(p.Evidence)
		m.parties = append(m.parties, p)
		return
	}
	q := &m.parties[i]
	q.Access = mergeAccess(q.Access, p.Access)
	q.Evidence = append(q.Evidence, p.Evidence...)
	slices.Sort(q.Evidence)
	q.Evidence = slices.Compact(q.Evidence)
	q.Declared = q.Declared && p.Declared
}

func (m *partyMerger) sorted() []Party {
	out := m.parties
	for i := range out {
		slices.Sort(out[i].Evidence)
		out[i].Evidence = slices.Compact(out[i].Evidence)
	}
	slices.SortFunc(out, func(a, b Party) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(partyRank(a.Kind), partyRank(b.Kind)),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Connect, b.Connect), cmp.Compare(a.Name, b.Name))
	})
	return out
}

var accessOrder = []string{AccessWrites, AccessReads, AccessAllowedWrite, AccessAllowedRead, AccessOwns}

// mergeAccess joins two access lists in accessOrder; "writes" makes "allowed to write" go
// without saying, and "reads" "allowed to read".
func mergeAccess(a, b []string) []string {
	has := map[string]bool{}
	for _, s := range slices.Concat(a, b) {
		has[s] = true
	}
	if has[AccessWrites] {
		delete(has, AccessAllowedWrite)
	}
	if has[AccessReads] {
		delete(has, AccessAllowedRead)
	}
	var out []string
	for _, s := range accessOrder {
		if has[s] {
			out = append(out, s)
		}
	}
	return out
}

// partyRank orders kinds: owners, then writers, then readers, then principals only allowed.
func partyRank(kind string) int {
	switch kind {
	case PartyOwner:
		return 0
	case PartyProducer, WriterTransactional, WriterIdempotent:
		return 1
	case PartyMirror, PartyConnector, PartyStreams:
		return 2
	case PartyGroup:
		return 3
	case WriterPrincipal:
		return 4
	}
	return 5
}
