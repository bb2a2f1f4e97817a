package site

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// buildCluster makes every page of one cluster, in reading order: overview, topics, groups,
// schemas.
func buildCluster(snap *snapshot.Snapshot, slug string, notes *annotations, services Services, naming SchemaNaming, snapshotFile string, parse SchemaParser) *Cluster {
	base := "clusters/" + slug + "/"
	c := &Cluster{
		Name:         snap.Cluster.Name,
		Environment:  snap.Cluster.Environment,
		ID:           snap.Cluster.ID,
		Slug:         slug,
		Path:         base + "index",
		TopicsPath:   base + "topics/index",
		GroupsPath:   base + "groups/index",
		FlowsPath:    base + "flows",
		ACLsPath:     base + "acls",
		BrokersPath:  base + "brokers",
		notes:        notes,
		SnapshotFile: snapshotFile,
		TakenAt:      snap.TakenAt,
		Health:       health.Evaluate(snap),
		Brokers:      len(snap.Cluster.Brokers),
		Topics:       len(snap.Topics),
		Groups:       len(snap.Groups),
		Partial:      snap.Partial(),
		Errors:       snap.Errors,
	}
	var subjects []snapshot.Subject
	if snap.Registry != nil {
		c.SubjectsPath = base + "schemas/index"
		subjects = snap.Registry.Subjects
		c.Subjects = len(subjects)
	}

	// Slugs first, so every page can link to every other.
	topicSlugs, groupSlugs, subjectSlugs := newSlugger("index"), newSlugger("index"), newSlugger("index", "orphans")
	topicPath := map[string]string{}
	for _, t := range snap.Topics {
		topicPath[t.Name] = base + "topics/" + topicSlugs.slug(t.Name)
	}
	groupPath := map[string]string{}
	for _, g := range snap.Groups {
		groupPath[g.ID] = base + "groups/" + groupSlugs.slug(g.ID)
	}
	subjectPath := map[string]string{}
	for _, s := range subjects {
		subjectPath[s.Name] = base + "schemas/" + subjectSlugs.slug(s.Name)
	}
	c.topicPaths, c.subjectPaths, c.groupPaths = topicPath, subjectPath, groupPath
	topicLink := func(name string) Link { return Link{Title: name, Path: topicPath[name]} }
	subjectLink := func(name string) Link { return Link{Title: name, Path: subjectPath[name]} }
	schemas := indexSchemas(snap, naming, subjectLink, topicLink, parse)

	home := Link{Title: "Home", Path: HomePath}
	clusterCrumbs := []Link{home}
	listCrumbs := []Link{home, {Title: c.Name, Path: c.Path}}

	var reg *RegistryInfo
	if snap.Registry != nil {
		reg = &RegistryInfo{URL: snap.Registry.URL, Compatibility: snap.Registry.Compatibility, Mode: snap.Registry.Mode}
	}
	overview := &ClusterData{Cluster: c, ControllerID: snap.Cluster.ControllerID, Brokers: snap.Cluster.Brokers,
		Controllers: controllers(snap.Cluster.Brokers), Quorum: quorumData(snap.Cluster), Registry: reg, Connect: services.Connect, KsqlDB: services.KsqlDB}
	overview.Diagram = diagram.ClusterArchitecture(architecture(snap, overview))
	overview.Diagram.Link(c.nodePage)
	c.pages = append(c.pages, &Page{
		Path: c.Path, Title: c.Name, Template: TemplateCluster, Section: c.Path, Crumbs: clusterCrumbs, Data: overview,
	})
	c.pages = append(c.pages, &Page{Path: c.BrokersPath, Title: "Brokers", Template: TemplateBrokers, Section: c.BrokersPath,
		Crumbs: listCrumbs, Data: buildBrokers(c, snap)})
	connect := buildConnect(c, snap, base, topicLink, groupPath, listCrumbs)
	c.connectNav = connect.nav
	overview.Discovered = connect.nav

	// Who reads what: topics with committed offsets, and topics assigned to members that have
	// not committed yet (their lag is unknown, shown as 0).
	consumers := map[string][]ConsumerRow{}
	for _, g := range snap.Groups {
		committed, assigned := map[string]int{}, map[string]int{}
		lag := map[string]int64{}
		var order []string
		note := func(topic string) {
			if committed[topic] == 0 && assigned[topic] == 0 {
				order = append(order, topic)
			}
		}
		for _, o := range g.Offsets {
			note(o.Topic)
			committed[o.Topic]++
			lag[o.Topic] += o.Lag
		}
		for _, m := range g.Members {
			for _, a := range m.Assignments {
				note(a.Topic)
				assigned[a.Topic] += len(a.Partitions)
			}
		}
		for _, t := range order {
			consumers[t] = append(consumers[t], ConsumerRow{Group: Link{Title: g.ID, Path: groupPath[g.ID]}, State: g.State,
				Partitions: max(committed[t], assigned[t]), Lag: lag[t]})
		}
	}

	apps := lineage.StreamsApps(snap)
	appOf := map[string]*lineage.StreamsApp{}
	for i := range apps {
		appOf[apps[i].ID] = &apps[i]
	}
	writers, writerNotes := lineage.Writers(snap), lineage.Unavailable(snap)
	sampled := lineage.Sampled(snap)
	nameMessages(sampled, snap.Registry)
	writersRecorded := snap.Transactions != nil || snap.Producers != nil
	topicsCrumbs := slices.Concat(listCrumbs, []Link{{Title: "Topics", Path: c.TopicsPath}})
	shared, sharedRows := sharedConfigs(snap.Topics)
	if len(sharedRows) > 0 {
		c.TopicConfigsPath = base + "topic-configs"
	}
	var topicRows []TopicRow
	var topicPages []*Page
	producersOf := map[string][]string{}
	for _, t := range snap.Topics {
		d := &TopicData{Cluster: c, Name: t.Name, Internal: t.Internal, ReplicationFactor: t.ReplicationFactor,
			Consumers: consumers[t.Name], Connectors: connect.byTopic[t.Name], Observed: writers[t.Name]}
		if d.Observed == nil && writersRecorded {
			d.Observed = &lineage.TopicWriters{}
		}
		if d.Observed != nil {
			d.WriterNotes = writerNotes
		}
		if app, role := lineage.StreamsAppOf(apps, t.Name); app != "" {
			d.StreamsApp, d.StreamsRole = &Link{Title: app, Path: groupPath[app]}, role
		}
		row := TopicRow{Link: topicLink(t.Name), Domain: domain(t.Name), Internal: t.Internal, Partitions: len(t.Partitions),
			ReplicationFactor: t.ReplicationFactor, Consumers: len(d.Consumers)}
		for _, p := range t.Partitions {
			pr := partitionRow(p)
			if pr.UnderReplicated {
				row.UnderReplicated++
			}
			if pr.Offline {
				row.Offline++
			}
			if pr.NotPreferred {
				row.NotPreferred++
			}
			if pr.Status != "" {
				d.Problems++
			}
			d.Messages += pr.Messages
			d.Partitions = append(d.Partitions, pr)
		}
		row.Messages = d.Messages
		for _, cfg := range t.Configs {
			cr := configRow(cfg)
			if cr.Override {
				row.Overrides++
			} else {
				cr.Shared = shared[cfg.Name] == configValue{cfg.Value, cfg.Source, cfg.Sensitive}
			}
			d.Configs = append(d.Configs, cr)
		}
		var flow []diagram.Consumer
		for _, cr := range d.Consumers {
			d.TotalLag += cr.Lag
			flow = append(flow, diagram.Consumer{Group: cr.Group.Title, Lag: cr.Lag, Streams: appOf[cr.Group.Title] != nil})
		}
		var producers []string
		if d.Annotation = notes.topic(t.Name, topicPath[t.Name]); d.Annotation != nil {
			producers = d.Annotation.Producers
			producersOf[t.Name] = producers
			row.Owner = cmp.Or(d.Annotation.Owner, d.Annotation.Team)
		}
		d.Lineage = topicLineage(d, producers, appOf, connect.sinkOf)
		drawn := diagram.Producers{Declared: producers, Observed: observedProducers(d.Observed)}
		if n, ok := connect.nodes[t.Name]; ok {
			d.Diagram = diagram.TopicLineage(t.Name, n[0], drawn, n[1], flow)
		} else {
			d.Diagram = diagram.TopicFlow(t.Name, drawn, flow)
		}
		d.Diagram.Link(c.nodePage)
		if lineageCovers(d.Diagram, d.Lineage) {
			d.Diagram.ListedBy("writer and reader")
		}
		d.Schemas, d.KeySchema, d.ValueSchema = schemas.topicSchemas(t.Name)
		if d.Sampled = sampled[t.Name]; d.Sampled != nil {
			d.SampleWarnings = sampledSchemas(d.Sampled, t.Name, schemas.strategy[t.Name], d.Schemas)
		}
		topicRows = append(topicRows, row)
		topicPages = append(topicPages, &Page{Path: topicPath[t.Name], Title: t.Name, Template: TemplateTopic,
			Section: c.TopicsPath, Crumbs: topicsCrumbs, Data: d})
	}
	c.pages = append(c.pages, paginate(&Page{Path: c.TopicsPath, Title: "Topics", Template: TemplateTopics, Section: c.TopicsPath,
		Crumbs: listCrumbs}, len(topicRows), PerPage, func(lo, hi int, pg *Pager) any {
		return &TopicsData{Cluster: c, Topics: topicRows[lo:hi], Total: len(topicRows), Pager: pg}
	})...)
	c.pages = append(c.pages, topicPages...)
	if c.TopicConfigsPath != "" {
		c.pages = append(c.pages, &Page{Path: c.TopicConfigsPath, Title: "Topic config defaults", Template: TemplateTopicConfigs,
			Section: c.TopicConfigsPath, Crumbs: listCrumbs, Data: &TopicConfigsData{Cluster: c, Configs: sharedRows}})
	}
	c.pages = append(c.pages, connect.pages...)

	groupsCrumbs := slices.Concat(listCrumbs, []Link{{Title: "Consumer groups", Path: c.GroupsPath}})
	var groupRows []GroupRow
	var groupPages []*Page
	for _, g := range snap.Groups {
		d := &GroupData{Cluster: c, ID: g.ID, State: g.State, ProtocolType: g.ProtocolType, Protocol: g.Protocol, TotalLag: g.TotalLag,
			Annotation: notes.group(g.ID, groupPath[g.ID]), Connector: connect.sinkOf[g.ID],
			Kind: groupKind(g, topicLink)}
		for _, a := range apps {
			if a.ID == g.ID {
				info := &StreamsInfo{Stores: a.Stores, Topology: a.Evidence == lineage.EvidenceStreamsTopology}
				for _, l := range []struct {
					from []string
					to   *[]Link
				}{{a.Inputs, &info.Inputs}, {a.Changelogs, &info.Changelogs}, {a.Repartitions, &info.Repartitions}} {
					for _, t := range l.from {
						*l.to = append(*l.to, topicLink(t))
					}
				}
				d.Streams = info
			}
		}
		for _, m := range g.Members {
			mr := MemberRow{ID: m.ID, ClientID: m.ClientID, Host: m.Host, Kind: memberKind(m, topicLink)}
			for _, a := range m.Assignments {
				mr.Assignments = append(mr.Assignments, Assignment{Topic: topicLink(a.Topic), Partitions: a.Partitions})
			}
			d.Members = append(d.Members, mr)
		}
		topics := map[string]bool{}
		for _, o := range g.Offsets {
			topics[o.Topic] = true
			d.Offsets = append(d.Offsets, OffsetRow{Topic: topicLink(o.Topic), Partition: o.Partition,
				Committed: o.Committed, LatestOffset: o.LatestOffset, Lag: o.Lag})
		}
		for _, u := range g.Uncommitted {
			d.Uncommitted = append(d.Uncommitted, Assignment{Topic: topicLink(u.Topic), Partitions: u.Partitions})
		}
		row := GroupRow{Link: Link{Title: g.ID, Path: groupPath[g.ID]}, Type: d.Kind.Type, State: g.State,
			Members: len(g.Members), Topics: len(topics), TotalLag: g.TotalLag}
		if d.Annotation != nil {
			row.Owner = cmp.Or(d.Annotation.Owner, d.Annotation.Team)
		}
		groupRows = append(groupRows, row)
		groupPages = append(groupPages, &Page{Path: groupPath[g.ID], Title: g.ID, Template: TemplateGroup,
			Section: c.GroupsPath, Crumbs: groupsCrumbs, Data: d})
	}
	c.pages = append(c.pages, paginate(&Page{Path: c.GroupsPath, Title: "Consumer groups", Template: TemplateGroups, Section: c.GroupsPath,
		Crumbs: listCrumbs}, len(groupRows), PerPage, func(lo, hi int, pg *Pager) any {
		return &GroupsData{Cluster: c, Groups: groupRows[lo:hi], Total: len(groupRows), Pager: pg}
	})...)
	c.pages = append(c.pages, groupPages...)

	declared := map[string]string{}
	for _, g := range snap.Groups {
		if a := notes.groupFile(g.ID); a != nil {
			declared[g.ID] = strings.TrimSpace(a.matter.Domain)
		}
	}
	c.Drift = lineage.DriftOf(snap, producersOf)
	c.pages = append(c.pages, buildFlows(c, snap, consumers, producersOf, declared, topicLink, connect.byTopic, apps).pages(&Page{Path: c.FlowsPath,
		Title: "Data flows", Template: TemplateFlows, Section: c.FlowsPath, Crumbs: listCrumbs})...)
	c.pages = append(c.pages, buildACLs(c, snap, topicPath, groupPath).pages(&Page{Path: c.ACLsPath, Title: "ACLs and quotas",
		Template: TemplateACLs, Section: c.ACLsPath, Crumbs: listCrumbs})...)

	if snap.Registry == nil {
		return c
	}
	buildSchemaPages(c, snap, schemas, subjectPath, subjectLink, topicLink, naming, listCrumbs)
	return c
}

