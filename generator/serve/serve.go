// Package serve is kdocs' local preview: it serves the built site over HTTP, watches the sources,
// rebuilds after each burst of changes, and makes open pages reload themselves.
//
// Three small parts, wired only here: the watcher batches file events (watch.go), the hub pushes
// events to pages over Server-Sent Events without knowing what they mean (hub.go), and the HTTP
// handler serves the site and adds the reload script to HTML on the way out (http.go). A failed
// build keeps the last good site on screen and shows its error over the page.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// DefaultAddr is where the preview listens when Options.Addr is empty.
const DefaultAddr = "127.0.0.1:1313"

// debounce is how long the watcher waits for a burst of changes to end before rebuilding.
const debounce = 50 * time.Millisecond

// Options configures Run. Root and Build are required.
type Options struct {
	// Addr is the address to listen on (default DefaultAddr).
	Addr string
	// Root is the directory served: the site that Build writes.
	Root string
	// Watch lists files and directories (watched recursively) whose changes trigger a rebuild.
	// Missing ones are skipped. Root itself, hidden entries (.git) and editor temp files
	// (*.swp, *~, .#*) are never watched.
	Watch []string
	// Build rebuilds the site into Root. It must leave Root untouched when it fails.
	Build func(ctx context.Context) error
	// Quick, when set, first tries to apply a batch of changed paths by rebuilding only what
	// they touch, and reports whether it could. After a quick rebuild the pages reload at once;
	// the full Build still follows, and reloads the pages again only when it fails.
	Quick func(ctx context.Context, changed []string) (bool, error)
	// Built says Root already holds a fresh build, so Run serves it without building first.
	// The CLI builds once before serving to fail fast on a site that cannot build at all.
	Built bool
	// Logger receives the address, builds and errors (default: discard).
	Logger *slog.Logger
}

// Run builds the site once, then serves Root on Addr and rebuilds after changes to the watched
// paths until ctx ends. After a successful build, open pages reload; after a failed one, they
// keep the last good build and show the error. Run returns nil when ctx ends, and an error when
// it cannot listen or watch.
func Run(ctx context.Context, opts Options) error {
	if opts.Root == "" || opts.Build == nil {
		return errors.New("serve: Root and Build are required")
	}
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return fmt.Errorf("serve: root %s: %w", opts.Root, err)
	}

	w, err := newWatcher(opts.Watch, ignoreFor(root), debounce, log)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		w.fsw.Close()
		return fmt.Errorf("serve: listen on %s: %w", opts.Addr, err)
	}

	// Whatever ends Run also stops the watcher and the event streams.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h := newHub()
	srv := &http.Server{
		Handler:           newHandler(root, h),
		ReadHeaderTimeout: 10 * time.Second,
		// Requests end with ctx: the event streams would otherwise hold Shutdown open.
		BaseContext: func(net.Listener) context.Context { return ctx },
		ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "root", root)

	batches := make(chan []string)
	go w.run(ctx, batches)

	b := &builder{build: opts.Build, quick: opts.Quick, hub: h, log: log}
	if !opts.Built {
		b.run(ctx, nil)
	}
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				srv.Close()
			}
			return nil
		case err := <-served:
			return fmt.Errorf("serve: %w", err)
		case changed := <-batches:
			b.run(ctx, changed)
		}
	}
}

// builder runs one build at a time and tells the pages how it went.
type builder struct {
	build func(ctx context.Context) error
	quick func(ctx context.Context, changed []string) (bool, error)
	hub   *hub
	log   *slog.Logger
}

func (b *builder) run(ctx context.Context, changed []string) {
	start := time.Now()
	quick := false
	if b.quick != nil && len(changed) > 0 {
		var err error
		quick, err = b.safeQuick(ctx, changed)
		if quick && err == nil {
			b.log.Info("rebuilt the changed pages", "changed", changed, "took", time.Since(start).Round(time.Millisecond))
			b.hub.Retain(nil)
			b.hub.Publish(Event{Name: "reload", Data: strings.Join(changed, "\n")})
		} else {
			quick = false // and the full build reports any error
		}
	}
	err := b.safeBuild(ctx)
	took := time.Since(start).Round(time.Millisecond)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		b.log.Error("build failed; still serving the last good site", "err", err, "changed", changed, "took", took)
		ev := Event{Name: "build-error", Data: err.Error()}
		b.hub.Retain(&ev) // pages opened before the fix show the error too
		b.hub.Publish(ev)
		return
	}
	b.log.Info("built", "changed", changed, "took", took)
	b.hub.Retain(nil)
	if !quick { // the pages show the quick rebuild already
		b.hub.Publish(Event{Name: "reload", Data: strings.Join(changed, "\n")})
	}
}

// safeQuick is safeBuild for the quick path.
func (b *builder) safeQuick(ctx context.Context, changed []string) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("quick rebuild panicked: %v", r)
		}
	}()
	return b.quick(ctx, changed)
}

// safeBuild turns a panic in Build into an error: a bug in a template must not stop the preview.
func (b *builder) safeBuild(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("build panicked: %v", r)
		}
	}()
	return b.build(ctx)
}

// ignoreFor returns the paths the watcher skips: the served site (a build writing it must not
// trigger the next build), hidden entries (.git, editor locks like .#page.md, vim's .page.md.swp,
// a build's hidden temporary directory) and editor temp files.
func ignoreFor(root string) func(string) bool {
	return func(p string) bool {
		name := filepath.Base(p)
		switch {
		case strings.HasPrefix(name, "."),
			strings.HasSuffix(name, "~"),
			strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"),
			name == "4913": // vim probes a directory's writability with this file
			return true
		}
		return within(p, root)
	}
}
