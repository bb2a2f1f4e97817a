package pipeline

// Incremental builds. Every build leaves a manifest beside its output (.<output>.kdocs-manifest,
// never published): each file's content digest and, for a page, its key (render.Key: the digest
// of everything the page is made of). The next build renders only the pages whose key changed,
// and writes into a staging directory beside the output those of them, of the files that are
// not pages (the theme's files, the search index, sitemaps, 404.html) and of the published
// snapshots whose bytes differ from the output's; checks the links of what it rendered; and
// only then moves the staged files into the output and removes those the site no longer has.
// The result is byte for byte what a clean build writes.
//
// The manifest is removed before the output is touched and written again last: a build that
// stops half way leaves no manifest, and the next build is a whole one. A build is whole too
// when the output does not hold exactly the manifest's files, when it writes the print view or
// the Markdown export (both need every page), and with Options.Clean.

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kdocs/kdocs/generator/render"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/digest"
)

// update is one incremental build's change to the output.
type update struct {
	out, stage string
	prev       manifest
	// kept are the previous build's files this build left as they were (pages and snapshots
	// whose key did not change, files whose bytes did not): they stay.
	kept map[string]bool
}

// next is the manifest after the update: the staged files (digests computed here) and the
// kept ones; keys holds the keys of this build's keyed files.
func (u *update) next(res *render.Result) (manifest, []string, error) {
	keys := res.Keys
	staged, err := treeFiles(u.stage)
	if err != nil {
		return nil, nil, err
	}
	sums, err := fileSums(u.stage, staged, res.Sums)
	if err != nil {
		return nil, nil, err
	}
	m := make(manifest, len(u.prev))
	for name := range u.kept {
		e := u.prev[name]
		e.key, e.keyed = keys[name] // unchanged, or new for a page of the same bytes
		m[name] = e
	}
	for name, sum := range sums {
		k, keyed := keys[name]
		m[name] = fileEntry{sum: sum, key: k, keyed: keyed}
	}
	return m, staged, nil
}

// commit moves the staged files that differ into the output and removes the files the site no
// longer has; it returns how many files it wrote and removed. The manifest is gone meanwhile.
func (u *update) commit(next manifest, staged []string) (written, removed int, err error) {
	if err := removeManifest(u.out); err != nil {
		return 0, 0, err
	}
	// Pages last, and removals after them: while the files move, a page already in place finds
	// what it links to (a new snapshot, a search file) in place too.
	staged = slices.Clone(staged)
	slices.SortStableFunc(staged, func(a, b string) int {
		return cmp.Compare(b2i(strings.HasSuffix(a, ".html")), b2i(strings.HasSuffix(b, ".html")))
	})
	for _, name := range staged {
		if old, ok := u.prev[name]; ok && old.sum == next[name].sum {
			continue // the same bytes: the file stays as it is, its time too
		}
		target := filepath.Join(u.out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return written, removed, fmt.Errorf("update %s: %w", name, err)
		}
		if err := os.Rename(filepath.Join(u.stage, filepath.FromSlash(name)), target); err != nil {
			return written, removed, fmt.Errorf("update %s: %w", name, err)
		}
		written++
	}
	var gone []string
	for name := range u.prev {
		if _, ok := next[name]; !ok {
			gone = append(gone, name)
		}
	}
	slices.Sort(gone)
	for _, name := range gone {
		if err := os.Remove(filepath.Join(u.out, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return written, removed, fmt.Errorf("remove %s: %w", name, err)
		}
		removed++
		// A clean build has no empty directories: remove those this leaves (not empty: kept).
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if os.Remove(filepath.Join(u.out, filepath.FromSlash(dir))) != nil {
				break
			}
		}
	}
	return written, removed, writeManifest(u.out, next)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// buildIdentity is the digest of the running executable: another kdocs (or the same one
// built again from changed code) may render any page differently, so its pages keep no key.
func buildIdentity() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the kdocs executable for page keys: %w", err)
	}
	sum, err := fileSum(sha256.New(), exe)
	if err != nil {
		return "", fmt.Errorf("read the kdocs executable for page keys: %w", err)
	}
	return sum.String(), nil
}

