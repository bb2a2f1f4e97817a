package site

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func avroRecord(name string, fields ...string) string {
	return `{"type":"record","name":"` + name + `","namespace":"com.acme","fields":[` + strings.Join(fields, ",") + `]}`
}

func schemaFixture() *snapshot.Snapshot {
	v := func(n int, schema string) snapshot.SchemaVersion {
		return snapshot.SchemaVersion{Version: n, ID: n, Schema: schema}
	}
	s := &snapshot.Snapshot{
		Cluster: snapshot.Cluster{Name: "prod"},
		Topics: []snapshot.Topic{
			{Name: "orders"}, {Name: "returns"}, {Name: "payments"}, {Name: "audit"}, {Name: "__consumer_offsets", Internal: true},
		},
		Registry: &snapshot.Registry{URL: "http://sr", Compatibility: "BACKWARD", Subjects: []snapshot.Subject{
			{Name: "orders-value", Versions: []snapshot.SchemaVersion{
				v(1, avroRecord("Order", `{"name":"id","type":"string"}`)),
				v(2, avroRecord("Order", `{"name":"id","type":"string"}`, `{"name":"total","type":"long"}`)),
			}},
			{Name: "com.acme.Return", Versions: []snapshot.SchemaVersion{v(1, avroRecord("Return", `{"name":"id","type":"string"}`))}},
			{Name: "payments-com.acme.Paid", Versions: []snapshot.SchemaVersion{v(1, avroRecord("Paid", `{"name":"id","type":"string"}`))}},
			{Name: "payments-com.acme.Refused", Versions: []snapshot.SchemaVersion{v(1, avroRecord("Refused", `{"name":"id","type":"string"}`))}},
			{Name: "payments-com.acme.PayKey", Versions: []snapshot.SchemaVersion{v(1, avroRecord("PayKey", `{"name":"id","type":"string"}`))}},
			// Named like a TopicRecordName subject, but its record is another: not linked.
			{Name: "payments-com.acme.Liar", Versions: []snapshot.SchemaVersion{v(1, avroRecord("Other", `{"name":"id","type":"string"}`))}},
			{Name: "broken-value", Versions: []snapshot.SchemaVersion{v(1, `{"type":"record","name":"B","fields":[{"name":"x","type":"nope"}]}`)}},
			{Name: "<img src=x onerror=alert(1)>", Versions: []snapshot.SchemaVersion{
				v(1, avroRecord("H", `{"name":"a","type":"string","doc":"<b>**x**</b>\n# h\n`+"```mermaid"+`"}`))}},
		}},
	}
	s.Normalize()
	return s
}

func TestSchemaNaming(t *testing.T) {
	naming := SchemaNaming{Strategy: StrategyTopicName, Topics: map[string]TopicNaming{
		"returns":  {Strategy: StrategyRecordName, ValueRecord: "com.acme.Return"},
		"payments": {Strategy: StrategyTopicRecordName, KeyRecord: "com.acme.PayKey"},
		"audit":    {ValueSubject: "audit-v0"},
		"gone":     {Strategy: StrategyRecordName, ValueRecord: "com.acme.Gone"},
	}, Lines: map[string]int{"gone": 12}}
	s, err := BuildEstate("x", []*snapshot.Snapshot{schemaFixture()}, nil, Estate{Schemas: map[string]SchemaNaming{"prod": naming}})
	require.NoError(t, err)

	topic := func(name string) *TopicData { return s.Page("clusters/prod/topics/" + name).Data.(*TopicData) }
	roles := func(d *TopicData) []string {
		var out []string
		for _, ts := range d.Schemas {
			out = append(out, ts.Role+" "+ts.Subject.Title+" "+ts.Strategy)
		}
		return out
	}
	assert.Equal(t, []string{"value orders-value TopicName"}, roles(topic("orders")))
	assert.Equal(t, []string{"value com.acme.Return RecordName"}, roles(topic("returns")))
	assert.Equal(t, []string{"key payments-com.acme.PayKey TopicRecordName", "value payments-com.acme.Paid TopicRecordName",
		"value payments-com.acme.Refused TopicRecordName"}, roles(topic("payments")))
	assert.Equal(t, "payments-com.acme.PayKey", topic("payments").KeySchema.Subject.Title)
	assert.Equal(t, "payments-com.acme.Paid", topic("payments").ValueSchema.Subject.Title)
	assert.Empty(t, topic("audit").Schemas)

	orphans := s.Page("clusters/prod/schemas/orphans").Data.(*OrphansData)
	var subjects []string
	for _, o := range orphans.Subjects {
		subjects = append(subjects, o.Title)
	}
	assert.Equal(t, []string{"<img src=x onerror=alert(1)>", "broken-value", "payments-com.acme.Liar"}, subjects)
	assert.Equal(t, []OrphanTopic{{Link: Link{Title: "audit", Path: "clusters/prod/topics/audit"}, Strategy: "TopicName",
		Looked: []string{"audit-key", "audit-v0"}}}, orphans.Topics, "internal topics are left out")

	assert.Contains(t, s.Warnings, `cluster "prod": topic "audit": site.yaml names subject "audit-v0" for its value, which the registry does not hold`)
	assert.Contains(t, s.Warnings, `cluster "prod": topics: "gone" (site.yaml line 12) is not a topic of the cluster; its subject naming is not used`)
}

