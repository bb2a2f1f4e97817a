package export_test

// BenchmarkExport10k: each format on the 10,000-topic synthetic estate (internal/synth, with
// the applications bigEstate annotates), from the document model already built, as kdocs
// export runs them after loading. peak-heap-MB is the most heap in use at once during the
// export (internal/heappeak), above what the model holds; cpu-s the process's CPU time per
// export, garbage collection included (the machine is shared: wall time swings with the
// neighbours, CPU time much less). The zip archives the estate's built site (13,000 pages),
// built once before timing.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/export"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/heappeak"
	"github.com/kdocs/kdocs/internal/synth"
)

func BenchmarkExport10k(b *testing.B) {
	in := bigEstate(b)
	run := func(b *testing.B, fn func() int) {
		var peak uint64
		var bytesOut int
		b.ResetTimer()
		cpu0 := cpuTime(b)
		for range b.N {
			peak = max(peak, heappeak.During(5*time.Millisecond, func() { bytesOut = fn() }))
		}
		b.ReportMetric((cpuTime(b)-cpu0).Seconds()/float64(b.N), "cpu-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(bytesOut)/(1<<20), "output-MB")
	}
	size := func(files []export.File) int {
		n := 0
		for _, f := range files {
			n += len(f.Data)
		}
		return n
	}
	b.Run("asyncapi", func(b *testing.B) {
		run(b, func() int {
			files, err := export.AsyncAPI(in)
			require.NoError(b, err)
			return size(files)
		})
	})
	b.Run("backstage", func(b *testing.B) {
		run(b, func() int {
			files, err := export.Backstage(in)
			require.NoError(b, err)
			return size(files)
		})
	})
	b.Run("zip", func(b *testing.B) {
		dir := b.TempDir()
		require.NoError(b, snapshot.Save(filepath.Join(dir, "big.json"), synth.Estate(synth.Options{Brokers: 3})))
		require.NoError(b, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Big\nclusters:\n  - name: big\n    snapshot: big.json\n"), 0o644))
		cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
		require.NoError(b, err)
		siteDir := filepath.Join(dir, "public")
		_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Output: siteDir})
		require.NoError(b, err)
		run(b, func() int {
			var buf bytes.Buffer
			require.NoError(b, export.Archive(&buf, export.ArchiveOptions{SiteDir: siteDir}))
			return buf.Len()
		})
	})
}

// cpuTime is the CPU time the process has used, garbage collection included.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
