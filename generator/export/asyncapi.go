package export

// AsyncAPI 3.0 documents (https://www.asyncapi.com/docs/reference/specification/v3.0.0) with
// the Kafka bindings 0.5.0 (asyncapi/bindings, kafka/):
//
//	asyncapi/<cluster>.yaml          the estate document of a cluster: servers, a channel per
//	                                 topic, the registry's schemas and messages; no operations
//	asyncapi/<cluster>/<app>.yaml    one document per application: send and receive operations
//	                                 on the estate document's channels, by $ref
//
// Internal topics (__consumer_offsets, …) are not channels: no application sends to them.

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// AsyncAPIVersion is the version of the specification the documents follow.
const AsyncAPIVersion = "3.0.0"

type document struct {
	AsyncAPI   string                `yaml:"asyncapi"`
	ID         string                `yaml:"id,omitempty"`
	Info       info                  `yaml:"info"`
	Servers    map[string]any        `yaml:"servers,omitempty"`
	Channels   map[string]any        `yaml:"channels,omitempty"`
	Operations map[string]*operation `yaml:"operations,omitempty"`
	Components *components           `yaml:"components,omitempty"`
}

type info struct {
	Title        string        `yaml:"title"`
	Version      string        `yaml:"version"`
	Description  string        `yaml:"description,omitempty"`
	Tags         []tag         `yaml:"tags,omitempty"`
	ExternalDocs *externalDocs `yaml:"externalDocs,omitempty"`
	Owner        string        `yaml:"x-kdocs-owner,omitempty"`
	Team         string        `yaml:"x-kdocs-team,omitempty"`
	Cluster      string        `yaml:"x-kdocs-cluster"`
	Environment  string        `yaml:"x-kdocs-environment,omitempty"`
	TakenAt      string        `yaml:"x-kdocs-snapshot-taken-at"`
	Kind         string        `yaml:"x-kdocs-application-kind,omitempty"`
	Evidence     string        `yaml:"x-kdocs-evidence,omitempty"`
}

type tag struct {
	Name string `yaml:"name"`
}

type externalDocs struct {
	Description string `yaml:"description,omitempty"`
	URL         string `yaml:"url"`
}

type components struct {
	Schemas         map[string]*multiFormatSchema `yaml:"schemas,omitempty"`
	Messages        map[string]*message           `yaml:"messages,omitempty"`
	SecuritySchemes map[string]securityScheme     `yaml:"securitySchemes,omitempty"`
}

type channel struct {
	Address      string          `yaml:"address"`
	Title        string          `yaml:"title,omitempty"`
	Description  string          `yaml:"description,omitempty"`
	Messages     map[string]ref  `yaml:"messages,omitempty"`
	Tags         []tag           `yaml:"tags,omitempty"`
	ExternalDocs *externalDocs   `yaml:"externalDocs,omitempty"`
	Bindings     channelBindings `yaml:"bindings"`
	Owner        string          `yaml:"x-kdocs-owner,omitempty"`
	Team         string          `yaml:"x-kdocs-team,omitempty"`
	Producers    []string        `yaml:"x-kdocs-declared-producers,omitempty"`
	Consumers    []string        `yaml:"x-kdocs-consumer-groups,omitempty"`
	Links        []externalDocs  `yaml:"x-kdocs-links,omitempty"`
}

type channelBindings struct {
	Kafka kafkaChannelBinding `yaml:"kafka"`
}

type kafkaChannelBinding struct {
	Topic              string         `yaml:"topic"`
	Partitions         int            `yaml:"partitions,omitempty"`
	Replicas           int            `yaml:"replicas,omitempty"`
	TopicConfiguration map[string]any `yaml:"topicConfiguration,omitempty"`
	BindingVersion     string         `yaml:"bindingVersion"`
}

type message struct {
	Name        string          `yaml:"name"`
	Title       string          `yaml:"title,omitempty"`
	Summary     string          `yaml:"summary,omitempty"`
	ContentType string          `yaml:"contentType,omitempty"`
	Payload     *ref            `yaml:"payload,omitempty"`
	Bindings    messageBindings `yaml:"bindings"`
}

