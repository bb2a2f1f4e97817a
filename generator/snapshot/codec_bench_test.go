package snapshot_test

import (
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
