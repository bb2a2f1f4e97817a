package snapshot

import "strings"

// Narrow keeps, of the snapshot, the topics for which keep is true and what follows them, and
// says how many topics it kept. It is how `kdocs pdf --topics` makes a book of part of a cluster:
//
//   - a consumer group stays when it has a committed offset on a kept topic, a member assigned
//     or subscribed to one, or a Streams sub-topology reading or writing one; its offsets,
//     uncommitted partitions and assignments are cut to the kept topics and its total lag is
//     recomputed from what is left, so the group's page is the group as far as the book's topics
//     go;
//   - a registry subject stays when it is named for a kept topic (TopicName: <topic>-key and
//     <topic>-value, TopicRecordName: <topic>-<record>), when the sampled records of a kept
//     topic carry one of its schema ids, or when a kept subject's version references it;
//   - sampling and producer state stay for the kept topics; a transaction stays when its open
//     partitions include a kept topic's or it has none open; connectors stay, their topic lists
//     cut to the kept topics; ACLs, quotas, brokers and the cluster's other facts stay whole.
//
// Promotions stay for the kept subjects. The snapshot is changed in place.
func (s *Snapshot) Narrow(keep func(topic string) bool) int {
	kept := map[string]bool{}
	topics := s.Topics[:0]
	for _, t := range s.Topics {
		if keep(t.Name) {
			kept[t.Name] = true
			topics = append(topics, t)
		}
	}
	clear(s.Topics[len(topics):])
	s.Topics = topics
	in := func(name string) bool { return kept[name] }

	groups := s.Groups[:0]
	for _, g := range s.Groups {
		if g, ok := narrowGroup(g, in); ok {
			groups = append(groups, g)
		}
	}
	clear(s.Groups[len(groups):])
	s.Groups = groups

	schemaIDs := map[int]bool{}
	if s.Samples != nil {
		s.Samples.Topics = filter(s.Samples.Topics, func(t TopicSample) bool { return in(t.Topic) })
		for _, t := range s.Samples.Topics {
			for _, f := range []Framing{t.Key, t.Value} {
				for _, u := range f.Schemas {
					schemaIDs[u.ID] = true
				}
			}
		}
	}
	if s.Producers != nil {
		s.Producers.Topics = filter(s.Producers.Topics, func(t TopicProducers) bool { return in(t.Topic) })
	}
	if s.Transactions != nil {
		txs := s.Transactions.Entries[:0]
		for _, tx := range s.Transactions.Entries {
			open := len(tx.Partitions) > 0
			tx.Partitions = filter(tx.Partitions, func(p TopicPartitions) bool { return in(p.Topic) })
			if !open || len(tx.Partitions) > 0 {
				txs = append(txs, tx)
			}
		}
		if s.Transactions.Entries != nil {
			clear(s.Transactions.Entries[len(txs):])
			s.Transactions.Entries = txs
		}
	}
	for i := range s.Connect {
		for j := range s.Connect[i].Connectors {
			c := &s.Connect[i].Connectors[j]
			c.Topics = filter(c.Topics, in)
			c.SinkTopics = filter(c.SinkTopics, in)
		}
	}
	if s.Registry != nil {
		s.Registry.Subjects = narrowSubjects(s.Registry.Subjects, kept, schemaIDs)
		subjects := map[string]bool{}
		for _, sub := range s.Registry.Subjects {
			subjects[sub.Name] = true
		}
		s.Promotions = filter(s.Promotions, func(p Promotion) bool { return subjects[p.ToSubject] })
	}
	return len(s.Topics)
}

// narrowGroup cuts a group to the kept topics; false when nothing of it concerns them.
func narrowGroup(g Group, in func(string) bool) (Group, bool) {
	touches := false
	for _, o := range g.Offsets {
		touches = touches || in(o.Topic)
	}
	for _, m := range g.Members {
		for _, a := range append(append([]TopicPartitions(nil), m.Assignments...), m.TargetAssignments...) {
			touches = touches || in(a.Topic)
		}
		for _, t := range m.SubscribedTopics {
			touches = touches || in(t)
		}
	}
	if g.Streams != nil {
		for _, st := range g.Streams.Subtopologies {
			for _, list := range [][]string{st.SourceTopics, st.RepartitionSinks, st.Changelogs, st.RepartitionSources} {
				for _, t := range list {
					touches = touches || in(t)
				}
			}
		}
	}
	if !touches {
		return g, false
	}
	g.Offsets = filter(g.Offsets, func(o GroupOffset) bool { return in(o.Topic) })
	g.TotalLag = 0
	for _, o := range g.Offsets {
		g.TotalLag += o.Lag
	}
	inPart := func(p TopicPartitions) bool { return in(p.Topic) }
	g.Uncommitted = filter(g.Uncommitted, inPart)
	members := make([]Member, len(g.Members))
	for i, m := range g.Members {
		m.Assignments = filter(m.Assignments, inPart)
		m.TargetAssignments = filter(m.TargetAssignments, inPart)
		members[i] = m
	}
	if g.Members != nil {
		g.Members = members
	}
	return g, true
}

// narrowSubjects keeps the subjects named for a kept topic or carrying a sampled schema id, and
// those their versions reference, transitively.
func narrowSubjects(subjects []Subject, topics map[string]bool, ids map[int]bool) []Subject {
	byName := map[string]int{}
	for i, sub := range subjects {
		byName[sub.Name] = i
	}
	keep := make([]bool, len(subjects))
	var queue []int
	for i, sub := range subjects {
		if SubjectOfTopic(sub.Name, topics) || anyVersion(sub, func(v SchemaVersion) bool { return ids[v.ID] }) {
			keep[i] = true
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, v := range subjects[i].Versions {
			for _, r := range v.References {
				if j, ok := byName[r.Subject]; ok && !keep[j] {
					keep[j] = true
					queue = append(queue, j)
				}
			}
		}
	}
	out := subjects[:0]
	for i, sub := range subjects {
		if keep[i] {
			out = append(out, sub)
		}
	}
	clear(subjects[len(out):])
	return out
}

// SubjectOfTopic reports whether a subject's name is <topic>-<suffix> for a topic of topics: the
// TopicName strategy's -key and -value and the TopicRecordName strategy's -<record name>. Topic
// names may hold '-' themselves, so every '-' is tried.
func SubjectOfTopic(name string, topics map[string]bool) bool {
	for i := strings.IndexByte(name, '-'); i >= 0; {
		if topics[name[:i]] {
			return true
		}
		j := strings.IndexByte(name[i+1:], '-')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func anyVersion(sub Subject, f func(SchemaVersion) bool) bool {
	for _, v := range sub.Versions {
		if f(v) {
			return true
		}
	}
	return false
}

// filter keeps, in place, the elements for which keep is true.
func filter[T any](s []T, keep func(T) bool) []T {
	if s == nil {
		return nil
	}
	out := s[:0]
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	clear(s[len(out):])
	return out
}
