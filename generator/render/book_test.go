package render

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/templates"
	"github.com/kdocs/kdocs/themes"
)

func TestUnlinkOutside(t *testing.T) {
	in := map[string]bool{"page:a": true}
	html := `<p><a href="#page:a">A</a>, <a href="#page:b" title="x">B <code>b</code></a> and <a href="https://x.example/">web</a> <a href="#page:c">C</a>.</p>`
	assert.Equal(t, `<p><a href="#page:a">A</a>, <span class="unlinked">B <code>b</code></span> and <a href="https://x.example/">web</a> <span class="unlinked">C</span>.</p>`,
		string(unlinkOutside([]byte(html), in)))
	same := []byte(`<p><a href="#page:a">A</a></p>`)
	assert.Equal(t, &same[0], &unlinkOutside(same, in)[0], "a chapter without outside links is not copied")
}

// The books are streamed: the head is written before any chapter has rendered. A theme whose
// head depends on the chapters (here on .Mermaid) still gets the head it asks for, and the
// chapters are the same as with the default theme.
func TestBookHeadThatDependsOnChapters(t *testing.T) {
	theme, err := fs.Sub(themes.FS, "default")
	require.NoError(t, err)
	custom := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(theme, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(theme, p)
		custom[p] = &fstest.MapFile{Data: data}
		return err
	}))
	print := string(custom["layouts/print.html"].Data)
	require.Contains(t, print, "{{.ChaptersMarker}}")
	custom["layouts/print.html"].Data = []byte(strings.Replace(print, "{{.ChaptersMarker}}",
		`{{if .Mermaid}}<p id="book-has-diagrams"></p>{{end}}{{.ChaptersMarker}}`, 1))

	s := fixtureSite(t)
	build := func(theme fs.FS) string {
		r, err := New(Options{Theme: theme, Templates: templates.FS, BaseURL: "/kdocs/", Print: true})
		require.NoError(t, err)
		out := t.TempDir()
		_, err = r.Render(context.Background(), s, out, RenderOptions{})
		require.NoError(t, err)
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(BookPath)))
		require.NoError(t, err)
		entries, err := os.ReadDir(filepath.Join(out, "print"))
		require.NoError(t, err)
		for _, e := range entries {
			assert.False(t, strings.HasPrefix(e.Name(), "."), "no scratch file is left in print/: %s", e.Name())
		}
		return string(data)
	}
	plain, withFlag := build(theme), build(custom)
	require.Contains(t, plain, "vendor/mermaid/mermaid.min.js", "the fixture draws diagrams")
	assert.Contains(t, withFlag, `<p id="book-has-diagrams"></p>`)
	assert.Equal(t, plain, strings.Replace(withFlag, `<p id="book-has-diagrams"></p>`, "", 1))
}

// A checker sees each file in pieces that end between tags, and each file whole.
func TestCheckerSeesEveryHTMLFile(t *testing.T) {
	r := newRenderer(t)
	s := fixtureSite(t)
	out := t.TempDir()
	seen := &recordingChecker{files: map[string]*bytes.Buffer{}}
	_, err := r.Render(context.Background(), s, out, RenderOptions{Check: seen})
	require.NoError(t, err)
	var htmlFiles []string
	require.NoError(t, filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(out, p)
			htmlFiles = append(htmlFiles, filepath.ToSlash(rel))
		}
		return err
	}))
	require.NotEmpty(t, htmlFiles)
	for _, name := range htmlFiles {
		got, ok := seen.files[name]
		if assert.True(t, ok, "checker was shown %s", name) {
			data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
			require.NoError(t, err)
			assert.Equal(t, string(data), got.String(), name)
			assert.True(t, seen.closed[name], "%s closed", name)
		}
	}
	for _, p := range seen.pieces {
		assert.True(t, strings.HasSuffix(strings.TrimSpace(p), ">"), "a piece ends after a tag: %q", p[max(0, len(p)-40):])
	}
}

type recordingChecker struct {
	mu     sync.Mutex
	files  map[string]*bytes.Buffer
	closed map[string]bool
	pieces []string
}

func (c *recordingChecker) Open(name string) io.WriteCloser {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed == nil {
		c.closed = map[string]bool{}
	}
	b := &bytes.Buffer{}
	c.files[name] = b
	return recordingFile{c: c, name: name, b: b}
}

type recordingFile struct {
	c    *recordingChecker
	name string
	b    *bytes.Buffer
}

func (f recordingFile) Write(p []byte) (int, error) {
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	f.c.pieces = append(f.c.pieces, string(p))
	return f.b.Write(p)
}

func (f recordingFile) Close() error {
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	f.c.closed[f.name] = true
	return nil
}
