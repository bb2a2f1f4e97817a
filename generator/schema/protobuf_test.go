// Protobuf: the payment message with a oneof, a map, repeated and optional fields, a nested enum,
// comments, and an import of a common proto resolved through the registry references.
package schema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func paymentRefs(t testing.TB) map[string]string {
	return map[string]string{"shop/common/money.proto": testdata(t, "money.proto")}
}

func TestParseProtobufPayment(t *testing.T) {
	tree, err := Parse(Protobuf, testdata(t, "payment.proto"), paymentRefs(t))
	require.NoError(t, err)

	assert.Equal(t, Protobuf, tree.Kind)
	assert.Equal(t, "shop.payments.Payment", tree.Name)
	assert.Equal(t, "Payment (message)", tree.Type)
	assert.Equal(t, "A payment attempt for an order.", tree.Doc)
	assert.Equal(t, []row{
		{"order_id", "string", false, false, ""},
		{"amount", "shop.common.Money (message)", false, true, ""},
		{"amount.currency", "string", false, false, ""},
		{"amount.amount_minor", "int64", false, false, ""},
		{"method", "oneof method", false, true, ""},
		{"method.card", "Payment.Card (message)", false, true, ""},
		{"method.card.brand", "string", false, false, ""},
		{"method.card.last4", "string", false, false, ""},
		{"method.card.exp_month", "int32", false, false, ""},
		{"method.bank_transfer", "Payment.BankTransfer (message)", false, true, ""},
		{"method.bank_transfer.iban", "string", false, false, ""},
		{"method.voucher_code", "string", false, true, ""},
		{"metadata", "map<string,string>", false, false, ""},
		{"risk_flags", "repeated string", false, false, ""},
		{"status", "enum Payment.Status", false, false, ""},
		{"authorized_at", "google.protobuf.Timestamp (message)", false, true, ""},
		{"refund_of", "string", false, true, ""},
		{"legacy_gateway", "string", false, false, ""},
	}, rows(tree))

	tests := []struct {
		path  string
		check func(t *testing.T, f *Field)
	}{
		{"order_id", func(t *testing.T, f *Field) {
			assert.Equal(t, "Order this payment settles.", f.Doc)
			assert.Equal(t, map[string]string{"number": "1"}, f.Extra)
		}},
		// the imported message's comments come from its own file
		{"amount", func(t *testing.T, f *Field) {
			assert.Equal(t, "An amount of money in a currency.", f.Doc)
			assert.Equal(t, "shop.common.Money", f.Extra["namedType"])
		}},
		{"amount.currency", func(t *testing.T, f *Field) { assert.Equal(t, `ISO 4217 code, e.g. "EUR".`, f.Doc) }},
		{"method", func(t *testing.T, f *Field) {
			assert.Equal(t, "How the customer pays.", f.Doc)
			assert.Equal(t, "oneof", f.Extra["group"])
		}},
		{"method.bank_transfer", func(t *testing.T, f *Field) {
			assert.Equal(t, "SEPA or other bank transfer.", f.Doc)
			assert.Equal(t, "method", f.Extra["oneof"])
			assert.Equal(t, "4", f.Extra["number"])
		}},
		{"metadata", func(t *testing.T, f *Field) {
			assert.Equal(t, "Free-form attributes from the payment provider.", f.Doc)
			assert.Equal(t, "6", f.Extra["number"])
		}},
		{"risk_flags", func(t *testing.T, f *Field) { assert.Equal(t, "repeated", f.Extra["label"]) }},
		{"status", func(t *testing.T, f *Field) {
			assert.Equal(t, []string{"STATUS_UNSPECIFIED", "AUTHORIZED", "CAPTURED", "DECLINED"}, f.Enum)
		}},
		// a trailing comment is used when there is no leading one
		{"refund_of", func(t *testing.T, f *Field) {
			assert.Equal(t, "Payment this one refunds, if any.", f.Doc)
			assert.Equal(t, "optional", f.Extra["label"])
		}},
		{"legacy_gateway", func(t *testing.T, f *Field) { assert.True(t, f.Deprecated) }},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) { tt.check(t, field(t, tree, tt.path)) })
	}
}

