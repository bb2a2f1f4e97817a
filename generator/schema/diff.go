// Diff: the changes between two versions of a subject's schema, each judged against the subject's
// compatibility mode the way the registry would (who reads whose data), so a reader sees why a
// version was, or would have been, rejected.
package schema

import (
	"slices"
	"strconv"
	"strings"
)

// Change is one difference between two versions of a schema.
type Change struct {
	// Path is the field's path ("" for the schema as a whole).
	Path string `json:"path"`
	// Kind is one of the Change* constants.
	Kind string `json:"kind"`
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
	// Breaking: under the given compatibility mode, a consumer or producer on one side of the change
	// could no longer read the other side's data.
	Breaking bool `json:"breaking,omitempty"`
	// Reason explains the verdict: why it breaks, or why a change that looks risky does not.
	Reason string `json:"reason,omitempty"`
}

// Change kinds.
const (
	ChangeAdded           = "added"
	ChangeRemoved         = "removed"
	ChangeTypeChanged     = "type-changed"
	ChangeDefaultChanged  = "default-changed"
	ChangeDocChanged      = "doc-changed"
	ChangeRequiredChanged = "required-changed"
	ChangeNumberChanged   = "number-changed" // Protobuf field number
	ChangeEnumChanged     = "enum-changed"   // enum symbols added or removed
	// ChangeContentModel: a JSON Schema object closed (additionalProperties: false) or opened.
	ChangeContentModel = "content-model-changed"
	// ChangePackage: a Protobuf schema's package changed.
	ChangePackage = "package-changed"
)

// mode says which direction the compatibility level protects. Backward: consumers on the new schema
// read data written with the old one. Forward: consumers still on the old schema read new data.
type mode struct{ backward, forward bool }

// parseMode reads a registry compatibility level. _TRANSITIVE levels judge each pair the same way
// (checking against every earlier version is the caller's loop); "" is the registry's default,
// BACKWARD; an unknown level is judged in both directions rather than waved through.
func parseMode(s string) mode {
	switch strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "_TRANSITIVE") {
	case "", "BACKWARD":
		return mode{backward: true}
	case "FORWARD":
		return mode{forward: true}
	case "NONE":
		return mode{}
	default: // FULL and anything unrecognised
		return mode{backward: true, forward: true}
	}
}

// verdict holds why a change breaks each direction ("" when it does not) and a note for changes
// that are safe but worth explaining.
type verdict struct{ backward, forward, note string }

func (v verdict) apply(m mode, c *Change) {
	var reasons []string
	if m.backward && v.backward != "" {
		reasons = append(reasons, v.backward)
	}
	if m.forward && v.forward != "" {
		reasons = append(reasons, v.forward)
	}
	c.Breaking = len(reasons) > 0
	switch {
	case c.Breaking:
		c.Reason = strings.Join(reasons, "; ")
	case v.note != "":
		c.Reason = v.note
	}
}

// flatField is a field with what Diff needs to know about its surroundings.
type flatField struct {
	*Field
	parent string
}

func flatten(t *Tree) (order []string, byPath map[string]flatField) {
	byPath = map[string]flatField{}
	var walk func(fs []Field, parent string)
	walk = func(fs []Field, parent string) {
		for i := range fs {
			f := &fs[i]
			if _, dup := byPath[f.Path]; dup {
				continue
			}
			order = append(order, f.Path)
			byPath[f.Path] = flatField{Field: f, parent: parent}
			walk(f.Children, f.Path)
		}
	}
	if t != nil {
		walk(t.Fields, "")
	}
	return order, byPath
}

// transparent: a Protobuf oneof only groups fields that exist on their own (with their own numbers),
// so its members are judged one by one.
func transparent(f *Field) bool { return f.Extra["group"] == "oneof" }

// groupVerdict judges a union branch, a oneOf/anyOf alternative or a root message appearing or
// disappearing. Its fields are not judged one by one: old data never took a branch that did not
// exist, and the union's own type change (reported on its field) carries the verdict.
func groupVerdict(f *Field) verdict {
	if f.Extra["group"] == "message" {
		return verdict{note: "a message of the schema file"}
	}
	return verdict{note: "a branch of " + f.Extra["group"] + "; the enclosing field's type change carries the verdict"}
}

