// JSON Schema: santhosh-tekuri/jsonschema compiles the schema (checking it against its draft's
// metaschema and resolving every $ref, including registry references); this file walks the compiled
// schema into Fields, taking property order from the text because the compiled form keeps it in a map.
package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// mainURL is where the schema is registered for the compiler. A hierarchical URL lets relative
// references ("customer.json") resolve against it; the scheme is one no loader can fetch.
const mainURL = "kdocs:///schema.json"

func parseJSONSchema(text string, refs map[string]string) (*Tree, error) {
	doc, idx, err := decodeOrdered(text)
	if err != nil {
		return nil, err
	}
	l := &refLoader{refs: refs, docs: map[string]docIndex{mainURL: idx}, bases: []string{mainURL}}
	if m, ok := doc.(map[string]any); ok {
		if id, ok := m["$id"].(string); ok && id != "" {
			l.bases = append(l.bases, id)
		}
		if id, ok := m["id"].(string); ok && id != "" { // draft-04 spelling
			l.bases = append(l.bases, id)
		}
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(l)
	if err := c.AddResource(mainURL, doc); err != nil {
		return nil, err
	}
	root, err := c.Compile(mainURL)
	if err != nil {
		return nil, trimCompileError(err)
	}

	w := jsonWalk{walker: newWalker(), docs: l.docs}
	v := w.view(root)
	t := &Tree{Kind: JSON, Name: v.title(), Doc: v.description(), Type: w.typeOf(v, true)}
	if t.Name == "" {
		t.Name = root.ID
	}
	if v.closed {
		t.Extra = map[string]string{"additionalProperties": "false"}
	}
	var f Field
	t.Fields = w.children(v, &f, "", 0)
	t.Truncated = w.cut
	return t, nil
}

// trimCompileError drops the synthetic main URL from the library's messages: the reader knows which
// schema failed, and "kdocs:///schema.json#/properties/x" means less than "#/properties/x".
func trimCompileError(err error) error {
	return errors.New(strings.ReplaceAll(err.Error(), mainURL, ""))
}

// refLoader hands the compiler the registry references, and nothing else: no file, no network.
type refLoader struct {
	refs  map[string]string
	bases []string            // URLs a relative reference name may be resolved against
	docs  map[string]docIndex // loaded URL -> what the compiled form lost
}

func (l *refLoader) Load(u string) (any, error) {
	name, ok := l.match(u)
	if !ok {
		return nil, fmt.Errorf("%q is not among the schema's references", u)
	}
	doc, idx, err := decodeOrdered(l.refs[name])
	if err != nil {
		return nil, fmt.Errorf("reference %q: %w", name, err)
	}
	l.docs[u] = idx
	return doc, nil
}

// match finds the reference a URL stands for: its name verbatim, resolved against the schema's base
// URLs, or (for names given as bare file names) the last path segments of the URL.
func (l *refLoader) match(u string) (string, bool) {
	names := make([]string, 0, len(l.refs))
	for n := range l.refs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if n == u {
			return n, true
		}
	}
	for _, n := range names {
		for _, b := range l.bases {
			if resolveURL(b, n) == u {
				return n, true
			}
		}
	}
	for _, n := range names {
		if n != "" && strings.HasSuffix(u, "/"+strings.TrimPrefix(n, "./")) {
			return n, true
		}
	}
	return "", false
}

func resolveURL(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	return b.ResolveReference(r).String()
}

// docIndex keeps what the compiled schema does not: the order properties were written in, and
// "format" (the compiler only keeps formats it asserts). Both are keyed by JSON pointer.
type docIndex struct {
	order  map[string][]string // pointer of a "properties" object -> its keys in document order
	format map[string]string   // pointer of a schema -> its "format"
}

// decodeOrdered decodes JSON the way the compiler expects (numbers as json.Number) and builds the
// document's docIndex.
func decodeOrdered(text string) (any, docIndex, error) {
	d := orderedDecoder{dec: json.NewDecoder(strings.NewReader(text)), idx: docIndex{order: map[string][]string{}, format: map[string]string{}}}
	d.dec.UseNumber()
	v, err := d.value("", 0)
	if err == nil {
		if _, err = d.dec.Token(); err == io.EOF {
			return v, d.idx, nil
		} else if err == nil {
			err = errors.New("unexpected data after the top-level value")
		}
	}
	// The streaming decoder's offsets are relative to what it had buffered; a second, whole-text
	// pass (only on failure) gives the reader an exact position.
	if perr := checkJSON(text); perr != nil {
		return nil, docIndex{}, perr
	}
	return nil, docIndex{}, err
}

