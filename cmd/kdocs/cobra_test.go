package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// replaySite writes a site.yaml that replays one small snapshot, so that build needs no cluster.
func replaySite(t *testing.T) (dir, cfg string) {
	t.Helper()
	dir = t.TempDir()
	cfg = filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("title: Replay\nclusters:\n  - name: prod\n    snapshot: prod.json\n"), 0o644))
	require.NoError(t, snapshot.Save(filepath.Join(dir, "prod.json"), &snapshot.Snapshot{
		Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 11, 27, 3, 17, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "prod", ID: "c1", Brokers: []snapshot.Broker{{ID: 1, Host: "broker-1", Port: 9092}}},
		Topics: []snapshot.Topic{{Name: "orders", ReplicationFactor: 1, Partitions: []snapshot.Partition{
			{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}}},
	}))
	return dir, cfg
}

func TestEveryCommandHasHelpAndExamples(t *testing.T) {
	code, out, _ := kdocs(t, "help")
	require.Equal(t, exitOK, code)
	var names []string
	inList := false
	for _, l := range strings.Split(out, "\n") {
		if l == "commands:" {
			inList = true
			continue
		}
		if inList {
			if strings.TrimSpace(l) == "" {
				break
			}
			f := strings.Fields(l)
			names = append(names, f[0])
			desc := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), f[0]))
			// A full one-line description: a sentence that ends, not one cut mid-way.
			assert.True(t, strings.HasSuffix(desc, "."), "%s: %q is not a full sentence", f[0], desc)
			assert.Regexp(t, `^[A-Z]`, desc, f[0])
		}
	}
	assert.Subset(t, names, []string{"init", "check", "snapshot", "build", "diff", "pdf", "export", "serve", "version", "completion", "help"})
	for _, c := range append(names, "completion bash", "completion zsh", "completion fish", "completion powershell") {
		args := append([]string{"help"}, strings.Fields(c)...)
		code, out, errOut := kdocs(t, args...)
		require.Equal(t, exitOK, code, "%s: %s", c, errOut)
		assert.Contains(t, out, "usage: kdocs "+c, c)
		assert.Contains(t, out, "\nexamples:\n  ", "%s has examples", c)
		// kdocs help <command> and kdocs <command> --help say the same.
		code, out2, _ := kdocs(t, append(strings.Fields(c), "--help")...)
		assert.Equal(t, exitOK, code)
		assert.Equal(t, out, out2, c)
	}
	code, out, _ = kdocs(t, "help", "build")
	require.Equal(t, exitOK, code)
	for _, f := range []string{"-c, --config string", "-o, --out string", "-v, --verbose", "-q, --quiet", "--base-url string"} {
		assert.Contains(t, out, f)
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "# bash completion V2 for kdocs",
		"zsh":        "#compdef kdocs",
		"fish":       "# fish completion for kdocs",
		"powershell": "# powershell completion for kdocs",
	} {
		code, out, errOut := kdocs(t, "completion", shell)
		require.Equal(t, exitOK, code, "%s: %s", shell, errOut)
		assert.Contains(t, out, want, shell)
	}
	code, _, errOut := kdocs(t, "completion", "tcsh")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "tcsh")

	// The completions themselves, as a shell asks for them.
	code, out, _ := kdocs(t, "__complete", "snapshot", "--fail-on", "")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "degraded\ndown\n")
	code, out, _ = kdocs(t, "__complete", "diff", "--format", "")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "text\njson\nmarkdown\n")
	code, out, _ = kdocs(t, "__complete", "")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "build\tBuild the static site")
}

func TestLongAndShortFlags(t *testing.T) {
	dir, cfg := replaySite(t)
	out := filepath.Join(dir, "site-out")
	code, stdout, errOut := kdocs(t, "build", "-c", cfg, "-o", out)
	require.Equal(t, exitOK, code, errOut)
	assert.FileExists(t, filepath.Join(out, "index.html"))
	assert.Contains(t, stdout, "built ")

	out2 := filepath.Join(dir, "site-out2")
	code, stdout, errOut = kdocs(t, "build", "--config="+cfg, "--out", out2, "--quiet")
	require.Equal(t, exitOK, code, errOut)
	assert.FileExists(t, filepath.Join(out2, "index.html"))
	assert.Empty(t, stdout, "--quiet silences the report")
	assert.Empty(t, errOut)

	// Global flags go before or after the command.
	code, _, errOut = kdocs(t, "-c", cfg, "build", "-o", out2, "-v")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "level=DEBUG", "--verbose logs debug detail")

	code, _, errOut = kdocs(t, "build", "-c", cfg, "-v", "-q")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--verbose and --quiet: choose one")
}

