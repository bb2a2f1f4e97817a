package pipeline

// site.yaml's css: and annotations:, end to end through a build.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
)

// withSiteYAML rewrites newSite's site.yaml with extra top-level and cluster keys.
func withSiteYAML(t *testing.T, top, cluster string, files ...string) (*config.Site, error) {
	t.Helper()
	cfg := newSite(t)
	for i := 0; i+1 < len(files); i += 2 {
		p := filepath.Join(cfg.Dir, filepath.FromSlash(files[i]))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(files[i+1]), 0o644))
	}
	text := "title: Acme Kafka\nbaseURL: /kdocs/\n" + top +
		"clusters:\n  - name: prod\n    environment: production\n    snapshot: fixtures/prod.json\n" + cluster
	require.NoError(t, os.WriteFile(cfg.Path, []byte(text), 0o644))
	return config.Load(cfg.Path)
}

func TestCustomCSSIsLinkedAfterTheThemeOnEveryPage(t *testing.T) {
	cfg, err := withSiteYAML(t, "css: [style/brand.css, print.css]\n", "",
		"style/brand.css", "h1 { color: teal; }\n", "print.css", "@page { margin: 1cm; }\n")
	require.NoError(t, err)
	_, err = Run(context.Background(), cfg, Options{Print: true})
	require.NoError(t, err)

	files := tree(t, cfg.Output)
	assert.Equal(t, "h1 { color: teal; }\n", string(files["css/custom/brand.css"]))
	assert.Equal(t, "@page { margin: 1cm; }\n", string(files["css/custom/print.css"]))
	pages := 0
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		root := strings.Repeat("../", strings.Count(name, "/"))
		if name == "404.html" {
			root = "/kdocs/"
		}
		html := string(data)
		theme := max(strings.Index(html, `href="`+root+`css/kdocs.css"`), strings.Index(html, `href="`+root+`css/syntax.css"`))
		brand := strings.Index(html, `<link rel="stylesheet" href="`+root+`css/custom/brand.css">`)
		print := strings.Index(html, `<link rel="stylesheet" href="`+root+`css/custom/print.css">`)
		require.Positive(t, theme, name)
		assert.Greater(t, brand, theme, "%s: the custom stylesheet comes after the theme's", name)
		assert.Greater(t, print, brand, "%s: in site.yaml order", name)
	}
	assert.Greater(t, pages, 5)
	assert.Contains(t, string(files["print/index.html"]), `href="../css/custom/brand.css"`, "the print view (and the PDF) too")
}

func TestCustomCSSMissingNamesTheLine(t *testing.T) {
	_, err := withSiteYAML(t, "css:\n  - brand.css\n", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "site.yaml: line 4: css: stylesheet ")
	assert.Contains(t, err.Error(), "brand.css not found")

	_, err = withSiteYAML(t, "css: [a/x.css, b/x.css]\n", "")
	require.Error(t, err, "two stylesheets of one name")
}

func TestAnnotationsInSiteYAML(t *testing.T) {
	cfg, err := withSiteYAML(t, "", `    annotations:
      topics:
        orders.created:
          owner: team-orders
          team: Orders
          description: One event per placed order.
          tags: [orders, pii]
          producers: [checkout-service]
          runbook: runbooks/consumer-lag.md
          links:
            - {title: Dashboard, url: "https://grafana.example/d/orders"}
        no.such.topic: {owner: nobody}
      groups:
        "<script>alert(1)</script>|x": {owner: team-hostile}
`)
	require.NoError(t, err)
	res, err := Run(context.Background(), cfg, Options{})
	require.NoError(t, err)
	assert.Contains(t, res.Warnings, `site.yaml:18: annotation for topic "no.such.topic", which is not in cluster "prod"; it is not shown`)

	files := tree(t, cfg.Output)
	topic := string(files["clusters/prod/topics/orders.created.html"])
	assert.Contains(t, topic, "team-orders")
	assert.Contains(t, topic, "One event per placed order.")
	assert.Contains(t, topic, "checkout-service")
	assert.Contains(t, topic, `<a href="../../../runbooks/consumer-lag.html">Consumer lag</a>`, "runbook relative to content/")
	assert.Contains(t, topic, `href="https://grafana.example/d/orders"`)
	assert.Contains(t, string(files["clusters/prod/topics/index.html"]), "team-orders", "the catalog shows the owner")
	var group string
	for name, data := range files {
		if strings.HasPrefix(name, "clusters/prod/groups/") && !strings.HasSuffix(name, "index.html") {
			group = string(data)
		}
	}
	assert.Contains(t, group, "team-hostile")

	// The same topic annotated by a file too: an error naming both.
	require.NoError(t, os.MkdirAll(filepath.Join(cfg.Dir, "content", "topics"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(cfg.Dir, "content", "topics", "orders.created.md"), []byte("---\nowner: x\n---\n"), 0o644))
	_, err = Run(context.Background(), cfg, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `site.yaml:10: annotates topic "orders.created" of cluster "prod", as content/topics/orders.created.md does already`)
}

func TestAnnotationsInSiteYAMLAreChecked(t *testing.T) {
	_, err := withSiteYAML(t, "", "    annotations:\n      topics:\n        a: {owner: x, colour: red}\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 9: unknown key "colour"`)
	_, err = withSiteYAML(t, "", "    annotations:\n      groups:\n        g: {producers: [x]}\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 9: cluster "prod": annotation of consumer group "g": producers`)
	_, err = withSiteYAML(t, "", "    annotations:\n      topics:\n        a: {links: [{title: t}]}\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "links[0] has no url")
}
