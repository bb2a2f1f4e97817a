package browsertest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pdf"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// subPath is where the site is served, as on a GitHub Pages project site: every link, script
// and stylesheet must resolve below it.
const subPath = "/kdocs/"

// The built site as a reader's browser sees it: the example site, and a small fixture site of
// our own so the check does not hinge on the example's content.
func TestBuiltSiteInTheBrowser(t *testing.T) {
	chrome := testenv.Chrome(t)
	t.Run("example", func(t *testing.T) {
		cfg, err := config.Load("../../site.yaml")
		if errors.Is(err, fs.ErrNotExist) {
			t.Skip("no example site.yaml at the repository root yet")
		}
		require.NoError(t, err)
		checkSite(t, chrome, cfg)
	})
	t.Run("fixture", func(t *testing.T) {
		checkSite(t, chrome, fixtureSite(t))
	})
}

// The renderer's print view and the PDF printer agree: the page signals when its diagrams are
// drawn, and the book holds them as drawings, not as Mermaid source.
func TestBuiltSitePrintsToPDF(t *testing.T) {
	chrome := testenv.Chrome(t)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if testenv.Strict() {
			t.Fatalf("pdftotext (poppler-utils) is required in CI: %v", err)
		}
		t.Skipf("pdftotext unavailable (%v); apt-get install -y poppler-utils to run this test", err)
	}
	cfg, err := config.Load("../../site.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		cfg = fixtureSite(t)
	} else {
		require.NoError(t, err)
	}
	site := filepath.Join(t.TempDir(), "public")
	_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Output: site, BaseURL: subPath})
	require.NoError(t, err)

	book := filepath.Join(t.TempDir(), "book.pdf")
	start := time.Now()
	require.NoError(t, pdf.Print(context.Background(), pdf.Options{SiteDir: site, Out: book, Chrome: chrome, Timeout: 5 * time.Minute}))
	t.Logf("printed %s in %s", cfg.Path, time.Since(start).Round(time.Millisecond))

	out, err := exec.Command(pdftotext, book, "-").Output()
	require.NoError(t, err)
	text := string(out)
	assert.Contains(t, text, cfg.Clusters[0].Name)
	assert.Contains(t, text, "broker 1", "the architecture diagram's labels are in the book")
	assert.NotContains(t, text, "-->")
	assert.NotContains(t, text, "flowchart LR")
}

