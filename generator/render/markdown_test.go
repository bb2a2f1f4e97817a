package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Escape returns plain text as it is, without a copy, and needsEscape must never call text
// plain that Escape would change.
func TestEscapeLeavesPlainText(t *testing.T) {
	for _, s := range []string{"", "orders.order-placed.v1", "a-b+c=d", "v1.2", "x1.", "a)b", "team orders", "1a.", "Stable"} {
		assert.False(t, needsEscape(s), "%q", s)
		assert.Equal(t, s, Escape(s))
	}
	for _, s := range []string{"-x", "+x", "=x", "1.", "12)", "a_b", "a\tb", "a\x7fb", "\x01", "é", "\xff", "a\u2028b", "x|y", "a{b}"} {
		assert.True(t, needsEscape(s), "%q", s)
	}
	for c := range 128 {
		for _, s := range []string{string(rune(c)), "a" + string(rune(c)), "12" + string(rune(c))} {
			if !needsEscape(s) {
				assert.Equal(t, s, Escape(s), "%q", s)
			} else {
				assert.NotEqual(t, s, Escape(s), "%q", s)
			}
		}
	}
}

// yamlString's shortcut writes what the JSON encoder writes.
func TestYAMLStringMatchesJSON(t *testing.T) {
	for _, s := range []string{"", "Big estate", `a"b`, `a\b`, "a<b>&c", "tab\there", "é", "\u2028", "\xff", "\x7f", "line\n"} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		assert.NoError(t, enc.Encode(s))
		got, err := yamlString(s)
		assert.NoError(t, err)
		assert.Equal(t, strings.TrimSuffix(buf.String(), "\n"), got, "%q", s)
	}
}

func TestInts(t *testing.T) {
	assert.Equal(t, "", ints(nil))
	assert.Equal(t, "7", ints([]int32{7}))
	assert.Equal(t, "1, 2, -1, 2147483647", ints([]int32{1, 2, -1, 2147483647}))
}
