package render

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/templates"
	"github.com/kdocs/kdocs/themes"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// renderSite builds the site of snaps, renders it with Markdown, and returns a reader of its
// files by path (a page's .md from the render result, anything else from the output dir).
func renderSite(t *testing.T, snaps ...*snapshot.Snapshot) (read func(name string) string, res *Result) {
	t.Helper()
	s, err := site.Build("Acme", snaps, nil)
	require.NoError(t, err)
	out := t.TempDir()
	res, err = newRenderer(t).Render(context.Background(), s, out, RenderOptions{Markdown: true})
	require.NoError(t, err)
	return func(name string) string {
		t.Helper()
		for _, f := range res.Markdown {
			if f.Path == name {
				return string(f.Data)
			}
		}
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		require.NoError(t, err)
		return string(b)
	}, res
}

func newRenderer(t *testing.T) *Renderer {
	t.Helper()
	theme, err := fs.Sub(themes.FS, "default")
	require.NoError(t, err)
	r, err := New(Options{Theme: theme, Templates: templates.FS, BaseURL: "/kdocs/", Print: true})
	require.NoError(t, err)
	return r
}

func fixtureSite(t *testing.T) *site.Site {
	t.Helper()
	snap, err := snapshot.Load("testdata/prod.json")
	require.NoError(t, err)
	guide, err := site.ParseContent("guide.md", "content/guide.md", []byte("---\ntitle: Guide\n---\nSee [conventions](conventions.md#topics), [missing](nope.md) and ![logo](img/logo.png).\n"))
	require.NoError(t, err)
	// Annotations: front matter values are plain text, the body is Markdown whose links are
	// written from content/topics/.
	topic, err := site.ParseContent("topics/orders.created.md", "content/topics/orders.created.md", []byte("---\n"+
		"owner: team-orders\nteam: Orders <b>core</b>\ndescription: One event per **placed** order.\ntags: [orders, pii]\n"+
		"producers: [checkout-service, \"legacy] --> x\"]\nrunbook: ../guide.md\n"+
		"links:\n  - {title: Dashboard, url: \"https://grafana.example/d/orders (prod)\"}\n  - {title: Logo, url: ../img/logo.png}\n"+
		"---\n## Notes\n\nKeyed by order id; see the [guide](../guide.md#guide).\n"))
	require.NoError(t, err)
	group, err := site.ParseContent("groups/billing-service.md", "content/groups/billing-service.md", []byte("---\nowner: team-billing\n---\nBills every order.\n"))
	require.NoError(t, err)
	s, err := site.Build("Acme Kafka", []*snapshot.Snapshot{snap}, []site.Content{guide, topic, group})
	require.NoError(t, err)
	return s
}

// golden compares got with testdata/golden/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, got, 0o644))
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err, "run go test -update to create the golden file")
	assert.Equal(t, string(want), string(got), "%s differs from the golden file; if the change is intended, run go test ./generator/render/ -update", name)
}

func TestGoldenMarkdown(t *testing.T) {
	r := newRenderer(t)
	s := fixtureSite(t)
	// One page of each kind. Subject pages are left to their own tests: their template changes
	// often, and a golden file of one would make every such change a merge conflict here.
	for file, pagePath := range map[string]string{
		"topic.md":   "clusters/prod/topics/orders.created",
		"group.md":   "clusters/prod/groups/billing-service",
		"cluster.md": "clusters/prod/index",
		"brokers.md": "clusters/prod/brokers",
		"404.md":     "404",
		"home.md":    "index",
		"topics.md":  "clusters/prod/topics/index",
		"groups.md":  "clusters/prod/groups/index",
		"flows.md":   "clusters/prod/flows",
		"acls.md":    "clusters/prod/acls",
	} {
		t.Run(file, func(t *testing.T) {
			p := s.Page(pagePath)
			if pagePath == "404" { // not a page of the model: the renderer adds it
				p = &site.Page{Path: "404", Title: "Page not found", Template: notFoundTemplate}
			}
			require.NotNil(t, p, pagePath)
			md, err := r.Markdown(s, p)
			require.NoError(t, err)
			golden(t, file, md)
		})
	}
}

