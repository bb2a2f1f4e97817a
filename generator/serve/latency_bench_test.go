package serve

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/browsertest"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/internal/testenv"
)

// copyExample copies the repository's example site (site.yaml, content/, the replayed snapshot)
// into a temporary directory and returns its site.yaml.
func copyExample(b *testing.B) string {
	dir := b.TempDir()
	root := filepath.Join("..", "..")
	require.NoError(b, os.CopyFS(filepath.Join(dir, "content"), os.DirFS(filepath.Join(root, "content"))))
	snap, err := os.ReadFile(filepath.Join(root, "testdata", "demo", "acme-dev.json"))
	require.NoError(b, err)
	require.NoError(b, os.WriteFile(filepath.Join(dir, "acme-dev.json"), snap, 0o644))
	yaml, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	require.NoError(b, err)
	yaml = []byte(strings.Replace(string(yaml), "testdata/demo/acme-dev.json", "acme-dev.json", 1))
	require.NoError(b, os.WriteFile(filepath.Join(dir, "site.yaml"), yaml, 0o644))
	return filepath.Join(dir, "site.yaml")
}

// BenchmarkContentEditToScreen is the preview's round trip on the example estate, in a real
// browser: a guide's Markdown saved → watcher → rebuild → reload event → the page reloaded with
// the new text on screen. "full" rebuilds the whole site on every edit (the baseline, measured
// in the same run); "quick" is what kdocs serve does, re-rendering only the edited page first.
// Reported: ms/edit-to-screen, ms/build (one full build alone), x-full (quick over full).
func BenchmarkContentEditToScreen(b *testing.B) {
	chrome := testenv.Chrome(b)
	var full time.Duration
	for _, mode := range []string{"full", "quick"} {
		b.Run(mode, func(b *testing.B) {
			perEdit, buildTime := editToScreen(b, chrome, mode == "quick")
			if mode == "full" {
				full = perEdit
			}
			b.ReportMetric(float64(perEdit.Microseconds())/1000, "ms/edit-to-screen")
			b.ReportMetric(float64(buildTime.Microseconds())/1000, "ms/build")
			if full > 0 {
				b.ReportMetric(perEdit.Seconds()/full.Seconds(), "x-full")
			}
		})
	}
}

func editToScreen(b *testing.B, chrome string, quick bool) (perEdit, buildTime time.Duration) {
	cfgPath := copyExample(b)
	p := &pipeline.Preview{Load: func() (*config.Site, error) {
		cfg, err := config.Load(cfgPath)
		if err != nil {
			return nil, err
		}
		cfg.BaseURL, cfg.Output = "/", filepath.Join(filepath.Dir(cfgPath), "preview")
		return cfg, nil
	}}
	require.NoError(b, p.Full(context.Background()))
	var buildTotal time.Duration
	for range 3 {
		start := time.Now()
		require.NoError(b, p.Full(context.Background()))
		buildTotal += time.Since(start)
	}
	buildTime = buildTotal / 3

	dir := filepath.Dir(cfgPath)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	addr := ln.Addr().String()
	require.NoError(b, ln.Close())
	opts := Options{Addr: addr, Root: filepath.Join(dir, "preview"), Watch: []string{filepath.Join(dir, "content")}, Build: p.Full, Built: true}
	if quick {
		opts.Quick = p.Quick
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	defer func() { cancel(); <-done }()

	page := filepath.Join(dir, "content", "getting-started.md")
	orig, err := os.ReadFile(page)
	require.NoError(b, err)
	bctx := browsertest.Browse(b, chrome)
	require.NoError(b, chromedp.Do(bctx, chromedp.Navigate("http://"+addr+"/getting-started.html")))

	var total time.Duration
	i := 0
	for b.Loop() {
		i++
		marker := fmt.Sprintf("edit-marker-%d", i)
		waitTrue(b, bctx, `window.__kdocsLive === true`)
		// Let the full build that follows a quick one finish, as it would between two saves.
		time.Sleep(600 * time.Millisecond)
		start := time.Now()
		require.NoError(b, os.WriteFile(page, []byte(strings.Replace(string(orig), "These pages document", marker+" These pages document", 1)), 0o644))
		waitTrue(b, bctx, fmt.Sprintf(`document.querySelector('main')?.textContent.includes(%q)`, marker))
		total += time.Since(start)
	}
	return total / time.Duration(b.N), buildTime
}

// waitTrue polls expr until it is true, starting again when the page navigates (a reload).
func waitTrue(b *testing.B, ctx context.Context, expr string) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(2*time.Millisecond), chromedp.WithPollingTimeout(0)))
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			b.Fatalf("waiting for %s: %v", expr, err)
		}
	}
}
