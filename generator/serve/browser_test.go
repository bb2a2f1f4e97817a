package serve

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/browsertest"
	"github.com/kdocs/kdocs/internal/testenv"
)

// Live reload in a real browser: the page changes by itself after a save, shows a failed build
// over the last good page, and recovers after the fix.
func TestLiveReloadInTheBrowser(t *testing.T) {
	chrome := testenv.Chrome(t)
	p := startPreview(t, func(dir string) []string { return []string{filepath.Join(dir, "content")} })
	ctx := browsertest.Browse(t, chrome)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(p.url+"/")))
	// The page is live once its event stream is connected.
	waitLive(t, ctx)
	before, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.timeOrigin`))
	require.NoError(t, err)

	wrote := time.Now()
	p.write(t, p.page, "edited in the editor")
	waitFor(t, ctx, `document.querySelector('#text')?.textContent === 'edited in the editor'`)
	shown := time.Since(wrote)
	after, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.timeOrigin`))
	require.NoError(t, err)
	require.Greater(t, after, before, "a new document, not an in-place edit")
	reloadStarted := time.UnixMicro(int64(after * 1000)).Sub(wrote)
	t.Logf("file write -> reload starts: %s; -> new content on screen: %s (debounce %s)", reloadStarted.Round(time.Millisecond), shown.Round(time.Millisecond), debounce)
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	require.NoError(t, err)
	assert.Equal(t, "build 2", text)

	// A failed build: the error shows over the page, and the last good page stays under it.
	waitLive(t, ctx) // the reloaded page's own stream
	p.fail.Store(true)
	p.write(t, p.page, "broken")
	msg, err := chromedp.Run(ctx, chromedp.Poll[string](`document.getElementById('__kdocs-build-error')?.querySelector('pre')?.textContent`,
		chromedp.WithPollingInterval(10*time.Millisecond)))
	require.NoError(t, err, "the build error was not shown")
	assert.Equal(t, "content/page.md:3: broken front matter (build 3)", msg)
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#text")))
	require.NoError(t, err)
	assert.Equal(t, "edited in the editor", text)

	// The fix reloads the page, and the overlay is gone.
	p.fail.Store(false)
	p.write(t, p.page, "fixed")
	waitFor(t, ctx, `document.querySelector('#text')?.textContent === 'fixed' && !document.getElementById('__kdocs-build-error')`)

	assert.Empty(t, browsertest.ConsoleErrors(ctx))
	assert.Contains(t, browsertest.Requests(ctx), p.url+reloadScriptPath)
}

// waitLive waits until the page's event stream is open, so that the next change cannot be missed.
func waitLive(t *testing.T, ctx context.Context) {
	t.Helper()
	waitFor(t, ctx, `window.__kdocsLive === true`)
}

// waitFor polls expr in the page until it is true. A poll ends when the page navigates, and
// reloading is what these tests wait for, so it starts again in the new document.
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(0)))
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("waiting for %s: %v", expr, err)
		}
	}
}
