package diagram

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// drawn is a diagram's Mermaid text without its accTitle and accDescr lines: what the picture
// draws.
func drawn(d Diagram) string {
	var keep []string
	for _, l := range strings.Split(d.Text, "\n") {
		if !strings.HasPrefix(l, "  accTitle: ") && !strings.HasPrefix(l, "  accDescr: ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func TestTextAlternative(t *testing.T) {
	d := TopicFlow("orders.placed", Producers{Declared: []string{"checkout-service"}}, []Consumer{{Group: "billing", Lag: 1234}, {Group: "audit"}})
	assert.Equal(t, `flowchart LR
  accTitle: Data flow of topic orders.placed
  accDescr: Who writes topic orders.placed and which consumer groups read it. 4 boxes and 3 edges: 1 topic, 1 producer, 2 consumer groups. The table after the diagram lists every box and edge.
  n1[("orders.placed<br/>topic")]`, strings.Join(strings.Split(d.Text, "\n")[:4], "\n"))
	assert.Equal(t, "Data flow of topic orders.placed", d.Title)

	// The table holds what the picture draws, from the same graph.
	var rows []string
	for _, r := range d.Rows() {
		row := string(r.From.Kind) + " " + r.From.Name + " | " + r.Relation
		if r.To != nil {
			row += " | " + string(r.To.Kind) + " " + r.To.Name + " (" + r.To.Detail + ")"
		}
		rows = append(rows, row)
	}
	assert.Equal(t, []string{
		"producer checkout-service | writes to (declared) | topic orders.placed ()",
		"topic orders.placed | is read by | consumer group billing (lag 1,234)",
		"topic orders.placed | is read by | consumer group audit (lag 0)",
	}, rows)

	// The page links what it has pages for.
	d.Link(func(n Node) string {
		if n.Kind == KindTopic {
			return "topics/" + n.Name
		}
		return ""
	})
	assert.Equal(t, "topics/orders.placed", d.Rows()[0].To.Path)
	assert.Empty(t, d.Rows()[0].From.Path)
}

// Every kind of diagram has its title and description, and a table row for each edge and
// each box without one.
func TestEveryDiagramHasATextAlternative(t *testing.T) {
	a := Architecture{Cluster: "prod", ControllerID: -1,
		Brokers:     []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092, Rack: "a"}, {ID: 2, Host: "k2", Port: 9092}},
		Controllers: []Controller{{ID: 1, Host: "k1", Port: 9093, Broker: true}},
		Registry:    "http://sr:8081", Connect: []Service{{Name: "cdc", URL: "http://connect:8083"}}}
	k := ConnectorNode{Name: "jdbc", Connect: "cdc", Role: "source connector"}
	for name, d := range map[string]Diagram{
		"architecture": ClusterArchitecture(a),
		"topic flow":   TopicFlow("t", Producers{}, nil),
		"lineage":      TopicLineage("t", []ConnectorNode{k}, Producers{Declared: []string{"p"}}, nil, []Consumer{{Group: "g", Lag: 1}}),
		"connector":    ConnectorFlow(k, nil, []string{"t"}),
		"domain":       DomainFlow("orders", []FlowTopic{{Name: "orders.a", Producers: []string{"p"}, Groups: []string{"g"}}}),
		"overview":     DomainOverview([]string{"a", "b", "c"}, []DomainRead{{From: "a", To: "b", Groups: 2}}),
		"replication":  ReplicationFlows([]Replication{{From: "a", To: "b", Seen: true, TwoWay: true, Label: "3 topics"}}),
	} {
		lines := strings.Split(d.Text, "\n")
		require.GreaterOrEqual(t, len(lines), 3, name)
		assert.Equal(t, "  accTitle: "+d.Title, lines[1], name)
		assert.Equal(t, "  accDescr: "+d.Description, lines[2], name)
		assert.NotEmpty(t, d.Nodes, name)
		// Every box drawn is a node of the graph, and every edge drawn an edge.
		boxes := regexp.MustCompile(`(?m)^\s*(?:subgraph )?(n\d+)[\[({]`).FindAllStringSubmatch(d.Text, -1)
		assert.Len(t, d.Nodes, len(boxes), "%s:\n%s", name, d.Text)
		for i, b := range boxes {
			assert.Equal(t, b[1], d.Nodes[i].ID, name)
		}
		_, edges := Measure(d.Text)
		contained := 0
		for _, e := range d.Edges {
			if e.Relation == "in" {
				contained++
			}
		}
		assert.Equal(t, edges, len(d.Edges)-contained, name)
		assert.GreaterOrEqual(t, len(d.Rows()), len(d.Edges), name)
	}
	assert.Len(t, DomainOverview([]string{"a", "b", "c"}, []DomainRead{{From: "a", To: "b", Groups: 2}}).Rows(), 2,
		"one edge, and the box c no edge touches")
}

// A hostile name reaches accTitle and accDescr as text: one line each, no quote, no raw '<',
// '%', '`' or '{', and entity codes that Mermaid decodes back into the name's characters.
func TestAccessibleTextEscapes(t *testing.T) {
	cases := map[string]string{
		"plain **bold** _em_ a\\b":             "plain **bold** _em_ a\\b",
		`<img src=x onerror=alert(1)>`:         "#lt;img src=x onerror=alert(1)#gt;",
		"%%{init: {'theme':'dark'}}%%":         "#37;#37;#123;init: #123;'theme':'dark'#125;#125;#37;#37;",
		"a\nb\r\nc\u2028d":                     "a b  c d",
		`tick` + "`" + `md` + "`" + ` "q" #x;`: "tick#96;md#96; #quot;q#quot; #35;x;",
		"style x fill:#f00;":                   "style x fill#58;#35;f00;",
	}
	for in, want := range cases {
		assert.Equal(t, want, accText(in), "%q", in)
	}
	for _, h := range []string{"x\n  end\nsubgraph evil", "a\"] --> b", "%%{init: {'securityLevel':'loose'}}%%", "accDescr {\n evil }"} {
		d := TopicFlow(h, Producers{Declared: []string{h}}, []Consumer{{Group: h, Lag: 1}})
		lines := strings.Split(d.Text, "\n")
		for _, l := range lines[1:3] {
			assert.Regexp(t, `^  acc(Title|Descr): [^"<>%`+"`"+`{}\n]*$`, l)
		}
		assert.Equal(t, h, d.Nodes[0].Name, "the table keeps the whole name, unescaped: the page escapes it")
	}
}

func TestTooLargeKeepsTheTitle(t *testing.T) {
	var w writer
	w.line(0, "flowchart LR")
	for range MaxEdges + 1 {
		w.line(1, "n1 --> n2")
	}
	d := w.diagram("Big", "")
	assert.Equal(t, "flowchart LR\n  accTitle: Big\n  accDescr: 0 boxes and 0 edges. The table after the diagram lists every box and edge.\n  n1[\"diagram too large to draw; the tables below list everything\"]", d.Text)
}