// The single-dash long flags of the flag package still work, for one release, and say so.
func TestSingleDashLongFlagsAreDeprecated(t *testing.T) {
	dir, cfg := replaySite(t)
	out := filepath.Join(dir, "legacy")
	code, stdout, errOut := kdocs(t, "build", "-config", cfg, "-out="+out, "-base-url", "/docs/")
	require.Equal(t, exitOK, code, errOut)
	assert.FileExists(t, filepath.Join(out, "index.html"))
	assert.Contains(t, stdout, "built ")
	for _, f := range []string{"config", "out", "base-url"} {
		assert.Contains(t, errOut, "kdocs: -"+f+" is deprecated and stops working in the next release: use --"+f+"\n")
	}
	notFound, err := os.ReadFile(filepath.Join(out, "404.html"))
	require.NoError(t, err)
	assert.Contains(t, string(notFound), `"/docs/`, "-base-url's value reached the build")

	// The long spelling says nothing; a value that looks like a flag is a value.
	code, _, errOut = kdocs(t, "build", "--config", cfg, "--out", out)
	require.Equal(t, exitOK, code, errOut)
	assert.NotContains(t, errOut, "deprecated")
	oldPath, newPath := diffSnapshots(t)
	code, _, errOut = kdocs(t, "diff", "-lag-jump", "-1", "-json", oldPath, newPath)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "-lag-jump is deprecated")
	assert.Contains(t, errOut, "-json is deprecated")

	// A single-dash word that is no flag is still an error, not a guess.
	code, _, errOut = kdocs(t, "build", "-nosuch")
	assert.Equal(t, exitUsage, code)
	assert.NotContains(t, errOut, "deprecated")
}

func TestSnapshotJSONSummary(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(p, []byte("title: x\nclusters:\n  - name: gone\n    bootstrap: [127.0.0.1:1]\n    timeout: 2s\n"), 0o644))
	code, out, errOut := kdocs(t, "snapshot", "--config", p, "--json-summary", "--quiet")
	assert.Equal(t, exitFail, code)
	var sum snapshotSummary
	require.NoError(t, json.Unmarshal([]byte(out), &sum), out)
	require.Len(t, sum.Clusters, 1)
	assert.Equal(t, "gone", sum.Clusters[0].Cluster)
	assert.Equal(t, "failed", sum.Clusters[0].Status)
	assert.Contains(t, sum.Clusters[0].Error, "127.0.0.1:1")
	assert.Equal(t, 1, sum.Failed)
	assert.Contains(t, errOut, "1 of 1 clusters could not be read")
	// The field names are the contract.
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	assert.ElementsMatch(t, []string{"clusters", "failed"}, keys(raw))
}

func TestDiffFormats(t *testing.T) {
	oldPath, newPath := diffSnapshots(t)
	_, viaAlias, _ := kdocs(t, "diff", "--json", oldPath, newPath)
	code, viaFormat, errOut := kdocs(t, "diff", "--format", "json", oldPath, newPath)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, viaAlias, viaFormat, "--json is --format json")
	code, _, errOut = kdocs(t, "diff", "-f", "text", "--json", oldPath, newPath)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--json and --format text: choose one")
	code, _, errOut = kdocs(t, "diff", "--format", "yaml", oldPath, newPath)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `--format "yaml": want text, json or markdown`)

	code, md, errOut := kdocs(t, "diff", "--format", "markdown", oldPath, newPath)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, `## kdocs diff

**3 changes: 2 warnings, 1 info**; the changes that reach readers and writers affect 0 parties.

### Breaking changes and warnings that reach readers and writers

| Severity | Resource | Change | Old | New | What it means | Affected |
|---|---|---|---|---|---|---|
| warning | topic "orders" | config-changed | 86400000 | 3600000 | retention.ms changed from 86400000 to 3600000: records are deleted sooner | no reader, writer or owner kdocs knows of |
| warning | topic "orders" | partitions-added | 1 | 2 | partitions went from 1 to 2: records with a given key may now go to another partition, so their order across the change is lost | no reader, writer or owner kdocs knows of |

<details>
<summary>1 other change</summary>

| Severity | Resource | Change | Old | New | What it means |
|---|---|---|---|---|---|
| info | topic "audit" | topic-added |  |  | topic created with 1 partition and replication factor 1 |

</details>
`, md)
	_, md, _ = kdocs(t, "diff", "--format", "markdown", oldPath, oldPath)
	assert.Equal(t, "## kdocs diff\n\nNo changes.\n", md)

	// Untrusted names stay inside their cell.
	assert.Equal(t, `a\|b c \<script\> \[x\](y) \*z\*`, mdCell("a|b\nc <script> [x](y) *z*"))
}