// Diff lists what changed from prev to next: the schema's root first, then fields in the next
// version's order, then removed fields in the previous version's order. A field added or removed with
// its whole subtree is reported once. compatibility is the subject's level (BACKWARD, FORWARD,
// FULL, their _TRANSITIVE forms, NONE).
func Diff(prev, next *Tree, compatibility string) []Change {
	m := parseMode(compatibility)
	if prev == nil || next == nil {
		return nil
	}
	var out []Change
	emit := func(c Change, v verdict) {
		v.apply(m, &c)
		out = append(out, c)
	}
	if prev.Kind != next.Kind {
		emit(Change{Kind: ChangeTypeChanged, Old: string(prev.Kind), New: string(next.Kind)},
			verdict{backward: "the schema format changed", forward: "the schema format changed"})
		return out
	}
	k := next.Kind
	if prev.Type != next.Type {
		// An Avro root record's aliases let a reader accept the old name, as a field type's do.
		root := &Field{Extra: map[string]string{"typeAliases": next.Extra["aliases"]}}
		emit(Change{Kind: ChangeTypeChanged, Old: prev.Type, New: next.Type}, typeVerdict(k, prev.Type, next.Type, nil, root))
	}
	if k == JSON {
		contentModel("", prev.Extra, next.Extra, emit)
	}
	if o, n := prev.Extra["package"], next.Extra["package"]; k == Protobuf && o != n {
		const why = "every message's full name changes with the package, and the registry matches messages by full name"
		emit(Change{Kind: ChangePackage, Old: o, New: n}, verdict{backward: why, forward: why})
	}
	if prev.Doc != next.Doc {
		emit(Change{Kind: ChangeDocChanged, Old: prev.Doc, New: next.Doc}, verdict{})
	}

	oldOrder, oldFields := flatten(prev)
	newOrder, newFields := flatten(next)
	// closed reports whether a JSON Schema object (the root for "") forbids properties it does not
	// list. An object that is not found counts as open, the default.
	closed := func(t *Tree, fields map[string]flatField, path string) bool {
		if path == "" {
			return t.Extra["additionalProperties"] == "false"
		}
		f, ok := fields[path]
		return ok && f.Extra["additionalProperties"] == "false"
	}
	oldMsgs, newMsgs := protoMessages(prev), protoMessages(next)
	oldNums, newNums := protoNumbers(oldFields), protoNumbers(newFields)

	// Removed fields, by parent, so an added field can be recognised as a rename (Avro alias) or as
	// a reuse of a removed field's number (Protobuf).
	removedByParent := map[string][]flatField{}
	for _, p := range oldOrder {
		if _, ok := newFields[p]; !ok {
			of := oldFields[p]
			removedByParent[of.parent] = append(removedByParent[of.parent], of)
		}
	}

	// A subtree added or removed as a whole is reported at its top only.
	skipped := func(fields map[string]flatField, others map[string]flatField, p string) bool {
		for parent := fields[p].parent; parent != ""; parent = fields[parent].parent {
			if _, ok := others[parent]; !ok && !transparent(fields[parent].Field) {
				return true
			}
		}
		return false
	}

	for _, p := range newOrder {
		nf := newFields[p]
		of, ok := oldFields[p]
		if !ok {
			c := Change{Path: p, Kind: ChangeAdded, New: nf.Type}
			switch {
			case skipped(newFields, oldFields, p) || transparent(nf.Field):
			case nf.Extra["group"] == "message":
				emit(c, messageVerdict(nf.Name, true, oldMsgs))
			case nf.Extra["group"] != "":
				emit(c, groupVerdict(nf.Field))
			default:
				emit(c, addedVerdict(k, nf, removedByParent[nf.parent], closed(prev, oldFields, nf.parent), oldNums))
			}
			continue
		}
		compareField(k, of.Field, nf.Field, emit)
	}
	for _, p := range oldOrder {
		of := oldFields[p]
		if _, ok := newFields[p]; ok || skipped(oldFields, newFields, p) || transparent(of.Field) {
			continue
		}
		c := Change{Path: p, Kind: ChangeRemoved, Old: of.Type}
		switch {
		case of.Extra["group"] == "message":
			emit(c, messageVerdict(of.Name, false, newMsgs))
		case of.Extra["group"] != "":
			emit(c, groupVerdict(of.Field))
		default:
			emit(c, removedVerdict(k, of, closed(next, newFields, of.parent), newNums))
		}
	}
	return out
}

