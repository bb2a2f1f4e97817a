package site

// The replication page (replication, at the site's root: flows span clusters). MirrorMaker 2
// leaves traces in the clusters it connects, named by its cluster aliases; with the default
// replication policy:
//
//	on the target:  <source>.<topic>                  each replicated ("remote") topic
//	                <source>.checkpoints.internal      consumer offsets translated for failover
//	                heartbeats, <source>.heartbeats    liveness
//	on the source:  mm2-offset-syncs.<target>.internal offset mapping
//
// Aliases are taken only from the cluster names of site.yaml and from these internal topics,
// never guessed from a topic's prefix: orders.placed is a domain's topic, not a copy from a
// cluster called orders. Flows declared in site.yaml (replication:) join the detected ones; a
// declared flow nothing in the clusters confirms is shown as declared only.

import (
	"strings"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/numfmt"
)

// TemplateReplication renders the replication page; ReplicationPath is where it is.
const (
	TemplateReplication = "replication"
	ReplicationPath     = "replication"
)

// Replication modes, as site.yaml names them.
const (
	ActivePassive = "active-passive"
	ActiveActive  = "active-active"
)

// ReplicationData is the replication page.
type ReplicationData struct {
	Diagram string
	Flows   []ReplicationFlow
}

// ReplicationFlow is replication between two clusters: From → To, or both ways when Mode is
// active-active. A cluster kdocs documents links to its page; an alias it does not know is
// named only.
type ReplicationFlow struct {
	From, To Link
	Mode     string
	// Declared: named in site.yaml; Detected: seen in the clusters' topics.
	Declared bool
	Detected bool
	// Declarations are site.yaml's entries for the pair, each with its direction and topics
	// expression.
	Declarations []Declaration
	// Topics are the remote topics on To copied from From; Back those on From copied from To
	// (active-active).
	Topics, Back []Link
	// Evidence names the MirrorMaker 2 topics that show the flow.
	Evidence []string
}

// Declaration is one site.yaml replication entry.
type Declaration struct {
	From, To string
	Mode     string
	Topics   string
}

// mm2Internal recognizes MirrorMaker 2's own topics and the alias in them.
func mm2Internal(topic string) (alias, kind string) {
	if a, ok := strings.CutPrefix(topic, "mm2-offset-syncs."); ok {
		if a, ok = strings.CutSuffix(a, ".internal"); ok && a != "" {
			return a, "offset-syncs"
		}
	}
	if a, ok := strings.CutSuffix(topic, ".checkpoints.internal"); ok && a != "" {
		return a, "checkpoints"
	}
	if a, ok := strings.CutSuffix(topic, ".heartbeats"); ok && a != "" {
		return a, "heartbeats"
	}
	return "", ""
}

// directed is one direction of a flow while it is gathered.
type directed struct {
	from, to string
	topics   []string // on to
	evidence []string
	declared *DeclaredReplication
}

