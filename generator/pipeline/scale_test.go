package pipeline_test

// The 100k estate (internal/synth.Profile100k: 100,000 topics × 6 partitions over two clusters,
// 50,000 groups, 20,000 subjects of 3 versions, 5% of topics annotated), built and measured.
// Too slow for CI: `make bench-100k` runs it (KDOCS_SCALE=100000); KDOCS_SCALE=1000,10000,100000
// prints the curve of time per topic. The test asserts what the published site must be (no page
// over 1 MB, sitemaps within the protocol's limits, at most 1 GB in all, every topic, group
// and subject with its page); the timings and memory are printed, never asserted.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/heappeak"
	"github.com/kdocs/kdocs/internal/memlimit"
	"github.com/kdocs/kdocs/internal/synth"
)

// siteStats is what a built site holds.
type siteStats struct {
	files, pages, bigPages int
	bytes, chrome, content int64
	sitemapURLs            []int
	topicPages, groupPages int
	subjectPages           int
	largestPage            int64
}

var articleRE = regexp.MustCompile(`(?s)<article class="content"[^>]*>(.*)</article>`)

func measureSite(t *testing.T, dir string) siteStats {
	t.Helper()
	var s siteStats
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		s.files++
		s.bytes += info.Size()
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, ".html"):
			s.pages++
			if info.Size() > 1_000_000 {
				s.bigPages++
				t.Errorf("%s is %d bytes, over 1 MB", rel, info.Size())
			}
			s.largestPage = max(s.largestPage, info.Size())
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if m := articleRE.FindSubmatchIndex(data); m != nil {
				s.content += int64(m[3] - m[2])
				s.chrome += int64(len(data) - (m[3] - m[2]))
			}
			parts := strings.Split(rel, "/")
			if len(parts) == 4 && parts[0] == "clusters" && parts[3] != "index.html" {
				switch parts[2] {
				case "topics":
					s.topicPages++
				case "groups":
					s.groupPages++
				case "schemas":
					if parts[3] != "orphans.html" {
						s.subjectPages++
					}
				}
			}
		case regexp.MustCompile(`^sitemap-\d+\.xml$`).MatchString(rel):
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s.sitemapURLs = append(s.sitemapURLs, bytes.Count(data, []byte("<url>")))
			assert.LessOrEqual(t, len(data), 50_000_000, "%s is over 50 MB", rel)
		}
		return nil
	}))
	return s
}

