package site

// Kafka Connect pages of a cluster, from the snapshot's connect section:
//
//	clusters/<c>/connect/<connect>/index         a Connect cluster: workers' version, connectors, plugins
//	clusters/<c>/connect/<connect>/<connector>   a connector: state, tasks, topics with evidence, config
//
// and, for the topic pages, the connectors that write or read each topic (lineage.Connectors).

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Templates of the Connect pages.
const (
	TemplateConnect   = "connect"
	TemplateConnector = "connector"
)

// ConnectData is a Connect cluster's page.
type ConnectData struct {
	Cluster                       *Cluster
	Name, URL                     string
	Version, Commit, KafkaCluster string
	// SameKafka: the workers' Kafka cluster id is this cluster's.
	SameKafka  bool
	Connectors []ConnectorRow
	Plugins    []snapshot.ConnectPlugin
	// Errors are the snapshot's errors about this Connect cluster.
	Errors []snapshot.Error
	// Failed counts connectors that failed or have a failed task.
	Failed int
	// Workers are the workers running connectors or tasks, by id, with what they run.
	Workers []WorkerRow
}

// WorkerRow is one Connect worker as the connectors' and tasks' states name it.
type WorkerRow struct {
	ID                string
	Connectors, Tasks int
}

// ConnectorRow is one line of a Connect cluster's connector list.
type ConnectorRow struct {
	Link
	Type, Class, State string
	// Tasks says the tasks' states in short ("2 running, 1 failed").
	Tasks  string
	Failed bool
	Topics []Link
	Mirror string
}

// ConnectorData is a connector's page.
type ConnectorData struct {
	Cluster                        *Cluster
	Connect                        Link
	Name, Type, Class              string
	PluginVersion, State, WorkerID string
	Trace                          string
	Failed                         bool
	Tasks                          []snapshot.ConnectorTask
	Topics                         []ConnectorTopic
	Config                         []snapshot.ConnectorConfig
	Mirror                         *snapshot.MirrorMaker
	// Group is a sink's consumer group (connect-<name>) when the snapshot holds it.
	Group *Link
	// Diagram is the connector with its topics.
	Diagram diagram.Diagram
}

// ConnectorTopic is a topic a connector writes or reads, with the evidence.
type ConnectorTopic struct {
	Topic    Link
	Write    bool
	Evidence string
}

// TopicConnector is a connector writing or reading a topic, for the topic's page.
type TopicConnector struct {
	Connector Link
	Connect   string
	Write     bool
	State     string
	Role      string
	Evidence  string
}

// connectPages are the Connect pages of a cluster and the connectors by topic.
type connectPages struct {
	pages   []*Page
	nav     []NavItem
	byTopic map[string][]TopicConnector
	sinkOf  map[string]*Link                      // sink connector by its consumer group's id
	nodes   map[string][2][]diagram.ConnectorNode // per topic: sources, sinks
}

// connectorRole says what a connector is, in words.
func connectorRole(k *snapshot.Connector) string {
	if k.MirrorMaker != nil {
		return "MirrorMaker 2 " + k.MirrorMaker.Role
	}
	return k.Type + " connector"
}

func shortClass(class string) string { return class[strings.LastIndexByte(class, '.')+1:] }

