package snapshot_test

import (
	"bytes"
	"encoding/json"
	"io"

	"testing"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
)

// BenchmarkDecode reads the snapshot of a 2,000-topic synthetic estate (MB/s of JSON): the
// first, single-threaded step of every build.
func BenchmarkDecode(b *testing.B) {
	data, err := snapshot.Encode(synth.Estate(synth.Options{Topics: 2000, Partitions: 6, Brokers: 3}))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := snapshot.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshal writes the same snapshot, as a build publishes it.
func BenchmarkMarshal(b *testing.B) {
	s := synth.Estate(synth.Options{Topics: 2000, Partitions: 6, Brokers: 3})
	s.Normalize()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := snapshot.Marshal(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndentingEncoder is Marshal's baseline: json.Encoder indenting as it encodes, as
// Marshal did before.
func BenchmarkIndentingEncoder(b *testing.B) {
	s := synth.Estate(synth.Options{Topics: 2000, Partitions: 6, Brokers: 3})
	s.Normalize()
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite streams the same snapshot to a file's place, as a build publishes it: what a
// build holds meanwhile is the compact encoding, not the indented document.
func BenchmarkWrite(b *testing.B) {
	s := synth.Estate(synth.Options{Topics: 2000, Partitions: 6, Brokers: 3})
	s.Normalize()
	b.ReportAllocs()
	for b.Loop() {
		if err := snapshot.Write(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}
