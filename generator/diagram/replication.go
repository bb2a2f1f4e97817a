package diagram

// The replication diagram: clusters and the MirrorMaker 2 (or declared) flows between them.
// An active-passive flow is a one-way arrow from source to target, an active-active pair a
// two-way arrow; a flow only declared in site.yaml (not seen in the clusters) is dotted.

import (
	"github.com/kdocs/kdocs/internal/numfmt"
)

// Replication is one flow between two clusters (by name or MirrorMaker 2 alias).
type Replication struct {
	From, To string
	// TwoWay draws From ↔ To: active-active.
	TwoWay bool
	// Seen marks a flow detected in the clusters' topics; one only declared is dotted.
	Seen bool
	// Label is written on the arrow ("12 topics", "orders\..*").
	Label string
}

// ReplicationFlows returns a Mermaid flowchart of clusters and the flows between them, in the
// order given. Past maxFlowEdges flows or maxFlowNodes clusters, the rest is counted in a note
// (an estate with that many replication flows is listed in the page's table).
func ReplicationFlows(flows []Replication) Diagram {
	var w writer
	w.line(0, "flowchart LR")
	ids := map[string]string{}
	node := func(name string) (string, bool) {
		if id, ok := ids[name]; ok {
			return id, true
		}
		if len(ids) >= maxFlowNodes {
			return "", false
		}
		ids[name] = w.node(w.id(), KindCluster, name)
		w.line(1, "%s[(%s)]", ids[name], Lines(clip(name), "cluster"))
		return ids[name], true
	}
	var drawn, left int
	for _, f := range flows {
		if drawn >= maxFlowEdges {
			left++
			continue
		}
		from, ok1 := node(f.From)
		to, ok2 := node(f.To)
		if !ok1 || !ok2 {
			left++
			continue
		}
		arrow, relation := "-->", "replicates to"
		switch {
		case f.TwoWay && f.Seen:
			arrow, relation = "<-->", "replicates to and from"
		case f.TwoWay:
			arrow, relation = "<-.->", "replicates to and from (declared, not seen)"
		case !f.Seen:
			arrow, relation = "-.->", "replicates to (declared, not seen)"
		}
		if f.Label != "" {
			w.line(1, "%s %s|%s| %s", from, arrow, Label(clip(f.Label)), to)
			relation += ": " + f.Label
		} else {
			w.line(1, "%s %s %s", from, arrow, to)
		}
		w.edge(from, to, relation)
		drawn++
	}
	if left > 0 {
		name := numfmt.Thousands(int64(left)) + " more flows: see the table"
		w.line(1, "%s[%s]", w.node(w.id(), KindMore, name), Label(name))
	}
	if len(flows) == 0 {
		w.line(1, "%s[%s]", w.node(w.id(), KindNote, "no replication"), Label("no replication"))
	}
	return w.diagram("Replication between clusters", "Clusters and the MirrorMaker 2 or declared flows between them.")
}
