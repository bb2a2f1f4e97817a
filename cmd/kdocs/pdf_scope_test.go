package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/internal/synth"
	"github.com/kdocs/kdocs/internal/testenv"
)

// TestMain lets a test run this binary as kdocs itself (KDOCS_TEST_AS_KDOCS=1), in its own
// process, so that the process's peak memory is kdocs' alone.
func TestMain(m *testing.M) {
	if os.Getenv("KDOCS_TEST_AS_KDOCS") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// kdocsProcess runs kdocs in a child process and returns its exit code, output and peak resident
// set size (the kernel's, from wait4).
func kdocsProcess(t *testing.T, args ...string) (code int, stdout, stderr string, maxRSS uint64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "KDOCS_TEST_AS_KDOCS=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		require.NoError(t, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxRSS = uint64(ru.Maxrss) << 10 // kB on Linux
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String(), maxRSS
}

// pdfScale is the estate of the 100k PDF test: issue 15's 100,000 topics unless KDOCS_PDF_SCALE
// says otherwise (any size whose whole book is over the budget shows the same).
func pdfScale(t *testing.T) int {
	n := 100_000
	if v := os.Getenv("KDOCS_PDF_SCALE"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "KDOCS_PDF_SCALE")
	}
	return n
}

// TestPDFOf100kEstate: the whole book of the 100k estate is refused before anything is rendered,
// with the scope options and a scope that fits, and nothing written; a book of part of it
// (--cluster and two topic globs) prints, holds its topics and no others, and stays under
// 2 GiB, kdocs and Chromium together. Its time and memory are logged (make bench-100k).
func TestPDFOf100kEstate(t *testing.T) {
	if testing.Short() && !testenv.Strict() {
		t.Skip("writes and loads the 100k estate; not in -short runs")
	}
	chrome := testenv.Chrome(t)
	pdftotext := lookPath(t, "pdftotext")
	n := pdfScale(t)
	dir := t.TempDir()
	start := time.Now()
	siteYAML, err := synth.Scale(n).WriteSite(dir, filepath.Join(dir, "public"))
	require.NoError(t, err)
	t.Logf("synth.Scale(%d) written in %s", n, time.Since(start).Round(time.Millisecond))
	public := filepath.Join(dir, "public")
	require.NoError(t, os.MkdirAll(public, 0o755))
	old := filepath.Join(public, "kdocs.pdf")
	require.NoError(t, os.WriteFile(old, []byte("the previous book"), 0o644))

	t.Run("whole estate refused", func(t *testing.T) {
		start := time.Now()
		code, out, errOut, rss := kdocsProcess(t, "pdf", "--config", siteYAML, "--chrome", chrome)
		t.Logf("refused in %s, kdocs peak RSS %d MiB", time.Since(start).Round(time.Millisecond), rss>>20)
		assert.Equal(t, exitFail, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		for _, want := range []string{"the book of the whole estate (" + strconv.Itoa(n) + " topic(s)", "over the budget of 2,048 MiB",
			"--cluster NAME", "--topics GLOB", "--memory-budget", "a scope that fits: --cluster ", "nothing printed"} {
			assert.Contains(t, errOut, want)
		}
		assert.NotContains(t, out, "wrote")
		data, err := os.ReadFile(old)
		require.NoError(t, err)
		assert.Equal(t, "the previous book", string(data), "the previous PDF is left in place")
		entries, err := os.ReadDir(public)
		require.NoError(t, err)
		assert.Len(t, entries, 1, "no scratch site, no temporary PDF left")
	})

	t.Run("scoped book", func(t *testing.T) {
		book := filepath.Join(dir, "book", "orders.pdf")
		start := time.Now()
		code, out, errOut, rss := kdocsProcess(t, "pdf", "--config", siteYAML, "--chrome", chrome, "-o", book,
			"--cluster", "east", "--topics", "orders.order-created.*", "--topics", "payments.payment-created.v1")
		took := time.Since(start)
		require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		m := regexp.MustCompile(`peak memory while printing ([\d,]+) MiB \(Chromium ([\d,]+) MiB\), kdocs' own peak ([\d,]+) MiB`).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		mib := func(s string) uint64 { v, _ := strconv.ParseUint(strings.ReplaceAll(s, ",", ""), 10, 64); return v }
		printing, chromium, own := mib(m[1]), mib(m[2]), mib(m[3])
		t.Logf("scoped book of synth.Scale(%d): %s end to end; peak memory while printing %d MiB (Chromium %d MiB), kdocs' peak RSS %d MiB (wait4: %d MiB)",
			n, took.Round(time.Millisecond), printing, chromium, own, rss>>20)
		assert.Less(t, printing, uint64(2048), "kdocs and Chromium while printing")
		assert.Less(t, rss>>20, uint64(2048), "kdocs alone, loading the estate")
		assert.Positive(t, chromium)

		text, err := exec.Command(pdftotext, book, "-").Output()
		require.NoError(t, err)
		for v := 1; v <= min(5, max(1, n/20_000)); v++ {
			assert.Contains(t, string(text), "orders.order-created.v"+strconv.Itoa(v))
		}
		assert.Contains(t, string(text), "payments.payment-created.v1")
		assert.Contains(t, strings.Join(strings.Fields(string(text)), " "), "(cluster east; topics orders.order-created.*, payments.payment-created.v1)",
			"the cover says what part of the estate the book holds")
		assert.Contains(t, string(text), "orders-order-consumer-0", "the group that reads the topic is in the book")
		assert.Contains(t, string(text), "orders.order-created.v1-value", "and the topic's subject")
		for _, absent := range []string{"orders.order-updated.v1", "payments.payment-created.v2", "inventory.", "west"} {
			assert.NotContains(t, string(text), absent)
		}
		data, err := os.ReadFile(old)
		require.NoError(t, err)
		assert.Equal(t, "the previous book", string(data))
	})
}

// TestPDFScopeErrors: an unknown cluster names the known ones, and a glob that matches nothing
// says so; both exit 2 and write nothing.
func TestPDFScopeErrors(t *testing.T) {
	dir := t.TempDir()
	siteYAML, err := synth.Scale(200).WriteSite(dir, filepath.Join(dir, "public"))
	require.NoError(t, err)
	book := filepath.Join(dir, "out", "book.pdf")

	code, _, errOut := kdocs(t, "pdf", "--config", siteYAML, "-o", book, "--cluster", "north")
	assert.Equal(t, exitUsage, code, errOut)
	assert.Contains(t, errOut, "--cluster north: no such cluster in "+siteYAML+"; the clusters are east, west")

	code, _, errOut = kdocs(t, "pdf", "--config", siteYAML, "-o", book, "--cluster", "east", "--topics", "orders.*", "--topics", "nothing.*")
	assert.Equal(t, exitUsage, code, errOut)
	assert.Contains(t, errOut, "--topics 'nothing.*' matches no topic of cluster east: nothing printed")

	code, _, errOut = kdocs(t, "pdf", "--site", filepath.Join(dir, "public"), "--topics", "orders.*")
	assert.Equal(t, exitUsage, code, errOut)
	assert.Contains(t, errOut, "drop --site")

	code, _, errOut = kdocs(t, "pdf", "--config", siteYAML, "--memory-budget", "lots")
	assert.Equal(t, exitUsage, code, errOut)
	assert.Contains(t, errOut, `"lots" is not a size`)

	code, _, errOut = kdocs(t, "pdf", "--config", siteYAML, "-o", book, "--topics", "orders.order-created.v1", "--memory-budget", "300MiB")
	assert.Equal(t, exitFail, code, errOut)
	assert.Contains(t, errOut, "the book of the scope --topics orders.order-created.v1 (2 topic(s), 12 partition(s)")
	assert.Contains(t, errOut, "over the budget of 300 MiB")

	_, err = os.Stat(filepath.Join(dir, "out"))
	assert.True(t, os.IsNotExist(err), "nothing is written, not even the output's directory")
}
