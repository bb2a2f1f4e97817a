package diagram

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestClusterByRack(t *testing.T) {
	s := &snapshot.Snapshot{
		Cluster: snapshot.Cluster{Name: "prod", ControllerID: 2, Brokers: []snapshot.Broker{
			{ID: 1, Host: "k1", Port: 9092, Rack: "a"},
			{ID: 2, Host: "k2", Port: 9092, Rack: "b"},
			{ID: 3, Host: "k3", Port: 9092, Rack: "a"},
			{ID: 4, Host: "k4", Port: 9092},
		}},
		Registry: &snapshot.Registry{URL: "http://sr:8081"},
	}
	want := `flowchart LR
  subgraph n1["cluster prod"]
    subgraph n2["rack a"]
      n3["broker 1<br/>k1:9092"]
      n4["broker 3<br/>k3:9092"]
    end
    subgraph n5["rack b"]
      n6["broker 2 (controller)<br/>k2:9092"]
    end
    n7["broker 4<br/>k4:9092"]
  end
  n8[("Schema Registry<br/>http://sr:8081")]
  n8 -.- n1
  classDef controller stroke-width:3px,font-weight:bold
  class n6 controller`
	assert.Equal(t, want, drawn(Cluster(s)))
	// Same input, same text: ids come from order, not from maps.
	assert.Equal(t, drawn(Cluster(s)), drawn(Cluster(s)))
}

func TestClusterWithoutBrokersOrRegistry(t *testing.T) {
	got := Cluster(&snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "x", ControllerID: -1}})
	assert.Equal(t, "flowchart LR\n  subgraph n1[\"cluster x\"]\n    n2[\"no broker answered\"]\n  end", drawn(got))
}

func TestLabelEscapes(t *testing.T) {
	cases := map[string]string{
		`plain.name_1-2`:                 `"plain.name\_1-2"`,
		`**bold** _em_ a\b`:              `"\*\*bold\*\* \_em\_ a\\b"`,
		`a"]; click n1 call alert(1) %%`: `"a#quot;]; click n1 call alert(1) #37;#37;"`,
		`<script>alert(1)</script>|x`:    `"#lt;script#gt;alert(1)#lt;/script#gt;|x"`,
		"tick`md`":                       `"tick#96;md#96;"`,
		`#lt; already & escaped`:         `"#35;lt; already #amp; escaped"`,
		"new\nline\r\ttab":               `"new line  tab"`,
		`%%{init: {"theme":"dark"}}%%`:   `"#37;#37;#123;init: #123;#quot;theme#quot;:#quot;dark#quot;#125;#125;#37;#37;"`,
		`style x fill:#f00;`:             `"style x fill#58;#35;f00;"`,
		`ünïcødé ⚡ --> end`:              `"ünïcødé ⚡ --#gt; end"`,
	}
	for in, want := range cases {
		assert.Equal(t, want, Label(in), "label of %q", in)
	}
}

// A hostile name can never end its quoted label early, add a line, or bring a raw '<', '>',
// '`' or '%' into the text: whatever the name, each node line keeps the form id["…"].
func TestHostileNamesStayInsideLabels(t *testing.T) {
	hostile := []string{
		`"]; n1 --> n2; click n1 "javascript:alert(1)"`,
		"a\n  end\nsubgraph evil",
		`x"] --> y["<img src=x onerror=alert(1)>`,
		"%%{init: {'securityLevel':'loose'}}%%",
		"`**bold**`",
	}
	for _, h := range hostile {
		s := &snapshot.Snapshot{
			Cluster:  snapshot.Cluster{Name: h, ControllerID: 1, Brokers: []snapshot.Broker{{ID: 1, Host: h, Port: 1, Rack: h}}},
			Registry: &snapshot.Registry{URL: h},
		}
		text := Cluster(s).Text
		lines := strings.Split(text, "\n")
		assert.Len(t, lines, 12, "name %q changed the shape:\n%s", h, text)
		label := regexp.MustCompile(`"[^"]*"`)
		for _, l := range lines {
			rest := label.ReplaceAllString(l, "")
			assert.NotContains(t, rest, "<", l)
			assert.NotContains(t, l, "`", l)
			assert.NotContains(t, l, "%", l)
			assert.Regexp(t, `^\s*(acc(Title|Descr): [^"<>%{}`+"`"+`]*$|flowchart LR|subgraph n\d+\[|n\d+\[|n\d+ -\.- n\d+$|end$|classDef controller|class n\d+ controller$)`, l)
		}
	}
}

func TestTopicFlow(t *testing.T) {
	want := `flowchart LR
  n1[("orders.placed<br/>topic")]
  n2(["checkout-service<br/>producer · declared"])
  n2 -.-> n1
  n3(["billing<br/>consumer group · lag 1,234"])
  n1 --> n3
  n4(["audit<br/>Kafka Streams app · lag 0"])
  n1 --> n4
  classDef declared stroke-dasharray:4 3
  class n2 declared`
	assert.Equal(t, want, drawn(TopicFlow("orders.placed", Producers{Declared: []string{"checkout-service"}}, []Consumer{{Group: "billing", Lag: 1234}, {Group: "audit", Streams: true}})))

	// Nobody known on either side: dashed placeholders, never an empty picture.
	assert.Equal(t, `flowchart LR
  n1[("x<br/>topic")]
  n2["producers not documented"]
  n2 -.-> n1
  n3["no consumer group"]
  n1 -.-> n3
  classDef unknown stroke-dasharray:4 3,font-style:italic
  class n2,n3 unknown`, drawn(TopicFlow("x", Producers{}, nil)))

	// Writers the brokers show are drawn solid beside the declared ones, and take the place of
	// the "not documented" note.
	assert.Equal(t, `flowchart LR
  n1[("payments<br/>topic")]
  n2(["settler<br/>producer · declared"])
  n2 -.-> n1
  n3(["acme-payments-settler<br/>producer · observed"])
  n3 --> n1
  n4(["producer id 7<br/>producer · observed"])
  n4 --> n1
  n5["no consumer group"]
  n1 -.-> n5
  classDef declared stroke-dasharray:4 3
  class n2 declared
  classDef unknown stroke-dasharray:4 3,font-style:italic
  class n5 unknown`, drawn(TopicFlow("payments", Producers{Declared: []string{"settler"}, Observed: []string{"acme-payments-settler", "producer id 7"}}, nil)))
}

func TestTopicFlowHostileNames(t *testing.T) {
	for _, h := range []string{`"]; n1 --> n2; click n1 "javascript:alert(1)"`, "a\n  end\nsubgraph evil",
		`<img src=x onerror=alert(1)>`, "%%{init: {'securityLevel':'loose'}}%%", "`**bold**` ]] -->"} {
		text := TopicFlow(h, Producers{Declared: []string{h}}, []Consumer{{Group: h, Lag: 1}}).Text
		lines := strings.Split(text, "\n")
		assert.Len(t, lines, 10, "name %q changed the shape:\n%s", h, text)
		label := regexp.MustCompile(`"[^"]*"`)
		for _, l := range lines {
			rest := label.ReplaceAllString(l, "")
			assert.NotContains(t, rest, "<", l)
			assert.NotContains(t, l, "`", l)
			assert.NotContains(t, l, "%", l)
			assert.Regexp(t, `^(flowchart LR|  n\d+\[\(\)\]|  n\d+\(\[\]\)|  n\d+ -\.?-> n\d+|  classDef declared stroke-dasharray:4 3|  class n2 declared|  acc(Title|Descr): [^"<>%{}`+"`"+`]*)$`, rest)
		}
	}
}
