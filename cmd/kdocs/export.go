package main

// `kdocs export`: the site's formats as files to hand on: the Markdown tree (for a wiki), the
// HTML site, the PDF book, the snapshots as JSON, and the formats other tools read (AsyncAPI,
// Backstage, the offline zip: export_formats.go). Everything is first produced in a hidden
// work directory inside --out, from one build; only when every requested format succeeded are
// they moved into place, so a failed export leaves the previous one untouched.

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pdf"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// exportFormats in the order they are produced and reported; allFormats are what "all" means.
var (
	exportFormats = []string{"md", "html", "pdf", "json", "asyncapi", "backstage", "zip"}
	allFormats    = []string{"md", "html", "pdf", "json"}
)

// exportOptions is one export, from the flags.
type exportOptions struct {
	formats []string // a subset of exportFormats, in their order
	out     string
	suffix  string // "" or "-" + the UTC time, appended to each format's file or directory name
	css     string
	chrome  string
	timeout time.Duration
	siteURL string // --site-url: where the site is published, for the links of asyncapi and backstage
}

func (o exportOptions) wants(f string) bool { return slices.Contains(o.formats, f) }

// target is where format f ends up inside --out.
func (o exportOptions) target(f string) string {
	if f == "pdf" {
		return filepath.Join(o.out, "kdocs"+o.suffix+".pdf")
	}
	if f == "zip" {
		return filepath.Join(o.out, "kdocs"+o.suffix+".zip")
	}
	return filepath.Join(o.out, f+o.suffix)
}

func exportCommand() command {
	return command{name: "export",
		short: "Write the documentation as Markdown, HTML, PDF, JSON, AsyncAPI, a Backstage catalog or a zip.",
		long: `Write the documentation in other formats: md (the Markdown tree, for a wiki), html (the
site), pdf (the book), json (the snapshots), or all of them from one build; asyncapi (AsyncAPI
3.0 documents with Kafka bindings), backstage (a Backstage catalog) and zip (the offline site)
when named. Each format replaces its previous export in --out whole; a failed export changes
nothing.`,
		example: `  kdocs export                           # export/md, export/html, export/kdocs.pdf, export/json
  kdocs export -f md,json -o wiki        # only the Markdown tree and the snapshots, into wiki/
  kdocs export -f asyncapi,backstage --site-url https://kafka.example.com/docs/
  kdocs export -f zip                    # the whole site for reading offline
  kdocs export --timestamp               # keep earlier exports: names get a UTC time suffix`,
		complete: func(c *cobra.Command) {
			completeValues(c, "format", "all", "md", "html", "pdf", "json", "asyncapi", "backstage", "zip")
		},
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			format := fs.StringP("format", "f", "all", "what to export: md, html, pdf, json, asyncapi, backstage, zip, all (md, html, pdf, json), or a comma-separated list")
			siteURL := fs.String("site-url", "", "absolute URL the site is published at, for the page links in asyncapi and backstage (default: site.yaml's baseURL when absolute)")
			out := fs.StringP("out", "o", "export", "directory to write into: md/, html/, kdocs.pdf, json/<cluster>.json")
			stamp := fs.Bool("timestamp", false, "suffix each name with the UTC time, -20060102T150405Z, to keep earlier exports")
			css := fs.String("css", "", "CSS file added to the HTML and PDF after the theme's own and site.yaml's css (as css/custom/<file name>)")
			chrome := fs.String("chrome", "", "path to Chrome or Chromium for the PDF (default: looked up on PATH)")
			timeout := fs.Duration("timeout", 2*time.Minute, "give up printing the PDF when it takes longer")
			return func(ctx context.Context) error {
				formats, err := parseFormats(*format)
				if err != nil {
					return err
				}
				o := exportOptions{formats: formats, out: *out, css: *css, chrome: *chrome, timeout: *timeout, siteURL: *siteURL}
				if *stamp {
					o.suffix = "-" + time.Now().UTC().Format("20060102T150405Z")
				}
				return runExport(ctx, e, o)
			}
		}}
}

// parseFormats reads --format: one format, a comma-separated list, or all.
func parseFormats(s string) ([]string, error) {
	want := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch {
		case f == "all":
			for _, g := range allFormats {
				want[g] = true
			}
		case slices.Contains(exportFormats, f):
			want[f] = true
		default:
			return nil, usageError{fmt.Sprintf("--format %q: want md, html, pdf, json, asyncapi, backstage, zip or all", s)}
		}
	}
	var formats []string
	for _, f := range exportFormats {
		if want[f] {
			formats = append(formats, f)
		}
	}
	return formats, nil
}

