package registry

// Scale: an in-process fake registry serving a large estate (5,000 subjects × 5 versions of
// ~1 KB Avro schemas) for BenchmarkCollect5000Subjects, which reports requests per collection
// and peak heap; and a test that Concurrency bounds the requests in flight.
//
//	go test ./generator/registry -run '^$' -bench Collect5000 -benchtime 3x
//	KDOCS_BENCH_REAL=1 go test ./generator/registry -run '^$' -bench CollectReal200 -benchtime 3x

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/internal/heappeak"
	"github.com/kdocs/kdocs/internal/testenv"
)

// avroSchema is a realistic Avro record of about 1 KB: the kind of event an estate is made of.
func avroSchema(subject string, version int) string {
	var fields []string
	for i := range version + 11 {
		fields = append(fields, fmt.Sprintf(`{"name":"field%02d","type":["null","string"],"default":null,"doc":"Field %d of %s, added in version %d."}`, i, i, subject, min(i, version)))
	}
	return fmt.Sprintf(`{"type":"record","name":"Event","namespace":"com.acme.bench","doc":"Benchmark event for %s.","fields":[{"name":"eventId","type":"string"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"}},%s]}`,
		subject, strings.Join(fields, ","))
}

// largeFake is an estate of n subjects with versions versions each; every 10th subject has a
// compatibility override and its version 2 soft-deleted. Every compatibility check of a live
// version against the one before answers compatible. Answers are encoded once, up front.
func largeFake(n, versions int) fakeRegistry {
	f := fakeRegistry{
		"/config":   `{"compatibilityLevel":"BACKWARD"}`,
		"/mode":     `{"mode":"READWRITE"}`,
		"/contexts": `["."]`,
	}
	names := make([]string, n)
	id := 0
	for i := range n {
		name := fmt.Sprintf("domain%02d.entity-%05d.v1-value", i%40, i)
		names[i] = name
		var live, all []int
		for v := 1; v <= versions; v++ {
			id++
			all = append(all, v)
			body, _ := json.Marshal(map[string]any{"subject": name, "id": id, "version": v, "schema": avroSchema(name, v)})
			key := fmt.Sprintf("/subjects/%s/versions/%d", name, v)
			if i%10 == 0 && v == 2 {
				f[key+"?deleted=true"] = string(body)
				continue
			}
			live = append(live, v)
			f[key] = string(body)
			if v > 1 { // the registry's verdict on v against v-1
				f[fmt.Sprintf("/compatibility/subjects/%s/versions/%d?verbose=true", name, v-1)] = `{"is_compatible":true,"messages":[]}`
			}
		}
		l, _ := json.Marshal(live)
		a, _ := json.Marshal(all)
		f["/subjects/"+name+"/versions"] = string(l)
		f["/subjects/"+name+"/versions?deleted=true"] = string(a)
		if i%10 == 0 {
			f["/config/"+name+"?defaultToGlobal=false"] = `{"compatibilityLevel":"FULL"}`
		} else {
			f["/config/"+name+"?defaultToGlobal=false"] = status{404, `{"error_code":40408,"message":"no subject-level compatibility"}`}
		}
	}
	s, _ := json.Marshal(names)
	f["/subjects?deleted=true"] = string(s)
	return f
}

// counting serves h, counting requests and the most in flight at once.
type counting struct {
	h                          http.Handler
	requests, inFlight, maxPar atomic.Int64
	delay                      time.Duration
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.requests.Add(1)
	n := c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	for {
		m := c.maxPar.Load()
		if n <= m || c.maxPar.CompareAndSwap(m, n) {
			break
		}
	}
	if c.delay > 0 {
		time.Sleep(c.delay)
	}
	c.h.ServeHTTP(w, r)
}

func BenchmarkCollect5000Subjects(b *testing.B) {
	const subjects, versions = 5000, 5
	c := &counting{h: largeFake(subjects, versions).handler(b)}
	srv := httptest.NewUnstartedServer(c)
	var conns atomic.Int64
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	b.ResetTimer()
	var peak uint64
	for range b.N {
		peak = max(peak, heappeak.During(2*time.Millisecond, func() {
			reg, err := Collect(context.Background(), Options{URL: srv.URL})
			if err != nil {
				b.Fatal(err)
			}
			if len(reg.Subjects) != subjects {
				b.Fatalf("%d subjects, want %d", len(reg.Subjects), subjects)
			}
		}))
	}
	b.ReportMetric(float64(c.requests.Load())/float64(b.N), "requests/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
	b.ReportMetric(float64(c.maxPar.Load()), "max-in-flight")
}

// BenchmarkCollectReal200Subjects registers 200 subjects of its own (3 versions each) on the
// real registry, collects it, and deletes them. Opt-in (KDOCS_BENCH_REAL=1): the registry is
// shared, and 200 more subjects are visible to other tests while it runs.
func BenchmarkCollectReal200Subjects(b *testing.B) {
	if os.Getenv("KDOCS_BENCH_REAL") == "" {
		b.Skip("set KDOCS_BENCH_REAL=1 to register 200 scratch subjects on the real registry")
	}
	url := testenv.Registry(b)
	prefix := fmt.Sprintf("kdocs-test-reg-%d-bench", time.Now().UnixNano()%1e9)
	for i := range 200 {
		name := fmt.Sprintf("%s-%03d", prefix, i)
		// Each version adds an optional field: BACKWARD-compatible with the one before.
		testenv.ScratchSubject(b, url, name, avroSchema(name, 1), avroSchema(name, 2), avroSchema(name, 3))
	}
	b.ResetTimer()
	var peak uint64
	for range b.N {
		peak = max(peak, heappeak.During(2*time.Millisecond, func() {
			reg, err := Collect(context.Background(), Options{URL: url})
			if err != nil {
				b.Fatal(err)
			}
			mine := 0
			for _, s := range reg.Subjects {
				if strings.HasPrefix(s.Name, prefix) {
					mine++
				}
			}
			if mine != 200 {
				b.Fatalf("%d of my subjects collected, want 200", mine)
			}
		}))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

func TestConcurrencyBound(t *testing.T) {
	for _, n := range []int{1, 3} {
		c := &counting{h: largeFake(20, 2).handler(t), delay: 5 * time.Millisecond}
		srv := httptest.NewServer(c)
		o := fast(srv.URL)
		o.Concurrency = n
		reg, err := Collect(context.Background(), o)
		srv.Close()
		require.NoError(t, err)
		assert.Len(t, reg.Subjects, 20)
		assert.Equal(t, int64(n), c.maxPar.Load(), "concurrency %d", n)
	}
}