// snapshotKeys keys each published snapshot by what its file is made from: the snapshot file
// read (its digest), the name and environment site.yaml gives the cluster, where and how it is
// published, and the code that writes it.
func snapshotKeys(build string, model *site.Site, inputs []digest.Sum) map[string]render.Key {
	keys := map[string]render.Key{}
	var h digest.Hasher
	for i, c := range model.Clusters {
		if c.SnapshotFile == "" {
			continue
		}
		d := h.New(nil)
		for _, s := range []string{build, string(inputs[i][:]), c.Name, c.Environment, c.SnapshotFile} {
			d.String(s)
		}
		keys[c.SnapshotFile] = d.Sum()
	}
	return keys
}

// siteBuild is what both kinds of build write out.
type siteBuild struct {
	model    *site.Site
	renderer *render.Renderer
	snaps    []*snapshot.Snapshot
	snapKeys map[string]render.Key
	content  string   // content/
	assets   []string // content/'s files that are not pages
	baseURL  string
	markdown bool
	log      *slog.Logger
	start    time.Time // of the build, for the log's times
}

func (b *siteBuild) since() time.Duration { return time.Since(b.start).Round(time.Millisecond) }

// fill writes the site into dir and checks its links. unchanged, when set, names the previous
// build's files (pages, snapshots) that are still right: they are not written, and the tree
// the links are checked against is tree, not dir.
// same likewise says which rendered pages' bytes the output already holds.
// The tree checked comes back with the result: a whole build's manifest lists its files.
func (b *siteBuild) fill(ctx context.Context, dir string, unchanged, same func(name string, k render.Key) bool,
	tree func(res *render.Result) (*siteTree, error), links *linkChecker) (*render.Result, *siteTree, error) {
	var skip func(string) bool
	if unchanged != nil {
		skip = func(name string) bool { return unchanged(name, b.snapKeys[name]) }
	}
	// The snapshots are encoded while the pages render: neither waits for the other.
	published := make(chan error, 1)
	go func() { published <- writeSnapshots(b.model, b.snaps, dir, skip) }()
	res, err := b.renderer.Render(ctx, b.model, dir, render.RenderOptions{Check: links, Markdown: b.markdown,
		Unchanged: unchanged, Same: same})
	if perr := <-published; err == nil {
		err = perr
	}
	if err != nil {
		return nil, nil, err
	}
	b.log.Debug("pages rendered", "rendered", res.Rendered, "of", res.Pages, "after", b.since())
	for name, k := range b.snapKeys {
		res.Keys[name] = k
	}
	if err := copyAssets(b.content, b.assets, dir, b.model); err != nil {
		return nil, nil, err
	}
	// Last, over the finished tree: a broken link fails the build before the output changes.
	var t *siteTree
	if tree == nil {
		t, err = links.dirTree(dir)
	} else {
		t, err = tree(res)
	}
	if err != nil {
		return nil, nil, err
	}
	err = links.checkTree(t)
	b.log.Debug("links checked", "kept pages read again", len(t.unseen), "after", b.since())
	return res, t, err
}

// whole builds the site into a new directory and swaps it in, with a new manifest.
func (b *siteBuild) whole(ctx context.Context, out string) (*render.Result, Result, error) {
	var res *render.Result
	var m manifest
	err := replaceDir(out, func(dir string) error {
		var t *siteTree
		var err error
		if res, t, err = b.fill(ctx, dir, nil, nil, nil, newLinkChecker(b.baseURL)); err != nil {
			return err
		}
		if m, err = fullManifest(dir, t.files, res); err != nil {
			return fmt.Errorf("build manifest: %w", err)
		}
		return removeManifest(out) // the old one would describe the output about to go
	})
	if err != nil {
		return nil, Result{}, err
	}
	if err := writeManifest(out, m); err != nil {
		b.log.Warn("the next build will be a whole one", "error", err)
	}
	return res, Result{Written: len(m)}, nil
}

