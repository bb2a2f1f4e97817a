// Protobuf: bufbuild/protocompile compiles the schema with its registry references as imports (all in
// memory, comments kept as source info); this file walks the linked descriptors into Fields.
package schema

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

func parseProtobuf(text string, refs map[string]string) (*Tree, error) {
	// The registry does not name the main schema's file; pick a name no reference uses, so an import
	// can never resolve to the schema itself.
	main := "schema.proto"
	for i := 2; ; i++ {
		if _, taken := refs[main]; !taken {
			break
		}
		main = "schema" + strconv.Itoa(i) + ".proto"
	}
	files := make(map[string]string, len(refs)+1)
	for name, src := range refs {
		files[name] = src
	}
	files[main] = text

	c := protocompile.Compiler{
		// Only the given texts (and the well-known google/protobuf/*.proto files that the registry
		// also resolves without a reference) can be imported: never the file system.
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(files)}),
		SourceInfoMode: protocompile.SourceInfoStandard,
		// Pages are built in parallel already; one schema needs no more than one goroutine.
		MaxParallelism: 1,
	}
	compiled, err := c.Compile(context.Background(), main)
	if err != nil {
		return nil, err
	}
	fd := compiled[0]
	w := newWalker()
	p := protoWalk{walker: w, pkg: string(fd.Package())}

	t := &Tree{Kind: Protobuf}
	if p.pkg != "" {
		t.Extra = map[string]string{"package": p.pkg}
	}
	msgs := fd.Messages()
	switch {
	case msgs.Len() == 1:
		m := msgs.Get(0)
		t.Name, t.Type, t.Doc = string(m.FullName()), p.name(m)+" (message)", protoDoc(m)
		w.open[string(m.FullName())] = true
		t.Fields = p.fields(m, "", 0)
	case msgs.Len() > 1:
		// Several top-level messages: the registry treats the first as the record type, but the
		// others are often sent too, so each becomes a root Field (Type "message") holding its fields.
		m := msgs.Get(0)
		t.Name, t.Type, t.Doc = string(m.FullName()), p.name(m)+" (message)", protoDoc(m)
		for i := 0; i < msgs.Len() && w.room(0); i++ {
			m := msgs.Get(i)
			f := Field{Path: joinPath("", string(m.Name())), Name: string(m.Name()), Type: "message", Doc: protoDoc(m)}
			setExtra(&f, "group", "message")
			f.Children = p.children(m, &f, f.Path, 1)
			t.Fields = append(t.Fields, f)
		}
	default:
		// No message at all (a file of shared enums): list the enums so the page is not empty.
		for i := 0; i < fd.Enums().Len() && w.room(0); i++ {
			e := fd.Enums().Get(i)
			f := Field{Path: joinPath("", string(e.Name())), Name: string(e.Name()), Type: "enum " + p.name(e), Doc: protoDoc(e), Enum: protoEnumValues(e)}
			t.Fields = append(t.Fields, f)
		}
	}
	t.Truncated = w.cut
	return t, nil
}

type protoWalk struct {
	*walker
	pkg string
}

// fields lists a message's fields in declaration order. Members of a (non-synthetic) oneof are
// grouped under one Field for the oneof, placed where its first member is declared.
func (p protoWalk) fields(m protoreflect.MessageDescriptor, parent string, depth int) []Field {
	var out []Field
	groups := map[string]int{} // oneof name -> index in out
	fds := m.Fields()
	for i := 0; i < fds.Len(); i++ {
		if !p.room(depth) {
			break
		}
		fd := fds.Get(i)
		oo := fd.ContainingOneof()
		if oo == nil || oo.IsSynthetic() {
			out = append(out, p.field(fd, parent, depth))
			continue
		}
		name := string(oo.Name())
		gi, ok := groups[name]
		if !ok {
			g := Field{Path: joinPath(parent, name), Name: name, Type: "oneof " + name, Nullable: true, Doc: protoDoc(oo)}
			setExtra(&g, "group", "oneof")
			out = append(out, g)
			gi = len(out) - 1
			groups[name] = gi
		}
		member := p.field(fd, out[gi].Path, depth+1)
		setExtra(&member, "oneof", name)
		out[gi].Children = append(out[gi].Children, member)
	}
	return out
}

func (p protoWalk) field(fd protoreflect.FieldDescriptor, parent string, depth int) Field {
	f := Field{
		Path:     joinPath(parent, string(fd.Name())),
		Name:     string(fd.Name()),
		Type:     p.fieldType(fd),
		Required: fd.Cardinality() == protoreflect.Required,
		Doc:      protoDoc(fd),
	}
	// "Nullable" for Protobuf means the field can be absent rather than holding its zero value.
	f.Nullable = fd.HasPresence() && !f.Required && !fd.IsList() && !fd.IsMap()
	setExtra(&f, "number", strconv.Itoa(int(fd.Number())))
	switch {
	case f.Required:
		setExtra(&f, "label", "required")
	case fd.IsList():
		setExtra(&f, "label", "repeated")
	case fd.HasOptionalKeyword():
		setExtra(&f, "label", "optional")
	}
	if opts, ok := fd.Options().(*descriptorpb.FieldOptions); ok && opts.GetDeprecated() {
		f.Deprecated = true
	}
	if fd.HasDefault() {
		f.Default = protoDefault(fd)
	}

	elem := fd
	if fd.IsMap() {
		elem = fd.MapValue()
	}
	var named protoreflect.Descriptor
	switch elem.Kind() {
	case protoreflect.EnumKind:
		named = elem.Enum()
		f.Enum = protoEnumValues(elem.Enum())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		named = elem.Message()
		f.Children = p.children(elem.Message(), &f, f.Path, depth+1)
	}
	if named != nil {
		setExtra(&f, "namedType", string(named.FullName()))
		if f.Doc == "" { // a field without a comment borrows its type's
			f.Doc = protoDoc(named)
		}
	}
	return f
}