func TestSchemaPages(t *testing.T) {
	s, err := Build("x", []*snapshot.Snapshot{schemaFixture()}, nil)
	require.NoError(t, err)
	var broken, hostile, orders *SubjectData
	var catalog *SubjectsData
	for _, p := range s.Pages {
		switch d := p.Data.(type) {
		case *SubjectData:
			switch d.Name {
			case "broken-value":
				broken = d
			case "orders-value":
				orders = d
			case "<img src=x onerror=alert(1)>":
				hostile = d
				assert.Regexp(t, regexp.MustCompile(`^clusters/prod/schemas/img-src-x-onerror-alert-1-[0-9a-f]{8}$`), p.Path)
			}
		case *SubjectsData:
			catalog = d
		}
	}

	// A schema that does not parse: its text and error on its page, a warning, the build goes on.
	require.NotNil(t, broken)
	assert.Contains(t, broken.Latest.ParseError, "nope")
	assert.Contains(t, broken.Latest.Schema, `"type": "nope"`)
	assert.Empty(t, broken.Fields)
	require.Len(t, s.Warnings, 1)
	assert.Regexp(t, `^cluster "prod": subject "broken-value": schema does not parse, shown as text \(v1: parse AVRO schema: .*nope`, s.Warnings[0])

	require.NotNil(t, orders)
	require.Len(t, orders.Versions[1].Changes, 1)
	assert.Equal(t, FieldChangeRow{Path: "total", Kind: "added", New: "long", Breaking: true, Reason: orders.Versions[1].Changes[0].Reason}, orders.Versions[1].Changes[0])
	assert.Equal(t, 1, orders.Versions[1].Breaking)
	assert.Equal(t, []FieldRow{{Name: "id", Path: "id", Type: "string", Required: true}, {Name: "total", Path: "total", Type: "long", Required: true}}, orders.Fields)

	require.NotNil(t, hostile)
	assert.Equal(t, "<b>**x**</b>\n# h\n```mermaid", hostile.Fields[0].Doc, "verbatim: the templates escape it")

	fields := map[string]int{}
	for _, r := range catalog.Subjects {
		fields[r.Title] = r.Fields
	}
	assert.Equal(t, -1, fields["broken-value"])
	assert.Equal(t, 2, fields["orders-value"])
}

// Subject names are unbounded, untrusted text: every one gets a safe file name, unique within
// the cluster's subjects, and the slug never depends on which other subjects exist.
func TestSubjectSlugs(t *testing.T) {
	names := []string{
		"orders-value", "Orders-value", "orders/value", "orders value", "orders\\value", "订单-value", "ünï-value",
		":.staging:orders-value", ":.staging:Orders-value", ":.prod:orders-value", "index", "orphans", "..", "",
		strings.Repeat("x", 300), strings.Repeat("x", 300) + "y", "CON", "a:b", "a?b", "a*b",
	}
	s := newSlugger("index", "orphans")
	seen := map[string]string{}
	safe := regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]*$`)
	for _, n := range names {
		slug := s.slug(n)
		assert.Regexp(t, safe, slug, "name %q", n)
		assert.LessOrEqual(t, len(slug), maxSlug+1+64, "name %q", n)
		assert.NotContains(t, []string{"index", "orphans", "con"}, slug, "name %q", n)
		assert.NotContains(t, slug, "..", "name %q", n)
		if other, dup := seen[slug]; dup {
			t.Errorf("%q and %q share the slug %q", n, other, slug)
		}
		seen[slug] = n
		assert.Equal(t, slug, s.slug(n), "stable")
		assert.Equal(t, slug, newSlugger("index", "orphans").slug(n), "independent of the other names")
	}
	assert.Equal(t, "orders-value", s.slug("orders-value"), "a plain name is its own slug")
	assert.Regexp(t, `^staging-orders-value-[0-9a-f]{8}$`, s.slug(":.staging:orders-value"), "the context stays readable")
}

// RecordName for a whole cluster links nothing by itself: a topic does not reveal its records,
// and the orphans page says what to declare.
func TestRecordNameNeedsRecords(t *testing.T) {
	s, err := BuildEstate("x", []*snapshot.Snapshot{schemaFixture()}, nil,
		Estate{Schemas: map[string]SchemaNaming{"prod": {Strategy: StrategyRecordName}}})
	require.NoError(t, err)
	orphans := s.Page("clusters/prod/schemas/orphans").Data.(*OrphansData)
	require.Len(t, orphans.Topics, 4)
	assert.Equal(t, []string{"<record full name>: name it with valueRecord in site.yaml"}, orphans.Topics[0].Looked)
	assert.Equal(t, "RecordName", orphans.Strategy)
}
