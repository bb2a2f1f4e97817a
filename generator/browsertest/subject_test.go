package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

const hostileDoc = "<img src=x onerror=alert(1)> **bold** ]] --> `tick`"

// schemaSite is a cluster whose registry holds an Avro subject with a breaking second version,
// a Protobuf and a JSON subject, a RecordName subject linked by site.yaml, a schema that does
// not parse, and a subject whose name and docs are hostile.
func schemaSite(t *testing.T) *config.Site {
	t.Helper()
	dir := t.TempDir()
	part := snapshot.Partition{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 5}
	avro := func(name string, fields ...string) string {
		return `{"type":"record","name":"` + name + `","namespace":"com.acme","fields":[` + strings.Join(fields, ",") + `]}`
	}
	version := func(n int, typ, schema string) snapshot.SchemaVersion {
		return snapshot.SchemaVersion{Version: n, ID: 10 + n, Type: typ, Schema: schema}
	}
	snap := &snapshot.Snapshot{
		Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "schemas", ControllerID: 1, Brokers: []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092}}},
		Topics: []snapshot.Topic{
			{Name: "orders", ReplicationFactor: 1, Partitions: []snapshot.Partition{part}},
			{Name: "returns", ReplicationFactor: 1, Partitions: []snapshot.Partition{part}},
			{Name: "payments", ReplicationFactor: 1, Partitions: []snapshot.Partition{part}},
		},
		Registry: &snapshot.Registry{URL: "http://registry:8081", Compatibility: "BACKWARD", Subjects: []snapshot.Subject{
			{Name: "orders-value", Versions: []snapshot.SchemaVersion{
				version(1, "", avro("Order", `{"name":"id","type":"string","doc":"The order id"}`)),
				version(2, "", avro("Order", `{"name":"id","type":"string","doc":"The order id"}`, `{"name":"total","type":"long"}`)),
			}},
			{Name: "com.acme.Return", Versions: []snapshot.SchemaVersion{version(1, "", avro("Return", `{"name":"id","type":"string"}`))}},
			{Name: "payments-value", Versions: []snapshot.SchemaVersion{version(1, "PROTOBUF",
				"syntax = \"proto3\";\npackage acme;\nmessage Payment {\n  string id = 1;\n  int64 amount = 2;\n}\n")}},
			{Name: "stock-value", Versions: []snapshot.SchemaVersion{version(1, "JSON",
				`{"title":"Stock","type":"object","properties":{"sku":{"type":"string"}}}`)}},
			{Name: "broken-value", Versions: []snapshot.SchemaVersion{version(1, "", `{"type":"record","name":"B","fields":[{"name":"x","type":"nope"}]}`)}},
			{Name: hostileImg + " " + hostileMark, Versions: []snapshot.SchemaVersion{version(1, "",
				avro("Hostile", fmt.Sprintf(`{"name":"a","type":"string","doc":%q}`, hostileDoc)))}},
		}},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "schemas.json"), snap))
	yaml := "title: Schemas\nbaseURL: /\nclusters:\n  - name: schemas\n    snapshot: schemas.json\n" +
		"    topics:\n      returns: {subjectNameStrategy: RecordName, valueRecord: com.acme.Return}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(yaml), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

// sectionJS returns the elements of the page between the h2 named title and the next h2.
const sectionJS = `function section(title) {
	const h = [...document.querySelectorAll('.content h2')].find((h) => h.textContent.trim() === title);
	const out = [];
	for (let e = h && h.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling) out.push(e);
	return out;
}
function rows(title) {
	return section(title).flatMap((e) => [...(e.matches('table') ? [e] : e.querySelectorAll('table'))])
		.flatMap((t) => [...t.tBodies[0].rows]).map((tr) => [...tr.cells].map((c) => c.textContent.trim()));
}`

