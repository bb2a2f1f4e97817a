package lineage

import (
	"testing"
	"time"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
)

// BenchmarkBlastRadius measures the blast radius of a day of breaking changes on the 10,000-topic
// synthetic estate (1% of topics deleted, 1% re-created with fewer partitions, 1% compacted,
// one subject in fifty given an incompatible version) against diff.Compare of the same two
// snapshots, which every caller runs first: blast/compare is the share it adds.
func BenchmarkBlastRadius(b *testing.B) {
	opts := synth.Options{Topics: 10_000, Partitions: 3, Brokers: 3, GroupEvery: 2}
	before, after := synth.Estate(opts), synth.Estate(opts)
	kept := after.Topics[:0]
	for i, t := range after.Topics {
		switch i % 100 {
		case 0:
			continue // deleted
		case 1:
			t.Partitions = t.Partitions[:1]
		case 2:
			t.Configs = append(t.Configs, snapshot.Config{Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"})
		}
		kept = append(kept, t)
	}
	after.Topics = kept
	for i := range after.Registry.Subjects {
		if s := &after.Registry.Subjects[i]; i%50 == 0 {
			n := len(s.Versions)
			s.Versions = append(s.Versions, snapshot.SchemaVersion{Version: n + 1, ID: 1_000_000 + i, Type: "AVRO", Schema: s.Versions[n-1].Schema,
				Verdict: &snapshot.Verdict{Against: n, Level: "NONE", Status: snapshot.VerdictIncompatible}})
		}
	}
	changes := diff.Compare(before, after, diff.Options{})
	breaking, parties := 0, 0
	for i, bl := range BlastRadius(before, after, changes, BlastOptions{}) {
		if bl != nil {
			breaking++
			parties += len(bl.Parties)
		} else if changes[i].Severity == diff.Breaking && changes[i].Resource[:5] == "topic" {
			b.Fatalf("no blast for %v", changes[i])
		}
	}
	if breaking < 300 || parties == 0 {
		b.Fatalf("%d breaking changes reach %d parties: the estate is not what the benchmark means", breaking, parties)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var compare, blast time.Duration
	for b.Loop() {
		t0 := time.Now()
		cs := diff.Compare(before, after, diff.Options{})
		t1 := time.Now()
		BlastRadius(before, after, cs, BlastOptions{})
		compare += t1.Sub(t0)
		blast += time.Since(t1)
	}
	b.ReportMetric(float64(blast.Nanoseconds())/float64(b.N), "blast-ns/op")
	b.ReportMetric(float64(compare.Nanoseconds())/float64(b.N), "compare-ns/op")
	b.ReportMetric(float64(blast)/float64(compare), "blast/compare")
	b.ReportMetric(float64(breaking), "breaking-changes")
	b.ReportMetric(float64(parties), "parties")
}
