package diagram

// The architecture diagram of a cluster's overview: its brokers by rack, its KRaft controller
// quorum, and what stands beside it (Schema Registry, Kafka Connect clusters, ksqlDB servers).
// A big cluster is drawn by rack, and a very big one by its first racks plus a count, so the
// picture stays readable and inside Mermaid's limits at any size.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/numfmt"
)

// Architecture is what the architecture diagram draws. Brokers and the controller come from the
// snapshot; Controllers from the brokers' KRaft configs; Connect clusters are the ones kdocs read
// (discovered) and those site.yaml declares that it did not read; ksqlDB servers are declared in
// site.yaml (Kafka does not know them). A declared service's edge is dashed, a discovered one's solid.
type Architecture struct {
	Cluster string
	Brokers []snapshot.Broker
	// ControllerID is the active controller of a ZooKeeper-era cluster, -1 on KRaft.
	ControllerID int32
	// Controllers are the KRaft quorum's voters; empty when unknown or not KRaft.
	Controllers []Controller
	// Registry is the Schema Registry's URL, empty without one.
	Registry string
	Connect  []Service
	KsqlDB   []Service
}

// Controller is one voter of a KRaft controller quorum.
type Controller struct {
	ID   int32
	Host string
	Port int
	// Broker marks a node that is a broker too (process.roles=broker,controller).
	Broker bool
}

// Service is a companion of the cluster: a Kafka Connect cluster or a ksqlDB server.
type Service struct {
	Name string
	URL  string
	// Detail is a line more, for a service kdocs read (a Connect cluster's version and connectors).
	Detail string
	// Declared: named in site.yaml, not read by kdocs; drawn with a dashed edge.
	Declared bool
}

// Limits of the architecture diagram before it collapses: brokers drawn one by one (past it, one
// node per rack), racks drawn (past it, the rest in one node), and controllers and services of
// one kind drawn (past it, a count).
const (
	maxBrokers  = 30
	maxRacks    = 30
	maxServices = 12
)

// Cluster returns a Mermaid flowchart of the cluster as the snapshot alone shows it: brokers
// grouped by rack in subgraphs, the controller marked, and the Schema Registry beside it.
func Cluster(s *snapshot.Snapshot) Diagram {
	a := Architecture{Cluster: s.Cluster.Name, Brokers: s.Cluster.Brokers, ControllerID: s.Cluster.ControllerID}
	if s.Registry != nil {
		a.Registry = s.Registry.URL
	}
	return ClusterArchitecture(a)
}

