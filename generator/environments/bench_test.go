package environments_test

// The cost of comparing two 10,000-topic environments (internal/synth's estate), against the
// same two-cluster site without environments: (target: ≤ 20% more build time and peak heap).
//
//	go test -run '^$' -bench Environments -benchtime 3x ./generator/environments/

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/environments"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/heappeak"
	"github.com/kdocs/kdocs/internal/synth"
)

// benchEstate writes staging and prod, synth's estate each, prod drifting on every tenth topic
// (one partition more) and lacking every hundredth, and returns the site.yaml with and without
// the environments: block.
func benchEstate(b *testing.B) (with, without *config.Site) {
	b.Helper()
	dir := b.TempDir()
	staging := synth.Estate(synth.Options{Cluster: "staging"})
	staging.Cluster.Environment = "staging"
	prod := synth.Estate(synth.Options{Cluster: "prod"})
	prod.Cluster.Environment = "prod"
	var kept []snapshot.Topic
	for i, t := range prod.Topics {
		if i%100 == 99 {
			continue
		}
		if i%10 == 0 {
			p := t.Partitions[0]
			p.ID = int32(len(t.Partitions))
			t.Partitions = append(t.Partitions, p)
		}
		kept = append(kept, t)
	}
	prod.Topics = kept
	require.NoError(b, snapshot.Save(filepath.Join(dir, "staging.json"), staging))
	require.NoError(b, snapshot.Save(filepath.Join(dir, "prod.json"), prod))
	clusters := "title: Bench\nclusters:\n  - {name: staging, environment: staging, snapshot: staging.json}\n" +
		"  - {name: prod, environment: prod, snapshot: prod.json}\n"
	load := func(name, text string) *config.Site {
		p := filepath.Join(dir, name)
		require.NoError(b, os.WriteFile(p, []byte(text), 0o644))
		cfg, err := config.Load(p)
		require.NoError(b, err)
		return cfg
	}
	return load("with.yaml", clusters+"environments:\n  order: [staging, prod]\n"), load("without.yaml", clusters)
}

func BenchmarkEnvironments(b *testing.B) {
	with, without := benchEstate(b)
	for _, bc := range []struct {
		name string
		cfg  *config.Site
	}{{"without", without}, {"with", with}} {
		b.Run(bc.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "public")
			var res pipeline.Result
			var peak uint64
			cpu0 := cpuTime()
			for b.Loop() {
				peak = max(peak, heappeak.During(10*time.Millisecond, func() {
					var err error
					res, err = pipeline.Run(context.Background(), bc.cfg, pipeline.Options{Output: out})
					require.NoError(b, err)
				}))
			}
			// CPU seconds (user and system) per build: less at the mercy of a loaded machine than
			// the wall time.
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(res.Pages), "pages")
		})
	}
}

// BenchmarkCompare is the comparison alone, on the two 10,000-topic environments.
func BenchmarkCompare(b *testing.B) {
	staging := synth.Estate(synth.Options{Cluster: "staging"})
	prod := synth.Estate(synth.Options{Cluster: "prod"})
	for i := range prod.Topics {
		if i%10 == 0 {
			prod.Topics[i].ReplicationFactor++
		}
	}
	cfg := &config.Environments{Order: []string{"staging", "prod"}}
	in := []environments.Input{{Environment: "staging", Snapshot: staging}, {Environment: "prod", Snapshot: prod}}
	var c *environments.Comparison
	for b.Loop() {
		c = environments.Compare(in, cfg, environments.Options{})
	}
	b.ReportMetric(float64(c.Drifting), "drifting")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
