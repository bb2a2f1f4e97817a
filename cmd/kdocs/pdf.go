package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pdf"
	"github.com/kdocs/kdocs/generator/pipeline"
)

func pdfCommand() command {
	return command{name: "pdf",
		short: "Print the built site as PDF books through headless Chromium.",
		long: `Print the built site as PDF books through headless Chromium: the whole estate as kdocs.pdf
and each cluster as kdocs-<cluster>.pdf, written into the site unless --out says otherwise.
Run kdocs build first.`,
		example: `  kdocs build && kdocs pdf                    # public/kdocs.pdf and public/kdocs-<cluster>.pdf
  kdocs pdf -o book/estate.pdf                # book/estate.pdf, book/estate-<cluster>.pdf
  kdocs pdf --chrome /usr/bin/chromium --cluster-books=false`,
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			siteDir := fs.String("site", "", "built site directory (default: output of site.yaml)")
			out := fs.StringP("out", "o", "", "the estate's PDF (default: <site>/kdocs.pdf); cluster books go beside it as <name>-<cluster>.pdf")
			clusterBooks := fs.Bool("cluster-books", true, "also print one book per cluster")
			chrome := fs.String("chrome", "", "path to Chrome or Chromium (default: looked up on PATH)")
			timeout := fs.Duration("timeout", pdf.DefaultTimeout, "give up when printing takes longer (all books together); a hung browser fails after 30s")
			return func(ctx context.Context) error {
				dir := *siteDir
				var cfg *config.Site
				if dir == "" {
					site, err := e.loadConfig()
					if err != nil {
						return err
					}
					cfg, dir = site, site.Output
				}
				if *out == "" {
					*out = filepath.Join(dir, "kdocs.pdf")
				}
				if !fileExists(filepath.Join(dir, "print", "index.html")) {
					if cfg == nil {
						return fmt.Errorf("no print view in %s (no print/index.html): build it with `print: true` in site.yaml, or run `kdocs pdf` without --site to let it render its own", dir)
					}
					// The site does not publish its print view (site.yaml's print): render the
					// books into a scratch directory beside the output, print them, drop it.
					if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
						return err
					}
					scratch, err := os.MkdirTemp(filepath.Dir(*out), ".kdocs-pdf-")
					if err != nil {
						return err
					}
					defer os.RemoveAll(scratch)
					dir = filepath.Join(scratch, "site")
					if _, err := pipeline.Run(ctx, cfg, pipeline.Options{Logger: e.log, Output: dir, Print: true}); err != nil {
						return fmt.Errorf("render the print view: %w", err)
					}
				}
				books := []pdf.Book{{Page: pdf.DefaultPage, Out: *out}}
				if *clusterBooks {
					all, err := pdf.Books(dir, filepath.Dir(*out))
					if err != nil {
						return err
					}
					stem := strings.TrimSuffix(filepath.Base(*out), filepath.Ext(*out))
					for _, b := range all[1:] {
						// kdocs-<cluster>.pdf becomes <stem>-<cluster>.pdf beside --out.
						b.Out = filepath.Join(filepath.Dir(*out), stem+strings.TrimPrefix(filepath.Base(b.Out), "kdocs"))
						books = append(books, b)
					}
				}
				start := time.Now()
				bar := e.progress("pdf", len(books))
				opts := pdf.Options{SiteDir: dir, Chrome: *chrome, Timeout: *timeout, Logger: e.log, Done: func(b pdf.Book) { bar.Step(b.Out) }}
				err := pdf.PrintBooks(ctx, opts, books)
				bar.Finish()
				if err != nil {
					return err
				}
				for _, b := range books {
					fmt.Fprintf(e.stdout, "wrote %s\n", b.Out)
				}
				fmt.Fprintf(e.stdout, "%d book(s) in %s\n", len(books), time.Since(start).Round(time.Millisecond))
				return nil
			}
		}}
}
