package browsertest

// The offline archive (kdocs export --format zip) as a reader uses it: unpacked on disk,
// opened from file:// with no server, its search answers and leads to the page, and the PDF
// and the snapshot JSON are beside the site.

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/export"
	"github.com/kdocs/kdocs/generator/pdf"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/internal/testenv"
)

func TestOfflineArchiveSearchesFromDisk(t *testing.T) {
	chrome := testenv.Chrome(t)
	cfg := exampleOrFixture(t)
	siteDir := filepath.Join(t.TempDir(), "site")
	_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: siteDir})
	require.NoError(t, err)
	book := filepath.Join(t.TempDir(), "kdocs.pdf")
	require.NoError(t, pdf.Print(context.Background(), pdf.Options{SiteDir: siteDir, Out: book, Chrome: chrome, Timeout: 5 * time.Minute}))
	bookData, err := os.ReadFile(book)
	require.NoError(t, err)

	var archive bytes.Buffer
	require.NoError(t, export.Archive(&archive, export.ArchiveOptions{SiteDir: siteDir, Extra: []export.File{{Path: "kdocs.pdf", Data: bookData}}}))

	// Unpack it as unzip would.
	dir := t.TempDir()
	zr, err := zip.NewReader(bytes.NewReader(archive.Bytes()), int64(archive.Len()))
	require.NoError(t, err)
	for _, f := range zr.File {
		require.True(t, strings.HasPrefix(f.Name, "kdocs/"), f.Name)
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		r, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(r)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, data, 0o644))
	}
	root := filepath.Join(dir, "kdocs")
	pdfData, err := os.ReadFile(filepath.Join(root, "kdocs.pdf"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(pdfData, []byte("%PDF-")), "the book is in the archive")
	cluster := cfg.Clusters[0].Name
	assert.FileExists(t, filepath.Join(root, "snapshots", cluster+".json.gz"), "the snapshot is in the archive, as the site publishes it")

	ctx, cancel := context.WithTimeout(Browse(t, chrome), 2*time.Minute)
	defer cancel()
	home := "file://" + filepath.ToSlash(root) + "/"
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
	waitDiagrams(t, ctx)
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".search-input"), searchTopic)))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('kdocs-search-results').dataset.query === `+jsString(searchTopic)+
		` && document.querySelectorAll('#kdocs-search-results [role="option"]:not([aria-disabled])').length > 0`,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)))
	require.NoError(t, err, "search answers from file://")
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#kdocs-search-results [role="option"]:not([aria-disabled])').dataset.href`))
	require.NoError(t, err)
	want := home + "clusters/" + cluster + "/topics/" + searchTopic + ".html"
	assert.Equal(t, want, first)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)))
	var at string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && at != want; time.Sleep(50 * time.Millisecond) {
		at, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href : ''`))
	}
	assert.Equal(t, want, at, "Enter opens the topic's page from disk")
	assert.Empty(t, ConsoleErrors(ctx))
	for _, r := range Requests(ctx) {
		assert.True(t, strings.HasPrefix(r, "file://") || strings.HasPrefix(r, "data:"), "request off the disk: %s", r)
	}
}
