package export

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/schema"
)

// TestProtobufRoot: a file with several messages no other uses gets one marked @RootNode — the
// message the sampled records name, else the first top-level candidate — and a file with one
// candidate, or that does not compile, is left as written. The marked text still compiles, and the mark is the chosen
// message's own comment even when another declaration shares its line.
func TestProtobufRoot(t *testing.T) {
	const transfers = `syntax = "proto3";
package acme.v1;

message Warehouse { string code = 1; }

// The events of a transfer.
message TransferEvents {
  // Stock left a warehouse.
  message TransferStarted {
    Warehouse from = 1;
  }
  map<string, Warehouse> by_code = 2;
}
`
	text, root, err := protobufRoot(transfers, nil)
	require.NoError(t, err)
	assert.Equal(t, "acme.v1.TransferEvents", root, "Warehouse is used; the first top-level candidate")
	assert.Contains(t, text, "// The events of a transfer.\n// @RootNode\nmessage TransferEvents {")

	text, root, err = protobufRoot(transfers, []int{1, 0})
	require.NoError(t, err)
	assert.Equal(t, "acme.v1.TransferEvents.TransferStarted", root, "the records' message indexes")
	assert.Contains(t, text, "  // Stock left a warehouse.\n  // @RootNode\n  message TransferStarted {")
	_, err = schema.ProtobufMessages(text)
	require.NoError(t, err, "the marked file compiles")

	text, root, err = protobufRoot(transfers, []int{0}) // Warehouse: used by others, not a root
	require.NoError(t, err)
	assert.Equal(t, "acme.v1.TransferEvents", root)

	const one = "syntax = \"proto3\";\nmessage A { B b = 1; }\nmessage B { A a = 1; }\nmessage C { A a = 1; }\n"
	text, root, err = protobufRoot(one, nil)
	require.NoError(t, err)
	assert.Empty(t, root, "C is the only message no other uses")
	assert.Equal(t, one, text)

	const shared = "syntax = \"proto3\";\nmessage A { message B { string s = 1; } }\n"
	text, root, err = protobufRoot(shared, []int{0, 0})
	require.NoError(t, err)
	assert.Equal(t, "B", root[len(root)-1:])
	assert.Equal(t, "syntax = \"proto3\";\nmessage A { \n// @RootNode\nmessage B { string s = 1; } }\n", text)
	msgs, err := schema.ProtobufMessages(text)
	require.NoError(t, err)
	require.Len(t, msgs, 2)

	const broken = "syntax = \"proto3\";\nmessage A { Missing m = 1; }\n"
	text, root, err = protobufRoot(broken, nil)
	require.NoError(t, err)
	assert.Equal(t, broken, text, "a file kdocs cannot compile is passed on as the registry holds it")
	assert.Empty(t, root)
}