func checkSite(t *testing.T, chrome string, cfg *config.Site) {
	out := filepath.Join(t.TempDir(), "public")
	_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: out, BaseURL: subPath})
	require.NoError(t, err, "build %s", cfg.Path)

	mux := http.NewServeMux()
	mux.Handle(subPath, http.StripPrefix(strings.TrimSuffix(subPath, "/"), http.FileServer(http.Dir(out))))
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	defer srv.Close()
	home := srv.URL + subPath

	ctx := Browse(t, chrome)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	// The cluster overview, found as a reader finds it: through the home page's navigation.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home)))
	cluster := cfg.Clusters[0].Name
	overview, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const a = [...document.querySelectorAll('nav a')].find((a) => a.textContent.trim() === `+jsString(cluster)+`);
		return a ? a.href : '';
	})()`))
	require.NoError(t, err)
	require.NotEmpty(t, overview, "the home page's navigation links to cluster %s", cluster)

	Reset(ctx)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(overview)))
	_, err = chromedp.Run(ctx, chromedp.Poll[string](`document.documentElement.dataset.diagrams`, chromedp.WithPollingInterval(20*time.Millisecond)))
	require.NoError(t, err, "the page never signalled data-diagrams")

	// The cluster diagram became an SVG, and no diagram was left as source or as Mermaid's error.
	diagrams, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Blocks, SVGs, Errors int
		Unrendered           []string
	}](`(() => {
		const blocks = [...document.querySelectorAll('.mermaid')].filter((el) => !el.closest('svg'));
		return {
			Blocks: blocks.length,
			SVGs: document.querySelectorAll('pre.mermaid svg, .mermaid svg').length,
			Errors: document.querySelectorAll('svg[aria-roledescription="error"]').length
				+ (document.body.textContent.includes('Syntax error in text') ? 1 : 0),
			Unrendered: blocks.filter((el) => !el.querySelector('svg')).map((el) => el.textContent.slice(0, 60)),
		};
	})()`))
	require.NoError(t, err)
	assert.Positive(t, diagrams.Blocks, "the overview has a cluster diagram")
	assert.Positive(t, diagrams.SVGs, "the cluster diagram is an SVG")
	assert.Empty(t, diagrams.Unrendered, "diagrams left as Mermaid source")
	assert.Zero(t, diagrams.Errors, "diagrams rendered as Mermaid's error")
	label, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(".mermaid svg")))
	require.NoError(t, err)
	assert.Contains(t, label, "broker", "the SVG holds the diagram's labels")
	assert.NotContains(t, label, "-->", "no Mermaid syntax in the drawing")

	// The theme declares an icon: without one, Chromium would fetch /favicon.ico from the
	// server's root, outside the sub-path, a 404 in every reader's console.
	hasIcon, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('link[rel~="icon"]') !== null`))
	require.NoError(t, err)
	assert.True(t, hasIcon, "the page declares an icon")
	consoleErrs := ConsoleErrors(ctx)
	assert.Empty(t, consoleErrs, "console errors on %s", overview)

	// Offline and self-contained: every request went to this server, below the sub-path.
	reqs := Requests(ctx)
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		u, err := url.Parse(r)
		require.NoError(t, err)
		switch {
		case u.Scheme == "data", u.Scheme == "blob", u.Scheme == "about":
			continue
		}
		assert.Equal(t, "127.0.0.1", u.Hostname(), "request to another host: %s", r)
		assert.True(t, strings.HasPrefix(u.Path, subPath), "request outside %s: %s", subPath, r)
	}

	// Every navigation link resolves, below the sub-path.
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('nav a[href]')].map((a) => a.href)`))
	require.NoError(t, err)
	require.NotEmpty(t, links)
	t.Logf("%s: %d requests, %d navigation links, %d diagram(s)", overview, len(reqs), len(links), diagrams.SVGs)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, link := range links {
		u, err := url.Parse(link)
		require.NoError(t, err)
		u.Fragment = ""
		assert.True(t, strings.HasPrefix(u.String(), home), "navigation link outside the site: %s", link)
		resp, err := client.Get(u.String())
		if !assert.NoError(t, err, link) {
			continue
		}
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "navigation link %s", link)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`, "</", `<\/`)
	return "'" + r.Replace(s) + "'"
}

// fixtureSite writes a site.yaml and a one-cluster snapshot into a temporary directory: enough
// for an overview with a diagram, a topic, a consumer group and a schema.
func fixtureSite(t testing.TB) *config.Site {
	t.Helper()
	dir := t.TempDir()
	snap := &snapshot.Snapshot{
		Format:       snapshot.Format,
		KdocsVersion: "test",
		TakenAt:      time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "fixture-prod", Environment: "prod", ID: "fixture-cluster-id", ControllerID: 1,
			Brokers: []snapshot.Broker{{ID: 1, Host: "kafka-1", Port: 9092, Rack: "a"}, {ID: 2, Host: "kafka-2", Port: 9092, Rack: "b"}}},
		Topics: []snapshot.Topic{{Name: "orders.created", ReplicationFactor: 2, Partitions: []snapshot.Partition{
			{ID: 0, Leader: 1, Replicas: []int32{1, 2}, ISR: []int32{1, 2}, LatestOffset: 42},
		}}},
		Groups: []snapshot.Group{{ID: "billing", State: "Stable", Offsets: []snapshot.GroupOffset{
			{Topic: "orders.created", Partition: 0, Committed: 40, LatestOffset: 42, Lag: 2},
		}, TotalLag: 2}},
		Registry: &snapshot.Registry{URL: "http://registry:8081", Subjects: []snapshot.Subject{{Name: "orders.created-value",
			Versions: []snapshot.SchemaVersion{{Version: 1, ID: 1, Type: "AVRO",
				Schema: `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}`}}}}},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "fixture-prod.json"), snap))
	yaml := "title: Fixture Estate\nbaseURL: /\nclusters:\n  - name: fixture-prod\n    environment: prod\n    snapshot: fixture-prod.json\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(yaml), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

