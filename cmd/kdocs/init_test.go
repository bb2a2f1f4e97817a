package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestInitScaffoldBuilds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs")
	code, out, errOut := kdocs(t, "init", "--dir", dir)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	for _, f := range []string{"site.yaml", "content/getting-started.md", ".gitignore", ".github/workflows/kdocs.yml"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		assert.FileExists(t, p)
		assert.Contains(t, out, "created     "+p, "init prints what it wrote")
	}

	// The nightly job's second half, without a cluster: a snapshot where `kdocs snapshot`
	// would put it, then `kdocs build` with the workflow's base URL.
	t.Setenv("KAFKA_BOOTSTRAP", "broker-1:9092")
	require.NoError(t, snapshot.Save(filepath.Join(dir, "snapshots", "prod.json"), &snapshot.Snapshot{
		Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 11, 27, 3, 17, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "prod", ID: "c1", Brokers: []snapshot.Broker{{ID: 1, Host: "broker-1", Port: 9092}}},
		Topics: []snapshot.Topic{{Name: "orders", ReplicationFactor: 1, Partitions: []snapshot.Partition{
			{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}}},
	}))
	code, out, errOut = kdocs(t, "build", "--config", filepath.Join(dir, "site.yaml"), "--base-url", "/docs/")
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	public := filepath.Join(dir, "public")
	assert.FileExists(t, filepath.Join(public, "index.html"))
	assert.FileExists(t, filepath.Join(public, "clusters", "prod", "index.html"))
	assert.FileExists(t, filepath.Join(public, "getting-started.html"), "the scaffold's content page is in the site")
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, ".github", "workflows", "kdocs.yml")
	require.NoError(t, os.MkdirAll(filepath.Dir(wf), 0o755))
	require.NoError(t, os.WriteFile(wf, []byte("mine\n"), 0o644))

	code, _, errOut := kdocs(t, "init", "--dir", dir)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, wf+" already exists: use --force to overwrite it")
	assert.NoFileExists(t, filepath.Join(dir, "site.yaml"), "a refused init writes nothing")

	code, out, errOut := kdocs(t, "init", "--dir", dir, "--force")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "overwrote   "+wf)
	data, _ := os.ReadFile(wf)
	assert.Contains(t, string(data), "deploy-pages")

	code, _, _ = kdocs(t, "init", "--help")
	assert.Equal(t, exitOK, code)
	code, _, _ = kdocs(t, "init", "extra")
	assert.Equal(t, exitUsage, code)
}

func TestInitCIFlag(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := kdocs(t, "init", "--dir", dir, "--ci", "github")
	require.Equal(t, exitOK, code, errOut)
	data, err := os.ReadFile(filepath.Join(dir, ".github", "workflows", "kdocs.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "origin FETCH_HEAD:refs/heads/kdocs-history", "the history is kept on a branch")
	assert.NotContains(t, string(data), "actions/cache", "not in the Actions cache")

	code, _, errOut = kdocs(t, "init", "--dir", t.TempDir(), "--ci", "gitlab")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `--ci "gitlab": want github`)
}
