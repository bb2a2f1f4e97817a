// Diff: three versions of the order-placed event judged under BACKWARD, FORWARD and FULL; a
// Protobuf field renumbered; a JSON Schema property made required.
package schema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustParse(t *testing.T, k Kind, text string, refs map[string]string) *Tree {
	t.Helper()
	tree, err := Parse(k, text, refs)
	require.NoError(t, err)
	return tree
}

// verdicts reduces changes to "path kind breaking" lines that a table can state exactly.
func verdicts(cs []Change) []string {
	var out []string
	for _, c := range cs {
		line := c.Path + " " + c.Kind
		if c.Breaking {
			line += " BREAKING"
		}
		out = append(out, line)
	}
	return out
}

func TestDiffAvroVersions(t *testing.T) {
	v1 := mustParse(t, Avro, testdata(t, "order_placed_v1.avsc"), nil)
	v2 := mustParse(t, Avro, testdata(t, "order_placed_v2.avsc"), nil)
	v3 := mustParse(t, Avro, testdata(t, "order_placed_v3.avsc"), nil)

	tests := []struct {
		name     string
		old, new *Tree
		mode     string
		want     []string
	}{
		// v2 widens customerId int→long and adds two fields with defaults.
		{"v1→v2 BACKWARD: promotion and optional fields", v1, v2, "BACKWARD", []string{
			"customerId type-changed", "customerId doc-changed", "giftMessage added", "channel added"}},
		{"v1→v2 FORWARD: old readers cannot narrow long to int", v1, v2, "FORWARD", []string{
			"customerId type-changed BREAKING", "customerId doc-changed", "giftMessage added", "channel added"}},
		// v3 narrows customerId back to int and drops placedAt, which has no default.
		{"v2→v3 BACKWARD: long→int breaks, removal is fine", v2, v3, "BACKWARD", []string{
			"customerId type-changed BREAKING", "customerId doc-changed", "placedAt removed"}},
		{"v2→v3 FORWARD: removal without default breaks", v2, v3, "FORWARD", []string{
			"customerId type-changed", "customerId doc-changed", "placedAt removed BREAKING"}},
		{"v2→v3 FULL_TRANSITIVE: both", v2, v3, "FULL_TRANSITIVE", []string{
			"customerId type-changed BREAKING", "customerId doc-changed", "placedAt removed BREAKING"}},
		{"v2→v3 NONE: nothing breaks", v2, v3, "NONE", []string{
			"customerId type-changed", "customerId doc-changed", "placedAt removed"}},
		{"same version: no changes", v1, v1, "FULL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verdicts(Diff(tt.old, tt.new, tt.mode)))
		})
	}

	// The details a reader sees.
	cs := Diff(v1, v2, "BACKWARD")
	assert.Equal(t, Change{Path: "customerId", Kind: ChangeTypeChanged, Old: "int", New: "long", Reason: "old int data is promoted to long"}, cs[0])
	assert.Equal(t, Change{Path: "giftMessage", Kind: ChangeAdded, New: "union<null,string>", Reason: "old data is read with the default"}, cs[2])
	cs = Diff(v2, v3, "FORWARD")
	assert.Equal(t, Change{Path: "placedAt", Kind: ChangeRemoved, Old: "long (timestamp-millis)", Breaking: true,
		Reason: "consumers on the old schema need a default for it, and it has none"}, cs[2])
}

