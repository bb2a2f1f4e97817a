package serve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// preview is a running Run over a tiny project: content/page.md is the source, public/ the site,
// and Build writes the build counter and the page's text into public/index.html.
type preview struct {
	dir, root, page string
	url             string
	builds          atomic.Int32
	fail            atomic.Bool
	done            chan error
}

// startPreview runs Run until the test ends; watch maps the project directory to Options.Watch.
func startPreview(t *testing.T, watch func(dir string) []string) *preview {
	t.Helper()
	dir := t.TempDir()
	p := &preview{dir: dir, root: filepath.Join(dir, "public"), page: filepath.Join(dir, "content", "page.md"), done: make(chan error, 1)}
	require.NoError(t, os.MkdirAll(filepath.Dir(p.page), 0o755))
	require.NoError(t, os.WriteFile(p.page, []byte("first text"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: t\n"), 0o644))

	addr := freeAddr(t)
	p.url = "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		p.done <- Run(ctx, Options{Addr: addr, Root: p.root, Watch: watch(dir), Build: p.build})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-p.done:
			assert.NoError(t, err, "Run returns nil when its context ends")
		case <-time.After(5 * time.Second):
			t.Error("Run did not return within 5s of its context ending")
		}
	})
	require.Eventually(t, func() bool { return strings.Contains(p.get(t, "/"), "build 1") }, 10*time.Second, 10*time.Millisecond)
	return p
}

// build is the fake site build: it fails on demand and otherwise replaces index.html whole.
func (p *preview) build(context.Context) error {
	n := p.builds.Add(1)
	if p.fail.Load() {
		return fmt.Errorf("content/page.md:3: broken front matter (build %d)", n)
	}
	text, err := os.ReadFile(p.page)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p.root, 0o755); err != nil {
		return err
	}
	html := fmt.Sprintf("<!doctype html><html><head><title>t</title><link rel=\"icon\" href=\"data:,\"></head><body><h1>build %d</h1><p id=\"text\">%s</p></body></html>", n, text)
	tmp := filepath.Join(p.root, ".index.html.tmp")
	if err := os.WriteFile(tmp, []byte(html), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(p.root, "index.html"))
}

func (p *preview) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(p.url + path)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func (p *preview) write(t *testing.T, name, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
	require.NoError(t, os.WriteFile(name, []byte(text), 0o644))
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// events is an SSE client of /__kdocs/events.
type events struct {
	ch chan Event
}

// listen connects to the event stream and returns once the hub has subscribed it.
func listen(t *testing.T, url string) *events {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+eventsPath, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))

	e := &events{ch: make(chan Event, 16)}
	connected := make(chan struct{})
	go func() {
		defer close(e.ch)
		sc := bufio.NewScanner(resp.Body)
		var ev Event
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": connected":
				close(connected)
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data:"):
				data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
			case line == "" && ev.Name != "":
				ev.Data = strings.Join(data, "\n")
				e.ch <- ev
				ev, data = Event{}, nil
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		t.Fatal("the event stream did not confirm the subscription")
	}
	return e
}

func (e *events) next(t *testing.T) Event {
	t.Helper()
	select {
	case ev, ok := <-e.ch:
		require.True(t, ok, "the event stream ended")
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
		return Event{}
	}
}

func TestServeInjectsReloadScript(t *testing.T) {
	p := startPreview(t, func(dir string) []string { return []string{filepath.Join(dir, "content")} })

	html := p.get(t, "/")
	assert.Contains(t, html, `<p id="text">first text</p><script src="/__kdocs/reload.js"></script></body>`)
	onDisk, err := os.ReadFile(filepath.Join(p.root, "index.html"))
	require.NoError(t, err)
	assert.NotContains(t, string(onDisk), "__kdocs", "the built site stays clean")
	assert.Contains(t, p.get(t, "/index.html"), reloadTag)

	resp, err := http.Get(p.url + reloadScriptPath)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "javascript")
	js, _ := io.ReadAll(resp.Body)
	assert.Contains(t, string(js), "new EventSource(events)")

	// A missing page is a 404 that still reloads by itself once the page exists.
	resp, err = http.Get(p.url + "/topics/nope/")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, string(body), reloadTag)

	// A directory without its slash is redirected, so that its relative links resolve.
	require.NoError(t, os.MkdirAll(filepath.Join(p.root, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(p.root, "sub", "index.html"), []byte("<body>sub</body>"), 0o644))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.Get(p.url + "/sub")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	assert.Equal(t, "/sub/", resp.Header.Get("Location"))
	assert.Equal(t, "<body>sub"+reloadTag+"</body>", p.get(t, "/sub/"))
}

