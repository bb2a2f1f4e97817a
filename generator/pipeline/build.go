// Package pipeline is the one call that turns a site.yaml into a site: it loads each cluster's
// snapshot and the content/ pages, builds the document model, renders it into a temporary
// directory beside the output, checks every link of the result (see linkcheck.go) and swaps it in
// whole. The CLI's `kdocs build` and `kdocs serve` (on every change) both go through Run.
package pipeline

import (
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/render"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/digest"
	"github.com/kdocs/kdocs/templates"
	"github.com/kdocs/kdocs/themes"
)

// Options adjust one build. The zero value builds site.yaml's output with the default theme.
type Options struct {
	// Logger receives progress (debug), the summary (info) and warnings; nil discards them.
	Logger *slog.Logger
	// Output overrides the site's output directory.
	Output string
	// BaseURL overrides the site's base URL (kdocs serve previews at "/").
	BaseURL string
	// MarkdownDir, when set, receives every page's Markdown at <page path>.md: the Markdown
	// export. It is replaced whole, like the output.
	MarkdownDir string
	// Theme names the theme (default "default"): themes/<name>/ beside site.yaml when it exists,
	// over the theme embedded in the binary.
	Theme string
	// Workers bounds parallel rendering; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Print writes the print view (print/) even when site.yaml does not publish it: for
	// `kdocs pdf` and `kdocs export`, which print it.
	Print bool
	// Loaded, when set, is called with the clusters' snapshots once they are loaded and before
	// the model is built: `kdocs pdf` narrows them to the book's scope there, and refuses a book
	// too large to print before anything is rendered. Its error stops the build.
	Loaded func([]*snapshot.Snapshot) error
	// Clean builds the whole site even when the previous build's manifest would let this one
	// render only what changed (incremental.go).
	Clean bool
}

// Result describes a finished build.
type Result struct {
	// Output is the directory the site now occupies.
	Output string
	// Pages counts the site's HTML pages (besides print/index.html and 404.html).
	Pages int
	// Warnings are problems that did not fail the build, such as an annotation that matches
	// no topic or group.
	Warnings []string
	// Undeclared says, per cluster whose site.yaml entry sets requireDeclaredWriters, the writers
	// no annotation declares (lineage.DriftOf); the site is built all the same, and kdocs build
	// exits 3 while any remain.
	Undeclared []string
	Duration   time.Duration
	// Incremental says the build rendered only the pages whose key changed (incremental.go);
	// Rendered counts the pages it rendered, Written the files it wrote into the output and
	// Removed those it removed (a whole build writes every file).
	Incremental                bool
	Rendered, Written, Removed int
	// SchemasKept counts the schema versions whose parse came from the previous build's schema
	// cache (schemacache.go) rather than from parsing them again.
	SchemasKept int

	// The document model and renderer of the build, for the preview's quick path (preview.go).
	model    *site.Site
	renderer *render.Renderer
}

