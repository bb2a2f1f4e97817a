package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/kdocs/kdocs/generator/pdf"
)

func pdfCommand() command {
	return command{name: "pdf", summary: "Print the built site as one book PDF through headless Chromium.\nRun `kdocs build` first; the book is written into the site as kdocs.pdf unless --out says otherwise.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			siteDir := fs.String("site", "", "built site directory (default: output of site.yaml)")
			out := fs.String("out", "", "PDF file to write (default: <site>/kdocs.pdf)")
			chrome := fs.String("chrome", "", "path to Chrome or Chromium (default: looked up on PATH)")
			timeout := fs.Duration("timeout", 2*time.Minute, "give up when printing takes longer")
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
				start := time.Now()
				if err := pdf.Print(ctx, pdf.Options{SiteDir: dir, Out: *out, Chrome: *chrome, Timeout: *timeout, Logger: e.log}); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "wrote %s in %s\n", *out, time.Since(start).Round(time.Millisecond))
				return nil
			}
		}}
}
