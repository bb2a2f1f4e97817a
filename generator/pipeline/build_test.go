package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

const hostileScript = "<script>alert(1)</script>|x"
const hostileMermaid = `evil"] --> n1["pwned`

// newSite writes a small site beside a temporary directory: site.yaml (base URL /kdocs/), a
// replayed snapshot with hostile names, and two content pages.
func newSite(t *testing.T) *config.Site {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	write("site.yaml", "title: Acme Kafka\nbaseURL: /kdocs/\nclusters:\n  - name: prod\n    environment: production\n    snapshot: fixtures/prod.json\n")
	write("content/getting-started.md", "---\ntitle: Getting started\nweight: 10\n---\nRead the [runbook](runbooks/consumer-lag.md).\n")
	write("content/runbooks/consumer-lag.md", "---\ntitle: Consumer lag\nweight: 20\n---\n# Consumer lag\n\n```mermaid\nflowchart TD\n  a[Lag alert] --> b{Growing?}\n```\n\nBack to [getting started](../getting-started.md). ![diagram](lag.svg)\n")
	write("content/runbooks/lag.svg", `<svg xmlns="http://www.w3.org/2000/svg"/>`)

	part := func(id, leader int32, latest int64) snapshot.Partition {
		return snapshot.Partition{ID: id, Leader: leader, Replicas: []int32{1, 2}, ISR: []int32{1, 2}, LatestOffset: latest}
	}
	snap := &snapshot.Snapshot{
		Format: snapshot.Format, TakenAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "prod", ControllerID: 1, Brokers: []snapshot.Broker{
			{ID: 1, Host: "k1", Port: 9092, Rack: hostileMermaid},
			{ID: 2, Host: hostileScript, Port: 9092, Rack: "b"},
		}},
		Topics: []snapshot.Topic{
			{Name: "orders.created", ReplicationFactor: 2, Partitions: []snapshot.Partition{part(0, 1, 10), part(1, 2, 20)}},
			{Name: hostileScript, ReplicationFactor: 2, Partitions: []snapshot.Partition{part(0, 1, 1)}},
			{Name: hostileMermaid, ReplicationFactor: 2, Partitions: []snapshot.Partition{part(0, 2, 1)}},
		},
		Groups: []snapshot.Group{{ID: hostileScript, State: "Stable", TotalLag: 3,
			Offsets: []snapshot.GroupOffset{{Topic: hostileScript, Partition: 0, Committed: 0, LatestOffset: 1, Lag: 1},
				{Topic: "orders.created", Partition: 1, Committed: 18, LatestOffset: 20, Lag: 2}}}},
		Registry: &snapshot.Registry{URL: "http://sr:8081", Compatibility: "BACKWARD", Subjects: []snapshot.Subject{
			{Name: "orders.created-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 1, Schema: `{"type":"string"}`}}},
			{Name: hostileScript + "-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 2, Type: "JSON", Schema: `{"description":"</code></pre><script>alert(2)</script>"}`}}},
		}},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "fixtures", "prod.json"), snap))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

// tree reads every file under dir, by slash path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	}))
	return files
}

var linkRE = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

