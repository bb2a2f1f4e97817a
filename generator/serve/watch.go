package serve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// This file is the watcher: it turns fsnotify's stream of single events into batches of changed
// paths, one batch per burst of changes (an editor's save, a git checkout). It knows nothing of
// builds; serve.go rebuilds once per batch.

// maxBatchDelay bounds how long a steady stream of changes can postpone a batch.
const maxBatchDelay = time.Second

// watcher watches directories recursively (new subdirectories included) and single files.
type watcher struct {
	fsw    *fsnotify.Watcher
	dirs   []string        // recursive roots, absolute
	files  map[string]bool // single-file roots, absolute
	ignore func(path string) bool
	delay  time.Duration
	log    *slog.Logger
}

// newWatcher watches paths: a directory with everything below it, a file by itself (through its
// directory, so that an editor's save-by-rename is seen). Missing paths are skipped and logged;
// ignore rules out paths, directories included, that must never trigger a batch.
func newWatcher(paths []string, ignore func(string) bool, delay time.Duration, log *slog.Logger) (*watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("start file watcher: %w", err)
	}
	w := &watcher{fsw: fsw, files: map[string]bool{}, ignore: ignore, delay: delay, log: log}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			fsw.Close()
			return nil, fmt.Errorf("watch %s: %w", p, err)
		}
		fi, err := os.Stat(abs)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			log.Debug("serve: not watching a missing path", "path", p)
			continue
		case err != nil:
			fsw.Close()
			return nil, fmt.Errorf("watch %s: %w", p, err)
		case fi.IsDir():
			w.dirs = append(w.dirs, abs)
			err = w.addTree(abs)
		default:
			w.files[abs] = true
			err = fsw.Add(filepath.Dir(abs))
		}
		if err != nil {
			fsw.Close()
			return nil, fmt.Errorf("watch %s: %w", p, err)
		}
	}
	return w, nil
}

// addTree watches dir and every directory below it that is not ignored.
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // removed while walking
				return nil
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && w.ignore(p) {
			return filepath.SkipDir
		}
		if err := w.fsw.Add(p); err != nil {
			return fmt.Errorf("watch directory %s: %w", p, err)
		}
		return nil
	})
}

// wanted reports whether a change to p concerns a watched path.
func (w *watcher) wanted(p string) bool {
	if w.ignore(p) {
		return false
	}
	if w.files[p] {
		return true
	}
	for _, d := range w.dirs {
		if within(p, d) {
			return true
		}
	}
	return false
}

// run sends batches of changed paths, sorted and without duplicates, until ctx ends. A batch is
// sent once no change has come for the debounce delay (or maxBatchDelay after its first change);
// changes that come while the receiver is still busy join the next batch.
func (w *watcher) run(ctx context.Context, batches chan<- []string) {
	defer w.fsw.Close()
	pending := map[string]bool{}
	var first time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var out chan<- []string // non-nil when a batch is ready to send
	add := func(p string) {
		if len(pending) == 0 {
			first = time.Now()
		}
		pending[p] = true
		if out == nil && time.Since(first) < maxBatchDelay {
			timer.Reset(w.delay)
		}
	}
	for {
		var batch []string
		if out != nil {
			batch = sortedKeys(pending)
		}
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod || !w.wanted(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					// Files created in it before the watch was in place are in this batch too,
					// through the directory's own path.
					if err := w.addTree(ev.Name); err != nil {
						w.log.Warn("serve: cannot watch a new directory", "path", ev.Name, "err", err)
					}
				}
			}
			add(ev.Name)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.log.Warn("serve: file watcher", "err", err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				add("(events lost: rebuild everything)")
			}
		case <-timer.C:
			out = batches
		case out <- batch:
			pending, out = map[string]bool{}, nil
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
