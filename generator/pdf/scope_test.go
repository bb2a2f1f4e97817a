package pdf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
	"github.com/kdocs/kdocs/internal/testenv"
)

func TestScopeConfig(t *testing.T) {
	cfg := &config.Site{Path: "/x/site.yaml", Title: "Acme",
		Clusters: []config.Cluster{{Name: "east", Annotations: &config.Annotations{Topics: map[string]config.Annotation{
			"orders.placed": {Owner: "a"}, "payments.settled": {Owner: "b"}}}}, {Name: "west"}},
		Replication:  []config.Replication{{From: "east", To: "west"}},
		Environments: &config.Environments{}}

	_, err := Scope{Clusters: []string{"north", "east"}}.Config(cfg)
	require.Error(t, err)
	assert.Equal(t, "--cluster north: no such cluster in /x/site.yaml; the clusters are east, west", err.Error())

	got, err := Scope{Clusters: []string{"east"}, Topics: []string{"orders.*"}}.Config(cfg)
	require.NoError(t, err)
	require.Len(t, got.Clusters, 1)
	assert.Equal(t, "east", got.Clusters[0].Name)
	assert.Nil(t, got.Replication, "replication to a cluster outside the book is left out")
	assert.Nil(t, got.Environments)
	assert.Equal(t, "Acme (cluster east; topic orders.*)", got.Title, "the book says what part of the estate it holds")
	assert.Equal(t, []string{"orders.placed"}, mapKeys(got.Clusters[0].Annotations.Topics), "annotations outside the globs are dropped")
	assert.Len(t, cfg.Clusters, 2, "site.yaml's own config is not changed")
	assert.Len(t, cfg.Clusters[0].Annotations.Topics, 2)

	assert.ErrorContains(t, Scope{Topics: []string{"orders.[a"}}.Validate(), "--topics 'orders.[a': not a glob")
}

func mapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestScopeNarrow(t *testing.T) {
	snaps := func() []*snapshot.Snapshot {
		return []*snapshot.Snapshot{synth.Estate(synth.Options{Cluster: "east", Topics: 400}), synth.Estate(synth.Options{Cluster: "west", Topics: 400})}
	}
	size, err := Scope{Topics: []string{"orders.order-*", "nothing.*", "payments.payment-created.v1"}}.Narrow(snaps())
	require.Error(t, err)
	assert.Equal(t, "--topics 'nothing.*' matches no topic of clusters east, west: nothing printed", err.Error())

	s := snaps()
	size, err = Scope{Topics: []string{"orders.order-*", "payments.payment-created.v1"}}.Narrow(s)
	require.NoError(t, err)
	for _, snap := range s {
		for _, topic := range snap.Topics {
			assert.True(t, strings.HasPrefix(topic.Name, "orders.order-") || topic.Name == "payments.payment-created.v1", topic.Name)
		}
	}
	assert.Equal(t, int64(len(s[0].Topics)+len(s[1].Topics)), size.Topics)
	assert.Equal(t, int64(2), size.Clusters)
	assert.Positive(t, size.Groups)
	assert.Positive(t, size.Versions)
}

func TestCheckRefusesWithAScopeThatFits(t *testing.T) {
	snaps := []*snapshot.Snapshot{synth.Estate(synth.Options{Cluster: "east", Topics: 2000, Partitions: 6}), synth.Estate(synth.Options{Cluster: "west", Topics: 2000, Partitions: 6})}
	var size Size
	for _, s := range snaps {
		size.Add(s)
	}
	const budget = 2 << 30
	err := Scope{}.Check(size, snaps, budget)
	var refused *RefuseError
	require.ErrorAs(t, err, &refused)
	assert.Greater(t, refused.Estimate.Total(), uint64(budget))
	msg := err.Error()
	for _, want := range []string{"the book of the whole estate (4000 topic(s), 24000 partition(s)", "over the budget of 2,048 MiB",
		"--cluster NAME", "--topics GLOB", "--memory-budget", "pdf.memoryBudget", "a scope that fits: --cluster east --topics ", "nothing printed"} {
		assert.Contains(t, msg, want)
	}
	// The advice, taken, fits.
	advice := strings.Fields(strings.SplitN(refused.Advice, " (", 2)[0])
	require.Len(t, advice, 4, refused.Advice)
	glob := strings.Trim(advice[3], "'")
	scoped := []*snapshot.Snapshot{synth.Estate(synth.Options{Cluster: "east", Topics: 2000, Partitions: 6})}
	size, err = Scope{Clusters: []string{"east"}, Topics: []string{glob}}.Narrow(scoped)
	require.NoError(t, err)
	assert.Positive(t, size.Topics)
	assert.NoError(t, Scope{Topics: []string{glob}}.Check(size, scoped, budget), "the advised scope %s fits", glob)

	assert.NoError(t, Scope{}.Check(size, scoped, 1<<40), "a budget large enough takes the whole estate")
}

