package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/kdocs/kdocs/generator/config"
)

// BenchmarkSampleKfake measures what record sampling (20 records, 64 KiB per partition) adds to
// a snapshot of the kfake estate, whose 10,000 partitions with records are the ones sampled:
// snapshots with and without it, alternated in one run, as a time ratio (goal ≤ 2), with the
// bytes the brokers returned for the sample.
func BenchmarkSampleKfake(b *testing.B) {
	e := benchmarkEstate(b)
	c := config.Cluster{Name: "bench", Bootstrap: e.addrs, Timeout: config.Duration(2 * time.Minute)}
	ctx := context.Background()
	var with, without time.Duration
	var bytes int64
	var partitions, records int
	for b.Loop() {
		for _, sample := range []bool{true, false} {
			c.Sample = nil
			if sample {
				c.Sample = &config.Sample{Records: 20, MaxBytes: config.DefaultSampleMaxBytes}
			}
			start := time.Now()
			s, err := collect(ctx, c, defaultOptions())
			d := time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Errors) > 0 {
				b.Fatalf("%d errors, first: %+v", len(s.Errors), s.Errors[0])
			}
			if !sample {
				without += d
				continue
			}
			with += d
			bytes, partitions, records = 0, 0, 0
			for _, t := range s.Samples.Topics {
				if t.Error != "" {
					b.Fatalf("topic %s: %s", t.Topic, t.Error)
				}
				bytes += t.Bytes
				partitions += t.Partitions
				records += t.Records
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(with.Milliseconds())/n, "ms-with-sample")
	b.ReportMetric(float64(without.Milliseconds())/n, "ms-without")
	b.ReportMetric(float64(with)/float64(without), "ratio")
	b.ReportMetric(float64(partitions), "partitions-sampled")
	b.ReportMetric(float64(records), "records-sampled")
	b.ReportMetric(float64(bytes)/float64(max(1, partitions)), "bytes/partition")
	b.ReportMetric(float64(bytes)/(1<<20), "MB-fetched")
}
