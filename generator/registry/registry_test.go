package registry

// Unit tests against an httptest registry that behaves like AxonOps: null where Confluent
// answers [], soft-deleted versions readable only with ?deleted=true, 404 with error codes.

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// fakeRegistry answers GET requests, and the read-only POSTs of compatibility checks, from a table
// keyed by path and query ("/subjects?deleted=true"); anything else is a 404 with the registry's
// error body.
type fakeRegistry map[string]any

type status struct {
	code int
	body string
}

func (f fakeRegistry) serve(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(f.handler(t))
	t.Cleanup(srv.Close)
	return srv
}

func (f fakeRegistry) handler(t testing.TB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && !(r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/compatibility/")) {
			t.Errorf("the collector must only read, got %s %s", r.Method, r.URL)
		}
		key := r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		switch v := f[key].(type) {
		case nil:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error_code":40401,"message":"Subject not found"}`))
		case status:
			w.WriteHeader(v.code)
			w.Write([]byte(v.body))
		case string: // raw JSON
			w.Write([]byte(v))
		default:
			json.NewEncoder(w).Encode(v)
		}
	})
}

// fast is the options of a unit test: retries without real waiting, reproducible jitter.
func fast(url string) Options {
	return Options{URL: url, retry: &retryPolicy{attempts: 3, base: time.Millisecond, max: 5 * time.Millisecond, jitter: seededJitter(1)}}
}

func baseFake() fakeRegistry {
	return fakeRegistry{
		"/config":                `{"compatibilityLevel":"BACKWARD"}`,
		"/mode":                  `{"mode":"READONLY"}`,
		"/subjects?deleted=true": `["orders-value","gone","nulls"]`,
		"/config/orders-value?defaultToGlobal=false": `{"compatibilityLevel":"FULL"}`,
		"/config/gone?defaultToGlobal=false":         status{404, `{"error_code":40408,"message":"Subject 'gone' does not have subject-level compatibility configured"}`},
		"/config/nulls?defaultToGlobal=false":        status{404, `{"error_code":40408,"message":"no config"}`},

		// orders-value: version 2 is soft-deleted.
		"/subjects/orders-value/versions":                              `[1,3]`,
		"/subjects/orders-value/versions?deleted=true":                 `[1,2,3]`,
		"/subjects/orders-value/versions/1":                            `{"subject":"orders-value","id":10,"version":1,"schema":"{\"type\":\"string\"}"}`,
		"/subjects/orders-value/versions/2":                            status{404, `{"error_code":40402,"message":"Version not found"}`},
		"/subjects/orders-value/versions/2?deleted=true":               `{"subject":"orders-value","id":11,"version":2,"schemaType":"JSON","schema":"{}"}`,
		"/compatibility/subjects/orders-value/versions/1?verbose=true": `{"is_compatible":false,"messages":["FORWARD: type changed"]}`,
		"/subjects/orders-value/versions/3": `{"subject":"orders-value","id":12,"version":3,"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";",
			"references":[{"name":"common.proto","subject":"common","version":2}]}`,

		// gone: the whole subject is soft-deleted.
		"/subjects/gone/versions":                status{404, `{"error_code":40401,"message":"Subject not found"}`},
		"/subjects/gone/versions?deleted=true":   `[1]`,
		"/subjects/gone/versions/1?deleted=true": `{"subject":"gone","id":5,"version":1,"schema":"\"int\""}`,

		// nulls: AxonOps answers null for an empty list.
		"/subjects/nulls/versions":              `null`,
		"/subjects/nulls/versions?deleted=true": `null`,
	}
}

