package main

import (
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// exportSite writes a site that replays one snapshot (written with snapshot.Save) and has one
// content page, and returns its site.yaml and a fresh export directory.
func exportSite(t *testing.T) (cfg, out string) {
	t.Helper()
	dir := t.TempDir()
	part := func(id int32) snapshot.Partition {
		return snapshot.Partition{ID: id, Leader: 1, Replicas: []int32{1, 2}, ISR: []int32{1, 2}, LatestOffset: 100}
	}
	s := &snapshot.Snapshot{
		Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 11, 27, 3, 17, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "from-file", ID: "c1", ControllerID: 1, Brokers: []snapshot.Broker{
			{ID: 1, Host: "b1", Port: 9092, Rack: "a"}, {ID: 2, Host: "b2", Port: 9092, Rack: "b"}}},
		Topics: []snapshot.Topic{
			{Name: "orders", ReplicationFactor: 2, Partitions: []snapshot.Partition{part(0), part(1)}},
			{Name: "payments", ReplicationFactor: 2, Partitions: []snapshot.Partition{part(0)}},
		},
		Groups: []snapshot.Group{{ID: "billing", State: "Stable", TotalLag: 5, Offsets: []snapshot.GroupOffset{
			{Topic: "orders", Partition: 0, Committed: 95, LatestOffset: 100, Lag: 5}}}},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "archive", "prod.json"), s))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "content"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "content", "runbook.md"),
		[]byte("---\ntitle: Runbook\n---\n# Runbook\n\nRestart the consumer.\n"), 0o644))
	cfg = filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("title: Export test\nclusters:\n  - name: prod\n    environment: prod\n    snapshot: archive/prod.json\n"), 0o644))
	return cfg, filepath.Join(dir, "export")
}

func export(t *testing.T, cfg string, args ...string) string {
	t.Helper()
	code, out, errOut := kdocs(t, append([]string{"export", "--config", cfg}, args...)...)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	return out
}

func TestExportMarkdown(t *testing.T) {
	cfg, out := exportSite(t)
	stdout := export(t, cfg, "--format", "md", "--out", out)
	md := filepath.Join(out, "md")
	assert.Contains(t, stdout, "wrote "+md)
	assert.Equal(t, []string{"md"}, entries(t, out), "only the Markdown, and no work directory left behind")

	runbook, err := os.ReadFile(filepath.Join(md, "runbook.md"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(runbook), "---\n"), "front matter:\n%s", runbook)
	assert.Contains(t, string(runbook), "Restart the consumer.")

	var mermaid int
	require.NoError(t, filepath.WalkDir(md, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		assert.Equal(t, ".md", filepath.Ext(p), p)
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(data), "---\n"), "%s has front matter", p)
		mermaid += strings.Count(string(data), "```mermaid\n")
		return nil
	}))
	assert.Positive(t, mermaid, "the diagrams travel as ```mermaid blocks")
}

func TestExportHTML(t *testing.T) {
	cfg, out := exportSite(t)
	export(t, cfg, "--format", "html", "--out", out)
	assert.Equal(t, []string{"html"}, entries(t, out))
	assert.FileExists(t, filepath.Join(out, "html", "index.html"))
	assert.NoFileExists(t, filepath.Join(out, "html", "print", "index.html"), "the site as published: no print view unless site.yaml asks")
	assert.NoDirExists(t, filepath.Join(out, "html", "css", "custom"), "no --css, no custom stylesheet")
}

func TestExportJSON(t *testing.T) {
	cfg, out := exportSite(t)
	stdout := export(t, cfg, "--format", "json", "--out", out)
	p := filepath.Join(out, "json", "prod.json")
	assert.Contains(t, stdout, "wrote "+p)
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	s, err := snapshot.Decode(data)
	require.NoError(t, err)
	assert.Equal(t, "prod", s.Cluster.Name, "as loaded: site.yaml's name wins over the file's")
	assert.Equal(t, "prod", s.Cluster.Environment)
	again, err := snapshot.Encode(s)
	require.NoError(t, err)
	assert.Equal(t, string(again), string(data), "canonical encoding")
}

func TestExportPDF(t *testing.T) {
	chrome := testenv.Chrome(t)
	cfg, out := exportSite(t)
	export(t, cfg, "--format", "pdf", "--out", out, "--chrome", chrome)
	assert.Equal(t, []string{"kdocs.pdf"}, entries(t, out), "the site built for the book is not left behind")
	assertPDF(t, filepath.Join(out, "kdocs.pdf"))
}

