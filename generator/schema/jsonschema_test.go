// JSON Schema: the refund with $defs, required, enum, formats, a map, an array of objects, a oneOf,
// and an external reference resolved through the registry references.
package schema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func refundRefs(t testing.TB) map[string]string {
	return map[string]string{"customer.json": testdata(t, "customer.json")}
}

func TestParseJSONSchemaRefund(t *testing.T) {
	tree, err := Parse(JSON, testdata(t, "refund.json"), refundRefs(t))
	require.NoError(t, err)

	assert.Equal(t, JSON, tree.Kind)
	assert.Equal(t, "Refund", tree.Name)
	assert.Equal(t, "object", tree.Type)
	assert.Equal(t, "A refund issued against a captured payment.", tree.Doc)
	// Properties keep the order they were written in, although the compiled schema holds a map.
	assert.Equal(t, []row{
		{"refundId", "string (uuid)", true, false, ""},
		{"orderId", "string", true, false, ""},
		{"amount", "Money (object)", true, false, ""},
		{"amount.currency", "string", true, false, ""},
		{"amount.amountMinor", "integer", true, false, ""},
		{"reason", "enum Reason", true, false, ""},
		{"note", "union<null,string>", false, true, "null"},
		{"lines", "array<RefundLine>", false, false, ""},
		{"lines.sku", "string", true, false, ""},
		{"lines.quantity", "integer", false, false, "1"},
		{"requestedAt", "string (date-time)", false, false, ""},
		{"attributes", "map<string,string>", false, false, ""},
		{"customer", "Customer (object)", false, false, ""},
		{"customer.id", "string", true, false, ""},
		{"customer.email", "string (email)", false, false, ""},
		{"destination", "oneOf<CardRefund,StoreCredit>", false, false, ""},
		{"destination.CardRefund", "CardRefund (object)", false, false, ""},
		{"destination.CardRefund.last4", "string", false, false, ""},
		{"destination.StoreCredit", "StoreCredit (object)", false, false, ""},
		{"destination.StoreCredit.walletId", "string", false, false, ""},
		{"legacyCode", "string", false, false, ""},
	}, rows(tree))

	tests := []struct {
		path  string
		check func(t *testing.T, f *Field)
	}{
		{"refundId", func(t *testing.T, f *Field) {
			assert.Equal(t, "Refund identifier.", f.Doc)
			assert.Equal(t, "uuid", f.Extra["format"])
		}},
		{"reason", func(t *testing.T, f *Field) {
			assert.Equal(t, []string{"DAMAGED", "LATE", "WRONG_ITEM", "OTHER"}, f.Enum)
			assert.Equal(t, "Why the refund was granted.", f.Doc) // from the definition
		}},
		{"note", func(t *testing.T, f *Field) { assert.Equal(t, "Free text from the agent.", f.Doc) }},
		{"amount.currency", func(t *testing.T, f *Field) { assert.Equal(t, "ISO 4217 code.", f.Doc) }},
		{"destination", func(t *testing.T, f *Field) {
			assert.Equal(t, "oneOf", f.Extra["composition"])
			assert.Equal(t, "Where the money goes back to.", f.Doc)
		}},
		{"destination.CardRefund", func(t *testing.T, f *Field) { assert.Equal(t, "oneOf", f.Extra["group"]) }},
		{"legacyCode", func(t *testing.T, f *Field) { assert.True(t, f.Deprecated) }},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) { tt.check(t, field(t, tree, tt.path)) })
	}
}

func TestParseJSONSchemaDraft07AllOfAndNullableRef(t *testing.T) {
	tree, err := Parse(JSON, `{
	  "$schema": "http://json-schema.org/draft-07/schema#",
	  "title": "ReturnRequested",
	  "definitions": {
	    "Base": {"type": "object", "required": ["eventId"], "properties": {"eventId": {"type": "string"}}},
	    "Address": {"type": "object", "properties": {"city": {"type": "string"}}}
	  },
	  "allOf": [
	    {"$ref": "#/definitions/Base"},
	    {"type": "object", "required": ["orderId"], "properties": {
	      "orderId": {"type": "string"},
	      "pickup": {"oneOf": [{"type": "null"}, {"$ref": "#/definitions/Address"}]},
	      "bins": {"type": "object", "additionalProperties": {"$ref": "#/definitions/Address"}},
	      "weightKg": {"type": "number"}
	    }}
	  ]
	}`, nil)
	require.NoError(t, err)
	assert.Equal(t, "ReturnRequested", tree.Name)
	assert.Equal(t, []row{
		{"eventId", "string", true, false, ""},
		{"orderId", "string", true, false, ""},
		{"pickup", "oneOf<null,Address>", false, true, ""},
		{"pickup.city", "string", false, false, ""},
		{"bins", "map<string,Address>", false, false, ""},
		{"bins.city", "string", false, false, ""},
		{"weightKg", "number", false, false, ""},
	}, rows(tree))
}

