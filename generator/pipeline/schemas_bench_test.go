package pipeline

// Scale of the schema catalog: a whole site build (snapshot load, model with every version
// parsed and diffed, Markdown, HTML, search index, files) of a synthetic registry of 5,000
// subjects × 5 versions, against a baseline measured in the same run: the same cluster's
// build without its registry.
//
//	go test ./generator/pipeline -run '^$' -bench BuildSchemas5000 -benchtime 2x

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/heappeak"
)

// benchAvro is a realistic Avro record of about 1 KB whose version v has v+11 optional fields,
// so consecutive versions differ by one added field.
func benchAvro(subject string, version int) string {
	var fields []string
	for i := range version + 11 {
		fields = append(fields, fmt.Sprintf(`{"name":"field%02d","type":["null","string"],"default":null,"doc":"Field %d of %s."}`, i, i, subject))
	}
	return fmt.Sprintf(`{"type":"record","name":"Event","namespace":"com.acme.bench","doc":"Benchmark event for %s.","fields":[{"name":"eventId","type":"string"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"}},%s]}`,
		subject, strings.Join(fields, ","))
}

// schemaEstate is a cluster with topics/2 topics and, when withRegistry, subjects subjects of
// versions versions: half of them the TopicName value subject of a topic, the rest orphans;
// every 10th has a FULL override and its version 2 soft-deleted.
func schemaEstate(subjects, versions int, withRegistry bool) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "bench", TakenAt: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "bench", ControllerID: 1, Brokers: []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092}}}}
	part := snapshot.Partition{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 10}
	for i := range subjects / 2 {
		s.Topics = append(s.Topics, snapshot.Topic{Name: fmt.Sprintf("domain%02d.entity-%05d.v1", i%40, i), ReplicationFactor: 1,
			Partitions: []snapshot.Partition{part}})
	}
	if !withRegistry {
		s.Normalize()
		return s
	}
	reg := &snapshot.Registry{URL: "http://registry:8081", Compatibility: "BACKWARD", Mode: "READWRITE"}
	id := 0
	for i := range subjects {
		sub := snapshot.Subject{Name: fmt.Sprintf("domain%02d.entity-%05d.v1-value", i%40, i)}
		if i%10 == 0 {
			sub.Compatibility = "FULL"
		}
		for v := 1; v <= versions; v++ {
			id++
			sub.Versions = append(sub.Versions, snapshot.SchemaVersion{Version: v, ID: id, Schema: benchAvro(sub.Name, v),
				Deleted: i%10 == 0 && v == 2})
		}
		reg.Subjects = append(reg.Subjects, sub)
	}
	s.Registry = reg
	s.Normalize()
	return s
}

// benchSite writes the snapshot and a site.yaml replaying it into a fresh directory.
func benchSite(b *testing.B, snap *snapshot.Snapshot) *config.Site {
	b.Helper()
	dir := b.TempDir()
	require.NoError(b, snapshot.Save(filepath.Join(dir, "bench.json"), snap))
	require.NoError(b, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Bench\nclusters:\n  - name: bench\n    snapshot: bench.json\n"), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(b, err)
	return cfg
}

func BenchmarkBuildSchemas5000x5(b *testing.B) {
	const subjects, versions = 5000, 5
	full := benchSite(b, schemaEstate(subjects, versions, true))
	baseline := benchSite(b, schemaEstate(subjects, versions, false))
	ctx := context.Background()
	run := func(cfg *config.Site) (Result, time.Duration, uint64) {
		var res Result
		var err error
		start := time.Now()
		peak := heappeak.During(10*time.Millisecond, func() {
			res, err = Run(ctx, cfg, Options{Output: filepath.Join(b.TempDir(), "public")})
		})
		require.NoError(b, err)
		return res, time.Since(start), peak
	}

	var baseNs, fullNs time.Duration
	var basePeak, fullPeak uint64
	var pages int
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		_, d, p := run(baseline)
		baseNs += d
		basePeak = max(basePeak, p)
		b.StartTimer()
		res, d, p := run(full)
		fullNs += d
		fullPeak = max(fullPeak, p)
		pages = res.Pages
	}
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(fullPeak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(baseNs.Milliseconds())/float64(b.N), "baseline-ms")
	b.ReportMetric(float64(basePeak)/(1<<20), "baseline-peak-heap-MB")
	b.ReportMetric(float64(fullNs)/float64(baseNs), "x-baseline")
}
