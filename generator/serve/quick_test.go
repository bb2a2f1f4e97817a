package serve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A quick rebuild reloads the pages before the full build, which then reloads them only when
// it fails; a change the quick path cannot take reloads after the full build, as before.
func TestServeQuickRebuild(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "public")
	content := filepath.Join(dir, "content")
	require.NoError(t, os.MkdirAll(root, 0o755))
	require.NoError(t, os.MkdirAll(content, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "index.html"), []byte("<html><body>site</body></html>"), 0o644))

	var fullStarted, fulls atomic.Int32
	var failFull atomic.Bool
	release := make(chan struct{}, 10)
	build := func(ctx context.Context) error {
		fullStarted.Add(1)
		<-release // the test says when the full build ends
		fulls.Add(1)
		if failFull.Load() {
			return errors.New("content/quick.md:1: broken")
		}
		return nil
	}
	quick := func(_ context.Context, changed []string) (bool, error) {
		return filepath.Base(changed[0]) == "quick.md", nil
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Addr: addr, Root: root, Watch: []string{content}, Build: build, Quick: quick, Built: true})
	}()
	t.Cleanup(func() { cancel(); close(release); <-done })
	require.Eventually(t, func() bool { _, err := os.Stat(root); return err == nil }, time.Second, 10*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	ev := listen(t, "http://"+addr)

	// Quick: the reload comes while the full build is still running.
	require.NoError(t, os.WriteFile(filepath.Join(content, "quick.md"), []byte("x"), 0o644))
	got := ev.next(t)
	assert.Equal(t, "reload", got.Name)
	assert.EqualValues(t, 0, fulls.Load(), "reloaded before the full build ended")
	release <- struct{}{}
	require.Eventually(t, func() bool { return fulls.Load() == 1 }, 5*time.Second, 5*time.Millisecond)

	// Not quick: one reload, after the full build.
	require.NoError(t, os.WriteFile(filepath.Join(content, "slow.md"), []byte("x"), 0o644))
	require.Eventually(t, func() bool { return fullStarted.Load() == 2 }, 5*time.Second, 5*time.Millisecond)
	release <- struct{}{}
	got = ev.next(t)
	assert.Equal(t, "reload", got.Name)
	assert.EqualValues(t, 2, fulls.Load())

	// Quick, then the full build fails: the error shows.
	failFull.Store(true)
	require.NoError(t, os.WriteFile(filepath.Join(content, "quick.md"), []byte("y"), 0o644))
	assert.Equal(t, "reload", ev.next(t).Name)
	release <- struct{}{}
	got = ev.next(t)
	assert.Equal(t, "build-error", got.Name)
	assert.Contains(t, got.Data, "content/quick.md:1: broken")
}