// Run builds the site. On error the previous output (and Markdown export) is left untouched.
func Run(ctx context.Context, cfg *config.Site, opts Options) (Result, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	out := cmp.Or(opts.Output, cfg.Output)
	if err := checkOutput(cfg, out); err != nil {
		return Result{}, err
	}

	snaps, inputs, err := loadSnapshots(cfg, log)
	if err != nil {
		return Result{}, err
	}
	log.Debug("snapshots loaded", "clusters", len(snaps), "after", time.Since(start).Round(time.Millisecond))
	if opts.Loaded != nil {
		if err := opts.Loaded(snaps); err != nil {
			return Result{}, err
		}
	}
	content, assets, err := loadContent(cfg)
	if err != nil {
		return Result{}, err
	}
	build, err := buildIdentity()
	if err != nil {
		return Result{}, err
	}
	schemas := newSchemaCache(build)
	if !opts.Clean { // a clean build parses every schema; it still leaves a cache for the next
		if err := schemas.read(schemaCachePath(out)); err != nil {
			log.Debug("no schema cache", "why", err)
		}
	}
	est := estate(cfg)
	est.ParseSchema = schemas.parse
	model, err := site.BuildEstate(cfg.Title, snaps, content, est)
	if err != nil {
		return Result{}, err
	}
	log.Debug("schemas parsed", "kept from the previous build", schemas.hits, "of", len(schemas.used))
	// Written now, not after the site: a cache entry is right whatever becomes of this build, and
	// its entries (50 MB at 100,000 topics) need not stay in memory while the pages render.
	if schemas.changed() {
		if err := schemas.write(schemaCachePath(out)); err != nil {
			log.Warn(err.Error()) // the next build parses what it cannot find
		}
	}
	schemasKept := schemas.hits
	schemas.prev, schemas.used = nil, nil // est's parser still points at the cache
	history, historyWarnings, err := loadHistory(cfg, snaps, log)
	if err != nil {
		return Result{}, err
	}
	site.AddChanges(model, history, diff.Options{})
	site.AddActivity(model, activityReports(cfg, history))
	if err := addEnvironments(model, snaps, cfg); err != nil {
		return Result{}, err
	}
	model.Warnings = append(model.Warnings, historyWarnings...)
	log.Debug("document model built", "pages", len(model.Pages), "clusters", len(snaps), "content", len(content),
		"after", time.Since(start).Round(time.Millisecond))

	themeName := cmp.Or(opts.Theme, "default")
	theme, err := layered(filepath.Join(cfg.Dir, "themes", themeName), themes.FS, themeName)
	if err != nil {
		return Result{}, fmt.Errorf("theme %q: %w", themeName, err)
	}
	tmpls, err := layered(filepath.Join(cfg.Dir, "templates"), templates.FS, ".")
	if err != nil {
		return Result{}, fmt.Errorf("templates: %w", err)
	}
	baseURL := cmp.Or(opts.BaseURL, cfg.BaseURL)
	css, err := readCSS(cfg)
	if err != nil {
		return Result{}, err
	}
	print := opts.Print || cfg.Print
	r, err := render.New(render.Options{Theme: theme, Templates: tmpls, BaseURL: baseURL, Workers: opts.Workers, CSS: css,
		Print: print, Build: build})
	if err != nil {
		return Result{}, err
	}

	// The build's own list: writeSnapshots lets go of each snapshot once it is published,
	// and the caller's (Options.Loaded's) stays whole.
	b := &siteBuild{model: model, renderer: r, snaps: slices.Clone(snaps), snapKeys: snapshotKeys(build, model, inputs),
		content: cfg.Content, assets: assets, baseURL: baseURL, markdown: opts.MarkdownDir != "", log: log, start: start}
	var prev manifest
	why := "clean build asked for"
	switch {
	case opts.Clean:
	case print:
		why = "the print view holds every page"
	case opts.MarkdownDir != "":
		why = "the Markdown export holds every page"
	default:
		if prev, why = readManifest(out); prev != nil {
			why = matchesManifest(out, prev)
		}
	}
	var res *render.Result
	var counts Result
	if prev != nil && why == "" {
		res, counts, err = b.incremental(ctx, out, prev)
	} else {
		log.Debug("whole build", "why", why)
		res, counts, err = b.whole(ctx, out)
	}
	if err != nil {
		return Result{}, fmt.Errorf("build %s: %w", out, err)
	}
	if opts.MarkdownDir != "" {
		err := replaceDir(opts.MarkdownDir, func(dir string) error {
			for _, f := range res.Markdown {
				if err := render.WriteFile(dir, f.Path, f.Data); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return Result{}, fmt.Errorf("Markdown export %s: %w", opts.MarkdownDir, err)
		}
	}

	warnings := append(slices.Clone(model.Warnings), res.Warnings...)
	for _, w := range warnings {
		log.Warn(w)
	}
	result := Result{Output: out, Pages: res.Pages, Warnings: warnings, Undeclared: undeclared(cfg, model),
		Duration: time.Since(start), Incremental: counts.Incremental, Rendered: res.Rendered,
		Written: counts.Written, Removed: counts.Removed, SchemasKept: schemasKept, model: model, renderer: r}
	log.Info("site built", "output", out, "pages", result.Pages, "rendered", result.Rendered, "written", result.Written,
		"removed", result.Removed, "incremental", result.Incremental, "duration", result.Duration.Round(time.Millisecond))
	return result, nil
}

// checkOutput refuses an output directory whose replacement would destroy the site's sources.
func checkOutput(cfg *config.Site, out string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	for _, src := range []string{cfg.Dir, cfg.Content, cfg.Snapshots} {
		if src == "" {
			continue
		}
		if s, err := filepath.Abs(src); err == nil && within(s, abs) {
			return fmt.Errorf("output %s would replace %s, which holds the site's sources: choose another output directory", out, src)
		}
	}
	return nil
}

// within reports whether p is dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// loadSnapshots reads each cluster's snapshot in site.yaml order, decoding them in parallel
// (decoding is single-threaded and a large estate's takes a third of a second). site.yaml's name
// (and environment, when set) win over the file's, so a replayed file can document any cluster.
// Each snapshot's file digest comes back beside it: the published copy is a function of it.
func loadSnapshots(cfg *config.Site, log *slog.Logger) ([]*snapshot.Snapshot, []digest.Sum, error) {
	loaded := make([]*snapshot.Snapshot, len(cfg.Clusters))
	sums := make([]digest.Sum, len(cfg.Clusters))
	errs := make([]error, len(cfg.Clusters))
	var wg sync.WaitGroup
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, c := range cfg.Clusters {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			loaded[i], sums[i], errs[i] = loadSnapshot(cfg, c, log)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return loaded, sums, nil
}

func loadSnapshot(cfg *config.Site, c config.Cluster, log *slog.Logger) (*snapshot.Snapshot, digest.Sum, error) {
	p := cfg.SnapshotPath(c)
	s, sum, err := readSnapshot(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		hint := "run `kdocs snapshot` to take one"
		if c.Snapshot != "" {
			hint = "check clusters[].snapshot in " + cfg.Path
		}
		return nil, sum, fmt.Errorf("cluster %q: no snapshot at %s: %s", c.Name, p, hint)
	case err != nil:
		return nil, sum, fmt.Errorf("cluster %q: %w", c.Name, err)
	}
	if s.Cluster.Name != c.Name {
		log.Debug("snapshot renamed to its site.yaml name", "file", p, "snapshot", s.Cluster.Name, "cluster", c.Name)
	}
	s.Cluster.Name = c.Name
	if c.Environment != "" {
		s.Cluster.Environment = c.Environment
	}
	s.Normalize() // canonical order, whoever wrote the file
	return s, sum, nil
}

// readSnapshot is snapshot.Load, with the digest of the file's bytes.
func readSnapshot(path string) (*snapshot.Snapshot, digest.Sum, error) {
	var sum digest.Sum
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, sum, fmt.Errorf("read snapshot: %w", err)
	}
	sum = digest.Bytes(data)
	s, err := snapshot.Decode(data)
	if err != nil {
		return nil, sum, fmt.Errorf("snapshot %s: %w", path, err)
	}
	return s, sum, nil
}

// loadContent reads content/: Markdown files become pages, other files are copied as they are
// (images a page shows). Hidden files and directories are skipped. A missing directory is an
// empty one.
func loadContent(cfg *config.Site) (pages []site.Content, assets []string, err error) {
	root := cfg.Content
	if _, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	var errs []error
	err = fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !strings.EqualFold(filepath.Ext(p), ".md") {
			assets = append(assets, p)
			return nil
		}
		file := filepath.Join(root, filepath.FromSlash(p))
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		c, err := site.ParseContent(p, display(cfg.Dir, file), data)
		if err != nil {
			errs = append(errs, err) // report every broken page at once
			return nil
		}
		pages = append(pages, c)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read content %s: %w", root, err)
	}
	return pages, assets, errors.Join(errs...)
}

// display names file relative to the site directory when it is inside it.
func display(dir, file string) string {
	if rel, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return file
}

// copyAssets copies content/'s non-Markdown files into the site at the same paths.
func copyAssets(root string, assets []string, dir string, model *site.Site) error {
	for _, a := range assets {
		target := filepath.Join(dir, filepath.FromSlash(a))
		// A page an incremental build left as it was is not in dir: the model knows it.
		page, isHTML := strings.CutSuffix(a, ".html")
		if _, err := os.Lstat(target); err == nil || isHTML && model.Page(page) != nil {
			return fmt.Errorf("content file %s would overwrite a generated file", a)
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(a)))
		if err != nil {
			return fmt.Errorf("copy content file: %w", err)
		}
		if err := render.WriteFile(dir, a, data); err != nil {
			return err
		}
	}
	return nil
}

