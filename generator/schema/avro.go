// Avro: hamba/avro parses the schema (and its references, into one cache so named types resolve);
// this file walks the parsed schema into Fields.
package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"
)

func parseAvro(text string, refs map[string]string) (*Tree, error) {
	// hamba/avro falls back to reading unparsable JSON as a bare type name, which turns a typo into
	// "unknown type: <the whole schema>". Checking the JSON first gives the reader a position instead.
	if err := checkJSON(text); err != nil {
		return nil, err
	}
	cache := &avro.SchemaCache{} // never avro.DefaultSchemaCache: names from one subject must not leak into another
	if err := parseAvroRefs(refs, cache); err != nil {
		return nil, err
	}
	s, err := avro.ParseWithCache(text, "", cache)
	if err != nil {
		return nil, err
	}

	w := newWalker()
	t := &Tree{Kind: Avro, Type: avroType(s, true)}
	switch r := avroDeref(s).(type) {
	case *avro.RecordSchema:
		t.Name, t.Doc = r.FullName(), r.Doc()
		if a := r.Aliases(); len(a) > 0 {
			t.Extra = map[string]string{"aliases": strings.Join(a, ",")}
		}
		w.open[r.FullName()] = true
		t.Fields = w.avroFields(r, "", 0)
	case *avro.EnumSchema:
		t.Name, t.Doc = r.FullName(), r.Doc()
	case avro.NamedSchema:
		t.Name = r.FullName()
	}
	if t.Fields == nil {
		// A top-level union or array of records: show what a reader would find inside.
		var f Field
		f.Children = w.avroChildren(s, &f, "", 0)
		t.Fields = f.Children
	}
	t.Truncated = w.cut
	return t, nil
}

// parseAvroRefs parses referenced schemas into cache. A reference may itself use another one, and
// the map has no order, so it parses in rounds until nothing more resolves.
func parseAvroRefs(refs map[string]string, cache *avro.SchemaCache) error {
	pending := make([]string, 0, len(refs))
	for name := range refs {
		pending = append(pending, name)
	}
	slices.Sort(pending) // deterministic error messages
	for len(pending) > 0 {
		var failed []string
		var firstErr error
		for _, name := range pending {
			if err := checkJSON(refs[name]); err != nil {
				return fmt.Errorf("reference %q: %w", name, err)
			}
			// A failed parse leaves the cache untouched (the library works on a copy), so retrying is safe.
			if _, err := avro.ParseWithCache(refs[name], "", cache); err != nil {
				failed = append(failed, name)
				if firstErr == nil {
					firstErr = fmt.Errorf("reference %q: %w", name, err)
				}
			}
		}
		if len(failed) == len(pending) {
			return firstErr
		}
		pending = failed
	}
	return nil
}

// avroDeref follows a reference to the named type it stands for.
func avroDeref(s avro.Schema) avro.Schema {
	if r, ok := s.(*avro.RefSchema); ok && r.Schema() != nil {
		return r.Schema()
	}
	return s
}

func (w *walker) avroFields(r *avro.RecordSchema, parent string, depth int) []Field {
	out := make([]Field, 0, len(r.Fields()))
	for _, af := range r.Fields() {
		if !w.room(depth) {
			break
		}
		out = append(out, w.avroField(af, parent, depth))
	}
	return out
}

func (w *walker) avroField(af *avro.Field, parent string, depth int) Field {
	typ := af.Type()
	f := Field{
		Path: joinPath(parent, af.Name()),
		Name: af.Name(),
		Type: avroType(typ, true),
		Doc:  af.Doc(),
	}
	if u, ok := typ.(*avro.UnionSchema); ok {
		f.Nullable = u.Contains(avro.Null)
	} else {
		f.Nullable = typ.Type() == avro.Null
	}
	if af.HasDefault() {
		f.Default = avroDefault(af.Default())
	}
	f.Required = !f.Nullable && !af.HasDefault()
	if d := af.Prop("deprecated"); d != nil && d != false {
		// Avro has no deprecation keyword; teams mark fields with a custom "deprecated" property.
		f.Deprecated = true
	}
	setExtra(&f, "aliases", strings.Join(af.Aliases(), ","))
	if af.Order() != "" && af.Order() != avro.Asc {
		setExtra(&f, "order", string(af.Order()))
	}
	avroTypeExtra(&f, typ)
	f.Children = w.avroChildren(typ, &f, f.Path, depth+1)
	return f
}

