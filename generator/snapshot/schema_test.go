package snapshot

// The contract's documents: the committed JSON Schema is the generated one, every field is
// described in it and in docs/snapshot-format.md, and real snapshots validate against it.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	schemaFile = filepath.Join("..", "..", "docs", "snapshot.schema.json")
	formatDoc  = filepath.Join("..", "..", "docs", "snapshot-format.md")
)

// TestJSONSchemaIsCommitted: docs/snapshot.schema.json is what JSONSchema generates. After
// changing the types or their descriptions, regenerate it with
//
//	go test ./generator/snapshot -run TestJSONSchemaIsCommitted -update
func TestJSONSchemaIsCommitted(t *testing.T) {
	got := JSONSchema()
	if *update {
		require.NoError(t, os.WriteFile(schemaFile, got, 0o644))
	}
	want, err := os.ReadFile(schemaFile)
	require.NoError(t, err, "regenerate it with -update")
	assert.Equal(t, string(want), string(got), "docs/snapshot.schema.json is stale: run go test ./generator/snapshot -run TestJSONSchemaIsCommitted -update")
	assert.Equal(t, got, JSONSchema(), "the schema is deterministic")
	assert.True(t, json.Valid(got))
}

// structTypes returns every struct type reachable from Snapshot, by name.
func structTypes() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.PkgPath() != reflect.TypeFor[Snapshot]().PkgPath() {
			return
		}
		if _, ok := out[t.Name()]; ok {
			return
		}
		out[t.Name()] = t
		for f := range t.Fields() {
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[Snapshot]())
	return out
}

// jsonFields returns the JSON names of a struct's encoded fields, in order.
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		out = append(out, name)
	}
	return out
}

// TestEveryFieldIsDescribed: a field added to the types without a description in fieldDocs
// fails here, and so does a description (or enum, or list rule) left behind by a removed field.
func TestEveryFieldIsDescribed(t *testing.T) {
	used := map[string]bool{}
	for name, typ := range structTypes() {
		used[name] = true
		assert.NotEmpty(t, fieldDocs[name], "fieldDocs has no description of type %s", name)
		for _, f := range jsonFields(typ) {
			path := name + "." + f
			used[path] = true
			assert.NotEmpty(t, fieldDocs[path], "fieldDocs has no description of %s", path)
		}
	}
	for k := range fieldDocs {
		assert.True(t, used[k], "fieldDocs describes %s, which is not a type or field of the snapshot", k)
	}
	for k := range enums {
		assert.True(t, used[k], "enums names %s, which is not a field", k)
	}
	for k := range alwaysList {
		assert.True(t, used[k], "alwaysList names %s, which is not a field", k)
	}
}

// TestAlwaysListsAreNeverNull: the lists the schema declares never null are the ones Normalize
// fills in.
func TestAlwaysListsAreNeverNull(t *testing.T) {
	data, err := Encode(&Snapshot{Format: Format})
	require.NoError(t, err)
	for _, key := range []string{`"topics": []`, `"consumerGroups": []`, `"brokers": []`} {
		assert.Contains(t, string(data), key)
	}
	assert.NoError(t, validate(t, data))
}

// TestFormatDocCoversEveryField: docs/snapshot-format.md has a section per type ("### Type") that
// names each of its fields in backquotes, so the prose reference cannot silently fall behind.
func TestFormatDocCoversEveryField(t *testing.T) {
	doc, err := os.ReadFile(formatDoc)
	require.NoError(t, err)
	sections := map[string]string{}
	heading := regexp.MustCompile(`(?m)^### ` + "`?" + `([A-Za-z]+)` + "`?" + `\s*$`)
	locs := heading.FindAllSubmatchIndex(doc, -1)
	for i, l := range locs {
		end := len(doc)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		sections[string(doc[l[2]:l[3]])] = string(doc[l[1]:end])
	}
	for name, typ := range structTypes() {
		body, ok := sections[name]
		if !assert.True(t, ok, "docs/snapshot-format.md has no section \"### %s\"", name) {
			continue
		}
		for _, f := range jsonFields(typ) {
			assert.Contains(t, body, "`"+f+"`", "docs/snapshot-format.md, section %s, does not describe field %s", name, f)
		}
	}
}

// compiledSchema compiles the committed schema, asserting formats (date-time) as well.
func compiledSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(schemaFile)
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource(SchemaID, doc))
	s, err := c.Compile(SchemaID)
	require.NoError(t, err)
	return s
}

func validate(t *testing.T, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return compiledSchema(t).Validate(inst)
}

