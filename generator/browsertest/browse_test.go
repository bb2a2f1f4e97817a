package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/internal/testenv"
)

// The helper's own test: a static page that does one of each thing the recorder must notice.
func TestBrowseRecordsErrorsAndRequests(t *testing.T) {
	chrome := testenv.Chrome(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><link rel="icon" href="data:,">
<link rel="stylesheet" href="/style.css"></head><body><p id="p">hello</p>
<img src="/missing.png" alt="">
<script>
console.log('not an error');
console.error('boom', 42);
setTimeout(() => { throw new Error('uncaught kaboom'); }, 0);
fetch('/data.json').then(() => { document.body.dataset.fetched = 'yes'; });
</script></body></html>`))
	})
	mux.HandleFunc("/style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		w.Write([]byte("p { color: green }"))
	})
	mux.HandleFunc("/data.json", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := Browse(t, chrome)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(tctx, chromedp.Navigate(srv.URL+"/")))
	_, err := chromedp.Run(tctx, chromedp.Poll[string](`document.body.dataset.fetched`, chromedp.WithPollingInterval(20*time.Millisecond)))
	require.NoError(t, err)
	// The exception is thrown from a timer; wait for it rather than sleeping.
	require.Eventually(t, func() bool { return len(ConsoleErrors(ctx)) >= 3 }, 5*time.Second, 20*time.Millisecond, "errors: %q", ConsoleErrors(ctx))

	errs := strings.Join(ConsoleErrors(ctx), "\n")
	t.Logf("recorded:\n%s", errs)
	assert.Contains(t, errs, "console.error: boom 42")
	assert.Contains(t, errs, "uncaught kaboom")
	assert.Contains(t, errs, "/missing.png", "a failed load is a browser-log error")
	assert.NotContains(t, errs, "not an error")

	reqs := Requests(ctx)
	for _, p := range []string{"/", "/style.css", "/missing.png", "/data.json"} {
		assert.Contains(t, reqs, srv.URL+p)
	}

	Reset(ctx)
	assert.Empty(t, ConsoleErrors(ctx))
	assert.Empty(t, Requests(ctx))
}