type messageBindings struct {
	Kafka kafkaMessageBinding `yaml:"kafka"`
}

type kafkaMessageBinding struct {
	Key                     *ref   `yaml:"key,omitempty"`
	SchemaIDLocation        string `yaml:"schemaIdLocation,omitempty"`
	SchemaIDPayloadEncoding string `yaml:"schemaIdPayloadEncoding,omitempty"`
	SchemaLookupStrategy    string `yaml:"schemaLookupStrategy,omitempty"`
	BindingVersion          string `yaml:"bindingVersion"`
}

type operation struct {
	Action      string             `yaml:"action"`
	Channel     ref                `yaml:"channel"`
	Title       string             `yaml:"title,omitempty"`
	Summary     string             `yaml:"summary,omitempty"`
	Description string             `yaml:"description,omitempty"`
	Bindings    *operationBindings `yaml:"bindings,omitempty"`
}

type operationBindings struct {
	Kafka kafkaOperationBinding `yaml:"kafka"`
}

type kafkaOperationBinding struct {
	GroupID        *enumSchema `yaml:"groupId,omitempty"`
	ClientID       *enumSchema `yaml:"clientId,omitempty"`
	BindingVersion string      `yaml:"bindingVersion"`
}

type enumSchema struct {
	Type string   `yaml:"type"`
	Enum []string `yaml:"enum"`
}

// lookupStrategies are the Confluent serializers' class names of kdocs' subject name strategies.
var lookupStrategies = map[string]string{
	site.StrategyTopicName:       "TopicNameStrategy",
	site.StrategyRecordName:      "RecordNameStrategy",
	site.StrategyTopicRecordName: "TopicRecordNameStrategy",
}

// AsyncAPI returns every cluster's estate document and every application's document, in the
// order: cluster by cluster, the estate document first, then its applications by name.
func AsyncAPI(in Input) ([]File, error) {
	cs, err := in.clusters()
	if err != nil {
		return nil, err
	}
	var files []File
	for _, c := range cs {
		fs, err := in.clusterAsyncAPI(c)
		if err != nil {
			return nil, fmt.Errorf("cluster %q: %w", c.model.Name, err)
		}
		files = append(files, fs...)
	}
	return files, nil
}

// estatePath is the estate document of a cluster; appPath an application's.
func estatePath(c *cluster) string { return fileName(c.model.Name) + ".yaml" }
func appPath(c *cluster, a *app) string {
	return fileName(c.model.Name) + "/" + fileName(a.name) + ".yaml"
}

func (in Input) clusterAsyncAPI(c *cluster) ([]File, error) {
	est, err := in.estateDocument(c)
	if err != nil {
		return nil, err
	}
	data, err := est.marshal()
	if err != nil {
		return nil, err
	}
	files := []File{{Path: estatePath(c), Data: data}}
	for _, a := range c.apps {
		doc := in.appDocument(c, a, est)
		data, err := doc.marshal()
		if err != nil {
			return nil, fmt.Errorf("application %q: %w", a.name, err)
		}
		files = append(files, File{Path: appPath(c, a), Data: data})
	}
	return files, nil
}

func takenAt(s *snapshot.Snapshot) string { return s.TakenAt.UTC().Format("2006-01-02T15:04:05Z") }

