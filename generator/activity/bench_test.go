package activity_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/activity"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/heappeak"
	"github.com/kdocs/kdocs/internal/synth"
)

// benchHistory is how many history snapshots each cluster has before the current one.
const benchHistory = 30

// history makes benchHistory daily snapshots before cur, oldest first, cur last. Two topics in
// three are written every day, by an amount that varies with the topic; the third stands still.
// One group in four stops committing ten days before the end; the others follow their topic.
// The copies share everything but the offsets.
func history(cur *snapshot.Snapshot) []*snapshot.Snapshot {
	out := make([]*snapshot.Snapshot, 0, benchHistory+1)
	for k := range benchHistory {
		back := int64(benchHistory - k) // days before cur
		s := *cur
		s.TakenAt = cur.TakenAt.AddDate(0, 0, -int(back))
		s.Topics = make([]snapshot.Topic, len(cur.Topics))
		for i, t := range cur.Topics {
			t.Partitions = append([]snapshot.Partition(nil), t.Partitions...)
			if i%3 != 0 {
				for j := range t.Partitions {
					t.Partitions[j].LatestOffset = max(0, t.Partitions[j].LatestOffset-back*int64(1+i%7))
				}
			}
			s.Topics[i] = t
		}
		s.Groups = make([]snapshot.Group, len(cur.Groups))
		for i, g := range cur.Groups {
			g.Offsets = append([]snapshot.GroupOffset(nil), g.Offsets...)
			for j := range g.Offsets {
				behind := back
				if i%4 == 0 { // stopped ten days ago: its commits then are its commits now
					behind = max(0, back-10)
				}
				g.Offsets[j].Committed = max(0, g.Offsets[j].Committed-behind)
			}
			s.Groups[i] = g
		}
		out = append(out, &s)
	}
	return append(out, cur)
}

// BenchmarkActivity computes the activity of the synth.Scale 10,000-topic estate (two clusters
// of 5,000 topics × 6 partitions) over 30 history snapshots and the current one, and reports
// its time as a share of a site build of the same estate in the same run (goal ≤ 20%), and the
// heap's peak while computing.
func BenchmarkActivity(b *testing.B) {
	dir := b.TempDir()
	siteYAML, err := synth.Scale(10_000).WriteSite(filepath.Join(dir, "site"), filepath.Join(dir, "public"))
	require.NoError(b, err)
	cfg, err := config.Load(siteYAML)
	require.NoError(b, err)
	var histories [][]*snapshot.Snapshot
	for _, c := range cfg.Clusters {
		cur, err := snapshot.Load(cfg.SnapshotPath(c))
		require.NoError(b, err)
		histories = append(histories, history(cur))
	}
	opts := activity.Options{IdleAfter: cfg.ActivityIdleAfter()}
	var build, compute time.Duration
	var peak uint64
	var idle, stopped int
	for b.Loop() {
		start := time.Now()
		// A whole build each time, the baseline the activity's cost is set against.
		_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Clean: true})
		require.NoError(b, err)
		build += time.Since(start)
		idle, stopped = 0, 0
		peak = max(peak, heappeak.During(time.Millisecond, func() {
			start = time.Now()
			for _, h := range histories {
				r := activity.Compute(h, opts)
				idle += len(r.Idle)
				stopped += len(r.Stopped)
			}
			compute += time.Since(start)
		}))
	}
	n := float64(b.N)
	b.ReportMetric(compute.Seconds()*1e3/n, "activity-ms")
	b.ReportMetric(build.Seconds()*1e3/n, "build-ms")
	b.ReportMetric(100*compute.Seconds()/build.Seconds(), "%-of-build")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(idle), "idle-topics")
	b.ReportMetric(float64(stopped), "stopped-groups")
}
