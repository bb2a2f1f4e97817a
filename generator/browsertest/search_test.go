package browsertest

// The header's search box on the example site, as a reader uses it: over http below a
// sub-path and from a copy on disk (file://), by keyboard, and without a request to any other
// host. Its speed is measured by BenchmarkSearchFirstQuery.

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/search"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
	"github.com/kdocs/kdocs/internal/testenv"
)

// What the example estate (testdata/demo/acme-dev.json) holds: couponCode is a field of the
// latest orders.order-placed.v1-value schema only.
const (
	searchTopic   = "orders.order-placed.v1"
	searchField   = "couponCode"
	searchSubject = "orders.order-placed.v1-value"
)

// searchOption is one option of the results list, as the page shows it.
type searchOption struct {
	ID, Kind, Title, Where, Href, Selected string
}

func TestSearch(t *testing.T) {
	chrome := testenv.Chrome(t)
	cfg, err := config.Load("../../site.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no example site.yaml at the repository root yet")
	}
	require.NoError(t, err)
	cluster := cfg.Clusters[0].Name
	home, dir := serveSiteDir(t, cfg)
	ctx := Browse(t, chrome)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// Long tasks are recorded in every document from its start; the test empties the list
	// before the part it measures.
	_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__longTasks = [];
			new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({type: 'longtask', buffered: true});`})
	require.NoError(t, err)

	options := func() []searchOption {
		opts, err := chromedp.Run(ctx, chromedp.Evaluate[[]searchOption](`[...document.querySelectorAll('#kdocs-search-results [role="option"]:not([aria-disabled])')].map((o) => ({
			ID: o.id, Kind: o.querySelector('.search-kind').textContent, Title: o.querySelector('.search-title').textContent,
			Where: (o.querySelector('.search-where') || {}).textContent || '', Href: o.dataset.href,
			Selected: o.getAttribute('aria-selected')}))`))
		require.NoError(t, err)
		return opts
	}
	// typeQuery replaces the box's text as a reader types it and waits for the list to answer.
	typeQuery := func(q string) []searchOption {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector('.search-input'); i.value = ''; return true; })()`))
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".search-input"), q)))
		// The list says which query it answers: not one typed halfway.
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const i = document.querySelector('.search-input');
			return i.getAttribute('aria-expanded') === 'true' && document.getElementById('kdocs-search-results').dataset.query === `+jsString(q)+`; })()`,
			chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)))
		require.NoError(t, err, "no results list for %q", q)
		return options()
	}
	// waitFor waits until the tab shows a page whose URL ends with suffix.
	waitFor := func(suffix string) string {
		t.Helper()
		var href string
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			h, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href : ''`))
			if err == nil && strings.HasSuffix(h, suffix) {
				return h
			}
			href = h
		}
		t.Fatalf("the tab is at %q, not at …%s", href, suffix)
		return ""
	}

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
	waitDiagrams(t, ctx)

	// The box is shown, is a combobox that owns the listbox, and "/" focuses it.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Hidden             bool
		Role, Controls     string
		ListRole, Expanded string
	}](`(() => { const i = document.querySelector('.search-input'); const l = document.getElementById(i.getAttribute('aria-controls'));
		return {Hidden: document.querySelector('.site-search').hidden, Role: i.getAttribute('role'), Controls: i.getAttribute('aria-controls'),
			ListRole: l.getAttribute('role'), Expanded: i.getAttribute('aria-expanded')}; })()`))
	require.NoError(t, err)
	assert.False(t, box.Hidden, "the script shows the search box")
	assert.Equal(t, "combobox", box.Role)
	assert.Equal(t, "listbox", box.ListRole)
	assert.Equal(t, "false", box.Expanded)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("/")))
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`))
	require.NoError(t, err)
	assert.Equal(t, "search-input", focused, `"/" focuses the search box`)

	// A topic by name; the arrows choose, Enter opens.
	opts := typeQuery(searchTopic)
	require.NotEmpty(t, opts)
	assert.Equal(t, searchOption{ID: "kdocs-search-option-0", Kind: "topic", Title: searchTopic, Where: cluster,
		Href: home + "clusters/" + cluster + "/topics/" + searchTopic + ".html", Selected: "false"}, opts[0])
	// The status counts the matches once the list is shown (counting reads every match).
	status, err := chromedp.Run(ctx, chromedp.Poll[string](`document.querySelector('.search-status').textContent || false`,
		chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)))
	require.NoError(t, err)
	matches, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.kdocsSearch.search(`+jsString(searchTopic)+`).then((rs) => rs.count())`,
		chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	want := strconv.Itoa(len(opts)) + " results"
	if matches > len(opts) {
		want = strconv.Itoa(len(opts)) + " of " + strconv.Itoa(matches) + " results"
	} else if matches == 1 {
		want = "1 result"
	}
	assert.Equal(t, want, status)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)))
	active, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.search-input').getAttribute('aria-activedescendant')`))
	require.NoError(t, err)
	assert.Equal(t, "kdocs-search-option-0", active)
	assert.Equal(t, "true", options()[0].Selected)
	if len(opts) > 1 {
		require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp)))
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
	waitFor("/clusters/" + cluster + "/topics/" + searchTopic + ".html")

	// A schema field finds its subject; Enter opens the best result.
	waitDiagrams(t, ctx)
	opts = typeQuery(searchField)
	require.NotEmpty(t, opts)
	subjectURL := home + "clusters/" + cluster + "/schemas/" + searchSubject + ".html"
	assert.Equal(t, searchOption{ID: "kdocs-search-option-0", Kind: "field", Title: searchField, Where: searchSubject + " · " + cluster,
		Href: subjectURL, Selected: "false"}, opts[0])
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
	waitFor("/clusters/" + cluster + "/schemas/" + searchSubject + ".html")
	waitDiagrams(t, ctx)

	// Each query once cold (its index files load) and once warm, for the results and the log;
	// their speed is measured by BenchmarkSearchFirstQuery, not asserted here.
	timing, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Cold, Warm map[string]float64
		LongTasks  []float64
		Results    map[string]int
	}](`(async () => {
		window.__longTasks = [];
		const queries = ['order', 'payment', 'couponCode', 'inv', 'orders.order-placed.v1', 'stock level', 'zz-no-match'];
		const out = {Cold: {}, Warm: {}, LongTasks: [], Results: {}};
		for (const pass of ['Cold', 'Warm']) {
			for (const q of queries) {
				const t0 = performance.now();
				const rs = await window.kdocsSearch.search(q);
				out[pass][q] = performance.now() - t0;
				out.Results[q] = rs.length;
			}
		}
		await new Promise((r) => setTimeout(r, 50)); // let the observer deliver
		out.LongTasks = window.__longTasks;
		return out;
	})()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	t.Logf("query times in the browser (ms), cold: %v", timing.Cold)
	t.Logf("query times in the browser (ms), warm: %v", timing.Warm)
	t.Logf("long tasks during search (ms): %v", timing.LongTasks) // speed is BenchmarkSearchFirstQuery's
	assert.Positive(t, timing.Results["order"])
	assert.Positive(t, timing.Results["stock level"])
	assert.Zero(t, timing.Results["zz-no-match"])

	assert.Empty(t, ConsoleErrors(ctx))
	reqs := Requests(ctx)
	var indexFiles int
	for _, r := range reqs {
		u, err := url.Parse(r)
		require.NoError(t, err)
		if u.Scheme == "data" || u.Scheme == "about" || u.Scheme == "blob" {
			continue
		}
		assert.Equal(t, "127.0.0.1", u.Hostname(), "request to another host: %s", r)
		assert.True(t, strings.HasPrefix(u.Path, subPath), "request outside %s: %s", subPath, r)
		if strings.Contains(u.Path, "/search/") {
			indexFiles++
		}
	}
	assert.Positive(t, indexFiles, "the index was loaded from the site")

	// The same from a copy on disk: no server, the index still loads (as scripts).
	Reset(ctx)
	fileHome := "file://" + filepath.ToSlash(dir) + "/"
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(fileHome+"index.html")))
	waitDiagrams(t, ctx)
	opts = typeQuery(searchField)
	require.NotEmpty(t, opts)
	assert.Equal(t, "field", opts[0].Kind)
	assert.Equal(t, fileHome+"clusters/"+cluster+"/schemas/"+searchSubject+".html", opts[0].Href)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
	waitFor("/clusters/" + cluster + "/schemas/" + searchSubject + ".html")
	// And from a page deeper down, whose way to the index starts with ../../.
	waitDiagrams(t, ctx)
	opts = typeQuery(searchTopic)
	require.NotEmpty(t, opts)
	assert.Equal(t, fileHome+"clusters/"+cluster+"/topics/"+searchTopic+".html", opts[0].Href)
	assert.Empty(t, ConsoleErrors(ctx))
	for _, r := range Requests(ctx) {
		assert.True(t, strings.HasPrefix(r, "file://") || strings.HasPrefix(r, "data:"), "request off the disk: %s", r)
	}
}

// scaleRun is one cold visit's measurements of search on the 10,000-topic estate, taken in
// the page.
type scaleRun struct {
	FirstBytes    float64
	FirstMs       float64
	FirstTitles   []string
	FirstCount    int
	FirstCountMs  float64
	Preloaded     []string
	FirstPhases   map[string]float64
	FirstFiles    []string
	Cold, Warm    map[string]float64
	Results       map[string]int
	LongTasks     []float64
	TotalRequests int
}

// scaleSearch serves the fixture site with the 10,000-topic estate's search index and opens it
// in Chromium. Rendering 13,000 pages would take a minute, so the pages are the fixture site's
// and only the index is the big estate's: search never reads the pages.
func scaleSearch(tb testing.TB) (ctx context.Context, home string) {
	chrome := testenv.Chrome(tb)
	snaps := []*snapshot.Snapshot{synth.Estate(synth.Options{})}
	// KDOCS_SCALE_BENCH=100000: the index of the 100k estate (synth.Scale, two clusters).
	if n, err := strconv.Atoi(os.Getenv("KDOCS_SCALE_BENCH")); err == nil && n > 0 {
		snaps = nil
		for _, o := range synth.Scale(n).Clusters {
			snaps = append(snaps, synth.Estate(o))
		}
	}
	model, err := site.Build("Big", snaps, nil)
	require.NoError(tb, err)
	home, dir := serveSiteDir(tb, fixtureSite(tb))
	require.NoError(tb, os.RemoveAll(filepath.Join(dir, search.Dir)))
	for _, f := range search.Build(model) {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		require.NoError(tb, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(tb, os.WriteFile(p, f.Data, 0o644))
	}
	ctx = Browse(tb, chrome)
	_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__longTasks = [];
			new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({type: 'longtask', buffered: true});`})
	require.NoError(tb, err)
	return ctx, home
}

