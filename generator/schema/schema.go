// Package schema turns a Schema Registry schema (Avro, Protobuf or JSON Schema) into a field tree a
// reader can scan, and lists the changes between two versions with a compatibility verdict.
//
// It is pure: strings in, values out, no I/O and nothing from the rest of kdocs, so the site can build
// subject pages from a snapshot alone. Each format is read by a maintained parser (hamba/avro,
// bufbuild/protocompile, santhosh-tekuri/jsonschema); this package only walks what they produce.
//
// Schema text is untrusted: names and docs are kept verbatim (the renderer escapes them), and hostile
// input yields an error or a truncated tree, never a panic or an unbounded walk.
package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the registry's schemaType. The registry omits it for Avro, so "" means AVRO.
type Kind string

const (
	Avro     Kind = "AVRO"
	Protobuf Kind = "PROTOBUF"
	JSON     Kind = "JSON"
)

// ParseKind normalises a registry schemaType ("", "avro", "PROTOBUF", ...).
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToUpper(strings.TrimSpace(s))); k {
	case "":
		return Avro, nil
	case Avro, Protobuf, JSON:
		return k, nil
	default:
		return "", fmt.Errorf("unknown schema type %q (want AVRO, PROTOBUF or JSON)", s)
	}
}

// Field is one row of a subject page's field table; Children nest under it.
type Field struct {
	// Path is the dotted path from the root ("shipping.address.city"), unique within a tree. A name
	// that is not a plain identifier is quoted in brackets (`meta["a.b"]`) so paths cannot collide.
	Path string `json:"path"`
	Name string `json:"name"`
	// Type is human-readable: "string", "long (timestamp-millis)", "array<string>", "map<string,int>",
	// "Address (record)", "enum Status", "union<null,string>", "oneof method", "repeated string"...
	Type string `json:"type"`
	// Required: Avro — no null branch and no default; Protobuf — proto2 `required` only;
	// JSON Schema — listed in the parent's `required`.
	Required bool `json:"required,omitempty"`
	Nullable bool `json:"nullable,omitempty"`
	// Default is the JSON text of the default value, "" when there is none.
	Default string `json:"default,omitempty"`
	// Doc is the Avro doc, the Protobuf leading comment, or the JSON Schema description.
	Doc string `json:"doc,omitempty"`
	// Enum holds the symbols when the field's type is an enum.
	Enum []string `json:"enum,omitempty"`
	// Children are the fields of a nested record/message/object, also when it sits inside an array,
	// a map or a union.
	Children   []Field `json:"children,omitempty"`
	Deprecated bool    `json:"deprecated,omitempty"`
	// Extra holds format-specific details: "aliases", "logicalType", "format", "oneof", "number",
	// "label", "composition", "namedType", "recursive" (descent stopped: the type encloses itself),
	// "truncated" (descent stopped: the tree hit its size or depth limit), and "group" on fields that
	// stand for a oneof, a union branch, a oneOf/anyOf alternative or one of several root messages
	// rather than for data of their own.
	Extra map[string]string `json:"extra,omitempty"`
}

// Tree is a parsed schema.
type Tree struct {
	Kind Kind `json:"kind"`
	// Name is the full name of the root record/message, or the JSON Schema title (else $id).
	Name string `json:"name,omitempty"`
	// Type describes the root: "OrderPlaced (record)", "string" for a primitive key schema, "object".
	Type   string  `json:"type,omitempty"`
	Doc    string  `json:"doc,omitempty"`
	Fields []Field `json:"fields,omitempty"`
	// Truncated: the schema expands to more than maxFields fields or nests deeper than maxDepth, and
	// the tree stops there (fields where it stopped carry Extra["truncated"]).
	Truncated bool `json:"truncated,omitempty"`
	// Extra holds format-specific details of the root, as Field.Extra does: "aliases" (an Avro
	// record's), "additionalProperties" ("false" when a JSON Schema object is closed), "package"
	// (a Protobuf file's).
	Extra map[string]string `json:"extra,omitempty"`
}

// Limits that bound the walk of hostile or pathological schemas. Named types reused many times can make
// an expanded tree exponential in the schema's size (A has two B fields, B two C fields, ...); a real
// schema stays far below both numbers.
const (
	maxDepth  = 32
	maxFields = 5000
)

// Parse reads schema text of the given kind. refs maps a registry reference name to that schema's
// text: for Avro the referenced named type's full name (any order; dependencies are resolved), for
// Protobuf the import path, for JSON Schema the URI or file name used in "$ref".
func Parse(kind Kind, text string, refs map[string]string) (tree *Tree, err error) {
	k, err := ParseKind(string(kind))
	if err != nil {
		return nil, fmt.Errorf("parse schema: %w", err)
	}
	// The parsers are third-party code fed untrusted text: a panic there must not take the whole
	// site build down, so it becomes this schema's error.
	defer func() {
		if r := recover(); r != nil {
			tree, err = nil, fmt.Errorf("parse %s schema: internal error: %v", k, r)
		}
	}()
	tree, err = parse(k, text, refs)
	if err != nil {
		return nil, fmt.Errorf("parse %s schema: %w", k, err)
	}
	return tree, nil
}

func parse(k Kind, text string, refs map[string]string) (*Tree, error) {
	switch k {
	case Protobuf:
		return parseProtobuf(text, refs)
	case JSON:
		return parseJSONSchema(text, refs)
	default:
		return parseAvro(text, refs)
	}
}

// Walk calls fn for every field depth-first, parents before children.
func (t *Tree) Walk(fn func(f *Field)) {
	var walk func(fs []Field)
	walk = func(fs []Field) {
		for i := range fs {
			fn(&fs[i])
			walk(fs[i].Children)
		}
	}
	walk(t.Fields)
}

var plainSegment = regexp.MustCompile(`^[A-Za-z0-9_$-]+$`)

// joinPath appends a field name to a parent path. Names that could be mistaken for path syntax are
// bracket-quoted, so two different fields never share a path.
func joinPath(parent, name string) string {
	if plainSegment.MatchString(name) {
		if parent == "" {
			return name
		}
		return parent + "." + name
	}
	return parent + "[" + strconv.Quote(name) + "]"
}

// walker carries what every format's walk needs: the size budget and the named types being expanded
// (to stop recursion).
type walker struct {
	fields int
	open   map[string]bool
	cut    bool // some part of the schema was left out
}

func newWalker() *walker { return &walker{open: map[string]bool{}} }

// room reports whether one more field at this depth fits, counting it.
func (w *walker) room(depth int) bool {
	if depth > maxDepth || w.fields >= maxFields {
		w.cut = true
		return false
	}
	w.fields++
	return true
}

// full reports whether a type's fields may no longer be expanded under f, marking f if so.
func (w *walker) full(f *Field, depth int) bool {
	if depth > maxDepth || w.fields >= maxFields {
		w.cut = true
		setExtra(f, "truncated", "true")
		return true
	}
	return false
}

func setExtra(f *Field, k, v string) {
	if v == "" {
		return
	}
	if f.Extra == nil {
		f.Extra = map[string]string{}
	}
	f.Extra[k] = v
}
