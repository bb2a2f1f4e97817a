package diagram

// A diagram's text alternative. A picture says nothing to a screen reader or to a reader who
// cannot tell its shapes apart, so every diagram here is also data: the graph it was drawn from
// (its nodes and edges, in the order they were drawn) with a title and a description. The
// Mermaid text carries the title and description as accTitle and accDescr, which Mermaid writes
// into the SVG's <title> and <desc> (and its aria-labelledby/aria-describedby); the page lists
// the graph as a table of links beside the picture (Rows).

import (
	"fmt"
	"strings"

	"github.com/kdocs/kdocs/internal/numfmt"
)

// Diagram is one picture: its Mermaid text and the graph it draws.
type Diagram struct {
	// Title and Description say in words what the picture shows: plain text, unescaped
	// (Text holds them escaped for Mermaid).
	Title, Description string
	Nodes              []Node
	Edges              []Edge
	// Text is the Mermaid source, accTitle and accDescr included; empty for no picture.
	Text string
	// Listed says that the page follows the picture with a table of its own that lists what
	// the picture shows (ListedBy), in place of Rows.
	Listed bool
}

// ownTable ends the description of a picture whose table is Rows.
const ownTable = "The table after the diagram lists every box and edge."

// ListedBy says that the table after the picture is one the page has anyway, which lists every
// what ("writer and reader") the picture shows: the caller has checked that it does. A
// topic page's writers and readers are the boxes and edges of its data flow, and a second
// table of them would repeat one on each of 100,000 pages.
func (d *Diagram) ListedBy(what string) {
	d.Description = strings.TrimSuffix(d.Description, ownTable) + "The table after the diagram lists every " + what + "."
	lines := strings.Split(d.Text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "  accDescr: ") {
			lines[i] = "  accDescr: " + accText(d.Description)
			break
		}
	}
	d.Text = strings.Join(lines, "\n")
	d.Listed = true
}

// Kind is what a node stands for. The page links a node of a kind it has pages for.
type Kind string

// The kinds of node the diagrams draw.
const (
	KindTopic Kind = "topic"
	KindGroup Kind = "consumer group"
	// KindStreamsApp is a Kafka Streams application, named by its application.id: its
	// consumer group's id, so it has the group's page.
	KindStreamsApp Kind = "Kafka Streams app"
	KindProducer   Kind = "producer"
	KindConnector  Kind = "connector"
	KindCluster    Kind = "cluster"
	KindRack       Kind = "rack"
	KindBroker     Kind = "broker"
	KindQuorum     Kind = "controller quorum"
	KindController Kind = "controller"
	KindRegistry   Kind = "schema registry"
	KindService    Kind = "service"
	KindDomain     Kind = "domain"
	// KindMore is a box that stands for several names ("12 more groups", "orders.*").
	KindMore Kind = "more"
	// KindNote is a box that says something rather than naming a thing ("no consumer group").
	KindNote Kind = "note"
)

// Node is one box of a picture.
type Node struct {
	// ID is the node's Mermaid id (n1, n2, …).
	ID   string
	Kind Kind
	// Name is what the box is called, in full (the picture clips long names); Detail the box's
	// other lines, joined with " · ".
	Name, Detail string
	// Scope is what the name is unique within: a connector's Kafka Connect cluster.
	Scope string
	// Path is the site page of what the node names, empty for none; set by Link.
	Path string
}

// Edge is one arrow (or containment: a broker "in" its rack) of a picture.
type Edge struct {
	// From and To index Nodes.
	From, To int
	// Relation says the edge in words, read from → to: "writes to", "is read by", "in".
	Relation string
}

// Row is one line of a diagram's table: an edge, or a node no edge touches (To nil).
type Row struct {
	From     Node
	Relation string
	To       *Node
}

// Link sets each node's Path to the page that page returns for it ("" for none).
func (d *Diagram) Link(page func(Node) string) {
	for i := range d.Nodes {
		d.Nodes[i].Path = page(d.Nodes[i])
	}
}