// scaleVisit opens the home page afresh (an empty cache: each visit loads the index anew), focuses
// the search box as a reader does before typing, and runs the first query, then each query cold
// and warm.
func scaleVisit(tb testing.TB, ctx context.Context, home string) scaleRun {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err := chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{})
	require.NoError(tb, err)
	require.NoError(tb, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
	waitDiagrams(tb, ctx)
	res, err := chromedp.Run(ctx, chromedp.Evaluate[scaleRun](`(async () => {
		window.__longTasks = [];
		const indexBytes = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/'))
			.reduce((n, e) => n + e.encodedBodySize, 0);
		const out = {Cold: {}, Warm: {}, Results: {}};
		const searchFiles = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/'));
		// The reader focuses the box and takes at least a keystroke's time to type the query.
		document.querySelector('.search-input').focus();
		await new Promise((r) => setTimeout(r, 150));
		out.Preloaded = searchFiles().map((e) => e.name.split('/').pop());
		const t0 = performance.now();
		const first = await window.kdocsSearch.search('order');
		out.FirstMs = performance.now() - t0;
		out.FirstPhases = window.kdocsSearch.lastQuery;
		out.FirstFiles = searchFiles().filter((e) => e.startTime >= t0)
			.map((e) => e.name.split('/').pop() + ' @' + (e.startTime - t0).toFixed(1) + '+' + e.duration.toFixed(1) + 'ms');
		out.FirstBytes = indexBytes();
		out.FirstTitles = first.map((r) => r.kind + ' ' + r.title);
		out.FirstCount = first.count();
		out.FirstCountMs = window.kdocsSearch.lastQuery.countMs || 0;
		const queries = ['order', 'payment', 'customerId', 'inventory stock', 'orders.order-created.v1', 'v1', 'cu', 'created', 'zz-no-match'];
		for (const pass of ['Cold', 'Warm']) {
			for (const q of queries) {
				const t0 = performance.now();
				const rs = await window.kdocsSearch.search(q);
				out[pass][q] = performance.now() - t0;
				out.Results[q] = rs.count();
			}
		}
		await new Promise((r) => setTimeout(r, 50));
		out.LongTasks = window.__longTasks;
		out.TotalRequests = performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/')).length;
		return out;
	})()`, chromedp.EvalAwaitPromise))
	require.NoError(tb, err)
	require.Empty(tb, ConsoleErrors(ctx))
	return res
}

