// Avro: the order-placed event with nested records, enum, decimal money, nullable coupon, items
// array, map, fixed; references to named types in other subjects; recursion; errors.
package schema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAvroOrderPlaced(t *testing.T) {
	tree, err := Parse("", testdata(t, "order_placed_v1.avsc"), nil)
	require.NoError(t, err)

	assert.Equal(t, Avro, tree.Kind)
	assert.Equal(t, "com.shop.orders.OrderPlaced", tree.Name)
	assert.Equal(t, "OrderPlaced (record)", tree.Type)
	assert.Equal(t, "Emitted once when a customer completes checkout.", tree.Doc)
	assert.False(t, tree.Truncated)
	assert.Equal(t, []row{
		{"orderId", "string (uuid)", true, false, ""},
		{"customerId", "int", true, false, ""},
		{"placedAt", "long (timestamp-millis)", true, false, ""},
		{"status", "enum Status", false, false, `"PLACED"`},
		{"total", "bytes (decimal(10,2))", true, false, ""},
		{"shipping", "Shipping (record)", true, false, ""},
		{"shipping.method", "string", false, false, `"standard"`},
		{"shipping.address", "Address (record)", true, false, ""},
		{"shipping.address.street", "string", true, false, ""},
		{"shipping.address.city", "string", true, false, ""},
		{"shipping.address.postalCode", "string", true, false, ""},
		{"shipping.address.country", "string", false, false, `"DE"`},
		{"coupon", "union<null,Coupon>", false, true, "null"},
		{"coupon.code", "string", true, false, ""},
		{"coupon.percentOff", "int", true, false, ""},
		{"items", "array<LineItem>", true, false, ""},
		{"items.sku", "string", true, false, ""},
		{"items.quantity", "int", true, false, ""},
		{"items.unitPrice", "bytes (decimal(10,2))", true, false, ""},
		{"tags", "map<string,string>", false, false, "{}"},
		{"checksum", "fixed MD5 (16 bytes)", true, false, ""},
		{"legacyRef", "union<null,string>", false, true, "null"},
	}, rows(tree))

	tests := []struct {
		path  string
		check func(t *testing.T, f *Field)
	}{
		{"orderId", func(t *testing.T, f *Field) { assert.Equal(t, "Order identifier.", f.Doc) }},
		{"status", func(t *testing.T, f *Field) {
			assert.Equal(t, []string{"PLACED", "PAID", "SHIPPED", "CANCELLED"}, f.Enum)
			assert.Equal(t, "PLACED", f.Extra["enumDefault"])
			assert.Equal(t, "com.shop.orders.Status", f.Extra["namedType"])
		}},
		{"total", func(t *testing.T, f *Field) {
			assert.Equal(t, map[string]string{"logicalType": "decimal", "precision": "10", "scale": "2"}, f.Extra)
			assert.Equal(t, "Grand total in the order currency.", f.Doc)
		}},
		// the nested record keeps its own namespace; a field without a doc borrows its type's
		{"shipping.address", func(t *testing.T, f *Field) {
			assert.Equal(t, "com.shop.common.Address", f.Extra["namedType"])
			assert.Equal(t, "A postal address.", f.Doc)
		}},
		{"shipping.address.postalCode", func(t *testing.T, f *Field) { assert.Equal(t, "zip", f.Extra["aliases"]) }},
		{"coupon", func(t *testing.T, f *Field) {
			assert.Equal(t, "Applied coupon, if any.", f.Doc)
			assert.Equal(t, "com.shop.orders.Coupon", f.Extra["namedType"])
		}},
		{"checksum", func(t *testing.T, f *Field) { assert.Equal(t, "16", f.Extra["size"]) }},
		{"legacyRef", func(t *testing.T, f *Field) { assert.True(t, f.Deprecated) }},
		{"placedAt", func(t *testing.T, f *Field) { assert.False(t, f.Deprecated) }},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) { tt.check(t, field(t, tree, tt.path)) })
	}
}

func TestParseAvroDefaultsAsWritten(t *testing.T) {
	// bytes and fixed defaults are strings of code points 0-255 in Avro JSON; the library decodes
	// them to byte slices, and the tree must show what the author wrote.
	tree, err := Parse(Avro, `{"type":"record","name":"Defaults","fields":[
		{"name":"raw","type":"bytes","default":"\u00ff\u0001"},
		{"name":"tag","type":{"type":"fixed","name":"Tag","size":2},"default":"ab"},
		{"name":"count","type":"long","default":12345678901234},
		{"name":"ratio","type":"double","default":0.5},
		{"name":"html","type":"string","default":"<b>&</b>"},
		{"name":"price","type":{"type":"record","name":"Price","fields":[{"name":"cents","type":"int"}]},"default":{"cents":0}}
	]}`, nil)
	require.NoError(t, err)
	got := map[string]string{}
	tree.Walk(func(f *Field) { got[f.Path] = f.Default })
	assert.Equal(t, map[string]string{
		"raw": `"ÿ\u0001"`, "tag": `"ab"`, "count": "12345678901234", "ratio": "0.5",
		"html": `"<b>&</b>"`, "price": `{"cents":0}`, "price.cents": "",
	}, got)
}

