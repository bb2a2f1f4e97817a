package registry

// The HTTP transport under both srclient and the plain-HTTP reads: it adds the credentials,
// bounds each attempt with the timeout, retries what is worth retrying, and turns every error
// answer into an *apiError. Doing this below srclient gives both clients the same behaviour;
// srclient itself neither retries nor takes a context. Since every error answer becomes an
// error here, srclient never sees one, and its own error type (the raw body) never arises.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// retryPolicy says how often and how patiently a request is retried.
type retryPolicy struct {
	attempts  int           // in all, the first included
	base, max time.Duration // backoff before the 2nd attempt, and its cap
	// jitter returns a number in [0, 1); tests seed it to make delays reproducible.
	jitter func() float64
}

func defaultRetry() *retryPolicy {
	return &retryPolicy{attempts: 3, base: 200 * time.Millisecond, max: time.Second, jitter: rand.Float64}
}

// seededJitter is a jitter source from a fixed seed, safe for concurrent use.
func seededJitter(seed uint64) func() float64 {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed))
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		return r.Float64()
	}
}

// backoff is the wait after failed attempt n (1-based): base doubling up to max, of which a
// random half is kept ("equal jitter") so that concurrent requests do not retry in step.
func (p *retryPolicy) backoff(n int) time.Duration {
	d := p.max
	if n <= 30 { // beyond, the shift overflows; the cap is long reached
		d = min(p.base<<(n-1), p.max)
	}
	return d/2 + time.Duration(p.jitter()*float64(d/2))
}

// transport is an http.RoundTripper for one collection.
type transport struct {
	// ctx is the collection's: srclient builds its requests without one, and cancelling the
	// collection must cancel them.
	ctx     context.Context
	next    http.RoundTripper
	auth    func(*http.Request)
	timeout time.Duration
	retry   *retryPolicy
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	// Both the request's own context and the collection's can cancel it; the cause (canceled,
	// deadline exceeded) is kept for the error.
	parent, cancelParent := context.WithCancelCause(r.Context())
	stop := context.AfterFunc(t.ctx, func() { cancelParent(context.Cause(t.ctx)) })
	release := func() { stop(); cancelParent(nil) }

	var last error
	for n := 1; ; n++ {
		resp, err := t.attempt(parent, r)
		if err == nil {
			resp.Body = &releaseOnClose{ReadCloser: resp.Body, release: release}
			return resp, nil
		}
		if parent.Err() != nil {
			release()
			return nil, context.Cause(parent)
		}
		last = err
		// The collector only reads (and asks compatibility checks, marked read-only); anything
		// else is not known to be safe to send twice.
		if !retryable(err) || !isReadOnly(r) {
			release()
			return nil, err
		}
		if n >= t.retry.attempts {
			release()
			return nil, &exhaustedError{attempts: n, last: last}
		}
		timer := time.NewTimer(t.retry.backoff(n))
		select {
		case <-parent.Done():
			timer.Stop()
			release()
			return nil, context.Cause(parent)
		case <-timer.C:
		}
	}
}

// attempt sends r once under its own timeout. A 2xx answer is returned with a body that
// releases the attempt's timeout when closed; any other answer is read and returned as an
// *apiError.
func (t *transport) attempt(parent context.Context, r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeoutCause(parent, t.timeout, errAttemptTimeout)
	req := r.Clone(ctx)
	t.auth(req)
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		cancel()
		if errors.Is(context.Cause(ctx), errAttemptTimeout) {
			return nil, fmt.Errorf("no answer within %s: %w", t.timeout, errAttemptTimeout)
		}
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		resp.Body = &releaseOnClose{ReadCloser: resp.Body, release: cancel}
		return resp, nil
	}
	defer cancel()
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil && errors.Is(context.Cause(ctx), errAttemptTimeout) {
		return nil, fmt.Errorf("no answer within %s: %w", t.timeout, errAttemptTimeout)
	}
	e := &apiError{Status: resp.StatusCode}
	if json.Unmarshal(body, e) != nil || e.Message == "" {
		e.Message = strings.TrimSpace(string(body))
	}
	return nil, e
}

var errAttemptTimeout = errors.New("request timed out")

// retryable: the registry is overloaded or briefly away (5xx other than 501, 429), or did not
// answer in time. Other answers (404, 401, 422...) will not change by asking again.
func retryable(err error) bool {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || (ae.Status >= 500 && ae.Status != http.StatusNotImplemented)
	}
	if errors.Is(err, errAttemptTimeout) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// exhaustedError is the last failure of a request retried as often as the policy allows.
type exhaustedError struct {
	attempts int
	last     error
}

func (e *exhaustedError) Error() string {
	return fmt.Sprintf("gave up after %d attempts: %v", e.attempts, e.last)
}

func (e *exhaustedError) Unwrap() error { return e.last }

// releaseOnClose runs release once the body is closed: the attempt's timeout and the merged
// context must outlive RoundTrip, since the caller reads the body after it returns.
type releaseOnClose struct {
	io.ReadCloser
	release func()
}

func (b *releaseOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