func TestBuild(t *testing.T) {
	cfg := newSite(t)
	cfg.Print = true // site.yaml's print: true publishes the print view
	var logs bytes.Buffer
	res, err := Run(context.Background(), cfg, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	t.Logf("built %d pages in %s", res.Pages, res.Duration)
	assert.Equal(t, cfg.Output, res.Output)
	assert.Equal(t, 18, res.Pages) // home, overview, brokers, activity, list + 3 topics, list + 1 group, flows, ACLs, list + orphans + 2 subjects, 2 content
	assert.Empty(t, res.Warnings)
	assert.Contains(t, logs.String(), "site built")

	files := tree(t, cfg.Output)
	for _, name := range []string{"index.html", "clusters/prod/index.html", "clusters/prod/topics/orders.created.html",
		"clusters/prod/groups/index.html", "clusters/prod/schemas/orders.created-value.html", "getting-started.html",
		"runbooks/consumer-lag.html", "runbooks/lag.svg", "print/index.html", "404.html", "sitemap.xml", "robots.txt", ".nojekyll",
		"snapshots/prod.json.gz", "css/kdocs.css", "js/nav.js", "js/theme.js", "sitemap-1.xml", "css/syntax.css", "js/kdocs.js", "vendor/mermaid/mermaid.min.js"} {
		assert.Contains(t, files, name)
	}
	zr, err := gzip.NewReader(bytes.NewReader(files["snapshots/prod.json.gz"]))
	require.NoError(t, err, "the published snapshot is gzip-compressed")
	published, err := io.ReadAll(zr)
	require.NoError(t, err)
	_, err = snapshot.Decode(published)
	assert.NoError(t, err, "the published snapshot is a valid snapshot")
	assert.Contains(t, string(files["index.html"]), `href="snapshots/prod.json.gz">JSON, gzip</a>`, "the home page says it is compressed")

	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		page := string(data)
		// Untrusted names are escaped wherever they land.
		assert.NotContains(t, page, "<script>alert(", name)
		assert.NotContains(t, page, `"] --> n1["pwned`, name)
		// Every link and asset: relative and present, or (404.html only) under the base URL.
		for _, m := range linkRE.FindAllStringSubmatch(page, -1) {
			link := html.UnescapeString(m[1])
			if strings.HasPrefix(link, "#") || strings.HasPrefix(link, "http://") || strings.HasPrefix(link, "https://") {
				continue
			}
			link, _, _ = strings.Cut(link, "#")
			var target string
			if name == "404.html" {
				require.True(t, strings.HasPrefix(link, "/kdocs/"), "404.html links through the base URL: %q", link)
				target = strings.TrimPrefix(link, "/kdocs/")
			} else {
				require.False(t, strings.HasPrefix(link, "/"), "%s: link %q is not relative", name, link)
				target = filepath.ToSlash(filepath.Join(filepath.Dir(name), link))
			}
			assert.Contains(t, files, target, "%s links to %q, which is not in the site", name, m[1])
		}
	}

	topic := string(files["clusters/prod/topics/index.html"])
	assert.Contains(t, topic, "&lt;script&gt;alert(1)&lt;/script&gt;|x")
	overview := string(files["clusters/prod/index.html"])
	assert.Contains(t, overview, "#lt;script#gt;alert(1)#lt;/script#gt;|x", "hosts reach Mermaid as entity codes")
	assert.Contains(t, overview, "evil#quot;] --#gt; n1[#quot;pwned")
	diagram := regexp.MustCompile(`(?s)<pre class="mermaid">(.*?)</pre>`).FindStringSubmatch(overview)
	require.NotNil(t, diagram)
	assert.NotContains(t, html.UnescapeString(diagram[1]), `"] --> n1["pwned`, "the diagram text never carries the raw name")
	runbook := string(files["runbooks/consumer-lag.html"])
	assert.Contains(t, runbook, `<pre class="mermaid">flowchart TD`)
	assert.Contains(t, runbook, `href="../getting-started.html"`)
	assert.Contains(t, string(files["getting-started.html"]), `href="runbooks/consumer-lag.html"`)

	// The print view holds every page, in navigation order, with the diagrams script.
	print := string(files["print/index.html"])
	assert.Equal(t, res.Pages, strings.Count(print, `<section class="chapter`))
	assert.Less(t, strings.Index(print, `id="page:clusters:prod:schemas:index"`), strings.Index(print, `id="page:getting-started"`))
	assert.Contains(t, print, `<script src="../vendor/mermaid/mermaid.min.js"></script>`)
	assert.Contains(t, string(files["js/kdocs.js"]), "window.kdocsDiagramsDone = true")

	assert.Contains(t, string(files["sitemap.xml"]), "<loc>/kdocs/sitemap-1.xml</loc>", "sitemap.xml is the index")
	assert.Contains(t, string(files["sitemap-1.xml"]), "<loc>/kdocs/clusters/prod/topics/orders.created.html</loc>")
}

