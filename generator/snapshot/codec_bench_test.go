package snapshot_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
)

// benchEstate is the estate the codec benchmarks read and write: 2,000 topics.
var benchEstate = synth.Options{Topics: 2000, Partitions: 6, Brokers: 3}

// BenchmarkDecode reads the snapshot of the synthetic estate (MB/s of JSON): the first,
// single-threaded step of every build.
func BenchmarkDecode(b *testing.B) {
	data, err := snapshot.Encode(synth.Estate(benchEstate))
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

// BenchmarkEncode writes the same snapshot three ways: Write streams it, as a build publishes it
// (what it holds meanwhile is the compact encoding, not the indented document); Marshal returns
// it; IndentingEncoder is the baseline, json.Encoder indenting as it encodes, as Marshal did
// before.
func BenchmarkEncode(b *testing.B) {
	s := synth.Estate(benchEstate)
	s.Normalize()
	for _, c := range []struct {
		name   string
		encode func() error
	}{
		{"Write", func() error { return snapshot.Write(io.Discard, s) }},
		{"Marshal", func() error { _, err := snapshot.Marshal(s); return err }},
		{"IndentingEncoder", func() error {
			enc := json.NewEncoder(&bytes.Buffer{})
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			return enc.Encode(s)
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.encode(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