func runExport(ctx context.Context, e *env, o exportOptions) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	// --css adds to site.yaml's css: the build links it on every page like those.
	if o.css != "" {
		if err := cfg.AddCSS(o.css); err != nil {
			return fmt.Errorf("--css: %w", err)
		}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("export directory: %w", err)
	}
	// Hidden, so that an --out inside content/ is not published by the build itself.
	work, err := os.MkdirTemp(o.out, ".kdocs-export-")
	if err != nil {
		return fmt.Errorf("export directory: %w", err)
	}
	defer os.RemoveAll(work)

	// What each format leaves in work, moved to its target at the end.
	ready := map[string]string{}
	var report []string

	siteDir := ""
	if o.wants("md") || o.wants("html") || o.wants("pdf") || o.wants("zip") {
		// One build serves every format that needs the site.
		siteDir = filepath.Join(work, "html")
		// The PDF, alone or in the zip, prints the print view.
		opts := pipeline.Options{Logger: e.log, Output: siteDir, Print: o.wants("pdf") || o.wants("zip")}
		if o.wants("md") {
			opts.MarkdownDir = filepath.Join(work, "md")
		}
		res, err := pipeline.Run(ctx, cfg, opts)
		if err != nil {
			return fmt.Errorf("%s export: %w", strings.Join(slices.DeleteFunc(slices.Clone(o.formats), func(f string) bool { return f == "json" || f == "asyncapi" || f == "backstage" }), ", "), err)
		}
		if o.wants("md") {
			ready["md"] = opts.MarkdownDir
			report = append(report, fmt.Sprintf("%s (Markdown, %d pages)", o.target("md"), countFiles(opts.MarkdownDir, ".md")))
		}
		if o.wants("html") {
			ready["html"] = siteDir
			report = append(report, fmt.Sprintf("%s (HTML, %d pages)", o.target("html"), res.Pages))
		}
		if o.wants("pdf") {
			book := filepath.Join(work, "kdocs.pdf")
			err := pdf.Print(ctx, pdf.Options{SiteDir: siteDir, Out: book, Chrome: o.chrome, Timeout: o.timeout, Logger: e.log, MemoryBudget: memoryBudget(0, cfg)})
			if err != nil {
				return fmt.Errorf("pdf export %s: %w", o.target("pdf"), err)
			}
			ready["pdf"] = book
			report = append(report, o.target("pdf")+" (PDF)")
		}
	}
	if o.wants("json") {
		dir := filepath.Join(work, "json")
		names, err := exportSnapshots(cfg, dir)
		if err != nil {
			return fmt.Errorf("json export %s: %w", o.target("json"), err)
		}
		ready["json"] = dir
		for _, n := range names {
			report = append(report, filepath.Join(o.target("json"), n))
		}
	}
	if err := exportToolFormats(ctx, e, cfg, o, work, siteDir, ready, &report); err != nil {
		return err
	}

	for _, f := range o.formats {
		if err := moveInto(ready[f], o.target(f)); err != nil {
			return fmt.Errorf("%s export: %w", f, err)
		}
	}
	for _, r := range report {
		fmt.Fprintf(e.stdout, "wrote %s\n", r)
	}
	return nil
}

// exportSnapshots writes each cluster's snapshot as the build reads it (site.yaml's name and
// environment win over the file's, as in build) in the canonical encoding, as <cluster>.json.
// Cluster names are validated by config to be safe file names.
func exportSnapshots(cfg *config.Site, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	for _, c := range cfg.Clusters {
		s, err := snapshot.Load(cfg.SnapshotPath(c))
		if err != nil {
			return nil, fmt.Errorf("cluster %q: %w", c.Name, err)
		}
		s.Cluster.Name = c.Name
		if c.Environment != "" {
			s.Cluster.Environment = c.Environment
		}
		data, err := snapshot.Encode(s)
		if err != nil {
			return nil, err
		}
		name := c.Name + ".json"
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		names = append(names, name)
	}
	return names, nil
}

// moveInto puts src at dst, replacing what was there: the old one is renamed aside first and
// deleted last, so dst is never a mix of two exports. src and dst share --out's file system.
func moveInto(src, dst string) error {
	old := ""
	if _, err := os.Lstat(dst); err == nil {
		old = dst + ".old-" + filepath.Base(filepath.Dir(src))
		if err := os.Rename(dst, old); err != nil {
			return fmt.Errorf("move the previous %s aside: %w", dst, err)
		}
	}
	if err := os.Rename(src, dst); err != nil {
		if old != "" {
			_ = os.Rename(old, dst) // best effort: put the previous export back
		}
		return fmt.Errorf("move %s into place: %w", dst, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("the new %s is in place, but the previous one could not be removed from %s: %w", dst, old, err)
		}
	}
	return nil
}

// countFiles counts the files under dir with the extension ext.
func countFiles(dir, ext string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ext {
			n++
		}
		return nil
	})
	return n
}