func compareField(k Kind, of, nf *Field, emit func(Change, verdict)) {
	p := nf.Path
	if of.Type != nf.Type {
		emit(Change{Path: p, Kind: ChangeTypeChanged, Old: of.Type, New: nf.Type}, typeVerdict(k, of.Type, nf.Type, of, nf))
	}
	if on, nn := of.Extra["number"], nf.Extra["number"]; on != nn {
		// The registry (like protoc) matches fields by number: to it this is one field removed and
		// another added, both allowed. The value simply does not carry over.
		emit(Change{Path: p, Kind: ChangeNumberChanged, Old: on, New: nn},
			verdict{note: "readers match fields by number: each side ignores the other's number " + on + " / " + nn + ", so the value does not carry over between versions (reserve " + on + ")"})
	}
	if k == JSON {
		contentModel(p, of.Extra, nf.Extra, emit)
	}
	if !slices.Equal(of.Enum, nf.Enum) {
		emit(Change{Path: p, Kind: ChangeEnumChanged, Old: strings.Join(of.Enum, ","), New: strings.Join(nf.Enum, ",")}, enumVerdict(k, of, nf))
	}
	if of.Default != nf.Default {
		emit(Change{Path: p, Kind: ChangeDefaultChanged, Old: of.Default, New: nf.Default},
			verdict{note: "a default only fills in a missing value; data already written keeps its own"})
	}
	if of.Doc != nf.Doc {
		emit(Change{Path: p, Kind: ChangeDocChanged, Old: of.Doc, New: nf.Doc}, verdict{})
	}
	// For Avro, Required follows from the type (null branch) and the default, whose changes are
	// reported and judged above; a second entry would only repeat them.
	if of.Required != nf.Required && k != Avro {
		c := Change{Path: p, Kind: ChangeRequiredChanged, Old: requiredWord(of.Required), New: requiredWord(nf.Required)}
		if nf.Required {
			emit(c, verdict{backward: "data written with the old schema may lack it"})
		} else {
			emit(c, verdict{forward: "consumers on the old schema still require it"})
		}
	}
}

func requiredWord(b bool) string {
	if b {
		return "required"
	}
	return "optional"
}

// contentModel judges a JSON Schema object closing (additionalProperties: false) or opening.
func contentModel(path string, old, new map[string]string, emit func(Change, verdict)) {
	o, n := old["additionalProperties"] == "false", new["additionalProperties"] == "false"
	switch {
	case !o && n:
		emit(Change{Path: path, Kind: ChangeContentModel, Old: "open", New: "closed"},
			verdict{backward: "the new schema forbids properties it does not list (additionalProperties: false), and old data may hold some"})
	case o && !n:
		emit(Change{Path: path, Kind: ChangeContentModel, Old: "closed", New: "open"},
			verdict{forward: "new data may hold properties the old schema forbids (additionalProperties: false)"})
	}
}

// protoMessages lists the top-level messages of a Protobuf tree: the root fields that stand for
// messages, or the root message alone.
func protoMessages(t *Tree) []string {
	if t == nil || t.Kind != Protobuf {
		return nil
	}
	var out []string
	for _, f := range t.Fields {
		if f.Extra["group"] == "message" {
			out = append(out, f.Name)
		}
	}
	if out == nil {
		if name, ok := strings.CutSuffix(t.Type, " (message)"); ok {
			out = append(out, name[strings.LastIndexByte(name, '.')+1:])
		}
	}
	return out
}

