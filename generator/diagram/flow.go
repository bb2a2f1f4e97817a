package diagram

// The data-flow diagrams of a cluster's flows page: one domain's producers → topics → consumer
// groups, and the overview of which domains read which. An estate with hundreds of topics in a
// domain would make a hairball that helps nobody (and passes Mermaid's limits), so past a node
// or edge budget names are collapsed by prefix: topics to their first two name segments, then
// to the domain; groups and producers to the prefix before their first separator, then to one
// node. The reader gets a picture of the shape, and the page's tables keep every name.

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/internal/numfmt"
)

// Budget of one flow diagram: past maxFlowNodes boxes a picture stops being readable, and
// maxFlowEdges keeps a dense one far from Mermaid's MaxEdges.
const (
	maxFlowNodes = 60
	maxFlowEdges = 200
)

// FlowTopic is one topic of a domain with who writes it (from annotations) and which consumer
// groups read it.
type FlowTopic struct {
	Name      string
	Producers []string
	Groups    []string
	// Sources and Sinks are the Kafka Connect connectors writing and reading the topic,
	// discovered from Connect: drawn as connectors, sources beside the producers, sinks beside
	// the groups.
	Sources, Sinks []string
	// Apps are the Kafka Streams applications reading the topic (their groups, drawn as
	// applications rather than among Groups); Writer the one whose internal topic it is (a
	// changelog or repartition topic, which Kafka Streams itself writes: discovered);
	// Outputs the applications a topic annotation declares as its producers.
	Apps, Outputs []string
	Writer        string
}

// side is one column of a flow diagram: its names, and how coarsely they are drawn.
type side struct {
	noun   string                // "topic", "group", "producer"
	levels []func(string) string // name → bucket, finest first; the last puts all in one
	level  int
}

func (s *side) bucket(name string) string { return s.levels[s.level](name) }

// DomainFlow returns a Mermaid flowchart of one domain's data flow: producers → topics →
// consumer groups, collapsed by prefix when it would pass maxFlowNodes boxes or maxFlowEdges
// edges. Dashed boxes stand for several names and count them.
func DomainFlow(domain string, topics []FlowTopic) Diagram {
	all := func(string) string { return "\x00" } // one box for every name
	sides := []*side{
		{noun: "producer", levels: []func(string) string{ident, namePrefix, all}},
		{noun: "topic", levels: []func(string) string{ident, topicPrefix(2), topicPrefix(1)}},
		{noun: "group", levels: []func(string) string{ident, namePrefix, all}},
		{noun: "source connector", levels: []func(string) string{ident, namePrefix, all}},
		{noun: "sink connector", levels: []func(string) string{ident, namePrefix, all}},
		{noun: "Kafka Streams app", levels: []func(string) string{ident, namePrefix, all}},
	}
	if domain == "" {
		sides[1].levels[2] = all
	}
	var g *flowGraph
	for {
		g = newFlowGraph(topics, sides)
		if len(g.nodes) <= maxFlowNodes && len(g.edges) <= maxFlowEdges {
			break
		}
		// Coarsen the side with the most boxes that can still be coarsened.
		var widest *side
		for _, s := range sides {
			if s.level < len(s.levels)-1 && (widest == nil || g.count[s.noun] > g.count[widest.noun]) {
				widest = s
			}
		}
		if widest == nil {
			break // every side is one box: three boxes, two edges
		}
		widest.level++
	}

	var w writer
	w.line(0, "flowchart LR")
	ids := map[string]string{}
	var more []string
	for _, n := range g.nodes {
		id := w.id()
		ids[n.key] = id
		label := Lines(clip(n.name), n.noun)
		if n.names > 1 {
			count := numfmt.Thousands(int64(n.names)) + " " + n.noun + "s"
			label = Lines(clip(n.name), count)
			more = append(more, id)
			w.node(id, KindMore, n.name, count)
		} else {
			w.node(id, flowKinds[n.noun], n.name)
		}
		switch n.noun {
		case "producer":
			w.line(1, "%s([%s])", id, label)
		case "topic":
			w.line(1, "%s[(%s)]", id, label)
		case "source connector", "sink connector":
			w.line(1, "%s[/%s/]", id, label)
		case "Kafka Streams app":
			w.line(1, "%s{{%s}}", id, label)
		default:
			w.line(1, "%s(%s)", id, label)
		}
	}
	for _, e := range g.edges {
		arrow, relation := "-->", "writes to"
		switch {
		case strings.HasPrefix(e.from, "topic\x00"):
			relation = "is read by"
		case e.declared:
			arrow, relation = "-.->", "writes to (declared)"
		}
		w.line(1, "%s %s %s", ids[e.from], arrow, ids[e.to])
		w.edge(ids[e.from], ids[e.to], relation)
	}
	if len(topics) == 0 {
		w.line(1, "%s[%s]", w.node(w.id(), KindNote, "no topics"), Label("no topics"))
	}
	if len(more) > 0 {
		w.line(1, "classDef more stroke-dasharray:4 3")
		w.line(1, "class %s more", strings.Join(more, ","))
	}
	of := "domain " + domainName(domain)
	if domain == "" {
		of = "the topics without a domain"
	}
	return w.diagram("Data flow of "+of, "Producers, topics, consumer groups and applications of "+of+
		"; dashed arrows are declared by annotations, solid ones discovered.")
}

