// Hostile input: schemas built to blow up the walk, and a fuzz target whose seed corpus runs in every
// `go test` (explore further with `go test -fuzz=FuzzParse ./generator/schema/`).
package schema

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each type uses the next one twice: expanded naively, the tree has 2^depth fields.
func exponentialAvro(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, `{"type":"record","name":"T%d","fields":[{"name":"a","type":`, i)
	}
	b.WriteString(`"string"`)
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, `},{"name":"b","type":"T%d"}]}`, i+1)
	}
	return strings.Replace(b.String(), `"type":"T`+fmt.Sprint(depth)+`"`, `"type":"string"`, 1)
}

func exponentialProto(depth int) string {
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\n")
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "message T%d { T%d a = 1; T%d b = 2; }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "message T%d { string leaf = 1; }\n", depth)
	return b.String()
}

func exponentialJSON(depth int) string {
	var defs []string
	for i := 0; i < depth; i++ {
		defs = append(defs, fmt.Sprintf(`"T%d":{"type":"object","properties":{"a":{"$ref":"#/$defs/T%d"},"b":{"$ref":"#/$defs/T%d"}}}`, i, i+1, i+1))
	}
	defs = append(defs, fmt.Sprintf(`"T%d":{"type":"string"}`, depth))
	return `{"$ref":"#/$defs/T0","$defs":{` + strings.Join(defs, ",") + `}}`
}

func TestHostileSchemasStayBounded(t *testing.T) {
	tests := []struct {
		kind Kind
		text string
	}{
		{Avro, exponentialAvro(40)},
		{Protobuf, exponentialProto(40)},
		{JSON, exponentialJSON(40)},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			start := time.Now()
			tree, err := Parse(tt.kind, tt.text, nil)
			require.NoError(t, err)
			n, truncated := 0, false
			tree.Walk(func(f *Field) {
				n++
				truncated = truncated || f.Extra["truncated"] == "true"
			})
			assert.LessOrEqual(t, n, maxFields)
			assert.True(t, truncated, "a cut-off walk must say so")
			assert.True(t, tree.Truncated)
			assert.Less(t, time.Since(start), 5*time.Second)
		})
	}
}

func FuzzParse(f *testing.F) {
	seeds := []struct {
		kind      uint8
		text, ref string
	}{
		{0, testdata(f, "order_placed_v1.avsc"), ""},
		{0, testdata(f, "order_placed_v3.avsc"), `{"type":"enum","name":"Money","namespace":"com.shop.common","symbols":["A"]}`},
		{0, `{"type":"record","name":"Category","fields":[{"name":"children","type":{"type":"array","items":"Category"}}]}`, ""},
		{0, `["null",{"type":"fixed","name":"F","size":-1}]`, ""},
		{0, `{"type":"record","name":"X","fields":[{"name":"a","type":"com.shop.common.Money"}]}`, `{"type":"record","name":"Money","namespace":"com.shop.common","fields":[]}`},
		{0, exponentialAvro(8), ""},
		{1, testdata(f, "payment.proto"), testdata(f, "money.proto")},
		{1, `syntax = "proto2"; message A { required group G = 1 { optional int32 x = 2 [default = -1]; } }`, ""},
		{1, `syntax = "proto3"; import "shop/common/money.proto"; message A { shop.common.Money m = 1; }`, `syntax = "proto3"; package shop.common; message Money {}`},
		{1, exponentialProto(8), ""},
		{2, testdata(f, "refund.json"), testdata(f, "customer.json")},
		{2, `{"type":"object","properties":{"a":{"$ref":"#"},"b":{"anyOf":[{"type":"null"},{"items":{"$ref":"#/properties/b"}}]}}}`, ""},
		{2, `{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://x/y.json","properties":{"c":{"$ref":"customer.json"}}}`, `{"properties":{"id":{}}}`},
		{2, exponentialJSON(8), ""},
		{2, `{"properties":{"a":{"type":"array","items":[{"type":"string"}]}}}`, ""},
		{2, `true`, ""},
		{2, `{"properties":{"option 1":{},"option 1 (2)":{}},"anyOf":[{},{"$ref":"#/$defs/A"},{"$ref":"#/$defs/A"}],"$defs":{"A":{}}}`, ""},
	}
	for _, s := range seeds {
		f.Add(s.kind, s.text, s.ref)
	}
	kinds := []Kind{Avro, Protobuf, JSON}
	refNames := map[Kind]string{Avro: "com.shop.common.Money", Protobuf: "shop/common/money.proto", JSON: "customer.json"}
	f.Fuzz(func(t *testing.T, k uint8, text, ref string) {
		kind := kinds[int(k)%len(kinds)]
		refs := map[string]string{}
		if ref != "" {
			refs[refNames[kind]] = ref
		}
		// parse, not Parse: Parse turns a panic into an error, which would hide it from the fuzzer.
		tree, err := parse(kind, text, refs)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		n := 0
		tree.Walk(func(f *Field) {
			n++
			if seen[f.Path] {
				t.Fatalf("duplicate path %q", f.Path)
			}
			seen[f.Path] = true
		})
		if n > maxFields {
			t.Fatalf("%d fields, limit %d", n, maxFields)
		}
		if cs := Diff(tree, tree, "FULL"); len(cs) != 0 {
			t.Fatalf("a tree differs from itself: %+v", cs)
		}
	})
}
