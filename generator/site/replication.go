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
// cluster called orders. Better still, MirrorMaker 2 run as connectors on a Connect cluster kdocs
// reads says what it does: its flows (lineage.MirrorFlows) come with the connectors, their
// settings and the remote topics present, and a pair of clusters they cover is not guessed at.
// A flow seen only in topic names is marked as guessed. Flows declared in site.yaml
// (replication:) join the detected ones; a declared flow nothing in the clusters confirms is
// shown as declared only.

import (
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/lineage"
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
	Diagram diagram.Diagram
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
	// Connectors are the MirrorMaker 2 connectors running the flow, discovered from Connect.
	Connectors []MirrorConnector
	// Guessed: detected only from topic names (no MirrorMaker connector kdocs reads runs it).
	Guessed bool
	// OffsetGroups are the groups on the target with offsets on the remote topics (a checkpoint
	// connector's translated offsets when it syncs them).
	OffsetGroups []Link
}

// MirrorConnector is a MirrorMaker 2 connector running a flow, and what its config says.
type MirrorConnector struct {
	Connector Link
	// Connect is the Connect cluster; Cluster the Kafka cluster whose snapshot holds it.
	Connect, Cluster string
	Role, State      string
	// Topics, Exclude and Policy are the source connector's patterns and replication policy;
	// Groups the checkpoint connector's; SyncGroupOffsets whether it writes the target's offsets.
	Topics, Exclude, Policy, Groups string
	SyncGroupOffsets                bool
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
	from, to   string
	topics     []string // on to
	evidence   []string
	declared   *DeclaredReplication
	connectors []MirrorConnector
	byName     bool // topics found by their names only
	groups     []Link
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
	clusterOf := func(name string) *Cluster {
		for _, c := range clusters {
			if c.Name == name {
				return c
			}
		}
		return nil
	}
	// Flows MirrorMaker 2 connectors run: discovered, with their remote topics.
	for _, s := range snaps {
		for _, mf := range lineage.MirrorFlows(s) {
			if mf.SourceAlias == "" {
				continue
			}
			aliases[mf.SourceAlias] = true
			f := flow(mf.SourceAlias, s.Cluster.Name)
			for _, r := range mf.Remote {
				if !slices.Contains(f.topics, r.Name) {
					f.topics = append(f.topics, r.Name)
				}
			}
			for _, t := range []string{mf.Checkpoints, mf.Heartbeats} {
				if e := t + " on " + s.Cluster.Name; t != "" && !slices.Contains(f.evidence, e) {
					f.evidence = append(f.evidence, e)
				}
			}
			c := clusterOf(s.Cluster.Name)
			for _, g := range mf.OffsetGroups {
				l := Link{Title: g}
				if c != nil {
					l.Path = c.groupPaths[g]
				}
				f.groups = append(f.groups, l)
			}
			for _, k := range mf.Connectors {
				l := Link{Title: k.Name}
				if c != nil {
					l.Path = c.connectorPaths[[2]string{mf.Connect, k.Name}]
				}
				mc := MirrorConnector{Connector: l, Connect: mf.Connect, Cluster: s.Cluster.Name, Role: k.Role, State: k.State}
				switch k.Role {
				case snapshot.MirrorSource:
					mc.Topics, mc.Exclude, mc.Policy = mf.Topics, mf.TopicsExclude, shortClass(mf.Policy)
				case snapshot.MirrorCheckpoint:
					mc.Groups, mc.SyncGroupOffsets = mf.Groups, mf.SyncGroupOffsets
				}
				f.connectors = append(f.connectors, mc)
			}
		}
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
				if e := t.Name + " on " + here; !slices.Contains(f.evidence, e) {
					f.evidence = append(f.evidence, e)
				}
				continue
			}
			if source := remoteSource(t.Name, here, aliases); source != "" {
				f := flow(source, here)
				if len(f.connectors) == 0 && !slices.Contains(f.topics, t.Name) {
					// No connector says so: a guess from the name.
					f.topics = append(f.topics, t.Name)
					f.byName = true
				}
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
			Topics: topicLinks(f.to, f.topics), Evidence: f.evidence, Connectors: f.connectors, OffsetGroups: f.groups}
		seen := len(f.topics) > 0 || len(f.evidence) > 0 || len(f.connectors) > 0
		row.Guessed = f.byName && len(f.connectors) == 0
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
			row.Connectors = append(row.Connectors, back.connectors...)
			row.Guessed = row.Guessed || (back.byName && len(back.connectors) == 0)
			backSeen := len(back.topics) > 0 || len(back.evidence) > 0 || len(back.connectors) > 0
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
	d.Diagram.Link(func(n diagram.Node) string {
		if n.Kind == diagram.KindCluster {
			return link(n.Name).Path
		}
		return ""
	})
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

// linkReplicas tells each topic page of a discovered MirrorMaker 2 flow where its copies are:
// a remote topic the topic it copies, a source topic its copies, both when the cluster at the
// other end is documented too. Flows guessed from names stay on the replication page only: a
// topic page states what the connectors say.
func linkReplicas(s *Site, snaps []*snapshot.Snapshot) {
	byName := map[string]*Cluster{}
	for _, c := range s.Clusters {
		byName[c.Name] = c
	}
	topic := func(c *Cluster, name string) (Link, *TopicData) {
		l := Link{Title: name}
		if c == nil {
			return l, nil
		}
		l.Path = c.topicPaths[name]
		if p := s.Page(l.Path); p != nil && l.Path != "" {
			td, _ := p.Data.(*TopicData)
			return l, td
		}
		return l, nil
	}
	clusterLink := func(name string) Link {
		if c := byName[name]; c != nil {
			return Link{Title: name, Path: c.Path}
		}
		return Link{Title: name}
	}
	for _, snap := range snaps {
		target := byName[snap.Cluster.Name]
		if target == nil {
			continue
		}
		for _, f := range lineage.MirrorFlows(snap) {
			if f.SourceAlias == "" || f.SourceAlias == snap.Cluster.Name {
				continue
			}
			source := byName[f.SourceAlias]
			connector := Link{}
			for _, k := range f.Connectors {
				if k.Role == snapshot.MirrorSource {
					connector = Link{Title: k.Name, Path: target.connectorPaths[[2]string{f.Connect, k.Name}]}
				}
			}
			for _, r := range f.Remote {
				remote, remoteData := topic(target, r.Name)
				original, originalData := topic(source, r.Source)
				if remoteData != nil {
					remoteData.ReplicaOf = &TopicReplica{Cluster: clusterLink(f.SourceAlias), Topic: original, Connector: connector, Connect: f.Connect}
				}
				if originalData != nil {
					originalData.ReplicatedTo = append(originalData.ReplicatedTo,
						TopicReplica{Cluster: clusterLink(snap.Cluster.Name), Topic: remote, Connector: connector, Connect: f.Connect})
				}
			}
		}
	}
}
