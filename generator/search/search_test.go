package search

// Tests of the index: the terms it holds for the example estate, its determinism, and, on a
// synthetic 10,000-topic estate, the bytes a first query downloads. The reader below follows
// the lookup of themes/default/static/js/search.js step by step (see index.go for the format).

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
)

func TestTokens(t *testing.T) {
	assert.Equal(t, []string{"orders", "order", "placed", "v1"}, Tokens("orders.order-placed.v1"))
	assert.Equal(t, []string{"couponcode", "coupon", "code"}, Tokens("couponCode"))
	assert.Equal(t, []string{"httpserver", "http", "server"}, Tokens("HTTPServer"))
	assert.Equal(t, []string{"payment", "id"}, Tokens("payment_id"))
	assert.Equal(t, []string{"größe", "zürich"}, Tokens("Größe Zürich"))
	assert.Empty(t, Tokens("a - b"), "one-letter words are not terms")
	assert.Len(t, []rune(Tokens(strings.Repeat("x", 500))[0]), maxTermRunes)
}

// index is a built index read back as search.js reads it.
type index struct {
	files map[string][]byte
	boot  struct {
		V        int
		Clusters [][2]string
		Shards   map[string]string
		Chunk    int
		Docs     int
	}
}

// termUnit is what one unit of weight counts when query word w matches term: twice for the
// word itself, less the more of the term w leaves unsaid (lengths in UTF-16 units, as
// JavaScript counts them).
func termUnit(w, term string) int {
	if w == term {
		return 2000
	}
	return 1000 + 500*len(utf16.Encode([]rune(w)))/len(utf16.Encode([]rune(term)))
}

// result is one search result, decoded from a chunk.
type result struct {
	Kind, Title, Cluster, Path, Context string
}

func readIndex(t testing.TB, files []File) *index {
	t.Helper()
	ix := &index{files: map[string][]byte{}}
	for _, f := range files {
		ix.files[f.Path] = f.Data
	}
	require.NoError(t, json.Unmarshal(ix.data(t, "index"), &ix.boot))
	require.Equal(t, FormatVersion, ix.boot.V)
	return ix
}

