package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
)

func TestPreviewQuickRendersOnlyTheEditedPage(t *testing.T) {
	cfg := newSite(t)
	p := &Preview{Load: func() (*config.Site, error) { return config.Load(cfg.Path) }}
	ctx := context.Background()
	ok, err := p.Quick(ctx, []string{filepath.Join(cfg.Content, "getting-started.md")})
	require.NoError(t, err)
	assert.False(t, ok, "no full build yet: nothing to start from")
	require.NoError(t, p.Full(ctx))

	guide := filepath.Join(cfg.Content, "getting-started.md")
	guideHTML := filepath.Join(cfg.Output, "getting-started.html")
	other := filepath.Join(cfg.Output, "runbooks", "consumer-lag.html")
	otherBefore, err := os.Stat(other)
	require.NoError(t, err)
	edit := func(text string) bool {
		t.Helper()
		require.NoError(t, os.WriteFile(guide, []byte(text), 0o644))
		ok, err := p.Quick(ctx, []string{guide})
		require.NoError(t, err)
		return ok
	}

	// Same title and weight: only that page is written again.
	assert.True(t, edit("---\ntitle: Getting started\nweight: 10\n---\nQuickly edited text.\n"))
	html, err := os.ReadFile(guideHTML)
	require.NoError(t, err)
	assert.Contains(t, string(html), "Quickly edited text.")
	otherAfter, err := os.Stat(other)
	require.NoError(t, err)
	assert.Equal(t, otherBefore.ModTime(), otherAfter.ModTime(), "no other page was written")

	// Everything else needs a full build: a new title (the navigation), a new weight (the
	// order), a new page, an annotation, a snapshot, a template, site.yaml, a broken page.
	assert.False(t, edit("---\ntitle: Start here\nweight: 10\n---\nx\n"))
	assert.False(t, edit("---\ntitle: Getting started\nweight: 5\n---\nx\n"))
	assert.False(t, edit("---\ntitle: [broken\n---\nx\n"))
	for _, f := range []string{
		filepath.Join(cfg.Content, "new-page.md"),
		filepath.Join(cfg.Content, "topics", "orders.created.md"),
		filepath.Join(cfg.Dir, "fixtures", "prod.json"),
		filepath.Join(cfg.Dir, "templates", "topic.md.tmpl"),
		cfg.Path,
	} {
		ok, err := p.Quick(ctx, []string{guide, f})
		require.NoError(t, err)
		assert.False(t, ok, f)
	}
}
