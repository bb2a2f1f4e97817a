package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// layered returns the files of the on-disk directory dir over those of sub in the embedded
// fsys: a site can override one template or stylesheet, and edits to it take effect on the next
// build (kdocs serve), while the binary alone still builds a complete site.
func layered(dir string, embedded fs.FS, sub string) (fs.FS, error) {
	lower, err := fs.Sub(embedded, sub)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return lower, nil
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	return overlay{upper: os.DirFS(dir), lower: lower}, nil
}

// overlay serves upper's files, falling back to lower's; directory listings merge both.
type overlay struct{ upper, lower fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.upper.Open(name)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	return o.lower.Open(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	up, errUp := fs.ReadDir(o.upper, name)
	low, errLow := fs.ReadDir(o.lower, name)
	if errUp != nil && errLow != nil {
		return nil, errUp
	}
	seen := map[string]bool{}
	entries := up
	for _, e := range up {
		seen[e.Name()] = true
	}
	for _, e := range low {
		if !seen[e.Name()] {
			entries = append(entries, e)
		}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}