// A --fail-on hit has its own exit status, 3, apart from a failure (1) and a usage error (2),
// and the snapshot is written all the same.
func TestFailOnHitExitsThree(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the test Kafka; run without -short")
	}
	brokers := testenv.Kafka(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "site.yaml")
	// Five brokers expected of a three-broker cluster: degraded.
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf("title: x\nclusters:\n  - name: short\n    bootstrap: [%s]\n    expectedBrokers: 5\n",
		strings.Join(brokers, ", "))), 0o644))
	code, out, errOut := kdocs(t, "snapshot", "-c", cfg, "--fail-on", "degraded", "--json-summary")
	require.Equal(t, exitFailOn, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, errOut, `cluster "short" is degraded (--fail-on degraded)`)
	var sum snapshotSummary
	require.NoError(t, json.Unmarshal([]byte(out), &sum), out)
	require.Len(t, sum.Clusters, 1)
	assert.Equal(t, "degraded", sum.Clusters[0].Status)
	assert.True(t, sum.Clusters[0].FailOn)
	assert.NotEmpty(t, sum.Clusters[0].Reasons)
	assert.FileExists(t, filepath.Join(dir, "snapshots", "short.json"))

	code, _, errOut = kdocs(t, "snapshot", "-c", cfg, "--fail-on", "down", "-q")
	assert.Equal(t, exitOK, code, errOut)
}

func TestCheckExitCodes(t *testing.T) {
	code, out, errOut := kdocs(t, "check", "-c", filepath.Join("..", "..", "site.yaml"))
	assert.Equal(t, exitOK, code, out+errOut)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "site.yaml: ok")

	dir := t.TempDir()
	cfg := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("title: x\nclusters:\n  - name: a\n    registy: {url: http://r}\n    bootstrap: [\"${KDOCS_CHECK_NOT_SET}\"]\n"), 0o644))
	code, out, errOut = kdocs(t, "check", "-c", cfg)
	assert.Equal(t, exitFail, code)
	assert.Equal(t, cfg+`:4:5: unknown key "registy" in clusters[0]; did you mean "schemaRegistry"?`+"\n"+
		cfg+":5:18: environment variable KDOCS_CHECK_NOT_SET is not set\n", out)
	assert.Equal(t, "kdocs check: 2 problems\n", errOut)

	code, out, _ = kdocs(t, "check", "-c", cfg, "--format", "json")
	assert.Equal(t, exitFail, code)
	var problems []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &problems))
	require.Len(t, problems, 2)
	assert.ElementsMatch(t, []string{"file", "line", "column", "message"}, keys(problems[0]))

	code, _, errOut = kdocs(t, "check", "-c", cfg, "--format", "yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `--format "yaml": want text or json`)
	code, _, _ = kdocs(t, "check", "extra")
	assert.Equal(t, exitUsage, code)
}

// The second build of the same inputs renders nothing again and writes nothing; --clean builds
// it all.
func TestBuildIsIncremental(t *testing.T) {
	dir, cfg := replaySite(t)
	out := filepath.Join(dir, "site-out")
	code, stdout, errOut := kdocs(t, "build", "-c", cfg, "-o", out)
	require.Equal(t, exitOK, code, errOut)
	assert.NotContains(t, stdout, "rendered again")
	assert.FileExists(t, filepath.Join(dir, ".site-out.kdocs-manifest"))

	code, stdout, errOut = kdocs(t, "build", "-c", cfg, "-o", out)
	require.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `built \d+ pages into .* in .*: 0 rendered again, 0 files written, 0 removed\n`, stdout)

	code, stdout, errOut = kdocs(t, "build", "-c", cfg, "-o", out, "--clean")
	require.Equal(t, exitOK, code, errOut)
	assert.NotContains(t, stdout, "rendered again")
}

// kdocs serve takes the memory budget kdocs build does, and refuses a size it cannot read
// before it builds or listens.
func TestServeMemoryBudget(t *testing.T) {
	_, cfg := replaySite(t)
	code, _, errOut := kdocs(t, "serve", "-c", cfg, "--memory-budget", "lots")
	assert.Equal(t, exitUsage, code, errOut)
	assert.Contains(t, errOut, "--memory-budget")
}
