package connect

// BenchmarkCollectConnectors: collecting N connectors from a Connect REST served in-process
// (the issue allows a fake REST for scale; correctness is checked on the real worker in
// integration_test.go). Reports requests and milliseconds per 100 connectors.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kdocs/kdocs/generator/config"
)

// fakeConnect answers the endpoints kdocs reads for n connectors of 3 classes, each request
// taking latency (a real worker's answer is not free).
func fakeConnect(n int, latency time.Duration, inFlight, peak *atomic.Int64) *httptest.Server {
	classes := []string{"io.example.JdbcSource", "io.example.S3Sink", "org.apache.kafka.connect.mirror.MirrorSourceConnector"}
	all := map[string]any{}
	for i := range n {
		name := fmt.Sprintf("connector-%04d", i)
		class := classes[i%len(classes)]
		typ := "source"
		if strings.HasSuffix(class, "Sink") {
			typ = "sink"
		}
		all[name] = map[string]any{
			"status": map[string]any{"name": name, "type": typ, "connector": map[string]any{"state": "RUNNING", "worker_id": "w1:8083"},
				"tasks": []any{map[string]any{"id": 0, "state": "RUNNING", "worker_id": "w1:8083"}}},
			"info": map[string]any{"name": name, "type": typ, "config": map[string]string{"connector.class": class, "name": name,
				"topics": "t." + name, "connection.password": "s3cret", "tasks.max": "1"}},
		}
	}
	body, _ := json.Marshal(all)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		time.Sleep(latency)
		w.Header().Set("Content-Type", "application/json")
		switch p := r.URL.Path; {
		case p == "/":
			w.Write([]byte(`{"version":"4.1.1","commit":"x","kafka_cluster_id":"c"}`))
		case p == "/connector-plugins":
			w.Write([]byte(`[{"class":"io.example.JdbcSource","type":"source","version":"1"},{"class":"io.example.S3Sink","type":"sink","version":"1"}]`))
		case p == "/connectors":
			w.Write(body)
		case strings.HasSuffix(p, "/topics"):
			name := strings.TrimSuffix(strings.TrimPrefix(p, "/connectors/"), "/topics")
			fmt.Fprintf(w, `{%q:{"topics":["t.%s"]}}`, name, name)
		case strings.HasSuffix(p, "/config/validate"):
			w.Write([]byte(`{"configs":[{"definition":{"name":"connection.password","type":"PASSWORD"}}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
}

func BenchmarkCollectConnectors(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("connectors=%d", n), func(b *testing.B) {
			var inFlight, peak atomic.Int64
			srv := fakeConnect(n, 2*time.Millisecond, &inFlight, &peak)
			defer srv.Close()
			var requests int64
			start := time.Now()
			for b.Loop() {
				c, err := New(config.Connect{Name: "bench", URL: srv.URL, Concurrency: config.DefaultConnectConcurrency})
				if err != nil {
					b.Fatal(err)
				}
				cc, errs := c.Collect(context.Background())
				if len(errs) > 0 || len(cc.Connectors) != n {
					b.Fatalf("%d connectors, errors %v", len(cc.Connectors), errs)
				}
				requests += c.Requests
			}
			per := float64(b.N) * float64(n) / 100
			b.ReportMetric(float64(requests)/per, "requests/100-connectors")
			b.ReportMetric(float64(time.Since(start).Milliseconds())/per, "ms/100-connectors")
			b.ReportMetric(float64(peak.Load()), "peak-in-flight")
		})
	}
}