func TestParseProtobufMapOfMessagesAndProto2(t *testing.T) {
	tree, err := Parse(Protobuf, `syntax = "proto2";
package shop.inventory;
message Stock {
  required string sku = 1;
  optional int32 reserved_units = 2 [default = 0];
  optional Kind kind = 3 [default = PHYSICAL];
  optional string note = 4 [default = "n/a"];
  map<string, Bin> bins = 5;
  enum Kind { PHYSICAL = 1; DIGITAL = 2; }
  message Bin { optional int32 units = 1; }
}`, nil)
	require.NoError(t, err)
	assert.Equal(t, []row{
		{"sku", "string", true, false, ""},
		{"reserved_units", "int32", false, true, "0"},
		{"kind", "enum Stock.Kind", false, true, `"PHYSICAL"`},
		{"note", "string", false, true, `"n/a"`},
		{"bins", "map<string,Stock.Bin>", false, false, ""},
		{"bins.units", "int32", false, true, ""},
	}, rows(tree))
	assert.Equal(t, "required", field(t, tree, "sku").Extra["label"])
}

func TestParseProtobufSeveralTopLevelMessages(t *testing.T) {
	tree, err := Parse(Protobuf, `syntax = "proto3";
package shop.cart;
// Sent when an item is added.
message ItemAdded { string sku = 1; }
message ItemRemoved { string sku = 1; Reason reason = 2; }
enum Reason { REASON_UNSPECIFIED = 0; OUT_OF_STOCK = 1; }
`, nil)
	require.NoError(t, err)
	// The registry's record type is the first message; each message is a root Field.
	assert.Equal(t, "shop.cart.ItemAdded", tree.Name)
	assert.Equal(t, []row{
		{"ItemAdded", "message", false, false, ""},
		{"ItemAdded.sku", "string", false, false, ""},
		{"ItemRemoved", "message", false, false, ""},
		{"ItemRemoved.sku", "string", false, false, ""},
		{"ItemRemoved.reason", "enum Reason", false, false, ""},
	}, rows(tree))
	assert.Equal(t, "Sent when an item is added.", tree.Fields[0].Doc)
}

func TestParseProtobufRecursionStops(t *testing.T) {
	tree, err := Parse(Protobuf, `syntax = "proto3";
message Category { string name = 1; Category parent = 2; repeated Category children = 3; }`, nil)
	require.NoError(t, err)
	assert.Equal(t, []row{
		{"name", "string", false, false, ""},
		{"parent", "Category (message)", false, true, ""},
		{"children", "repeated Category", false, false, ""},
	}, rows(tree))
	assert.Equal(t, "true", field(t, tree, "parent").Extra["recursive"])
}

func TestParseProtobufImportNamedLikeTheMainFile(t *testing.T) {
	// A reference may use the name the main schema gets internally; it must still be the import.
	refs := map[string]string{"schema.proto": `syntax = "proto3"; package dep; message Dep { int32 x = 1; }`}
	tree, err := Parse(Protobuf, `syntax = "proto3"; import "schema.proto"; message Main { dep.Dep d = 1; }`, refs)
	require.NoError(t, err)
	assert.Equal(t, "d.x", field(t, tree, "d.x").Path)
}

func TestParseProtobufErrors(t *testing.T) {
	tests := []struct {
		name, text string
		refs       map[string]string
		want       string
	}{
		{"syntax error with position", "syntax = \"proto3\";\nmessage A {\n  string a = ;\n}", nil, "parse PROTOBUF schema: schema.proto:3:14: syntax error"},
		{"missing import", `syntax = "proto3"; import "shop/common/money.proto"; message A {}`, nil, `"shop/common/money.proto"`},
		{"unknown type", `syntax = "proto3"; message A { Money m = 1; }`, nil, "schema.proto:1:32: field A.m: unknown type Money"},
		{"broken import", `syntax = "proto3"; import "x.proto"; message A {}`, map[string]string{"x.proto": "message {"}, "x.proto:1:9"},
		{"no file system", `syntax = "proto3"; import "/etc/passwd"; message A {}`, nil, "/etc/passwd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(Protobuf, tt.text, tt.refs)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