func TestParseAvroReferences(t *testing.T) {
	// Address and Money live in their own subjects; Money uses Currency from a third one. The map
	// has no order, so the dependency between references must be found by the parser.
	refs := map[string]string{
		"com.shop.common.Money": `{"type":"record","name":"Money","namespace":"com.shop.common",
			"fields":[{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
			          {"name":"currency","type":"com.shop.common.Currency"}]}`,
		"com.shop.common.Currency": `{"type":"enum","name":"Currency","namespace":"com.shop.common","symbols":["EUR","USD"]}`,
		"com.shop.common.Address":  `{"type":"record","name":"Address","namespace":"com.shop.common","doc":"A postal address.","fields":[{"name":"city","type":"string"}]}`,
	}
	tree, err := Parse(Avro, `{"type":"record","name":"OrderPaid","namespace":"com.shop.orders","fields":[
		{"name":"amount","type":"com.shop.common.Money"},
		{"name":"billing","type":"com.shop.common.Address"},
		{"name":"shipping","type":["null","com.shop.common.Address"],"default":null}
	]}`, refs)
	require.NoError(t, err)
	assert.Equal(t, []row{
		{"amount", "Money (record)", true, false, ""},
		{"amount.amount", "bytes (decimal(12,2))", true, false, ""},
		{"amount.currency", "enum Currency", true, false, ""},
		{"billing", "Address (record)", true, false, ""},
		{"billing.city", "string", true, false, ""},
		{"shipping", "union<null,Address>", false, true, "null"},
		{"shipping.city", "string", true, false, ""},
	}, rows(tree))
	assert.Equal(t, []string{"EUR", "USD"}, field(t, tree, "amount.currency").Enum)

	// Without the references the named types are unknown.
	_, err = Parse(Avro, `{"type":"record","name":"R","fields":[{"name":"a","type":"com.shop.common.Address"}]}`, nil)
	assert.ErrorContains(t, err, "parse AVRO schema: ")
	assert.ErrorContains(t, err, "com.shop.common.Address")

	// A broken reference is named.
	_, err = Parse(Avro, `"string"`, map[string]string{"com.shop.Bad": `{"type":"record"`})
	assert.ErrorContains(t, err, `reference "com.shop.Bad": line 1, column 16: unexpected end of JSON input`)
}

func TestParseAvroRecursionStops(t *testing.T) {
	tree, err := Parse(Avro, `{"type":"record","name":"Category","fields":[
		{"name":"name","type":"string"},
		{"name":"parent","type":["null","Category"],"default":null},
		{"name":"children","type":{"type":"array","items":"Category"}}
	]}`, nil)
	require.NoError(t, err)
	assert.Equal(t, []row{
		{"name", "string", true, false, ""},
		{"parent", "union<null,Category>", false, true, "null"},
		{"children", "array<Category>", true, false, ""},
	}, rows(tree))
	assert.Equal(t, "true", field(t, tree, "parent").Extra["recursive"])
	assert.Equal(t, "true", field(t, tree, "children").Extra["recursive"])
}

func TestParseAvroNonRecordRoots(t *testing.T) {
	tests := []struct {
		name, text, typ string
		rows            []row
	}{
		{"primitive key", `"string"`, "string", nil},
		{"logical key", `{"type":"long","logicalType":"timestamp-micros"}`, "long (timestamp-micros)", nil},
		{"unknown logical type is kept", `{"type":"string","logicalType":"iso-8601"}`, "string (iso-8601)", nil},
		{"union of records", `[{"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]},
			{"type":"record","name":"Voucher","fields":[{"name":"code","type":"string"}]}]`,
			"union<Card,Voucher>", []row{
				{"Card", "Card (record)", false, false, ""},
				{"Card.last4", "string", true, false, ""},
				{"Voucher", "Voucher (record)", false, false, ""},
				{"Voucher.code", "string", true, false, ""},
			}},
		{"array of records", `{"type":"array","items":{"type":"record","name":"Sku","fields":[{"name":"id","type":"string"}]}}`,
			"array<Sku>", []row{{"id", "string", true, false, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := Parse(Avro, tt.text, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.typ, tree.Type)
			assert.Equal(t, tt.rows, rows(tree))
		})
	}
}

func TestParseAvroErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"syntax error with position", "{\n  \"type\": \"record\",\n  \"name\": \"X\"\n  \"fields\": []\n}", "parse AVRO schema: line 4, column 3: invalid character"},
		{"unknown type", `{"type":"record","name":"X","fields":[{"name":"a","type":"Nope"}]}`, "unknown type: Nope"},
		{"duplicate field", `{"type":"record","name":"X","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}`, `duplicate field name "a"`},
		{"bad default", `{"type":"record","name":"X","fields":[{"name":"a","type":"int","default":"x"}]}`, "invalid default"},
		{"empty", ``, "parse AVRO schema: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(Avro, tt.text, nil)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestParseAvroDoesNotShareNamesBetweenCalls(t *testing.T) {
	// Each Parse has its own cache: a type defined by one subject must not resolve in another.
	_, err := Parse(Avro, `{"type":"record","name":"Leak","namespace":"x","fields":[]}`, nil)
	require.NoError(t, err)
	_, err = Parse(Avro, `{"type":"record","name":"Y","fields":[{"name":"a","type":"x.Leak"}]}`, nil)
	assert.Error(t, err)
}
