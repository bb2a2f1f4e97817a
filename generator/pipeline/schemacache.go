package pipeline

// The schema cache: every build keeps the field trees it parsed in a file beside the manifest
// (.<output>.kdocs-manifest.schemas), keyed by the digest of what a parse reads (the kdocs
// executable, the schema's type and text, and the texts of its references), and the next build
// takes a tree from there instead of parsing the version again. On a large registry parsing is
// most of the model's work, and a night's snapshot changes few schemas, so an incremental build
// would otherwise spend a quarter of its time parsing what it parsed the night before.
//
// A tree comes back as it was stored, and a parse error as its message, which is all the model
// keeps of one. The file holds only the entries this build used, so it does not grow with
// versions long deleted. It is checked whole (a digest at its end) and read only when the same
// executable wrote it; anything else is ignored, and the build parses as it would without one.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/go-json-experiment/json"

	"github.com/kdocs/kdocs/generator/schema"
	"github.com/kdocs/kdocs/internal/digest"
)

const schemaCacheHeader = "kdocs-schema-cache 1\n"

// schemaCachePath is the cache of the output dir: beside the manifest, never published.
func schemaCachePath(out string) string { return manifestPath(out) + ".schemas" }

// schemaCache parses schemas, taking what it can from the previous build's parses.
type schemaCache struct {
	build string
	prev  map[digest.Sum][]byte // the previous build's entries, encoded

	mu   sync.Mutex
	used map[digest.Sum][]byte // the entries this build used or made, to be written
	hits int
}

// cachedParse is one entry: a tree, or the parse's error message.
type cachedParse struct {
	Tree *schema.Tree `json:"tree,omitempty"`
	Err  string       `json:"err,omitempty"`
}

func newSchemaCache(build string) *schemaCache {
	return &schemaCache{build: build, prev: map[digest.Sum][]byte{}, used: map[digest.Sum][]byte{}}
}

// read takes the entries of the cache at path when the executable build wrote it. When there is
// none, or it is damaged or another kdocs wrote it, the cache stays empty and the error says why.
func (c *schemaCache) read(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	prev, err := decodeSchemaCache(data, c.build)
	if err != nil {
		return fmt.Errorf("schema cache %s: %w", path, err)
	}
	c.prev = prev
	return nil
}

// decodeSchemaCache reads the header, the build identity, the entries (key, length, encoded
// entry) and the trailing digest of everything before it.
func decodeSchemaCache(data []byte, build string) (map[digest.Sum][]byte, error) {
	if len(data) < sha256.Size || sha256.Sum256(data[:len(data)-sha256.Size]) != [sha256.Size]byte(data[len(data)-sha256.Size:]) {
		return nil, errors.New("damaged: its digest does not match")
	}
	r := bytes.NewReader(data[:len(data)-sha256.Size])
	head := make([]byte, len(schemaCacheHeader))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != schemaCacheHeader {
		return nil, errors.New("not a schema cache of this format")
	}
	id, err := readChunk(r)
	if err != nil {
		return nil, err
	}
	if string(id) != build {
		return nil, errors.New("written by another kdocs")
	}
	out := map[digest.Sum][]byte{}
	for r.Len() > 0 {
		var key digest.Sum
		if _, err := io.ReadFull(r, key[:]); err != nil {
			return nil, fmt.Errorf("damaged entry: %w", err)
		}
		entry, err := readChunk(r)
		if err != nil {
			return nil, err
		}
		out[key] = entry
	}
	return out, nil
}

func readChunk(r *bytes.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(r.Len()) {
		return nil, errors.New("damaged entry: bad length")
	}
	b := make([]byte, n)
	_, _ = io.ReadFull(r, b) // the length was checked against what is left
	return b, nil
}

// parse is site.SchemaParser: the previous build's entry for exactly this input, or a parse.
func (c *schemaCache) parse(kind schema.Kind, text string, refs map[string]string) (*schema.Tree, error) {
	key := c.key(kind, text, refs)
	if enc, ok := c.prev[key]; ok { // prev is only read once the cache is open
		var e cachedParse
		if err := json.Unmarshal(enc, &e); err == nil {
			c.keep(key, enc, true)
			return e.result()
		}
		// An entry that does not decode is parsed again, as if it were not there.
	}
	tree, err := schema.Parse(kind, text, refs)
	e := cachedParse{Tree: tree}
	if err != nil {
		e = cachedParse{Err: err.Error()}
	}
	if enc, encErr := json.Marshal(e); encErr == nil {
		c.keep(key, enc, false)
	}
	return tree, err
}

func (e cachedParse) result() (*schema.Tree, error) {
	if e.Err != "" {
		return nil, errors.New(e.Err)
	}
	return e.Tree, nil
}

func (c *schemaCache) keep(key digest.Sum, enc []byte, hit bool) {
	c.mu.Lock()
	c.used[key] = enc
	if hit {
		c.hits++
	}
	c.mu.Unlock()
}

// key digests everything a parse reads; the references in name order.
func (c *schemaCache) key(kind schema.Kind, text string, refs map[string]string) digest.Sum {
	h := sha256.New()
	field := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	field(c.build)
	field(string(kind))
	field(text)
	for _, name := range slices.Sorted(maps.Keys(refs)) {
		field(name)
		field(refs[name])
	}
	var s digest.Sum
	copy(s[:], h.Sum(nil))
	return s
}

// changed says the cache to write differs from the one read: this build parsed something, or
// left out an entry the previous build had.
func (c *schemaCache) changed() bool {
	return c.hits != len(c.used) || len(c.used) != len(c.prev)
}

// write replaces the cache at path with this build's entries, in key order (the same parses
// give the same file).
func (c *schemaCache) write(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write schema cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, nothing to remove
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(tmp, h), 64<<10)
	chunk := func(b []byte) {
		var n [binary.MaxVarintLen64]byte
		w.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
		w.Write(b)
	}
	w.WriteString(schemaCacheHeader)
	chunk([]byte(c.build))
	keys := slices.SortedFunc(maps.Keys(c.used), func(a, b digest.Sum) int { return bytes.Compare(a[:], b[:]) })
	for _, k := range keys {
		w.Write(k[:])
		chunk(c.used[k])
	}
	err = w.Flush()
	if err == nil {
		_, err = tmp.Write(h.Sum(nil))
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write schema cache %s: %w", path, err)
	}
	return nil
}