// messageVerdict judges a top-level Protobuf message added to or removed from the schema file.
// The registry compares every message of the file, each direction the way BACKWARD does: a
// message the reader's schema lacks counts as removed. others are the other version's messages:
// one found there was only regrouped (one message became several, or the reverse).
func messageVerdict(name string, added bool, others []string) verdict {
	if slices.Contains(others, name) {
		return verdict{note: "a message of the schema file"}
	}
	if added {
		return verdict{forward: "the old schema lacks message " + name + ", and the registry counts a message missing from the reader's schema as removed"}
	}
	return verdict{backward: "message " + name + " was removed from the schema file"}
}

// protoNumbers maps each Protobuf message (by the path of the field that holds it, "" for the
// root) to its fields by number; a oneof's members count as their message's.
func protoNumbers(fields map[string]flatField) map[string]map[string]flatField {
	out := map[string]map[string]flatField{}
	for _, f := range fields {
		n := f.Extra["number"]
		if n == "" {
			continue
		}
		m := protoParent(f)
		if out[m] == nil {
			out[m] = map[string]flatField{}
		}
		out[m][n] = f
	}
	return out
}

// protoParent is the path of the message a Protobuf field is declared in: its parent, or the
// oneof's parent for a oneof member.
func protoParent(f flatField) string {
	o := f.Extra["oneof"]
	switch {
	case o == "" || f.parent == joinPath("", o):
		if o != "" {
			return ""
		}
		return f.parent
	case strings.HasSuffix(f.parent, "."+o):
		return strings.TrimSuffix(f.parent, "."+o)
	}
	return strings.TrimSuffix(f.parent, "["+strconv.Quote(o)+"]")
}

func addedVerdict(k Kind, f flatField, removedSiblings []flatField, oldParentClosed bool, oldNums map[string]map[string]flatField) verdict {
	switch k {
	case Avro:
		if f.Default != "" {
			return verdict{note: "old data is read with the default"}
		}
		for _, alias := range splitList(f.Extra["aliases"]) {
			for _, r := range removedSiblings {
				if r.Name == alias {
					return verdict{note: "renamed from " + alias + " (alias)"}
				}
			}
		}
		return verdict{backward: "consumers on the new schema need a default to read old data, which lacks the field"}
	case Protobuf:
		// The registry (like the wire) knows fields by number: a field under a new name or in a
		// new place with an old number is that old field.
		if old, ok := oldNums[protoParent(f)][f.Extra["number"]]; ok && f.Extra["number"] != "" {
			n := f.Extra["number"]
			var v verdict
			if !protoWireCompatible(old.Type, f.Type) {
				why := "reuses number " + n + " of removed field " + old.Name + " with a type its data cannot be read as"
				v.backward, v.forward = why, why
			}
			switch oo, no := old.Extra["oneof"], f.Extra["oneof"]; {
			case oo == "" && no != "":
				v.forward = joinReasons(v.forward, "moved into oneof "+no+": consumers on the old schema read it outside any oneof, which the registry counts as leaving one")
			case oo != "" && no == "":
				v.backward = joinReasons(v.backward, "moved out of oneof "+oo+": the field no longer excludes the oneof's other members")
			}
			if v.backward == "" && v.forward == "" {
				v.note = "field number " + n + " of " + old.Name + ", under a new name or place: the same field to the registry"
			}
			return v
		}
		if f.Required {
			return verdict{backward: "a required field is missing from data written with the old schema",
				forward: "the old schema lacks a field the new one requires"}
		}
		if o := f.Extra["oneof"]; o != "" {
			return verdict{forward: "oneof " + o + " of the old schema lacks it, and the registry counts a field missing from the reader's oneof as removed from it"}
		}
	case JSON:
		var v verdict
		switch {
		case f.Required:
			v.backward = "a required property is missing from data written with the old schema"
		case !oldParentClosed:
			v.backward = "the old object was open (no additionalProperties: false), so old data may already hold a property of that name, of any type"
		}
		if oldParentClosed {
			v.forward = "consumers on the old schema reject properties it does not list (additionalProperties: false)"
		}
		return v
	}
	return verdict{}
}

