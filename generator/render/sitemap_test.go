package render

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/internal/testenv"
	"github.com/kdocs/kdocs/templates"
	"github.com/kdocs/kdocs/themes"
)

// ValidateSitemaps checks the sitemap index in dir and every sitemap it lists against the
// sitemaps.org schemas (testdata/sitemaps, see SOURCE.md there) with xmllint, and the
// protocol's limits of URLs and bytes per file. It returns the sitemaps' URL counts. The 100k
// scale test (generator/pipeline) calls it on the big site too.
func validateSitemaps(t testing.TB, dir string) []int {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if testenv.Strict() {
			t.Fatalf("xmllint is required to validate sitemaps: %v (scripts/deps.sh installs libxml2-utils)", err)
		}
		t.Skipf("xmllint not found (%v); scripts/deps.sh installs libxml2-utils", err)
	}
	schemas, err := filepath.Abs("testdata/sitemaps")
	require.NoError(t, err)
	lint := func(schema, file string) {
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join(schemas, schema), file).CombinedOutput()
		require.NoError(t, err, "%s is not valid against %s:\n%s", file, schema, out)
	}
	index := filepath.Join(dir, SitemapIndexPath)
	lint("siteindex.xsd", index)
	data, err := os.ReadFile(index)
	require.NoError(t, err)
	var counts []int
	for _, m := range regexp.MustCompile(`<loc>([^<]*)</loc>`).FindAllStringSubmatch(string(data), -1) {
		name := m[1][strings.LastIndexByte(m[1], '/')+1:]
		file := filepath.Join(dir, name)
		lint("sitemap.xsd", file)
		part, err := os.ReadFile(file)
		require.NoError(t, err)
		n := strings.Count(string(part), "<url>")
		assert.LessOrEqual(t, n, MaxSitemapURLs, "%s lists too many URLs", name)
		assert.LessOrEqual(t, len(part), MaxSitemapBytes, "%s is too large", name)
		counts = append(counts, n)
	}
	return counts
}

func TestSitemapsAreValidAndSplit(t *testing.T) {
	theme, err := fs.Sub(themes.FS, "default")
	require.NoError(t, err)
	// The schemas want absolute URLs (twelve characters at least): a site with an absolute
	// base URL, as a published one has.
	r, err := New(Options{Theme: theme, Templates: templates.FS, BaseURL: "https://acme.github.io/kdocs/"})
	require.NoError(t, err)
	s := &site.Site{Title: "Split"}
	for i := range 7 {
		s.Pages = append(s.Pages, &site.Page{Path: fmt.Sprintf("clusters/c/topics/t-%d&x", i)})
	}
	s.Pages = append(s.Pages, &site.Page{Path: site.HomePath})

	for _, tc := range []struct {
		name             string
		maxURLs, maxSize int
		want             []int
	}{
		{"by URLs", 3, MaxSitemapBytes, []int{3, 3, 2}},
		// Head, tail and two entries of about 80 bytes fit in 300 bytes; a third does not.
		{"by bytes", MaxSitemapURLs, 300, []int{2, 2, 2, 2}},
		{"one file", MaxSitemapURLs, MaxSitemapBytes, []int{8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := r.sitemapFiles(s, tc.maxURLs, tc.maxSize)
			for _, f := range files {
				require.NoError(t, WriteFile(dir, f.Path, f.Data))
			}
			assert.Equal(t, tc.want, validateSitemaps(t, dir))
			all := ""
			for _, f := range files[1:] {
				all += string(f.Data)
			}
			assert.Contains(t, all, "<loc>https://acme.github.io/kdocs/clusters/c/topics/t-0&amp;x.html</loc>", "escaped")
			assert.Contains(t, all, "<loc>https://acme.github.io/kdocs/</loc>", "the home page is the base URL")
			assert.Equal(t, 8, strings.Count(all, "<url>"), "every page once")
		})
	}

	// The sitemaps a whole render writes.
	dir := t.TempDir()
	_, err = r.Render(t.Context(), fixtureSite(t), dir, RenderOptions{})
	require.NoError(t, err)
	assert.Equal(t, []int{len(fixtureSite(t).Pages)}, validateSitemaps(t, dir))
	robots, err := os.ReadFile(filepath.Join(dir, "robots.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(robots), "\nSitemap: https://acme.github.io/kdocs/sitemap.xml\n", "robots.txt names the index")
}
