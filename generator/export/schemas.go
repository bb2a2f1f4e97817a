package export

// The registry's schemas as AsyncAPI Multi Format Schema Objects. AsyncAPI tooling parses each
// schema on its own, without a registry to fetch references from, so references are resolved
// here from the snapshot: an Avro named type is defined inline where it is first used (Avro's
// own rule for a type used before), and a Protobuf import of another subject is bundled into
// the one file the Protobuf schema parser accepts (it refuses imports other than Google's).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kdocs/kdocs/generator/schema"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Schema formats, as the AsyncAPI 3.0 specification names them.
const (
	formatAvro       = "application/vnd.apache.avro;version=1.9.0"
	formatProtobuf   = "application/vnd.google.protobuf;version=3"
	formatJSONSchema = "application/schema+json;version=draft-07"
)

// multiFormatSchema is an AsyncAPI Multi Format Schema Object, with the subject and version it
// came from as extensions.
type multiFormatSchema struct {
	SchemaFormat string `yaml:"schemaFormat"`
	Schema       any    `yaml:"schema"`
	Subject      string `yaml:"x-kdocs-subject"`
	Version      int    `yaml:"x-kdocs-version"`
	ID           int    `yaml:"x-kdocs-schema-id"`
	Type         string `yaml:"x-kdocs-schema-type"`
	// Bundled lists the referenced subjects (subject:version) resolved into Schema.
	Bundled []string `yaml:"x-kdocs-bundled,omitempty"`
	// RootMessage is the Protobuf message kdocs marked as the schema's root, when the file has
	// several candidates (protobufRoot).
	RootMessage string `yaml:"x-kdocs-root-message,omitempty"`
}

// registry looks up subjects' versions in one snapshot.
type registry struct {
	subjects map[string]*snapshot.Subject
	// observed is, per Protobuf schema id, the message indexes most of the sampled records
	// carry (site.yaml's sample:), the message a topic really holds.
	observed map[int][]int
}

func newRegistry(s *snapshot.Snapshot) *registry {
	r := &registry{subjects: map[string]*snapshot.Subject{}, observed: map[int][]int{}}
	if s.Registry != nil {
		for i := range s.Registry.Subjects {
			r.subjects[s.Registry.Subjects[i].Name] = &s.Registry.Subjects[i]
		}
	}
	if s.Samples != nil {
		records := map[int]int{}
		for _, t := range s.Samples.Topics {
			for _, f := range []snapshot.Framing{t.Key, t.Value} {
				for _, u := range f.Schemas {
					if len(u.MessageIndexes) > 0 && u.Records > records[u.ID] {
						records[u.ID], r.observed[u.ID] = u.Records, u.MessageIndexes
					}
				}
			}
		}
	}
	return r
}

func (r *registry) version(subject string, version int) *snapshot.SchemaVersion {
	s := r.subjects[subject]
	if s == nil {
		return nil
	}
	for i := range s.Versions {
		if s.Versions[i].Version == version {
			return &s.Versions[i]
		}
	}
	return nil
}

// refClosure lists the references of v and of everything they reference, depth first, each
// once (a cycle or a chain of more than 100 ends the walk).
func (r *registry) refClosure(v *snapshot.SchemaVersion) []resolvedRef {
	var out []resolvedRef
	seen := map[string]bool{}
	var walk func(refs []snapshot.Reference, depth int)
	walk = func(refs []snapshot.Reference, depth int) {
		for _, ref := range refs {
			key := fmt.Sprintf("%s:%d", ref.Subject, ref.Version)
			if seen[key] || depth > 100 {
				continue
			}
			seen[key] = true
			rv := r.version(ref.Subject, ref.Version)
			if rv == nil {
				continue
			}
			walk(rv.References, depth+1) // what a reference needs comes before it
			out = append(out, resolvedRef{Reference: ref, version: rv})
		}
	}
	walk(v.References, 0)
	return out
}