func removedVerdict(k Kind, f flatField, newParentClosed bool, newNums map[string]map[string]flatField) verdict {
	switch k {
	case Avro:
		if f.Default == "" {
			return verdict{forward: "consumers on the old schema need a default for it, and it has none",
				note: "consumers on the new schema skip it in old data"}
		}
		return verdict{note: "consumers on the old schema fill in its default"}
	case Protobuf:
		if f.Required {
			return verdict{forward: "consumers on the old schema require it",
				backward: "the new schema lacks a field the old one requires"}
		}
		if _, reused := newNums[protoParent(f)][f.Extra["number"]]; reused && f.Extra["number"] != "" {
			return verdict{note: "its number " + f.Extra["number"] + " is now another field's (judged there)"}
		}
		if f.Extra["oneof"] != "" {
			why := "removing a field from oneof " + f.Extra["oneof"] + " changes what the oneof can hold"
			return verdict{backward: why}
		}
		if n := f.Extra["number"]; n != "" {
			return verdict{note: "reserve number " + n + " so it is never reused"}
		}
	case JSON:
		var v verdict
		switch {
		case f.Required:
			v.forward = "consumers on the old schema require it"
		case !newParentClosed:
			v.forward = "the new object is open (no additionalProperties: false), so new data may hold a property of that name, of any type"
		}
		if newParentClosed {
			v.backward = "the new schema forbids it (additionalProperties: false), and old data may hold it"
		}
		return v
	}
	return verdict{}
}

func enumVerdict(k Kind, of, nf *Field) verdict {
	var added, removed []string
	for _, s := range nf.Enum {
		if !slices.Contains(of.Enum, s) {
			added = append(added, s)
		}
	}
	for _, s := range of.Enum {
		if !slices.Contains(nf.Enum, s) {
			removed = append(removed, s)
		}
	}
	var v verdict
	switch k {
	case Protobuf:
		// Unknown enum numbers survive decoding; nothing fails to parse.
		return verdict{note: "unknown enum values are kept as numbers"}
	case Avro:
		if len(removed) > 0 && nf.Extra["enumDefault"] == "" {
			v.backward = "old data may hold removed symbol " + strings.Join(removed, ",") + " and the new enum has no default"
		}
		if len(added) > 0 && of.Extra["enumDefault"] == "" {
			v.forward = "consumers on the old schema cannot read new symbol " + strings.Join(added, ",") + " and the old enum has no default"
		}
	case JSON:
		switch {
		case len(of.Enum) == 0:
			v.backward = "an enum constraint was added: old data may hold other values"
		case len(nf.Enum) == 0:
			v.forward = "the enum constraint was removed: new data may hold values consumers on the old schema reject"
		default:
			if len(removed) > 0 {
				v.backward = "old data may hold removed value " + strings.Join(removed, ",")
			}
			if len(added) > 0 {
				v.forward = "consumers on the old schema reject new value " + strings.Join(added, ",")
			}
		}
	}
	if v.backward == "" && v.forward == "" && len(added)+len(removed) == 0 {
		v.note = "symbols reordered"
	}
	return v
}

// typeVerdict judges a type change in both directions. of and nf (either may be nil) are the old
// and new fields: the new one's named-type aliases let an Avro reader accept the old name, and
// their fixed sizes must match.
func typeVerdict(k Kind, oldType, newType string, of, nf *Field) verdict {
	switch k {
	case Avro:
		var aliases []string
		if nf != nil {
			aliases = splitList(nf.Extra["typeAliases"])
		}
		if of != nil && nf != nil && of.Extra["size"] != "" && nf.Extra["size"] != "" && of.Extra["size"] != nf.Extra["size"] {
			why := "a fixed of " + of.Extra["size"] + " bytes cannot be read as one of " + nf.Extra["size"] + " bytes"
			return verdict{backward: why, forward: why}
		}
		o, n := parseTypeExpr(oldType), parseTypeExpr(newType)
		var v verdict
		if !avroReadable(o, n, aliases) {
			v.backward = oldType + " data cannot be read as " + newType
		}
		if !avroReadable(n, o, nil) {
			v.forward = newType + " data cannot be read as " + oldType
		}
		switch {
		case v.backward == "" && v.forward == "":
			v.note = "Avro resolves " + oldType + " and " + newType + " to each other"
		case v.backward == "":
			v.note = "old " + oldType + " data is promoted to " + newType
		case v.forward == "":
			v.note = "new " + newType + " data is promoted to " + oldType + " for consumers on the old schema"
		}
		return v
	case JSON:
		o, n := parseTypeExpr(oldType), parseTypeExpr(newType)
		var v verdict
		if !jsonAccepts(n, o) {
			v.backward = "old " + oldType + " values are not valid " + newType
		}
		if !jsonAccepts(o, n) {
			v.forward = "new " + newType + " values are not valid " + oldType
		}
		return v
	default:
		if protoWireCompatible(oldType, newType) {
			return verdict{note: oldType + " and " + newType + " have the same wire encoding: each side reads the other's data (values may be truncated or reinterpreted)"}
		}
		why := "Protobuf cannot decode a field written as " + oldType + " as " + newType
		return verdict{backward: why, forward: why}
	}
}