// avroChildren finds the records under a field's type: the record itself, array items, map values,
// and union branches. A union with one non-null record shows that record's fields directly; with
// several, one child per branch, named after the record.
func (w *walker) avroChildren(s avro.Schema, f *Field, path string, depth int) []Field {
	switch t := avroDeref(s).(type) {
	case *avro.RecordSchema:
		if w.open[t.FullName()] {
			setExtra(f, "recursive", "true")
			return nil
		}
		if w.full(f, depth) {
			return nil
		}
		w.open[t.FullName()] = true
		defer delete(w.open, t.FullName())
		return w.avroFields(t, path, depth)
	case *avro.ArraySchema:
		return w.avroChildren(t.Items(), f, path, depth)
	case *avro.MapSchema:
		return w.avroChildren(t.Values(), f, path, depth)
	case *avro.UnionSchema:
		var branches []avro.Schema
		for _, b := range t.Types() {
			if b.Type() != avro.Null {
				branches = append(branches, b)
			}
		}
		if len(branches) == 1 {
			return w.avroChildren(branches[0], f, path, depth)
		}
		var out []Field
		used := map[string]bool{}
		for _, b := range branches {
			r, ok := avroDeref(b).(*avro.RecordSchema)
			if !ok || !w.room(depth) {
				continue
			}
			name := r.Name()
			if used[name] { // same short name from another namespace
				name = r.FullName()
			}
			used[name] = true
			bf := Field{Path: joinPath(path, name), Name: name, Type: avroType(r, true), Doc: r.Doc()}
			setExtra(&bf, "group", "union")
			avroTypeExtra(&bf, r)
			bf.Children = w.avroChildren(r, &bf, bf.Path, depth+1)
			out = append(out, bf)
		}
		return out
	}
	return nil
}

// avroType renders a type for people. top is false inside array<>, map<> and union<>, where named
// types appear by their short name only; the grammar stays regular so Diff can read it back.
func avroType(s avro.Schema, top bool) string {
	switch t := s.(type) {
	case *avro.RefSchema:
		if t.Schema() == nil {
			return "ref"
		}
		return avroType(t.Schema(), top)
	case *avro.RecordSchema:
		if !top {
			return t.Name()
		}
		if t.IsError() {
			return t.Name() + " (error)"
		}
		return t.Name() + " (record)"
	case *avro.EnumSchema:
		if !top {
			return t.Name()
		}
		return "enum " + t.Name()
	case *avro.FixedSchema:
		if !top {
			return t.Name()
		}
		detail := strconv.Itoa(t.Size()) + " bytes"
		if l := avroLogical(t.Logical(), t.Prop("logicalType")); l != "" {
			detail += ", " + l
		}
		return "fixed " + t.Name() + " (" + detail + ")"
	case *avro.ArraySchema:
		return "array<" + avroType(t.Items(), false) + ">"
	case *avro.MapSchema:
		return "map<string," + avroType(t.Values(), false) + ">"
	case *avro.UnionSchema:
		parts := make([]string, 0, len(t.Types()))
		for _, b := range t.Types() {
			parts = append(parts, avroType(b, false))
		}
		return "union<" + strings.Join(parts, ",") + ">"
	case *avro.PrimitiveSchema:
		if l := avroLogical(t.Logical(), t.Prop("logicalType")); l != "" {
			return string(t.Type()) + " (" + l + ")"
		}
		return string(t.Type())
	case nil:
		return "unknown"
	default:
		return string(s.Type())
	}
}