// Search on a 10,000-topic estate in the real browser: the first query downloads at most
// 300 kB of index and finds the right results. How fast it answers is BenchmarkSearchFirstQuery's.
func TestSearchScale(t *testing.T) {
	ctx, home := scaleSearch(t)
	res := scaleVisit(t, ctx, home)
	t.Logf("first query \"order\": %.0f bytes of index, %.1f ms with the loading; results %v; %d matches, counted in %.1f ms",
		res.FirstBytes, res.FirstMs, res.FirstTitles, res.FirstCount, res.FirstCountMs)
	t.Logf("index files loaded before the first query: %v; by it (start+duration from the query): %v; phases (ms): %v",
		res.Preloaded, res.FirstFiles, res.FirstPhases)
	t.Logf("matches: %v; %d index files loaded in all; long tasks: %v", res.Results, res.TotalRequests, res.LongTasks)
	assert.Positive(t, res.FirstBytes)
	assert.LessOrEqual(t, res.FirstBytes, float64(300<<10), "the first query downloads at most 300 kB")
	require.NotEmpty(t, res.FirstTitles)
	assert.True(t, strings.HasPrefix(res.FirstTitles[0], "topic orders.order-"), "best result of \"order\": %s", res.FirstTitles[0])
	for _, q := range []string{"order", "payment", "customerId", "inventory stock", "orders.order-created.v1", "v1", "cu", "created"} {
		assert.Positive(t, res.Results[q], "matches of %q", q)
	}
	assert.Zero(t, res.Results["zz-no-match"])
}