type resolvedRef struct {
	snapshot.Reference
	version *snapshot.SchemaVersion
}

// schema converts the latest live version of subject; nil when the registry does not hold it,
// every version is deleted, or its text does not parse (then err says why).
func (r *registry) schema(subject string) (*multiFormatSchema, error) {
	s := r.subjects[subject]
	if s == nil {
		return nil, nil
	}
	v := s.Latest()
	if v == nil {
		return nil, nil
	}
	out := &multiFormatSchema{Subject: subject, Version: v.Version, ID: v.ID, Type: cmpOr(v.Type, "AVRO")}
	refs := r.refClosure(v)
	for _, ref := range refs {
		out.Bundled = append(out.Bundled, fmt.Sprintf("%s:%d", ref.Subject, ref.Version))
	}
	var err error
	switch out.Type {
	case "AVRO":
		out.SchemaFormat = formatAvro
		out.Schema, err = avroSchema(v, refs)
	case "PROTOBUF":
		out.SchemaFormat = formatProtobuf
		var text string
		if text, err = protobufSchema(v, refs); err == nil {
			out.Schema, out.RootMessage, err = protobufRoot(text, r.observed[v.ID])
		}
	case "JSON":
		out.SchemaFormat = formatJSONSchema
		out.Schema, err = jsonSchema(v)
	default:
		return nil, fmt.Errorf("subject %q version %d: schema type %q is not one AsyncAPI can carry", subject, v.Version, v.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("subject %q version %d: %w", subject, v.Version, err)
	}
	return out, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// decodeJSON decodes keeping numbers as written (json.Number), so a long default or an
// integer bound survives the trip to YAML exactly.
func decodeJSON(text string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("text after the schema")
	}
	return numbers(v), nil
}

// numbers replaces each json.Number by the value YAML writes as that number: an int64, an
// integer too big for one as a YAML !!int scalar of its digits, a float64 (which YAML writes
// with the shortest digits that read back the same).
func numbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n
		}
		if !strings.ContainsAny(t.String(), ".eE") {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: t.String()}
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	case []any:
		for i := range t {
			t[i] = numbers(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = numbers(t[k])
		}
	}
	return v
}

var avroPrimitives = map[string]bool{"null": true, "boolean": true, "int": true, "long": true, "float": true,
	"double": true, "bytes": true, "string": true}

// avroSchema decodes an Avro schema and defines each referenced named type inline at its first
// use, so that the schema stands alone.
func avroSchema(v *snapshot.SchemaVersion, refs []resolvedRef) (any, error) {
	root, err := decodeJSON(v.Schema)
	if err != nil {
		return nil, fmt.Errorf("avro schema: %w", err)
	}
	if len(refs) == 0 {
		return root, nil
	}
	defs := map[string]any{} // full name → decoded definition
	for _, ref := range refs {
		d, err := decodeJSON(ref.version.Schema)
		if err != nil {
			return nil, fmt.Errorf("avro reference %s: %w", ref.Subject, err)
		}
		if name := avroFullName(d, ""); name != "" {
			defs[name] = d
		}
		defs[ref.Name] = d // the name the reference gives it
	}
	a := &avroInliner{defs: defs, defined: map[string]bool{}}
	return a.walk(root, ""), nil
}

type avroInliner struct {
	defs    map[string]any
	defined map[string]bool
}

// avroFullName is the full name of a named type (record, enum, fixed), or "".
func avroFullName(v any, ns string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	name, _ := m["name"].(string)
	if name == "" {
		return ""
	}
	if strings.Contains(name, ".") {
		return name
	}
	if n, ok := m["namespace"].(string); ok {
		ns = n
	}
	if ns == "" {
		return name
	}
	return ns + "." + name
}

