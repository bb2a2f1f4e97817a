package browsertest

// Every page of the example site in the browser, below a sub-path: each diagram becomes an SVG
// (never Mermaid's source, error or size placeholder), the console stays clean, and every
// request goes to the site's own server below the sub-path.

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/internal/testenv"
)

var locRE = regexp.MustCompile(`<loc>([^<]+)</loc>`)

func TestEveryPageInTheBrowser(t *testing.T) {
	chrome := testenv.Chrome(t)
	home, dir := serveSiteDir(t, exampleOrFixture(t))
	pages := sitemapPages(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "print", "index.html")); err == nil {
		pages = append(pages, "print/index.html")
	}
	require.Greater(t, len(pages), 10)
	kinds := map[string]bool{}

	ctx := Browse(t, chrome)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	diagrams := 0
	for _, p := range pages {
		got := checkPage(t, ctx, home, p)
		kinds[got.Kind] = true
		diagrams += got.SVGs
	}
	t.Logf("%d pages, %d diagrams drawn; page kinds: %v", len(pages), diagrams, kinds)
	assert.Positive(t, diagrams)
}

// pageCheck is what checkPage found on a page.
type pageCheck struct {
	Kind                               string
	H1                                 int
	Blocks, SVGs, Errors, Placeholders int
}

// checkPage opens home+p and asserts what every page must be: a heading, every diagram an SVG
// (never Mermaid's error or size placeholder), a clean console, and no request leaving the
// site's own server below the sub-path.
func checkPage(t *testing.T, ctx context.Context, home, p string) pageCheck {
	t.Helper()
	Reset(ctx)
	u := home + p
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(u)))
	waitDiagrams(t, ctx)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[pageCheck](`(() => {
		const blocks = [...document.querySelectorAll('pre.mermaid')];
		const text = document.body.innerText;
		return {
			Kind: (document.querySelector('article[data-kind]') || {dataset: {}}).dataset.kind || '',
			H1: document.querySelectorAll('h1').length,
			Blocks: blocks.length,
			SVGs: blocks.filter((b) => b.querySelector('svg')).length,
			Errors: document.querySelectorAll('svg[aria-roledescription="error"]').length + (text.includes('Syntax error in text') ? 1 : 0),
			Placeholders: (text.match(/Maximum text size|too many edges|Edge limit exceeded/gi) || []).length,
		};
	})()`))
	require.NoError(t, err, u)
	assert.Positive(t, got.H1, "%s has a heading", p)
	assert.Equal(t, got.Blocks, got.SVGs, "every diagram on %s is an SVG", p)
	assert.Zero(t, got.Errors, "Mermaid's error on %s", p)
	assert.Zero(t, got.Placeholders, "Mermaid's size placeholder on %s", p)
	assert.Empty(t, ConsoleErrors(ctx), "console errors on %s", p)
	for _, r := range Requests(ctx) {
		ru, err := url.Parse(r)
		require.NoError(t, err)
		if slices.Contains([]string{"data", "blob", "about"}, ru.Scheme) {
			continue
		}
		assert.Equal(t, "127.0.0.1", ru.Hostname(), "%s requested another host: %s", p, r)
		assert.True(t, strings.HasPrefix(ru.Path, subPath), "%s requested outside %s: %s", p, subPath, r)
	}
	return got
}

// sitemapPages lists the pages of the site in dir, built below subPath, as its sitemaps do:
// sitemap.xml is the index of the sitemaps that list them.
func sitemapPages(t *testing.T, dir string) []string {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(dir, "sitemap.xml"))
	require.NoError(t, err)
	var pages []string
	for _, part := range locRE.FindAllStringSubmatch(string(index), -1) {
		sitemap, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(part[1], subPath))))
		require.NoError(t, err)
		for _, m := range locRE.FindAllStringSubmatch(string(sitemap), -1) {
			pages = append(pages, strings.TrimPrefix(m[1], subPath))
		}
	}
	return pages
}
