package check

// The schema of site.yaml and of annotation front matter is the Go types that decode them,
// read by reflection: a key added to generator/config is known here (and to the
// documentation test) without a second list to keep in step.

import (
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// field is one YAML key of a struct.
type field struct {
	key string
	typ reflect.Type
}

// fields lists the YAML keys of struct type t, inline structs flattened.
func fields(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			out = append(out, fields(deref(f.Type))...)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, field{key: name, typ: f.Type})
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// tagged reports whether struct type t names any of its keys with a yaml tag: a type with a
// custom unmarshaler and no tags (config.CSSFile) is read from a scalar, not from its fields.
func tagged(t reflect.Type) bool {
	for i := range t.NumField() {
		if n, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); n != "" && n != "-" {
			return true
		}
	}
	return false
}

// custom reports whether t decodes itself (yaml.Unmarshaler on the value or its pointer).
func custom(t reflect.Type) bool {
	return t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)
}

// shape is how a type is read from YAML.
type shape int

const (
	leaf    shape = iota // a scalar, or a custom type read whole
	mapping              // a struct: known keys
	dict                 // a map: any key, values of one type
	list                 // a slice
)

func shapeOf(t reflect.Type) shape {
	t = deref(t)
	switch t.Kind() {
	case reflect.Struct:
		if custom(t) && !tagged(t) {
			return leaf
		}
		return mapping
	case reflect.Map:
		return dict
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return leaf
		}
		return list
	}
	return leaf
}

// Keys lists every key that a value of type t reads, as dotted paths: "clusters[].name",
// "clusters[].topics.<name>.keyRecord". A map's keys are written <name>; a list's items [].
func Keys(t reflect.Type) []string {
	var out []string
	var walk func(prefix string, t reflect.Type, depth int)
	walk = func(prefix string, t reflect.Type, depth int) {
		if depth > 10 {
			return
		}
		t = deref(t)
		switch shapeOf(t) {
		case mapping:
			for _, f := range fields(t) {
				p := f.key
				if prefix != "" {
					p = prefix + "." + f.key
				}
				out = append(out, p)
				walk(p, f.typ, depth+1)
			}
		case dict:
			walk(prefix+".<name>", t.Elem(), depth+1)
		case list:
			walk(prefix+"[]", t.Elem(), depth+1)
		}
	}
	walk("", t, 0)
	sort.Strings(out)
	return out
}
