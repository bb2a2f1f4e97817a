package schema_test

// Agreement of kdocs' own compatibility rules with the registry's. For each mutation (a v1 and a
// v2 of one schema) and each level (BACKWARD, FORWARD, FULL), the test registers v1 on a fresh
// subject of the real registry (the AxonOps Schema Registry of scripts/registry.sh, a private
// instance started for this test by testenv.PrivateRegistry, so that its 200-odd scratch
// subjects never appear under tests that collect the shared registry), sets the level,
// asks the registry through registry.CheckCompatibility whether it would accept v2, and compares
// with schema.Diff: kdocs says "compatible" when none of its changes is breaking.
//
// The registry is the authority: where kdocs disagrees, kdocs' rules are fixed. The exceptions
// are in knownDifferences, each with the reason: places where this registry departs from
// Confluent's documented semantics, so that kdocs keeps Confluent's answer. A known difference
// that stops differing fails the test too, so the list cannot go stale.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/registry"
	"github.com/kdocs/kdocs/generator/schema"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// mutation is one change from v1 to v2.
type mutation struct {
	name   string
	kind   schema.Kind
	v1, v2 string
}

var levels = []string{"BACKWARD", "FORWARD", "FULL"}

// knownDifferences: case/level → why kdocs keeps a different answer from this registry.
var knownDifferences = map[string]string{
	"avro-rename-field-with-alias/FORWARD": "AxonOps v0.2.1 matches a reader's field against the writer's field aliases; " +
		"Avro's schema resolution (and Confluent, which uses Avro's SchemaCompatibility) uses only the reader's aliases, " +
		"so a consumer on the old schema finds no field qty in new data, and qty has no default",
	"avro-rename-field-with-alias/FULL": "as for FORWARD: the writer's aliases do not count in Avro's schema resolution",
	"avro-rename-record-with-alias/FORWARD": "AxonOps v0.2.1 accepts a writer's record alias as the reader's name; " +
		"Avro (and Confluent) only use the reader's aliases, and the old schema has none",
	"avro-rename-record-with-alias/FULL": "as for FORWARD: the writer's aliases do not count in Avro's schema resolution",
	"avro-rename-nested-record-with-alias/FORWARD": "as for the root record: AxonOps v0.2.1 accepts the writer's alias of a nested record; " +
		"Avro (and Confluent) only use the reader's aliases, and the old Address has none",
	"avro-rename-nested-record-with-alias/FULL": "as for FORWARD: the writer's aliases do not count in Avro's schema resolution",
	"avro-enum-add-symbol-with-default/FORWARD": "AxonOps v0.2.1 ignores the enum's default; since Avro 1.9 (and in Confluent) a reader's " +
		"enum default stands in for a writer's symbol it does not know, so consumers on the old schema read C as A",
	"avro-enum-add-symbol-with-default/FULL": "as for FORWARD: the old enum's default covers the new symbol",
}

const (
	avroBase = `{"type":"record","name":"Order","namespace":"com.acme","fields":[` +
		`{"name":"id","type":"string"},{"name":"qty","type":"int"}%s]}`
	protoBase = "syntax = \"proto3\";\npackage acme;\n\nmessage Order {\n  string id = 1;\n  %s\n}\n%s"
	jsonBase  = `{"type":"object","properties":{"id":{"type":"string"},"qty":{"type":"integer"}%s},"required":["id"%s]%s}`
)

func avroRec(extra string) string { return fmt.Sprintf(avroBase, extra) }
func avroWith(fields string) string {
	return `{"type":"record","name":"Order","namespace":"com.acme","fields":[` + fields + `]}`
}
func proto(field, rest string) string { return fmt.Sprintf(protoBase, field, rest) }
func jsonObj(props, required, rest string) string {
	return fmt.Sprintf(jsonBase, props, required, rest)
}

const statusEnum = `{"name":"status","type":{"type":"enum","name":"Status","symbols":[%s]%s}}`