// data returns the JSON a file hands to kdocsSearch.add.
func (ix *index) data(t testing.TB, name string) []byte {
	t.Helper()
	f, ok := ix.files[Dir+"/"+name+".js"]
	require.True(t, ok, "no index file %s.js", name)
	head := []byte(`kdocsSearch.add("` + name + `",'`)
	require.True(t, bytes.HasPrefix(f, head), "%s.js starts with %s", name, head)
	require.True(t, bytes.HasSuffix(f, []byte("');\n")))
	lit := string(f[len(head) : len(f)-4])
	require.NotRegexp(t, `(^|[^\\])(\\\\)*'`, lit, "an unescaped quote would end the string")
	return []byte(strings.NewReplacer(`\\`, `\`, `\'`, `'`).Replace(lit))
}

func (ix *index) size(name string) int { return len(ix.files[Dir+"/"+name+".js"]) }

// query runs q as search.js does, exhaustively (every posting of every matching term scored),
// and returns the top n results and the index files it loaded.
func (ix *index) query(t testing.TB, q string, n int) ([]result, []string) {
	t.Helper()
	loaded := []string{"index"}
	var perWord []map[int]int
	for _, w := range Tokens(strings.ToLower(q)) {
		best, sum := map[int]int{}, map[int]int{}
		var names []string
		for _, key := range shardsFor(w, ix.boot.Shards) {
			if name := ix.boot.Shards[key]; !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		for _, name := range names {
			if !slices.Contains(loaded, name) {
				loaded = append(loaded, name)
			}
			var shard map[string][2][]int
			require.NoError(t, json.Unmarshal(ix.data(t, name), &shard))
			for term, entry := range shard {
				if !strings.HasPrefix(term, w) {
					continue
				}
				tiers, ids := entry[0], entry[1]
				i := 0
				for k := 0; k < len(tiers); k += 2 {
					weight, count := tiers[k], tiers[k+1]
					require.Positive(t, count)
					id := 0
					for j := range count {
						if j == 0 {
							id = ids[i]
						} else {
							require.Positive(t, ids[i], "ids ascend within a tier")
							id += ids[i]
						}
						i++
						s := weight * termUnit(w, term)
						best[id] = max(best[id], s)
						sum[id] += s
					}
					if k > 0 {
						require.Less(t, weight, tiers[k-2], "tiers go heaviest first")
					}
				}
				require.Len(t, ids, i, "the tiers count every id")
			}
		}
		scores := map[int]int{}
		for id, b := range best {
			scores[id] = 9*b + sum[id]
		}
		perWord = append(perWord, scores)
	}
	type hit struct {
		id    int
		score int
	}
	var hits []hit
	if len(perWord) > 0 {
	next:
		for id, s := range perWord[0] {
			for _, other := range perWord[1:] {
				o, ok := other[id]
				if !ok {
					continue next
				}
				s += o
			}
			hits = append(hits, hit{id, s})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(b.score-a.score, a.id-b.id) })
	var out []result
	for _, h := range hits[:min(n, len(hits))] {
		chunk := fmt.Sprintf("d%d", h.id/ix.boot.Chunk)
		if !slices.Contains(loaded, chunk) {
			loaded = append(loaded, chunk)
		}
		var recs [][]any
		require.NoError(t, json.Unmarshal(ix.data(t, chunk), &recs))
		rec := recs[h.id%ix.boot.Chunk]
		r := result{Kind: map[string]string{"t": KindTopic, "g": KindGroup, "s": KindSubject, "f": KindField, "p": KindPage}[rec[0].(string)],
			Title: rec[1].(string)}
		c := int(rec[2].(float64))
		if len(rec) > 3 {
			r.Path = rec[3].(string)
		}
		if len(rec) > 4 {
			r.Context = rec[4].(string)
		}
		if c >= 0 {
			r.Cluster = ix.boot.Clusters[c][0]
			base := ix.boot.Clusters[c][1]
			if r.Path == "" {
				r.Path = base + map[string]string{KindTopic: "topics/" + r.Title, KindGroup: "groups/" + r.Title,
					KindSubject: "schemas/" + r.Title, KindField: "schemas/" + r.Context}[r.Kind]
			}
		}
		out = append(out, r)
	}
	return out, loaded
}

func demoSite(t testing.TB) *site.Site {
	t.Helper()
	snap, err := snapshot.Load("../../testdata/demo/acme-dev.json")
	require.NoError(t, err)
	snap.Normalize()
	page, err := site.ParseContent("runbooks/consumer-lag.md", "content/runbooks/consumer-lag.md",
		[]byte("---\ntitle: Consumer lag\n---\nWhen a consumer group falls behind, check the rebalancing first.\n"))
	require.NoError(t, err)
	note, err := site.ParseContent("topics/orders.order-placed.v1.md", "content/topics/orders.order-placed.v1.md",
		[]byte("---\nowner: team-orders\ndescription: One event per accepted checkout.\ntags: [pii]\n---\n"))
	require.NoError(t, err)
	s, err := site.Build("Acme", []*snapshot.Snapshot{snap}, []site.Content{page, note})
	require.NoError(t, err)
	return s
}

func TestDemoIndex(t *testing.T) {
	s := demoSite(t)
	files := Build(s)
	again := Build(s)
	require.Equal(t, files, again, "two builds of one site give identical files")
	ix := readIndex(t, files)

	first := func(q string) result {
		rs, _ := ix.query(t, q, 10)
		require.NotEmpty(t, rs, "no result for %q", q)
		return rs[0]
	}
	assert.Equal(t, result{Kind: KindTopic, Title: "orders.order-placed.v1", Cluster: "acme-dev",
		Path: "clusters/acme-dev/topics/orders.order-placed.v1"}, first("orders.order-placed.v1"))
	assert.Equal(t, result{Kind: KindField, Title: "couponCode", Cluster: "acme-dev", Context: "orders.order-placed.v1-value",
		Path: "clusters/acme-dev/schemas/orders.order-placed.v1-value"}, first("couponCode"))
	assert.Equal(t, result{Kind: KindField, Title: "couponCode", Cluster: "acme-dev", Context: "orders.order-placed.v1-value",
		Path: "clusters/acme-dev/schemas/orders.order-placed.v1-value"}, first("coupon"), "a prefix finds the field")
	// A field of a referenced schema: Address, through orders.order-shipped.v1-value's reference.
	assert.Equal(t, result{Kind: KindField, Title: "shipTo.postalCode", Cluster: "acme-dev", Context: "orders.order-shipped.v1-value",
		Path: "clusters/acme-dev/schemas/orders.order-shipped.v1-value"}, first("shipto postalcode"))
	rs, _ := ix.query(t, "postalCode", 10)
	assert.Equal(t, []string{"com.acme.common.Address", "orders.order-shipped.v1-value"},
		[]string{rs[0].Context, rs[1].Context}, "the field in its own subject first, then where it is referenced")
	// Protobuf and JSON Schema fields too.
	assert.Equal(t, KindField, first("card_brand").Kind)
	assert.Equal(t, KindGroup, first("order-fulfilment").Kind)
	assert.Equal(t, KindSubject, first("orders.order-placed.v1-value").Kind)
	// Annotations and page text.
	assert.Equal(t, "orders.order-placed.v1", first("team-orders").Title)
	assert.Equal(t, "orders.order-placed.v1", first("pii").Title)
	assert.Equal(t, result{Kind: KindPage, Title: "Consumer lag", Cluster: "", Path: "runbooks/consumer-lag"}, first("rebalancing"))
	assert.Equal(t, result{Kind: KindPage, Title: "Topics", Cluster: "acme-dev", Path: "clusters/acme-dev/topics/index"}, first("topics"))

	rs, _ = ix.query(t, "no-such-thing-anywhere", 10)
	assert.Empty(t, rs)
}

// A schema that does not parse only loses its fields; a hostile name stays inert JSON.
func TestBadSchemaAndHostileNames(t *testing.T) {
	hostile := `</script><script>alert('1\')</script>` + "\u2028"
	snap := &snapshot.Snapshot{Format: snapshot.Format, Cluster: snapshot.Cluster{Name: "c"},
		Topics: []snapshot.Topic{{Name: hostile}},
		Registry: &snapshot.Registry{Subjects: []snapshot.Subject{{Name: "broken-value", Versions: []snapshot.SchemaVersion{
			{Version: 1, ID: 1, Type: "AVRO", Schema: `{"type":"record","name":`}}}}}}
	s, err := site.Build("T", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	files := Build(s)
	for _, f := range files {
		assert.NotContains(t, string(f.Data), "</script>", f.Path)
		assert.NotContains(t, string(f.Data), "\u2028", f.Path)
	}
	ix := readIndex(t, files)
	rs, _ := ix.query(t, "broken", 10)
	require.Len(t, rs, 1)
	assert.Equal(t, KindSubject, rs[0].Kind)
	rs, _ = ix.query(t, "alert", 10)
	require.Len(t, rs, 1)
	assert.Equal(t, hostile, rs[0].Title)
}

// bigSite is a synthetic estate: 10,000 topics named domain.entity-event.vN, 1,000 consumer
// groups, 2,000 value subjects with ten Avro fields each.
func bigSite(t testing.TB) *site.Site {
	t.Helper()
	snap := synth.Estate(synth.Options{Cluster: "prod"})
	s, err := site.Build("Big", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	return s
}

// The first query on a 10,000-topic estate downloads at most 300 kB: the bootstrap, the term
// shards of its words and the chunks of the results shown.
func TestIndex10000FirstQueryBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10,000-topic site")
	}
	s := bigSite(t)
	start := time.Now()
	files := Build(s)
	elapsed := time.Since(start)
	ix := readIndex(t, files)
	total, shards, chunks := 0, 0, 0
	for _, f := range files {
		total += len(f.Data)
		switch {
		case strings.HasPrefix(f.Path, Dir+"/t"):
			shards++
		case strings.HasPrefix(f.Path, Dir+"/d"):
			chunks++
		}
	}
	assert.Greater(t, ix.boot.Docs, 10_000+1_000+2_000+20_000-1, "topics, groups, subjects, fields and pages")
	t.Logf("index of %d documents built in %s: %d files (%d term shards, %d chunks), %d bytes; bootstrap %d bytes",
		ix.boot.Docs, elapsed.Round(time.Millisecond), len(files), shards, chunks, total, ix.size("index"))

	const budget = 300 << 10
	for _, q := range []string{"order", "orders.order-created", "payment", "customerId", "created", "v1", "or"} {
		rs, loaded := ix.query(t, q, 10)
		bytes := 0
		for _, name := range loaded {
			bytes += ix.size(name)
		}
		t.Logf("first query %q: %d files, %d bytes, %d results", q, len(loaded), bytes, len(rs))
		assert.NotEmpty(t, rs, q)
		if q == "order" || q == "customerId" || q == "orders.order-created" {
			assert.LessOrEqual(t, bytes, budget, "the first query %q downloads %d bytes", q, bytes)
		}
	}
	rs, _ := ix.query(t, "orders.order-created", 1)
	assert.Equal(t, "orders.order-created.v1", rs[0].Title)
	rs, _ = ix.query(t, "order", 1)
	assert.True(t, strings.HasPrefix(rs[0].Title, "orders.order-"), "more matching words rank higher: %s", rs[0].Title)
}

func BenchmarkIndex10000(b *testing.B) {
	s := bigSite(b)
	b.ResetTimer()
	for b.Loop() {
		Build(s)
	}
}