// Without print: true the site has no print view and no page links to one.
func TestBuildWithoutPrintView(t *testing.T) {
	cfg := newSite(t)
	_, err := Run(context.Background(), cfg, Options{})
	require.NoError(t, err)
	files := tree(t, cfg.Output)
	for name, data := range files {
		assert.False(t, strings.HasPrefix(name, "print/"), "%s is published", name)
		if strings.HasSuffix(name, ".html") {
			assert.NotContains(t, string(data), "print/index.html", name)
		}
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	cfg := newSite(t)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	_, err := Run(context.Background(), cfg, Options{Output: a})
	require.NoError(t, err)
	_, err = Run(context.Background(), cfg, Options{Output: b, Workers: 1})
	require.NoError(t, err)
	ta, tb := tree(t, a), tree(t, b)
	require.Equal(t, len(ta), len(tb))
	for name, data := range ta {
		assert.True(t, bytes.Equal(data, tb[name]), "%s differs between two builds", name)
	}
}

// The build lets go of each snapshot once it is published (writeSnapshots), but not of the
// caller's: what Options.Loaded was handed stays whole, and the published copy is the
// snapshot's own encoding.
func TestBuildKeepsTheCallersSnapshots(t *testing.T) {
	cfg := newSite(t)
	var loaded []*snapshot.Snapshot
	_, err := Run(context.Background(), cfg, Options{Loaded: func(s []*snapshot.Snapshot) error { loaded = s; return nil }})
	require.NoError(t, err)
	require.Len(t, loaded, 1)
	require.NotNil(t, loaded[0], "the caller's snapshot is still there")
	var want bytes.Buffer
	require.NoError(t, snapshot.Write(&want, loaded[0]))
	zr, err := gzip.NewReader(bytes.NewReader(tree(t, cfg.Output)["snapshots/prod.json.gz"]))
	require.NoError(t, err)
	published, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, want.String(), string(published))
}

func TestFailedBuildLeavesPreviousSite(t *testing.T) {
	cfg := newSite(t)
	_, err := Run(context.Background(), cfg, Options{})
	require.NoError(t, err)
	before := tree(t, cfg.Output)

	broken := filepath.Join(cfg.Content, "broken.md")
	require.NoError(t, os.WriteFile(broken, []byte("---\ntitle: Broken\nweight: [1\n---\nbody\n"), 0o644))
	_, err = Run(context.Background(), cfg, Options{})
	require.Error(t, err)
	assert.Regexp(t, `^content/broken\.md:\d+: front matter: `, err.Error())
	assert.Equal(t, before, tree(t, cfg.Output), "the previous site is untouched")

	// A failure while rendering (after the temporary directory exists) leaves it untouched too,
	// and leaves no temporary directory behind.
	require.NoError(t, os.Remove(broken))
	require.NoError(t, os.MkdirAll(filepath.Join(cfg.Dir, "templates"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(cfg.Dir, "templates", "topic.md.tmpl"), []byte("{{.Data.NoSuchField}}"), 0o644))
	_, err = Run(context.Background(), cfg, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "page clusters/prod/topics/orders.created: template topic.md.tmpl")
	assert.Equal(t, before, tree(t, cfg.Output))
	entries, err := os.ReadDir(filepath.Dir(cfg.Output))
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() != ".public.kdocs-manifest" && e.Name() != ".public.kdocs-manifest.schemas" { // the previous build's, kept
			assert.False(t, strings.HasPrefix(e.Name(), ".public."), "left behind: %s", e.Name())
		}
	}
}

func TestMissingSnapshot(t *testing.T) {
	cfg := newSite(t)
	cfg.Clusters = append(cfg.Clusters, config.Cluster{Name: "dev", Bootstrap: []string{"localhost:9092"}})
	_, err := Run(context.Background(), cfg, Options{})
	require.Error(t, err)
	assert.Equal(t, `cluster "dev": no snapshot at `+filepath.Join(cfg.Snapshots, "dev.json")+": run `kdocs snapshot` to take one", err.Error())
	_, statErr := os.Stat(cfg.Output)
	assert.ErrorIs(t, statErr, fs.ErrNotExist)
}

func TestRefusesToReplaceSources(t *testing.T) {
	cfg := newSite(t)
	_, err := Run(context.Background(), cfg, Options{Output: cfg.Dir})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds the site's sources")
}

func TestMarkdownExportAndThemeOverride(t *testing.T) {
	cfg := newSite(t)
	css := filepath.Join(cfg.Dir, "themes", "default", "static", "css", "kdocs.css")
	require.NoError(t, os.MkdirAll(filepath.Dir(css), 0o755))
	require.NoError(t, os.WriteFile(css, []byte("/* site's own */\n"), 0o644))
	mdDir := filepath.Join(cfg.Dir, "markdown")
	_, err := Run(context.Background(), cfg, Options{MarkdownDir: mdDir})
	require.NoError(t, err)

	files := tree(t, cfg.Output)
	assert.Equal(t, "/* site's own */\n", string(files["css/kdocs.css"]), "on-disk theme files win")
	assert.Contains(t, files, "js/kdocs.js", "the rest of the theme comes from the binary")

	md := tree(t, mdDir)
	assert.Contains(t, string(md["clusters/prod/topics/orders.created.md"]), "# orders.created\n")
	assert.Contains(t, string(md["runbooks/consumer-lag.md"]), "```mermaid\n")
	assert.Contains(t, string(md["clusters/prod/index.md"]), "```mermaid\nflowchart LR\n")
}