// BenchmarkSearchFirstQuery measures search on the 10,000-topic estate in Chromium, from a cold
// cache each iteration: the first query after the reader focuses the box (its index files
// loading; target < 50 ms), counting its matches (which the page does after showing the
// results), the slowest later query once loaded, the kB the first query downloaded, and the
// longest task that blocked the page's main thread meanwhile.
//
//	go test ./generator/browsertest -run '^$' -bench SearchFirstQuery -benchtime 5x
//	KDOCS_SCALE_BENCH=100000 go test ./generator/browsertest -run '^$' -bench SearchFirstQuery -benchtime 5x   # the 100k estate's index
func BenchmarkSearchFirstQuery(b *testing.B) {
	ctx, home := scaleSearch(b)
	var first, count, later, kB, block float64
	for b.Loop() {
		res := scaleVisit(b, ctx, home)
		first += res.FirstMs
		count += res.FirstCountMs
		later = max(later, slices.Max(slices.Collect(maps.Values(res.Warm))))
		kB += res.FirstBytes / 1024
		for _, d := range res.LongTasks {
			block = max(block, d)
		}
	}
	n := float64(b.N)
	b.ReportMetric(first/n, "first-query-ms")
	b.ReportMetric(count/n, "first-count-ms")
	b.ReportMetric(later, "later-query-ms")
	b.ReportMetric(kB/n, "first-query-kB")
	b.ReportMetric(block, "longest-block-ms")
}