type orderedDecoder struct {
	dec *json.Decoder
	idx docIndex
}

// maxNesting bounds JSON nesting. Real schemas nest a few dozen levels; the metaschema check costs
// time quadratic in the depth (about a second at 900 levels), so hostile depth is refused early.
const maxNesting = 256

func (d *orderedDecoder) value(ptr string, depth int) (any, error) {
	if depth > maxNesting {
		return nil, errors.New("JSON nested too deeply")
	}
	tok, err := d.dec.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch delim {
	case '{':
		m := map[string]any{}
		var keys []string
		for d.dec.More() {
			kt, err := d.dec.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			v, err := d.value(ptr+"/"+escapePointer(k), depth+1)
			if err != nil {
				return nil, err
			}
			if _, dup := m[k]; !dup {
				keys = append(keys, k)
			}
			m[k] = v
		}
		if _, err := d.dec.Token(); err != nil {
			return nil, err
		}
		if strings.HasSuffix(ptr, "/properties") {
			d.idx.order[ptr] = keys
		}
		if f, ok := m["format"].(string); ok {
			d.idx.format[ptr] = f
		}
		return m, nil
	case '[':
		a := []any{}
		for i := 0; d.dec.More(); i++ {
			v, err := d.value(ptr+"/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := d.dec.Token(); err != nil {
			return nil, err
		}
		return a, nil
	}
	return nil, fmt.Errorf("unexpected %v", delim)
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

type jsonWalk struct {
	*walker
	docs map[string]docIndex
}

// jview is one schema as a reader sees it: the schema itself, what its $ref points to, and its allOf
// members, merged. Keywords are looked up outermost first, so a property's own description wins over
// the one on the definition it references.
type jview struct {
	parts    []*jsonschema.Schema
	name     string               // the referenced definition's name, "" for an inline schema
	targets  []string             // locations reached through $ref, to detect recursion
	alts     []*jsonschema.Schema // oneOf/anyOf alternatives
	altKind  string               // "oneOf" or "anyOf"
	allOf    bool                 // parts came from allOf
	addl     *jsonschema.Schema   // additionalProperties schema
	closed   bool                 // additionalProperties: false
	items    *jsonschema.Schema   // array items
	types    []string             // declared JSON types, null first
	enum     []any                // enum values
	konst    *any                 // const value
	format   string               // format keyword
	props    []*jsonschema.Schema // parts that declare properties, outermost first
	required map[string]bool      // required property names
}

// view merges s with its $ref chain and allOf members (bounded, cycles cut by location).
func (w *jsonWalk) view(s *jsonschema.Schema) jview {
	v := jview{required: map[string]bool{}}
	seen := map[*jsonschema.Schema]bool{}
	var add func(s *jsonschema.Schema, depth int)
	add = func(s *jsonschema.Schema, depth int) {
		if s == nil || seen[s] || depth > maxDepth || len(v.parts) > 64 {
			return
		}
		seen[s] = true
		v.parts = append(v.parts, s)
		if len(s.Properties) > 0 {
			v.props = append(v.props, s)
		}
		for _, r := range s.Required {
			v.required[r] = true
		}
		if s.Types != nil && !s.Types.IsEmpty() && v.types == nil {
			v.types = s.Types.ToStrings()
		}
		if s.Enum != nil && v.enum == nil {
			v.enum = s.Enum.Values
		}
		if s.Const != nil && v.konst == nil {
			v.konst = s.Const
		}
		if v.format == "" {
			v.format = w.format(s)
		}
		if v.items == nil {
			if it, ok := s.Items.(*jsonschema.Schema); ok { // drafts before 2020-12; a tuple stays "array"
				v.items = it
			}
			if s.Items2020 != nil {
				v.items = s.Items2020
			}
		}
		switch ap := s.AdditionalProperties.(type) {
		case *jsonschema.Schema:
			if v.addl == nil {
				v.addl = ap
			}
		case bool:
			if !ap {
				v.closed = true
			}
		}
		if v.alts == nil {
			if len(s.OneOf) > 0 {
				v.alts, v.altKind = s.OneOf, "oneOf"
			} else if len(s.AnyOf) > 0 {
				v.alts, v.altKind = s.AnyOf, "anyOf"
			}
		}
		if s.Ref != nil {
			if v.name == "" {
				v.name = refName(s.Ref)
			}
			v.targets = append(v.targets, s.Ref.Location)
			add(s.Ref, depth+1)
		}
		if len(s.AllOf) > 0 {
			v.allOf = true
			for _, m := range s.AllOf {
				add(m, depth+1)
			}
		}
	}
	add(s, 0)
	return v
}

// refName names a referenced schema: its key under $defs/definitions, else its title, else the last
// path segment of the document it lives in.
func refName(s *jsonschema.Schema) string {
	doc, frag := location(s)
	if i := strings.LastIndex(frag, "/"); i >= 0 && i < len(frag)-1 {
		parent := frag[:i]
		if strings.HasSuffix(parent, "/$defs") || strings.HasSuffix(parent, "/definitions") {
			return unescapePointer(frag[i+1:])
		}
	}
	if s.Title != "" {
		return s.Title
	}
	if frag == "" {
		base := doc[strings.LastIndex(doc, "/")+1:]
		if i := strings.Index(base, "."); i > 0 {
			base = base[:i]
		}
		return base
	}
	return ""
}

func (v jview) title() string {
	for _, p := range v.parts {
		if p.Title != "" {
			return p.Title
		}
	}
	return ""
}

func (v jview) description() string {
	for _, p := range v.parts {
		if p.Description != "" {
			return p.Description
		}
	}
	return ""
}

func (v jview) defaultValue() (any, bool) {
	for _, p := range v.parts {
		if p.Default != nil {
			return *p.Default, true
		}
	}
	return nil, false
}

func (v jview) deprecated() bool {
	for _, p := range v.parts {
		if p.Deprecated {
			return true
		}
	}
	return false
}

func (v jview) isMap() bool { return len(v.props) == 0 && v.addl != nil }

// nonNullAlts drops {"type":"null"} alternatives: they only make the field nullable.
func (v jview) nonNullAlts() (alts []*jsonschema.Schema, null bool) {
	for _, a := range v.alts {
		if a.Types != nil && slices.Equal(a.Types.ToStrings(), []string{"null"}) && a.Ref == nil {
			null = true
			continue
		}
		alts = append(alts, a)
	}
	return alts, null
}

// jsonTypes lists the declared types, or infers one from the keywords present.
func (v jview) jsonTypes() []string {
	if v.types != nil {
		return v.types
	}
	switch {
	case len(v.props) > 0 || v.addl != nil:
		return []string{"object"}
	case v.items != nil:
		return []string{"array"}
	}
	return nil
}

// typeOf renders "string (date-time)", "array<LineItem>", "map<string,integer>", "Address (object)",
// "enum Reason", "union<null,string>", "oneOf<Card,BankTransfer>". Inside <> (top false) a named
// object is its bare name and formats are left out.
func (w *jsonWalk) typeOf(v jview, top bool) string {
	budget := maxTypeNodes
	return w.render(v, top, &budget)
}

// maxTypeNodes bounds one type string. Inline schemas can nest (and, through $ref, loop) without a
// name to stop at; a real type string has a handful of nodes.
const maxTypeNodes = 64

func (w *jsonWalk) render(v jview, top bool, budget *int) string {
	if *budget <= 0 {
		return "…"
	}
	*budget--
	switch {
	case v.enum != nil:
		if v.name != "" {
			return "enum " + v.name
		}
		return "enum"
	case v.konst != nil:
		return "const " + jsonText(*v.konst)
	}
	types := v.jsonTypes()
	if len(types) == 0 {
		if len(v.parts) > 0 && v.parts[0].Bool != nil && !*v.parts[0].Bool {
			return "never"
		}
		if v.alts != nil {
			var parts []string
			for _, a := range v.alts {
				parts = append(parts, w.render(w.view(a), false, budget))
			}
			return v.altKind + "<" + strings.Join(parts, ",") + ">"
		}
		return "any"
	}
	if len(types) > 1 {
		parts := make([]string, len(types))
		for i, t := range types {
			parts[i] = w.single(v, t, false, budget)
		}
		return "union<" + strings.Join(parts, ",") + ">"
	}
	return w.single(v, types[0], top, budget)
}

func (w *jsonWalk) single(v jview, t string, top bool, budget *int) string {
	switch t {
	case "object":
		if v.isMap() {
			return "map<string," + w.render(w.view(v.addl), false, budget) + ">"
		}
		if v.name != "" {
			if top {
				return v.name + " (object)"
			}
			return v.name
		}
		return "object"
	case "array":
		if v.items != nil {
			return "array<" + w.render(w.view(v.items), false, budget) + ">"
		}
		return "array"
	case "string":
		if top && v.format != "" {
			return "string (" + v.format + ")"
		}
	}
	return t
}

// children lists the fields under a schema: its (merged) properties, else a map's values, an array's
// items, or the alternatives of a oneOf/anyOf (directly when only one is not null).
func (w *jsonWalk) children(v jview, f *Field, path string, depth int) []Field {
	for _, t := range v.targets {
		if w.open[t] {
			setExtra(f, "recursive", "true")
			return nil
		}
	}
	if w.full(f, depth) {
		return nil
	}
	for _, t := range v.targets {
		w.open[t] = true
		defer delete(w.open, t)
	}
	if len(v.parts) > 0 && depth == 0 {
		w.open[v.parts[0].Location] = true // a "$ref": "#" back to the root
	}

	var out []Field
	used := map[string]bool{}
	for _, p := range v.props {
		for _, name := range w.propOrder(p) {
			if used[name] || !w.room(depth) {
				continue
			}
			used[name] = true
			out = append(out, w.field(name, p.Properties[name], v.required[name], path, depth))
		}
	}
	switch {
	case len(out) > 0:
	case v.isMap():
		return w.children(w.view(v.addl), f, path, depth)
	case v.items != nil:
		return w.children(w.view(v.items), f, path, depth)
	}

	alts, _ := v.nonNullAlts()
	if len(alts) == 1 && len(out) == 0 {
		return w.children(w.view(alts[0]), f, path, depth)
	}
	for i, a := range alts {
		if len(alts) == 1 || !w.room(depth) {
			break
		}
		av := w.view(a)
		name := av.name
		if name == "" {
			name = av.title()
		}
		if name == "" || used[name] {
			name = "option " + strconv.Itoa(i+1)
		}
		for base, n := name, 2; used[name]; n++ { // a property may already be called "option 1"
			name = base + " (" + strconv.Itoa(n) + ")"
		}
		used[name] = true
		af := Field{Path: joinPath(path, name), Name: name, Type: w.typeOf(av, true), Doc: av.description()}
		setExtra(&af, "group", v.altKind)
		af.Children = w.children(av, &af, af.Path, depth+1)
		out = append(out, af)
	}
	return out
}

// location splits a compiled schema's Location into its document URL and JSON pointer. The library
// path-escapes each pointer token ("a b" becomes "a%20b"); the docIndex keys are unescaped.
func location(s *jsonschema.Schema) (doc, ptr string) {
	doc, frag, _ := strings.Cut(s.Location, "#")
	if p, err := url.PathUnescape(frag); err == nil {
		frag = p
	}
	return doc, frag
}

func (w *jsonWalk) format(s *jsonschema.Schema) string {
	doc, ptr := location(s)
	return w.docs[doc].format[ptr]
}

// propOrder returns property names in the order the author wrote them.
func (w *jsonWalk) propOrder(s *jsonschema.Schema) []string {
	doc, ptr := location(s)
	keys := w.docs[doc].order[ptr+"/properties"]
	out := make([]string, 0, len(s.Properties))
	seen := map[string]bool{}
	for _, k := range keys {
		if _, ok := s.Properties[k]; ok && !seen[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	if len(out) < len(s.Properties) { // not found in the text (should not happen): fall back to sorted
		var rest []string
		for k := range s.Properties {
			if !seen[k] {
				rest = append(rest, k)
			}
		}
		slices.Sort(rest)
		out = append(out, rest...)
	}
	return out
}

func (w *jsonWalk) field(name string, s *jsonschema.Schema, required bool, parent string, depth int) Field {
	v := w.view(s)
	f := Field{
		Path:       joinPath(parent, name),
		Name:       name,
		Type:       w.typeOf(v, true),
		Required:   required,
		Doc:        v.description(),
		Deprecated: v.deprecated(),
	}
	if d, ok := v.defaultValue(); ok {
		f.Default = jsonText(d)
	}
	_, nullAlt := v.nonNullAlts()
	f.Nullable = nullAlt || slices.Contains(v.types, "null")
	for _, e := range v.enum {
		if s, ok := e.(string); ok {
			f.Enum = append(f.Enum, s)
		} else {
			f.Enum = append(f.Enum, jsonText(e))
		}
	}
	setExtra(&f, "format", v.format)
	switch {
	case v.alts != nil:
		setExtra(&f, "composition", v.altKind)
	case v.allOf:
		setExtra(&f, "composition", "allOf")
	}
	if v.closed {
		setExtra(&f, "additionalProperties", "false")
	}
	f.Children = w.children(v, &f, f.Path, depth+1)
	return f
}