// browseSite builds cfg's site, serves it under the sub-path and opens a browser on it for at
// most timeout; it returns the browser's context and the site's home URL.
func browseSite(t testing.TB, cfg *config.Site, timeout time.Duration) (context.Context, string) {
	t.Helper()
	chrome := testenv.Chrome(t)
	home := serveSite(t, cfg)
	ctx, cancel := context.WithTimeout(Browse(t, chrome), timeout)
	t.Cleanup(cancel)
	return ctx, home
}

// serveSite builds cfg below subPath and serves it on 127.0.0.1 until the test ends; it returns
// the site's home URL.
func serveSite(t testing.TB, cfg *config.Site) string {
	home, _ := serveSiteDir(t, cfg)
	return home
}

// serveSiteDir is serveSite that also returns the directory the site was built into.
func serveSiteDir(t testing.TB, cfg *config.Site) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: out, BaseURL: subPath})
	require.NoError(t, err, "build %s", cfg.Path)
	mux := http.NewServeMux()
	mux.Handle(subPath, http.StripPrefix(strings.TrimSuffix(subPath, "/"), http.FileServer(http.Dir(out))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + subPath, out
}

// exampleOrFixture is the example site, or the fixture when the repository has none.
func exampleOrFixture(t *testing.T) *config.Site {
	cfg, err := config.Load("../../site.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return fixtureSite(t)
	}
	require.NoError(t, err)
	return cfg
}

func waitDiagrams(t testing.TB, ctx context.Context) {
	t.Helper()
	// Right after a navigation the poll may be sent into the old page's JavaScript context, which
	// Chromium then destroys ("Cannot find context with specified id"): seen on a loaded
	// machine. That is no answer from the page; ask the new one.
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := chromedp.Run(ctx, chromedp.Poll[string](`document.documentElement.dataset.diagrams`, chromedp.WithPollingInterval(20*time.Millisecond)))
		if err != nil && strings.Contains(err.Error(), "Cannot find context with specified id") && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		require.NoError(t, err, "the page never signalled data-diagrams")
		return
	}
}

