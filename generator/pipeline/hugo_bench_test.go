package pipeline_test

// kdocs against Hugo on the same pages. A synthetic estate of 10,000 topics (with consumer
// groups and schema subjects) is built by the kdocs binary, and Debian's hugo builds a minimal
// site of the very Markdown kdocs renders for those pages (its Markdown export), one page for
// each of kdocs's. Both run as child processes so that their peak memory is measured the same
// way, as the kernel's maximum resident set size of the process (rusage ru_maxrss), and their
// wall time includes starting up. The benchmark reports kdocs/hugo ratios for both; the
// targets are at most ½ of Hugo's wall time and ¼ of its peak memory.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
	"github.com/kdocs/kdocs/internal/testenv"
)

// hugoVsKdocs is the prepared comparison: the kdocs binary and its site, the Hugo site.
type hugoVsKdocs struct {
	kdocs, hugo   string // binaries
	siteYAML      string
	hugoSite      string
	kdocsOut      string
	hugoOut       string
	pages         int // HTML pages of the kdocs site, and Markdown pages given to Hugo
	topicPages    int
	markdownBytes int64
	// trash holds earlier outputs until the benchmark ends (see setAside).
	trash string
}

// setAside moves a finished output into the trash instead of deleting it. This machine's ext4
// has no journal, and without one the kernel's inode allocator skips every inode deleted in the
// last minute, reading each one's inode-table block to find out (perf: recently_deleted,
// find_inode_bit): a generator creating 13,000 files just after 13,000 were deleted spends most of
// its system time there, and whichever ran first after the deletion paid most. That is the
// benchmark's cleanup, not either generator's work. Set-aside outputs go with the temporary
// directory after the timings.
func (h *hugoVsKdocs) setAside(b *testing.B, dir string) {
	b.Helper()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err := os.MkdirAll(h.trash, 0o755); err != nil {
		b.Fatal(err)
	}
	to, err := os.MkdirTemp(h.trash, filepath.Base(dir)+"-")
	if err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(dir, filepath.Join(to, "out")); err != nil {
		b.Fatal(err)
	}
}

func prepareHugoVsKdocs(b *testing.B) *hugoVsKdocs {
	b.Helper()
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		if testenv.Strict() {
			b.Fatalf("hugo is required in CI for the baseline: %v", err)
		}
		b.Skipf("hugo not found (%v); install it with `apt-get install -y hugo` to compare kdocs with Hugo", err)
	}
	dir := b.TempDir()
	// KDOCS_BENCH_DIR keeps both sites for profiling (`kdocs build --config $KDOCS_BENCH_DIR/kdocs-site/site.yaml`).
	if keep := os.Getenv("KDOCS_BENCH_DIR"); keep != "" {
		dir = keep
	}
	h := &hugoVsKdocs{hugo: hugo, kdocs: filepath.Join(dir, "kdocs"), hugoSite: filepath.Join(dir, "hugo"),
		kdocsOut: filepath.Join(dir, "kdocs-public"), hugoOut: filepath.Join(dir, "hugo-public")}

	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(gobin, "build", "-o", h.kdocs, "github.com/kdocs/kdocs/cmd/kdocs").CombinedOutput(); err != nil {
		b.Fatalf("go build kdocs: %v\n%s", err, out)
	}

	data, err := snapshot.Encode(synth.Estate(hugoEstate))
	if err != nil {
		b.Fatal(err)
	}
	kdir := filepath.Join(dir, "kdocs-site")
	if err := os.MkdirAll(kdir, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kdir, "big.json"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	h.siteYAML = filepath.Join(kdir, "site.yaml")
	yaml := fmt.Sprintf("title: Big estate\noutput: %s\nclusters:\n  - name: big\n    snapshot: big.json\n", h.kdocsOut)
	if err := os.WriteFile(h.siteYAML, []byte(yaml), 0o644); err != nil {
		b.Fatal(err)
	}

	// The Markdown Hugo gets is kdocs's own, from one untimed in-process build.
	cfg, err := config.Load(h.siteYAML)
	if err != nil {
		b.Fatal(err)
	}
	mdDir := filepath.Join(dir, "markdown")
	res, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: filepath.Join(dir, "warmup"), MarkdownDir: mdDir})
	if err != nil {
		b.Fatal(err)
	}
	h.trash = filepath.Join(dir, "trash")
	b.Cleanup(func() { _ = os.RemoveAll(h.trash) }) // a kept KDOCS_BENCH_DIR does not grow
	h.setAside(b, filepath.Join(dir, "warmup"))
	h.pages = res.Pages
	if err := h.writeHugoSite(mdDir); err != nil {
		b.Fatal(err)
	}
	return h
}