func buildConnect(c *Cluster, snap *snapshot.Snapshot, base string, topicLink func(string) Link, groupPath map[string]string, crumbs []Link) *connectPages {
	out := &connectPages{byTopic: map[string][]TopicConnector{}, nodes: map[string][2][]diagram.ConnectorNode{}, sinkOf: map[string]*Link{}}
	if len(snap.Connect) == 0 {
		return out
	}
	edges := lineage.Connectors(snap)
	clusterSlugs := newSlugger()
	connectorPath := map[[2]string]string{}
	type cluster struct {
		path string
		cc   *snapshot.ConnectCluster
	}
	var clusters []cluster
	for i := range snap.Connect {
		cc := &snap.Connect[i]
		dir := base + "connect/" + clusterSlugs.slug(cc.Name) + "/"
		clusters = append(clusters, cluster{dir + "index", cc})
		slugs := newSlugger("index")
		for _, k := range cc.Connectors {
			connectorPath[[2]string{cc.Name, k.Name}] = dir + slugs.slug(k.Name)
		}
	}
	c.connectorPaths = connectorPath
	byConnector := map[[2]string][]lineage.ConnectorEdge{}
	for _, e := range edges {
		key := [2]string{e.Connect, e.Connector}
		byConnector[key] = append(byConnector[key], e)
	}
	evidence := func(ev []string) string {
		var words []string
		for _, e := range ev {
			words = append(words, lineage.Describe(e))
		}
		return strings.Join(words, "; ")
	}
	for _, cl := range clusters {
		cc := cl.cc
		d := &ConnectData{Cluster: c, Name: cc.Name, URL: cc.URL, Version: cc.Version, Commit: cc.Commit,
			KafkaCluster: cc.KafkaClusterID, SameKafka: cc.KafkaClusterID != "" && cc.KafkaClusterID == snap.Cluster.ID, Plugins: cc.Plugins}
		for _, e := range snap.Errors {
			if e.Scope == "connect" && strings.HasPrefix(e.Resource, cc.URL) {
				d.Errors = append(d.Errors, e)
			}
		}
		self := Link{Title: cc.Name, Path: cl.path}
		workers := map[string]*WorkerRow{}
		worker := func(id string) *WorkerRow {
			if workers[id] == nil {
				workers[id] = &WorkerRow{ID: id}
			}
			return workers[id]
		}
		for _, k := range cc.Connectors {
			if k.WorkerID != "" {
				worker(k.WorkerID).Connectors++
			}
			for _, t := range k.Tasks {
				if t.WorkerID != "" {
					worker(t.WorkerID).Tasks++
				}
			}
		}
		for _, w := range workers {
			d.Workers = append(d.Workers, *w)
		}
		slices.SortFunc(d.Workers, func(a, b WorkerRow) int { return strings.Compare(a.ID, b.ID) })
		kCrumbs := slices.Concat(crumbs, []Link{{Title: "Kafka Connect " + cc.Name, Path: cl.path}})
		var kPages []*Page
		for i := range cc.Connectors {
			k := &cc.Connectors[i]
			key := [2]string{cc.Name, k.Name}
			state := lineage.State(k)
			row := ConnectorRow{Link: Link{Title: k.Name, Path: connectorPath[key]}, Type: k.Type, Class: shortClass(k.Class),
				State: k.State, Tasks: taskSummary(k.Tasks), Failed: state == "FAILED"}
			if k.MirrorMaker != nil {
				row.Mirror = k.MirrorMaker.Role
			}
			if row.Failed {
				d.Failed++
			}
			kd := &ConnectorData{Cluster: c, Connect: self, Name: k.Name, Type: k.Type, Class: k.Class, PluginVersion: k.PluginVersion,
				State: k.State, WorkerID: k.WorkerID, Trace: k.Trace, Failed: row.Failed, Tasks: k.Tasks, Config: k.Config, Mirror: k.MirrorMaker}
			if p, ok := groupPath["connect-"+k.Name]; ok && k.Type == "sink" {
				kd.Group = &Link{Title: "connect-" + k.Name, Path: p}
				out.sinkOf["connect-"+k.Name] = &Link{Title: k.Name, Path: connectorPath[key]}
			}
			node := diagram.ConnectorNode{Name: k.Name, Connect: cc.Name, Role: connectorRole(k), Failed: row.Failed}
			var in, outs []string
			for _, e := range byConnector[key] {
				row.Topics = append(row.Topics, topicLink(e.Topic))
				kd.Topics = append(kd.Topics, ConnectorTopic{Topic: topicLink(e.Topic), Write: e.Write, Evidence: evidence(e.Evidence)})
				out.byTopic[e.Topic] = append(out.byTopic[e.Topic], TopicConnector{Connector: row.Link, Connect: cc.Name, Write: e.Write,
					State: state, Role: connectorRole(k), Evidence: evidence(e.Evidence)})
				n := out.nodes[e.Topic]
				if e.Write {
					n[0] = append(n[0], node)
					outs = append(outs, e.Topic)
				} else {
					n[1] = append(n[1], node)
					in = append(in, e.Topic)
				}
				out.nodes[e.Topic] = n
			}
			kd.Diagram = diagram.ConnectorFlow(node, in, outs)
			kd.Diagram.Link(c.nodePage)
			d.Connectors = append(d.Connectors, row)
			kPages = append(kPages, &Page{Path: connectorPath[key], Title: k.Name, Template: TemplateConnector,
				Section: cl.path, Crumbs: kCrumbs, Data: kd})
		}
		out.pages = append(out.pages, &Page{Path: cl.path, Title: "Kafka Connect " + cc.Name, Template: TemplateConnect,
			Section: cl.path, Crumbs: crumbs, Data: d})
		out.pages = append(out.pages, kPages...)
		out.nav = append(out.nav, NavItem{Title: "Kafka Connect " + cc.Name, Path: cl.path})
	}
	return out
}