func TestParseJSONSchemaRecursionStops(t *testing.T) {
	tree, err := Parse(JSON, `{
	  "title": "Category",
	  "type": "object",
	  "properties": {
	    "name": {"type": "string"},
	    "parent": {"$ref": "#"},
	    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}
	  },
	  "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}}
	}`, nil)
	require.NoError(t, err)
	assert.Equal(t, []row{
		{"name", "string", false, false, ""},
		{"parent", "Category (object)", false, false, ""},
		{"children", "array<Node>", false, false, ""},
		{"children.next", "Node (object)", false, false, ""},
	}, rows(tree))
	assert.Equal(t, "true", field(t, tree, "parent").Extra["recursive"])
	assert.Equal(t, "true", field(t, tree, "children.next").Extra["recursive"])
}

func TestParseJSONSchemaNamesKeptVerbatimAndPathsUnique(t *testing.T) {
	tree, err := Parse(JSON, `{"type":"object","properties":{
	  "a": {"type":"object","properties":{"b":{"type":"string"}}},
	  "a.b": {"type":"integer", "description":"<script>alert(1)</script>"},
	  "x/y~z": {"type":"boolean"},
	  "a b%": {"type":"object","properties":{"z":{"type":"string","format":"email"},"y":{"$ref":"#/$defs/Odd%20~1name"}}}
	},
	"$defs": {"Odd /name": {"type":"object"}}}`, nil)
	require.NoError(t, err)
	// Order and formats survive names that need escaping in JSON pointers and URLs.
	assert.Equal(t, []row{
		{"a", "object", false, false, ""},
		{"a.b", "string", false, false, ""},
		{`["a.b"]`, "integer", false, false, ""},
		{`["x/y~z"]`, "boolean", false, false, ""},
		{`["a b%"]`, "object", false, false, ""},
		{`["a b%"].z`, "string (email)", false, false, ""},
		{`["a b%"].y`, "Odd /name (object)", false, false, ""},
	}, rows(tree))
	assert.Equal(t, "", tree.Name) // neither title nor $id
	assert.Equal(t, "<script>alert(1)</script>", field(t, tree, `["a.b"]`).Doc)
	assert.Equal(t, "x/y~z", field(t, tree, `["x/y~z"]`).Name)
}

func TestParseJSONSchemaReferenceByAbsoluteURL(t *testing.T) {
	refs := map[string]string{"https://schemas.shop.example/money.json": `{"type":"object","properties":{"currency":{"type":"string"}}}`}
	tree, err := Parse(JSON, `{"$id":"https://schemas.shop.example/order.json","type":"object","properties":{"total":{"$ref":"money.json"}}}`, refs)
	require.NoError(t, err)
	assert.Equal(t, "https://schemas.shop.example/order.json", tree.Name) // no title: the $id
	assert.Equal(t, []row{
		{"total", "money (object)", false, false, ""},
		{"total.currency", "string", false, false, ""},
	}, rows(tree))
}

func TestParseJSONSchemaErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"syntax error with position", "{\n  \"type\": \"object\",\n}", "parse JSON schema: line 3, column 1: invalid character '}'"},
		{"trailing data", `{"type":"object"} {}`, "line 1, column 19: invalid character '{' after top-level value"},
		{"not valid against the metaschema", `{"type": 5}`, "not valid against metaschema"},
		{"missing definition", `{"properties":{"a":{"$ref":"#/$defs/Nope"}}}`, `"#/$defs/Nope" not found`},
		{"missing reference", `{"properties":{"a":{"$ref":"customer.json"}}}`, "is not among the schema's references"},
		// Untrusted schemas must not read local files or reach the network through $ref.
		{"no file system", `{"properties":{"a":{"$ref":"file:///etc/passwd"}}}`, `"file:///etc/passwd" is not among the schema's references`},
		{"no network", `{"properties":{"a":{"$ref":"http://127.0.0.1:1/x.json"}}}`, "is not among the schema's references"},
		{"too deep", `{"a":` + repeat("[", 300) + repeat("]", 300) + `}`, "nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(JSON, tt.text, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), mainURL)
		})
	}
}

func repeat(s string, n int) string {
	out := make([]byte, 0, len(s)*n)
	for range n {
		out = append(out, s...)
	}
	return string(out)
}