func TestScaleEstate(t *testing.T) {
	env := os.Getenv("KDOCS_SCALE")
	if env == "" {
		t.Skip("set KDOCS_SCALE=100000 (make bench-100k) to build and check the 100k estate")
	}
	// As `kdocs build` does with its default --memory-budget.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Logf("memory limit %d MiB", memlimit.Apply(2<<30, os.Getenv)>>20)
	var perTopic []float64
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		require.NoError(t, err, "KDOCS_SCALE")
		p := synth.Scale(n)
		topics, partitions, groups, subjects, versions := p.Totals()
		dir := t.TempDir()
		out := filepath.Join(dir, "public")
		siteYAML, err := p.WriteSite(filepath.Join(dir, "site"), out)
		require.NoError(t, err)
		cfg, err := config.Load(siteYAML)
		require.NoError(t, err)
		cfg.BaseURL = "https://acme.github.io/kdocs/"

		// A build of a few seconds moves by a large share with the kernel's state (ext4 passes
		// over recently deleted inodes when it creates a file: docs/benchmarks.md), so below
		// 100,000 topics the estate is built twice more, each into a fresh directory, and the
		// fastest of the three counts for the curve.
		var walls []time.Duration
		for i := 0; topics < 100_000 && i < 2; i++ {
			start := time.Now()
			_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: filepath.Join(dir, "run-"+strconv.Itoa(i)), Clean: true})
			require.NoError(t, err)
			walls = append(walls, time.Since(start))
		}

		var res pipeline.Result
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		start := time.Now()
		peak, live := heappeak.Measure(20*time.Millisecond, func() {
			res, err = pipeline.Run(context.Background(), cfg, pipeline.Options{})
		})
		wall := time.Since(start)
		runtime.ReadMemStats(&ms1)
		require.NoError(t, err)
		s := measureSite(t, out)

		t.Logf("%d topics (%d partitions), %d groups, %d subjects (%d versions): %d pages built in %.1f s, %.1f ms per 1,000 topics, heap peak %.0f MiB (live heap peak %.0f MiB)",
			topics, partitions, groups, subjects, versions, res.Pages, wall.Seconds(), wall.Seconds()*1e6/float64(topics), float64(peak)/(1<<20), float64(live)/(1<<20))
		t.Logf("published: %.1f MB in %d files; %d HTML pages, largest %.0f kB; per page %.0f B chrome + %.0f B content; sitemaps %v",
			float64(s.bytes)/1e6, s.files, s.pages, float64(s.largestPage)/1e3, float64(s.chrome)/float64(s.pages), float64(s.content)/float64(s.pages), s.sitemapURLs)
		walls = append(walls, wall)
		if len(walls) > 1 {
			t.Logf("%d topics: whole builds of %v; the fastest counts", topics, walls)
		}
		perTopic = append(perTopic, slices.Min(walls).Seconds()/float64(topics))

		assert.Zero(t, s.bigPages, "pages over 1 MB")
		for _, u := range s.sitemapURLs {
			assert.LessOrEqual(t, u, 50_000, "URLs in one sitemap")
		}
		assert.LessOrEqual(t, s.bytes, int64(1_000_000_000), "the published site fits GitHub Pages' 1 GB")
		// Every object has its page (list parts live below pages/, not counted here).
		assert.Equal(t, topics, s.topicPages, "topic pages")
		assert.Equal(t, groups, s.groupPages, "group pages")
		assert.Equal(t, subjects, s.subjectPages, "subject pages")
		_, err = os.Stat(filepath.Join(out, "print"))
		assert.True(t, os.IsNotExist(err), "no print view unless site.yaml asks")

		// The next night's snapshot, one topic changed: the incremental build, and the clean
		// build it must equal, file for file.
		editOneTopic(t, cfg.SnapshotPath(cfg.Clusters[0]))
		start = time.Now()
		var inc pipeline.Result
		incPeak, _ := heappeak.Measure(20*time.Millisecond, func() {
			inc, err = pipeline.Run(context.Background(), cfg, pipeline.Options{})
		})
		incWall := time.Since(start)
		require.NoError(t, err)
		assert.True(t, inc.Incremental)
		t.Logf("incremental build, one topic changed: %d pages rendered, %d files written, in %.1f s (%.1f%% of the whole build's %.1f s), heap peak %.0f MiB",
			inc.Rendered, inc.Written, incWall.Seconds(), 100*incWall.Seconds()/wall.Seconds(), wall.Seconds(), float64(incPeak)/(1<<20))
		clean := filepath.Join(dir, "clean")
		_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Output: clean, Clean: true})
		require.NoError(t, err)
		assert.Equal(t, digestTree(t, clean), digestTree(t, out), "the incremental build's site is the clean build's")
		require.NoError(t, os.RemoveAll(clean))
	}
	if len(perTopic) > 1 {
		lo, hi := perTopic[0], perTopic[0]
		for _, v := range perTopic {
			lo, hi = min(lo, v), max(hi, v)
		}
		t.Logf("time per topic across %s topics: %v s; highest/lowest %.2f", env, perTopic, hi/lo)
	}
}

// benchSizes are the estate sizes a benchmark builds: sizes, and KDOCS_SCALE_BENCH's.
func benchSizes(sizes ...int) []int {
	if v, err := strconv.Atoi(os.Getenv("KDOCS_SCALE_BENCH")); err == nil && v > 0 {
		sizes = append(sizes, v)
	}
	return sizes
}

