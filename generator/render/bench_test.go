package render

import (
	"bytes"
	"html/template"
	"io/fs"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
	"github.com/kdocs/kdocs/templates"
	"github.com/kdocs/kdocs/themes"
)

// benchEstate is a tenth of the estate BenchmarkSiteVsHugo builds (generator/pipeline), with the
// same mix of pages: topic pages with six partitions, one group per ten topics, one subject per
// five, the lists and the cluster's own pages.
var benchEstate = synth.Options{Topics: 1_000, Partitions: 6, Brokers: 3}

// cpuTime is the CPU time the process has used, garbage collection included. The machine is
// shared, so wall time per page (ns/page) swings with the neighbours; CPU time much less.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPages renders every page of the synthetic estate as a build does, without writing
// files: Markdown from its template, HTML through goldmark for the page and its print chapter,
// then the page layout. One op is the whole site; ns/page, B/page and allocs/page divide it
// by its pages, and cpu-ns/page is the process's CPU time per page. The sub-benchmarks time each stage alone.
func BenchmarkPages(b *testing.B) {
	theme, err := fs.Sub(themes.FS, "default")
	require.NoError(b, err)
	r, err := New(Options{Theme: theme, Templates: templates.FS, BaseURL: "/"})
	require.NoError(b, err)
	s, err := site.Build("Big estate", []*snapshot.Snapshot{synth.Estate(benchEstate)}, nil)
	require.NoError(b, err)

	// Each stage's input, made once: the Markdown and its body of every page, and its HTML.
	mds := make([][]byte, len(s.Pages))
	bodies := make([][]byte, len(s.Pages))
	htmls := make([][]byte, len(s.Pages))
	for i, p := range s.Pages {
		mds[i], err = r.Markdown(s, p)
		require.NoError(b, err)
		bodies[i] = stripFrontMatter(mds[i])
		htmls[i], _, _, err = r.convertPage(s, p.Path, bodies[i], true)
		require.NoError(b, err)
	}

	markdown := func(i int) error {
		_, err := r.Markdown(s, s.Pages[i])
		return err
	}
	convert := func(i int) error {
		_, _, _, err := r.convertPage(s, s.Pages[i].Path, bodies[i], true)
		return err
	}
	layout := func(i int) error {
		p := s.Pages[i]
		data := r.layoutData(s, p, strings.Repeat("../", strings.Count(p.Path, "/")))
		data.Content = template.HTML(htmls[i])
		data.Mermaid = hasMermaid(htmls[i])
		var buf bytes.Buffer
		return r.layouts["page"].Execute(&buf, data)
	}
	all := func(i int) error {
		if err := markdown(i); err != nil {
			return err
		}
		if err := convert(i); err != nil {
			return err
		}
		return layout(i)
	}
	for _, stage := range []struct {
		name   string
		render func(int) error
	}{{"all", all}, {"markdown", markdown}, {"convert", convert}, {"layout", layout}} {
		b.Run(stage.name, func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu := cpuTime(b)
			for b.Loop() {
				for i := range s.Pages {
					if err := stage.render(i); err != nil {
						b.Fatal(err)
					}
				}
			}
			cpu = cpuTime(b) - cpu
			runtime.ReadMemStats(&after)
			pages := float64(b.N * len(s.Pages))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/pages, "ns/page")
			b.ReportMetric(float64(cpu.Nanoseconds())/pages, "cpu-ns/page")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/pages, "B/page")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/pages, "allocs/page")
		})
	}
}
