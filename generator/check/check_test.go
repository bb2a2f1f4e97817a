package check

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
}

func lines(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func TestSiteProblemsHaveFileLineColumn(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "snapdir"), 0o755))
	write(t, cfg, `title: x
registy: http://x
clusters:
  - name: a
    bootstrap: ["${KDOCS_CHECK_UNSET}"]
    timout: 3s
    expectedBrokers: many
    dialTimeout: forever
    schemaRegistry: {url: "http://${KDOCS_CHECK_UNSET_TOO}:8081", pasword: x}
    topics:
      t1: {keyRecrd: x}
  - name: b
    snapshot: snapdir
  - name: c
    snapshot: missing.json
history: {keep: lots}
css: [nope.css]
baseurl: /
replication: yes
`)
	got := lines(Site(cfg, Options{Lookup: func(string) (string, bool) { return "", false }}))
	assert.Equal(t, []string{
		cfg + `:2:1: unknown key "registy"; "schemaRegistry" is a key of clusters[]`,
		cfg + `:5:18: environment variable KDOCS_CHECK_UNSET is not set`,
		cfg + `:6:5: unknown key "timout" in clusters[0]; did you mean "timeout"?`,
		cfg + `:7:22: clusters[0].expectedBrokers: want a whole number, got "many"`,
		cfg + `:8:18: clusters[0].dialTimeout: "forever" is not a duration like 10s or 1m30s`,
		cfg + `:9:35: environment variable KDOCS_CHECK_UNSET_TOO is not set`,
		cfg + `:9:67: unknown key "pasword" in clusters[0].schemaRegistry; did you mean "password"?`,
		cfg + `:11:12: unknown key "keyRecrd" in clusters[0].topics.t1; did you mean "keyRecord"?`,
		cfg + `:13:15: clusters[1].snapshot: snapdir is a directory, not a file`,
		cfg + `:15:15: clusters[2].snapshot: cannot read missing.json: no such file or directory`,
		cfg + `:16:17: history.keep: want a whole number, got "lots"`,
		cfg + `:17:7: css[0]: cannot read nope.css: no such file or directory`,
		cfg + `:18:1: unknown key "baseurl"; did you mean "baseURL"?`,
		cfg + `:19:14: replication: want a list, got "yes"`,
	}, got)
}

// Once keys, types, variables and files are right, the rules of config.Load still apply, at
// their line.
func TestSiteRulesOfLoad(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "site.yaml")
	write(t, filepath.Join(dir, "a.json"), "{}")
	write(t, cfg, "title: x\nclusters:\n  - name: a\n    snapshot: a.json\n    bootstrap: [b:9092]\n")
	assert.Equal(t, []string{cfg + `:3:3: cluster "a": give either bootstrap (live) or snapshot (replay), not both or neither`}, lines(Site(cfg, Options{})))

	write(t, cfg, "title: [unclosed\n")
	got := lines(Site(cfg, Options{}))
	require.Len(t, got, 1)
	assert.Contains(t, got[0], cfg+":")

	assert.Equal(t, []string{filepath.Join(dir, "nope.yaml") + ": cannot read: no such file or directory"}, lines(Site(filepath.Join(dir, "nope.yaml"), Options{})))
}

func TestContentAnnotations(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "site.yaml")
	write(t, filepath.Join(dir, "a.json"), "{}")
	write(t, cfg, "title: x\nclusters:\n  - name: a\n    snapshot: a.json\n")
	topic := filepath.Join(dir, "content", "topics", "orders.md")
	write(t, topic, "---\nowner: team-a\nownr: team-b\ntags: urgent\nlinks:\n  - {title: x, ur: http://x}\n---\n# Orders\n")
	group := filepath.Join(dir, "content", "groups", "billing.md")
	write(t, group, "---\nproducers: [x]\n---\nbody\n")
	page := filepath.Join(dir, "content", "guide.md")
	write(t, page, "---\ntitle: Guide\nanything: goes on a page\n---\nbody\n")
	require.NoError(t, os.Symlink(filepath.Join(dir, "gone.md"), filepath.Join(dir, "content", "topics", "dangling.md")))
	got := lines(Site(cfg, Options{}))
	assert.Equal(t, []string{
		filepath.Join(dir, "content", "groups", "billing.md") + ":2:12: front matter: producers: a consumer group has no producers; name them in the annotations of the topics it reads",
		filepath.Join(dir, "content", "topics", "dangling.md") + ": cannot read: no such file or directory",
		topic + `:3:1: unknown key "ownr"; did you mean "owner"?`,
		topic + `:4:7: tags: want a list, got "urgent"`,
		topic + `:6:16: unknown key "ur" in links[0]; did you mean "url"?`,
	}, got)
}

func TestExampleSiteIsValid(t *testing.T) {
	assert.Empty(t, Site(filepath.Join("..", "..", "site.yaml"), Options{}))
}

func TestSuggest(t *testing.T) {
	known := fields(reflect.TypeFor[config.Cluster]())
	for in, want := range map[string]string{
		"registy": "schemaRegistry", "schemaregistry": "schemaRegistry", "bootstrp": "bootstrap",
		"expectedBroker": "expectedBrokers", "dialtimeout": "dialTimeout", "zzzz": "", "colour": "",
	} {
		assert.Equal(t, want, suggest(in, known), in)
	}
}

func TestKeysWalkTheConfig(t *testing.T) {
	keys := Keys(reflect.TypeFor[config.Site]())
	for _, k := range []string{"title", "clusters[].schemaRegistry.url", "clusters[].security.sasl.mechanism",
		"clusters[].topics.<name>.keyRecord", "clusters[].annotations.groups.<name>.links[].url", "history.keep", "css[]"} {
		if k == "css[]" {
			assert.Contains(t, keys, "css")
			continue
		}
		assert.Contains(t, keys, k)
	}
	for _, k := range keys {
		assert.False(t, strings.Contains(k, "Line"), k)
	}
}
