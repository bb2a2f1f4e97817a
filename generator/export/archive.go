package export

// The offline archive: the built site (its search index, snapshots/<cluster>.json and every
// asset included, so it works from file:// once unpacked), the PDF book beside it when one was
// printed, in one zip under a single top directory. Entries are sorted, stamped with one fixed
// time and stored with fixed permissions, so the same site gives the same bytes.

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"
)

// ArchiveOptions say what goes into the archive.
type ArchiveOptions struct {
	// SiteDir is the built site (kdocs build's output).
	SiteDir string
	// Root is the archive's top directory (default "kdocs").
	Root string
	// Extra files are added under Root as they are (the PDF: "kdocs.pdf"); a path the site
	// holds too is an error.
	Extra []File
	// Modified stamps every entry (default 1980-01-01, zip's epoch): the snapshot's time
	// keeps the archive of the same snapshot byte-identical.
	Modified time.Time
}

// Archive writes the zip to w.
func Archive(w io.Writer, o ArchiveOptions) error {
	if o.Root == "" {
		o.Root = "kdocs"
	}
	if o.Modified.IsZero() {
		o.Modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	type entry struct {
		name string
		file string // on disk, or "" for an Extra
		data []byte
	}
	var entries []entry
	seen := map[string]bool{}
	err := filepath.WalkDir(o.SiteDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("archive: %s is not a regular file", p)
		}
		rel, err := filepath.Rel(o.SiteDir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		seen[name] = true
		entries = append(entries, entry{name: name, file: p})
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive %s: %w", o.SiteDir, err)
	}
	for _, f := range o.Extra {
		name := path.Clean(f.Path)
		if seen[name] || name == "." || path.IsAbs(name) || name == ".." || len(name) > 2 && name[:3] == "../" {
			return fmt.Errorf("archive: extra file %q clashes with the site or leaves the archive", f.Path)
		}
		seen[name] = true
		entries = append(entries, entry{name: name, data: f.Data})
	}
	slices.SortFunc(entries, func(a, b entry) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	zw := zip.NewWriter(w)
	for _, e := range entries {
		h := &zip.FileHeader{Name: o.Root + "/" + e.name, Method: zip.Deflate, Modified: o.Modified}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if e.file == "" {
			_, err = fw.Write(e.data)
		} else {
			err = copyFile(fw, e.file)
		}
		if err != nil {
			return fmt.Errorf("archive %s: %w", e.name, err)
		}
	}
	return zw.Close()
}

func copyFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