// protoWireGroups are the Protobuf scalar types that share a wire encoding, and so may replace
// each other (the protobuf language guide's "updating a message type"; the registry's rule).
var protoWireGroups = [][]string{
	{"int32", "uint32", "int64", "uint64", "bool", "enum"},
	{"sint32", "sint64"},
	{"fixed32", "sfixed32"},
	{"fixed64", "sfixed64"},
	{"string", "bytes"},
}

// protoWireCompatible reports whether a field of type a (as the walker writes it: "int32",
// "repeated string", "enum Status", "Address (message)") reads data of type b and back.
func protoWireCompatible(a, b string) bool {
	if a == b {
		return true
	}
	ra, ea := strings.CutPrefix(a, "repeated ")
	rb, eb := strings.CutPrefix(b, "repeated ")
	ka, kb := protoKind(ra), protoKind(rb)
	if strings.HasPrefix(ra, "map<") || strings.HasPrefix(rb, "map<") {
		return false
	}
	if ea != eb && ka != "string" && ka != "bytes" && ka != "message" {
		// Only length-delimited fields are read the same one at a time or repeated.
		return false
	}
	switch {
	case ka == "message" || kb == "message":
		// Messages are compared field by field (each field's own change is judged on its own).
		return ka == kb
	case ka == "enum" && kb == "enum":
		return ra == rb // another enum type is another type
	}
	for _, g := range protoWireGroups {
		if slices.Contains(g, ka) && slices.Contains(g, kb) {
			return true
		}
	}
	return false
}

// protoKind reduces a Protobuf type string to its scalar name, "enum" or "message". The
// element of a repeated field is written by name alone, enum or message alike: it counts as a
// message (the walker cannot tell them apart there, and messages are compared field by field).
func protoKind(t string) string {
	switch {
	case strings.HasPrefix(t, "enum "):
		return "enum"
	case strings.HasSuffix(t, " (message)"):
		return "message"
	}
	for _, g := range protoWireGroups {
		if slices.Contains(g, t) {
			return t
		}
	}
	switch t {
	case "float", "double":
		return t
	}
	return "message"
}

// typeExpr is a type string read back: a base name, or a container of other types.
type typeExpr struct {
	base string     // "long", "Address", "union", "array", "map", "oneOf"...
	enum bool       // written "enum Name": Avro compares the name, JSON Schema the values
	args []typeExpr // union branches, array items, map values
}

