package diagram

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDomainFlow(t *testing.T) {
	got := DomainFlow("orders", []FlowTopic{
		{Name: "orders.placed", Producers: []string{"checkout"}, Groups: []string{"billing", "audit"}},
		{Name: "orders.shipped", Groups: []string{"audit"}},
	})
	want := `flowchart LR
  n1(["checkout<br/>producer"])
  n2[("orders.placed<br/>topic")]
  n3[("orders.shipped<br/>topic")]
  n4("billing<br/>group")
  n5("audit<br/>group")
  n1 -.-> n2
  n2 --> n4
  n2 --> n5
  n3 --> n5`
	assert.Equal(t, want, drawn(got))
	assert.Equal(t, "flowchart LR\n  n1[\"no topics\"]", drawn(DomainFlow("x", nil)))
}

// A Kafka Streams application is one box: it reads its input and its repartition topic, writes
// its internal topics (discovered, solid) and the output its annotation declares (dashed); a
// declared producer that the cluster also shows writing is drawn once, solid.
func TestDomainFlowStreamsApp(t *testing.T) {
	got := DomainFlow("", []FlowTopic{
		{Name: "orders", Apps: []string{"stats"}, Groups: []string{"billing"}},
		{Name: "stats-by-size-repartition", Writer: "stats", Apps: []string{"stats"}},
		{Name: "stats-counts-changelog", Writer: "stats", Outputs: []string{"stats"}},
		{Name: "order-stats", Outputs: []string{"stats"}},
	})
	want := `flowchart LR
  n1{{"stats<br/>Kafka Streams app"}}
  n2[("orders<br/>topic")]
  n3[("stats-by-size-repartition<br/>topic")]
  n4[("stats-counts-changelog<br/>topic")]
  n5[("order-stats<br/>topic")]
  n6("billing<br/>group")
  n2 --> n6
  n2 --> n1
  n1 --> n3
  n3 --> n1
  n1 --> n4
  n1 -.-> n5`
	assert.Equal(t, want, drawn(got))
	var rows []string
	for _, r := range got.Rows() {
		rows = append(rows, r.From.Name+" "+r.Relation+" "+r.To.Name+" ("+string(r.To.Kind)+")")
	}
	assert.Contains(t, rows, "stats writes to (declared) order-stats (topic)")
	assert.Contains(t, rows, "orders is read by stats (Kafka Streams app)")
	assert.Contains(t, rows, "stats writes to stats-counts-changelog (topic)")
}

// 500 topics in one domain, each read by its own group: no hairball, but prefixes.
func TestDomainFlowCollapsesByPrefix(t *testing.T) {
	var topics []FlowTopic
	for i := range 500 {
		topics = append(topics, FlowTopic{Name: fmt.Sprintf("orders.region-%d.event-%d", i%5, i),
			Producers: []string{fmt.Sprintf("svc-%d", i%7)},
			Groups:    []string{fmt.Sprintf("team%d-reader-%d", i%4, i), "audit"}})
	}
	text := DomainFlow("orders", topics).Text
	require.True(t, Fits(text))
	nodes := regexp.MustCompile(`(?m)^  n\d+[\[(]`).FindAllString(text, -1)
	assert.LessOrEqual(t, len(nodes), maxFlowNodes)
	assert.Contains(t, text, `"orders.region-0.\*<br/>100 topics"`)
	assert.Contains(t, text, `"team0-\*<br/>125 groups"`)
	assert.Contains(t, text, `"audit<br/>group"`, "a bucket of one shows the name")
	assert.Contains(t, text, `"svc-0<br/>producer"`, "seven producers fit: drawn one by one")

	// Thousands of unrelated names in the "no domain" bucket still end in a few boxes.
	topics = nil
	for i := range 3000 {
		topics = append(topics, FlowTopic{Name: fmt.Sprintf("t%d", i), Producers: []string{fmt.Sprint("p", i)}, Groups: []string{fmt.Sprint("g", i)}})
	}
	text = DomainFlow("", topics).Text
	require.True(t, Fits(text))
	assert.Contains(t, text, `"all topics<br/>3,000 topics"`)
}

