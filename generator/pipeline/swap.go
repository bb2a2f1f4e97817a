package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// replaceDir fills a new directory beside dir with fill, then puts it in dir's place: the old
// directory is renamed away, the new one renamed in, the old one deleted. Readers (a browser on
// `kdocs serve`, a web server) see the old site or the new one, and a failed fill leaves the old
// one exactly as it was.
func replaceDir(dir string, fill func(tmp string) error) error {
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return fmt.Errorf("create temporary directory: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	// MkdirTemp makes a private directory; a published site must be readable by a web server.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("create temporary directory: %w", err)
	}
	if err := fill(tmp); err != nil {
		return err
	}

	old := ""
	if _, err := os.Lstat(dir); err == nil {
		old = filepath.Join(parent, "."+base+".old-"+strings.TrimPrefix(filepath.Base(tmp), "."+base+".new-"))
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move the previous %s aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			if rerr := os.Rename(old, dir); rerr != nil {
				return fmt.Errorf("move the new %s in: %w (and the previous one stays at %s: %v)", dir, err, old, rerr)
			}
		}
		return fmt.Errorf("move the new %s in: %w", dir, err)
	}
	done = true
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("the new %s is in place, but the previous one could not be removed from %s: %w", dir, old, err)
		}
	}
	return nil
}