// parseTypeExpr reads the grammar the walkers write: `base`, `base (detail)`, `enum Name`,
// `fixed Name (16 bytes)`, `Name (record)`, `array<T>`, `map<string,T>`, `union<T,...>`.
func parseTypeExpr(s string) typeExpr {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i > 0 && strings.HasSuffix(s, ">") {
		base := s[:i]
		args := splitTop(s[i+1 : len(s)-1])
		e := typeExpr{base: base}
		for _, a := range args {
			e.args = append(e.args, parseTypeExpr(a))
		}
		if base == "map" && len(e.args) == 2 { // the key is always string
			e.args = e.args[1:]
		}
		return e
	}
	if i := strings.Index(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	if s == "enum" {
		return typeExpr{enum: true}
	}
	if name, ok := strings.CutPrefix(s, "enum "); ok {
		return typeExpr{base: name, enum: true}
	}
	return typeExpr{base: strings.TrimPrefix(s, "fixed ")}
}

// splitTop splits on commas outside <> and ().
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '(':
			depth++
		case '>', ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// avroPromotions lists the writer→reader type promotions of the Avro specification.
var avroPromotions = map[string][]string{
	"int":    {"long", "float", "double"},
	"long":   {"float", "double"},
	"float":  {"double"},
	"string": {"bytes"},
	"bytes":  {"string"},
}

// avroReadable reports whether data written as w can be read as r (schema resolution rules).
func avroReadable(w, r typeExpr, readerAliases []string) bool {
	if w.base == "union" {
		for _, b := range w.args {
			if !avroReadable(b, r, readerAliases) {
				return false
			}
		}
		return true
	}
	if r.base == "union" {
		for _, b := range r.args {
			if avroReadable(w, b, readerAliases) {
				return true
			}
		}
		return false
	}
	if w.base != r.base {
		if slices.Contains(avroPromotions[w.base], r.base) {
			return true
		}
		for _, a := range readerAliases {
			if a == w.base || strings.HasSuffix(a, "."+w.base) {
				return true
			}
		}
		return false
	}
	if len(w.args) != len(r.args) {
		return false
	}
	for i := range w.args {
		if !avroReadable(w.args[i], r.args[i], nil) {
			return false
		}
	}
	return true
}

// jsonAccepts reports whether every value valid for inner is valid for outer, as far as the type
// strings tell (constraints such as minimum or pattern are not compared).
func jsonAccepts(outer, inner typeExpr) bool {
	if inner.base == "union" || inner.base == "oneOf" || inner.base == "anyOf" {
		for _, b := range inner.args {
			if !jsonAccepts(outer, b) {
				return false
			}
		}
		return true
	}
	if outer.base == "union" || outer.base == "oneOf" || outer.base == "anyOf" {
		for _, b := range outer.args {
			if jsonAccepts(b, inner) {
				return true
			}
		}
		return false
	}
	// An enum's values are compared by enum-changed; against a plain type, assume they are of
	// that type (an enum of strings inside "string").
	switch {
	case outer.enum:
		return inner.enum
	case inner.enum:
		o := jsonBase(outer.base)
		return o == "string" || o == "number" || o == "integer" || o == "any"
	}
	o, i := jsonBase(outer.base), jsonBase(inner.base)
	if c, ok := strings.CutPrefix(i, "const "); ok && !strings.HasPrefix(o, "const ") {
		// A constant is valid wherever a value of its JSON type is.
		i = constType(c)
	}
	switch {
	case o == "any":
		return true
	case o == i:
	case o == "number" && i == "integer":
		return true
	default:
		return false
	}
	if len(outer.args) != len(inner.args) {
		return len(outer.args) == 0 // a bare "array" accepts any items
	}
	for k := range outer.args {
		if !jsonAccepts(outer.args[k], inner.args[k]) {
			return false
		}
	}
	return true
}

// jsonBase maps a JSON Schema type name to its JSON type; a definition's bare name (inside
// array<...>) is taken to be an object.
func jsonBase(s string) string {
	switch s {
	case "null", "boolean", "number", "integer", "string", "array", "object", "any", "never":
		return s
	case "map":
		return "object"
	}
	if strings.HasPrefix(s, "const ") {
		return s
	}
	return "object"
}

// constType is the JSON type of a constant's JSON text.
func constType(text string) string {
	switch t := strings.TrimSpace(text); {
	case t == "":
		return "any"
	case t[0] == '"':
		return "string"
	case t == "true" || t == "false":
		return "boolean"
	case t == "null":
		return "null"
	case t[0] == '{':
		return "object"
	case t[0] == '[':
		return "array"
	case strings.ContainsAny(t, ".eE"):
		return "number"
	default:
		return "integer"
	}
}

// joinReasons joins two reasons, either of which may be "".
func joinReasons(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