func TestDomainOverview(t *testing.T) {
	got := DomainOverview([]string{"orders", "payments", "analytics"}, []DomainRead{
		{From: "orders", To: "analytics", Groups: 1}, {From: "payments", To: "analytics", Groups: 2}})
	want := `flowchart LR
  n1["orders"]
  n2["payments"]
  n3["analytics"]
  n1 -->|"1 group"| n3
  n2 -->|"2 groups"| n3`
	assert.Equal(t, want, drawn(got))
	assert.Equal(t, `flowchart LR
  n1["orders"]
  n2["analytics"]
  n3["payments"]
  n1 -->|"1 group"| n2
  n3 -->|"2 groups"| n2`, drawn(DomainOverview([]string{"orders"}, []DomainRead{
		{From: "orders", To: "analytics", Groups: 1}, {From: "payments", To: "analytics", Groups: 2}})), "domains named only by reads are drawn too")

	// 1,000 domains each read by the next: the busiest drawn, the rest in one box.
	var domains []string
	var reads []DomainRead
	for i := range 1000 {
		domains = append(domains, fmt.Sprintf("d%d", i))
	}
	for i := range 1000 {
		for j := 1; j <= 3; j++ {
			reads = append(reads, DomainRead{From: domains[i], To: domains[(i+j*7)%1000], Groups: i%5 + 1})
		}
	}
	text := DomainOverview(domains, reads).Text
	require.True(t, Fits(text))
	_, edges := Measure(text)
	assert.LessOrEqual(t, edges, maxFlowEdges)
	assert.Contains(t, text, "more domains")
}

func TestFlowHostileNames(t *testing.T) {
	h := "x\"] --> y[\"<img src=x onerror=alert(1)>%%{init: {'securityLevel':'loose'}}%%\n  end"
	for _, text := range []string{
		DomainFlow(h, []FlowTopic{{Name: h + "." + h, Producers: []string{h}, Groups: []string{h}}}).Text,
		DomainOverview([]string{h, "b"}, []DomainRead{{From: h, To: "b", Groups: 1}}).Text,
		ReplicationFlows([]Replication{{From: h, To: "b", Seen: true, Label: h}, {From: "b", To: h, TwoWay: true}}).Text,
	} {
		label := regexp.MustCompile(`"[^"]*"`)
		for _, l := range strings.Split(text, "\n") {
			rest := label.ReplaceAllString(l, "")
			// The only '<' outside labels is a two-way arrow's.
			assert.NotContains(t, strings.NewReplacer("<-->", "", "<-.->", "").Replace(rest), "<", l)
			assert.NotContains(t, l, "%", l)
			assert.Regexp(t, `^(flowchart LR|  n\d+(\(\[\]\)|\[\(\)\]|\(\)|\[\])|  n\d+ (-->|<-->|-\.->|<-\.->)(\|\|)? n\d+|  classDef more .*|  class n[\d,n]+ more|  acc(Title|Descr): [^"<>%{}`+"`"+`]*)$`, rest)
		}
	}
}

func TestReplicationFlowsFit(t *testing.T) {
	var flows []Replication
	for i := range 2000 {
		flows = append(flows, Replication{From: fmt.Sprintf("c%d", i), To: fmt.Sprintf("c%d", (i+1)%2000), Seen: i%2 == 0, TwoWay: i%3 == 0, Label: strings.Repeat("x", 300)})
	}
	text := ReplicationFlows(flows).Text
	require.True(t, Fits(text))
	assert.Contains(t, text, "more flows: see the table")
	assert.Equal(t, "flowchart LR\n  n1[\"no replication\"]", drawn(ReplicationFlows(nil)))
}