// domain is the part of a topic name before the first '.', or "" when there is none.
func domain(topic string) string {
	if d, _, ok := strings.Cut(topic, "."); ok {
		return d
	}
	return ""
}

// partitionRow describes a partition and its problems.
func partitionRow(p snapshot.Partition) PartitionRow {
	r := PartitionRow{ID: p.ID, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR, OfflineReplicas: p.OfflineReplicas,
		EarliestOffset: p.EarliestOffset, LatestOffset: p.LatestOffset, Messages: max(p.LatestOffset-p.EarliestOffset, 0),
		PreferredLeader: -1}
	if len(p.Replicas) > 0 {
		r.PreferredLeader = p.Replicas[0]
	}
	r.Offline = p.Leader < 0
	r.UnderReplicated = len(p.ISR) < len(p.Replicas)
	// An offline partition has no leader to compare; its status already says the worst.
	r.NotPreferred = !r.Offline && r.PreferredLeader >= 0 && p.Leader != r.PreferredLeader
	var status []string
	if r.Offline {
		status = append(status, "offline")
	}
	if r.UnderReplicated {
		status = append(status, "under-replicated")
	}
	if r.NotPreferred {
		status = append(status, "not on preferred leader")
	}
	r.Status = strings.Join(status, ", ")
	return r
}

