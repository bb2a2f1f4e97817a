package registry

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// verdictFake is a registry of one subject "s" with versions 1 to 5 whose compatibility checks
// answer by the version compared with: Confluent's [] (1), AxonOps' null (2), an endpoint that
// does not exist (3), an unreadable schema (4), and a 503 before a verdict (5, retried).
func verdictFake(t *testing.T, level string, posts *atomic.Int64) *httptest.Server {
	f := fakeRegistry{
		"/config":                           `{"compatibilityLevel":"` + level + `"}`,
		"/mode":                             `{"mode":"READWRITE"}`,
		"/subjects?deleted=true":            `["s"]`,
		"/config/s?defaultToGlobal=false":   status{404, `{"error_code":40408,"message":"no config"}`},
		"/subjects/s/versions":              `[1,2,3,4,5,6]`,
		"/subjects/s/versions?deleted=true": `[1,2,3,4,5,6]`,
	}
	for v := 1; v <= 5; v++ {
		f["/subjects/s/versions/"+string(rune('0'+v))] = `{"subject":"s","id":` + string(rune('0'+v)) + `,"version":` + string(rune('0'+v)) + `,"schema":"\"string\""}`
	}
	f["/subjects/s/versions/6"] = `{"subject":"s","id":6,"version":6,"schema":"\"string\"","references":[{"name":"com.acme.M","subject":"m","version":2}]}`
	f["/compatibility/subjects/s/versions/1?verbose=true"] = `{"is_compatible":true,"messages":[]}`
	f["/compatibility/subjects/s/versions/2?verbose=true"] = `{"is_compatible":false,"messages":null}`
	f["/compatibility/subjects/s/versions/3?verbose=true"] = status{404, `404 page not found`}
	f["/compatibility/subjects/s/versions/4?verbose=true"] = status{422, `{"error_code":42201,"message":"Invalid schema"}`}
	inner := f.handler(t)
	var failed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			var body compatRequest
			raw, _ := io.ReadAll(r.Body)
			require.NoError(t, json.Unmarshal(raw, &body), "%s", raw)
			assert.Equal(t, `"string"`, body.Schema)
			assert.Empty(t, body.SchemaType, "Avro is left implicit")
			if r.URL.Path == "/compatibility/subjects/s/versions/5" {
				assert.Equal(t, []compatRequestRef{{Name: "com.acme.M", Subject: "m", Version: 2}}, body.References, "version 6 is sent with its references")
				if !failed.Swap(true) {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.Write([]byte(`{"is_compatible":false,"messages":["FORWARD: x"]}`))
				return
			}
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerdicts(t *testing.T) {
	var posts atomic.Int64
	srv := verdictFake(t, "FULL", &posts)
	reg, err := Collect(context.Background(), fast(srv.URL))
	require.NoError(t, err, "a verdict the registry cannot give is not a collection error")
	vs := reg.Subjects[0].Versions
	require.Len(t, vs, 6)
	assert.Nil(t, vs[0].Verdict)
	assert.Equal(t, &snapshot.Verdict{Against: 1, Level: "FULL", Status: "compatible"}, vs[1].Verdict, "Confluent's []")
	assert.Equal(t, &snapshot.Verdict{Against: 2, Level: "FULL", Status: "incompatible"}, vs[2].Verdict, "AxonOps' null")
	assert.Equal(t, "unavailable", vs[3].Verdict.Status)
	assert.Contains(t, vs[3].Verdict.Reason, "the registry has no compatibility endpoint: 404 Not Found")
	assert.Equal(t, "unavailable", vs[4].Verdict.Status)
	assert.Contains(t, vs[4].Verdict.Reason, "the registry could not read the schema: 422 Unprocessable Entity: Invalid schema (error 42201)")
	assert.Equal(t, &snapshot.Verdict{Against: 5, Level: "FULL", Status: "incompatible", Messages: []string{"FORWARD: x"}}, vs[5].Verdict,
		"the read-only check is retried like a read")
	assert.Equal(t, int64(6), posts.Load(), "five checks, one of them twice")
}

func TestVerdictsUnderNone(t *testing.T) {
	var posts atomic.Int64
	srv := verdictFake(t, "NONE", &posts)
	reg, err := Collect(context.Background(), fast(srv.URL))
	require.NoError(t, err)
	for _, v := range reg.Subjects[0].Versions[1:] {
		assert.Equal(t, &snapshot.Verdict{Against: v.Version - 1, Level: "NONE", Status: "unavailable",
			Reason: "the level is NONE: the registry checks nothing"}, v.Verdict)
	}
	assert.Zero(t, posts.Load(), "nothing to ask under NONE")
}

func TestCheckCompatibilityScrubsCredentials(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pw, _ := r.BasicAuth()
		w.Write([]byte(`{"is_compatible":false,"messages":["saw ` + pw + `"]}`))
	}))
	defer srv.Close()
	v, err := CheckCompatibility(context.Background(), Options{URL: srv.URL, Username: "u", Password: "hunter2"}, "s", "latest",
		snapshot.SchemaVersion{Type: "JSON", Schema: `{}`})
	require.NoError(t, err)
	assert.Equal(t, []string{"saw [redacted]"}, v.Messages)
}
