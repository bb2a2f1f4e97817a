package lineage

// Writers the brokers show, without an agent: transactional ids (DescribeTransactions), producer
// ids with state on a partition (DescribeProducers) and principals the ACLs allow to write or
// read. Kafka keeps no producer's client id, so a writer is named by its transactional id when a
// transaction's producer id gives one, else by its producer id. An ACL is permission, not proof
// of use: such edges are "allowed", never "observed".

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Evidence of writers.
const (
	// EvidenceTransaction: a transaction coordinator lists the topic's partitions in the
	// transactional id's open transaction, or names the producer id a partition holds state for.
	EvidenceTransaction = "transaction"
	// EvidenceProducerState: the partition's leader keeps state for the producer id: it wrote
	// there within producer.id.expiration.ms.
	EvidenceProducerState = "producer-state"
	// EvidenceACL: an ACL allows the principal to write (or read) the topic.
	EvidenceACL = "acl"
)

// Kinds of observed writers.
const (
	WriterTransactional = "transactional producer"
	WriterIdempotent    = "idempotent producer"
	WriterPrincipal     = "principal"
)

// WriterEdge is one writer (or, for ACLs, reader) of a topic with its evidence.
type WriterEdge struct {
	Topic string
	// Write: writes, or is allowed to write; else is allowed to read (ACLs only).
	Write bool
	// Kind is WriterTransactional, WriterIdempotent or WriterPrincipal; Name the transactional
	// id, "producer id N" or the principal.
	Kind, Name string
	// ProducerIDs are the producer ids seen on the topic, sorted.
	ProducerIDs []int64
	// State is the transactional id's state (Ongoing, CompleteCommit, …).
	State string
	// Partitions are the partitions with evidence, sorted: in the open transaction or with the
	// producer's state. Nil for ACLs, which are about the whole topic.
	Partitions []int32
	// InTransaction are the partitions where the producer has a transaction open.
	InTransaction []int32
	// LastWriteMs is the latest last-batch timestamp of the producer on the topic; 0 when unknown.
	LastWriteMs int64
	// Patterns are the ACL patterns that allow it ("LITERAL orders", "PREFIXED ord").
	Patterns []string
	// Evidence lists what shows the edge, sorted.
	Evidence []string
}

// Observed: the edge rests on what the brokers saw (transaction, producer state), not on a
// permission alone.
func (e WriterEdge) Observed() bool {
	return slices.Contains(e.Evidence, EvidenceTransaction) || slices.Contains(e.Evidence, EvidenceProducerState)
}

// TopicWriters is what the brokers say of a topic's writers.
type TopicWriters struct {
	// Writers are the producers, then the principals allowed to write, then those allowed to
	// read; each group sorted by name.
	Writers []WriterEdge
	// ActiveProducers is the number of distinct producer ids with state on the topic, and
	// LastWriteMs the latest of their last-batch timestamps (0 when none).
	ActiveProducers int
	LastWriteMs     int64
}

// Unavailable says, per section, why the snapshot has no writer evidence of that kind: the
// section's own reason, or that the snapshot predates it. Empty when all three were read.
func Unavailable(snap *snapshot.Snapshot) []string {
	var out []string
	note := func(what string, recorded, available bool, reason string) {
		switch {
		case !recorded:
			out = append(out, what+": not recorded in this snapshot")
		case !available:
			out = append(out, what+": "+cmp.Or(reason, "not available"))
		}
	}
	if t := snap.Transactions; t != nil {
		note("transactions", true, t.Available, t.Reason)
	} else {
		note("transactions", false, false, "")
	}
	if p := snap.Producers; p != nil {
		note("producer state", true, p.Available, p.Reason)
	} else {
		note("producer state", false, false, "")
	}
	if a := snap.ACLs; a != nil {
		note("ACLs", true, a.Available, a.Reason)
	} else {
		note("ACLs", false, false, "")
	}
	return out
}

