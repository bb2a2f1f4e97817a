package browsertest

import (
	"context"
	"errors"
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

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/build"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pdf"
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
		if testenv.InCI() {
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
	_, err = build.Run(context.Background(), cfg, build.Options{Output: site, BaseURL: subPath})
	require.NoError(t, err)

	book := filepath.Join(t.TempDir(), "book.pdf")
	start := time.Now()
	require.NoError(t, pdf.Print(context.Background(), pdf.Options{SiteDir: site, Out: book, Chrome: chrome, Timeout: time.Minute}))
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
	_, err := build.Run(context.Background(), cfg, build.Options{Output: out, BaseURL: subPath})
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
func fixtureSite(t *testing.T) *config.Site {
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
