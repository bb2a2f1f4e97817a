package export_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/export"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/internal/testenv"
)

const siteURL = "https://kdocs.acme.example/"

// example is the repository's example site (site.yaml + testdata/demo) as exports read it.
func example(t testing.TB) export.Input {
	t.Helper()
	cfg, err := config.Load("../../site.yaml")
	require.NoError(t, err)
	model, snaps, err := pipeline.Model(cfg, nil)
	require.NoError(t, err)
	return export.Input{Site: model, Snapshots: snaps, SiteURL: siteURL}
}

// writeAll writes files under dir and returns their paths.
func writeAll(t testing.TB, dir string, files []export.File) []string {
	t.Helper()
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, f.Data, 0o644))
		paths = append(paths, p)
	}
	return paths
}

// validation is one file's result from a tools/node validator.
type validation struct {
	File        string `json:"file"`
	Errors      int    `json:"errors"`
	Warnings    int    `json:"warnings"`
	Parsed      bool   `json:"parsed"`
	MS          int    `json:"ms"` // validate-asyncapi.mjs: the time the parser took on it
	Diagnostics []struct {
		Code, Message, Path string
		Severity            int
	} `json:"diagnostics"`
}

// runNode runs tools/node/<script> with args (options, then files) and returns one result per
// line it printed and its exit error (a validator exits 1 when any file has an error or a
// warning).
func runNode(t testing.TB, script string, args ...string) ([]validation, error) {
	t.Helper()
	node, dir := testenv.NodeTools(t)
	cmd := exec.Command(node, filepath.Join(dir, script))
	cmd.Args = append(cmd.Args, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var results []validation
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var v validation
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v), "%s", sc.Text())
		results = append(results, v)
	}
	if err != nil {
		err = fmt.Errorf("%s: %w: %s", script, err, stderr.String())
	}
	return results, err
}

// validate runs tools/node/<script> on files and asserts that each parses with no error and
// no warning; it returns the results.
func validate(t testing.TB, script string, files ...string) []validation {
	t.Helper()
	results, err := runNode(t, script, files...)
	for _, v := range results {
		assertClean(t, v)
	}
	require.Len(t, results, len(files), "one result per file")
	require.NoError(t, err)
	return results
}

func assertClean(t testing.TB, v validation) {
	t.Helper()
	assert.True(t, v.Parsed, "%s did not parse", v.File)
	assert.Zero(t, v.Errors, "%s: errors: %+v", v.File, v.Diagnostics)
	assert.Zero(t, v.Warnings, "%s: warnings: %+v", v.File, v.Diagnostics)
}
