package site

// The data flows page of a cluster (clusters/<c>/flows): who writes and who reads each domain's
// topics, and which domains read which. A domain is a topic name's prefix before the first '.'
// (orders.order-placed.v1 belongs to orders), the naming convention most estates follow.
// Producers come from topic annotations, readers from consumer groups' offsets and assignments;
// a group that is a Kafka Streams application is drawn as the application, writing its own
// changelog and repartition topics (Kafka Streams does) and the outputs annotations declare.

import (
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// TemplateFlows renders a cluster's data flows page.
const TemplateFlows = "flows"

// FlowsData is a cluster's data flows page.
type FlowsData struct {
	Cluster *Cluster
	// Overview is the Mermaid picture of domains reading other domains' topics; empty when no
	// group reads outside its own domain.
	Overview diagram.Diagram
	Reads    []DomainReadRow
	Domains  []DomainFlowData // this part's (a split page shows the overview on its first)
	// Total counts the topic rows of every part; Pager is nil when the page is one.
	Total int
	Pager *Pager
	// HasConnectors: Kafka Connect connectors write or read some topic of the cluster;
	// HasStreams: Kafka Streams applications run on it.
	HasConnectors, HasStreams bool
}

// streamsTopic is a Kafka Streams application's internal topic: whose, and what it is to it.
type streamsTopic struct{ app, role string }

// maxDriftRows is the most rows each drift table of the flows page lists; the count says the rest.
const maxDriftRows = 500

// Unconfirmed and Undeclared are the first maxDriftRows of the cluster's drift.
func (d *FlowsData) Unconfirmed() []lineage.Unconfirmed {
	u := d.Cluster.Drift.Unconfirmed
	return u[:min(len(u), maxDriftRows)]
}

func (d *FlowsData) Undeclared() []lineage.Undeclared {
	w := d.Cluster.Drift.Undeclared
	return w[:min(len(w), maxDriftRows)]
}

// MoreUnconfirmed and MoreUndeclared count the drift rows past maxDriftRows.
func (d *FlowsData) MoreUnconfirmed() int {
	return max(0, len(d.Cluster.Drift.Unconfirmed)-maxDriftRows)
}
func (d *FlowsData) MoreUndeclared() int { return max(0, len(d.Cluster.Drift.Undeclared)-maxDriftRows) }

// DomainReadRow says which groups of the domain To read topics of the domain From: the first
// maxListed of them, and how many More.
type DomainReadRow struct {
	From, To string
	Groups   []Link
	More     int
}

// maxListed is the most groups a cell of the flows page lists: a topic read by 2,000 groups
// would otherwise make a table cell pages long. The group list has them all.
const maxListed = 20

// DomainFlowData is one domain's section of the flows page.
type DomainFlowData struct {
	// Name is the domain; empty for topics whose name has no '.'.
	Name    string
	Diagram diagram.Diagram
	Topics  []FlowRow
	// Continued marks a domain's section that began on the part before (a split page).
	Continued bool
}

// FlowRow is one topic of a domain with its writers and readers (the first maxListed groups,
// and how many More; the topic's page lists them all).
type FlowRow struct {
	Topic     Link
	Producers []string
	Groups    []Link
	More      int
	// Connectors are the Kafka Connect connectors writing or reading the topic (discovered).
	Connectors []TopicConnector
	// StreamsApp is the Kafka Streams application whose internal topic this is (it writes it),
	// StreamsRole what the topic is to it; nil for other topics.
	StreamsApp  *Link
	StreamsRole string
}

// groupDomain is the domain a consumer group belongs to: the one its annotation declares, else
// the prefix of its id before the first '.', '-' or '_' when that names a topic domain (or
// does in the plural: order-fulfilment belongs to orders), else that prefix on its own (a
// domain that only reads, such as analytics).
func groupDomain(id, declared string, topicDomains map[string]bool) string {
	if declared != "" {
		return declared
	}
	prefix := id
	if i := strings.IndexAny(id, ".-_"); i > 0 {
		prefix = id[:i]
	}
	switch {
	case topicDomains[prefix]:
		return prefix
	case topicDomains[prefix+"s"]:
		return prefix + "s"
	}
	return prefix
}

// buildFlows makes the data flows page's data. readers lists, per topic, the groups reading it
// (see ConsumerRow), producers the annotated producers per topic, declared the domains that
// group annotations declare.
func buildFlows(c *Cluster, snap *snapshot.Snapshot, readers map[string][]ConsumerRow, producers map[string][]string,
	declared map[string]string, topicLink func(string) Link, connectors map[string][]TopicConnector, apps []lineage.StreamsApp) *FlowsData {
	d := &FlowsData{Cluster: c, HasConnectors: len(connectors) > 0, HasStreams: len(apps) > 0}
	isApp := map[string]bool{}
	internal := map[string]streamsTopic{}
	for _, a := range apps {
		isApp[a.ID] = true
		for i, t := range a.Changelogs {
			internal[t] = streamsTopic{a.ID, "changelog of state store " + a.Stores[i]}
		}
		for _, t := range a.Repartitions {
			internal[t] = streamsTopic{a.ID, "repartition topic"}
		}
	}
	topicDomains := map[string]bool{}
	var order []string
	byDomain := map[string]*DomainFlowData{}
	flows := map[string][]diagram.FlowTopic{}
	for _, t := range snap.Topics {
		if t.Internal {
			continue
		}
		dom := domain(t.Name)
		if byDomain[dom] == nil {
			byDomain[dom] = &DomainFlowData{Name: dom}
			order = append(order, dom)
			topicDomains[dom] = dom != ""
		}
		row := FlowRow{Topic: topicLink(t.Name), Producers: producers[t.Name], Connectors: connectors[t.Name]}
		flow := diagram.FlowTopic{Name: t.Name}
		for _, p := range producers[t.Name] {
			if isApp[p] {
				flow.Outputs = append(flow.Outputs, p)
			} else {
				flow.Producers = append(flow.Producers, p)
			}
		}
		if in, ok := internal[t.Name]; ok {
			flow.Writer = in.app
			row.StreamsApp, row.StreamsRole = &Link{Title: in.app, Path: c.groupPaths[in.app]}, in.role
		}
		for _, k := range connectors[t.Name] {
			if k.Write {
				flow.Sources = append(flow.Sources, k.Connector.Title)
			} else {
				flow.Sinks = append(flow.Sinks, k.Connector.Title)
			}
		}
		for _, r := range readers[t.Name] {
			row.Groups = append(row.Groups, r.Group)
			if isApp[r.Group.Title] {
				flow.Apps = append(flow.Apps, r.Group.Title)
			} else {
				flow.Groups = append(flow.Groups, r.Group.Title)
			}
		}
		byDomain[dom].Topics = append(byDomain[dom].Topics, row)
		flows[dom] = append(flows[dom], flow)
	}
	// Topics without a domain come last: they are the exceptions to the convention.
	if i := slices.Index(order, ""); i >= 0 {
		order = append(slices.Delete(order, i, i+1), "")
	}
	for _, dom := range order {
		fd := byDomain[dom]
		fd.Diagram = diagram.DomainFlow(dom, flows[dom])
		fd.Diagram.Link(c.nodePage)
		d.Domains = append(d.Domains, *fd)
	}

	// Domains reading other domains: a pair per (topic domain, group domain), in the order the
	// topics come, each group counted once per pair.
	type pair struct{ from, to string }
	rows := map[pair]*DomainReadRow{}
	var pairs []pair
	domains := slices.Clone(order)
	known := map[string]bool{}
	for _, dom := range order {
		known[dom] = true
	}
	for _, dom := range order {
		for _, row := range byDomain[dom].Topics {
			for _, g := range row.Groups {
				to := groupDomain(g.Title, declared[g.Title], topicDomains)
				if to == dom {
					continue
				}
				p := pair{dom, to}
				if rows[p] == nil {
					rows[p] = &DomainReadRow{From: dom, To: to}
					pairs = append(pairs, p)
				}
				if !slices.Contains(rows[p].Groups, g) {
					rows[p].Groups = append(rows[p].Groups, g)
				}
				if !known[to] {
					known[to] = true
					domains = append(domains, to)
				}
			}
		}
	}
	var reads []diagram.DomainRead
	for _, p := range pairs {
		row := *rows[p]
		reads = append(reads, diagram.DomainRead{From: p.from, To: p.to, Groups: len(row.Groups)})
		row.Groups, row.More = capLinks(row.Groups)
		d.Reads = append(d.Reads, row)
	}
	// Only now, once the overview has counted every reader.
	for i := range d.Domains {
		for j := range d.Domains[i].Topics {
			r := &d.Domains[i].Topics[j]
			r.Groups, r.More = capLinks(r.Groups)
		}
	}
	if len(reads) > 0 {
		d.Overview = diagram.DomainOverview(domains, reads)
	}
	return d
}

// pages splits the flows page into parts of PerFlowsPage topic rows: the overview on the first,
// a domain's diagram where its section begins.
func (d *FlowsData) pages(first *Page) []*Page {
	lengths := make([]int, len(d.Domains))
	total := 0
	for i, dom := range d.Domains {
		lengths[i] = len(dom.Topics)
		total += lengths[i]
	}
	return paginate(first, total, PerFlowsPage, func(lo, hi int, pg *Pager) any {
		if pg == nil {
			d.Total = total
			return d
		}
		part := &FlowsData{Cluster: d.Cluster, Total: total, Pager: pg, HasConnectors: d.HasConnectors, HasStreams: d.HasStreams}
		if pg.Part == 1 {
			part.Overview, part.Reads = d.Overview, d.Reads
		}
		for _, sp := range spans(lengths, lo, hi) {
			dom := d.Domains[sp.Section]
			dom.Topics = dom.Topics[sp.Lo:sp.Hi]
			if sp.Lo > 0 {
				dom.Diagram, dom.Continued = diagram.Diagram{}, true
			}
			part.Domains = append(part.Domains, dom)
		}
		return part
	})
}

// capLinks keeps the first maxListed links and counts the rest.
func capLinks(links []Link) ([]Link, int) {
	if len(links) <= maxListed {
		return links, 0
	}
	return links[:maxListed], len(links) - maxListed
}
