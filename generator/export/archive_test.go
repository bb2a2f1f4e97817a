package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/export"
	"github.com/kdocs/kdocs/generator/pipeline"
)

// The same snapshot gives the same archive: two builds of the example, archived, are the same
// bytes. (A PDF printed by Chromium carries its own creation time, so the archive of a site
// with its book is identical only when the book is.)
func TestArchiveIsDeterministic(t *testing.T) {
	cfg, err := config.Load("../../site.yaml")
	require.NoError(t, err)
	var zips [2]bytes.Buffer
	for i := range zips {
		dir := filepath.Join(t.TempDir(), "site")
		_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: dir})
		require.NoError(t, err)
		require.NoError(t, export.Archive(&zips[i], export.ArchiveOptions{SiteDir: dir, Extra: []export.File{{Path: "kdocs.pdf", Data: []byte("%PDF-1.7 stand-in")}}}))
	}
	assert.True(t, bytes.Equal(zips[0].Bytes(), zips[1].Bytes()), "two archives of the same snapshot differ")

	zr, err := zip.NewReader(bytes.NewReader(zips[0].Bytes()), int64(zips[0].Len()))
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, want := range []string{"kdocs/index.html", "kdocs/kdocs.pdf", "kdocs/snapshots/acme-dev.json.gz", "kdocs/404.html"} {
		assert.True(t, names[want], want)
	}
	var searchFiles int
	for n := range names {
		if len(n) > len("kdocs/search/") && n[:len("kdocs/search/")] == "kdocs/search/" {
			searchFiles++
		}
	}
	assert.Positive(t, searchFiles, "the search index is in the archive")
}

func TestArchiveRefusesAnExtraThatClashes(t *testing.T) {
	dir := t.TempDir()
	writeAll(t, dir, []export.File{{Path: "index.html", Data: []byte("<p>")}})
	for _, p := range []string{"index.html", "../evil", "/abs"} {
		err := export.Archive(&bytes.Buffer{}, export.ArchiveOptions{SiteDir: dir, Extra: []export.File{{Path: p, Data: nil}}})
		assert.Error(t, err, p)
	}
}