func TestDiffAvroRules(t *testing.T) {
	const head = `{"type":"record","name":"OrderPlaced","fields":[{"name":"orderId","type":"string"}`
	rec := func(fields string) *Tree { return mustParse(t, Avro, head+fields+`]}`, nil) }
	tests := []struct {
		name, old, new, mode string
		want                 []string
	}{
		{"added without default breaks BACKWARD", ``, `,{"name":"note","type":"string"}`, "BACKWARD", []string{"note added BREAKING"}},
		{"added without default is fine FORWARD", ``, `,{"name":"note","type":"string"}`, "FORWARD", []string{"note added"}},
		{"added nullable without default still breaks BACKWARD", ``, `,{"name":"note","type":["null","string"]}`, "BACKWARD", []string{"note added BREAKING"}},
		{"rename through alias", `,{"name":"zip","type":"string"}`, `,{"name":"postalCode","type":"string","aliases":["zip"]}`, "BACKWARD",
			[]string{"postalCode added", "zip removed"}},
		{"string to bytes", `,{"name":"n","type":"string"}`, `,{"name":"n","type":"bytes"}`, "FULL", []string{"n type-changed"}},
		{"int to string", `,{"name":"n","type":"int"}`, `,{"name":"n","type":"string"}`, "BACKWARD", []string{"n type-changed BREAKING"}},
		{"making a field nullable", `,{"name":"n","type":"string"}`, `,{"name":"n","type":["null","string"],"default":null}`, "BACKWARD",
			[]string{"n type-changed", "n default-changed"}},
		{"making a field nullable, forward", `,{"name":"n","type":"string"}`, `,{"name":"n","type":["null","string"],"default":null}`, "FORWARD",
			[]string{"n type-changed BREAKING", "n default-changed"}},
		{"logical type added", `,{"name":"at","type":"long"}`, `,{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}`, "FULL",
			[]string{"at type-changed"}},
		{"enum symbol added, no default", `,{"name":"s","type":{"type":"enum","name":"S","symbols":["A"]}}`,
			`,{"name":"s","type":{"type":"enum","name":"S","symbols":["A","B"]}}`, "FULL", []string{"s enum-changed BREAKING"}},
		{"enum symbol added, old enum has default", `,{"name":"s","type":{"type":"enum","name":"S","symbols":["A"],"default":"A"}}`,
			`,{"name":"s","type":{"type":"enum","name":"S","symbols":["A","B"],"default":"A"}}`, "FULL", []string{"s enum-changed"}},
		{"enum symbol removed", `,{"name":"s","type":{"type":"enum","name":"S","symbols":["A","B"]}}`,
			`,{"name":"s","type":{"type":"enum","name":"S","symbols":["A"]}}`, "BACKWARD", []string{"s enum-changed BREAKING"}},
		{"nested record field added with default", `,{"name":"a","type":{"type":"record","name":"A","fields":[]}}`,
			`,{"name":"a","type":{"type":"record","name":"A","fields":[{"name":"c","type":"string","default":""}]}}`, "FULL", []string{"a.c added"}},
		{"whole subtree reported once", ``,
			`,{"name":"a","type":{"type":"record","name":"A","fields":[{"name":"c","type":"string"}]},"default":{"c":""}}`, "BACKWARD", []string{"a added"}},
		{"union branch added: judged on the union, not on the branch's fields", `,{"name":"p","type":[{"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]}, "string"]}`,
			`,{"name":"p","type":[{"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]}, "string", {"type":"record","name":"Voucher","fields":[{"name":"code","type":"string"}]}]}`,
			"FULL", []string{"p type-changed BREAKING", "p.Voucher added"}},
		{"union branch added, backward", `,{"name":"p","type":[{"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]}, "string"]}`,
			`,{"name":"p","type":[{"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]}, "string", {"type":"record","name":"Voucher","fields":[{"name":"code","type":"string"}]}]}`,
			"BACKWARD", []string{"p type-changed", "p.Voucher added"}},
		{"record renamed", `,{"name":"a","type":{"type":"record","name":"A","fields":[]}}`,
			`,{"name":"a","type":{"type":"record","name":"B","fields":[]}}`, "BACKWARD", []string{"a type-changed BREAKING"}},
		{"record renamed with alias", `,{"name":"a","type":{"type":"record","name":"A","fields":[]}}`,
			`,{"name":"a","type":{"type":"record","name":"B","aliases":["A"],"fields":[]}}`, "BACKWARD", []string{"a type-changed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verdicts(Diff(rec(tt.old), rec(tt.new), tt.mode)))
		})
	}
}

func TestDiffProtobuf(t *testing.T) {
	v1 := mustParse(t, Protobuf, testdata(t, "payment.proto"), paymentRefs(t))
	// v2 renumbers order_id, changes risk_flags' type, drops voucher_code (number 5) and reuses 5.
	v2text := testdata(t, "payment.proto")
	for _, r := range [][2]string{
		{"string order_id = 1;", "string order_id = 12;"},
		{"repeated string risk_flags = 7;", "repeated int32 risk_flags = 7;"},
		{"string voucher_code = 5;", "int64 gift_card_id = 5;"},
		{"string legacy_gateway = 11 [deprecated = true];", "string legacy_gateway = 11 [deprecated = true];\n  string channel = 13;"},
	} {
		require.Contains(t, v2text, r[0])
		v2text = strings.Replace(v2text, r[0], r[1], 1)
	}
	v2 := mustParse(t, Protobuf, v2text, paymentRefs(t))

	for _, mode := range []string{"BACKWARD", "FORWARD", "FULL"} {
		t.Run(mode, func(t *testing.T) {
			assert.Equal(t, []string{
				"order_id number-changed",            // the registry matches by number: 1 removed, 12 added
				"method.gift_card_id added BREAKING", // number 5 reused with a type string data cannot be read as
				"risk_flags type-changed BREAKING",   // string and int32 are different wire types
				"channel added",
				"method.voucher_code removed", // its number lives on in gift_card_id
			}, verdicts(Diff(v1, v2, mode)))
		})
	}
	cs := Diff(v1, v2, "BACKWARD")
	assert.Equal(t, "1", cs[0].Old)
	assert.Equal(t, "12", cs[0].New)
	assert.Equal(t, "reuses number 5 of removed field voucher_code with a type its data cannot be read as", cs[1].Reason)
	assert.Equal(t, "its number 5 is now another field's (judged there)", cs[4].Reason)
}

