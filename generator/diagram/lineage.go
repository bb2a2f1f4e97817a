package diagram

// A topic's data flow with what kdocs discovered beside what it was told: Kafka Connect
// connectors writing or reading the topic (discovered from Connect: solid edges), producers from
// annotations (declared: dashed edges), consumer groups (discovered from their offsets: solid).

import (
	"strings"

	"github.com/kdocs/kdocs/internal/numfmt"
)

// ConnectorNode is a connector beside a topic.
type ConnectorNode struct {
	Name string
	// Connect is the Connect cluster's name; Role what it is in words ("source connector",
	// "MirrorMaker 2 source", …); Failed marks a failed connector or task.
	Connect, Role string
	Failed        bool
}

// TopicLineage returns a Mermaid flowchart of one topic: writers (source connectors, then
// annotated producers, then those the brokers show) → topic → readers (sink connectors, then
// consumer groups). Connectors are parallelograms, failed ones marked; declared producers' edges
// are dashed (the page's text under the diagram is the legend).
func TopicLineage(topic string, sources []ConnectorNode, producers Producers, sinks []ConnectorNode, consumers []Consumer) Diagram {
	var w writer
	w.line(0, "flowchart LR")
	t := w.node(w.id(), KindTopic, topic)
	w.line(1, "%s[(%s)]", t, Lines(clip(topic), "topic"))
	var failed []string
	connector := func(c ConnectorNode) string {
		role := c.Role + " · " + c.Connect
		if c.Failed {
			role += " · FAILED"
		}
		n := w.node(w.id(), KindConnector, c.Name, role)
		w.g.nodes[len(w.g.nodes)-1].Scope = c.Connect
		if c.Failed {
			failed = append(failed, n)
		}
		w.line(1, "%s[/%s/]", n, Lines(clip(c.Name), role))
		return n
	}
	more := func(shape string, count int, noun string) string {
		name := numfmt.Thousands(int64(count)) + " more " + noun
		n := w.node(w.id(), KindMore, name)
		w.line(1, "%s"+shape, n, Label(name))
		return n
	}
	for i, c := range sources {
		if i == maxPerSide-1 && len(sources) > maxPerSide {
			n := more("[/%s/]", len(sources)-i, "source connectors")
			w.line(1, "%s --> %s", n, t)
			w.edge(n, t, "write to (discovered)")
			break
		}
		n := connector(c)
		w.line(1, "%s --> %s", n, t)
		w.edge(n, t, "writes to (discovered)")
	}
	declared, _ := w.producers(t, producers)
	for i, c := range sinks {
		if i == maxPerSide-1 && len(sinks) > maxPerSide {
			n := more("[/%s/]", len(sinks)-i, "sink connectors")
			w.line(1, "%s --> %s", t, n)
			w.edge(t, n, "is read by (discovered)")
			break
		}
		n := connector(c)
		w.line(1, "%s --> %s", t, n)
		w.edge(t, n, "is read by (discovered)")
	}
	keep := mostLag(consumers, maxPerSide)
	var rest int
	for i, c := range consumers {
		if !keep[i] {
			rest++
			continue
		}
		n := w.node(w.id(), KindGroup, c.Group, c.detail())
		w.line(1, "%s([%s])", n, Lines(clip(c.Group), c.label()))
		w.line(1, "%s --> %s", t, n)
		w.edge(t, n, "is read by")
	}
	if rest > 0 {
		n := more("([%s])", rest, "groups")
		w.line(1, "%s --> %s", t, n)
		w.edge(t, n, "is read by")
	}
	if len(declared) > 0 {
		w.line(1, "classDef declared stroke-dasharray:4 3")
		w.line(1, "class %s declared", strings.Join(declared, ","))
	}
	if len(failed) > 0 {
		w.line(1, "classDef failed stroke:#b00020,stroke-width:2px")
		w.line(1, "class %s failed", strings.Join(failed, ","))
	}
	return w.diagram("Lineage of topic "+clip(topic),
		"What writes topic "+clip(topic)+" (connectors discovered from Kafka Connect, producers declared in its annotation or observed by the brokers) and what reads it.")
}

// ConnectorFlow returns a Mermaid flowchart of one connector: the topics it reads → the
// connector → the topics it writes. A connector with no topic known says so.
func ConnectorFlow(c ConnectorNode, reads, writes []string) Diagram {
	var w writer
	w.line(0, "flowchart LR")
	role := c.Role + " · " + c.Connect
	if c.Failed {
		role += " · FAILED"
	}
	k := w.node(w.id(), KindConnector, c.Name, role)
	w.g.nodes[0].Scope = c.Connect
	w.line(1, "%s[/%s/]", k, Lines(clip(c.Name), role))
	topic := func(name string) string {
		n := w.node(w.id(), KindTopic, name)
		w.line(1, "%s[(%s)]", n, Label(clip(name)))
		return n
	}
	for i, t := range reads {
		if i == maxPerSide {
			break
		}
		n := topic(t)
		w.line(1, "%s --> %s", n, k)
		w.edge(n, k, "is read by")
	}
	for i, t := range writes {
		if i == maxPerSide {
			break
		}
		n := topic(t)
		w.line(1, "%s --> %s", k, n)
		w.edge(k, n, "writes to")
	}
	if len(reads)+len(writes) == 0 {
		n := w.node(w.id(), KindNote, "no topic of this cluster known")
		w.line(1, "%s[%s]", n, Label("no topic of this cluster known"))
		w.line(1, "%s -.- %s", k, n)
		w.edge(k, n, "uses")
	}
	if c.Failed {
		w.line(1, "classDef failed stroke:#b00020,stroke-width:2px")
		w.line(1, "class %s failed", k)
	}
	return w.diagram("Topics of connector "+clip(c.Name), "The topics connector "+clip(c.Name)+" reads and writes.")
}
