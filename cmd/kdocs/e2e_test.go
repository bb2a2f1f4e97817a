package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// TestEndToEnd drives the real binary's commands against the real services: the seeded 3-node
// Kafka and Schema Registry are snapshotted, the site is built from that snapshot, and the book
// is printed by Chromium. It checks the joins between the layers, not each layer's details.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test; run without -short")
	}
	brokers := testenv.Kafka(t)
	registryURL := testenv.Registry(t)
	chrome := testenv.Chrome(t)
	pdftotext := lookPath(t, "pdftotext")
	pdfinfo := lookPath(t, "pdfinfo")

	dir := t.TempDir()
	cfg := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(`title: End to end
baseURL: /e2e/
print: true
clusters:
  - name: e2e
    environment: ci
    bootstrap: [%s]
    schemaRegistry: {url: %q}
    topics:
      payments.payment-failed.v1: {subjectNameStrategy: TopicRecordName}
`, strings.Join(brokers, ", "), registryURL)), 0o644))

	// The snapshot must say healthy, which the shared cluster is once a loaded machine's fenced
	// broker has its leaderships back.
	testenv.Settled(context.Background(), t, brokers)
	code, out, errOut := kdocs(t, "snapshot", "--config", cfg, "--fail-on", "down")
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	snap, err := snapshot.Load(filepath.Join(dir, "snapshots", "e2e.json"))
	require.NoError(t, err)
	assert.Regexp(t, `e2e\s+healthy`, out, "the snapshot's errors: %+v", snap.Errors)
	require.NotNil(t, snap.Topic("orders.order-placed.v1"), "the seeded estate is in the snapshot")
	require.NotNil(t, snap.Subject("orders.order-placed.v1-value"), "the registry is in the snapshot")

	code, out, errOut = kdocs(t, "build", "--config", cfg)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	public := filepath.Join(dir, "public")
	for _, f := range []string{"index.html", "clusters/e2e/index.html", "print/index.html", "404.html", ".nojekyll", "sitemap.xml"} {
		assert.FileExists(t, filepath.Join(public, f))
	}
	html, err := os.ReadFile(filepath.Join(public, "clusters", "e2e", "topics", "orders.order-placed.v1.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "604800000", "the overridden retention.ms is documented")
	html, err = os.ReadFile(filepath.Join(public, "clusters", "e2e", "topics", "payments.payment-failed.v1.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "payments.payment-failed.v1-com.acme.payments.v1.PaymentFailed", "site.yaml's subject naming reaches the topic page")
	html, err = os.ReadFile(filepath.Join(public, "clusters", "e2e", "schemas", "orphans.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "inventory.stock-forecast.v1-value", "the orphan subject is listed")

	code, out, errOut = kdocs(t, "pdf", "--config", cfg, "--chrome", chrome)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	book := filepath.Join(public, "kdocs.pdf")

	info, err := exec.Command(pdfinfo, book).Output()
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	require.NotNil(t, m, "pdfinfo:\n%s", info)
	pages, _ := strconv.Atoi(string(m[1]))
	assert.Greater(t, pages, 1)

	text, err := exec.Command(pdftotext, book, "-").Output()
	require.NoError(t, err)
	// The cluster diagram labels racks "rack <name>": that text exists only in the rendered
	// SVG, while the Mermaid source ("flowchart", "subgraph", "-->") must not be printed.
	assert.Contains(t, string(text), "rack rack-b")
	assert.NotContains(t, string(text), "subgraph")
	assert.NotContains(t, string(text), "flowchart")
}

func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if testenv.Strict() {
			t.Fatalf("%s is required in CI (apt-get install -y poppler-utils): %v", name, err)
		}
		t.Skipf("%s not found (apt-get install -y poppler-utils)", name)
	}
	return p
}