// The theme toggle: the button flips <html data-theme>, redraws the diagrams in the new theme,
// is remembered across pages and reloads, and never reaches the print view.
func TestDarkModeToggle(t *testing.T) {
	chrome := testenv.Chrome(t)
	cfg := exampleOrFixture(t)
	home := serveSite(t, cfg)
	ctx := Browse(t, chrome)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	overview := home + "clusters/" + cfg.Clusters[0].Name + "/index.html"
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(overview)))
	waitDiagrams(t, ctx)
	type state struct {
		Theme, Pressed, Stored string
		Hidden                 bool
		SVG                    string
	}
	read := func() state {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[state](`(() => {
			const b = document.querySelector('.theme-toggle');
			const svg = document.querySelector('pre.mermaid svg');
			return {Theme: document.documentElement.dataset.theme, Pressed: b.getAttribute('aria-pressed'),
				Stored: localStorage.getItem('kdocs-theme') || '', Hidden: b.hidden, SVG: svg ? svg.outerHTML : ''};
		})()`))
		require.NoError(t, err)
		return st
	}
	before := read()
	assert.Equal(t, "light", before.Theme, "headless Chromium prefers light")
	assert.Equal(t, "false", before.Pressed)
	assert.False(t, before.Hidden, "the script shows the toggle")
	assert.Empty(t, before.Stored, "no choice stored before the reader makes one")
	require.NotEmpty(t, before.SVG)

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".theme-toggle"))))
	// The diagram is drawn again, in Mermaid's dark theme.
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const s = document.querySelector('pre.mermaid svg');
		return s !== null && s.outerHTML !== `+jsString(before.SVG)+`; })()`, chromedp.WithPollingInterval(20*time.Millisecond)))
	require.NoError(t, err, "the diagram was not redrawn")
	after := read()
	assert.Equal(t, state{Theme: "dark", Pressed: "true", Stored: "dark"}, state{Theme: after.Theme, Pressed: after.Pressed, Stored: after.Stored})
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.documentElement).backgroundColor`))
	require.NoError(t, err)
	assert.Equal(t, "rgb(13, 17, 23)", bg, "the dark palette applies")

	// Remembered: another page opens dark, with the attribute set before any paint.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
	again := read()
	assert.Equal(t, "dark", again.Theme)
	assert.Equal(t, "true", again.Pressed)
	// The print view is paper: always light, and so are its diagrams.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"print/index.html")))
	printTheme, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme`))
	require.NoError(t, err)
	assert.Equal(t, "light", printTheme)

	// The keyboard: the first Tab reaches the skip link, which leads to the main content.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html"), chromedp.KeyEvent("\t")))
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className + ' ' + document.activeElement.getAttribute('href')`))
	require.NoError(t, err)
	assert.Equal(t, "skip-link #main", focused)

	// Back to light, and the choice is kept too.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".theme-toggle"))))
	assert.Equal(t, "light", read().Stored)
	assert.Empty(t, ConsoleErrors(ctx))
}