func TestEscape(t *testing.T) {
	cases := map[string]string{
		"orders.created":              "orders.created",
		"payments_v2":                 `payments\_v2`,
		"<script>alert(1)</script>|x": `\<script\>alert(1)\</script\>\|x`,
		"a\nb\r\tc":                   "a b  c",
		"- item":                      `\- item`,
		"1. first":                    `1\. first`,
		"v1.2":                        "v1.2",
		"[x](javascript:alert(1))":    `\[x\](javascript:alert(1))`,
		"`code` *em* ~~s~~ # &amp;":   "\\`code\\` \\*em\\* \\~\\~s\\~\\~ \\# \\&amp;",
	}
	for in, want := range cases {
		assert.Equal(t, want, Escape(in), "Escape(%q)", in)
	}
}

func TestFenceOutlastsBackticks(t *testing.T) {
	assert.Equal(t, "```json\n{}\n```", fence("json", "{}\n"))
	assert.Equal(t, "`````\na ```` b\n`````", fence("", "a ```` b"))
}

func TestHTML(t *testing.T) {
	r := newRenderer(t)
	s := fixtureSite(t)
	out := t.TempDir()
	res, err := r.Render(context.Background(), s, out, RenderOptions{Markdown: true})
	require.NoError(t, err)
	assert.Equal(t, len(s.Pages), res.Pages)
	assert.Len(t, res.Markdown, len(s.Pages))
	assert.Equal(t, []string{`content/guide.md: link "conventions.md#topics" leads to no page`, `content/guide.md: link "nope.md" leads to no page`}, res.Warnings)

	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		require.NoError(t, err)
		return string(b)
	}

	// Mermaid as a <pre class="mermaid"> with escaped text, and the script only where needed.
	overview := read("clusters/prod/index.html")
	assert.Contains(t, overview, `<pre class="mermaid">flowchart LR`)
	assert.Contains(t, overview, `<script src="../../vendor/mermaid/mermaid.min.js"></script>`)
	assert.NotContains(t, read("clusters/prod/topics/index.html"), "mermaid.min.js")

	// Schemas highlighted at build time with chroma classes.
	subject := read("clusters/prod/schemas/orders.created-value.html")
	assert.Contains(t, subject, `<pre class="chroma">`)
	assert.Contains(t, read("clusters/prod/schemas/payments.settled-value.html"), `<span class="k">syntax</span>`)
	assert.Contains(t, read("css/syntax.css"), ".chroma")

	// Links: .md → .html relative to the page; the navigation is the shared js/nav.js, led to
	// the root by its <nav>.
	guide := read("guide.html")
	assert.Contains(t, guide, `href="conventions.md#topics"`, "a link to a missing page is left alone")
	assert.Contains(t, guide, `<nav class="site-nav" aria-label="Site" data-root="" data-path="guide" data-section="guide">`+"\n"+`<script src="js/nav.js"></script>`)
	assert.Contains(t, read("js/nav.js"), `["prod","clusters/prod/index",[["Brokers","clusters/prod/brokers"]`)
	topic := read("clusters/prod/topics/orders.created.html")
	assert.Contains(t, topic, `href="../groups/billing-service.html"`)
	assert.Contains(t, topic, `href="../../../css/kdocs.css"`)

	// The annotation: links rebased from content/topics/ onto the topic page, plain text
	// escaped, the problem row marked, tables named after their heading.
	assert.Contains(t, topic, `<strong>Runbook:</strong> <a href="../../../guide.html">Guide</a>`)
	assert.Contains(t, topic, `<a href="https://grafana.example/d/orders%20(prod)">Dashboard</a>`)
	assert.Contains(t, topic, `<a href="../../../img/logo.png">Logo</a>`)
	assert.Contains(t, topic, `see the <a href="../../../guide.html#guide">guide</a>`)
	assert.Contains(t, topic, `One event per **placed** order.`)
	assert.Contains(t, topic, `Orders &lt;b&gt;core&lt;/b&gt;`)
	assert.Contains(t, topic, `<tr class="problem">`)
	// Section headings link to themselves; the page's title does not.
	assert.Contains(t, topic, `<h2 id="partitions"><a href="#partitions">Partitions</a></h2>`)
	assert.Regexp(t, `<h1 id="[^"]+">orders.created</h1>`, topic)
	// Breadcrumbs from the page itself.
	assert.Contains(t, topic, `<nav class="crumbs" aria-label="Breadcrumb"><a href="../../../index.html">Home</a> › <a href="../index.html">prod</a> › <a href="index.html">Topics</a> › </nav>`)
	// Alignment once per table, a class per column: partition, leaders and offsets right-aligned.
	assert.Contains(t, topic, `<table aria-label="Partitions" class="r1 r2 r3 r6 r7 r8">`)
	assert.Contains(t, topic, `<tr><th>Partition<th>Leader<th>`)
	assert.NotContains(t, topic, `<td class=`)
	assert.Contains(t, read("css/kdocs.css"), `table.r8 tr > :nth-child(8)`)
	assert.Contains(t, read("clusters/prod/topics/index.html"), `<td>team-orders<td>`)

	// The print view: chapters in order, anchors for page links, assets re-based.
	print := read("print/index.html")
	assert.Contains(t, print, `<html lang="en" class="print-view">`)
	assert.Contains(t, print, `id="page:clusters:prod:topics:orders.created"`)
	assert.Contains(t, print, `href="#page:clusters:prod:groups:billing-service"`)
	assert.Contains(t, print, `src="../img/logo.png"`)
	assert.Less(t, strings.Index(print, `id="page:index"`), strings.Index(print, `id="page:clusters:prod:index"`))
	assert.Less(t, strings.Index(print, `id="page:clusters:prod:schemas:payments.settled-value"`), strings.Index(print, `id="page:guide"`))
	assert.Contains(t, print, "vendor/mermaid/mermaid.min.js")
	// A page parsed once and rendered twice renders the same both times (the table extension
	// sets alignment attributes while it renders).
	assert.NotContains(t, print, `class="r1 r2 r3 r6 r7 r8" class=`)
	assert.Contains(t, print, `<table aria-label="Partitions" class="r1 r2 r3 r6 r7 r8">`)
	assert.Equal(t, strings.Count(print, "<section "), len(s.Pages), "one chapter per page")

	// 404 and sitemap use the base URL; everything else is relative.
	notFound := read("404.html")
	assert.Contains(t, notFound, `href="/kdocs/index.html"`)
	assert.Contains(t, notFound, `href="/kdocs/css/kdocs.css"`)
	assert.Contains(t, read("sitemap.xml"), "<sitemap><loc>/kdocs/sitemap-1.xml</loc></sitemap>", "sitemap.xml is the index")
	assert.Contains(t, read("sitemap-1.xml"), "<loc>/kdocs/clusters/prod/topics/orders.created.html</loc>")
	_, err = os.Stat(filepath.Join(out, ".nojekyll"))
	assert.NoError(t, err)
	assert.Equal(t, "# Generated by kdocs.\nUser-agent: *\nAllow: /\n", read("robots.txt"), "no Sitemap line: the base URL is not absolute")
}

func TestRobotsNamesAnAbsoluteSitemap(t *testing.T) {
	theme, err := fs.Sub(themes.FS, "default")
	require.NoError(t, err)
	r, err := New(Options{Theme: theme, Templates: templates.FS, BaseURL: "https://acme.github.io/kdocs"})
	require.NoError(t, err)
	assert.Contains(t, string(r.robots()), "\nSitemap: https://acme.github.io/kdocs/sitemap.xml\n")
}