// ClusterArchitecture returns a Mermaid flowchart of the cluster and what stands beside it.
// Up to maxBrokers brokers are drawn one by one inside their rack's subgraph; past that each
// rack is one node counting its brokers, so 300 brokers make a picture of a few racks.
func ClusterArchitecture(a Architecture) Diagram {
	var w writer
	w.line(0, "flowchart LR")
	clusterID := w.node(w.id(), KindCluster, a.Cluster)
	w.line(1, "subgraph %s[%s]", clusterID, Label("cluster "+clip(a.Cluster)))

	// Racks in order of first appearance; brokers are sorted by id in a normalized snapshot,
	// so the order is stable.
	var racks []string
	byRack := map[string][]snapshot.Broker{}
	for _, br := range a.Brokers {
		if _, seen := byRack[br.Rack]; !seen {
			racks = append(racks, br.Rack)
		}
		byRack[br.Rack] = append(byRack[br.Rack], br)
	}
	var marked []string
	if len(a.Brokers) <= maxBrokers {
		broker := func(indent int, br snapshot.Broker, in string) {
			nid := w.id()
			text := fmt.Sprintf("broker %d", br.ID)
			if br.ID == a.ControllerID {
				text += " (controller)"
				marked = append(marked, nid)
			}
			addr := fmt.Sprintf("%s:%d", br.Host, br.Port)
			w.node(nid, KindBroker, text, addr)
			w.line(indent, "%s[%s]", nid, Lines(text, clip(addr)))
			w.edge(nid, in, "in")
		}
		for _, rack := range racks {
			if rack == "" {
				// Brokers without a rack sit directly in the cluster rather than in a fake rack.
				for _, br := range byRack[rack] {
					broker(2, br, clusterID)
				}
				continue
			}
			rid := w.node(w.id(), KindRack, "rack "+rack)
			w.line(2, "subgraph %s[%s]", rid, Label("rack "+clip(rack)))
			w.edge(rid, clusterID, "in")
			for _, br := range byRack[rack] {
				broker(3, br, rid)
			}
			w.line(2, "end")
		}
	} else {
		shown := racks
		if len(racks) > maxRacks {
			shown = racks[:maxRacks-1]
		}
		for _, rack := range shown {
			nid := w.id()
			name := "rack " + clip(rack)
			if rack == "" {
				name = "no rack"
			}
			lines := []string{name, brokerCount(byRack[rack])}
			for _, br := range byRack[rack] {
				if br.ID == a.ControllerID {
					lines = append(lines, fmt.Sprintf("controller: broker %d", br.ID))
					marked = append(marked, nid)
				}
			}
			w.node(nid, KindRack, name, lines[1:]...)
			w.line(2, "%s[%s]", nid, Lines(lines...))
			w.edge(nid, clusterID, "in")
		}
		if rest := racks[len(shown):]; len(rest) > 0 {
			var brokers []snapshot.Broker
			for _, rack := range rest {
				brokers = append(brokers, byRack[rack]...)
			}
			name := numfmt.Thousands(int64(len(rest))) + " more racks"
			nid := w.node(w.id(), KindMore, name, brokerCount(brokers))
			w.line(2, "%s[%s]", nid, Lines(name, brokerCount(brokers)))
			w.edge(nid, clusterID, "in")
		}
	}
	if len(a.Brokers) == 0 {
		nid := w.node(w.id(), KindNote, "no broker answered")
		w.line(2, "%s[%s]", nid, Label("no broker answered"))
		w.edge(nid, clusterID, "in")
	}
	w.line(1, "end")

	if len(a.Controllers) > 0 {
		quorum := w.node(w.id(), KindQuorum, "KRaft controller quorum")
		w.line(1, "subgraph %s[%s]", quorum, Label("KRaft controller quorum"))
		if len(a.Controllers) <= maxServices {
			for _, c := range a.Controllers {
				text := fmt.Sprintf("controller %d", c.ID)
				if c.ID < 0 {
					text = "controller" // a dynamic quorum's bootstrap server: no id in the configs
				}
				if c.Broker {
					text += fmt.Sprintf(" · also broker %d", c.ID)
				}
				addr := fmt.Sprintf("%s:%d", c.Host, c.Port)
				nid := w.node(w.id(), KindController, text, addr)
				w.line(2, "%s{{%s}}", nid, Lines(text, clip(addr)))
				w.edge(nid, quorum, "in")
			}
		} else {
			name := numfmt.Thousands(int64(len(a.Controllers))) + " controllers"
			nid := w.node(w.id(), KindMore, name)
			w.line(2, "%s{{%s}}", nid, Label(name))
			w.edge(nid, quorum, "in")
		}
		w.line(1, "end")
		w.line(1, "%s -.- %s", quorum, clusterID)
		w.edge(quorum, clusterID, "controls")
	}
	if a.Registry != "" {
		reg := w.node(w.id(), KindRegistry, "Schema Registry", a.Registry)
		w.line(1, "%s[(%s)]", reg, Lines("Schema Registry", clip(a.Registry)))
		w.line(1, "%s -.- %s", reg, clusterID)
		w.edge(reg, clusterID, "holds the schemas of")
	}
	services := func(kind string, list []Service) {
		shown := list
		if len(list) > maxServices {
			shown = list[:maxServices-1]
		}
		for _, s := range shown {
			nid := w.node(w.id(), KindService, kind+" · "+s.Name, s.URL, s.Detail)
			lines := []string{kind + " · " + clip(s.Name)}
			if s.URL != "" {
				lines = append(lines, clip(s.URL))
			}
			if s.Detail != "" {
				lines = append(lines, clip(s.Detail))
			}
			w.line(1, "%s[/%s/]", nid, Lines(lines...))
			if s.Declared {
				w.line(1, "%s <-.-> %s", nid, clusterID)
				w.edge(nid, clusterID, "works with (declared)")
			} else {
				w.line(1, "%s <--> %s", nid, clusterID)
				w.edge(nid, clusterID, "works with")
			}
		}
		if rest := len(list) - len(shown); rest > 0 {
			name := numfmt.Thousands(int64(rest)) + " more " + kind
			nid := w.node(w.id(), KindMore, name)
			w.line(1, "%s[/%s/]", nid, Label(name))
			w.line(1, "%s <--> %s", nid, clusterID)
			w.edge(nid, clusterID, "work with")
		}
	}
	services("Kafka Connect", a.Connect)
	services("ksqlDB", a.KsqlDB)
	if len(marked) > 0 {
		w.line(1, "classDef controller stroke-width:3px,font-weight:bold")
		w.line(1, "class %s controller", strings.Join(marked, ","))
	}
	return w.diagram("Architecture of cluster "+clip(a.Cluster), "The brokers of cluster "+clip(a.Cluster)+" by rack, its controllers and the services beside it.")
}

// brokerCount says how many brokers and which: "120 brokers · 1–120".
func brokerCount(brokers []snapshot.Broker) string {
	ids := make([]int32, len(brokers))
	for i, b := range brokers {
		ids[i] = b.ID
	}
	text := "1 broker"
	if len(brokers) != 1 {
		text = numfmt.Thousands(int64(len(brokers))) + " brokers"
	}
	return text + " · " + clip(ranges(ids))
}

// ranges writes sorted ids compactly: [1 2 3 5] → "1–3, 5".
func ranges(ids []int32) string {
	var parts []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		part := strconv.Itoa(int(ids[i]))
		if j > i {
			part += "–" + strconv.Itoa(int(ids[j]))
		}
		parts = append(parts, part)
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
