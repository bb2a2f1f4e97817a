// Shared helpers for the tests: reading testdata and flattening trees into rows that a table can
// state exactly.
package schema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

// row is the part of a Field a field table shows.
type row struct {
	Path     string
	Type     string
	Required bool
	Nullable bool
	Default  string
}

func rows(t *Tree) []row {
	var out []row
	t.Walk(func(f *Field) {
		out = append(out, row{f.Path, f.Type, f.Required, f.Nullable, f.Default})
	})
	return out
}

// field finds a field by path, failing the test when it is missing.
func field(t *testing.T, tree *Tree, path string) *Field {
	t.Helper()
	var found *Field
	tree.Walk(func(f *Field) {
		if f.Path == path {
			found = f
		}
	})
	require.NotNil(t, found, "no field %q", path)
	return found
}

func TestParseKind(t *testing.T) {
	for in, want := range map[string]Kind{"": Avro, "avro": Avro, "PROTOBUF": Protobuf, " json ": JSON} {
		got, err := ParseKind(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := Parse("XML", "<x/>", nil)
	assert.ErrorContains(t, err, `unknown schema type "XML"`)
}

func TestJoinPathQuotesNamesThatLookLikePaths(t *testing.T) {
	assert.Equal(t, "a", joinPath("", "a"))
	assert.Equal(t, "a.b", joinPath("a", "b"))
	assert.Equal(t, `a["b.c"]`, joinPath("a", "b.c"))
	assert.Equal(t, `[""]`, joinPath("", ""))
	assert.NotEqual(t, joinPath(joinPath("", "a"), "b"), joinPath("", "a.b"))
}
