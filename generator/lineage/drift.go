package lineage

// Drift between who the annotations say writes each topic and what the cluster shows: producers
// declared with no evidence, and writers with evidence that no annotation declares. Kafka keeps no
// producer's client id, so a declared producer is matched by name against what does carry one:
// a transactional id (equal to the name, or starting with it and a separator, as
// transactional.id is usually the application's name plus an instance suffix), a principal an
// ACL allows to write (User:<name>), or a source connector of that name (MirrorMaker 2's are the
// replication's, not writers to declare). An idempotent producer
// has only a producer id: it is counted, never matched.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Unconfirmed is a producer an annotation declares for a topic that nothing in the snapshot
// shows writing it.
type Unconfirmed struct {
	Topic, Producer string
	// Anonymous is the number of producers with state on the topic that carry no name (idempotent
	// producers): one of them may be it.
	Anonymous int
	// Group is set when a consumer group (a Kafka Streams application's, or a service's) has the
	// producer's name: the application runs, but Kafka does not show what it writes.
	Group string
}

// Evidence says what would count as evidence of the producer.
func (u Unconfirmed) Evidence() string {
	s := fmt.Sprintf("a transactional.id %q or starting with %q, an ACL allowing User:%s to write, or a source connector named %q", u.Producer, u.Producer+"-", u.Producer, u.Producer)
	if u.Group != "" {
		s += fmt.Sprintf("; %s %q runs, but Kafka does not show what it writes", u.Group, u.Producer)
	}
	if u.Anonymous > 0 {
		s += fmt.Sprintf("; the topic has %d producers without a name, which may include it", u.Anonymous)
	}
	return s
}

// Undeclared is a writer the snapshot shows for a topic that the topic's annotation does not
// declare.
type Undeclared struct {
	Topic string
	// Kind is WriterTransactional, WriterPrincipal or "source connector"; Name its transactional
	// id, principal or connector.
	Kind, Name string
	// Observed: it wrote (a transaction, a connector's active topics); else an ACL allows it.
	Observed bool
}

// Drift is a cluster's declared writers set against its observed ones.
type Drift struct {
	// Unconfirmed and Undeclared are sorted by topic, then name.
	Unconfirmed []Unconfirmed
	Undeclared  []Undeclared
	// Unchecked says why part of the comparison could not be made (the snapshot lacks writer
	// evidence); empty when it could.
	Unchecked []string
	// NoEvidence: the snapshot records no writer evidence at all (no transactions, producer
	// state, ACLs or Connect: an older snapshot); declared producers are then not judged.
	NoEvidence bool
}

// DriftOf compares the producers declared per topic (annotations) with the writers the snapshot
// shows. Internal topics take no part: their writers are Kafka's and Connect's own.
func DriftOf(snap *snapshot.Snapshot, declared map[string][]string) Drift {
	d := Drift{Unchecked: Unavailable(snap)}
	d.NoEvidence = snap.Transactions == nil && snap.Producers == nil && snap.ACLs == nil && len(snap.Connect) == 0
	writers := Writers(snap)
	groupKind := map[string]string{}
	for _, g := range snap.Groups {
		groupKind[g.ID] = "the consumer group"
	}
	for _, a := range StreamsApps(snap) {
		groupKind[a.ID] = "the Kafka Streams application"
	}
	sources := map[string][]string{} // topic → source connectors writing it
	for _, e := range Connectors(snap) {
		// MirrorMaker 2's connectors write the replicas of other clusters' topics (and their
		// heartbeats and checkpoints): the replication page documents them, not annotations.
		if e.Write && e.Mirror == "" {
			sources[e.Topic] = append(sources[e.Topic], e.Connector)
		}
	}
	for _, t := range snap.Topics {
		if t.Internal {
			continue
		}
		var named []Undeclared
		anonymous := 0
		if w := writers[t.Name]; w != nil {
			for _, e := range w.Writers {
				switch {
				case !e.Write:
				case e.Kind == WriterIdempotent:
					anonymous++
				case e.Kind == WriterPrincipal && slices.ContainsFunc(e.Patterns, func(p string) bool { return p == "LITERAL *" }) && len(e.Patterns) == 1:
					// Allowed on every topic: a permission of the cluster, not a writer of this topic.
				default:
					named = append(named, Undeclared{Topic: t.Name, Kind: e.Kind, Name: e.Name, Observed: e.Observed()})
				}
			}
		}
		for _, k := range sources[t.Name] {
			named = append(named, Undeclared{Topic: t.Name, Kind: "source connector", Name: k, Observed: true})
		}
		decl := declared[t.Name]
		for _, p := range decl {
			if d.NoEvidence {
				break
			}
			if !slices.ContainsFunc(named, func(u Undeclared) bool { return matches(p, u) }) {
				d.Unconfirmed = append(d.Unconfirmed, Unconfirmed{Topic: t.Name, Producer: p, Anonymous: anonymous, Group: groupKind[p]})
			}
		}
		for _, u := range named {
			if !slices.ContainsFunc(decl, func(p string) bool { return matches(p, u) }) {
				d.Undeclared = append(d.Undeclared, u)
			}
		}
	}
	slices.SortFunc(d.Unconfirmed, func(a, b Unconfirmed) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Producer, b.Producer))
	})
	slices.SortFunc(d.Undeclared, func(a, b Undeclared) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	d.Undeclared = slices.Compact(d.Undeclared)
	return d
}

// matches says whether the declared producer p names writer u.
func matches(p string, u Undeclared) bool {
	switch u.Kind {
	case WriterTransactional:
		if u.Name == p {
			return true
		}
		rest, ok := strings.CutPrefix(u.Name, p)
		return ok && strings.ContainsAny(rest[:1], "-._:")
	case WriterPrincipal:
		return u.Name == "User:"+p || u.Name == p
	}
	return u.Name == p
}