// children expands a message type under a field, stopping at recursion, at the size budget, and at
// the well-known google.protobuf types (Timestamp's seconds and nanos tell a reader nothing).
func (p protoWalk) children(m protoreflect.MessageDescriptor, f *Field, path string, depth int) []Field {
	name := string(m.FullName())
	switch {
	case strings.HasPrefix(name, "google.protobuf."):
		return nil
	case p.open[name]:
		setExtra(f, "recursive", "true")
		return nil
	case p.full(f, depth):
		return nil
	}
	p.open[name] = true
	defer delete(p.open, name)
	return p.fields(m, path, depth)
}

// fieldType renders "int32", "repeated string", "map<string,Money>", "Address (message)", "enum Status".
func (p protoWalk) fieldType(fd protoreflect.FieldDescriptor) string {
	if fd.IsMap() {
		return "map<" + p.elemType(fd.MapKey(), false) + "," + p.elemType(fd.MapValue(), false) + ">"
	}
	if fd.IsList() {
		return "repeated " + p.elemType(fd, false)
	}
	return p.elemType(fd, true)
}

func (p protoWalk) elemType(fd protoreflect.FieldDescriptor, top bool) string {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if top {
			return "enum " + p.name(fd.Enum())
		}
		return p.name(fd.Enum())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if top {
			return p.name(fd.Message()) + " (message)"
		}
		return p.name(fd.Message())
	default:
		return fd.Kind().String()
	}
}

// name shortens a type's full name relative to the schema's package, as its author would write it.
func (p protoWalk) name(d protoreflect.Descriptor) string {
	full := string(d.FullName())
	if p.pkg != "" && strings.HasPrefix(full, p.pkg+".") {
		return full[len(p.pkg)+1:]
	}
	return full
}

func protoEnumValues(e protoreflect.EnumDescriptor) []string {
	vals := e.Values()
	out := make([]string, vals.Len())
	for i := range out {
		out[i] = string(vals.Get(i).Name())
	}
	return out
}

// protoDefault renders an explicit proto2/editions default as JSON text.
func protoDefault(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if ev := fd.DefaultEnumValue(); ev != nil {
			return jsonText(string(ev.Name()))
		}
		return ""
	case protoreflect.BytesKind:
		return jsonText(string(fd.Default().Bytes()))
	default:
		return jsonText(fd.Default().Interface())
	}
}

// protoDoc is the comment attached to a declaration: the leading one, else the trailing one.
func protoDoc(d protoreflect.Descriptor) string {
	file := d.ParentFile()
	if file == nil {
		return ""
	}
	loc := file.SourceLocations().ByDescriptor(d)
	c := loc.LeadingComments
	if strings.TrimSpace(c) == "" {
		c = loc.TrailingComments
	}
	return cleanComment(c)
}

// cleanComment drops the one space after "//" that protoc keeps and the surrounding blank lines.
func cleanComment(c string) string {
	lines := strings.Split(c, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.TrimPrefix(l, " "), " \t\r")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// ProtoMessage is one message declared in a .proto file, nested ones included.
type ProtoMessage struct {
	// Name is its full name; Index its path of message indexes as the Confluent wire format
	// numbers them ([1, 0]: the first message nested in the file's second).
	Name  string
	Index []int
	// Line is the 0-based line of its `message` keyword; Indent the text before it there.
	Line   int
	Indent string
	// Used: another message has a field of its type (a message used only by itself is not).
	Used bool
}

// ProtobufMessages lists the messages of a standalone .proto text (imports only of Google's
// well-known types), in declaration order, depth first. Tools that turn a .proto file into one
// JSON Schema (AsyncAPI's Protobuf parser) need its root: a message no other uses.
func ProtobufMessages(text string) ([]ProtoMessage, error) {
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(map[string]string{"schema.proto": text})}),
		SourceInfoMode: protocompile.SourceInfoStandard,
		MaxParallelism: 1,
	}
	compiled, err := c.Compile(context.Background(), "schema.proto")
	if err != nil {
		return nil, err
	}
	fd := compiled[0]
	lines := strings.Split(text, "\n")
	used := map[protoreflect.FullName]bool{}
	var out []ProtoMessage
	var walk func(msgs protoreflect.MessageDescriptors, parent []int)
	walk = func(msgs protoreflect.MessageDescriptors, parent []int) {
		for i := 0; i < msgs.Len(); i++ {
			m := msgs.Get(i)
			if m.IsMapEntry() {
				continue
			}
			index := append(slices.Clone(parent), i)
			loc := fd.SourceLocations().ByDescriptor(m)
			pm := ProtoMessage{Name: string(m.FullName()), Index: index, Line: loc.StartLine}
			if loc.StartLine < len(lines) && loc.StartColumn <= len(lines[loc.StartLine]) {
				pm.Indent = lines[loc.StartLine][:loc.StartColumn]
			}
			out = append(out, pm)
			fields := m.Fields()
			for j := 0; j < fields.Len(); j++ {
				f := fields.Get(j)
				if f.IsMap() {
					f = f.MapValue()
				}
				if t := f.Message(); t != nil && t.FullName() != m.FullName() {
					used[t.FullName()] = true
				}
			}
			walk(m.Messages(), index)
		}
	}
	walk(fd.Messages(), nil)
	for i := range out {
		out[i].Used = used[protoreflect.FullName(out[i].Name)]
	}
	return out, nil
}