// incremental renders the pages whose key changed into a staging directory beside out, checks
// them, and moves what differs into out.
func (b *siteBuild) incremental(ctx context.Context, out string, prev manifest) (*render.Result, Result, error) {
	parent, base := filepath.Split(filepath.Clean(out))
	stage, err := os.MkdirTemp(cmp.Or(parent, "."), "."+base+".new-")
	if err != nil {
		return nil, Result{}, fmt.Errorf("create staging directory: %w", err)
	}
	defer os.RemoveAll(stage)
	if err := os.Chmod(stage, 0o755); err != nil {
		return nil, Result{}, fmt.Errorf("create staging directory: %w", err)
	}
	u := &update{out: out, stage: stage, prev: prev, kept: map[string]bool{}}
	var mu sync.Mutex
	unchanged := func(name string, key render.Key) bool {
		e, ok := prev[name]
		if ok && e.keyed && e.key == key {
			mu.Lock()
			u.kept[name] = true
			mu.Unlock()
			return true
		}
		return false
	}
	// A page rendered again (its key changed) whose bytes are the output's stays too: a new
	// kdocs, or data that changes nothing the page shows.
	same := func(name string, sum render.Key) bool {
		e, ok := prev[name]
		if ok && e.sum == sum {
			mu.Lock()
			u.kept[name] = true
			mu.Unlock()
			return true
		}
		return false
	}
	var next manifest
	var staged []string
	links := newLinkChecker(b.baseURL)
	tree := func(res *render.Result) (*siteTree, error) {
		if next, staged, err = u.next(res); err != nil {
			return nil, fmt.Errorf("staged files: %w", err)
		}
		return u.tree(next, staged, links)
	}
	res, _, err := b.fill(ctx, stage, unchanged, same, tree, links)
	if err != nil {
		return nil, Result{}, err
	}
	written, removed, err := u.commit(next, staged)
	if err != nil {
		return nil, Result{}, err
	}
	b.log.Debug("output updated", "written", written, "removed", removed, "after", b.since())
	return res, Result{Incremental: true, Written: written, Removed: removed}, nil
}

// tree is the updated site as the link checker reads it: the staged files over the kept ones.
// The kept pages' links all resolved when they were written; they still do unless a file went
// away or a page rendered again lost an id, and only then are the kept pages' links read and
// checked again.
func (u *update) tree(next manifest, staged []string, links *linkChecker) (*siteTree, error) {
	t := &siteTree{files: make(map[string]bool, len(next)), dirs: map[string]bool{".": true}, lazy: map[string]bool{}}
	isStaged := make(map[string]bool, len(staged))
	for _, name := range staged {
		isStaged[name] = true
	}
	for name := range next {
		t.files[name] = true
		for dir := path.Dir(name); dir != "." && !t.dirs[dir]; dir = path.Dir(dir) {
			t.dirs[dir] = true
		}
	}
	stageRead, outRead := readUnder(u.stage), readUnder(u.out)
	t.read = func(name string) ([]byte, error) {
		if isStaged[name] {
			return stageRead(name)
		}
		return outRead(name)
	}
	recheck := false
	for name := range u.prev {
		if !t.files[name] {
			recheck = true // a file went away: a kept page may have linked to it
			break
		}
	}
	if !recheck {
		var err error
		if recheck, err = u.lostIDs(staged, next, links); err != nil {
			return nil, err
		}
	}
	for _, name := range staged {
		if _, seen := links.ids[name]; !seen && strings.HasSuffix(name, ".html") {
			t.unseen = append(t.unseen, name) // a content/ or theme file, copied
		}
	}
	for name := range u.kept {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		if recheck {
			t.unseen = append(t.unseen, name)
		} else {
			t.lazy[name] = true
		}
	}
	slices.Sort(t.unseen)
	return t, nil
}

// lostIDs reports whether a page rendered again lacks an id its previous file had (a kept
// page may link to it).
func (u *update) lostIDs(staged []string, next manifest, links *linkChecker) (bool, error) {
	for _, name := range staged {
		old, ok := u.prev[name]
		if !ok || old.sum == next[name].sum || !strings.HasSuffix(name, ".html") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(u.out, filepath.FromSlash(name)))
		if err != nil {
			return false, fmt.Errorf("check links: %w", err)
		}
		pl := pageLinks{ids: map[string]bool{}}
		scanHTML(&pl, string(data))
		now := links.ids[name]
		for id := range pl.ids {
			if !now.has(id) {
				return true, nil
			}
		}
	}
	return false, nil
}