// taskSummary counts tasks by state: "1 running", "2 running, 1 failed"; "no task" when none.
func taskSummary(tasks []snapshot.ConnectorTask) string {
	if len(tasks) == 0 {
		return "no task"
	}
	var order []string
	n := map[string]int{}
	for _, t := range tasks {
		s := strings.ToLower(t.State)
		if n[s] == 0 {
			order = append(order, s)
		}
		n[s]++
	}
	var parts []string
	for _, s := range order {
		parts = append(parts, strconv.Itoa(n[s])+" "+s)
	}
	return strings.Join(parts, ", ")
}

// topicLineage is a topic's "Written by / read by": writers (connectors, the Streams application
// whose internal topic it is, annotated producers), then readers (connectors, Streams
// applications, consumer groups), each discovered or declared with its evidence.
func topicLineage(d *TopicData, producers []string, apps map[string]*lineage.StreamsApp, sinkOf map[string]*Link) []LineageRow {
	var writers, readers []LineageRow
	for _, k := range d.Connectors {
		r := LineageRow{Who: k.Connector, Write: k.Write, Kind: k.Role, Where: k.Connect, State: k.State, Evidence: k.Evidence}
		if k.Write {
			writers = append(writers, r)
		} else {
			readers = append(readers, r)
		}
	}
	if d.StreamsApp != nil {
		a := apps[d.StreamsApp.Title]
		writers = append(writers, LineageRow{Who: *d.StreamsApp, Write: true, Kind: "Kafka Streams application (" + d.StreamsRole + ")",
			State: a.State, Evidence: lineage.Describe(a.Evidence)})
	}
	for _, p := range producers {
		writers = append(writers, LineageRow{Who: Link{Title: p}, Write: true, Kind: "producer", Declared: true,
			Evidence: lineage.Describe(lineage.EvidenceAnnotation)})
	}
	for _, c := range d.Consumers {
		r := LineageRow{Who: c.Group, Kind: "consumer group", State: c.State, Evidence: lineage.Describe(lineage.EvidenceGroup)}
		if a := apps[c.Group.Title]; a != nil {
			r.Kind = "Kafka Streams application"
			r.Evidence += "; " + lineage.Describe(a.Evidence)
		} else if k := sinkOf[c.Group.Title]; k != nil {
			r.Kind = "consumer group of sink connector " + k.Title
		}
		readers = append(readers, r)
	}
	return append(writers, readers...)
}

// observedProducers names the producers the brokers saw writing the topic (transactions,
// producer state), in lineage.Writers' order; principals an ACL merely allows are left to the
// page's table, since a permission is not proof of use.
func observedProducers(w *lineage.TopicWriters) []string {
	if w == nil {
		return nil
	}
	var out []string
	for _, e := range w.Writers {
		if e.Write && e.Observed() {
			out = append(out, e.Name)
		}
	}
	return out
}

// lineageCovers says whether a topic's writers and readers hold everything its data-flow
// diagram draws: every box but the topic itself, its notes and its "N more" boxes (whose members
// the rows list one by one) is a writer or reader, in the direction of its edge. The page then
// shows them as the diagram's table rather than a second table of the same boxes.
func lineageCovers(dg diagram.Diagram, rows []LineageRow) bool {
	if len(rows) == 0 || len(dg.Nodes) == 0 || dg.Nodes[0].Kind != diagram.KindTopic {
		return false
	}
	type role struct {
		who   string
		write bool
	}
	listed := map[role]bool{}
	for _, r := range rows {
		listed[role{r.Who.Title, r.Write}] = true
	}
	drawn := make([]bool, len(dg.Nodes))
	drawn[0] = true
	for _, e := range dg.Edges {
		var other int
		var write bool
		switch {
		case e.From == 0:
			other = e.To
		case e.To == 0:
			other, write = e.From, true
		default:
			return false
		}
		drawn[other] = true
		n := dg.Nodes[other]
		if n.Kind != diagram.KindMore && n.Kind != diagram.KindNote && !listed[role{n.Name, write}] {
			return false
		}
	}
	return !slices.Contains(drawn, false)
}
