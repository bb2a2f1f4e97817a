package digest

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	Name   string
	hidden int // read by a method: hashed too
}

type outer struct {
	Title  string
	Items  []inner
	Ptr    *inner
	ByName map[string]int
	Any    any
	At     time.Time
	Bytes  []byte
	Nested map[string]*inner
}

func sum(t *testing.T, h *Hasher, narrow *Narrow, v any) Sum {
	t.Helper()
	d := h.New(narrow)
	require.NoError(t, d.Value(v))
	return d.Sum()
}

func sample() outer {
	big := map[string]int{}
	for i := range 200 { // over memoLen: hashed once and kept
		big[string(rune('a'+i%26))+string(rune('A'+i/26))] = i
	}
	return outer{Title: "t", Items: []inner{{"a", 1}, {"b", 2}}, Ptr: &inner{"p", 3}, ByName: big,
		Any: inner{"x", 4}, At: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC), Bytes: []byte("raw"),
		Nested: map[string]*inner{"k": {"v", 5}}}
}

func TestEqualValuesHashEqually(t *testing.T) {
	var h Hasher
	a, b := sample(), sample()
	assert.Equal(t, sum(t, &h, nil, a), sum(t, &h, nil, b), "equal data, other pointers and map order")
	assert.Equal(t, sum(t, &h, nil, &a), sum(t, &Hasher{}, nil, &b), "a fresh hasher agrees")
	// A monotonic reading does not count; the instant and its zone do.
	now := time.Now()
	c := sample()
	c.At = now
	d := sample()
	d.At = now.Round(0)
	assert.Equal(t, sum(t, &h, nil, c), sum(t, &h, nil, d))
}

func TestEveryDifferenceShows(t *testing.T) {
	var h Hasher
	base := sum(t, &h, nil, sample())
	edits := map[string]func(*outer){
		"title":            func(o *outer) { o.Title = "u" },
		"slice element":    func(o *outer) { o.Items[1].Name = "c" },
		"unexported field": func(o *outer) { o.Items[0].hidden = 9 },
		"slice length":     func(o *outer) { o.Items = o.Items[:1] },
		"pointee":          func(o *outer) { o.Ptr.Name = "q" },
		"nil pointer":      func(o *outer) { o.Ptr = nil },
		"small map value":  func(o *outer) { o.Nested["k"].Name = "w" },
		"map key":          func(o *outer) { o.Nested = map[string]*inner{"j": {"v", 5}} },
		"interface type":   func(o *outer) { o.Any = &inner{"x", 4} },
		"time zone":        func(o *outer) { o.At = o.At.In(time.FixedZone("CET", 3600)) },
		"bytes":            func(o *outer) { o.Bytes = []byte("raw!") },
		"strings regrouped": func(o *outer) {
			o.Items = []inner{{"ab", 1}, {"", 2}}
		},
	}
	for name, edit := range edits {
		o := sample()
		edit(&o)
		assert.NotEqual(t, base, sum(t, &Hasher{}, nil, o), name)
	}
	// A large map is hashed once per Hasher: a new map (another build's) is hashed afresh.
	o := sample()
	o.ByName["aA"] = -1
	assert.NotEqual(t, base, sum(t, &h, nil, o), "large map value")
}

func TestNoDigestForWhatCannotBeHashed(t *testing.T) {
	var h Hasher
	for name, v := range map[string]any{
		"func":    struct{ F func() }{func() {}},
		"channel": struct{ C chan int }{make(chan int)},
	} {
		assert.Error(t, h.New(nil).Value(v), name)
	}
	type node struct {
		Next *node
	}
	loop := &node{}
	loop.Next = loop
	assert.ErrorIs(t, h.New(nil).Value(loop), errCycle)
	// A nil func is nothing to read.
	assert.NoError(t, h.New(nil).Value(struct{ F func() }{}))
	// Shared, not cyclic: fine.
	shared := &inner{"s", 1}
	assert.NoError(t, h.New(nil).Value([]*inner{shared, shared}))
}

func TestNarrowStandsInForAField(t *testing.T) {
	type page struct {
		Cluster *outer
		Name    string
	}
	onlyTitle := &Narrow{Type: reflect.TypeFor[*outer](), Fn: func(v reflect.Value) reflect.Value {
		return reflect.ValueOf(v.Elem().FieldByName("Title").String())
	}}
	var h Hasher
	a, b := sample(), sample()
	b.At = b.At.Add(time.Hour) // what the page does not read
	assert.Equal(t, sum(t, &h, onlyTitle, page{&a, "n"}), sum(t, &h, onlyTitle, page{&b, "n"}))
	assert.NotEqual(t, sum(t, &h, nil, page{&a, "n"}), sum(t, &h, nil, page{&b, "n"}), "without the narrowing")
	b.Title = "other"
	assert.NotEqual(t, sum(t, &h, onlyTitle, page{&a, "n"}), sum(t, &h, onlyTitle, page{&b, "n"}))
}
