package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func kdocs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageAndExitCodes(t *testing.T) {
	code, _, errOut := kdocs(t, "frobnicate")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)

	code, out, _ := kdocs(t, "--help")
	assert.Equal(t, exitOK, code)
	for _, c := range []string{"init", "snapshot", "build", "serve", "pdf", "diff", "export", "version"} {
		assert.Contains(t, out, "  "+c)
	}

	for _, c := range []string{"init", "snapshot", "build", "serve", "pdf", "diff", "export", "version"} {
		code, out, _ := kdocs(t, c, "--help")
		assert.Equal(t, exitOK, code, c)
		assert.Contains(t, out, "usage: kdocs "+c, c)
		assert.Contains(t, out, "-config", c)
	}

	code, _, errOut = kdocs(t, "build", "--no-such-flag")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "no-such-flag")

	code, _, errOut = kdocs(t, "snapshot", "--config", "x.yaml", "--fail-on", "sick")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `--fail-on "sick": want degraded or down`)

	code, out, _ = kdocs(t, "version")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "kdocs.snapshot/v1")
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(p, []byte("title: x\nclusters:\n  - name: a\n    snapshot: a.json\n    colour: red\n"), 0o644))
	code, _, errOut := kdocs(t, "build", "--config", p)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, p+`: line 5: unknown key "colour"`)

	code, _, errOut = kdocs(t, "build", "--config", filepath.Join(dir, "missing.yaml"))
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, "missing.yaml")
}

func TestBuildWithoutSnapshotNamesClusterAndPath(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(p, []byte("title: x\nclusters:\n  - name: prod\n    bootstrap: [127.0.0.1:1]\n"), 0o644))
	code, _, errOut := kdocs(t, "build", "--config", p)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, `"prod"`)
	assert.Contains(t, errOut, filepath.Join(dir, "snapshots", "prod.json"))
	_, err := os.Stat(filepath.Join(dir, "public"))
	assert.True(t, os.IsNotExist(err), "a failed build writes no site")
}

func TestSnapshotOfUnreachableClusterFails(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(p, []byte("title: x\nclusters:\n  - name: gone\n    bootstrap: [127.0.0.1:1]\n    timeout: 2s\n"), 0o644))
	code, out, _ := kdocs(t, "snapshot", "--config", p)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, out, "gone")
	assert.Contains(t, out, "127.0.0.1:1")
	_, err := os.Stat(filepath.Join(dir, "snapshots", "gone.json"))
	assert.True(t, os.IsNotExist(err))
}
