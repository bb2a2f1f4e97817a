// Package export turns the document model into formats other tools read: AsyncAPI 3.0 documents
// with Kafka bindings (asyncapi.go), a Backstage catalog (backstage.go) and the offline archive
// of the built site (archive.go). Every function here is pure: the same model and snapshots
// give byte-identical files, and nothing talks to a network. Writing the files is the caller's
// business (cmd/kdocs), so that a failed export leaves the previous one in place.
//
// What an export says comes from two places only: the snapshots (topics, configs, brokers'
// listeners, the registry's subjects) and what the site's authors declared (annotations in
// content/ and site.yaml). Sensitive configs are never read; URLs lose any user:password.
package export

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Input is what every format reads: the document model and the snapshots it was built from,
// in the model's cluster order.
type Input struct {
	Site      *site.Site
	Snapshots []*snapshot.Snapshot
	// SiteURL is the absolute URL the site is published at (https://docs.example.com/kafka/);
	// the exports link each topic, group and cluster to its page there (externalDocs, Backstage
	// links). Empty: no links, since a relative one means nothing outside the site.
	SiteURL string
}

// File is one exported file: Path is slash-separated, relative to the format's directory.
type File struct {
	Path string
	Data []byte
}

// pageURL is the absolute URL of the page at path, or "" without a SiteURL.
func (in Input) pageURL(path string) string {
	if in.SiteURL == "" || path == "" {
		return ""
	}
	return strings.TrimSuffix(in.SiteURL, "/") + "/" + path + ".html"
}

// CheckSiteURL refuses a --site-url that is not an absolute http(s) URL.
func CheckSiteURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("site URL %q: want an absolute http(s) URL such as https://docs.example.com/kafka/", s)
	}
	if u.User != nil {
		return fmt.Errorf("site URL %q: must not carry a user or password", s)
	}
	return nil
}

// cluster is one cluster's facts as the exports need them, gathered from the model's pages.
type cluster struct {
	model  *site.Cluster
	snap   *snapshot.Snapshot
	topics []*site.TopicData // the snapshot's order (sorted by name)
	pages  map[any]string    // page path by *TopicData / *GroupData
	groups map[string]*site.GroupData
	apps   []*app
}

// app is one application of a cluster: a service annotated as a producer of topics, a
// consumer group (annotated or not; a Kafka Streams application is one), a Kafka Connect
// connector, or a producer and a group under one name.
type app struct {
	name     string
	sends    []string // topics, sorted
	receives []string // topics, sorted
	group    *site.GroupData
	// clientIDs are the group members' client ids, sorted, deduplicated.
	clientIDs []string
	// kind is "service" (annotated), "consumer-group", "streams-app" or "connector"; declared
	// says an annotation names it (else it was discovered in the snapshot).
	kind     string
	declared bool
	// producer says a topic annotation names it among the producers.
	producer bool
	// connector is the Connect cluster and connector of a connector application.
	connect, connector string
}

// Kinds of applications.
const (
	kindService   = "service"
	kindGroup     = "consumer-group"
	kindStreams   = "streams-app"
	kindConnector = "connector"
)

// evidence says what shows the application's operations.
func (a *app) evidence() string {
	switch {
	case a.kind == kindConnector:
		return "discovered: Kafka Connect (" + a.connect + ")"
	case a.declared && a.group != nil:
		return "declared: the group's annotation; reads observed from its committed offsets and assignments"
	case a.declared && a.group == nil:
		return "declared: the topics' annotations (producers)"
	case a.producer:
		return "declared: the topics' annotations (producers); reads observed from the consumer group's committed offsets and assignments"
	}
	return "observed: the consumer group's committed offsets and assignments"
}

// annotation is the app's description, owner and tags: its group's annotation, when any.
func (a *app) annotation() *site.Annotation {
	if a.group != nil {
		return a.group.Annotation
	}
	return nil
}