var mutations = []mutation{
	// Avro.
	{"avro-add-field-with-default", schema.Avro, avroRec(""), avroRec(`,{"name":"note","type":"string","default":""}`)},
	{"avro-add-field-no-default", schema.Avro, avroRec(""), avroRec(`,{"name":"note","type":"string"}`)},
	{"avro-remove-field-with-default", schema.Avro, avroRec(`,{"name":"note","type":"string","default":""}`), avroRec("")},
	{"avro-remove-field-no-default", schema.Avro, avroRec(`,{"name":"note","type":"string"}`), avroRec("")},
	{"avro-rename-field-with-alias", schema.Avro, avroWith(`{"name":"id","type":"string"},{"name":"qty","type":"int"}`),
		avroWith(`{"name":"id","type":"string"},{"name":"quantity","type":"int","aliases":["qty"]}`)},
	{"avro-rename-record-with-alias", schema.Avro, avroRec(""),
		`{"type":"record","name":"Purchase","namespace":"com.acme","aliases":["com.acme.Order"],"fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}`},
	{"avro-int-to-long", schema.Avro, avroWith(`{"name":"qty","type":"int"}`), avroWith(`{"name":"qty","type":"long"}`)},
	{"avro-long-to-int", schema.Avro, avroWith(`{"name":"qty","type":"long"}`), avroWith(`{"name":"qty","type":"int"}`)},
	{"avro-float-to-double", schema.Avro, avroWith(`{"name":"qty","type":"float"}`), avroWith(`{"name":"qty","type":"double"}`)},
	{"avro-string-to-bytes", schema.Avro, avroWith(`{"name":"id","type":"string"}`), avroWith(`{"name":"id","type":"bytes"}`)},
	{"avro-int-to-string", schema.Avro, avroWith(`{"name":"qty","type":"int"}`), avroWith(`{"name":"qty","type":"string"}`)},
	{"avro-make-nullable", schema.Avro, avroWith(`{"name":"id","type":"string"}`), avroWith(`{"name":"id","type":["null","string"],"default":null}`)},
	{"avro-union-add-branch", schema.Avro, avroWith(`{"name":"v","type":["null","string"],"default":null}`),
		avroWith(`{"name":"v","type":["null","string","int"],"default":null}`)},
	{"avro-union-remove-branch", schema.Avro, avroWith(`{"name":"v","type":["null","string","int"],"default":null}`),
		avroWith(`{"name":"v","type":["null","string"],"default":null}`)},
	{"avro-enum-add-symbol", schema.Avro, avroWith(fmt.Sprintf(statusEnum, `"A","B"`, "")), avroWith(fmt.Sprintf(statusEnum, `"A","B","C"`, ""))},
	{"avro-enum-add-symbol-with-default", schema.Avro, avroWith(fmt.Sprintf(statusEnum, `"A","B"`, `,"default":"A"`)),
		avroWith(fmt.Sprintf(statusEnum, `"A","B","C"`, `,"default":"A"`))},
	{"avro-enum-remove-symbol", schema.Avro, avroWith(fmt.Sprintf(statusEnum, `"A","B","C"`, "")), avroWith(fmt.Sprintf(statusEnum, `"A","B"`, ""))},
	{"avro-enum-rename-type", schema.Avro, avroWith(fmt.Sprintf(statusEnum, `"A","B"`, "")),
		avroWith(`{"name":"status","type":{"type":"enum","name":"State","symbols":["A","B"]}}`)},
	{"avro-change-default", schema.Avro, avroWith(`{"name":"qty","type":"int","default":0}`), avroWith(`{"name":"qty","type":"int","default":1}`)},
	{"avro-change-doc", schema.Avro, avroWith(`{"name":"qty","type":"int","doc":"how many"}`), avroWith(`{"name":"qty","type":"int","doc":"units ordered"}`)},
	{"avro-nested-add-field-no-default", schema.Avro,
		avroWith(`{"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}}`),
		avroWith(`{"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"string"}]}}`)},
	{"avro-array-items-int-to-long", schema.Avro, avroWith(`{"name":"qs","type":{"type":"array","items":"int"}}`),
		avroWith(`{"name":"qs","type":{"type":"array","items":"long"}}`)},
	{"avro-remove-nullable", schema.Avro, avroWith(`{"name":"id","type":["null","string"],"default":null}`), avroWith(`{"name":"id","type":"string"}`)},
	{"avro-union-reorder", schema.Avro, avroWith(`{"name":"v","type":["null","string"],"default":null}`),
		avroWith(`{"name":"v","type":["string","null"],"default":""}`)},
	{"avro-rename-nested-record-with-alias", schema.Avro,
		avroWith(`{"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}}`),
		avroWith(`{"name":"address","type":{"type":"record","name":"Location","aliases":["com.acme.Address"],"fields":[{"name":"city","type":"string"}]}}`)},
	{"avro-long-to-timestamp", schema.Avro, avroWith(`{"name":"at","type":"long"}`),
		avroWith(`{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}`)},
	{"avro-add-nullable-field-default-null", schema.Avro, avroRec(""), avroRec(`,{"name":"note","type":["null","string"],"default":null}`)},
	{"avro-map-values-int-to-double", schema.Avro, avroWith(`{"name":"m","type":{"type":"map","values":"int"}}`),
		avroWith(`{"name":"m","type":{"type":"map","values":"double"}}`)},
	{"avro-fixed-size-change", schema.Avro, avroWith(`{"name":"hash","type":{"type":"fixed","name":"Hash","size":16}}`),
		avroWith(`{"name":"hash","type":{"type":"fixed","name":"Hash","size":32}}`)},

	// Protobuf.
	{"proto-add-field", schema.Protobuf, proto("int32 qty = 2;", ""), proto("int32 qty = 2;\n  string note = 3;", "")},
	{"proto-remove-field", schema.Protobuf, proto("int32 qty = 2;", ""), proto("", "")},
	{"proto-rename-field", schema.Protobuf, proto("int32 qty = 2;", ""), proto("int32 quantity = 2;", "")},
	{"proto-change-field-number", schema.Protobuf, proto("int32 qty = 2;", ""), proto("int32 qty = 3;", "")},
	{"proto-reuse-number-other-type", schema.Protobuf, proto("int32 qty = 2;", ""), proto("string note = 2;", "")},
	{"proto-int32-to-int64", schema.Protobuf, proto("int32 qty = 2;", ""), proto("int64 qty = 2;", "")},
	{"proto-int32-to-string", schema.Protobuf, proto("int32 qty = 2;", ""), proto("string qty = 2;", "")},
	{"proto-sint32-to-int32", schema.Protobuf, proto("sint32 qty = 2;", ""), proto("int32 qty = 2;", "")},
	{"proto-string-to-bytes", schema.Protobuf, proto("string note = 2;", ""), proto("bytes note = 2;", "")},
	{"proto-int32-to-repeated", schema.Protobuf, proto("int32 qty = 2;", ""), proto("repeated int32 qty = 2;", "")},
	{"proto-string-to-repeated", schema.Protobuf, proto("string note = 2;", ""), proto("repeated string note = 2;", "")},
	{"proto-enum-add-value", schema.Protobuf, proto("Status status = 2;", "enum Status {\n  A = 0;\n  B = 1;\n}\n"),
		proto("Status status = 2;", "enum Status {\n  A = 0;\n  B = 1;\n  C = 2;\n}\n")},
	{"proto-enum-remove-value", schema.Protobuf, proto("Status status = 2;", "enum Status {\n  A = 0;\n  B = 1;\n  C = 2;\n}\n"),
		proto("Status status = 2;", "enum Status {\n  A = 0;\n  B = 1;\n}\n")},
	{"proto-enum-to-int32", schema.Protobuf, proto("Status status = 2;", "enum Status {\n  A = 0;\n  B = 1;\n}\n"),
		proto("int32 status = 2;", "enum Status {\n  A = 0;\n  B = 1;\n}\n")},
	{"proto-add-oneof-member", schema.Protobuf, proto("oneof pay {\n    string card = 2;\n  }", ""),
		proto("oneof pay {\n    string card = 2;\n    string iban = 3;\n  }", "")},
	{"proto-remove-oneof-member", schema.Protobuf, proto("oneof pay {\n    string card = 2;\n    string iban = 3;\n  }", ""),
		proto("oneof pay {\n    string card = 2;\n  }", "")},
	{"proto2-add-required", schema.Protobuf, "syntax = \"proto2\";\npackage acme;\n\nmessage Order {\n  optional string id = 1;\n}\n",
		"syntax = \"proto2\";\npackage acme;\n\nmessage Order {\n  optional string id = 1;\n  required int32 qty = 2;\n}\n"},
	{"proto2-optional-to-required", schema.Protobuf, "syntax = \"proto2\";\npackage acme;\n\nmessage Order {\n  optional string id = 1;\n}\n",
		"syntax = \"proto2\";\npackage acme;\n\nmessage Order {\n  required string id = 1;\n}\n"},
	{"proto-move-field-into-new-oneof", schema.Protobuf, proto("string card = 2;", ""), proto("oneof pay {\n    string card = 2;\n  }", "")},
	{"proto-move-field-out-of-oneof", schema.Protobuf, proto("oneof pay {\n    string card = 2;\n  }", ""), proto("string card = 2;", "")},
	{"proto-fixed32-to-sfixed32", schema.Protobuf, proto("fixed32 qty = 2;", ""), proto("sfixed32 qty = 2;", "")},
	{"proto-float-to-double", schema.Protobuf, proto("float qty = 2;", ""), proto("double qty = 2;", "")},
	{"proto-change-package", schema.Protobuf, proto("int32 qty = 2;", ""), strings.Replace(proto("int32 qty = 2;", ""), "package acme;", "package acme.v2;", 1)},
	{"proto-nested-message-add-field", schema.Protobuf, proto("Line line = 2;", "message Line {\n  string sku = 1;\n}\n"),
		proto("Line line = 2;", "message Line {\n  string sku = 1;\n  int32 qty = 2;\n}\n")},
	{"proto-add-message", schema.Protobuf, proto("int32 qty = 2;", ""), proto("int32 qty = 2;", "message Line {\n  string sku = 1;\n}\n")},
	{"proto-remove-message", schema.Protobuf, proto("int32 qty = 2;", "message Line {\n  string sku = 1;\n}\n"), proto("int32 qty = 2;", "")},

	// JSON Schema: the base object is open (no additionalProperties) unless a case closes it.
	{"json-add-optional-open", schema.JSON, jsonObj("", "", ""), jsonObj(`,"note":{"type":"string"}`, "", "")},
	{"json-add-optional-closed", schema.JSON, jsonObj("", "", `,"additionalProperties":false`),
		jsonObj(`,"note":{"type":"string"}`, "", `,"additionalProperties":false`)},
	{"json-remove-optional-open", schema.JSON, jsonObj(`,"note":{"type":"string"}`, "", ""), jsonObj("", "", "")},
	{"json-remove-optional-closed", schema.JSON, jsonObj(`,"note":{"type":"string"}`, "", `,"additionalProperties":false`),
		jsonObj("", "", `,"additionalProperties":false`)},
	{"json-add-required-closed", schema.JSON, jsonObj("", "", `,"additionalProperties":false`),
		jsonObj(`,"note":{"type":"string"}`, `,"note"`, `,"additionalProperties":false`)},
	{"json-optional-to-required", schema.JSON, jsonObj("", "", ""), jsonObj("", `,"qty"`, "")},
	{"json-required-to-optional", schema.JSON, jsonObj("", `,"qty"`, ""), jsonObj("", "", "")},
	{"json-integer-to-number", schema.JSON, jsonObj("", "", ""),
		`{"type":"object","properties":{"id":{"type":"string"},"qty":{"type":"number"}},"required":["id"]}`},
	{"json-number-to-integer", schema.JSON,
		`{"type":"object","properties":{"id":{"type":"string"},"qty":{"type":"number"}},"required":["id"]}`, jsonObj("", "", "")},
	{"json-string-to-integer", schema.JSON, jsonObj("", "", ""),
		`{"type":"object","properties":{"id":{"type":"integer"},"qty":{"type":"integer"}},"required":["id"]}`},
	{"json-make-nullable", schema.JSON, jsonObj("", "", ""),
		`{"type":"object","properties":{"id":{"type":"string"},"qty":{"type":["integer","null"]}},"required":["id"]}`},
	{"json-enum-add-value", schema.JSON, jsonObj(`,"status":{"type":"string","enum":["a","b"]}`, "", `,"additionalProperties":false`),
		jsonObj(`,"status":{"type":"string","enum":["a","b","c"]}`, "", `,"additionalProperties":false`)},
	{"json-enum-remove-value", schema.JSON, jsonObj(`,"status":{"type":"string","enum":["a","b","c"]}`, "", `,"additionalProperties":false`),
		jsonObj(`,"status":{"type":"string","enum":["a","b"]}`, "", `,"additionalProperties":false`)},
	{"json-close-content-model", schema.JSON, jsonObj("", "", ""), jsonObj("", "", `,"additionalProperties":false`)},
	{"json-open-content-model", schema.JSON, jsonObj("", "", `,"additionalProperties":false`), jsonObj("", "", "")},
	{"json-array-items-string-to-integer", schema.JSON, jsonObj(`,"tags":{"type":"array","items":{"type":"string"}}`, "", ""),
		jsonObj(`,"tags":{"type":"array","items":{"type":"integer"}}`, "", "")},
	{"json-nested-remove-optional-closed", schema.JSON,
		jsonObj(`,"address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}},"additionalProperties":false}`, "", ""),
		jsonObj(`,"address":{"type":"object","properties":{"city":{"type":"string"}},"additionalProperties":false}`, "", "")},
	{"json-add-const", schema.JSON, jsonObj(`,"kind":{"type":"string"}`, "", ""), jsonObj(`,"kind":{"type":"string","const":"order"}`, "", "")},
	{"json-add-enum", schema.JSON, jsonObj(`,"kind":{"type":"string"}`, "", ""), jsonObj(`,"kind":{"type":"string","enum":["a","b"]}`, "", "")},
	{"json-add-format", schema.JSON, jsonObj(`,"at":{"type":"string"}`, "", ""), jsonObj(`,"at":{"type":"string","format":"date-time"}`, "", "")},
	{"json-change-description", schema.JSON, jsonObj("", "", `,"description":"an order"`), jsonObj("", "", `,"description":"a purchase order"`)},
	{"json-nested-add-required", schema.JSON,
		jsonObj(`,"address":{"type":"object","properties":{"city":{"type":"string"}},"additionalProperties":false}`, "", `,"additionalProperties":false`),
		jsonObj(`,"address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}},"required":["zip"],"additionalProperties":false}`, "", `,"additionalProperties":false`)},
}