// configRow says where a config comes from. Only DYNAMIC_TOPIC_CONFIG is set on the topic;
// DEFAULT_CONFIG is Kafka's default; the other sources are the brokers' settings, which the topic
// inherits. A snapshot without sources (older files) lists only topic configs that differ, so
// those count as set on the topic.
func configRow(cfg snapshot.Config) ConfigRow {
	r := ConfigRow{Name: cfg.Name, Value: cfg.Value, Sensitive: cfg.Sensitive, Source: cfg.Source}
	switch cfg.Source {
	case "DYNAMIC_TOPIC_CONFIG", "":
		r.Override, r.Origin = true, "set on this topic"
	case "DYNAMIC_BROKER_CONFIG":
		r.Origin = "broker (dynamic, per broker)"
	case "DYNAMIC_DEFAULT_BROKER_CONFIG":
		r.Origin = "broker (dynamic, cluster-wide default)"
	case "STATIC_BROKER_CONFIG":
		r.Origin = "broker (server.properties)"
	case "DEFAULT_CONFIG":
		r.Default, r.Origin = true, "Kafka default"
	default:
		r.Origin = cfg.Source
	}
	return r
}

// nav is the cluster's navigation entry with its lists below it.
func (c *Cluster) nav() NavItem {
	item := NavItem{Title: c.Name, Path: c.Path, Children: []NavItem{
		{Title: "Brokers", Path: c.BrokersPath},
		{Title: "Topics", Path: c.TopicsPath},
	}}
	if c.TopicConfigsPath != "" {
		item.Children = append(item.Children, NavItem{Title: "Topic config defaults", Path: c.TopicConfigsPath})
	}
	item.Children = append(item.Children, []NavItem{
		{Title: "Consumer groups", Path: c.GroupsPath},
		{Title: "Data flows", Path: c.FlowsPath},
		{Title: "ACLs and quotas", Path: c.ACLsPath},
	}...)
	item.Children = append(item.Children, c.connectNav...)
	if c.SubjectsPath != "" {
		item.Children = append(item.Children, NavItem{Title: "Schemas", Path: c.SubjectsPath})
	}
	return item
}

// schemaType names the type; the registry leaves it out for Avro.
func schemaType(t string) string {
	if t == "" {
		return "AVRO"
	}
	return t
}

// schemaText returns the schema for reading, JSON indented, and the language of its code block.
func schemaText(typ, schema string) (text, language string) {
	if typ == "PROTOBUF" {
		return strings.TrimSpace(schema), "protobuf"
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(schema), "", "  "); err != nil {
		return strings.TrimSpace(schema), "json" // shown as stored: a bad schema is still a fact
	}
	return buf.String(), "json"
}
