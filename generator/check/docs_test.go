package check

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
)

// docKeyRE is the key cell of a reference table row: | `clusters[].name` | …
var docKeyRE = regexp.MustCompile("(?m)^\\| `([A-Za-z0-9_.\\[\\]<>{},]+)` \\|")

// TestConfigurationReferenceIsComplete walks the configuration types and docs/configuration.md:
// every key has a row, and every row is a key.
func TestConfigurationReferenceIsComplete(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "configuration.md"))
	require.NoError(t, err)
	var documented []string
	for _, m := range docKeyRE.FindAllStringSubmatch(string(data), -1) {
		documented = append(documented, expandBraces(m[1])...)
	}
	require.NotEmpty(t, documented)
	keys := Keys(reflect.TypeFor[config.Site]())
	for _, k := range keys {
		assert.True(t, slices.Contains(documented, k), "site.yaml key %s is not documented in docs/configuration.md", k)
	}
	for _, d := range documented {
		assert.True(t, slices.Contains(keys, d), "docs/configuration.md documents %s, which site.yaml does not have", d)
	}
	seen := map[string]bool{}
	for _, d := range documented {
		assert.False(t, seen[d], "%s is documented twice", d)
		seen[d] = true
	}
}

// expandBraces turns a.{b,c}.d into a.b.d and a.c.d.
func expandBraces(k string) []string {
	open := strings.IndexByte(k, '{')
	if open < 0 {
		return []string{k}
	}
	end := strings.IndexByte(k[open:], '}') + open
	var out []string
	for _, alt := range strings.Split(k[open+1:end], ",") {
		out = append(out, expandBraces(k[:open]+alt+k[end+1:])...)
	}
	return out
}
