package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/internal/memlimit"
)

// defaultBuildBudget is the memory a build aims to stay within: what a CI runner or a small VM
// has to spare, as for a book (defaultMemoryBudget).
const defaultBuildBudget = 2 << 30

func buildCommand() command {
	return command{name: "build",
		short: "Build the static site from the snapshots and content/ into the output directory.",
		long: `Build the static site from the snapshots and content/ into the output directory (output:
in site.yaml, public/ by default). Nothing is read from Kafka: run kdocs snapshot first, or
point site.yaml's clusters at snapshot files. A failed build leaves the previous site untouched.

A build leaves a manifest beside the output (.<output>.kdocs-manifest: every file's digest and
each page's key, the digest of what the page is made of). The next build renders only the pages
whose key changed, checks their links, and writes into the output only the files whose bytes
changed: the same site a clean build makes, byte for byte. --clean builds everything (into a new
directory swapped in whole, as the first build does). Exits 3, the site built, when a cluster with
requireDeclaredWriters: true in site.yaml has writers no topic annotation declares.

The Go runtime's soft memory limit is set to 90% of --memory-budget (default 2GiB; GOMEMLIMIT
in the environment wins): the collector runs sooner as the heap nears it. A site that needs more
still builds, more slowly.`,
		example: `  kdocs build                                   # site.yaml here, into its output directory
  kdocs build -c docs/site.yaml -o /tmp/site    # another configuration and output
  kdocs build --base-url /kdocs/                # served from a sub-path, e.g. a project's Pages`,
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			out := fs.StringP("out", "o", "", "output directory (default: output of site.yaml)")
			baseURL := fs.String("base-url", "", "base URL or path the site is served from (default: baseURL of site.yaml)")
			clean := fs.Bool("clean", false, "build every page, even those the previous build's manifest says are unchanged")
			budget := config.ByteSize(defaultBuildBudget)
			fs.Var(&budget, "memory-budget", "the memory the build aims to stay within, as 2GiB or 1536MiB")
			return func(ctx context.Context) error {
				limit := memlimit.Apply(uint64(budget), os.Getenv)
				e.log.Debug("memory limit", "bytes", limit)
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
				res, err := pipeline.Run(ctx, site, pipeline.Options{Logger: e.log, Clean: *clean})
				if err != nil {
					return err
				}
				if res.Incremental {
					fmt.Fprintf(e.stdout, "built %d pages into %s in %s: %d rendered again, %d files written, %d removed\n",
						res.Pages, site.Output, res.Duration.Round(1e6), res.Rendered, res.Written, res.Removed)
				} else {
					fmt.Fprintf(e.stdout, "built %d pages into %s in %s\n", res.Pages, site.Output, res.Duration.Round(1e6))
				}
				if n := len(res.Undeclared); n > 0 {
					for _, u := range res.Undeclared {
						fmt.Fprintf(e.stderr, "undeclared writer: %s\n", u)
					}
					return failOnError{fmt.Sprintf("%d writers no annotation declares (requireDeclaredWriters in %s)", n, site.Path)}
				}
				return nil
			}
		}}
}
