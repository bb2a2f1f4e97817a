package snapshot_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
)

// Marshal writes what an indenting json.Encoder writes, on a large estate with hostile names.
func TestMarshalMatchesIndentingEncoder(t *testing.T) {
	s := synth.Estate(synth.Options{Topics: 300, Partitions: 3, Brokers: 3})
	s.Topics[0].Name = `<script>alert("x")</script> & ünïcode`
	s.Normalize()
	got, err := snapshot.Marshal(s)
	require.NoError(t, err)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(s))
	assert.Equal(t, want.String(), string(got))
}

// Write streams what json.Indent makes of the compact document, escapes and empty containers
// included.
func TestWriteIndentsLikeJSONIndent(t *testing.T) {
	s := synth.Estate(synth.Options{Topics: 20, Partitions: 2, Brokers: 3})
	s.Topics[0].Name = `back\slash\\ "quoted" {not:[structure]}, ending in \`
	s.Topics[1].Configs = nil
	s.Normalize()
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(s))
	var want bytes.Buffer
	require.NoError(t, json.Indent(&want, compact.Bytes(), "", "  "))
	var got bytes.Buffer
	require.NoError(t, snapshot.Write(&got, s))
	assert.Equal(t, want.String(), got.String())
	assert.Contains(t, got.String(), `back\\slash\\\\ \"quoted\" {not:[structure]}, ending in \\"`)
}
