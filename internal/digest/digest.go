// Package digest hashes Go values deeply: two values with the same digest hold the same data, as
// far as anything reading them (a template, a method) could tell. The build keys each page by the
// digest of what its template reads, and renders again only the pages whose key changed.
//
// Everything reachable is hashed, unexported fields too (a method may read them), pointers
// followed, maps in key order, times as the instant and zone they print. A value holding a func,
// a channel or an unsafe pointer, or a cycle, has no digest: the caller treats its page as
// changed. Large maps are hashed once per Hasher (Narrow hands out the same map to every topic
// page of a cluster), so one Hasher serves one build and is safe for concurrent use.
package digest

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"math"
	"reflect"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// Sum is a digest: the first 16 bytes of a SHA-256, enough that two different pages of one path
// never share one by chance.
type Sum [16]byte

func (s Sum) String() string { return fmt.Sprintf("%x", s[:]) }

// Bytes is the digest of data as bytes (a file's content), not as a Go value.
func Bytes(data []byte) Sum {
	full := sha256.Sum256(data)
	return Sum(full[:len(Sum{})])
}

// Hasher hashes values. The zero value is ready to use.
type Hasher struct {
	maps   sync.Map // map pointer → memoEntry, for maps of more than memoLen entries
	fields sync.Map // struct type → []reflect.Type of its fields
}

// memoEntry is a map's digest, and the map: held, so that its address names no other map while
// the Hasher lives.
type memoEntry struct {
	sum [32]byte
	m   reflect.Value
}

// Narrow stands in for the value of every struct field of type Type with what its readers read
// of it, Fn's result: the build hashes a page's cluster as the few things of it the page's
// template names, not as the whole cluster (whose snapshot time changes with every snapshot).
type Narrow struct {
	Type reflect.Type
	Fn   func(reflect.Value) reflect.Value
}

// memoLen is the size from which a map's digest is kept for reuse: below it, hashing again
// costs less than looking up.
const memoLen = 64

var (
	errUnhashable = errors.New("value holds a func, a channel or an unsafe pointer")
	errCycle      = errors.New("value refers to itself")
	timeType      = reflect.TypeFor[time.Time]()
)

// New returns a running digest: add values in order, then Sum. narrow may be nil.
func (h *Hasher) New(narrow *Narrow) *Digest {
	return &Digest{h: h, narrow: narrow, w: sha256.New(), buf: make([]byte, 0, bufLen)}
}

// bufLen is how much a Digest gathers before it hands it to the hash: a page's data is many
// small values, and each Write costs more than the copy.
const bufLen = 4096

// Digest is one running digest.
type Digest struct {
	h      *Hasher
	narrow *Narrow
	w      hash.Hash
	buf    []byte
	stack  []uintptr // pointers being hashed, to find cycles
}

// String adds s.
func (d *Digest) String(s string) {
	d.uint(uint64(len(s)))
	d.write(unsafe.Slice(unsafe.StringData(s), len(s))) // read only
}

func (d *Digest) write(p []byte) {
	if len(d.buf)+len(p) > cap(d.buf) {
		d.flush()
		if len(p) > cap(d.buf)/2 {
			_, _ = d.w.Write(p)
			return
		}
	}
	d.buf = append(d.buf, p...)
}

func (d *Digest) flush() {
	_, _ = d.w.Write(d.buf)
	d.buf = d.buf[:0]
}

// Value adds v deeply.
func (d *Digest) Value(v any) error {
	if v == nil {
		d.uint(0)
		return nil
	}
	d.String(reflect.TypeOf(v).String())
	return d.value(reflect.ValueOf(v))
}

// Sum returns the digest of what was added.
func (d *Digest) Sum() Sum {
	d.flush()
	var s Sum
	copy(s[:], d.w.Sum(nil))
	return s
}

func (d *Digest) uint(n uint64) {
	if len(d.buf)+8 > cap(d.buf) {
		d.flush()
	}
	d.buf = binary.LittleEndian.AppendUint64(d.buf, n)
}