func TestExportAllWithTimestampAndCSS(t *testing.T) {
	chrome := testenv.Chrome(t)
	cfg, out := exportSite(t)
	css := filepath.Join(t.TempDir(), "brand.css")
	require.NoError(t, os.WriteFile(css, []byte("body { color: rebeccapurple; }\n"), 0o644))
	export(t, cfg, "--format", "all", "--out", out, "--timestamp", "--css", css, "--chrome", chrome)
	ts := stamp(t, out)
	assert.Equal(t, []string{"html-" + ts, "json-" + ts, "kdocs-" + ts + ".pdf", "md-" + ts}, entries(t, out))
	assert.FileExists(t, filepath.Join(out, "md-"+ts, "runbook.md"))
	assert.FileExists(t, filepath.Join(out, "json-"+ts, "prod.json"))
	assertPDF(t, filepath.Join(out, "kdocs-"+ts+".pdf"))

	site := filepath.Join(out, "html-"+ts)
	custom, err := os.ReadFile(filepath.Join(site, "css", "custom", "brand.css"))
	require.NoError(t, err)
	assert.Contains(t, string(custom), "rebeccapurple")
	for page, href := range map[string]string{
		"index.html":       "css/custom/brand.css",
		"print/index.html": "../css/custom/brand.css",
		"404.html":         "/css/custom/brand.css",
	} {
		html, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(page)))
		require.NoError(t, err)
		link := `<link rel="stylesheet" href="` + href + `">`
		assert.Contains(t, string(html), link, page)
		assert.Less(t, strings.Index(string(html), "kdocs.css"), strings.Index(string(html), link), "%s: after the theme's stylesheet", page)
	}
	// The JSON export is what the site publishes.
	gz, err := os.Open(filepath.Join(site, "snapshots", "prod.json.gz"))
	require.NoError(t, err)
	defer gz.Close()
	zr, err := gzip.NewReader(gz)
	require.NoError(t, err)
	published, err := io.ReadAll(zr)
	require.NoError(t, err)
	exported, _ := os.ReadFile(filepath.Join(out, "json-"+ts, "prod.json"))
	assert.Equal(t, string(published), string(exported))
}

// TestExportCSSWithoutChrome covers --css and --timestamp where no browser is needed.
func TestExportCSSWithoutChrome(t *testing.T) {
	cfg, out := exportSite(t)
	css := filepath.Join(t.TempDir(), "brand.css")
	require.NoError(t, os.WriteFile(css, []byte("h1 { color: teal; }\n"), 0o644))
	export(t, cfg, "--format", "html,json", "--out", out, "--timestamp", "--css", css)
	ts := stamp(t, out)
	assert.Equal(t, []string{"html-" + ts, "json-" + ts}, entries(t, out))
	site := filepath.Join(out, "html-"+ts)
	assert.FileExists(t, filepath.Join(site, "css", "custom", "brand.css"))
	var pages int
	require.NoError(t, filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		rel, _ := filepath.Rel(site, p)
		want := strings.Repeat("../", strings.Count(filepath.ToSlash(rel), "/")) + "css/custom/brand.css"
		if rel == "404.html" {
			want = "/css/custom/brand.css"
		}
		assert.Equal(t, 1, strings.Count(string(data), `<link rel="stylesheet" href="`+want+`">`), rel)
		pages++
		return nil
	}))
	assert.Greater(t, pages, 3)
}

func TestExportErrors(t *testing.T) {
	cfg, out := exportSite(t)
	for _, f := range []string{"docx", "", "md,xml"} {
		code, _, errOut := kdocs(t, "export", "--config", cfg, "--format", f, "--out", out)
		assert.Equal(t, exitUsage, code, f)
		assert.Contains(t, errOut, "--format", f)
	}
	assert.NoDirExists(t, out, "a usage error writes nothing")

	code, _, errOut := kdocs(t, "export", "--config", cfg, "--format", "html", "--out", out, "--css", "/no/such.css")
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, "/no/such.css")

	// A failed export names the format and the file, and leaves the previous export as it was.
	export(t, cfg, "--format", "json", "--out", out)
	before, err := os.ReadFile(filepath.Join(out, "json", "prod.json"))
	require.NoError(t, err)
	snap := filepath.Join(filepath.Dir(cfg), "archive", "prod.json")
	require.NoError(t, os.WriteFile(snap, []byte("{}"), 0o644))
	code, _, errOut = kdocs(t, "export", "--config", cfg, "--format", "json", "--out", out)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, "json export "+filepath.Join(out, "json"))
	assert.Contains(t, errOut, snap)
	after, _ := os.ReadFile(filepath.Join(out, "json", "prod.json"))
	assert.Equal(t, before, after)
	assert.Equal(t, []string{"json"}, entries(t, out), "no work directory left behind")

	code, _, errOut = kdocs(t, "export", "--config", cfg, "--format", "md", "--out", out)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, "md export")
	assert.Contains(t, errOut, snap)
}

// stamp returns the --timestamp suffix of the export in out: one UTC time shared by every name,
// in the sortable form 20060102T150405Z.
func stamp(t *testing.T, out string) string {
	t.Helper()
	names := entries(t, out)
	require.NotEmpty(t, names)
	m := regexp.MustCompile(`-(\d{8}T\d{6}Z)(\.pdf)?$`).FindStringSubmatch(names[0])
	require.NotNil(t, m, "no UTC timestamp in %q", names[0])
	at, err := time.Parse("20060102T150405Z", m[1])
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), at, 10*time.Minute)
	return m[1]
}

// entries lists a directory's names, sorted (os.ReadDir sorts).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}

// assertPDF checks that p is a PDF and, with poppler's pdfinfo on PATH, that it has pages.
func assertPDF(t *testing.T, p string) {
	t.Helper()
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), "%PDF-"), "%s is not a PDF", p)
	pdfinfo, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Logf("pdfinfo not on PATH (apt-get install -y poppler-utils): page count not checked")
		return
	}
	info, err := exec.Command(pdfinfo, p).Output()
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	require.NotNil(t, m, "pdfinfo:\n%s", info)
	pages, _ := strconv.Atoi(string(m[1]))
	assert.Greater(t, pages, 1)
}
