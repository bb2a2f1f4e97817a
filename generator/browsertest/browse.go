// Package browsertest opens pages in headless Chromium for tests and records what they did:
// console errors, uncaught exceptions, browser-log errors and the URL of every request. Its own
// tests check a built kdocs site the way a reader's browser sees it (diagrams rendered, no
// errors, nothing fetched from another host, navigation that resolves).
//
// Only this helper is a non-test file; it exists so that other packages' browser tests
// (generator/serve) share the same browser setup and recording.
package browsertest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/kdocs/kdocs/generator/pdf"
)

// Browse starts headless Chromium (the binary at chrome, with the flags the PDF printer uses) and
// returns a chromedp context for one tab, whose console errors and requests are recorded from
// the tab's first event on. The browser stops when the test ends. Bound single actions with
// context.WithTimeout on the returned context; that leaves the browser running.
func Browse(t testing.TB, chrome string) context.Context {
	t.Helper()
	rec := &recorder{}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), pdf.AllocatorOptions(chrome)...)
	// A listener, not an event iterator: it sees events in order and from the tab's start,
	// so the requests of the first navigation are never missed.
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(rec.listen))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", chrome, err)
	}
	return context.WithValue(ctx, recorderKey{}, rec)
}

// ConsoleErrors returns, in order, the console.error calls, uncaught exceptions and error entries
// of the browser log (failed loads, CSP violations) recorded in the tab of ctx so far.
func ConsoleErrors(ctx context.Context) []string {
	rec := from(ctx)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.errors)
}

// Requests returns, in order, the URL of every request the tab of ctx started so far, documents,
// redirects, scripts, styles, images, fonts and fetches alike.
func Requests(ctx context.Context) []string {
	rec := from(ctx)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.requests)
}

// Reset forgets what was recorded so far, to check one navigation on its own.
func Reset(ctx context.Context) {
	rec := from(ctx)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.errors, rec.requests = nil, nil
}

type recorderKey struct{}

func from(ctx context.Context) *recorder {
	rec, ok := ctx.Value(recorderKey{}).(*recorder)
	if !ok {
		panic("browsertest: the context does not come from Browse")
	}
	return rec
}

type recorder struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

// listen runs in the tab's event loop: it must return fast and send no command.
func (r *recorder) listen(ev any) {
	var msg, url string
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			url = ev.Request.URL
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			msg = "console.error: " + argsText(ev.Args)
		}
	case *runtime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			msg = "exception: " + d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			if d.URL != "" {
				msg += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
			}
		}
	case *log.EventEntryAdded:
		if e := ev.Entry; e != nil && e.Level == log.EntryLevelError {
			msg = fmt.Sprintf("log %s: %s", e.Source, e.Text)
			if e.URL != "" {
				msg += " (" + e.URL + ")"
			}
		}
	}
	if msg == "" && url == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if msg != "" {
		r.errors = append(r.errors, msg)
	}
	if url != "" {
		r.requests = append(r.requests, url)
	}
}

// argsText prints console arguments roughly as DevTools does: strings as they are, other values
// by their JSON or description.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a == nil:
		case len(a.Value) > 0:
			v := string(a.Value)
			if s, err := strconv.Unquote(v); err == nil {
				v = s
			}
			parts = append(parts, v)
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}