func (d *Digest) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Invalid:
		d.uint(0)
	case reflect.Bool:
		if v.Bool() {
			d.uint(1)
		} else {
			d.uint(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.uint(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		d.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		d.uint(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		d.uint(math.Float64bits(real(c)))
		d.uint(math.Float64bits(imag(c)))
	case reflect.String:
		d.String(v.String())
	case reflect.Array:
		for i := range v.Len() {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			d.uint(uint64(v.Len()))
			d.write(v.Bytes())
			return nil
		}
		d.uint(uint64(v.Len()))
		for i := range v.Len() {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Interface:
		if v.IsNil() {
			d.uint(0)
			return nil
		}
		e := v.Elem()
		d.String(e.Type().String())
		return d.value(e)
	case reflect.Pointer:
		if v.IsNil() {
			d.uint(0)
			return nil
		}
		d.uint(1)
		p := uintptr(v.UnsafePointer())
		if slices.Contains(d.stack, p) {
			return errCycle
		}
		d.stack = append(d.stack, p)
		err := d.value(v.Elem())
		d.stack = d.stack[:len(d.stack)-1]
		return err
	case reflect.Map:
		return d.mapValue(v)
	case reflect.Struct:
		return d.structValue(v)
	default: // Func, Chan, UnsafePointer
		if v.IsNil() {
			d.uint(0)
			return nil
		}
		return errUnhashable
	}
	return nil
}

func (d *Digest) structValue(v reflect.Value) error {
	t := v.Type()
	if t == timeType {
		// The instant and the zone it prints in; not the monotonic reading, which two equal
		// times from two runs do not share.
		if !v.CanInterface() && v.CanAddr() {
			v = reflect.NewAt(t, v.Addr().UnsafePointer()).Elem()
		}
		if v.CanInterface() {
			tm := v.Interface().(time.Time)
			d.uint(uint64(tm.UnixNano()))
			d.String(tm.Location().String())
			return nil
		}
	}
	for i, ft := range d.h.fieldTypes(t) {
		f := v.Field(i)
		if d.narrow != nil && ft == d.narrow.Type {
			f = d.narrow.Fn(f)
		}
		if err := d.value(f); err != nil {
			return fmt.Errorf("%s.%s: %w", t.Name(), t.Field(i).Name, err)
		}
	}
	return nil
}

// fieldTypes are t's fields' types, looked up once per type (reflect.Type.Field copies a
// whole StructField).
func (h *Hasher) fieldTypes(t reflect.Type) []reflect.Type {
	if f, ok := h.fields.Load(t); ok {
		return f.([]reflect.Type)
	}
	f := make([]reflect.Type, t.NumField())
	for i := range f {
		f[i] = t.Field(i).Type
	}
	h.fields.Store(t, f)
	return f
}

// mapValue hashes a map's entries in the order of their keys' digests, so that equal maps
// hash equally whatever their iteration order.
func (d *Digest) mapValue(v reflect.Value) error {
	if v.IsNil() {
		d.uint(0)
		return nil
	}
	p := uintptr(v.UnsafePointer())
	memo := v.Len() > memoLen
	if memo {
		if s, ok := d.h.maps.Load(p); ok {
			sum := s.(memoEntry).sum
			d.write(sum[:])
			return nil
		}
	}
	if slices.Contains(d.stack, p) {
		return errCycle
	}
	d.stack = append(d.stack, p)
	defer func() { d.stack = d.stack[:len(d.stack)-1] }()
	type entry struct{ key, value [32]byte }
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		var e entry
		var err error
		if e.key, err = d.sub(it.Key()); err != nil {
			return err
		}
		if e.value, err = d.sub(it.Value()); err != nil {
			return err
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(bytes.Compare(a.key[:], b.key[:]), bytes.Compare(a.value[:], b.value[:]))
	})
	sub := sha256.New()
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(entries)))
	sub.Write(n[:])
	for _, e := range entries {
		sub.Write(e.key[:])
		sub.Write(e.value[:])
	}
	var sum [32]byte
	copy(sum[:], sub.Sum(nil))
	if memo {
		d.h.maps.Store(p, memoEntry{sum, v})
	}
	d.write(sum[:])
	return nil
}

// sub hashes v on its own, sharing the cycle check.
func (d *Digest) sub(v reflect.Value) ([32]byte, error) {
	s := &Digest{h: d.h, narrow: d.narrow, w: sha256.New(), buf: make([]byte, 0, 256), stack: d.stack}
	err := s.value(v)
	s.flush()
	var sum [32]byte
	copy(sum[:], s.w.Sum(nil))
	return sum, err
}