// scaleSite writes the synth.Scale estate of n topics as a site in a temporary directory.
func scaleSite(tb testing.TB, n int) *config.Site {
	tb.Helper()
	dir := tb.TempDir()
	siteYAML, err := synth.Scale(n).WriteSite(filepath.Join(dir, "site"), filepath.Join(dir, "public"))
	require.NoError(tb, err)
	cfg, err := config.Load(siteYAML)
	require.NoError(tb, err)
	return cfg
}

// editOneTopic rewrites the snapshot at path as the next night's: a day later, one topic with
// a config set.
func editOneTopic(t testing.TB, path string) {
	t.Helper()
	s, err := snapshot.Load(path)
	require.NoError(t, err)
	s.TakenAt = s.TakenAt.Add(24 * time.Hour)
	tp := &s.Topics[len(s.Topics)/2]
	tp.Configs = append(tp.Configs, snapshot.Config{Name: "retention.ms", Value: strconv.FormatInt(s.TakenAt.Unix(), 10), Source: "DYNAMIC_TOPIC_CONFIG"})
	require.NoError(t, snapshot.Save(path, s))
}

// digestTree maps every file under dir to the digest of its bytes.
func digestTree(t testing.TB, dir string) map[string][32]byte {
	t.Helper()
	files := map[string][32]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = sha256.Sum256(data)
		return err
	}))
	return files
}

// BenchmarkIncrementalBuild builds the synth.Scale estate of 10,000 topics (and of
// KDOCS_SCALE_BENCH topics) after a snapshot in which one topic changed, and reports its time
// against a whole build of the same estate in the same run (whole-ms, incremental/whole) and
// its heap's peak.
func BenchmarkIncrementalBuild(b *testing.B) {
	for _, n := range benchSizes(10_000) {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			cfg := scaleSite(b, n)
			ctx := context.Background()
			start := time.Now()
			_, err := pipeline.Run(ctx, cfg, pipeline.Options{Clean: true})
			require.NoError(b, err)
			whole := time.Since(start)
			var peak uint64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				editOneTopic(b, cfg.SnapshotPath(cfg.Clusters[0]))
				b.StartTimer()
				var res pipeline.Result
				peak = max(peak, heappeak.During(20*time.Millisecond, func() {
					res, err = pipeline.Run(ctx, cfg, pipeline.Options{})
				}))
				require.NoError(b, err)
				require.True(b, res.Incremental)
			}
			perBuild := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(whole.Seconds()*1e3, "whole-ms")
			b.ReportMetric(perBuild/whole.Seconds(), "incremental/whole")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkBuildScale builds the synth.Scale estate of 1,000 and 10,000 topics (100,000 with
// KDOCS_SCALE_BENCH=100000) and reports the time per topic, which should stay flat as the
// estate grows, and the heap's peak.
func BenchmarkBuildScale(b *testing.B) {
	for _, n := range benchSizes(1_000, 10_000) {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			cfg := scaleSite(b, n)
			var err error
			var peak uint64
			var cpu time.Duration
			// Each build gets a directory of its own, and none is removed before the last: a
			// build into the previous one's output removes that tree, and on a filesystem
			// without a journal (this project's machines) ext4 then passes over every inode
			// freed in the last minutes before it reuses one, which made the next build's file
			// creation several times slower (docs/benchmarks.md, "Deleted files").
			outs := b.TempDir()
			i := 0
			b.ResetTimer()
			for b.Loop() {
				i++
				out := filepath.Join(outs, strconv.Itoa(i))
				before := processCPU(b)
				peak = max(peak, heappeak.During(20*time.Millisecond, func() {
					_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Output: out, Clean: true})
				}))
				cpu += processCPU(b) - before
				require.NoError(b, err)
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(n)*1e6, "µs/topic")
			// CPU time (user + system, the garbage collector's and the kernel's file work
			// included) moves far less than wall time on a shared machine.
			b.ReportMetric(cpu.Seconds()/float64(b.N)/float64(n)*1e6, "cpu-µs/topic")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// processCPU is the CPU time the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