// writeHugoSite turns the Markdown export into a minimal Hugo site: each page gets front
// matter with its title (its first heading), index.md becomes the section's _index.md, and one
// layout renders the title, a link home and the content, as kdocs's theme does.
func (h *hugoVsKdocs) writeHugoSite(mdDir string) error {
	content := filepath.Join(h.hugoSite, "content")
	err := filepath.WalkDir(mdDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		rel, _ := filepath.Rel(mdDir, p)
		if filepath.Base(rel) == "index.md" {
			rel = filepath.Join(filepath.Dir(rel), "_index.md")
		}
		if strings.Contains(filepath.ToSlash(rel), "/topics/") {
			h.topicPages++
		}
		md, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h.markdownBytes += int64(len(md))
		title := strings.TrimSuffix(filepath.Base(rel), ".md")
		if line, _, _ := bytes.Cut(md, []byte("\n")); bytes.HasPrefix(line, []byte("# ")) {
			title = string(line[2:])
		}
		page := fmt.Appendf(nil, "---\ntitle: %s\n---\n", strconv.Quote(title))
		page = append(page, md...)
		target := filepath.Join(content, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, page, 0o644)
	})
	if err != nil {
		return err
	}
	layout := `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}"></head>
<body><header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a></header>
<main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
`
	files := map[string]string{
		"config.toml": "baseURL = \"/\"\ntitle = \"Big estate\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n" +
			"[markup.goldmark.renderer]\nunsafe = true\n",
		"layouts/_default/single.html": layout,
		"layouts/_default/list.html":   layout,
		"layouts/index.html":           layout,
		"static/css/site.css":          "body { font-family: sans-serif; }\n",
	}
	for name, text := range files {
		p := filepath.Join(h.hugoSite, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// run is what one build of a child process cost.
type run struct {
	wall, cpu time.Duration // cpu: user + system time
	peak      int64         // bytes of peak resident set size
}

// measure runs a command to its end and returns its wall time, CPU time and peak resident set
// size.
func measure(b *testing.B, name string, args ...string) run {
	b.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatal("no rusage for the child process on this platform")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return run{wall: wall, cpu: cpu, peak: ru.Maxrss << 10} // Linux reports kilobytes
}

// countHTML counts the .html files under dir.
func countHTML(b *testing.B, dir string) int {
	b.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			n++
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// hugoEstate is the synthetic estate both site generators document.
var hugoEstate = synth.Options{Topics: 10_000, Partitions: 6, Brokers: 3}

// BenchmarkSiteVsHugo builds the 10,000-topic site with kdocs and the same pages with Hugo,
// each once per iteration, and reports wall time and peak RSS of both and their ratios
// (kdocs/hugo: wall/hugo ≤ 0.5 and peak/hugo ≤ 0.25 are the targets). ns/op is the two
// builds together.
func BenchmarkSiteVsHugo(b *testing.B) {
	hv := prepareHugoVsKdocs(b)
	b.Logf("estate: %d topics × %d partitions; kdocs site of %d pages, of which %d topic pages; Hugo gets the same %d Markdown pages (%.1f MB)",
		hugoEstate.Topics, hugoEstate.Partitions, hv.pages, hv.topicPages, hv.pages, float64(hv.markdownBytes)/1e6)
	var k, h run
	b.ResetTimer()
	for b.Loop() {
		// Both build from scratch: without a previous output, which kdocs would set aside and
		// delete after its swap and Hugo would partly overwrite.
		b.StopTimer()
		hv.setAside(b, hv.kdocsOut)
		hv.setAside(b, hv.hugoOut)
		// Neither generator pays for writing back what the preparation (or the other) left
		// in the page cache.
		syscall.Sync()
		b.StartTimer()
		r := measure(b, hv.kdocs, "build", "--config", hv.siteYAML)
		k.wall, k.cpu, k.peak = k.wall+r.wall, k.cpu+r.cpu, max(k.peak, r.peak)
		b.StopTimer()
		syscall.Sync()
		b.StartTimer()
		r = measure(b, hv.hugo, "--quiet", "--source", hv.hugoSite, "--destination", hv.hugoOut)
		h.wall, h.cpu, h.peak = h.wall+r.wall, h.cpu+r.cpu, max(h.peak, r.peak)
	}
	b.StopTimer()
	if n := countHTML(b, hv.hugoOut); n < hv.pages {
		b.Fatalf("Hugo wrote %d HTML pages, want at least the %d Markdown pages it was given", n, hv.pages)
	}
	n := float64(b.N)
	b.ReportMetric(k.wall.Seconds()/n, "kdocs-s")
	b.ReportMetric(h.wall.Seconds()/n, "hugo-s")
	b.ReportMetric(float64(k.peak)/(1<<20), "kdocs-peak-MiB")
	b.ReportMetric(float64(h.peak)/(1<<20), "hugo-peak-MiB")
	b.ReportMetric(k.wall.Seconds()/h.wall.Seconds(), "wall/hugo")
	b.ReportMetric(float64(k.peak)/float64(h.peak), "peak/hugo")
	// CPU time is what the wall time would be on an idle machine, summed over cores: the
	// steadier comparison when other work shares the machine.
	b.ReportMetric(k.cpu.Seconds()/h.cpu.Seconds(), "cpu/hugo")
	b.Logf("kdocs %.2f s wall, %.2f s CPU, %.0f MiB peak; hugo %.2f s wall, %.2f s CPU, %.0f MiB peak",
		k.wall.Seconds()/n, k.cpu.Seconds()/n, float64(k.peak)/(1<<20), h.wall.Seconds()/n, h.cpu.Seconds()/n, float64(h.peak)/(1<<20))
}