// TestSnapshotsValidateAgainstSchema: the committed example snapshot (taken from the seeded
// Kafka and registry), the golden file, an early-format file and a snapshot with every optional
// section all validate; files the decoder refuses do not.
func TestSnapshotsValidateAgainstSchema(t *testing.T) {
	for _, path := range []string{
		filepath.Join("..", "..", "testdata", "demo", "acme-dev.json"),
		filepath.Join("testdata", "sample.golden.json"),
		filepath.Join("testdata", "v1-minimal.json"),
	} {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.NoError(t, validate(t, data), path)
		_, err = Decode(data)
		assert.NoError(t, err, path)
	}

	full := fullSample()
	data, err := Encode(full)
	require.NoError(t, err)
	assert.NoError(t, validate(t, data), "a snapshot with broker details, sizes, ACLs, quotas and errors")

	for name, bad := range map[string]string{
		"unknown field":   `{"format":"kdocs.snapshot/v1","kdocsVersion":"x","takenAt":"2026-01-01T00:00:00Z","cluster":{"name":"a","environment":"","id":"","controllerId":-1,"brokers":[]},"topics":[],"consumerGroups":[],"colour":1}`,
		"other format":    `{"format":"kdocs.snapshot/v2","kdocsVersion":"x","takenAt":"2026-01-01T00:00:00Z","cluster":{"name":"a","environment":"","id":"","controllerId":-1,"brokers":[]},"topics":[],"consumerGroups":[]}`,
		"missing cluster": `{"format":"kdocs.snapshot/v1","kdocsVersion":"x","takenAt":"2026-01-01T00:00:00Z","topics":[],"consumerGroups":[]}`,
		"bad time":        `{"format":"kdocs.snapshot/v1","kdocsVersion":"x","takenAt":"yesterday","cluster":{"name":"a","environment":"","id":"","controllerId":-1,"brokers":[]},"topics":[],"consumerGroups":[]}`,
		"null topics":     `{"format":"kdocs.snapshot/v1","kdocsVersion":"x","takenAt":"2026-01-01T00:00:00Z","cluster":{"name":"a","environment":"","id":"","controllerId":-1,"brokers":[]},"topics":null,"consumerGroups":[]}`,
	} {
		assert.Error(t, validate(t, []byte(bad)), name)
	}
}

// fullSample is sample() with every optional section set.
func fullSample() *Snapshot {
	s := sample()
	size := int64(42)
	s.Cluster.ExpectedBrokers = 3
	s.Cluster.Brokers[0].Configs = []Config{{Name: "log.dirs", Value: "/d", Source: "STATIC_BROKER_CONFIG"}, {Name: "ssl.key.password", Sensitive: true, Source: "STATIC_BROKER_CONFIG"}}
	s.Cluster.Brokers[0].LogDirs = []LogDir{{Path: "/d", SizeBytes: 42}, {Path: "/e", Error: "KAFKA_STORAGE_ERROR"}}
	s.Topics[0].Internal = true
	s.Topics[0].SizeBytes = &size
	s.Topics[0].Partitions[0].SizeBytes = &size
	s.Topics[0].Partitions[0].OfflineReplicas = []int32{2}
	s.Groups[0].Uncommitted = []TopicPartitions{{Topic: "payments", Partitions: []int32{2}}}
	s.Groups[0].Members = []Member{{ID: "m", ClientID: "c", Host: "/10.0.0.1", Assignments: []TopicPartitions{{Topic: "payments", Partitions: []int32{0, 1}}}}}
	s.Registry.Subjects[0].Compatibility = "FULL"
	s.Registry.Subjects[0].Versions[0].References = []Reference{{Name: "m", Subject: "money", Version: 1}}
	s.ACLs = &ACLSection{Available: true, Entries: []ACL{{ResourceType: "TOPIC", ResourceName: "payments", PatternType: "LITERAL", Principal: "User:b", Host: "*", Operation: "READ", Permission: "ALLOW"}}}
	s.Quotas = &QuotaSection{Available: false, Reason: "not authorized"}
	return s
}

// TestFormatDocExampleIsValid: the example in docs/snapshot-format.md is a snapshot kdocs reads
// and the schema accepts.
func TestFormatDocExampleIsValid(t *testing.T) {
	doc, err := os.ReadFile(formatDoc)
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)```json\n(.*?)```").FindSubmatch(doc)
	require.NotNil(t, m, "docs/snapshot-format.md has no ```json example")
	assert.NoError(t, validate(t, m[1]))
	_, err = Decode(m[1])
	assert.NoError(t, err)
}