func TestDiffJSONSchema(t *testing.T) {
	v1 := mustParse(t, JSON, testdata(t, "refund.json"), refundRefs(t))
	v2text := strings.Replace(testdata(t, "refund.json"),
		`"required": ["refundId", "orderId", "amount", "reason"]`,
		`"required": ["refundId", "orderId", "amount", "reason", "approvedBy"]`, 1)
	v2text = strings.Replace(v2text, `"legacyCode": {"type": "string", "deprecated": true}`,
		`"approvedBy": {"type": "string", "description": "Agent who approved it."}`, 1)
	v2 := mustParse(t, JSON, v2text, refundRefs(t))

	assert.Equal(t, []string{"approvedBy added BREAKING", "legacyCode removed"}, verdicts(Diff(v1, v2, "BACKWARD")))
	// The object is open: new data may hold a legacyCode of any type, which old consumers would
	// check against their string (the registry's open content model rule).
	assert.Equal(t, []string{"approvedBy added", "legacyCode removed BREAKING"}, verdicts(Diff(v1, v2, "FORWARD")))
	assert.Equal(t, "a required property is missing from data written with the old schema", Diff(v1, v2, "BACKWARD")[0].Reason)

	obj := func(props, required string) *Tree {
		return mustParse(t, JSON, `{"type":"object","required":[`+required+`],"properties":{`+props+`}}`, nil)
	}
	tests := []struct {
		name     string
		old, new *Tree
		mode     string
		want     []string
	}{
		{"optional made required", obj(`"a":{"type":"string"}`, ``), obj(`"a":{"type":"string"}`, `"a"`), "BACKWARD", []string{"a required-changed BREAKING"}},
		{"required made optional", obj(`"a":{"type":"string"}`, `"a"`), obj(`"a":{"type":"string"}`, ``), "FORWARD", []string{"a required-changed BREAKING"}},
		{"required removed", obj(`"a":{"type":"string"}`, `"a"`), obj(``, ``), "FORWARD", []string{"a removed BREAKING"}},
		{"integer widened to number", obj(`"a":{"type":"integer"}`, ``), obj(`"a":{"type":"number"}`, ``), "BACKWARD", []string{"a type-changed"}},
		{"number narrowed to integer", obj(`"a":{"type":"number"}`, ``), obj(`"a":{"type":"integer"}`, ``), "BACKWARD", []string{"a type-changed BREAKING"}},
		{"null allowed", obj(`"a":{"type":"string"}`, ``), obj(`"a":{"type":["string","null"]}`, ``), "BACKWARD", []string{"a type-changed"}},
		{"null allowed, forward", obj(`"a":{"type":"string"}`, ``), obj(`"a":{"type":["string","null"]}`, ``), "FORWARD", []string{"a type-changed BREAKING"}},
		{"enum value added", obj(`"a":{"enum":["X"]}`, ``), obj(`"a":{"enum":["X","Y"]}`, ``), "FULL", []string{"a enum-changed BREAKING"}},
		{"enum value added, backward", obj(`"a":{"enum":["X"]}`, ``), obj(`"a":{"enum":["X","Y"]}`, ``), "BACKWARD", []string{"a enum-changed"}},
		{"format changed", obj(`"a":{"type":"string","format":"date"}`, ``), obj(`"a":{"type":"string","format":"date-time"}`, ``), "FULL", []string{"a type-changed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verdicts(Diff(tt.old, tt.new, tt.mode)))
		})
	}
}

func TestDiffRootAndKind(t *testing.T) {
	a := mustParse(t, Avro, `{"type":"record","name":"A","doc":"one","fields":[]}`, nil)
	b := mustParse(t, Avro, `{"type":"record","name":"B","doc":"two","fields":[]}`, nil)
	assert.Equal(t, []string{" type-changed BREAKING", " doc-changed"}, verdicts(Diff(a, b, "")))

	p := mustParse(t, Protobuf, `syntax = "proto3"; message A {}`, nil)
	assert.Equal(t, []Change{{Kind: ChangeTypeChanged, Old: "AVRO", New: "PROTOBUF", Breaking: true, Reason: "the schema format changed"}}, Diff(a, p, "BACKWARD"))
	assert.Nil(t, Diff(nil, p, "BACKWARD"))
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]mode{
		"":                    {backward: true},
		"BACKWARD":            {backward: true},
		"backward_transitive": {backward: true},
		"FORWARD":             {forward: true},
		"FORWARD_TRANSITIVE":  {forward: true},
		"FULL":                {backward: true, forward: true},
		"FULL_TRANSITIVE":     {backward: true, forward: true},
		"NONE":                {},
		"SOMETHING_NEW":       {backward: true, forward: true},
	} {
		assert.Equal(t, want, parseMode(in), in)
	}
}