// buildReplication detects and merges the flows; nil when there are none.
func buildReplication(snaps []*snapshot.Snapshot, clusters []*Cluster, declared []DeclaredReplication) *ReplicationData {
	aliases := map[string]bool{}
	for _, s := range snaps {
		aliases[s.Cluster.Name] = true
		for _, t := range s.Topics {
			if a, _ := mm2Internal(t.Name); a != "" {
				aliases[a] = true
			}
		}
	}
	var order []*directed
	flows := map[[2]string]*directed{}
	flow := func(from, to string) *directed {
		k := [2]string{from, to}
		if flows[k] == nil {
			flows[k] = &directed{from: from, to: to}
			order = append(order, flows[k])
		}
		return flows[k]
	}
	for _, s := range snaps {
		here := s.Cluster.Name
		for _, t := range s.Topics {
			alias, kind := mm2Internal(t.Name)
			switch {
			case kind == "offset-syncs" && alias != here:
				f := flow(here, alias)
				f.evidence = append(f.evidence, t.Name+" on "+here)
				continue
			case kind != "" && alias != here:
				f := flow(alias, here)
				f.evidence = append(f.evidence, t.Name+" on "+here)
				continue
			}
			if source := remoteSource(t.Name, here, aliases); source != "" {
				f := flow(source, here)
				f.topics = append(f.topics, t.Name)
			}
		}
	}
	for i := range declared {
		d := &declared[i]
		flow(d.From, d.To).declared = d
		if d.Mode == ActiveActive {
			flow(d.To, d.From)
		}
	}
	if len(order) == 0 {
		return nil
	}

	link := func(cluster string) Link {
		for _, c := range clusters {
			if c.Name == cluster {
				return Link{Title: cluster, Path: c.Path}
			}
		}
		return Link{Title: cluster}
	}
	topicLinks := func(cluster string, names []string) []Link {
		var c *Cluster
		for _, cl := range clusters {
			if cl.Name == cluster {
				c = cl
			}
		}
		var out []Link
		for _, n := range names {
			l := Link{Title: n}
			if c != nil {
				l.Path = c.topicPaths[n]
			}
			out = append(out, l)
		}
		return out
	}
	rank := func(cluster string) int {
		for i, s := range snaps {
			if s.Cluster.Name == cluster {
				return i
			}
		}
		return len(snaps)
	}
	d := &ReplicationData{}
	var pictures []diagram.Replication
	done := map[*directed]bool{}
	for _, f := range order {
		if done[f] {
			continue
		}
		done[f] = true
		back := flows[[2]string{f.to, f.from}]
		if back != nil {
			done[back] = true
		}
		row := ReplicationFlow{From: link(f.from), To: link(f.to), Mode: ActivePassive,
			Topics: topicLinks(f.to, f.topics), Evidence: f.evidence}
		seen := len(f.topics) > 0 || len(f.evidence) > 0
		var patterns []string
		for _, dir := range []*directed{f, back} {
			if dir != nil && dir.declared != nil {
				dd := dir.declared
				row.Declared = true
				row.Declarations = append(row.Declarations, Declaration{From: dd.From, To: dd.To, Mode: dd.Mode, Topics: dd.Topics})
				patterns = append(patterns, dd.Topics)
				if dd.Mode == ActiveActive {
					row.Mode = ActiveActive
				}
			}
		}
		if back != nil {
			row.Back = topicLinks(f.from, back.topics)
			row.Evidence = append(row.Evidence, back.evidence...)
			backSeen := len(back.topics) > 0 || len(back.evidence) > 0
			if seen && backSeen {
				row.Mode = ActiveActive
			}
			seen = seen || backSeen
		}
		row.Detected = seen
		from, to := f.from, f.to
		if row.Mode == ActiveActive && rank(to) < rank(from) {
			// Both ways: read from the cluster site.yaml names first, whichever MirrorMaker
			// topic was found first.
			from, to = to, from
			row.From, row.To, row.Topics, row.Back = row.To, row.From, row.Back, row.Topics
		}
		d.Flows = append(d.Flows, row)

		n := len(row.Topics) + len(row.Back)
		label := numfmt.Thousands(int64(n)) + " topics"
		if n == 1 {
			label = "1 topic"
		}
		if n == 0 {
			// Declared only, or seen only in the source's offset syncs: the remote topics are
			// on a cluster kdocs does not read.
			label = strings.Join(patterns, " · ")
		}
		pictures = append(pictures, diagram.Replication{From: from, To: to, TwoWay: row.Mode == ActiveActive, Seen: seen, Label: label})
	}
	d.Diagram = diagram.ReplicationFlows(pictures)
	return d
}

// remoteSource is the alias a topic was replicated from (the longest known alias, other than the
// cluster's own, that prefixes it with a '.'), or "".
func remoteSource(topic, here string, aliases map[string]bool) string {
	best := ""
	for a := range aliases {
		if a != here && len(a) > len(best) && strings.HasPrefix(topic, a+".") && len(topic) > len(a)+1 {
			best = a
		}
	}
	return best
}