func tags(names ...[]string) []tag {
	var all []string
	for _, n := range names {
		for _, s := range n {
			if s = strings.TrimSpace(s); s != "" {
				all = append(all, s)
			}
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	var out []tag
	for _, s := range all {
		out = append(out, tag{Name: s})
	}
	return out
}

func (in Input) docs(p, what string) *externalDocs {
	if u := in.pageURL(p); u != "" {
		return &externalDocs{Description: what, URL: u}
	}
	return nil
}

// links are an annotation's links and runbook that lead outside the site, or to a page of it
// when the site's URL is known.
func (in Input) links(a *site.Annotation) []externalDocs {
	if a == nil {
		return nil
	}
	var out []externalDocs
	add := func(r site.Ref, title string) {
		u := r.URL
		if u == "" && r.File != "" && in.SiteURL != "" {
			u = strings.TrimSuffix(in.SiteURL, "/") + "/" + strings.Replace(r.File, ".md", ".html", 1)
		}
		if u != "" && !strings.HasPrefix(u, "#") && !strings.HasPrefix(u, "/") {
			out = append(out, externalDocs{Description: cmp.Or(r.Title, title), URL: u})
		}
	}
	for _, l := range a.Links {
		add(l, "")
	}
	if a.Runbook != nil {
		add(*a.Runbook, "Runbook")
	}
	return out
}

// estateDocument builds a cluster's estate document.
func (in Input) estateDocument(c *cluster) (*document, error) {
	s := c.snap
	reg := newRegistry(s)
	srv, schemes := servers(s)
	doc := &document{AsyncAPI: AsyncAPIVersion, ID: "urn:kdocs:" + componentKey(c.model.Name),
		Info: info{Title: c.model.Name, Version: takenAt(s), Cluster: c.model.Name, Environment: c.model.Environment, TakenAt: takenAt(s),
			ExternalDocs: in.docs(c.model.Path, "The cluster in kdocs")},
		Servers: map[string]any{}, Channels: map[string]any{}}
	var envTag []string
	if c.model.Environment != "" {
		envTag = []string{c.model.Environment}
	}
	doc.Info.Tags = tags(envTag)
	doc.Info.Description = fmt.Sprintf("The Kafka estate of cluster %s%s as kdocs' snapshot of %s saw it: %d topics, %d consumer groups%s. "+
		"A channel per topic with its messages and schemas; the applications' documents beside this one send and receive on them.",
		c.model.Name, envSuffix(c.model.Environment), takenAt(s), c.model.Topics, c.model.Groups, registrySuffix(s))
	for k, v := range srv {
		doc.Servers[k] = v
	}
	comp := &components{Schemas: map[string]*multiFormatSchema{}, Messages: map[string]*message{}, SecuritySchemes: schemes}
	schemaKey := func(subject string) (string, error) {
		k := componentKey(subject)
		if _, done := comp.Schemas[k]; done {
			return k, nil
		}
		m, err := reg.schema(subject)
		if err != nil || m == nil {
			return "", err
		}
		comp.Schemas[k] = m
		return k, nil
	}
	consumers := map[string][]string{}
	for id, g := range c.groups {
		seen := map[string]bool{}
		for _, o := range g.Offsets {
			seen[o.Topic.Title] = true
		}
		for _, m := range g.Members {
			for _, a := range m.Assignments {
				seen[a.Topic.Title] = true
			}
		}
		for t := range seen {
			consumers[t] = append(consumers[t], id)
		}
	}
	fullConfigs := false // snapshots that keep Kafka's defaults list every config of a topic
	for i := range s.Topics {
		for _, cf := range s.Topics[i].Configs {
			if cf.Source == "DEFAULT_CONFIG" {
				fullConfigs = true
				break
			}
		}
	}
	for _, t := range c.topics {
		if t.Internal {
			continue
		}
		st := s.Topic(t.Name)
		if st == nil {
			continue
		}
		key := t.Name // Kafka's topic names are valid channel keys as they are
		ch := &channel{Address: t.Name, Title: t.Name, ExternalDocs: in.docs(c.pages[t], "The topic in kdocs"),
			Bindings: channelBindings{Kafka: kafkaChannelBinding{Topic: t.Name, Partitions: len(st.Partitions), Replicas: st.ReplicationFactor,
				TopicConfiguration: topicConfiguration(st, t, fullConfigs), BindingVersion: bindingVersion}}}
		var domainTag []string
		if d, _, ok := strings.Cut(t.Name, "."); ok && d != "" {
			domainTag = []string{d}
		}
		if a := t.Annotation; a != nil {
			ch.Description, ch.Owner, ch.Team = a.Description, a.Owner, a.Team
			ch.Tags = tags(a.Tags, domainTag)
			ch.Producers = slices.Sorted(slices.Values(slices.Compact(slices.Sorted(slices.Values(a.Producers)))))
			ch.Links = in.links(a)
		} else {
			ch.Tags = tags(domainTag)
		}
		cons := consumers[t.Name]
		slices.Sort(cons)
		ch.Consumers = cons

		// The key's schema, then one message per value schema (several under TopicRecordName).
		var keyRef *ref
		var values []site.TopicSchema
		strategy := ""
		for _, ts := range t.Schemas {
			if ts.Role == "key" && keyRef == nil {
				k, err := schemaKey(ts.Subject.Title)
				if err != nil {
					return nil, fmt.Errorf("topic %q key: %w", t.Name, err)
				}
				if k != "" {
					keyRef = &ref{"#/components/schemas/" + k}
				}
			}
			if ts.Role == "value" {
				values = append(values, ts)
			}
			strategy = cmp.Or(strategy, lookupStrategies[ts.Strategy])
		}
		bind := func() messageBindings {
			b := kafkaMessageBinding{Key: keyRef, BindingVersion: bindingVersion}
			if keyRef != nil || len(values) > 0 {
				b.SchemaIDLocation, b.SchemaIDPayloadEncoding, b.SchemaLookupStrategy = "payload", "confluent", strategy
			}
			return messageBindings{Kafka: b}
		}
		ch.Messages = map[string]ref{}
		if len(values) == 0 {
			mk := key
			comp.Messages[mk] = &message{Name: t.Name, Title: t.Name, Summary: "A record of " + t.Name + "; the registry holds no schema for its value.", Bindings: bind()}
			ch.Messages["value"] = ref{"#/components/messages/" + mk}
		}
		for _, v := range values {
			k, err := schemaKey(v.Subject.Title)
			if err != nil {
				return nil, fmt.Errorf("topic %q value: %w", t.Name, err)
			}
			mk, chk := key, "value"
			if len(values) > 1 {
				mk, chk = componentKey(t.Name+"."+v.Subject.Title), componentKey(v.Subject.Title)
			}
			m := &message{Name: t.Name, Title: t.Name, Summary: fmt.Sprintf("A record of %s, its value in subject %s version %d.", t.Name, v.Subject.Title, v.Version), Bindings: bind()}
			if len(values) > 1 {
				m.Title = v.Subject.Title
			}
			if k != "" {
				m.Payload = &ref{"#/components/schemas/" + k}
				if comp.Schemas[k].SchemaFormat == formatJSONSchema {
					m.ContentType = "application/json"
				}
			}
			comp.Messages[mk] = m
			ch.Messages[chk] = ref{"#/components/messages/" + mk}
		}
		doc.Channels[key] = ch
	}
	if len(comp.Schemas)+len(comp.Messages)+len(comp.SecuritySchemes) > 0 {
		doc.Components = comp
	}
	return doc, nil
}

func envSuffix(env string) string {
	if env == "" {
		return ""
	}
	return " (" + env + ")"
}

func registrySuffix(s *snapshot.Snapshot) string {
	if s.Registry == nil {
		return ", no Schema Registry"
	}
	return fmt.Sprintf(", %d registry subjects", len(s.Registry.Subjects))
}

// topicConfiguration is the binding's topicConfiguration: every key the binding defines that
// the snapshot knows. A snapshot listing every config (Kafka's defaults included) that has no
// confluent.*.schema.validation comes from a broker without broker-side schema validation
// (Apache Kafka), where it is false; an older snapshot leaves them out.
func topicConfiguration(t *snapshot.Topic, d *site.TopicData, full bool) map[string]any {
	out := map[string]any{}
	get := func(name string) (string, bool) {
		for _, c := range t.Configs {
			if c.Name == name && !c.Sensitive {
				return c.Value, true
			}
		}
		return "", false
	}
	if v, ok := get("cleanup.policy"); ok {
		var ps []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p == "compact" || p == "delete" {
				ps = append(ps, p)
			}
		}
		if ps != nil {
			out["cleanup.policy"] = ps
		}
	} else if full {
		out["cleanup.policy"] = []string{"delete"}
	}
	for _, k := range []struct {
		name string
		min  int64
	}{{"retention.ms", -1}, {"retention.bytes", -1}, {"delete.retention.ms", 0}, {"max.message.bytes", 0}} {
		if v, ok := get(k.name); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= k.min {
				out[k.name] = n
			}
		}
	}
	for _, role := range []string{"key", "value"} {
		name := "confluent." + role + ".schema.validation"
		if v, ok := get(name); ok {
			if b, err := strconv.ParseBool(v); err == nil {
				out[name] = b
			}
		} else if full {
			out[name] = false
		}
		sname := "confluent." + role + ".subject.name.strategy"
		if v, ok := get(sname); ok {
			out[sname] = v
		} else {
			for _, ts := range d.Schemas {
				if ts.Role == role {
					if s := lookupStrategies[ts.Strategy]; s != "" {
						out[sname] = "io.confluent.kafka.serializers.subject." + s
					}
					break
				}
			}
		}
	}
	return out
}

