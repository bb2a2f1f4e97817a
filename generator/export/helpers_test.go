package export_test

import (
	"bufio"
	"bytes"
	"encoding/json"
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
	Diagnostics []struct {
		Code, Message, Path string
		Severity            int
	} `json:"diagnostics"`
}

// validate runs tools/node/<script> on files and asserts that each parses with no error and
// no warning; it returns the results.
func validate(t testing.TB, script string, files ...string) []validation {
	t.Helper()
	node, dir := testenv.NodeTools(t)
	cmd := exec.Command(node, filepath.Join(dir, script))
	cmd.Args = append(cmd.Args, files...)
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
	for _, v := range results {
		assert.True(t, v.Parsed, "%s did not parse", v.File)
		assert.Zero(t, v.Errors, "%s: errors: %+v", v.File, v.Diagnostics)
		assert.Zero(t, v.Warnings, "%s: warnings: %+v", v.File, v.Diagnostics)
	}
	require.Len(t, results, len(files), "validator output: %s\nstderr: %s", out, stderr.String())
	require.NoError(t, err, "%s: %s", script, stderr.String())
	return results
}
