package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/internal/testenv"
)

// BenchmarkWritersKfake measures what transactions and producer state add to a snapshot of the
// kfake estate (10,000 topics × 10 partitions by default): snapshots with and without them,
// alternated in one run, as a time ratio and the extra requests.
func BenchmarkWritersKfake(b *testing.B) {
	e := benchmarkEstate(b)
	benchWriters(b, config.Cluster{Name: "bench", Bootstrap: e.addrs, Timeout: config.Duration(2 * time.Minute)})
}

// BenchmarkWritersReal is the same on the real test cluster (the seeded estate).
func BenchmarkWritersReal(b *testing.B) {
	benchWriters(b, config.Cluster{Name: "acme", Bootstrap: testenv.Kafka(b), Timeout: config.Duration(30 * time.Second)})
}

func benchWriters(b *testing.B, c config.Cluster) {
	ctx := context.Background()
	var with, without time.Duration
	var reqWith, reqWithout int
	for b.Loop() {
		for _, skip := range []bool{false, true} {
			wire := newWireCounter()
			o := defaultOptions()
			o.dial, o.noWriters = wire.dial, skip
			start := time.Now()
			s, err := collect(ctx, c, o)
			d := time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Errors) > 0 {
				b.Fatalf("%d errors, first: %+v", len(s.Errors), s.Errors[0])
			}
			if skip {
				without, reqWithout = without+d, wire.total()
			} else {
				if s.Producers == nil || s.Transactions == nil {
					b.Fatal("no writers' sections")
				}
				with, reqWith = with+d, wire.total()
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(with.Milliseconds())/n, "ms-with-writers")
	b.ReportMetric(float64(without.Milliseconds())/n, "ms-without")
	b.ReportMetric(float64(with)/float64(without), "ratio")
	b.ReportMetric(float64(reqWith-reqWithout), "extra-requests")
}
