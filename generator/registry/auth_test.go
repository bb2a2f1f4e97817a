package registry

// Credentials: every request (srclient's and the plain-HTTP ones) carries them; a URL's
// userinfo becomes basic auth and leaves the recorded URL; 401 and 403 say what went wrong; and
// the secret never shows up in an error or in the encoded snapshot.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

const secret = "s3cr3t-Pa55"

// guarded serves f only to requests whose Authorization header is want; others get 401, whose
// message echoes the header it got (a careless registry) so that scrubbing is tested too.
func guarded(t *testing.T, f fakeRegistry, want string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var seen []string
	inner := f.handler(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path)
		mu.Unlock()
		if got := r.Header.Get("Authorization"); got != want {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error_code":40101,"message":"Unauthorized: bad credentials ` + strings.ReplaceAll(got, `"`, "") + `"}`))
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func basic(user, pass string) string {
	r, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

// assertNoSecret checks the error text and the snapshot as collect would write it.
func assertNoSecret(t *testing.T, reg *snapshot.Registry, err error, secrets ...string) {
	t.Helper()
	snap := &snapshot.Snapshot{Registry: reg}
	if err != nil {
		snap.Errors = []snapshot.Error{{Scope: "registry", Message: err.Error()}}
	}
	data, encErr := snapshot.Encode(snap)
	require.NoError(t, encErr)
	for _, s := range secrets {
		if err != nil {
			assert.NotContains(t, err.Error(), s, "error text")
		}
		assert.NotContains(t, string(data), s, "encoded snapshot")
	}
}

func TestCollectWithCredentials(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header string
		opts   func(url string) Options
	}{
		{"basic auth", basic("docs", secret), func(u string) Options {
			o := fast(u)
			o.Username, o.Password = "docs", secret
			return o
		}},
		{"bearer token", "Bearer " + secret, func(u string) Options {
			o := fast(u)
			o.Token = secret
			return o
		}},
		{"userinfo in the URL", basic("docs", secret), func(u string) Options {
			return fast(strings.Replace(u, "http://", "http://docs:"+secret+"@", 1))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, seen := guarded(t, baseFake(), tc.header)
			reg, err := Collect(context.Background(), tc.opts(srv.URL))
			require.NoError(t, err)
			assert.Equal(t, srv.URL, reg.URL, "recorded without userinfo")
			assert.Len(t, reg.Subjects, 3)
			assert.Contains(t, *seen, "/mode", "plain-HTTP reads authenticate too")
			assert.Contains(t, *seen, "/subjects/orders-value/versions/3", "srclient's reads authenticate too")
			assertNoSecret(t, reg, nil, secret)
		})
	}
}

func TestCollectCredentialsRefusedOrMissing(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		srv, _ := guarded(t, baseFake(), basic("docs", "right"))
		o := fast(strings.Replace(srv.URL, "http://", "http://docs:"+secret+"@", 1))
		reg, err := Collect(context.Background(), o)
		require.Error(t, err)
		assert.Nil(t, reg)
		assert.Contains(t, err.Error(), "schema registry "+srv.URL+": read global compatibility: the registry refused the credentials (basic auth): 401 Unauthorized")
		// The fake echoes the Authorization header: its encoded form is scrubbed too.
		assert.Contains(t, err.Error(), "Basic [redacted]")
		assertNoSecret(t, reg, err, secret, strings.TrimPrefix(basic("docs", secret), "Basic "))
	})
	t.Run("echoed bearer token is scrubbed", func(t *testing.T) {
		srv, _ := guarded(t, baseFake(), "Bearer right")
		o := fast(srv.URL)
		o.Token = secret
		_, err := Collect(context.Background(), o)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the registry refused the credentials (bearer token)")
		assert.Contains(t, err.Error(), "Bearer [redacted]")
		assertNoSecret(t, nil, err, secret)
	})
	t.Run("missing", func(t *testing.T) {
		srv, _ := guarded(t, baseFake(), "Bearer right")
		_, err := Collect(context.Background(), fast(srv.URL))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "schema registry "+srv.URL+": read global compatibility: the registry wants credentials and none are configured")
	})
	t.Run("forbidden", func(t *testing.T) {
		f := baseFake()
		f["/config/orders-value?defaultToGlobal=false"] = status{403, `{"error_code":40301,"message":"User cannot access the resource."}`}
		srv, _ := guarded(t, f, "Bearer "+secret)
		o := fast(srv.URL)
		o.Token = secret
		reg, err := Collect(context.Background(), o)
		require.Error(t, err)
		require.NotNil(t, reg, "one forbidden read leaves a partial registry")
		assert.Contains(t, err.Error(), `schema registry `+srv.URL+`: read compatibility of subject "orders-value": the credentials (bearer token) were accepted but are not allowed this read: 403 Forbidden`)
		assertNoSecret(t, reg, err, secret)
	})
}

func TestCollectRejectsBadURLWithoutEchoingIt(t *testing.T) {
	_, err := Collect(context.Background(), Options{URL: "http://docs:" + secret + "@bad host"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
}
