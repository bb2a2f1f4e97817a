package registry

// Retries: 5xx, 429 and attempts that time out are retried with backoff, then recorded with
// the number of attempts; other answers are not retried; cancelling stops the waiting.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flaky serves f, but answers the first failures requests to path with fail (or, when fail is
// nil, stalls them for stall) and counts the requests to path.
type flaky struct {
	f        fakeRegistry
	path     string
	failures int // -1: always
	fail     *status
	stall    time.Duration

	mu    sync.Mutex
	count int
}

func (fl *flaky) serve(t *testing.T) *httptest.Server {
	inner := fl.f.handler(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		if key == fl.path {
			fl.mu.Lock()
			fl.count++
			n := fl.count
			fl.mu.Unlock()
			if fl.failures < 0 || n <= fl.failures {
				if fl.fail == nil {
					select {
					case <-time.After(fl.stall):
					case <-r.Context().Done():
					}
					return
				}
				w.WriteHeader(fl.fail.code)
				w.Write([]byte(fl.fail.body))
				return
			}
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (fl *flaky) requests() int {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.count
}

func TestRetriesThenSucceeds(t *testing.T) {
	for _, tc := range []struct {
		name string
		path string
		fail *status
	}{
		{"503 on srclient's read", "/config", &status{503, `{"error_code":50003,"message":"Error while forwarding the request to the leader"}`}},
		{"429 on a plain-HTTP read", "/subjects/orders-value/versions?deleted=true", &status{429, ""}},
		{"500 on a version", "/subjects/orders-value/versions/3", &status{500, ""}},
		{"timeout", "/mode", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The timeout bounds every request of the collection, and the answers that are not
			// stalled must come within it on a loaded machine: a second, against a 20s stall.
			fl := &flaky{f: baseFake(), path: tc.path, failures: 2, fail: tc.fail, stall: 20 * time.Second}
			srv := fl.serve(t)
			o := fast(srv.URL)
			o.Timeout = time.Second
			reg, err := Collect(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, 3, fl.requests(), "two failures, then the answer")
			assert.Equal(t, "READONLY", reg.Mode)
			assert.Len(t, reg.Subjects[2].Versions, 3)
		})
	}
}

func TestRetriesGiveUp(t *testing.T) {
	t.Run("the whole registry", func(t *testing.T) {
		fl := &flaky{f: baseFake(), path: "/config", failures: -1, fail: &status{503, ""}}
		srv := fl.serve(t)
		reg, err := Collect(context.Background(), fast(srv.URL))
		require.Error(t, err)
		assert.Nil(t, reg)
		assert.Equal(t, "schema registry "+srv.URL+": read global compatibility: gave up after 3 attempts: 503 Service Unavailable", err.Error())
		assert.Equal(t, 3, fl.requests())
	})
	t.Run("one subject, timing out", func(t *testing.T) {
		fl := &flaky{f: baseFake(), path: "/subjects/gone/versions?deleted=true", failures: -1, stall: 20 * time.Second}
		srv := fl.serve(t)
		o := fast(srv.URL)
		o.Timeout = time.Second
		reg, err := Collect(context.Background(), o)
		require.Error(t, err)
		require.NotNil(t, reg)
		assert.Equal(t, "schema registry "+srv.URL+`: list versions of subject "gone" including deleted ones: gave up after 3 attempts: no answer within 1s: request timed out`, err.Error())
		assert.Equal(t, 3, fl.requests())
		assert.Len(t, reg.Subjects[2].Versions, 3, "the other subjects are read")
	})
}

func TestNoRetryOnAnswersThatWillNotChange(t *testing.T) {
	for _, code := range []int{400, 401, 404, 422, 501} {
		fl := &flaky{f: baseFake(), path: "/config", failures: -1, fail: &status{code, ""}}
		srv := fl.serve(t)
		_, err := Collect(context.Background(), fast(srv.URL))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "attempts")
		assert.Equal(t, 1, fl.requests(), "status %d", code)
	}
}

func TestCancelStopsBackoff(t *testing.T) {
	fl := &flaky{f: baseFake(), path: "/config", failures: -1, fail: &status{503, ""}}
	srv := fl.serve(t)
	o := fast(srv.URL)
	o.retry = &retryPolicy{attempts: 3, base: time.Minute, max: time.Minute, jitter: seededJitter(1)}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Collect(ctx, o)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "the backoff ends with the context")
	assert.Equal(t, 1, fl.requests())
}

func TestBackoff(t *testing.T) {
	p := defaultRetry()
	p.jitter = seededJitter(7)
	q := defaultRetry()
	q.jitter = seededJitter(7)
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{1, 200 * time.Millisecond}, {2, 400 * time.Millisecond}, {3, 800 * time.Millisecond}, {4, time.Second}, {40, time.Second}, {70, time.Second}} {
		n, want := c.n, c.want
		d := p.backoff(n)
		assert.GreaterOrEqual(t, d, want/2, "attempt %d", n)
		assert.Less(t, d, want, "attempt %d", n)
		assert.Equal(t, d, q.backoff(n), "a seeded source repeats its delays")
	}
}

// TestCancelMidway: cancelling during the version reads ends the collection with the cause,
// not with a partial registry listing one "canceled" per version.
func TestCancelMidway(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop := errors.New("stopped by the test")
	c := &counting{h: largeFake(200, 3).handler(t)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.requests.Load() == 300 {
			cancel(stop)
		}
		c.ServeHTTP(w, r)
	}))
	defer srv.Close()
	reg, err := Collect(ctx, fast(srv.URL))
	require.ErrorIs(t, err, stop)
	assert.Nil(t, reg)
	assert.Equal(t, "schema registry "+srv.URL+": stopped by the test", err.Error())
	assert.Less(t, c.requests.Load(), int64(400), "no reads start after the cancel")
}
