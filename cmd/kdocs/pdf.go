package main

import (
	"context"
	"fmt"
	"github.com/spf13/pflag"
	"path/filepath"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/pdf"
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
				if dir == "" {
					site, err := e.loadConfig()
					if err != nil {
						return err
					}
					dir = site.Output
				}
				if !fileExists(filepath.Join(dir, "print", "index.html")) {
					return fmt.Errorf("no built site in %s (no print/index.html): run `kdocs build` first", dir)
				}
				if *out == "" {
					*out = filepath.Join(dir, "kdocs.pdf")
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
