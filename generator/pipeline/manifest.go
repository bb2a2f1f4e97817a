package pipeline

// The build manifest (see incremental.go): one line per file of the output, its content digest,
// its key or "-", and its quoted name, gzip-compressed.

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kdocs/kdocs/generator/render"
	"github.com/kdocs/kdocs/internal/digest"
)

// manifestHeader starts a manifest; another format is not read (the build is then whole).
const manifestHeader = "kdocs-manifest 1"

// manifest is what a build wrote: each file by slash path.
type manifest map[string]fileEntry

type fileEntry struct {
	sum   digest.Sum // of the file's bytes
	key   digest.Sum // what the file was made from, when keyed
	keyed bool
}

// manifestPath is where the manifest of the output dir lives: beside it, so that it is not
// published with the site.
func manifestPath(dir string) string {
	parent, base := filepath.Split(filepath.Clean(dir))
	return filepath.Join(parent, "."+base+".kdocs-manifest")
}

// readManifest reads the manifest of dir; an absent, unreadable or foreign one is nil, with
// the reason.
func readManifest(dir string) (manifest, string) {
	f, err := os.Open(manifestPath(dir))
	if err != nil {
		return nil, "no manifest of the previous build"
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, "manifest unreadable: " + err.Error()
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	if !sc.Scan() || sc.Text() != manifestHeader {
		return nil, "manifest of another format"
	}
	m := manifest{}
	for sc.Scan() {
		sum, rest, ok1 := strings.Cut(sc.Text(), " ")
		key, quoted, ok2 := strings.Cut(rest, " ")
		name, err := strconv.Unquote(quoted)
		var e fileEntry
		if !ok1 || !ok2 || err != nil || !parseSum(sum, &e.sum) || name == "" {
			return nil, "manifest damaged"
		}
		if key != "-" {
			if !parseSum(key, &e.key) {
				return nil, "manifest damaged"
			}
			e.keyed = true
		}
		m[name] = e
	}
	if err := sc.Err(); err != nil {
		return nil, "manifest unreadable: " + err.Error()
	}
	// Files written since, outside a build (the preview's quick path): neither their key nor
	// their digest stands.
	if data, err := os.ReadFile(dirtyPath(dir)); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, err := strconv.Unquote(line); err == nil {
				if _, ok := m[name]; ok {
					m[name] = fileEntry{}
				}
			}
		}
	}
	return m, ""
}

func dirtyPath(dir string) string { return manifestPath(dir) + ".dirty" }

// markDirty records that the files names of dir are about to be written outside a build, so
// that the next build renders and writes them whatever the manifest says.
func markDirty(dir string, names ...string) error {
	if _, err := os.Stat(manifestPath(dir)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	f, err := os.OpenFile(dirtyPath(dir), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("mark %s changed in the build manifest: %w", strings.Join(names, ", "), err)
	}
	var lines strings.Builder
	for _, n := range names {
		lines.WriteString(strconv.Quote(n) + "\n")
	}
	_, err = f.WriteString(lines.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("mark %s changed in the build manifest: %w", strings.Join(names, ", "), err)
	}
	return nil
}

func parseSum(s string, out *digest.Sum) bool {
	n, err := hex.Decode(out[:], []byte(s))
	return err == nil && n == len(out) && len(s) == 2*len(out)
}

// writeManifest replaces dir's manifest with m, atomically.
func writeManifest(dir string, m manifest) error {
	p := manifestPath(dir)
	tmp, err := os.CreateTemp(filepath.Dir(p), filepath.Base(p)+".new-*")
	if err != nil {
		return fmt.Errorf("write build manifest: %w", err)
	}
	defer os.Remove(tmp.Name())
	zw, _ := gzip.NewWriterLevel(tmp, gzip.BestSpeed)
	w := bufio.NewWriterSize(zw, 1<<16)
	fmt.Fprintln(w, manifestHeader)
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		e := m[name]
		key := "-"
		if e.keyed {
			key = e.key.String()
		}
		fmt.Fprintf(w, "%s %s %q\n", e.sum, key, name) // quoted: a name may hold a line break
	}
	err = errors.Join(w.Flush(), zw.Close(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err == nil {
		err = os.Remove(dirtyPath(dir)) // what it listed, this build wrote
		if errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("write build manifest: %w", err)
	}
	return nil
}

// removeManifest removes dir's manifest before the output changes.
func removeManifest(dir string) error {
	for _, p := range []string{manifestPath(dir), dirtyPath(dir)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove build manifest: %w", err)
		}
	}
	return nil
}

// matchesManifest reports whether dir holds exactly m's files (by name: the manifest's digests
// are trusted, as the build that wrote them was the last to touch the output), or why not.
func matchesManifest(dir string, m manifest) string {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return "no previous output"
	}
	n := 0
	var why string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if _, ok := m[rel]; !ok || !d.Type().IsRegular() {
			why = "the output holds " + rel + ", which the previous build did not write"
			return fs.SkipAll
		}
		n++
		return nil
	})
	switch {
	case err != nil:
		return "output unreadable: " + err.Error()
	case why != "":
		return why
	case n != len(m):
		return fmt.Sprintf("the output lacks %d of the previous build's files", len(m)-n)
	}
	return ""
}

// fileSums hashes the files of dir (names slash paths relative to it) whose digest known
// lacks, in parallel, and returns every one's.
func fileSums(dir string, names []string, known map[string]digest.Sum) (map[string]digest.Sum, error) {
	sums := make(map[string]digest.Sum, len(names))
	var unknown []string
	for _, n := range names {
		if s, ok := known[n]; ok {
			sums[n] = s
		} else {
			unknown = append(unknown, n)
		}
	}
	var mu sync.Mutex
	var errs []error
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			h := sha256.New()
			for name := range jobs {
				sum, err := fileSum(h, filepath.Join(dir, filepath.FromSlash(name)))
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					sums[name] = sum
				}
				mu.Unlock()
			}
		})
	}
	for _, n := range unknown {
		jobs <- n
	}
	close(jobs)
	wg.Wait()
	return sums, errors.Join(errs...)
}

func fileSum(h interface {
	io.Writer
	Reset()
	Sum([]byte) []byte
}, file string) (digest.Sum, error) {
	var s digest.Sum
	f, err := os.Open(file)
	if err != nil {
		return s, err
	}
	defer f.Close()
	h.Reset()
	if _, err := io.Copy(h, f); err != nil {
		return s, err
	}
	copy(s[:], h.Sum(nil))
	return s, nil
}

// treeFiles lists the files under dir as slash paths.
func treeFiles(dir string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	return names, err
}

// fullManifest describes a whole build's output, files (as the link check found them): every
// file's digest (the renderer's for the pages, read back for the rest), and the keys of those
// that have one (pages, published snapshots).
func fullManifest(dir string, files map[string]bool, res *render.Result) (manifest, error) {
	names := slices.Sorted(maps.Keys(files))
	keys := res.Keys
	sums, err := fileSums(dir, names, res.Sums)
	if err != nil {
		return nil, err
	}
	m := make(manifest, len(sums))
	for name, sum := range sums {
		k, keyed := keys[name]
		m[name] = fileEntry{sum: sum, key: k, keyed: keyed}
	}
	return m, nil
}