// TestEstimateHTMLOfABuiltBook compares the estimate made from the snapshots with the print view
// the build writes: it must not underestimate, and not overstate by more than half.
func TestEstimateHTMLOfABuiltBook(t *testing.T) {
	dir := t.TempDir()
	siteYAML, err := synth.Scale(300).WriteSite(dir, filepath.Join(dir, "public"))
	require.NoError(t, err)
	cfg, err := config.Load(siteYAML)
	require.NoError(t, err)
	var size Size
	_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Print: true, Loaded: func(snaps []*snapshot.Snapshot) error {
		for _, s := range snaps {
			size.Add(s)
		}
		return nil
	}})
	require.NoError(t, err)
	info, err := os.Stat(filepath.Join(cfg.Output, "print", "index.html"))
	require.NoError(t, err)
	ratio := float64(size.HTMLBytes()) / float64(info.Size())
	t.Logf("estimated %d bytes of print HTML, built %d (%.2f×)", size.HTMLBytes(), info.Size(), ratio)
	assert.GreaterOrEqual(t, ratio, 1.0)
	assert.LessOrEqual(t, ratio, 1.5)
}

func TestMemoryGuardStopsChromium(t *testing.T) {
	chrome := testenv.Chrome(t)
	site := syntheticSite(t, 40)
	out := filepath.Join(t.TempDir(), "book.pdf")
	require.NoError(t, os.WriteFile(out, []byte("the previous book"), 0o644))
	self, _, err := TreeMemory(os.Getpid(), 0)
	require.NoError(t, err)
	// Room for this process and a few MB: Chromium's first processes cross it.
	budget := self + 32<<20
	var peak Memory
	err = PrintBooks(context.Background(), Options{SiteDir: site, Chrome: chrome, MemoryBudget: budget, PeakMemory: func(m Memory) { peak = m }},
		[]Book{{Page: DefaultPage, Out: out}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrMemoryBudget), "%v", err)
	assert.Contains(t, err.Error(), "over the budget of "+MiB(budget))
	assert.Contains(t, err.Error(), out+" was not written")
	assert.Greater(t, peak.Total, budget)
	assert.Positive(t, peak.Chromium)

	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "the previous book", string(data), "the earlier PDF is left in place")
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left beside it")
	assert.Empty(t, browsers(t), "no Chromium process is left under this one")
}

// browsers lists the Chromium processes under this process.
func browsers(t *testing.T) []int {
	pids, _, err := descendants(os.Getpid())
	require.NoError(t, err)
	var out []int
	for _, p := range pids[1:] {
		comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p), "comm"))
		if err == nil && strings.Contains(string(comm), "chrom") {
			out = append(out, p)
		}
	}
	return out
}

func TestCheckPrintView(t *testing.T) {
	assert.NoError(t, CheckPrintView("print/index.html", 100<<10, 2<<30))
	err := CheckPrintView("print/index.html", 10<<20, 2<<30)
	var refused *RefuseError
	require.ErrorAs(t, err, &refused)
	assert.Contains(t, err.Error(), "the book print/index.html (10 MiB of print HTML) would take about ")
	assert.Contains(t, err.Error(), "over the budget of 2,048 MiB: "+ScopeOptions+"; nothing printed")
}