// clusters gathers each cluster's topics, groups and applications from the model.
func (in Input) clusters() ([]*cluster, error) {
	if in.Site == nil || len(in.Site.Clusters) != len(in.Snapshots) {
		return nil, fmt.Errorf("export: the model and the snapshots disagree on the clusters")
	}
	byModel := map[*site.Cluster]*cluster{}
	var out []*cluster
	for i, m := range in.Site.Clusters {
		c := &cluster{model: m, snap: in.Snapshots[i], pages: map[any]string{}, groups: map[string]*site.GroupData{}}
		byModel[m] = c
		out = append(out, c)
	}
	for _, p := range in.Site.Pages {
		switch d := p.Data.(type) {
		case *site.TopicData:
			if c := byModel[d.Cluster]; c != nil {
				c.topics = append(c.topics, d)
				c.pages[d] = p.Path
			}
		case *site.GroupData:
			if c := byModel[d.Cluster]; c != nil {
				c.groups[d.ID] = d
				c.pages[d] = p.Path
			}
		}
	}
	for _, c := range out {
		slices.SortFunc(c.topics, func(a, b *site.TopicData) int { return cmp.Compare(a.Name, b.Name) })
		c.apps = applications(c)
	}
	return out, nil
}

// applications are the cluster's services: producers named by topic annotations, every
// consumer group, and every connector Kafka Connect reports topics for. A producer named like
// a group is that group; a connector named like either is <connect>/<connector>.
func applications(c *cluster) []*app {
	byName := map[string]*app{}
	get := func(name string) *app {
		if byName[name] == nil {
			byName[name] = &app{name: name}
		}
		return byName[name]
	}
	for _, t := range c.topics {
		if t.Internal || t.Annotation == nil {
			continue
		}
		for _, p := range t.Annotation.Producers {
			if p = strings.TrimSpace(p); p != "" {
				a := get(p)
				a.sends = append(a.sends, t.Name)
				a.producer = true
			}
		}
	}
	known := map[string]bool{}
	for _, t := range c.topics {
		known[t.Name] = true
	}
	streams := map[string]bool{}
	for _, sa := range lineage.StreamsApps(c.snap) {
		streams[sa.ID] = true
	}
	for id, g := range c.groups {
		a := get(id)
		a.group = g
		a.declared = g.Annotation != nil
		a.kind = kindGroup
		if streams[id] {
			a.kind = kindStreams
		}
		for _, o := range g.Offsets {
			a.receives = append(a.receives, o.Topic.Title)
		}
		for _, u := range g.Uncommitted {
			a.receives = append(a.receives, u.Topic.Title)
		}
		for _, m := range g.Members {
			if m.ClientID != "" {
				a.clientIDs = append(a.clientIDs, m.ClientID)
			}
			for _, as := range m.Assignments {
				a.receives = append(a.receives, as.Topic.Title)
			}
		}
		a.receives = slices.DeleteFunc(a.receives, func(t string) bool { return !known[t] })
	}
	// Connectors, from Kafka Connect's own records (lineage): a source sends, a sink receives.
	connectors := map[string]*app{}
	for _, e := range lineage.Connectors(c.snap) {
		key := e.Connect + "\x00" + e.Connector
		a := connectors[key]
		if a == nil {
			name := e.Connector
			if byName[name] != nil {
				name = e.Connect + "/" + e.Connector
			}
			a = &app{name: name, kind: kindConnector, connect: e.Connect, connector: e.Connector}
			connectors[key] = a
			byName[name] = a
		}
		if e.Write {
			a.sends = append(a.sends, e.Topic)
		} else {
			a.receives = append(a.receives, e.Topic)
		}
	}
	var out []*app
	for _, a := range byName {
		if a.kind == "" {
			a.kind, a.declared = kindService, true
		}
		for _, l := range []*[]string{&a.sends, &a.receives, &a.clientIDs} {
			slices.Sort(*l)
			*l = slices.Compact(*l)
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *app) int { return cmp.Compare(a.name, b.name) })
	return out
}

// marshalYAML encodes v as YAML, two-space indented. yaml.v3 sorts map keys, quotes every
// string that would read back as anything else, and never writes anchors or aliases.
func marshalYAML(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// stripUserinfo removes a user:password from a URL, and returns "" for one that does not parse
// (it is not exported rather than risk a secret in it).
func stripUserinfo(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	u.User = nil
	return u.String()
}