// A subject page as a reader sees it: the field table, the diff with the breaking change
// marked, the schema text, and the link to the topic that uses it.
func TestSubjectPage(t *testing.T) {
	ctx, home := browseSite(t, schemaSite(t), time.Minute)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/schemas/schemas/orders-value.html")))
	type subjectPage struct {
		Fields, Topics, Versions [][]string
		Changes                  [][]string
		BreakingMarks            int
		Schema                   string
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[subjectPage](`(() => { `+sectionJS+`
		return {Fields: rows('Fields'), Topics: rows('Topics'), Versions: rows('Versions'),
			Changes: (() => {
				const h = [...document.querySelectorAll('.content h3')].find((h) => h.textContent.startsWith('Version 2'));
				const out = [];
				for (let e = h && h.nextElementSibling; e && !/^H[23]$/.test(e.tagName); e = e.nextElementSibling) {
					(e.matches('table') ? [e] : [...e.querySelectorAll('table')]).forEach((t) => out.push(...[...t.tBodies[0].rows].map((tr) => [...tr.cells].map((c) => c.textContent.trim()))));
				}
				return out;
			})(),
			BreakingMarks: [...document.querySelectorAll('.content td strong')].filter((s) => s.textContent === 'breaking').length,
			Schema: section('Schema').map((e) => e.textContent).join('')};
	})()`))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"id", "string", "yes", "", "", "The order id"}, {"total", "long", "yes", "", "", ""}}, p.Fields)
	assert.Equal(t, [][]string{{"orders", "value", "TopicName"}}, p.Topics)
	require.Len(t, p.Changes, 1)
	assert.Equal(t, []string{"total", "added", "", "long"}, p.Changes[0][:4])
	assert.True(t, strings.HasPrefix(p.Changes[0][4], "⚠ breaking: "), "the verdict says breaking: %q", p.Changes[0][4])
	assert.Equal(t, 1, p.BreakingMarks)
	assert.Contains(t, p.Versions[1][4], "1 breaking")
	assert.Contains(t, p.Schema, `"name": "total"`, "the raw schema, indented")
	hl, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.content pre code[class*="json"], .content pre[class*="json"], .content pre .chroma, .content pre span[class]').length`))
	require.NoError(t, err)
	assert.Positive(t, hl, "the schema is highlighted")

	// The topic link leads to the topic, whose schemas block links back.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { `+sectionJS+`
		return section('Topics').flatMap((e) => [...e.querySelectorAll('a')]).find((a) => a.textContent === 'orders').href; })()`))
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(href, "/clusters/schemas/topics/orders.html"), href)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(href)))
	h1, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.content h1').textContent`))
	require.NoError(t, err)
	assert.Equal(t, "orders", h1)
	back, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { `+sectionJS+` return rows('Schemas').map((r) => r.join(' | ')); })()`))
	require.NoError(t, err)
	assert.Equal(t, []string{"value | orders-value | 2 | AVRO | 12 | TopicName"}, back)

	// The RecordName link comes from site.yaml's per-topic override.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/schemas/topics/returns.html")))
	back, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { `+sectionJS+` return rows('Schemas').map((r) => r.join(' | ')); })()`))
	require.NoError(t, err)
	assert.Equal(t, []string{"value | com.acme.Return | 1 | AVRO | 11 | RecordName"}, back)

	// A schema that does not parse: the error and its text.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/schemas/schemas/broken-value.html")))
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.content').innerText`))
	require.NoError(t, err)
	assert.Contains(t, text, "The schema could not be read")
	assert.Contains(t, text, "nope")
	assert.Contains(t, text, `"name": "B"`)
	assert.Empty(t, ConsoleErrors(ctx))
}

// The schema catalog filters and sorts in the browser, with the topics catalog's mechanism.
func TestSchemaCatalogFilter(t *testing.T) {
	ctx, home := browseSite(t, schemaSite(t), time.Minute)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/schemas/schemas/index.html")))
	type state struct {
		Visible [][]string
		Total   int
		Count   string
	}
	read := func() state {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[state](`(() => {
			const trs = [...document.querySelectorAll('.content table tbody tr')];
			return {Visible: trs.filter((tr) => !tr.hidden).map((tr) => [...tr.cells].map((c) => c.textContent.trim())), Total: trs.length,
				Count: (document.querySelector('.table-count') || {}).textContent || ''};
		})()`))
		require.NoError(t, err)
		return s
	}
	all := read()
	require.Equal(t, 6, all.Total)
	assert.Len(t, all.Visible, 6)
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("input.table-filter"), "protobuf")))
	f := read()
	require.Len(t, f.Visible, 1)
	assert.Equal(t, []string{"payments-value", "PROTOBUF", "1", "1", "BACKWARD", "payments (value)", "2"}, f.Visible[0])
	assert.Equal(t, "1 of 6 subjects", f.Count)

	// Sort by field count, descending on the second click.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector('input.table-filter');
		i.value = ''; i.dispatchEvent(new Event('input')); return true; })()`))
	require.NoError(t, err)
	for range 2 {
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.content thead th:nth-child(7) button`))))
	}
	sorted := read()
	assert.Equal(t, "orders-value", sorted.Visible[0][0], "the subject with the most fields first")
	assert.Empty(t, ConsoleErrors(ctx))
}

// A subject whose name and docs hold HTML, Markdown and Mermaid renders them as text.
func TestHostileSubjectRendersInert(t *testing.T) {
	ctx, home := browseSite(t, schemaSite(t), time.Minute)
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__dialogs = 0; window.alert = window.confirm = window.prompt = function () { window.__dialogs++; };`})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/schemas/schemas/index.html")))
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.content tbody a')].find((a) => a.textContent.startsWith('<img')).href`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(link)))
	time.Sleep(200 * time.Millisecond) // an injected <img src=x> would have fired onerror by now
	c, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Dialogs, Injected, Emphasis int
		Title, Doc                  string
	}](`(() => ({
		Dialogs: window.__dialogs,
		Injected: document.querySelectorAll('.content img, [onerror], .content script, .content pre.mermaid').length,
		Emphasis: [...document.querySelectorAll('.content strong, .content em, .content code')].filter((e) => /^(bold|tick)$/.test(e.textContent.trim())).length,
		Title: document.querySelector('.content h1').textContent,
		Doc: [...document.querySelectorAll('.content td')].map((td) => td.textContent).find((t) => t.includes('onerror')) || '',
	}))()`))
	require.NoError(t, err)
	assert.Zero(t, c.Dialogs)
	assert.Zero(t, c.Injected)
	assert.Zero(t, c.Emphasis)
	assert.Equal(t, hostileImg+" "+hostileMark, c.Title)
	assert.Equal(t, hostileDoc, c.Doc)
}