// writeSnapshots publishes each snapshot in its canonical encoding at the path the model gave
// it (snapshots/<cluster>.json.gz, gzip-compressed, unless site.yaml's publishSnapshots says
// json or none), so readers can download exactly what the pages show. It runs beside the page
// workers, so it streams (the file of a large estate runs to hundreds of megabytes before
// compression) and does not normalize again (sorting writes, and the pages read the
// snapshots). The pipeline's own snapshots (snapshots/, the history) are not touched.
// skip, when set, says which to leave as the previous build wrote them.
//
// Each entry of snaps is set to nil once its snapshot is written or skipped: the pages need
// only what the model took from it, and the rest (a quarter of the live heap at 100,000
// topics) would otherwise stay live through the render, where every collection marks it.
func writeSnapshots(model *site.Site, snaps []*snapshot.Snapshot, dir string, skip func(name string) bool) error {
	for i, c := range model.Clusters {
		s := snaps[i]
		snaps[i] = nil
		if c.SnapshotFile == "" || skip != nil && skip(c.SnapshotFile) {
			continue
		}
		if err := writeSnapshot(s, filepath.Join(dir, filepath.FromSlash(c.SnapshotFile)), c.SnapshotGzip()); err != nil {
			return fmt.Errorf("publish snapshot of cluster %q: %w", c.Name, err)
		}
	}
	return nil
}