// The topic catalog filters and sorts in the page, without a server.
func TestTopicsCatalogFilterAndSort(t *testing.T) {
	chrome := testenv.Chrome(t)
	cfg := exampleOrFixture(t)
	home, dir := serveSiteDir(t, cfg)
	ctx := Browse(t, chrome)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	// From a copy on disk first: the filter needs no server.
	catalog := "clusters/" + cfg.Clusters[0].Name + "/topics/index.html"
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.ToSlash(filepath.Join(dir, catalog))),
		chromedp.SendKeys(chromedp.CSS("input.table-filter"), "no-such-topic-anywhere")))
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('.content tbody tr')].every((tr) => tr.hidden)`))
	require.NoError(t, err)
	assert.True(t, hidden, "the filter works from file://")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+catalog)))
	type rows struct {
		Visible []string
		Total   int
		Count   string
	}
	read := func() rows {
		r, err := chromedp.Run(ctx, chromedp.Evaluate[rows](`(() => {
			const trs = [...document.querySelectorAll('.content table tbody tr')];
			return {Visible: trs.filter((tr) => !tr.hidden && tr.offsetParent !== null).map((tr) => tr.cells[0].textContent.trim()),
				Total: trs.length, Count: (document.querySelector('.table-count') || {}).textContent || ''};
		})()`))
		require.NoError(t, err)
		return r
	}
	all := read()
	require.Greater(t, all.Total, 1)
	assert.Len(t, all.Visible, all.Total)

	filter := "orders"
	if cfg.Clusters[0].Name == "fixture-prod" {
		filter = "created"
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("input.table-filter"), filter)))
	filtered := read()
	assert.NotEmpty(t, filtered.Visible)
	for _, name := range filtered.Visible {
		assert.Contains(t, name, filter)
	}
	if cfg.Clusters[0].Name != "fixture-prod" {
		assert.Less(t, len(filtered.Visible), all.Total, "rows without %q are hidden", filter)
		assert.Equal(t, fmt.Sprintf("%d of %d topics", len(filtered.Visible), all.Total), filtered.Count)
	}
	clear := func() {
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector('input.table-filter');
			i.value = ''; i.dispatchEvent(new Event('input')); return true; })()`))
		require.NoError(t, err)
	}
	clear()
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("input.table-filter"), "no-such-topic-anywhere")))
	assert.Empty(t, read().Visible)
	clear()
	assert.Len(t, read().Visible, all.Total, "an empty filter shows every row again")

	// Sorting by a numeric column, descending on the second click; aria-sort follows.
	sortBy := func(header string) (string, []float64) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.content thead th:nth-child(`+header+`) button`))))
		res, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
			Sort   string
			Values []float64
		}](`(() => ({Sort: document.querySelector('.content thead th:nth-child(`+header+`)').getAttribute('aria-sort'),
			Values: [...document.querySelectorAll('.content tbody tr')].map((tr) => parseFloat(tr.cells[`+header+` - 1].textContent.replace(/,/g, '')))}))()`))
		require.NoError(t, err)
		return res.Sort, res.Values
	}
	order, values := sortBy("6") // Messages
	assert.Equal(t, "ascending", order)
	assert.IsNonDecreasing(t, values)
	order, values = sortBy("6")
	assert.Equal(t, "descending", order)
	assert.IsNonIncreasing(t, values)
	assert.Empty(t, ConsoleErrors(ctx))
}

const (
	hostileImg  = `<img src=x onerror=alert(1)>`
	hostileMark = "**bold** ]] --> `tick`"
)

// hostileSite is an estate whose names and annotations try every way into the page: HTML,
// Markdown emphasis, Mermaid's ]] and -->, backticks.
func hostileSite(t *testing.T) *config.Site {
	t.Helper()
	dir := t.TempDir()
	part := snapshot.Partition{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 5}
	group := hostileImg + " " + hostileMark
	snap := &snapshot.Snapshot{
		Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "hostile", ControllerID: 1, Brokers: []snapshot.Broker{{ID: 1, Host: hostileImg, Port: 9092, Rack: hostileMark,
			Configs: []snapshot.Config{{Name: hostileMark, Value: hostileImg, Source: hostileMark}},
			LogDirs: []snapshot.LogDir{{Path: hostileImg, Error: hostileMark}}}}},
		Topics: []snapshot.Topic{
			{Name: hostileImg, ReplicationFactor: 1, Partitions: []snapshot.Partition{part},
				Configs: []snapshot.Config{{Name: hostileMark, Value: hostileImg, Source: "DYNAMIC_TOPIC_CONFIG"}}},
			{Name: hostileMark, ReplicationFactor: 1, Partitions: []snapshot.Partition{part}},
		},
		Groups: []snapshot.Group{{ID: group, State: "Stable", TotalLag: 2, Offsets: []snapshot.GroupOffset{
			{Topic: hostileImg, Partition: 0, Committed: 3, LatestOffset: 5, Lag: 2},
			{Topic: hostileMark, Partition: 0, Committed: 5, LatestOffset: 5},
		}}},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "hostile.json"), snap))
	yaml := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	write := func(name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	write("site.yaml", "title: Hostile Estate\nbaseURL: /\nclusters:\n  - name: hostile\n    snapshot: hostile.json\n")
	write("content/topics/img.md", "---\nname: "+yaml(hostileImg)+"\nowner: "+yaml(hostileImg)+"\ndescription: "+yaml(hostileImg+" "+hostileMark)+
		"\nproducers: ["+yaml(hostileImg)+", "+yaml(hostileMark)+"]\ntags: ["+yaml(hostileMark)+"]\n---\nThe body is Markdown, raw HTML stays out: "+hostileImg+"\n")
	write("content/groups/g.md", "---\nname: "+yaml(group)+"\ndescription: "+yaml(hostileImg)+"\n---\n")
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

// Hostile names and annotations render inert: no element injected, no dialog, the text shown as
// it is, in the tables and in the diagrams.
func TestHostileNamesRenderInert(t *testing.T) {
	ctx, home := browseSite(t, hostileSite(t), time.Minute)
	// Count dialogs instead of letting one block the page: alert and friends are replaced in
	// every document before its own scripts run.
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__dialogs = 0; window.alert = window.confirm = window.prompt = function () { window.__dialogs++; };`})
	require.NoError(t, err)

	pages := []string{home + "clusters/hostile/topics/index.html", home + "clusters/hostile/groups/index.html", home + "clusters/hostile/index.html",
		home + "clusters/hostile/brokers.html"}
	for _, catalog := range pages[:2] {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(catalog)))
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.content tbody a[href]')].map((a) => a.href)`))
		require.NoError(t, err)
		pages = append(pages, links...)
	}
	require.Len(t, pages, 7, "the catalogs link to both topics and the group")

	type check struct {
		Dialogs, Injected, Emphasis, ErrorSVGs int
		Text, Diagrams                         string
	}
	for _, u := range pages {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(u)))
		waitDiagrams(t, ctx)
		time.Sleep(200 * time.Millisecond) // an <img src=x> would fail to load and fire onerror by now
		c, err := chromedp.Run(ctx, chromedp.Evaluate[check](`(() => ({
			Dialogs: window.__dialogs,
			Injected: document.querySelectorAll('img, [onerror], script:not([src]):not(head script)').length,
			Emphasis: [...document.querySelectorAll('strong, em, b, i, code')].filter((e) => /^(bold|tick|g)$/.test(e.textContent.trim())).length,
			ErrorSVGs: document.querySelectorAll('svg[aria-roledescription="error"]').length,
			Text: document.body.innerText,
			Diagrams: [...document.querySelectorAll('pre.mermaid svg')].map((s) => s.textContent).join('\n'),
		}))()`))
		require.NoError(t, err, u)
		assert.Zero(t, c.Dialogs, "a dialog opened on %s", u)
		assert.Zero(t, c.Injected, "an element was injected on %s", u)
		if !assert.Zero(t, c.Emphasis, "Markdown in a name was interpreted on %s", u) {
			h, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('strong, em, b, i, code')].filter((e) => /^(bold|tick|g)$/.test(e.textContent.trim())).map((e) => e.parentElement.outerHTML)`))
			t.Log(h)
		}
		assert.Zero(t, c.ErrorSVGs, "a diagram failed on %s", u)
		assert.True(t, strings.Contains(c.Text, hostileImg) || strings.Contains(c.Text, hostileMark), "names shown literally on %s", u)
		if strings.Contains(u, "/topics/") && !strings.HasSuffix(u, "index.html") {
			assert.NotEmpty(t, c.Diagrams, "the data flow is drawn on %s", u)
			assert.Contains(t, c.Diagrams, "consumer group", u)
		}
		if strings.Contains(c.Diagrams, "img") {
			assert.Contains(t, c.Diagrams, hostileImg, "diagram labels are literal on %s", u)
		}
	}
	assert.Empty(t, ConsoleErrors(ctx))
}

// Copy buttons sit on configuration tables and schema text, named for assistive technology, and
// copy the table as tab-separated text.
func TestCopyButtons(t *testing.T) {
	ctx, home := browseSite(t, fixtureSite(t), time.Minute)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/fixture-prod/schemas/orders.created-value.html")))
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.copy-button')].map((b) => b.getAttribute('aria-label'))`))
	require.NoError(t, err)
	assert.Contains(t, labels, "Copy code", "the schema text has a copy button")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/fixture-prod/groups/billing.html")))
	// The page's own copy function, with the clipboard replaced: headless Chromium has no
	// clipboard to read back.
	copied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise((resolve) => {
		const table = document.querySelector('table[aria-label="Committed offsets"]');
		const button = table.previousElementSibling.querySelector('.copy-button');
		Object.defineProperty(navigator, 'clipboard', {value: {writeText: (text) => { resolve(button.getAttribute('aria-label') + '\n' + text); return Promise.resolve(); }}});
		button.click();
	})`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, "Copy table Committed offsets as text\nTopic\tPartition\tCommitted\tLatest\tLag\norders.created\t0\t40\t42\t2\n", copied)
	assert.Empty(t, ConsoleErrors(ctx))
}
