package pdf

import (
	"cmp"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/internal/testenv"
)

// buildExample builds the repository's example site (site.yaml, content/, the committed
// acme-dev snapshot) into a temporary directory and returns it.
func buildExample(t testing.TB) string {
	t.Helper()
	cfg, err := config.Load(filepath.Join("..", "..", "site.yaml"))
	require.NoError(t, err)
	cfg.Output = filepath.Join(t.TempDir(), "public")
	_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{})
	require.NoError(t, err)
	return cfg.Output
}

// poppler runs one of poppler-utils' tools, which CI installs.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		if testenv.Strict() {
			t.Fatalf("%s (poppler-utils) is required in CI: %v", tool, err)
		}
		t.Skipf("%s unavailable (%v); apt-get install -y poppler-utils to run this test", tool, err)
	}
	out, err := exec.Command(bin, args...).Output()
	require.NoError(t, err, "%s %v", tool, args)
	return string(out)
}

// outline is the PDF's bookmarks as poppler sees them, titles only, in order.
func outline(t *testing.T, file string) []string {
	xml := poppler(t, "pdftohtml", "-xml", "-i", "-q", "-stdout", file)
	var titles []string
	for _, m := range regexp.MustCompile(`<item[^>]*>([^<]*)</item>`).FindAllStringSubmatch(xml, -1) {
		titles = append(titles, strings.TrimSpace(m[1]))
	}
	return titles
}

// destPages maps each named destination of the PDF (Chromium makes one per element id that a
// link points at) to its page number.
func destPages(t *testing.T, file string) map[string]int {
	out := poppler(t, "pdfinfo", "-dests", file)
	dests := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(\d+)\s+\[.*?\]\s+"([^"]*)"`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		// Chromium writes some names twice, once %-escaped.
		name, err := url.PathUnescape(m[2])
		require.NoError(t, err)
		dests[name] = n
	}
	return dests
}

func TestExampleBooks(t *testing.T) {
	chrome := testenv.Chrome(t)
	site := buildExample(t)
	out := t.TempDir()
	books, err := Books(site, out)
	require.NoError(t, err)
	// The estate's book, then one per cluster (acme-dev and MirrorMaker 2's target acme-dr).
	require.Equal(t, []Book{
		{Page: "print/index.html", Out: filepath.Join(out, "kdocs.pdf")},
		{Page: "print/acme-dev.html", Out: filepath.Join(out, "kdocs-acme-dev.pdf")},
		{Page: "print/acme-dr.html", Out: filepath.Join(out, "kdocs-acme-dr.pdf")},
	}, books)

	start := time.Now()
	var done []string
	require.NoError(t, PrintBooks(context.Background(), Options{SiteDir: site, Chrome: chrome, Timeout: 5 * time.Minute,
		Done: func(b Book) { done = append(done, filepath.Base(b.Out)) }}, books))
	t.Logf("the book printed in %s", time.Since(start).Round(time.Millisecond))
	assert.Equal(t, []string{"kdocs.pdf", "kdocs-acme-dev.pdf", "kdocs-acme-dr.pdf"}, done)

	for _, b := range books {
		// cluster is the cluster a cluster's book holds; "" for the estate's book.
		cluster := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(b.Out), "kdocs-"), ".pdf")
		if cluster == "kdocs" {
			cluster = ""
		}
		t.Run(filepath.Base(b.Out), func(t *testing.T) {
			info := poppler(t, "pdfinfo", b.Out)
			m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info)
			require.NotNil(t, m, info)
			pages, _ := strconv.Atoi(m[1])
			text := poppler(t, "pdftotext", "-layout", b.Out, "-")
			sheets := strings.Split(strings.TrimRight(text, "\f"), "\f")
			assert.Equal(t, pages, len(sheets))
			t.Logf("%s: %d pages", filepath.Base(b.Out), pages)

			// The cover: what the book is, as of when, and each cluster's snapshot time.
			cover := sheets[0]
			assert.Contains(t, cover, "As of 20")
			for _, c := range []string{"acme-dev", "acme-dr"} {
				if cluster == "" || cluster == c {
					assert.Regexp(t, c+`\s+dev\s+\w+\s+20\d\d-\d\d-\d\d \d\d:\d\d UTC`, cover)
				}
			}
			// Then the contents, on their own sheet.
			assert.Contains(t, sheets[1], "Contents")
			// A running header and page numbers on every sheet.
			for i, s := range sheets {
				assert.Regexp(t, `printed \d`, s, "header of page %d", i+1)
				assert.Contains(t, s, "page "+strconv.Itoa(i+1)+" of "+strconv.Itoa(pages), "footer of page %d", i+1)
			}
			// Mermaid drew the diagrams: acme-dev's architecture diagram's declared Connect cluster
			// is a label, and no diagram source leaked into the text.
			if cluster != "acme-dr" {
				assert.Contains(t, text, "cdc")
			}
			assert.NotContains(t, text, "flowchart")
			assert.NotContains(t, text, "-->")

			// The outline holds the chapters, and every contents link lands on the sheet on which
			// its chapter starts.
			titles := outline(t, b.Out)
			assert.Contains(t, titles, "Topics")
			dests := destPages(t, b.Out)
			require.NotEmpty(t, dests, "the contents' links are named destinations")
			for id, page := range dests {
				if !strings.HasPrefix(id, "page:") {
					continue
				}
				require.LessOrEqual(t, page, len(sheets), id)
				assert.Greater(t, page, 2, "%s is a chapter after the cover and the contents", id)
				if topic, ok := strings.CutPrefix(id, "page:clusters:"+cmp.Or(cluster, "acme-dev")+":topics:"); ok && topic != "index" {
					assert.Contains(t, sheets[page-1], topic, "the link to %s lands on the topic's page", id)
				}
			}
			if filepath.Base(b.Out) == "kdocs.pdf" {
				assert.Contains(t, titles, "Acme Streaming Platform")
				assert.Contains(t, dests, "page:index")
				assert.Contains(t, dests, "page:getting-started")
			} else {
				assert.NotContains(t, dests, "page:index", "the cluster's book holds only its cluster")
				assert.NotContains(t, dests, "page:getting-started")
				assert.Contains(t, dests, "page:clusters:"+cluster+":index")
				other := map[string]string{"acme-dev": "acme-dr", "acme-dr": "acme-dev"}[cluster]
				assert.NotContains(t, dests, "page:clusters:"+other+":index", "nor the other cluster")
			}
		})
	}
	for _, b := range books {
		_, err := os.Stat(b.Out)
		assert.NoError(t, err)
	}
}
