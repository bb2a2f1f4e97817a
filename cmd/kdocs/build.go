package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/kdocs/kdocs/generator/pipeline"
)

func buildCommand() command {
	return command{name: "build", summary: "Build the static site from the snapshots and content/ into the output directory.\nThe output is swapped in whole: a failed build leaves the previous site untouched.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			out := fs.String("out", "", "output directory (default: output of site.yaml)")
			baseURL := fs.String("base-url", "", "base URL or path the site is served from (default: baseURL of site.yaml)")
			return func(ctx context.Context) error {
				site, err := e.loadConfig()
				if err != nil {
					return err
				}
				if *out != "" {
					site.Output, _ = filepath.Abs(*out)
				}
				if *baseURL != "" {
					site.BaseURL = *baseURL
				}
				res, err := pipeline.Run(ctx, site, pipeline.Options{Logger: e.log})
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "built %d pages into %s in %s\n", res.Pages, site.Output, res.Duration.Round(1e6))
				return nil
			}
		}}
}