// Rows is the picture as a table: every edge in the order it was drawn, then every node that no
// edge touches, so the table holds everything the picture shows.
func (d Diagram) Rows() []Row {
	rows := make([]Row, 0, len(d.Edges))
	touched := make([]bool, len(d.Nodes))
	for _, e := range d.Edges {
		to := d.Nodes[e.To]
		rows = append(rows, Row{From: d.Nodes[e.From], Relation: e.Relation, To: &to})
		touched[e.From], touched[e.To] = true, true
	}
	for i, n := range d.Nodes {
		if !touched[i] {
			rows = append(rows, Row{From: n})
		}
	}
	return rows
}

// graph is the writer's record of what it draws.
type graph struct {
	nodes []Node
	edges []Edge
	index map[string]int // node id → its index in nodes
}

// node records a box drawn with id.
func (w *writer) node(id string, kind Kind, name string, detail ...string) string {
	if w.g.index == nil {
		w.g.index = map[string]int{}
	}
	w.g.index[id] = len(w.g.nodes)
	w.g.nodes = append(w.g.nodes, Node{ID: id, Kind: kind, Name: name, Detail: strings.Join(nonEmpty(detail), " · ")})
	return id
}

// edge records an edge between two recorded boxes.
func (w *writer) edge(from, to, relation string) {
	w.g.edges = append(w.g.edges, Edge{From: w.g.index[from], To: w.g.index[to], Relation: relation})
}

func nonEmpty(parts []string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// diagram finishes a picture: the header line, accTitle and accDescr (the title and a
// description counted from the graph, with what the caller adds), then the body, checked
// against Mermaid's limits.
func (w *writer) diagram(title, summary string) Diagram {
	d := Diagram{Title: title, Nodes: w.g.nodes, Edges: w.g.edges}
	d.Description = describe(d.Nodes, d.Edges, summary)
	body := w.text()
	header, rest, _ := strings.Cut(body, "\n")
	acc := "  accTitle: " + accText(d.Title) + "\n  accDescr: " + accText(d.Description)
	d.Text = header + "\n" + acc
	if rest != "" {
		d.Text += "\n" + rest
	}
	if g := guard(d.Text); g != d.Text {
		// Too big to draw: the one box that says so keeps the title and description.
		header, rest, _ := strings.Cut(g, "\n")
		d.Text = header + "\n" + acc + "\n" + rest
	}
	return d
}

// describe says how many boxes of each kind and how many edges a picture has, after summary.
func describe(nodes []Node, edges []Edge, summary string) string {
	var order []Kind
	count := map[Kind]int{}
	for _, n := range nodes {
		if n.Kind == KindNote || n.Kind == KindMore {
			continue
		}
		if count[n.Kind] == 0 {
			order = append(order, n.Kind)
		}
		count[n.Kind]++
	}
	var parts []string
	for _, k := range order {
		parts = append(parts, plural(count[k], string(k)))
	}
	var b strings.Builder
	if summary != "" {
		b.WriteString(summary)
		b.WriteString(" ")
	}
	fmt.Fprintf(&b, "%s and %s", plural(len(nodes), "box"), plural(len(edges), "edge"))
	if len(parts) > 0 {
		b.WriteString(": " + strings.Join(parts, ", "))
	}
	b.WriteString(". " + ownTable)
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	switch {
	case strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "s"):
		noun += "es"
	case strings.HasSuffix(noun, "y"):
		noun = noun[:len(noun)-1] + "ies"
	default:
		noun += "s"
	}
	return numfmt.Thousands(int64(n)) + " " + noun
}

// accText escapes text for accTitle and accDescr, which run to the end of their line and are
// written into the SVG as text (Mermaid decodes entity codes there as in labels, but reads no
// Markdown): names are clipped, characters Mermaid gives meaning to become entity codes, line
// breaks spaces.
func accText(text string) string {
	var b strings.Builder
	b.Grow(len(text) + 16)
	for _, r := range text {
		switch r {
		case '*', '_', '\\':
			b.WriteRune(r) // no Markdown in accessible text: written as they are
		default:
			// Each character on its own, as escape would write it alone: a colon
			// stays, the whole text decides on colons below.
			writeEscaped(&b, r, false)
		}
	}
	// escape decides on colons from the whole text: accTitle's own colon comes before any
	// "style" in it, so Mermaid's style…:…#…; pre-processor can only match a colon of the text.
	if strings.Contains(text, "style") || strings.Contains(text, "classDef") {
		return strings.ReplaceAll(b.String(), ":", "#58;")
	}
	return b.String()
}
