package main

import (
	"context"
	"fmt"
	"github.com/spf13/pflag"
	"os"
	"path/filepath"
	"time"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/serve"
	"github.com/kdocs/kdocs/internal/memlimit"
)

func serveCommand() command {
	return command{name: "serve",
		short: "Preview the site locally, rebuilding and reloading the browser on every change.",
		long: `Build the site and preview it locally; rebuild and reload the browser on every change to
content/, templates/, themes/, the snapshots or site.yaml. The preview is built into a
directory of its own and served from the root, whatever baseURL says. After the first build,
a rebuild renders only the pages whose inputs changed, as kdocs build does. The Go runtime's
soft memory limit is set to 90% of --memory-budget (default 2GiB; GOMEMLIMIT wins), as for
kdocs build.`,
		example: `  kdocs serve                            # http://127.0.0.1:1313/
  kdocs serve --addr 0.0.0.0:8080        # reachable from other machines
  kdocs serve --snapshot-every 5m        # re-read the live clusters while previewing`,
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			addr := fs.String("addr", "127.0.0.1:1313", "address to listen on (binds to loopback unless told otherwise)")
			every := fs.Duration("snapshot-every", 0, "re-snapshot the live clusters (bootstrap: in site.yaml) this often while serving, e.g. 5m; 0: never")
			budget := config.ByteSize(defaultBuildBudget)
			fs.Var(&budget, "memory-budget", "the memory each build aims to stay within, as 2GiB or 1536MiB")
			return func(ctx context.Context) error {
				e.log.Debug("memory limit", "bytes", memlimit.Apply(uint64(budget), os.Getenv))
				site, err := e.loadConfig()
				if err != nil {
					return err
				}
				if *every < 0 {
					return usageError{fmt.Sprintf("--snapshot-every %s: want a positive interval", *every)}
				}
				if *every > 0 {
					// A first snapshot now: the preview must not show a stale or missing one. Its
					// files land in the watched snapshot directory, so later ones rebuild by themselves.
					if err := resnapshot(ctx, e, site); err != nil {
						return err
					}
					go func() {
						tick := time.NewTicker(*every)
						defer tick.Stop()
						for {
							select {
							case <-ctx.Done():
								return
							case <-tick.C:
								if err := resnapshot(ctx, e, site); err != nil && ctx.Err() == nil {
									e.log.Error("re-snapshot failed; serving the previous snapshots", "err", err)
								}
							}
						}
					}()
				}
				// The preview is built into a directory of its own: it is served from the root
				// whatever baseURL the published site uses, and it must not replace the
				// published build in output/ (nor the book printed into it).
				preview, err := os.MkdirTemp("", "kdocs-preview-*")
				if err != nil {
					return fmt.Errorf("create preview directory: %w", err)
				}
				defer os.RemoveAll(preview)
				root := filepath.Join(preview, "site")
				// Reload site.yaml on every build so that edits to it take effect too.
				p := &pipeline.Preview{Options: pipeline.Options{Logger: e.log}, Load: func() (*config.Site, error) {
					s, err := config.Load(e.configPath)
					if err != nil {
						return nil, err
					}
					s.BaseURL = "/"
					s.Output = root
					return s, nil
				}}
				if err := p.Full(ctx); err != nil {
					return err
				}
				watch := []string{site.Path, site.Content, site.Snapshots,
					filepath.Join(site.Dir, "templates"), filepath.Join(site.Dir, "themes")}
				for _, c := range site.Clusters {
					if c.Snapshot != "" {
						watch = append(watch, c.Snapshot)
					}
				}
				fmt.Fprintf(e.stdout, "previewing %s on http://%s/ (Ctrl-C to stop)\n", site.Path, *addr)
				return serve.Run(ctx, serve.Options{Addr: *addr, Root: root, Watch: watch, Build: p.Full, Quick: p.Quick, Built: true, Logger: e.log})
			}
		}}
}

// resnapshot takes a snapshot of the live clusters for the preview; a cluster that cannot be
// read keeps its previous snapshot and is logged.
func resnapshot(ctx context.Context, e *env, site *config.Site) error {
	outcomes, err := takeSnapshots(ctx, e, site, false)
	if err != nil {
		return err
	}
	for _, o := range outcomes {
		if o.Err != nil {
			e.log.Error("re-snapshot of a cluster failed; keeping its previous snapshot", "cluster", o.Cluster, "err", o.Err)
			continue
		}
		e.log.Info("re-snapshot", "cluster", o.Cluster, "health", o.Health.Status.String(), "took", o.Duration.Round(time.Millisecond))
	}
	return nil
}
