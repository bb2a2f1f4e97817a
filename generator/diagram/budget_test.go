package diagram

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestMeasureAndFits(t *testing.T) {
	chars, edges := Measure("flowchart LR\n  n1[\"a --> b\"]\n  n1 --> n2\n  n2 -.- n3\n  n3 <--> n4\n  n4 -.-> n5")
	assert.Equal(t, 4, edges, "an arrow inside a label is no edge")
	assert.Equal(t, 78, chars)
	_, e := Measure("  n1 ==> n2\n  n1 --- n2")
	assert.Equal(t, 2, e)
	c, _ := Measure("😀é")
	assert.Equal(t, 3, c, "counted in UTF-16 code units, as JavaScript does")

	assert.True(t, Fits(strings.Repeat("x", MaxTextSize)))
	assert.False(t, Fits(strings.Repeat("x", MaxTextSize+1)))
	assert.True(t, Fits("flowchart LR\n"+strings.Repeat("  n1 --> n2\n", MaxEdges)))
	assert.False(t, Fits("flowchart LR\n"+strings.Repeat("  n1 --> n2\n", MaxEdges+1)))
	assert.True(t, Budget{Chars: 10, Edges: 0}.Fits("0123456789"))
	assert.False(t, Budget{Chars: 10, Edges: 0}.Fits("n1 --> n2"))
}

func TestClip(t *testing.T) {
	assert.Equal(t, "short", clip("short"))
	long := strings.Repeat("é", 200)
	assert.Equal(t, strings.Repeat("é", maxName)+"…", clip(long))
}

// A topic read by 2,000 groups draws the 19 with the most lag and counts the rest.
func TestTopicFlowCollapsesGroups(t *testing.T) {
	var consumers []Consumer
	var producers []string
	for i := range 2000 {
		consumers = append(consumers, Consumer{Group: fmt.Sprintf("group-%04d-%s", i, strings.Repeat("x", 60)), Lag: int64(i)})
		producers = append(producers, fmt.Sprintf("app-%d", i))
	}
	text := TopicFlow(strings.Repeat("t", 10_000), Producers{Declared: producers[:1000], Observed: producers[1000:]}, consumers).Text
	require.True(t, Fits(text), "does not fit: %d", len(text))
	assert.Contains(t, text, `"1,981 more groups<br/>lag `)
	assert.Contains(t, text, `"1,981 more producers"`)
	assert.Contains(t, text, "group-1999", "the most lagging group is drawn")
	assert.NotContains(t, text, "group-0000", "the least lagging is counted")
	_, edges := Measure(text)
	assert.Equal(t, 2*maxPerSide, edges)
	// At the limit nothing collapses.
	text = TopicFlow("t", Producers{Declared: producers[:maxPerSide/2], Observed: producers[1000 : 1000+maxPerSide/2]}, consumers[:maxPerSide]).Text
	assert.NotContains(t, text, "more")
}

func TestClusterCollapsesByRack(t *testing.T) {
	s := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "big", ControllerID: 7}}
	for i := range 300 {
		s.Cluster.Brokers = append(s.Cluster.Brokers, snapshot.Broker{ID: int32(i + 1), Host: fmt.Sprintf("kafka-%d.example.com", i+1),
			Port: 9092, Rack: fmt.Sprintf("rack-%d", i%3)})
	}
	text := Cluster(s).Text
	require.True(t, Fits(text))
	assert.Contains(t, text, `"rack rack-0<br/>100 brokers · 1, 4, 7,`)
	assert.Contains(t, text, `controller: broker 7"]`)
	assert.NotContains(t, text, "kafka-1.example.com", "no broker drawn one by one")

	// 300 racks of one broker each: the first racks and a count of the rest.
	for i := range s.Cluster.Brokers {
		s.Cluster.Brokers[i].Rack = fmt.Sprintf("rack-%03d", i)
	}
	text = Cluster(s).Text
	require.True(t, Fits(text))
	assert.Contains(t, text, `"271 more racks<br/>271 brokers · 30–300"`)
	assert.Less(t, strings.Count(text, "\n"), 40)
}

func TestArchitectureWithEverything(t *testing.T) {
	a := Architecture{Cluster: "prod", ControllerID: -1,
		Brokers:     []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092, Rack: "a"}, {ID: 2, Host: "k2", Port: 9092}},
		Controllers: []Controller{{ID: 1, Host: "k1", Port: 9093, Broker: true}, {ID: 100, Host: "c1", Port: 9093}},
		Registry:    "http://sr:8081",
		Connect:     []Service{{Name: "cdc", URL: "http://connect:8083"}},
		KsqlDB:      []Service{{Name: "analytics"}},
	}
	want := `flowchart LR
  subgraph n1["cluster prod"]
    subgraph n2["rack a"]
      n3["broker 1<br/>k1:9092"]
    end
    n4["broker 2<br/>k2:9092"]
  end
  subgraph n5["KRaft controller quorum"]
    n6{{"controller 1 · also broker 1<br/>k1:9093"}}
    n7{{"controller 100<br/>c1:9093"}}
  end
  n5 -.- n1
  n8[("Schema Registry<br/>http://sr:8081")]
  n8 -.- n1
  n9[/"Kafka Connect · cdc<br/>http://connect:8083"/]
  n9 <--> n1
  n10[/"ksqlDB · analytics"/]
  n10 <--> n1`
	assert.Equal(t, want, drawn(ClusterArchitecture(a)))

	// Hundreds of everything still fits.
	for i := range 500 {
		a.Controllers = append(a.Controllers, Controller{ID: int32(i), Host: "h", Port: 1})
		a.Connect = append(a.Connect, Service{Name: strings.Repeat("c", 500), URL: strings.Repeat("u", 500)})
		a.KsqlDB = append(a.KsqlDB, Service{Name: fmt.Sprint(i)})
	}
	text := ClusterArchitecture(a).Text
	require.True(t, Fits(text))
	assert.Contains(t, text, `"502 controllers"`)
	assert.Contains(t, text, `"490 more Kafka Connect"`)
}

func TestGuard(t *testing.T) {
	small := "flowchart LR\n  n1[\"x\"]"
	assert.Equal(t, small, guard(small))
	huge := "flowchart LR\n" + strings.Repeat("  n1 --> n2\n", MaxEdges+1)
	got := guard(huge)
	assert.True(t, Fits(got))
	assert.Contains(t, got, "diagram too large to draw")
}
