package pdf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// pageRE finds the page objects of a PDF as Chromium (Skia) writes them, uncompressed.
var pageRE = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

func countPages(t testing.TB, file string) int {
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	return len(pageRE.FindAll(data, -1))
}

// syntheticSite writes a replayed cluster of topics topics, each read by one of 20 groups, so
// that every topic page has its flow diagram, and builds it.
func syntheticSite(t testing.TB, topics int) string {
	dir := t.TempDir()
	taken := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "bench", TakenAt: taken,
		Cluster: snapshot.Cluster{Name: "big", ID: "bench", ControllerID: 1}}
	for i := range 3 {
		s.Cluster.Brokers = append(s.Cluster.Brokers, snapshot.Broker{ID: int32(i + 1), Host: fmt.Sprintf("kafka-%d", i+1), Port: 9092})
	}
	part := []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}, LatestOffset: 42}}
	groups := make([]snapshot.Group, 20)
	for g := range groups {
		groups[g] = snapshot.Group{ID: fmt.Sprintf("team-%02d-consumer", g), State: "Stable"}
	}
	for i := range topics {
		name := fmt.Sprintf("domain-%02d.entity-%04d.v1", i%12, i)
		s.Topics = append(s.Topics, snapshot.Topic{Name: name, ReplicationFactor: 3, Partitions: part})
		g := &groups[i%len(groups)]
		g.Offsets = append(g.Offsets, snapshot.GroupOffset{Topic: name, Committed: 40, LatestOffset: 42, Lag: 2})
		g.TotalLag += 2
	}
	s.Groups = groups
	s.Normalize()
	data, err := snapshot.Encode(s)
	require.NoError(t, err)
	snapFile := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(snapFile, data, 0o644))
	yaml := fmt.Sprintf("title: Synthetic estate\noutput: %s\nclusters:\n  - name: big\n    snapshot: %s\n", filepath.Join(dir, "public"), snapFile)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(yaml), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	// The print view is not published unless site.yaml says so; the book needs it.
	_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Print: true})
	require.NoError(t, err)
	return cfg.Output
}

// printOnce prints one book from Chrome start to the file written and returns its page count.
func printOnce(b *testing.B, site, chrome, page string) (int, time.Duration) {
	out := filepath.Join(b.TempDir(), "book.pdf")
	start := time.Now()
	err := PrintBooks(context.Background(), Options{SiteDir: site, Chrome: chrome, Timeout: 5 * time.Minute}, []Book{{Page: page, Out: out}})
	took := time.Since(start)
	require.NoError(b, err)
	return countPages(b, out), took
}

// BenchmarkBook prints books end to end, from Chrome start to the PDF written: the example
// estate's and a synthetic book of about 600 pages, a diagram on every topic page. The baseline, measured in
// the same run, is Chrome start to a one-page PDF: the fixed cost of any book.
// Reported: pages, pages/s, and x-baseline (the book's time over the baseline's).
func BenchmarkBook(b *testing.B) {
	chrome := testenv.Chrome(b)
	blank := b.TempDir()
	require.NoError(b, os.MkdirAll(filepath.Join(blank, "print"), 0o755))
	require.NoError(b, os.WriteFile(filepath.Join(blank, "print", "index.html"),
		[]byte(`<!doctype html><html data-diagrams="done"><title>blank</title><body><h1>Blank</h1></body></html>`), 0o644))
	_, baseline := printOnce(b, blank, chrome, DefaultPage)
	b.Logf("baseline (Chrome start to a one-page PDF): %s", baseline.Round(time.Millisecond))

	sites := []struct {
		name string
		dir  string
	}{
		{"example", buildExample(b)},
		// 240 topics, each page with its flow diagram, make a book of about 600 pages.
		{"pages-600", syntheticSite(b, 240)},
	}
	for _, s := range sites {
		b.Run(s.name, func(b *testing.B) {
			var pages int
			var total time.Duration
			for b.Loop() {
				var took time.Duration
				pages, took = printOnce(b, s.dir, chrome, DefaultPage)
				total += took
			}
			per := total / time.Duration(b.N)
			b.ReportMetric(float64(pages), "pages")
			b.ReportMetric(float64(pages)/per.Seconds(), "pages/s")
			b.ReportMetric(per.Seconds()/baseline.Seconds(), "x-baseline")
		})
	}
}