// avroLogical names a logical type, including ones the library does not know (it keeps those as a
// plain "logicalType" property, and so do we: the reader still learns what the producer meant).
func avroLogical(l avro.LogicalSchema, prop any) string {
	if d, ok := l.(*avro.DecimalLogicalSchema); ok {
		return fmt.Sprintf("decimal(%d,%d)", d.Precision(), d.Scale())
	}
	if l != nil {
		return string(l.Type())
	}
	if s, ok := prop.(string); ok {
		return s
	}
	return ""
}

// avroTypeExtra records details of the field's (non-null) type that do not fit in Type.
func avroTypeExtra(f *Field, s avro.Schema) {
	s = avroDeref(s)
	if u, ok := s.(*avro.UnionSchema); ok {
		var nonNull []avro.Schema
		for _, b := range u.Types() {
			if b.Type() != avro.Null {
				nonNull = append(nonNull, b)
			}
		}
		if len(nonNull) != 1 {
			return
		}
		s = avroDeref(nonNull[0])
	}
	if n, ok := s.(avro.NamedSchema); ok {
		setExtra(f, "namedType", n.FullName())
		setExtra(f, "typeAliases", strings.Join(n.Aliases(), ","))
	}
	// A field without its own doc borrows its type's: "address" says nothing that "A postal
	// address." does not.
	if d, ok := s.(interface{ Doc() string }); ok && f.Doc == "" {
		f.Doc = d.Doc()
	}
	var l avro.LogicalSchema
	switch t := s.(type) {
	case *avro.EnumSchema:
		f.Enum = slices.Clone(t.Symbols())
		if t.HasDefault() {
			setExtra(f, "enumDefault", t.Default())
		}
	case *avro.FixedSchema:
		setExtra(f, "size", strconv.Itoa(t.Size()))
		l = t.Logical()
	case *avro.PrimitiveSchema:
		l = t.Logical()
		if l == nil {
			if s, ok := t.Prop("logicalType").(string); ok {
				setExtra(f, "logicalType", s)
			}
		}
	}
	if l != nil {
		setExtra(f, "logicalType", string(l.Type()))
		if d, ok := l.(*avro.DecimalLogicalSchema); ok {
			setExtra(f, "precision", strconv.Itoa(d.Precision()))
			setExtra(f, "scale", strconv.Itoa(d.Scale()))
		}
	}
}

// avroDefault renders a default as the JSON a schema author would write. The library decodes bytes
// and fixed defaults into Go byte slices/arrays; Avro writes those as strings of code points 0-255.
func avroDefault(v any) string {
	if v == nil {
		return "null"
	}
	rv := reflect.ValueOf(v)
	if (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) && rv.Type().Elem().Kind() == reflect.Uint8 {
		runes := make([]rune, rv.Len())
		for i := range runes {
			runes[i] = rune(rv.Index(i).Uint())
		}
		v = string(runes)
	}
	return jsonText(v)
}

// jsonText encodes v without HTML escaping: these strings are shown to people, and the renderer
// escapes for its own output format.
func jsonText(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// checkJSON reports a syntax error with its line and column.
func checkJSON(text string) error {
	var v any
	err := json.Unmarshal([]byte(text), &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(text, se.Offset-1)
		return fmt.Errorf("line %d, column %d: %v", line, col, se)
	}
	return err
}

// lineCol gives the 1-based line and column (in bytes) of the byte at index i. json.SyntaxError's
// Offset counts the bytes read including the offending one, so callers pass Offset-1.
func lineCol(text string, i int64) (line, col int) {
	i = max(0, min(i, int64(len(text))))
	before := text[:i]
	line = strings.Count(before, "\n") + 1
	col = len(before) - strings.LastIndexByte(before, '\n')
	return line, col
}
