package pipeline

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
	"github.com/kdocs/kdocs/templates"
)

// tree maps each file under dir to its digest and mode.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			files[filepath.ToSlash(rel)+"/"] = info.Mode().String()
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = fmt.Sprintf("%x %s", sha256.Sum256(data), info.Mode())
		return nil
	}))
	return files
}

// assertSameTree fails unless got holds exactly want's files, directories and bytes.
func assertSameTree(t *testing.T, want, got string) {
	t.Helper()
	w, g := treeSums(t, want), treeSums(t, got)
	for name, sum := range w {
		if g[name] != sum {
			t.Errorf("%s: clean build %q, incremental %q", name, sum, g[name])
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: only in the incremental build", name)
		}
	}
}

// editSnapshot rewrites the snapshot file at path through edit, a newer snapshot time included,
// as the next night's snapshot would be.
func editSnapshot(t *testing.T, path string, edit func(*snapshot.Snapshot)) {
	t.Helper()
	s, err := snapshot.Load(path)
	require.NoError(t, err)
	s.TakenAt = s.TakenAt.Add(24 * time.Hour)
	edit(s)
	require.NoError(t, snapshot.Save(path, s))
}

// cleanBuild builds cfg's site into a new directory with a whole build and returns it.
func cleanBuild(t *testing.T, cfg *config.Site) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "clean")
	res, err := Run(context.Background(), cfg, Options{Output: out, Clean: true})
	require.NoError(t, err)
	require.False(t, res.Incremental)
	return out
}

func TestIncrementalBuildMatchesCleanBuild(t *testing.T) {
	dir := t.TempDir()
	siteYAML, err := synth.Scale(1000).WriteSite(filepath.Join(dir, "site"), filepath.Join(dir, "public"))
	require.NoError(t, err)
	cfg, err := config.Load(siteYAML)
	require.NoError(t, err)
	cfg.BaseURL = "https://acme.github.io/kdocs/"
	east := cfg.SnapshotPath(cfg.Clusters[0])
	ctx := context.Background()

	first, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	require.False(t, first.Incremental, "the first build has no manifest to go by")
	t.Logf("first build: %d pages in %s", first.Pages, first.Duration)

	var changedTopic string
	steps := []struct {
		name string
		edit func()
		// most pages the step may render again: the topic's own page and the pages that list
		// or draw it, never the estate
		maxRendered int
	}{
		{"nothing changed", func() {}, 0},
		{"a new snapshot in which one topic's config changed", func() {
			editSnapshot(t, east, func(s *snapshot.Snapshot) {
				tp := &s.Topics[len(s.Topics)/2]
				changedTopic = tp.Name
				tp.Configs = append(tp.Configs, snapshot.Config{Name: "retention.ms", Value: "1234567", Source: "DYNAMIC_TOPIC_CONFIG"})
			})
		}, 20},
		{"a topic gained a partition", func() {
			editSnapshot(t, east, func(s *snapshot.Snapshot) {
				tp := &s.Topics[len(s.Topics)/3]
				p := tp.Partitions[0]
				p.ID = int32(len(tp.Partitions))
				tp.Partitions = append(tp.Partitions, p)
			})
		}, 20},
		{"a topic was deleted", func() {
			editSnapshot(t, east, func(s *snapshot.Snapshot) {
				s.Topics = append(s.Topics[:10], s.Topics[11:]...)
			})
		}, 200},
		{"a subject gained a version, and the others' parses are the previous build's", func() {
			editSnapshot(t, east, func(s *snapshot.Snapshot) {
				sub := &s.Registry.Subjects[0]
				last := sub.Versions[len(sub.Versions)-1]
				next := last
				next.Version, next.ID = last.Version+1, 1_000_000
				next.Schema = strings.Replace(last.Schema, `"fields":[`, `"fields":[{"name":"added","type":"string","default":""},`, 1)
				require.NotEqual(t, last.Schema, next.Schema)
				sub.Versions = append(sub.Versions, next)
			})
		}, 20},
		{"the site's title changed", func() {
			cfg.Title += " (renamed)"
		}, first.Pages},
	}
	versions := func() (n int) {
		for _, c := range cfg.Clusters {
			s, err := snapshot.Load(cfg.SnapshotPath(c))
			require.NoError(t, err)
			for _, sub := range s.Registry.Subjects {
				n += len(sub.Versions)
			}
		}
		return n
	}
	require.Zero(t, first.SchemasKept)
	for _, step := range steps {
		step.edit()
		before := versions()
		res, err := Run(ctx, cfg, Options{})
		require.NoError(t, err, step.name)
		if strings.HasPrefix(step.name, "a subject gained") {
			assert.Equal(t, before-1, res.SchemasKept, "%s: every other version's parse is kept", step.name)
		} else {
			assert.Equal(t, before, res.SchemasKept, "%s: every version's parse is kept", step.name)
		}
		assert.True(t, res.Incremental, "%s: incremental", step.name)
		assert.LessOrEqual(t, res.Rendered, step.maxRendered, "%s: pages rendered again", step.name)
		t.Logf("%s: %d of %d pages rendered, %d files written, %d removed, in %s (first build %s)",
			step.name, res.Rendered, res.Pages, res.Written, res.Removed, res.Duration.Round(time.Millisecond), first.Duration.Round(time.Millisecond))
		assertSameTree(t, cleanBuild(t, cfg), cfg.Output)
	}
	require.NotEmpty(t, changedTopic)
}

