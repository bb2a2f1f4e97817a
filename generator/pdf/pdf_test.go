package pdf

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/internal/testenv"
	"github.com/kdocs/kdocs/themes"
)

// runMermaid is what the site's script does: render every diagram, then signal, whatever the
// outcome, so that a printer never waits for ever on a failed diagram.
const runMermaid = `<script>
mermaid.initialize({ startOnLoad: false });
mermaid.run({ querySelector: '.mermaid' })
  .catch((e) => console.error('mermaid:', e && e.message ? e.message : e))
  .finally(() => { document.documentElement.dataset.diagrams = 'done'; });
</script>`

// bookBody has two diagrams with labels found nowhere else, and page breaks, so the book has
// several pages.
const bookBody = `<h1>Chapter one: the cluster</h1>
<p>Orders flow from the shop to billing.</p>
<pre class="mermaid">flowchart LR
  orders[ZebraOrdersTopic] --> billing[QuokkaBillingService]
</pre>
<section class="break"><h1>Chapter two: the flow</h1>
<pre class="mermaid">sequenceDiagram
  participant Narwhal as NarwhalProducer
  Narwhal->>Broker: produce
</pre></section>
<section class="break"><h1>Chapter three: appendix</h1><p>The end.</p></section>`

const bookStyle = `<style>
@page { size: A4; margin: 18mm 14mm 20mm; }
.break { break-before: page; }
body { font-family: sans-serif; }
</style>`

// writeSite writes a one-page site with the vendored Mermaid under dir/static and the page at
// print/index.html, and returns the site directory.
func writeSite(t *testing.T, head, body string) string {
	t.Helper()
	dir := t.TempDir()
	js, err := fs.ReadFile(themes.FS, "default/static/vendor/mermaid/mermaid.min.js")
	require.NoError(t, err)
	vendor := filepath.Join(dir, "static", "vendor", "mermaid")
	require.NoError(t, os.MkdirAll(vendor, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(vendor, "mermaid.min.js"), js, 0o644))
	page := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test book</title>` + bookStyle +
		`<script src="../static/vendor/mermaid/mermaid.min.js"></script>` + head + `</head><body>` + body + `</body></html>`
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "print"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "print", "index.html"), []byte(page), 0o644))
	return dir
}

// pdfText extracts the text of a PDF with poppler's pdftotext; pages are separated by form feeds.
func pdfText(t *testing.T, file string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if testenv.Strict() {
			t.Fatalf("pdftotext (poppler-utils) is required in CI: %v", err)
		}
		t.Skipf("pdftotext unavailable (%v); apt-get install -y poppler-utils to run this test", err)
	}
	out, err := exec.Command(bin, "-layout", file, "-").Output()
	require.NoError(t, err, "pdftotext %s", file)
	return string(out)
}

func TestPrintRendersDiagramsAsText(t *testing.T) {
	chrome := testenv.Chrome(t)
	site := writeSite(t, "", bookBody+runMermaid)
	out := filepath.Join(t.TempDir(), "book", "kdocs.pdf")

	start := time.Now()
	err := Print(context.Background(), Options{SiteDir: site, Out: out, Chrome: chrome, Timeout: 5 * time.Minute})
	require.NoError(t, err)
	t.Logf("Chrome start to PDF written: %s", time.Since(start).Round(time.Millisecond))

	text := pdfText(t, out)
	pages := strings.Count(strings.TrimRight(text, "\f"), "\f") + 1
	assert.Greater(t, pages, 1, "the page breaks make a book of several pages")
	// The labels are in the PDF as text that Mermaid laid out in its SVG...
	assert.Contains(t, text, "ZebraOrdersTopic")
	assert.Contains(t, text, "QuokkaBillingService")
	assert.Contains(t, text, "NarwhalProducer")
	// ...and the Mermaid source is not: no arrow syntax, no diagram keyword.
	assert.NotContains(t, text, "-->")
	assert.NotContains(t, text, "->>")
	assert.NotContains(t, text, "flowchart LR")
	// The header names the book on every page, and the footer numbers the pages.
	for i, page := range strings.Split(strings.TrimRight(text, "\f"), "\f") {
		assert.Regexp(t, `Test book\s+printed \d`, page, "header of page %d", i+1)
		assert.Regexp(t, fmt.Sprintf(`page %d of %d`, i+1, pages), page, "footer of page %d", i+1)
	}

	leftovers, err := filepath.Glob(filepath.Join(filepath.Dir(out), ".*tmp*"))
	require.NoError(t, err)
	assert.Empty(t, leftovers, "the temporary file was renamed, not left behind")
}

func TestPrintWithoutChrome(t *testing.T) {
	t.Run("not on PATH", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		err := Print(context.Background(), Options{SiteDir: t.TempDir(), Out: filepath.Join(t.TempDir(), "a.pdf")})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "install Chromium (apt-get install -y chromium) or pass --chrome /path/to/chrome")
		assert.Contains(t, err.Error(), "chromium, chromium-browser, google-chrome, google-chrome-stable")
	})
	t.Run("given path missing", func(t *testing.T) {
		err := Print(context.Background(), Options{SiteDir: t.TempDir(), Out: filepath.Join(t.TempDir(), "a.pdf"), Chrome: "/nonexistent/chrome"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"/nonexistent/chrome"`)
		assert.Contains(t, err.Error(), "install Chromium (apt-get install -y chromium) or pass --chrome /path/to/chrome")
	})
}

