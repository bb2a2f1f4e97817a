package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/schema"
	"github.com/kdocs/kdocs/internal/digest"
	"github.com/kdocs/kdocs/internal/synth"
)

type schemaInput struct {
	kind schema.Kind
	text string
	refs map[string]string
}

// schemaInputs are the schema package's examples in all three languages (with and without the
// reference one needs), a synthetic registry's versions, and schemas that do not parse.
func schemaInputs(t *testing.T) []schemaInput {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "schema", "testdata", name))
		require.NoError(t, err)
		return string(b)
	}
	money := read("money.proto")
	in := []schemaInput{
		{schema.Avro, read("order_placed_v1.avsc"), nil},
		{schema.Avro, read("order_placed_v2.avsc"), nil},
		{schema.Avro, read("order_placed_v3.avsc"), nil},
		{schema.Protobuf, money, nil},
		{schema.Protobuf, read("payment.proto"), map[string]string{"shop/common/money.proto": money}},
		{schema.Protobuf, read("payment.proto"), nil},
		{schema.JSON, read("customer.json"), nil},
		{schema.JSON, read("refund.json"), nil},
		{schema.Avro, `{"type":"record","name":"r","fields":[{"name":"a","type":"nope"}]}`, nil},
		{schema.Avro, `{"type":"record",`, nil},
		{schema.JSON, `{"type": 3}`, nil},
	}
	for _, s := range synth.Estate(synth.Options{Cluster: "c", Topics: 40, SubjectEvery: 5, Versions: 3}).Registry.Subjects {
		for _, v := range s.Versions {
			in = append(in, schemaInput{schema.Avro, v.Schema, nil})
		}
	}
	return in
}

// TestSchemaCacheAnswersAsParse: what the cache returns, from this build's parse or from the
// previous build's file, is what schema.Parse returns, tree for tree and error for error.
func TestSchemaCacheAnswersAsParse(t *testing.T) {
	inputs := schemaInputs(t)
	path := filepath.Join(t.TempDir(), "cache")
	first := newSchemaCache("build-1")
	for _, in := range inputs {
		want, wantErr := schema.Parse(in.kind, in.text, in.refs)
		got, err := first.parse(in.kind, in.text, in.refs)
		assertSameParse(t, want, wantErr, got, err)
	}
	assert.Zero(t, first.hits)
	require.NoError(t, first.write(path))

	second := newSchemaCache("build-1")
	require.NoError(t, second.read(path))
	for _, in := range inputs {
		want, wantErr := schema.Parse(in.kind, in.text, in.refs)
		got, err := second.parse(in.kind, in.text, in.refs)
		assertSameParse(t, want, wantErr, got, err)
	}
	assert.Equal(t, len(second.used), second.hits, "every parse came from the file")
	assert.False(t, second.changed(), "nothing to write again")

	// The file is the same for the same parses, and holds only what a build used.
	again := filepath.Join(t.TempDir(), "again")
	require.NoError(t, second.write(again))
	a, _ := os.ReadFile(path)
	b, _ := os.ReadFile(again)
	assert.Equal(t, a, b)
	third := newSchemaCache("build-1")
	require.NoError(t, third.read(path))
	_, _ = third.parse(inputs[0].kind, inputs[0].text, inputs[0].refs)
	assert.True(t, third.changed())
	require.NoError(t, third.write(again))
	fourth := newSchemaCache("build-1")
	require.NoError(t, fourth.read(again))
	assert.Len(t, fourth.prev, 1)
}

func assertSameParse(t *testing.T, want *schema.Tree, wantErr error, got *schema.Tree, err error) {
	t.Helper()
	assert.Equal(t, want, got)
	if wantErr == nil {
		assert.NoError(t, err)
	} else if assert.Error(t, err) {
		assert.Equal(t, wantErr.Error(), err.Error())
	}
}

// TestSchemaCacheKey: a parse's key changes with anything the parse reads, so no entry can
// answer for another input.
func TestSchemaCacheKey(t *testing.T) {
	c := newSchemaCache("build-1")
	base := c.key(schema.Protobuf, "text", map[string]string{"a.proto": "x"})
	for name, k := range map[string]digest.Sum{
		"kind":          c.key(schema.JSON, "text", map[string]string{"a.proto": "x"}),
		"text":          c.key(schema.Protobuf, "text ", map[string]string{"a.proto": "x"}),
		"reference":     c.key(schema.Protobuf, "text", map[string]string{"a.proto": "y"}),
		"its name":      c.key(schema.Protobuf, "text", map[string]string{"b.proto": "x"}),
		"no references": c.key(schema.Protobuf, "text", nil),
		"boundaries":    c.key(schema.Protobuf, "tex", map[string]string{"ta.proto": "x"}),
		"executable":    newSchemaCache("build-2").key(schema.Protobuf, "text", map[string]string{"a.proto": "x"}),
	} {
		assert.NotEqual(t, base, k, name)
	}
}

// TestSchemaCacheRefusesDamage: a cache cut short, changed, of another format or written by
// another kdocs is not read, and the build parses as if there were none.
func TestSchemaCacheRefusesDamage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cache")
	c := newSchemaCache("build-1")
	in := schemaInputs(t)[0]
	want, _ := schema.Parse(in.kind, in.text, in.refs)
	_, _ = c.parse(in.kind, in.text, in.refs)
	require.NoError(t, c.write(path))
	good, err := os.ReadFile(path)
	require.NoError(t, err)

	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 1
	for name, tc := range map[string]struct {
		data  []byte
		build string
		want  string
	}{
		"cut short":     {good[:len(good)-10], "build-1", "damaged"},
		"one bit":       {flipped, "build-1", "damaged"},
		"empty":         {nil, "build-1", "damaged"},
		"another kdocs": {good, "build-2", "written by another kdocs"},
		"not a cache":   {[]byte(strings.Repeat("x", 64)), "build-1", "damaged"},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			require.NoError(t, os.WriteFile(p, tc.data, 0o644))
			c := newSchemaCache(tc.build)
			err := c.read(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), p)
			assert.Contains(t, err.Error(), tc.want)
			got, err := c.parse(in.kind, in.text, in.refs)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.Zero(t, c.hits)
		})
	}
	assert.Error(t, newSchemaCache("build-1").read(filepath.Join(dir, "none")))
}