func TestServeReloadsAfterAChange(t *testing.T) {
	p := startPreview(t, func(dir string) []string {
		return []string{filepath.Join(dir, "content"), filepath.Join(dir, "site.yaml"), filepath.Join(dir, "missing")}
	})
	ev := listen(t, p.url)

	p.write(t, p.page, "second text")
	got := ev.next(t)
	assert.Equal(t, "reload", got.Name)
	assert.Equal(t, p.page, got.Data, "the event lists the changed files")
	assert.EqualValues(t, 2, p.builds.Load())
	assert.Contains(t, p.get(t, "/"), "<h1>build 2</h1><p id=\"text\">second text</p>")

	// A watched single file counts too.
	p.write(t, filepath.Join(p.dir, "site.yaml"), "title: changed\n")
	got = ev.next(t)
	assert.Equal(t, Event{Name: "reload", Data: filepath.Join(p.dir, "site.yaml")}, got)
	assert.EqualValues(t, 3, p.builds.Load())
}

func TestServeBuildErrorKeepsTheLastGoodSite(t *testing.T) {
	p := startPreview(t, func(dir string) []string { return []string{filepath.Join(dir, "content")} })
	ev := listen(t, p.url)

	p.fail.Store(true)
	p.write(t, p.page, "broken text")
	got := ev.next(t)
	assert.Equal(t, "build-error", got.Name)
	assert.Equal(t, "content/page.md:3: broken front matter (build 2)", got.Data)
	assert.Contains(t, p.get(t, "/"), "<h1>build 1</h1><p id=\"text\">first text</p>", "the last good site is still served")

	// A page opened while the build is broken learns it at once.
	late := listen(t, p.url)
	assert.Equal(t, "build-error", late.next(t).Name)

	p.fail.Store(false)
	p.write(t, p.page, "fixed text")
	assert.Equal(t, "reload", ev.next(t).Name)
	assert.Equal(t, "reload", late.next(t).Name)
	assert.Contains(t, p.get(t, "/"), "<h1>build 3</h1><p id=\"text\">fixed text</p>")

	// Once fixed, a new page gets no stale error.
	fresh := listen(t, p.url)
	select {
	case e := <-fresh.ch:
		t.Fatalf("a new client got %v after the fix", e)
	default:
	}
}

func TestServeIgnoresEditorFilesAndItsOwnOutput(t *testing.T) {
	// The whole project is watched, the served site included: its rewrites must not rebuild.
	p := startPreview(t, func(dir string) []string { return []string{dir} })
	ev := listen(t, p.url)

	content := filepath.Dir(p.page)
	for _, name := range []string{"page.md.swp", ".page.md.swp", "page.md~", ".#page.md", "4913"} {
		p.write(t, filepath.Join(content, name), "editor noise")
	}
	p.write(t, filepath.Join(p.dir, ".git", "index"), "git noise")
	p.write(t, filepath.Join(p.root, "stray.html"), "written into the output")
	// The next change is a real one; if anything above had counted, it would be in this batch or
	// in a batch before it.
	p.write(t, p.page, "real change")
	assert.Equal(t, Event{Name: "reload", Data: p.page}, ev.next(t))
	assert.EqualValues(t, 2, p.builds.Load())

	// A new directory is watched, with what is created in it.
	nested := filepath.Join(content, "topics", "orders.md")
	p.write(t, nested, "orders")
	got := ev.next(t)
	assert.Equal(t, "reload", got.Name)
	assert.Contains(t, got.Data, filepath.Join(content, "topics"))
	p.write(t, nested, "orders, edited")
	assert.Equal(t, Event{Name: "reload", Data: nested}, ev.next(t))

	// The build's own writes into public/ trigger nothing: no event follows the last reload.
	builds := p.builds.Load()
	time.Sleep(3 * debounce)
	assert.Equal(t, builds, p.builds.Load())
	select {
	case e := <-ev.ch:
		t.Fatalf("unexpected event %v", e)
	default:
	}
}

func TestServeBurstIsOneBuild(t *testing.T) {
	p := startPreview(t, func(dir string) []string { return []string{filepath.Join(dir, "content")} })
	ev := listen(t, p.url)
	for i := range 20 {
		p.write(t, filepath.Join(filepath.Dir(p.page), fmt.Sprintf("f%02d.md", i)), "x")
	}
	got := ev.next(t)
	assert.Equal(t, "reload", got.Name)
	assert.Len(t, strings.Split(got.Data, "\n"), 20, "one batch holds the whole burst")
	assert.EqualValues(t, 2, p.builds.Load())
}

func TestServeBuildPanicIsABuildError(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Addr: addr, Root: filepath.Join(dir, "public"), Build: func(context.Context) error { panic("template bug") }})
	}()
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, 5*time.Second, 10*time.Millisecond)
	// The build already failed; the error is retained for pages that connect later.
	ev := listen(t, "http://"+addr)
	got := ev.next(t)
	assert.Equal(t, Event{Name: "build-error", Data: "build panicked: template bug"}, got)
	cancel()
	require.NoError(t, <-done)
}

func TestRunRejectsBadOptions(t *testing.T) {
	err := Run(context.Background(), Options{Root: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Build")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	err = Run(context.Background(), Options{Addr: ln.Addr().String(), Root: t.TempDir(), Build: func(context.Context) error { return nil }})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "listen on "+ln.Addr().String())
	var opErr *net.OpError
	assert.True(t, errors.As(err, &opErr))
}
