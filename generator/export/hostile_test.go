package export_test

// Names and descriptions that YAML would read as something else (anchors, aliases, flow
// collections, document markers, comments, booleans, newlines, template braces) and a topic name
// of Kafka's maximum length go through every format and read back exactly.

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/kdocs/kdocs/generator/export"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

var (
	longTopic    = strings.Repeat("a.b-c_", 41) + "xyz" // 249 characters, Kafka's limit
	oddTopic     = "-leading_and.trailing-"
	hostileGroup = "grp: &anchor *alias {{ .Secret }}\n- item # not a comment\n---\nkind: Evil"
	hostileOwner = "team: *ref & {{owner}} 'q' \"dq\""
	hostileDesc  = "Line one: with colon\n  indented & *star\n---\n... {{ template }} #hash  \nnull\ntrue\n\ttab\r\nend"
	hostileApp   = "svc\n---\nkind: Injected"
	hostileTags  = []string{"a b", "&x", "{{t}}", "yes", "Ünïcode"}
)

func hostileInput(t testing.TB) export.Input {
	t.Helper()
	require.Len(t, longTopic, 249)
	snap := &snapshot.Snapshot{Format: snapshot.Format, TakenAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "hostile", ID: "x", Brokers: []snapshot.Broker{{ID: 1, Host: "kafka-1", Port: 9092}}}}
	for _, name := range []string{longTopic, oddTopic, "Case.Topic", "case.topic"} {
		snap.Topics = append(snap.Topics, snapshot.Topic{Name: name, ReplicationFactor: 1,
			Partitions: []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}})
	}
	snap.Groups = []snapshot.Group{{ID: hostileGroup, State: "Stable", Offsets: []snapshot.GroupOffset{{Topic: longTopic, Partition: 0}}}}
	snap.Normalize()
	fm := func(v map[string]any) string {
		data, err := yaml.Marshal(v)
		require.NoError(t, err)
		return string(data)
	}
	content := []site.Content{
		{Path: "topics/long.md", File: "topics/long.md", FrontMatter: fm(map[string]any{"name": longTopic, "owner": hostileOwner,
			"description": hostileDesc, "tags": hostileTags, "producers": []string{hostileApp}})},
		{Path: "groups/g.md", File: "groups/g.md", FrontMatter: fm(map[string]any{"name": hostileGroup, "owner": hostileOwner,
			"description": hostileDesc, "tags": hostileTags})},
	}
	model, err := site.Build("Hostile", []*snapshot.Snapshot{snap}, content)
	require.NoError(t, err)
	return export.Input{Site: model, Snapshots: []*snapshot.Snapshot{snap}, SiteURL: siteURL}
}

func TestHostileNamesRoundTrip(t *testing.T) {
	in := hostileInput(t)
	files, err := export.AsyncAPI(in)
	require.NoError(t, err)
	require.Len(t, files, 3, "the estate and two applications")
	est := decode(t, fileByPath(t, files, "hostile.yaml"))
	ch := at(t, est, "channels", longTopic)
	assert.Equal(t, longTopic, at(t, ch, "address"))
	assert.Equal(t, hostileDesc, at(t, ch, "description"))
	assert.Equal(t, hostileOwner, at(t, ch, "x-kdocs-owner"))
	assert.Equal(t, []any{hostileApp}, at(t, ch, "x-kdocs-declared-producers"))
	assert.Equal(t, []any{hostileGroup}, at(t, ch, "x-kdocs-consumer-groups"))
	var tagNames []string
	for _, tg := range at(t, ch, "tags").([]any) {
		tagNames = append(tagNames, at(t, tg, "name").(string))
	}
	assert.Subset(t, tagNames, hostileTags)

	var group, app map[string]any
	for _, f := range files[1:] {
		d := decode(t, f.Data)
		switch at(t, d, "info", "title") {
		case hostileGroup:
			group = d
		case hostileApp:
			app = d
		}
	}
	require.NotNil(t, group, "the group's document, titled with its id")
	require.NotNil(t, app, "the producer's document, titled with its name")
	assert.Equal(t, hostileOwner, at(t, group, "info", "x-kdocs-owner"))
	assert.True(t, strings.HasPrefix(at(t, group, "info", "description").(string), hostileDesc))
	var op any
	for _, o := range at(t, group, "operations").(map[string]any) {
		op = o
	}
	assert.Equal(t, []any{hostileGroup}, at(t, op, "bindings", "kafka", "groupId", "enum"))
	assert.Equal(t, "../hostile.yaml#/channels/"+longTopic, at(t, group, "channels", longTopic, "$ref"))

	// Backstage: valid names, the real ones in titles and annotations.
	bfiles, err := export.Backstage(in)
	require.NoError(t, err)
	ents := entities(t, bfiles[0].Data)
	var topic, comp map[string]any
	for _, e := range ents {
		anns, _ := at(t, e, "metadata").(map[string]any)["annotations"].(map[string]any)
		if e["kind"] == "Resource" && anns["kdocs.io/topic"] == longTopic {
			topic = e
		}
		if e["kind"] == "Component" && anns["kdocs.io/application"] == hostileGroup {
			comp = e
		}
	}
	require.NotNil(t, topic)
	require.NotNil(t, comp)
	name := at(t, topic, "metadata", "name").(string)
	assert.LessOrEqual(t, len(name), 63)
	assert.Equal(t, longTopic, at(t, topic, "metadata", "title"))
	assert.Equal(t, hostileDesc, at(t, topic, "metadata", "description"))
	assert.Equal(t, hostileOwner, at(t, topic, "metadata", "annotations", "kdocs.io/owner"))
	assert.Equal(t, hostileGroup, at(t, comp, "metadata", "title"))
	assert.Equal(t, hostileGroup, at(t, comp, "metadata", "annotations", "kdocs.io/consumer-group"))
	odd := findEntity(t, ents, "Resource", at(t, func() map[string]any {
		for _, e := range ents {
			if anns, _ := at(t, e, "metadata").(map[string]any)["annotations"].(map[string]any); anns["kdocs.io/topic"] == oddTopic {
				return e
			}
		}
		return nil
	}(), "metadata", "name").(string))
	assert.Equal(t, oddTopic, at(t, odd, "metadata", "title"))

	// Names that differ only in case stay two entities (the validator checks uniqueness as
	// Backstage does, without case).
	var caseNames []string
	for _, e := range ents {
		if anns, _ := at(t, e, "metadata").(map[string]any)["annotations"].(map[string]any); e["kind"] == "Resource" &&
			strings.EqualFold(anns["kdocs.io/topic"].(string), "case.topic") {
			caseNames = append(caseNames, at(t, e, "metadata", "name").(string))
		}
	}
	require.Len(t, caseNames, 2)
	assert.NotEqual(t, strings.ToLower(caseNames[0]), strings.ToLower(caseNames[1]))

	// The mapping depends on the names alone: the same export twice is the same bytes.
	again, err := export.Backstage(hostileInput(t))
	require.NoError(t, err)
	assert.Equal(t, string(bfiles[0].Data), string(again[0].Data))

	// And the tools accept them.
	dir := t.TempDir()
	validate(t, "validate-asyncapi.mjs", writeAll(t, dir, files)...)
	validate(t, "validate-backstage.mjs", writeAll(t, t.TempDir(), bfiles)[0])
}