// Writers returns, by topic, the writers the snapshot's transactions, producer state and ACLs
// show. Topics with none are absent.
func Writers(snap *snapshot.Snapshot) map[string]*TopicWriters {
	out := map[string]*TopicWriters{}
	topicOf := func(name string) *TopicWriters {
		if out[name] == nil {
			out[name] = &TopicWriters{}
		}
		return out[name]
	}
	var txns []snapshot.Transaction
	if snap.Transactions != nil {
		txns = snap.Transactions.Entries
	}
	byProducer := map[int64]*snapshot.Transaction{}
	for i := range txns {
		if txns[i].Error == "" {
			byProducer[txns[i].ProducerID] = &txns[i]
		}
	}

	// Producers: one edge per topic and transactional id, or producer id without one.
	type key struct{ topic, name string }
	edges := map[key]*WriterEdge{}
	edge := func(topic, kind, name string) *WriterEdge {
		k := key{topic, name}
		if edges[k] == nil {
			edges[k] = &WriterEdge{Topic: topic, Write: true, Kind: kind, Name: name}
		}
		return edges[k]
	}
	for _, tx := range txns {
		for _, tp := range tx.Partitions {
			e := edge(tp.Topic, WriterTransactional, tx.TransactionalID)
			e.State = tx.State
			e.Partitions = append(e.Partitions, tp.Partitions...)
			e.ProducerIDs = append(e.ProducerIDs, tx.ProducerID)
			e.Evidence = append(e.Evidence, EvidenceTransaction)
		}
	}
	if snap.Producers != nil {
		for _, tp := range snap.Producers.Topics {
			tw := topicOf(tp.Topic)
			ids := map[int64]bool{}
			for _, pp := range tp.Partitions {
				for _, ap := range pp.Producers {
					ids[ap.ProducerID] = true
					tw.LastWriteMs = max(tw.LastWriteMs, ap.LastTimestampMs)
					var e *WriterEdge
					if tx := byProducer[ap.ProducerID]; tx != nil {
						e = edge(tp.Topic, WriterTransactional, tx.TransactionalID)
						e.State = tx.State
						e.Evidence = append(e.Evidence, EvidenceTransaction)
					} else {
						e = edge(tp.Topic, WriterIdempotent, "producer id "+strconv.FormatInt(ap.ProducerID, 10))
					}
					e.Evidence = append(e.Evidence, EvidenceProducerState)
					e.ProducerIDs = append(e.ProducerIDs, ap.ProducerID)
					e.Partitions = append(e.Partitions, pp.Partition)
					if ap.TxnStartOffset != nil {
						e.InTransaction = append(e.InTransaction, pp.Partition)
					}
					e.LastWriteMs = max(e.LastWriteMs, ap.LastTimestampMs)
				}
			}
			tw.ActiveProducers = len(ids)
		}
	}
	for _, e := range edges {
		slices.Sort(e.Partitions)
		e.Partitions = slices.Compact(e.Partitions)
		slices.Sort(e.InTransaction)
		e.InTransaction = slices.Compact(e.InTransaction)
		slices.Sort(e.ProducerIDs)
		e.ProducerIDs = slices.Compact(e.ProducerIDs)
		slices.Sort(e.Evidence)
		e.Evidence = slices.Compact(e.Evidence)
		tw := topicOf(e.Topic)
		tw.Writers = append(tw.Writers, *e)
	}

	if snap.ACLs != nil && snap.ACLs.Available {
		idx := indexACLs(snap.ACLs.Entries)
		for _, t := range snap.Topics {
			for _, e := range aclEdges(t.Name, idx.candidates(t.Name)) {
				tw := topicOf(t.Name)
				tw.Writers = append(tw.Writers, e)
			}
		}
	}
	for _, tw := range out {
		slices.SortFunc(tw.Writers, compareWriters)
	}
	return out
}

func compareWriters(a, b WriterEdge) int {
	rank := func(e WriterEdge) int {
		switch {
		case e.Kind != WriterPrincipal:
			return 0
		case e.Write:
			return 1
		}
		return 2
	}
	return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Name, b.Name))
}

// topicACLs indexes a cluster's topic ACLs by the topics they can match: resolving each topic
// against every entry was topics × ACLs (10,000 × 10,000 at scale).
type topicACLs struct {
	literal  map[string][]snapshot.ACL // LITERAL, by resource name ("*" included)
	prefixed []snapshot.ACL
}