// The build is whole, and still right, whenever the manifest cannot be trusted.
func TestIncrementalBuildFallsBackToWhole(t *testing.T) {
	cfg := newSite(t)
	ctx := context.Background()
	_, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	page := filepath.Join(cfg.Output, "clusters", "prod", "topics", "orders.created.html")
	manifest := manifestPath(cfg.Output)

	for name, spoil := range map[string]func(){
		"no manifest":        func() { require.NoError(t, os.Remove(manifest)) },
		"a damaged manifest": func() { require.NoError(t, os.WriteFile(manifest, []byte("not gzip"), 0o644)) },
		"a page removed":     func() { require.NoError(t, os.Remove(page)) },
		"a file added by hand": func() {
			require.NoError(t, os.WriteFile(filepath.Join(cfg.Output, "stray.html"), []byte("<p>x</p>"), 0o644))
		},
	} {
		spoil()
		res, err := Run(ctx, cfg, Options{})
		require.NoError(t, err, name)
		assert.False(t, res.Incremental, name)
		assertSameTree(t, cleanBuild(t, cfg), cfg.Output)
		res, err = Run(ctx, cfg, Options{})
		require.NoError(t, err, name)
		assert.True(t, res.Incremental, "%s: the whole build left a manifest", name)
		assert.Zero(t, res.Rendered, name)
	}
	res, err := Run(ctx, cfg, Options{Clean: true})
	require.NoError(t, err)
	assert.False(t, res.Incremental, "--clean")

	// A page written outside a build (the preview's quick path) is rendered again, even when
	// its content is back to what the manifest describes.
	guide := filepath.Join(cfg.Content, "getting-started.md")
	original, err := os.ReadFile(guide)
	require.NoError(t, err)
	require.NoError(t, markDirty(cfg.Output, "getting-started.html"))
	require.NoError(t, os.WriteFile(filepath.Join(cfg.Output, "getting-started.html"), []byte("<p>stale</p>"), 0o644))
	require.NoError(t, os.WriteFile(guide, original, 0o644))
	res, err = Run(ctx, cfg, Options{})
	require.NoError(t, err)
	assert.True(t, res.Incremental)
	assert.Equal(t, 1, res.Written, "the page the quick path wrote")
	assertSameTree(t, cleanBuild(t, cfg), cfg.Output)
}

// A failed incremental build changes nothing, its manifest included; the next one picks up.
func TestFailedIncrementalBuildLeavesSiteAndManifest(t *testing.T) {
	cfg := newSite(t)
	ctx := context.Background()
	_, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	before, manifestBefore := treeSums(t, cfg.Output), readFile(t, manifestPath(cfg.Output))

	guide := filepath.Join(cfg.Content, "getting-started.md")
	require.NoError(t, os.WriteFile(guide, []byte("---\ntitle: Getting started\nweight: 10\n---\nSee [gone](gone.md).\n"), 0o644))
	_, err = Run(ctx, cfg, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `getting-started.html: broken link "gone.md"`)
	assert.Equal(t, before, treeSums(t, cfg.Output))
	assert.Equal(t, manifestBefore, readFile(t, manifestPath(cfg.Output)))

	require.NoError(t, os.WriteFile(guide, []byte("---\ntitle: Getting started\nweight: 10\n---\nFixed.\n"), 0o644))
	res, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	assert.True(t, res.Incremental)
	assertSameTree(t, cleanBuild(t, cfg), cfg.Output)
}