// flowKinds are the kinds of a flow diagram's columns.
var flowKinds = map[string]Kind{"producer": KindProducer, "topic": KindTopic, "group": KindGroup,
	"source connector": KindConnector, "sink connector": KindConnector, "Kafka Streams app": KindStreamsApp}

// flowNode is one box: a name or a bucket of names.
type flowNode struct {
	key   string // noun + bucket: unique across columns
	noun  string
	name  string // what the box says: the name, or the prefix with ".*"
	names int    // how many names it stands for
}

type flowGraph struct {
	nodes []flowNode
	edges []flowEdge
	count map[string]int // boxes per noun
}

// flowEdge joins two nodes' keys; declared: an annotation says so, nothing in Kafka shows it.
type flowEdge struct {
	from, to string
	declared bool
}

func newFlowGraph(topics []FlowTopic, sides []*side) *flowGraph {
	g := &flowGraph{count: map[string]int{}}
	index := map[string]int{}
	members := map[string]map[string]bool{}
	node := func(s *side, name string) string {
		b := s.bucket(name)
		key := s.noun + "\x00" + b
		if _, ok := index[key]; !ok {
			index[key] = len(g.nodes)
			members[key] = map[string]bool{}
			g.nodes = append(g.nodes, flowNode{key: key, noun: s.noun, name: b})
			g.count[s.noun]++
		}
		members[key][name] = true
		return key
	}
	// An edge both declared and discovered is drawn once, as discovered: the evidence wins.
	seen := map[[2]string]int{}
	edge := func(from, to string, declared bool) {
		k := [2]string{from, to}
		if i, ok := seen[k]; ok {
			g.edges[i].declared = g.edges[i].declared && declared
			return
		}
		seen[k] = len(g.edges)
		g.edges = append(g.edges, flowEdge{from, to, declared})
	}
	// Producers first, then topics, then groups: Mermaid lays out columns in order of first
	// appearance, and a stable order keeps the text the same for the same estate.
	for _, t := range topics {
		for _, c := range t.Sources {
			node(sides[3], c)
		}
		for _, p := range t.Producers {
			node(sides[0], p)
		}
		for _, a := range t.Outputs {
			node(sides[5], a)
		}
	}
	for _, t := range topics {
		node(sides[1], t.Name)
	}
	for _, t := range topics {
		topic := node(sides[1], t.Name)
		for _, p := range t.Producers {
			edge(node(sides[0], p), topic, true)
		}
		for _, a := range t.Outputs {
			edge(node(sides[5], a), topic, true)
		}
		if t.Writer != "" {
			edge(node(sides[5], t.Writer), topic, false)
		}
		for _, c := range t.Sources {
			edge(node(sides[3], c), topic, false)
		}
		for _, grp := range t.Groups {
			edge(topic, node(sides[2], grp), false)
		}
		for _, a := range t.Apps {
			edge(topic, node(sides[5], a), false)
		}
		for _, c := range t.Sinks {
			edge(topic, node(sides[4], c), false)
		}
	}
	for i := range g.nodes {
		n := &g.nodes[i]
		n.names = len(members[n.key])
		switch {
		case n.names == 1:
			for name := range members[n.key] {
				n.name = name // a bucket of one is drawn as the name itself
			}
		case strings.HasPrefix(n.name, "\x00"):
			n.name = "all " + n.noun + "s"
		default:
			n.name += "*"
		}
	}
	return g
}