// appDocument builds an application's document: its operations on the estate document's
// channels, which it references, with the estate's servers.
func (in Input) appDocument(c *cluster, a *app, est *document) *document {
	s := c.snap
	estate := path.Base(estatePath(c))
	rel := "../" + estate
	doc := &document{AsyncAPI: AsyncAPIVersion, ID: "urn:kdocs:" + componentKey(c.model.Name) + ":" + componentKey(a.name),
		Info:    info{Title: a.name, Version: takenAt(s), Cluster: c.model.Name, Environment: c.model.Environment, TakenAt: takenAt(s)},
		Servers: map[string]any{}, Channels: map[string]any{}, Operations: map[string]*operation{}}
	for k := range est.Servers {
		doc.Servers[k] = ref{rel + "#/servers/" + k}
	}
	var desc []string
	if an := a.annotation(); an != nil {
		doc.Info.Owner, doc.Info.Team = an.Owner, an.Team
		doc.Info.Tags = tags(an.Tags)
		if an.Description != "" {
			desc = append(desc, an.Description)
		}
	}
	if a.group != nil {
		doc.Info.ExternalDocs = in.docs(c.pages[a.group], "The consumer group in kdocs")
	}
	what := fmt.Sprintf("Application %s (%s) on cluster %s: sends to %s, receives from %s",
		a.name, a.kind, c.model.Name, topicCount(len(a.sends)), topicCount(len(a.receives)))
	if a.kind == kindConnector {
		what = fmt.Sprintf("Connector %s of Kafka Connect cluster %s, on cluster %s: sends to %s, receives from %s",
			a.connector, a.connect, c.model.Name, topicCount(len(a.sends)), topicCount(len(a.receives)))
	}
	if a.group != nil {
		what += fmt.Sprintf(" as consumer group %q", a.group.ID)
	}
	desc = append(desc, what+". Evidence: "+a.evidence()+".")
	doc.Info.Kind, doc.Info.Evidence = a.kind, a.evidence()
	doc.Info.Description = strings.Join(desc, "\n\n")
	addChannel := func(topic string) bool {
		if est.Channels[topic] == nil {
			return false
		}
		doc.Channels[topic] = ref{rel + "#/channels/" + topic}
		return true
	}
	for _, t := range a.sends {
		if !addChannel(t) {
			continue
		}
		doc.Operations[componentKey("send-"+t)] = &operation{Action: "send", Channel: ref{"#/channels/" + t},
			Title: "Send to " + t, Summary: fmt.Sprintf("%s writes to %s (%s).", a.name, t, a.evidence())}
	}
	for _, t := range a.receives {
		if !addChannel(t) {
			continue
		}
		op := &operation{Action: "receive", Channel: ref{"#/channels/" + t}, Title: "Receive from " + t,
			Summary: fmt.Sprintf("%s reads %s (%s).", a.name, t, a.evidence())}
		if a.group != nil {
			op.Summary = fmt.Sprintf("%s reads %s as consumer group %s (%s).", a.name, t, a.group.ID, a.evidence())
			b := kafkaOperationBinding{GroupID: &enumSchema{Type: "string", Enum: []string{a.group.ID}}, BindingVersion: bindingVersion}
			if len(a.clientIDs) > 0 {
				b.ClientID = &enumSchema{Type: "string", Enum: a.clientIDs}
			}
			op.Bindings = &operationBindings{Kafka: b}
		}
		doc.Operations[componentKey("receive-"+t)] = op
	}
	return doc
}

func topicCount(n int) string {
	if n == 1 {
		return "1 topic"
	}
	return strconv.Itoa(n) + " topics"
}