func writeSnapshot(s *snapshot.Snapshot, path string, gz bool) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if !gz {
		return snapshot.Write(f, s)
	}
	// The fastest level: the JSON of an estate repeats itself so much that it still shrinks
	// about tenfold, and this runs beside the page workers. The header has no name or time,
	// so the same snapshot gives the same file.
	zw, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if err := snapshot.Write(zw, s); err != nil {
		return err
	}
	return zw.Close()
}

// readCSS reads site.yaml's stylesheets (and any added by a flag) for the renderer.
func readCSS(cfg *config.Site) ([]render.File, error) {
	var out []render.File
	for _, c := range cfg.CSS {
		data, err := os.ReadFile(c.Path)
		if err != nil {
			if c.Line > 0 {
				return nil, fmt.Errorf("%s: line %d: css: %w", cfg.Path, c.Line, err)
			}
			return nil, fmt.Errorf("css: %w", err)
		}
		out = append(out, render.File{Path: c.SitePath(), Data: data})
	}
	return out, nil
}

// undeclared lists the undeclared writers of the clusters that require declarations.
func undeclared(cfg *config.Site, model *site.Site) []string {
	require := map[string]bool{}
	for _, c := range cfg.Clusters {
		require[c.Name] = c.RequireDeclaredWriters
	}
	var out []string
	for _, c := range model.Clusters {
		if !require[c.Name] {
			continue
		}
		for _, u := range c.Drift.Undeclared {
			how := "allowed by an ACL"
			if u.Observed {
				how = "observed"
			}
			out = append(out, fmt.Sprintf("cluster %q: topic %q: %s %q (%s) is not declared under producers: in its annotation", c.Name, u.Topic, u.Kind, u.Name, how))
		}
	}
	return out
}