// A broken link fails the build, naming the page and the link, and the previous site stays.
func TestBrokenLinksFailTheBuild(t *testing.T) {
	cfg := newSite(t)
	_, err := Run(context.Background(), cfg, Options{})
	require.NoError(t, err)
	before := tree(t, cfg.Output)
	assert.Contains(t, string(before["robots.txt"]), "User-agent: *")

	for body, want := range map[string]string{
		"See [nothing](nope.md).\n":                   `guide.html: broken link "nope.md": no such file nope.md`,
		"See [a section](getting-started.md#nope).\n": `guide.html: broken link "getting-started.html#nope": no element with id "nope" in getting-started.html`,
		"See [here](#missing-heading).\n":             `guide.html: broken link "#missing-heading": no element with id "missing-heading" in guide.html`,
		"![chart](img/chart.png)\n":                   `guide.html: broken link "img/chart.png": no such file img/chart.png`,
		"Up [out](../../outside.html).\n":             `guide.html: broken link "../../outside.html": it leaves the site`,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(cfg.Content, "guide.md"), []byte("# Guide\n\n"+body), 0o644))
		_, err := Run(context.Background(), cfg, Options{})
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want)
		assert.Equal(t, before, tree(t, cfg.Output), "the previous site is untouched")
	}

	// Links that are not the site's to check, and fragments that exist, pass.
	require.NoError(t, os.WriteFile(filepath.Join(cfg.Content, "guide.md"), []byte("# Guide\n\n"+
		"[web](https://kafka.apache.org/documentation/#configuration) [mail](mailto:team@example.com) "+
		"[other app](/grafana/) [heading](getting-started.md#getting-started) [self](#guide) [asset](runbooks/lag.svg)\n"), 0o644))
	_, err = Run(context.Background(), cfg, Options{})
	require.NoError(t, err)

	// An HTML file the renderer never wrote, copied from content/, is read from disk and
	// checked like the rest.
	require.NoError(t, os.WriteFile(filepath.Join(cfg.Content, "legacy.html"), []byte(`<p><a href="gone.html">old</a> <a href="guide.html#guide">ok</a></p>`), 0o644))
	_, err = Run(context.Background(), cfg, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `legacy.html: broken link "gone.html": no such file gone.html`)
	assert.NotContains(t, err.Error(), "guide.html#guide")
}

func TestScanHTML(t *testing.T) {
	got := pageLinks{ids: map[string]bool{}}
	scanHTML(&got, `<!DOCTYPE html><html><head><script>if (a<b) { x = "<a href='no.html'>"; }</script>`+
		`<style>a[href="no2.html"]{}</style></head><body><!-- <a href="no3.html"> -->`+
		`<a id=top href="a.html?x=1#y">x &lt; y</a><img src='i.png' alt="<a href=no4>"><a name="legacy"></a>`+
		`<p id="h&amp;m">t</p><a href="q.html" class=x>q</a></body></html>`)
	assert.Equal(t, []string{"a.html?x=1#y", "i.png", "q.html"}, got.links)
	assert.Equal(t, map[string]bool{"top": true, "legacy": true, "h&m": true}, got.ids)
}