func TestPrintTimesOutWhenThePageNeverSignals(t *testing.T) {
	chrome := testenv.Chrome(t)
	// A page that never sets the flag. Without Mermaid's 3 MB script: parsing it alone took
	// longer than the timeout on a loaded 2-core machine, and then the stage that timed out
	// was the page load, not the wait this test is about.
	site := writeSite(t, "", bookBody)
	page := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test book</title>` + bookStyle + `</head><body>` + bookBody + `</body></html>`
	require.NoError(t, os.WriteFile(filepath.Join(site, "print", "index.html"), []byte(page), 0o644))
	out := filepath.Join(t.TempDir(), "never.pdf")

	start := time.Now()
	// Long enough for Chromium to start and load a small page on a loaded 2-core machine, so
	// that the wait that times out is the one for the diagrams.
	err := Print(context.Background(), Options{SiteDir: site, Out: out, Chrome: chrome, Timeout: 30 * time.Second})
	took := time.Since(start)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "timed out after 30s")
	assert.Contains(t, err.Error(), "diagrams")
	assert.Contains(t, err.Error(), `data-diagrams="done"`)
	assert.Less(t, took, time.Minute, "the timeout bounds the whole print, browser shutdown included")
	assert.NoFileExists(t, out)
}

func TestPrintTimesOutWhenChromeHangs(t *testing.T) {
	// A "browser" that starts and never answers the DevTools protocol.
	fake := filepath.Join(t.TempDir(), "chrome")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755))
	site := writeSite(t, "", bookBody+runMermaid)

	start := time.Now()
	err := Print(context.Background(), Options{SiteDir: site, Out: filepath.Join(t.TempDir(), "x.pdf"), Chrome: fake, Timeout: 2 * time.Second})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "timed out after 2s starting Chromium")
	assert.Less(t, time.Since(start), 8*time.Second)

	// A long print still gives up on a hung browser after the start timeout.
	start = time.Now()
	err = Print(context.Background(), Options{SiteDir: site, Out: filepath.Join(t.TempDir(), "x.pdf"), Chrome: fake, Timeout: time.Hour, StartTimeout: 2 * time.Second})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "timed out after 2s starting Chromium ("+fake+"): the browser did not answer")
	assert.Less(t, time.Since(start), 8*time.Second)
}

func TestPrintRejectsBrokenDiagrams(t *testing.T) {
	chrome := testenv.Chrome(t)
	cases := map[string]struct {
		body string
		want string
	}{
		"syntax error": {
			body: `<pre class="mermaid">flowchart LR
  a[Broken --> --> ((</pre>` + runMermaid,
			want: "Mermaid",
		},
		"never rendered": {
			// The page signals done but never ran Mermaid: the source would print as text.
			body: bookBody + `<script>mermaid.initialize({ startOnLoad: false }); document.documentElement.dataset.diagrams = 'done';</script>`,
			want: `diagram 1 was not rendered (its source would print as text): "flowchart LR orders[ZebraOrdersTopic] --> billing[QuokkaBillingService]"`,
		},
		"error signalled": {
			body: bookBody + `<script>document.documentElement.dataset.diagrams = 'error';</script>`,
			want: `the page signalled data-diagrams="error"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			site := writeSite(t, "", tc.body)
			out := filepath.Join(t.TempDir(), "broken.pdf")
			require.NoError(t, os.WriteFile(out, []byte("old book"), 0o644))

			err := Print(context.Background(), Options{SiteDir: site, Out: out, Chrome: chrome, Timeout: 2 * time.Minute})
			require.Error(t, err)
			t.Log(err)
			assert.Contains(t, err.Error(), "print print/index.html:", "the error names the page")
			assert.Contains(t, err.Error(), tc.want)
			old, rerr := os.ReadFile(out)
			require.NoError(t, rerr)
			assert.Equal(t, "old book", string(old), "a failed print leaves the old PDF alone")
		})
	}
}

func TestPrintMissingPage(t *testing.T) {
	chrome := testenv.Chrome(t)
	err := Print(context.Background(), Options{SiteDir: t.TempDir(), Out: filepath.Join(t.TempDir(), "a.pdf"), Chrome: chrome})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "page print/index.html not found")
}