// walk returns v with references to undefined named types replaced by their definitions.
func (a *avroInliner) walk(v any, ns string) any {
	switch t := v.(type) {
	case string:
		if avroPrimitives[t] {
			return t
		}
		full := t
		if !strings.Contains(t, ".") && ns != "" {
			full = ns + "." + t
		}
		for _, name := range []string{full, t} {
			if a.defined[name] {
				return t
			}
			if d, ok := a.defs[name]; ok {
				// Defined here, once; the definition's own references are walked in its namespace.
				a.defined[name] = true
				if fn := avroFullName(d, ""); fn != "" {
					a.defined[fn] = true
				}
				return a.walk(d, avroNamespace(d, ""))
			}
		}
		return t
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = a.walk(e, ns)
		}
		return out
	case map[string]any:
		if fn := avroFullName(t, ns); fn != "" {
			a.defined[fn] = true
			ns = avroNamespace(t, ns)
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			switch k {
			case "type", "items", "values":
				out[k] = a.walk(e, ns)
			case "fields":
				fields, ok := e.([]any)
				if !ok {
					out[k] = e
					continue
				}
				fs := make([]any, len(fields))
				for i, f := range fields {
					fm, ok := f.(map[string]any)
					if !ok {
						fs[i] = f
						continue
					}
					nf := make(map[string]any, len(fm))
					for fk, fv := range fm {
						if fk == "type" {
							fv = a.walk(fv, ns)
						}
						nf[fk] = fv
					}
					fs[i] = nf
				}
				out[k] = fs
			default:
				out[k] = e
			}
		}
		return out
	}
	return v
}

// avroNamespace is the namespace a named type gives the types nested in it.
func avroNamespace(v any, ns string) string {
	fn := avroFullName(v, ns)
	if i := strings.LastIndexByte(fn, '.'); i >= 0 {
		return fn[:i]
	}
	return ns
}

var (
	protoImportRE  = regexp.MustCompile(`(?m)^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;[ \t]*\r?\n?`)
	protoPackageRE = regexp.MustCompile(`(?m)^\s*package\s+([A-Za-z_][A-Za-z0-9_.]*)\s*;[ \t]*\r?\n?`)
	protoSyntaxRE  = regexp.MustCompile(`(?m)^\s*(?:syntax|edition)\s*=\s*"[^"]*"\s*;[ \t]*\r?\n?`)
)

// protobufSchema is the .proto text of v, with the files it imports from other subjects
// bundled in: their definitions are appended in v's package, and names qualified with their
// packages lose the qualification. Imports of Google's well-known types stay.
func protobufSchema(v *snapshot.SchemaVersion, refs []resolvedRef) (string, error) {
	if len(refs) == 0 {
		return v.Schema, nil
	}
	bundled := map[string]bool{}
	var pkgs []string
	for _, ref := range refs {
		bundled[ref.Name] = true
		if m := protoPackageRE.FindStringSubmatch(ref.version.Schema); m != nil {
			pkgs = append(pkgs, m[1])
		}
	}
	// Longest first, so that a.b.c is removed before a.b.
	slices.SortFunc(pkgs, func(a, b string) int { return len(b) - len(a) })
	pkgs = slices.Compact(pkgs)
	var res []*regexp.Regexp
	for _, p := range pkgs {
		res = append(res, regexp.MustCompile(`(^|[^A-Za-z0-9_.])\.?`+regexp.QuoteMeta(p)+`\.([A-Za-z_])`))
	}
	// unqualify leaves package lines alone: only type names lose their package.
	unqualify := func(text string) string {
		lines := strings.SplitAfter(text, "\n")
		for i, l := range lines {
			if protoPackageRE.MatchString(l) {
				continue
			}
			for _, re := range res {
				l = re.ReplaceAllString(l, "$1$2")
			}
			lines[i] = l
		}
		return strings.Join(lines, "")
	}
	dropBundledImports := func(text string) string {
		return protoImportRE.ReplaceAllStringFunc(text, func(line string) string {
			if bundled[protoImportRE.FindStringSubmatch(line)[1]] {
				return ""
			}
			return line
		})
	}
	var b bytes.Buffer
	b.WriteString(unqualify(dropBundledImports(v.Schema)))
	for _, ref := range refs {
		text := ref.version.Schema
		// The bundled file's own Google imports move up to the main file's.
		var imports []string
		for _, m := range protoImportRE.FindAllStringSubmatch(text, -1) {
			if !bundled[m[1]] {
				imports = append(imports, m[0])
			}
		}
		text = protoImportRE.ReplaceAllString(text, "")
		text = protoPackageRE.ReplaceAllString(text, "")
		text = protoSyntaxRE.ReplaceAllString(text, "")
		if len(imports) > 0 {
			main := b.String()
			loc := protoPackageRE.FindStringIndex(main)
			if loc == nil {
				loc = protoSyntaxRE.FindStringIndex(main)
			}
			at := 0
			if loc != nil {
				at = loc[1]
			}
			var add strings.Builder
			for _, imp := range imports {
				if !strings.Contains(main, strings.TrimSpace(imp)) {
					add.WriteString(strings.TrimSpace(imp) + "\n")
				}
			}
			b.Reset()
			b.WriteString(main[:at] + add.String() + main[at:])
		}
		fmt.Fprintf(&b, "\n// Bundled by kdocs from subject %s version %d (%s).\n", ref.Subject, ref.Version, ref.Name)
		b.WriteString(strings.TrimLeft(unqualify(text), "\n"))
	}
	out := b.String()
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out, nil
}

