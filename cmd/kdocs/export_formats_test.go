package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The formats other tools read, from the CLI: each lands in --out whole, with --timestamp too.
func TestExportToolFormats(t *testing.T) {
	cfg, out := exportSite(t)
	// An annotated group is an application: its document and its Component.
	dir := filepath.Dir(cfg)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "content", "groups"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "content", "groups", "billing.md"), []byte("---\nowner: team-billing\n---\n"), 0o644))
	stdout := export(t, cfg, "--format", "asyncapi,backstage,zip", "--out", out, "--site-url", "https://docs.example.org/kafka/", "--chrome", "/no/chrome")
	assert.Contains(t, stdout, filepath.Join(out, "asyncapi")+" (AsyncAPI 3.0 documents, 2 files)")
	assert.Contains(t, stdout, filepath.Join(out, "backstage")+" (Backstage catalog, 3 files)")
	assert.Contains(t, stdout, filepath.Join(out, "kdocs.zip")+" (the site offline")
	assert.Equal(t, []string{"asyncapi", "backstage", "kdocs.zip"}, entries(t, out))
	assert.FileExists(t, filepath.Join(out, "asyncapi", "prod.yaml"))
	assert.FileExists(t, filepath.Join(out, "asyncapi", "prod", "billing.yaml"))
	assert.FileExists(t, filepath.Join(out, "backstage", "catalog-info.yaml"))
	assert.FileExists(t, filepath.Join(out, "backstage", "asyncapi", "prod", "billing.yaml"))
	est, err := os.ReadFile(filepath.Join(out, "asyncapi", "prod.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(est), "url: https://docs.example.org/kafka/clusters/prod/topics/orders.html")
	zr, err := zip.OpenReader(filepath.Join(out, "kdocs.zip"))
	require.NoError(t, err)
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	assert.True(t, names["kdocs/index.html"])
	assert.True(t, names["kdocs/snapshots/prod.json.gz"], "the snapshot as the site publishes it")
	assert.False(t, names["kdocs/kdocs.pdf"], "no Chromium, no book")

	// --timestamp: every name gets the same UTC suffix, earlier exports stay.
	stamped := filepath.Join(t.TempDir(), "stamped")
	export(t, cfg, "--format", "asyncapi,backstage,zip", "--out", stamped, "--timestamp", "--chrome", "/no/chrome")
	ts := stamp(t, stamped)
	assert.Equal(t, []string{"asyncapi-" + ts, "backstage-" + ts, "kdocs-" + ts + ".zip"}, entries(t, stamped))
	assert.FileExists(t, filepath.Join(stamped, "asyncapi-"+ts, "prod.yaml"))
	assert.FileExists(t, filepath.Join(stamped, "backstage-"+ts, "catalog-info.yaml"))

	// A relative --site-url is refused as bad usage.
	code, _, errOut := kdocs(t, "export", "--config", cfg, "--format", "asyncapi", "--out", out, "--site-url", "/docs/")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--site-url")
}