// Annotations merge into their topic's and group's pages; one that matches nothing is a warning
// naming its file, and becomes no page.
func TestAnnotations(t *testing.T) {
	cfg := newSite(t)
	write := func(name, text string) {
		p := filepath.Join(cfg.Content, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	write("topics/orders.created.md", "---\nowner: team-orders\nproducers: [checkout-service]\nrunbook: ../runbooks/consumer-lag.md\n---\nOrders as placed.\n")
	write("groups/billing.md", "---\nname: \""+strings.ReplaceAll(hostileScript, `"`, `\"`)+"\"\nteam: billing\n---\nSee [lag](../runbooks/consumer-lag.md#consumer-lag).\n")
	write("topics/orders.gone.md", "---\nowner: nobody\n---\n")
	var logs bytes.Buffer
	res, err := Run(context.Background(), cfg, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	assert.Equal(t, []string{`content/topics/orders.gone.md: annotation for topic "orders.gone", which is in no cluster; it is not shown`}, res.Warnings)
	assert.Contains(t, logs.String(), "orders.gone.md")
	assert.Equal(t, 18, res.Pages, "annotations are not pages") // as many as TestBuild: annotations add none

	files := tree(t, cfg.Output)
	topic := string(files["clusters/prod/topics/orders.created.html"])
	assert.Contains(t, topic, `<strong>Runbook:</strong> <a href="../../../runbooks/consumer-lag.html">Consumer lag</a>`)
	assert.Contains(t, topic, "checkout-service")
	assert.Contains(t, topic, "<p>Orders as placed.</p>")
	assert.Contains(t, string(files["clusters/prod/topics/index.html"]), "<td>team-orders<")
	var group string
	for name, data := range files {
		if strings.HasPrefix(name, "clusters/prod/groups/script-") {
			group = string(data)
		}
	}
	assert.Contains(t, group, `<a href="../../../runbooks/consumer-lag.html#consumer-lag">lag</a>`)
	assert.NotContains(t, files, "topics/orders.created.html")

	// A misspelt key is an error with the file and line, not a silent loss.
	write("topics/orders.created.md", "---\nowner: team-orders\nproducer: [checkout-service]\n---\n")
	_, err = Run(context.Background(), cfg, Options{})
	require.Error(t, err)
	assert.Regexp(t, `^content/topics/orders\.created\.md:3: front matter: .*producer`, err.Error())
}

func TestResolveLink(t *testing.T) {
	files := map[string]bool{"index.html": true, "css/kdocs.css": true, "a/b.html": true, "a/index.html": true}
	dirs := map[string]bool{"a": true, "css": true}
	ids := map[string]idSet{"a/b.html": packIDs(map[string]bool{"x y": true}), "index.html": "", "a/index.html": ""}
	for _, c := range []struct{ page, link, want string }{
		{"a/b.html", "../index.html", ""},
		{"a/b.html", "#x%20y", ""},
		{"a/b.html", "b.html?v=1#x%20y", ""},
		{"index.html", "a/", ""},
		{"index.html", "a", ""},
		{"index.html", "a/b.html#nope", `no element with id "nope" in a/b.html`},
		{"index.html", "css/kdocs.css#whatever", ""}, // a fragment of a non-HTML file is the browser's business
		{"404.html", "/kdocs/css/kdocs.css", ""},
		{"404.html", "/kdocs/css/missing.css", "no such file css/missing.css"},
		{"index.html", "/kdocs/anything", ""}, // only 404.html links through the base URL
		{"index.html", "//cdn.example/x.js", ""},
		{"index.html", "HTTPS://example.com/", ""},
		{"index.html", "../up.html", "it leaves the site"},
		{"index.html", "%zz", "not a valid URL path"},
	} {
		assert.Equal(t, c.want, resolveLink(c.page, c.link, "/kdocs/", files, dirs, func(p string) idSet { return ids[p] }), "%s → %s", c.page, c.link)
	}
}

// The checker keeps each distinct link once; a broken one is still reported at every page and
// place it occurs, in page order.
func TestLinkCheckerReportsEveryOccurrence(t *testing.T) {
	dir := t.TempDir()
	pages := map[string]string{
		"a.html":        `<a href="gone.html">1</a><a href="b.html">2</a><a href="gone.html">3</a>`,
		"b.html":        `<a href="gone.html">1</a>`,
		"topics/x.html": `<a href="../gone.html">1</a><a href="gone.html">2</a><a href="../a.html">3</a>`,
	}
	c := newLinkChecker("/")
	for _, name := range []string{"topics/x.html", "b.html", "a.html"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(pages[name]), 0o644))
		w := c.Open(name)
		_, err := w.Write([]byte(pages[name]))
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
	err := c.check(dir)
	require.Error(t, err)
	assert.Equal(t, "5 broken link(s) in the generated site:\n"+
		`  a.html: broken link "gone.html": no such file gone.html`+"\n"+
		`  a.html: broken link "gone.html": no such file gone.html`+"\n"+
		`  b.html: broken link "gone.html": no such file gone.html`+"\n"+
		`  topics/x.html: broken link "../gone.html": no such file gone.html`+"\n"+
		`  topics/x.html: broken link "gone.html": no such file topics/gone.html`, err.Error())
}

func TestIDSet(t *testing.T) {
	s := packIDs(map[string]bool{"top": true, "to": true, "a-top": true, "h&m": true, "nul\x00x": true, "": true})
	for id, want := range map[string]bool{"top": true, "to": true, "a-top": true, "h&m": true, "": true,
		"op": false, "a-": false, "t": false, "top\x00to": false, "nul": false, "nul\x00x": false, "x": false} {
		assert.Equal(t, want, s.has(id), "%q", id)
	}
	assert.False(t, packIDs(nil).has(""))
}
