package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlainLines(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "snapshot", 2, false)
	b.Step("prod")
	b.Step("dev")
	b.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	assert.Len(t, lines, 2)
	assert.Regexp(t, `^snapshot: 1/2 prod \(`, lines[0])
	assert.Regexp(t, `^snapshot: 2/2 dev \(`, lines[1])
	assert.NotContains(t, buf.String(), "\r")
}

func TestBarRedrawsInPlace(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "pdf", 4, true)
	b.Step("public/kdocs-a-long-cluster-name.pdf")
	b.Step("x")
	b.Finish()
	out := buf.String()
	assert.Equal(t, 3, strings.Count(out, "\r"), "drawn at start and after each step")
	assert.Contains(t, out, "pdf [############............] 2/4 x")
	// The shorter line blanks what the longer one left.
	last := out[strings.LastIndex(out, "\r")+1:]
	assert.GreaterOrEqual(t, len(strings.TrimRight(last, "\n")), len("pdf [######..................] 1/4 public/kdocs-a-long-cluster-name.pdf"))
	assert.True(t, strings.HasSuffix(out, "\n"))
}

func TestInteractive(t *testing.T) {
	env := func(ci string) func(string) string { return func(string) string { return ci } }
	assert.False(t, Interactive(&bytes.Buffer{}, env("")), "not a file")
	f, err := os.CreateTemp(t.TempDir(), "out")
	assert.NoError(t, err)
	defer f.Close()
	assert.False(t, Interactive(f, env("")), "a regular file")
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		assert.True(t, Interactive(tty, env("")), "a terminal")
		assert.False(t, Interactive(tty, env("true")), "a terminal under CI")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	assert.NoError(t, err)
	defer null.Close()
	// /dev/null is a character device too: CI=true still keeps lines plain.
	assert.False(t, Interactive(null, env("true")))
}