func ident(name string) string { return name }

// namePrefix is a name up to and including its first separator ('.', '-' or '_'): the team or
// application prefix of a group id or a producer ("analytics-" of analytics-loader).
func namePrefix(name string) string {
	if i := strings.IndexAny(name, ".-_"); i > 0 {
		return name[:i+1]
	}
	return name
}

// topicPrefix keeps a topic name's first n dot-separated segments and the dot after them.
func topicPrefix(n int) func(string) string {
	return func(name string) string {
		parts := strings.SplitN(name, ".", n+1)
		if len(parts) <= n {
			return name
		}
		return strings.Join(parts[:n], ".") + "."
	}
}

// DomainRead says that consumer groups of the domain To read topics of the domain From.
type DomainRead struct {
	From, To string
	// Groups counts the groups of To that read From's topics.
	Groups int
}

// DomainOverview returns a Mermaid flowchart of domains and the reads between them: an edge
// from → to for each DomainRead, labelled with its number of groups. Past maxFlowNodes domains
// (or maxFlowEdges reads among them), the domains with the most reads are drawn and the rest
// become one box.
func DomainOverview(domains []string, reads []DomainRead) Diagram {
	// Every domain a read names gets a box, listed or not.
	listed := map[string]bool{}
	for _, d := range domains {
		listed[d] = true
	}
	domains = slices.Clone(domains)
	for _, r := range reads {
		for _, d := range []string{r.From, r.To} {
			if !listed[d] {
				listed[d] = true
				domains = append(domains, d)
			}
		}
	}
	degree := map[string]int{}
	for _, r := range reads {
		degree[r.From] += r.Groups
		degree[r.To] += r.Groups
	}
	order := slices.Clone(domains)
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(degree[b], degree[a]) })
	limit := min(len(order), maxFlowNodes)
	shown := func(limit int) map[string]bool {
		m := map[string]bool{}
		if limit < len(order) {
			limit-- // one box for the rest
		}
		for _, d := range order[:limit] {
			m[d] = true
		}
		return m
	}
	edges := func(in map[string]bool) int {
		seen := map[[2]string]bool{}
		for _, r := range reads {
			seen[[2]string{key(in, r.From), key(in, r.To)}] = true
		}
		return len(seen)
	}
	in := shown(limit)
	for limit > 1 && edges(in) > maxFlowEdges {
		limit = limit * 3 / 4
		in = shown(limit)
	}

	var w writer
	w.line(0, "flowchart LR")
	ids := map[string]string{}
	var rest int
	for _, d := range domains {
		if !in[d] {
			rest++
			continue
		}
		ids[d] = w.node(w.id(), KindDomain, domainName(d))
		w.line(1, "%s[%s]", ids[d], Label(domainName(d)))
	}
	if rest > 0 {
		ids["\x00rest"] = w.node(w.id(), KindMore, numfmt.Thousands(int64(rest))+" more domains")
		w.line(1, "%s[%s]", ids["\x00rest"], Label(numfmt.Thousands(int64(rest))+" more domains"))
		w.line(1, "classDef more stroke-dasharray:4 3")
		w.line(1, "class %s more", ids["\x00rest"])
	}
	type pair struct{ from, to string }
	groups := map[pair]int{}
	var pairs []pair
	for _, r := range reads {
		p := pair{key(in, r.From), key(in, r.To)}
		if p.from == p.to && p.from == "\x00rest" {
			continue // reads among hidden domains say nothing in one box
		}
		if _, ok := groups[p]; !ok {
			pairs = append(pairs, p)
		}
		groups[p] += r.Groups
	}
	for _, p := range pairs {
		n := groups[p]
		label := "1 group"
		if n != 1 {
			label = numfmt.Thousands(int64(n)) + " groups"
		}
		w.line(1, "%s -->|%s| %s", ids[p.from], Label(label), ids[p.to])
		w.edge(ids[p.from], ids[p.to], "is read by "+label+" of")
	}
	return w.diagram("Domains reading other domains' topics", "Each edge goes from the domain whose topics are read to the domain of the consumer groups that read them.")
}

// key is the box a domain is drawn in.
func key(in map[string]bool, d string) string {
	if in[d] {
		return d
	}
	return "\x00rest"
}

// domainName is how a domain is named in pictures and headings.
func domainName(d string) string {
	if d == "" {
		return "(no domain)"
	}
	return clip(d)
}
