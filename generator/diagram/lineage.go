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
// annotated producers) → topic → readers (sink connectors, then consumer groups). Connectors are
// parallelograms, failed ones marked; declared producers' edges are dashed (the page's text under
// the diagram is the legend).
func TopicLineage(topic string, sources []ConnectorNode, producers []string, sinks []ConnectorNode, consumers []Consumer) string {
	var w writer
	w.line(0, "flowchart LR")
	t := w.id()
	w.line(1, "%s[(%s)]", t, Lines(clip(topic), "topic"))
	var failed, declared []string
	connector := func(c ConnectorNode) string {
		n := w.id()
		role := c.Role + " · " + c.Connect
		if c.Failed {
			role += " · FAILED"
			failed = append(failed, n)
		}
		w.line(1, "%s[/%s/]", n, Lines(clip(c.Name), role))
		return n
	}
	for i, c := range sources {
		if i == maxPerSide-1 && len(sources) > maxPerSide {
			n := w.id()
			w.line(1, "%s[/%s/]", n, Label(numfmt.Thousands(int64(len(sources)-i))+" more source connectors"))
			w.line(1, "%s --> %s", n, t)
			break
		}
		w.line(1, "%s --> %s", connector(c), t)
	}
	for i, p := range producers {
		if i == maxPerSide-1 && len(producers) > maxPerSide {
			n := w.id()
			w.line(1, "%s([%s])", n, Label(numfmt.Thousands(int64(len(producers)-i))+" more producers"))
			w.line(1, "%s -.-> %s", n, t)
			break
		}
		n := w.id()
		declared = append(declared, n)
		w.line(1, "%s([%s])", n, Lines(clip(p), "producer · declared"))
		w.line(1, "%s -.-> %s", n, t)
	}
	for i, c := range sinks {
		if i == maxPerSide-1 && len(sinks) > maxPerSide {
			n := w.id()
			w.line(1, "%s[/%s/]", n, Label(numfmt.Thousands(int64(len(sinks)-i))+" more sink connectors"))
			w.line(1, "%s --> %s", t, n)
			break
		}
		w.line(1, "%s --> %s", t, connector(c))
	}
	keep := mostLag(consumers, maxPerSide)
	var rest int
	for i, c := range consumers {
		if !keep[i] {
			rest++
			continue
		}
		n := w.id()
		w.line(1, "%s([%s])", n, Lines(clip(c.Group), c.label()))
		w.line(1, "%s --> %s", t, n)
	}
	if rest > 0 {
		n := w.id()
		w.line(1, "%s([%s])", n, Label(numfmt.Thousands(int64(rest))+" more groups"))
		w.line(1, "%s --> %s", t, n)
	}
	if len(declared) > 0 {
		w.line(1, "classDef declared stroke-dasharray:4 3")
		w.line(1, "class %s declared", strings.Join(declared, ","))
	}
	if len(failed) > 0 {
		w.line(1, "classDef failed stroke:#b00020,stroke-width:2px")
		w.line(1, "class %s failed", strings.Join(failed, ","))
	}
	return guard(w.text())
}

// ConnectorFlow returns a Mermaid flowchart of one connector: the topics it reads → the
// connector → the topics it writes. A connector with no topic known says so.
func ConnectorFlow(c ConnectorNode, reads, writes []string) string {
	var w writer
	w.line(0, "flowchart LR")
	k := w.id()
	role := c.Role + " · " + c.Connect
	if c.Failed {
		role += " · FAILED"
	}
	w.line(1, "%s[/%s/]", k, Lines(clip(c.Name), role))
	topic := func(name string) string {
		n := w.id()
		w.line(1, "%s[(%s)]", n, Label(clip(name)))
		return n
	}
	for i, t := range reads {
		if i == maxPerSide {
			break
		}
		w.line(1, "%s --> %s", topic(t), k)
	}
	for i, t := range writes {
		if i == maxPerSide {
			break
		}
		w.line(1, "%s --> %s", k, topic(t))
	}
	if len(reads)+len(writes) == 0 {
		n := w.id()
		w.line(1, "%s[%s]", n, Label("no topic of this cluster known"))
		w.line(1, "%s -.- %s", k, n)
	}
	if c.Failed {
		w.line(1, "classDef failed stroke:#b00020,stroke-width:2px")
		w.line(1, "class %s failed", k)
	}
	return guard(w.text())
}