func TestAgreementWithRegistry(t *testing.T) {
	base := testenv.PrivateRegistry(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := time.Now().UTC().Format("20060102T150405.000000000")
	run = strings.NewReplacer(".", "", "T", "t").Replace(run)

	seen := map[string]bool{}
	agree, total := 0, 0
	known := map[string]bool{}
	var report []string
	for _, m := range mutations {
		require.False(t, seen[m.name], "duplicate case %s", m.name)
		seen[m.name] = true
		prev, err := schema.Parse(m.kind, m.v1, nil)
		require.NoError(t, err, "%s v1", m.name)
		next, err := schema.Parse(m.kind, m.v2, nil)
		require.NoError(t, err, "%s v2", m.name)
		for _, level := range levels {
			key := m.name + "/" + level
			subject := fmt.Sprintf("kdocs-agree-%s-%s-%s", run, m.name, strings.ToLower(level))
			scratch(t, base, subject, level, m.kind, m.v1)

			got, err := registry.CheckCompatibility(ctx, registry.Options{URL: base}, subject, "1",
				snapshot.SchemaVersion{Schema: m.v2, Type: string(m.kind)})
			require.NoError(t, err, key)
			registryOK := got.Status == snapshot.VerdictCompatible

			var breaking []string
			for _, c := range schema.Diff(prev, next, level) {
				if c.Breaking {
					breaking = append(breaking, fmt.Sprintf("%s %s: %s", c.Path, c.Kind, c.Reason))
				}
			}
			kdocsOK := len(breaking) == 0

			total++
			why, isKnown := knownDifferences[key]
			switch {
			case registryOK == kdocsOK && isKnown:
				t.Errorf("%s: listed as a known difference (%s) but kdocs and the registry now agree (%s): remove it from knownDifferences",
					key, why, word(registryOK))
			case registryOK == kdocsOK:
				agree++
			case isKnown:
				known[key] = true
				report = append(report, fmt.Sprintf("  known difference %s: registry %s, kdocs %s: %s", key, word(registryOK), word(kdocsOK), why))
			default:
				t.Errorf("%s: the registry says %s %q, kdocs says %s %q", key, word(registryOK), got.Messages, word(kdocsOK), breaking)
			}
		}
	}
	for key := range knownDifferences {
		if !seen[strings.SplitN(key, "/", 2)[0]] {
			t.Errorf("known difference %s names no case", key)
		}
	}
	for _, l := range report {
		t.Log(l)
	}
	msg := fmt.Sprintf("agreement %d/%d (%d mutations x %d levels; %d known differences where this registry departs from Confluent)",
		agree, total, len(mutations), len(levels), len(known))
	t.Log(msg)
	fmt.Println(msg)
	require.GreaterOrEqual(t, len(mutations), 30)
}

func word(ok bool) string {
	if ok {
		return "compatible"
	}
	return "incompatible"
}

// scratch makes subject with level and v1 as its only version on the registry at base (which
// goes away with the test, subjects and all).
func scratch(t *testing.T, base, subject, level string, kind schema.Kind, v1 string) {
	t.Helper()
	path := "/subjects/" + url.PathEscape(subject)
	send(t, http.MethodPut, base+"/config/"+url.PathEscape(subject), map[string]string{"compatibility": level})
	body := map[string]string{"schema": v1}
	if kind != schema.Avro {
		body["schemaType"] = string(kind)
	}
	send(t, http.MethodPost, base+path+"/versions", body)
}

func send(t *testing.T, method, u string, body any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", method, u, msg)
}
