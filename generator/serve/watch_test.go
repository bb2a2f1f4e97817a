package serve

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func startWatcher(t *testing.T, paths []string, ignore func(string) bool) <-chan []string {
	t.Helper()
	w, err := newWatcher(paths, ignore, 50*time.Millisecond, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	batches := make(chan []string)
	go w.run(ctx, batches)
	return batches
}

func nextBatch(t *testing.T, batches <-chan []string) []string {
	t.Helper()
	select {
	case b := <-batches:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no batch within 5s")
		return nil
	}
}

// Editors save by writing a new file and renaming it over the old one; a watch on the file
// itself would lose track after the first save, a watch through its directory does not.
func TestWatcherFollowsASingleFileAcrossRenameSaves(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(file, []byte("a"), 0o644))
	batches := startWatcher(t, []string{file}, func(string) bool { return false })

	for i, text := range []string{"b", "c"} {
		tmp := filepath.Join(dir, "site.yaml.new")
		require.NoError(t, os.WriteFile(tmp, []byte(text), 0o644))
		require.NoError(t, os.Rename(tmp, file))
		assert.Equal(t, []string{file}, nextBatch(t, batches), "save %d", i+1)
	}
	// A sibling of the watched file is not watched.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "other.txt"), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(file, []byte("d"), 0o644))
	assert.Equal(t, []string{file}, nextBatch(t, batches))
}

func TestWatcherSkipsMissingPathsAndIgnoredDirectories(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "skip", "deep"), 0o755))
	batches := startWatcher(t, []string{filepath.Join(dir, "nope"), dir}, func(p string) bool { return filepath.Base(p) == "skip" })

	require.NoError(t, os.WriteFile(filepath.Join(dir, "skip", "deep", "x"), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "y"), []byte("y"), 0o644))
	assert.Equal(t, []string{filepath.Join(dir, "y")}, nextBatch(t, batches))
}

func TestWithin(t *testing.T) {
	assert.True(t, within("/a/public", "/a/public"))
	assert.True(t, within("/a/public/x.html", "/a/public"))
	assert.False(t, within("/a/public2/x.html", "/a/public"))
	assert.False(t, within("/a/content", "/a/public"))
	assert.False(t, within("/a/..public", "/a/public"))
}