func indexACLs(acls []snapshot.ACL) topicACLs {
	idx := topicACLs{literal: map[string][]snapshot.ACL{}}
	for _, a := range acls {
		switch {
		case a.ResourceType != "TOPIC":
		case a.PatternType == "LITERAL":
			idx.literal[a.ResourceName] = append(idx.literal[a.ResourceName], a)
		case a.PatternType == "PREFIXED":
			idx.prefixed = append(idx.prefixed, a)
		}
	}
	return idx
}

// candidates are the entries that may match topic; aclEdges still checks each.
func (idx topicACLs) candidates(topic string) []snapshot.ACL {
	out := slices.Concat(idx.literal[topic], idx.literal["*"])
	if topic == "*" {
		out = idx.literal["*"]
	}
	for _, a := range idx.prefixed {
		if strings.HasPrefix(topic, a.ResourceName) {
			out = append(out, a)
		}
	}
	return out
}

// aclEdges resolves the ACLs for one topic: a principal is allowed to write (read) when an ALLOW
// entry for WRITE (READ) or ALL matches the topic (LITERAL: the name or *, PREFIXED: a prefix of
// it) and no DENY entry for that principal and operation matches it from any host (*). A DENY
// limited to some hosts leaves the principal allowed from the others, so it stays listed.
func aclEdges(topic string, acls []snapshot.ACL) []WriterEdge {
	matches := func(a snapshot.ACL) bool {
		if a.ResourceType != "TOPIC" {
			return false
		}
		switch a.PatternType {
		case "LITERAL":
			return a.ResourceName == topic || a.ResourceName == "*"
		case "PREFIXED":
			return strings.HasPrefix(topic, a.ResourceName)
		}
		return false
	}
	covers := func(a snapshot.ACL, op string) bool { return a.Operation == op || a.Operation == "ALL" }
	type key struct {
		principal string
		write     bool
	}
	allowed := map[key][]string{}
	denied := map[key]bool{}
	for _, a := range acls {
		if !matches(a) {
			continue
		}
		for _, write := range []bool{true, false} {
			op := "READ"
			if write {
				op = "WRITE"
			}
			if !covers(a, op) {
				continue
			}
			k := key{a.Principal, write}
			switch a.Permission {
			case "ALLOW":
				allowed[k] = append(allowed[k], a.PatternType+" "+a.ResourceName)
			case "DENY":
				if a.Host == "*" {
					denied[k] = true
				}
			}
		}
	}
	var out []WriterEdge
	for _, k := range slices.SortedFunc(maps.Keys(allowed), func(a, b key) int { return cmp.Compare(a.principal, b.principal) }) {
		if denied[k] || denied[key{"User:*", k.write}] {
			continue
		}
		p := allowed[k]
		slices.Sort(p)
		out = append(out, WriterEdge{Topic: topic, Write: k.write, Kind: WriterPrincipal, Name: k.principal,
			Patterns: slices.Compact(p), Evidence: []string{EvidenceACL}})
	}
	return out
}

// LastWrite is LastWriteMs as a time; the zero time when unknown.
func (e WriterEdge) LastWrite() time.Time { return msTime(e.LastWriteMs) }

// LastWrite is the topic's LastWriteMs as a time; the zero time when unknown.
func (w *TopicWriters) LastWrite() time.Time { return msTime(w.LastWriteMs) }

func msTime(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// Access says what the edge shows in words: "writes", "allowed to write", "allowed to read".
func (e WriterEdge) Access() string {
	switch {
	case !e.Write:
		return "allowed to read"
	case e.Observed():
		return "writes"
	}
	return "allowed to write"
}

// EvidenceText says the edge's evidence in words, with the ACL patterns that allow it.
func (e WriterEdge) EvidenceText() string {
	words := make([]string, len(e.Evidence))
	for i, ev := range e.Evidence {
		words[i] = Describe(ev)
	}
	s := strings.Join(words, "; ")
	if len(e.Patterns) > 0 {
		s += " (" + strings.Join(e.Patterns, ", ") + ")"
	}
	return s
}