func TestCollectFakeRegistry(t *testing.T) {
	srv := baseFake().serve(t)
	reg, err := Collect(context.Background(), fast(srv.URL))
	require.NoError(t, err)
	assert.Equal(t, &snapshot.Registry{
		URL:           srv.URL,
		Compatibility: "BACKWARD",
		Mode:          "READONLY",
		Subjects: []snapshot.Subject{
			{Name: "gone", Versions: []snapshot.SchemaVersion{
				{Version: 1, ID: 5, Type: "AVRO", Schema: `"int"`, Deleted: true},
			}},
			{Name: "nulls", Versions: []snapshot.SchemaVersion{}},
			{Name: "orders-value", Compatibility: "FULL", Versions: []snapshot.SchemaVersion{
				{Version: 1, ID: 10, Type: "AVRO", Schema: `{"type":"string"}`},
				{Version: 2, ID: 11, Type: "JSON", Schema: `{}`, Deleted: true,
					Verdict: &snapshot.Verdict{Against: 1, Level: "FULL", Status: "incompatible", Messages: []string{"FORWARD: type changed"}}},
				{Version: 3, ID: 12, Type: "PROTOBUF", Schema: `syntax = "proto3";`,
					References: []snapshot.Reference{{Name: "common.proto", Subject: "common", Version: 2}},
					Verdict: &snapshot.Verdict{Against: 2, Level: "FULL", Status: "unavailable",
						Reason: "version 2 is soft-deleted: the registry compares only with live versions"}},
			}},
		},
	}, reg)
}

func TestCollectEmptyRegistryAnsweringNull(t *testing.T) {
	srv := fakeRegistry{
		"/config":                `{"compatibilityLevel":"BACKWARD"}`,
		"/subjects?deleted=true": `null`,
		// No /mode: a registry without the mode API.
	}.serve(t)
	reg, err := Collect(context.Background(), fast(srv.URL))
	require.NoError(t, err)
	assert.Equal(t, &snapshot.Registry{URL: srv.URL, Compatibility: "BACKWARD", Subjects: []snapshot.Subject{}}, reg)

	// Empty lists still encode as [], never null.
	data, err := json.Marshal(reg)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"subjects":[]`)
}

func TestCollectErrorsNameTheURL(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer status
		want   []string
	}{
		{"500 without a body", status{500, ""}, []string{"500 Internal Server Error"}},
		{"401 with the registry's error", status{401, `{"error_code":40101,"message":"Unauthorized: bad credentials"}`}, []string{"Unauthorized: bad credentials", "40101"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeRegistry{"/config": tc.answer}.serve(t)
			reg, err := Collect(context.Background(), fast(srv.URL))
			require.Error(t, err)
			assert.Nil(t, reg)
			assert.Contains(t, err.Error(), "schema registry "+srv.URL+": read global compatibility: ")
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	t.Run("unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		url := "http://" + ln.Addr().String()
		ln.Close()
		_, err = Collect(context.Background(), fast(url))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "schema registry "+url+": ")
		assert.Contains(t, err.Error(), "connection refused")
	})

	t.Run("canceled", func(t *testing.T) {
		srv := baseFake().serve(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Collect(ctx, fast(srv.URL))
		require.ErrorIs(t, err, context.Canceled)
	})
}

// TestCollectPartialFailure: one version and one override fail; the rest is returned, and the
// error names the URL and each failing subject.
func TestCollectPartialFailure(t *testing.T) {
	f := baseFake()
	f["/subjects/orders-value/versions/3"] = status{500, `{"error_code":50001,"message":"Error in the backend data store"}`}
	f["/config/gone?defaultToGlobal=false"] = status{401, `{"error_code":40101,"message":"Unauthorized"}`}
	srv := f.serve(t)

	reg, err := Collect(context.Background(), fast(srv.URL))
	require.Error(t, err)
	require.NotNil(t, reg, "a partial registry is returned with the error")
	msg := err.Error()
	assert.Contains(t, msg, "schema registry "+srv.URL+`: read version 3 of subject "orders-value": gave up after 3 attempts: 500 Internal Server Error: Error in the backend data store (error 50001)`)
	assert.Contains(t, msg, "schema registry "+srv.URL+`: read compatibility of subject "gone": the registry wants credentials and none are configured`)
	assert.Contains(t, msg, "401 Unauthorized: Unauthorized (error 40101)")
	assert.Len(t, strings.Split(msg, "\n"), 2, "one line per failure")

	require.Len(t, reg.Subjects, 3)
	orders := reg.Subjects[2]
	assert.Equal(t, "orders-value", orders.Name)
	assert.Equal(t, []int{1, 2}, versionNumbers(orders))
	assert.Equal(t, []int{1}, versionNumbers(reg.Subjects[0]))
}

func versionNumbers(s snapshot.Subject) []int {
	var out []int
	for _, v := range s.Versions {
		out = append(out, v.Version)
	}
	return out
}
