package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kdocs/kdocs/generator/build"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/serve"
)

func serveCommand() command {
	return command{name: "serve", summary: "Build the site and preview it locally; rebuild and reload the browser on every change\nto content/, templates/, themes/, the snapshots or site.yaml.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			addr := fs.String("addr", "127.0.0.1:1313", "address to listen on (binds to loopback unless told otherwise)")
			return func(ctx context.Context) error {
				site, err := e.loadConfig()
				if err != nil {
					return err
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
				rebuild := func(ctx context.Context) error {
					s, err := config.Load(e.configPath)
					if err != nil {
						return err
					}
					s.BaseURL = "/"
					s.Output = root
					_, err = build.Run(ctx, s, build.Options{Logger: e.log})
					return err
				}
				if err := rebuild(ctx); err != nil {
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
				return serve.Run(ctx, serve.Options{Addr: *addr, Root: root, Watch: watch, Build: rebuild, Built: true, Logger: e.log})
			}
		}}
}