// protobufRoot marks the root message of a .proto file that has several: AsyncAPI's Protobuf
// parser makes one JSON Schema of a file, rooted at the message no other uses, and fails when
// there are several unless one carries a @RootNode comment. The root kdocs marks is the message
// the sampled records name (observed, their message indexes) when it is a candidate, else the
// first top-level candidate: Confluent's serializers write [0], the file's first message, for a
// record that names none. A file with one candidate is returned as it is.
func protobufRoot(text string, observed []int) (string, string, error) {
	msgs, err := schema.ProtobufMessages(text)
	if err != nil {
		// Not kdocs' to judge: the registry accepted the file, and AsyncAPI tooling reports
		// what it cannot read in its own words. Nothing to mark.
		return text, "", nil
	}
	var roots []schema.ProtoMessage
	for _, m := range msgs {
		if !m.Used {
			roots = append(roots, m)
		}
	}
	if len(roots) < 2 {
		return text, "", nil
	}
	root := roots[0]
	for _, m := range roots {
		if len(m.Index) == 1 {
			root = m
			break
		}
	}
	for _, m := range roots {
		if observed != nil && slices.Equal(m.Index, observed) {
			root = m
		}
	}
	lines := strings.SplitAfter(text, "\n")
	if root.Line >= len(lines) {
		return text, "", nil
	}
	line := lines[root.Line]
	if strings.TrimSpace(root.Indent) == "" {
		lines[root.Line] = root.Indent + "// @RootNode\n" + line
	} else {
		// Something precedes the keyword on its line (`message A { message B {`): the line
		// breaks before the keyword, so that the mark is B's comment and not A's.
		lines[root.Line] = root.Indent + "\n// @RootNode\n" + line[len(root.Indent):]
	}
	return strings.Join(lines, ""), root.Name, nil
}

// jsonSchema decodes a JSON Schema. AsyncAPI tooling must support draft-07; a schema that
// declares another dialect keeps it under x-kdocs-dialect and is read as draft-07 (the
// keywords the two share mean the same).
func jsonSchema(v *snapshot.SchemaVersion) (any, error) {
	d, err := decodeJSON(v.Schema)
	if err != nil {
		return nil, fmt.Errorf("json schema: %w", err)
	}
	if m, ok := d.(map[string]any); ok {
		if dialect, ok := m["$schema"].(string); ok && !strings.Contains(dialect, "draft-07") {
			delete(m, "$schema")
			m["x-kdocs-dialect"] = dialect
		}
	}
	return d, nil
}