// A page that drops an id a kept page links to is caught: the kept pages' links are checked
// again.
func TestIncrementalBuildChecksKeptPagesWhenTargetsGo(t *testing.T) {
	cfg := newSite(t)
	ctx := context.Background()
	runbook := filepath.Join(cfg.Content, "runbooks", "consumer-lag.md")
	guide := filepath.Join(cfg.Content, "getting-started.md")
	require.NoError(t, os.WriteFile(guide, []byte("---\ntitle: Getting started\nweight: 10\n---\nSee [growing](runbooks/consumer-lag.md#growing).\n"), 0o644))
	require.NoError(t, os.WriteFile(runbook, []byte("---\ntitle: Consumer lag\nweight: 20\n---\n# Consumer lag\n\n## Growing\n\nBack to [getting started](../getting-started.md).\n"), 0o644))
	_, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)

	require.NoError(t, os.WriteFile(runbook, []byte("---\ntitle: Consumer lag\nweight: 20\n---\n# Consumer lag\n\n## Shrinking\n\nBack to [getting started](../getting-started.md).\n"), 0o644))
	_, err = Run(ctx, cfg, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `getting-started.html: broken link "runbooks/consumer-lag.html#growing": no element with id "growing"`)

	// And a page removed that a kept page links to.
	require.NoError(t, os.WriteFile(runbook, []byte("---\ntitle: Consumer lag\nweight: 20\n---\n# Consumer lag\n\n## Growing\n"), 0o644))
	_, err = Run(ctx, cfg, Options{})
	require.NoError(t, err)
	require.NoError(t, os.Remove(runbook))
	_, err = Run(ctx, cfg, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `getting-started.html: broken link "runbooks/consumer-lag.html#growing": no such file`)
}

// A site's own template that reads the whole cluster (its snapshot time here) makes every page
// of that template depend on all of it.
func TestIncrementalBuildWithTemplateReadingTheCluster(t *testing.T) {
	cfg := newSite(t)
	ctx := context.Background()
	topic, err := fs.ReadFile(templates.FS, "topic.md.tmpl")
	require.NoError(t, err)
	dir := filepath.Join(cfg.Dir, "templates")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	custom := strings.Replace(string(topic), "## Configuration", "{{with $.Data.Cluster}}Snapshot of {{date .TakenAt}}.{{end}}\n\n## Configuration", 1)
	require.NotEqual(t, string(topic), custom)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "topic.md.tmpl"), []byte(custom), 0o644))
	_, err = Run(ctx, cfg, Options{})
	require.NoError(t, err)

	editSnapshot(t, cfg.SnapshotPath(cfg.Clusters[0]), func(*snapshot.Snapshot) {})
	res, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	assert.True(t, res.Incremental)
	assertSameTree(t, cleanBuild(t, cfg), cfg.Output)
	html := readFile(t, filepath.Join(cfg.Output, "clusters", "prod", "topics", "orders.created.html"))
	assert.Contains(t, html, "Snapshot of 2025-01-03 03:04 UTC.")
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(data)
}

// A manifest is the build's own file, but it is read as untrusted: one that names files outside
// the output, or that the output does not hold, makes the build whole and removes nothing.
func TestHostileManifestRemovesNothing(t *testing.T) {
	cfg := newSite(t)
	ctx := context.Background()
	_, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	outside := filepath.Join(filepath.Dir(cfg.Output), "precious.txt")
	require.NoError(t, os.WriteFile(outside, []byte("keep"), 0o644))
	m, why := readManifest(cfg.Output)
	require.Empty(t, why)
	m["../precious.txt"] = fileEntry{}
	m["line\nbreak.html"] = fileEntry{}
	require.NoError(t, writeManifest(cfg.Output, m))
	got, why := readManifest(cfg.Output)
	require.Empty(t, why)
	assert.Contains(t, got, "line\nbreak.html", "names are quoted")

	res, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	assert.False(t, res.Incremental, "the output lacks files the manifest names")
	assert.Equal(t, "keep", readFile(t, outside))
	assertSameTree(t, cleanBuild(t, cfg), cfg.Output)

	for _, text := range []string{"kdocs-manifest 1\nzz - \"a.html\"\n", "kdocs-manifest 2\n", ""} {
		var buf strings.Builder
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write([]byte(text))
		require.NoError(t, zw.Close())
		require.NoError(t, os.WriteFile(manifestPath(cfg.Output), []byte(buf.String()), 0o644))
		m, why := readManifest(cfg.Output)
		assert.Nil(t, m, text)
		assert.NotEmpty(t, why, text)
	}
}

// An author's link written to a page's .html file reads differently once that file is a page
// (or no longer one): such a page has no key, and is rendered every time.
func TestPageLinkingByHTMLIsAlwaysRendered(t *testing.T) {
	cfg := newSite(t)
	ctx := context.Background()
	guide := filepath.Join(cfg.Content, "getting-started.md")
	require.NoError(t, os.WriteFile(guide, []byte("---\ntitle: Getting started\nweight: 10\n---\nSee [lag](./runbooks/consumer-lag.html).\n"), 0o644))
	_, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	m, why := readManifest(cfg.Output)
	require.Empty(t, why)
	assert.False(t, m["getting-started.html"].keyed)
	assert.True(t, m["runbooks/consumer-lag.html"].keyed)
	res, err := Run(ctx, cfg, Options{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Rendered)
	assert.Zero(t, res.Written)
}
