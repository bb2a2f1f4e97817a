package render

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// chromaLight rewrites chroma's HTML into highlightJSON's lighter markup: no line spans, no
// punctuation spans, quotes unescaped. What is left are the same tokens with the same classes.
func chromaLight(s string) string {
	s = strings.ReplaceAll(s, `<span class="line"><span class="cl">`, "")
	s = strings.ReplaceAll(s, "\n</span></span>", "\n")
	s = punctSpanRE.ReplaceAllString(s, "$1")
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'").Replace(s)
}

var punctSpanRE = regexp.MustCompile(`<span class="p">([^<]*)</span>`)

// TestHighlightJSONMatchesChroma holds the JSON fast path to chroma's tokens and classes, byte
// for byte once chroma's markup is made as light (chromaLight): every schema of the demo
// snapshot (as stored and indented) and JSON chosen for its corners.
func TestHighlightJSONMatchesChroma(t *testing.T) {
	cases := []string{
		"{}\n", "[]\n", "null\n", "true\n", "\"s\"\n", "-12\n", "0.5\n", "1e10\n", "-1.25E-3\n",
		`{"a":{},"b":[],"c":[{}],"d":[[1,2],[3]],"e":{"f":{"g":null}}}` + "\n",
		`{"esc":"quote \" backslash \\ tab \t unicode \u00e9 <tag> & 'apos'","k\"ey":"v"}` + "\n",
		`{"nums":[0,-0,1.5,2e3,-4.5e+6,7E-8,10],"bools":[true,false,null]}` + "\n",
		"{\n\t\"tabs\": [\n\t\ttrue\n\t]\n}\n",
		"  {  \"spaced\" :  [ 1 , 2 ] ,\n\n\n \"blank lines\" : \"é ü 日本\" }  \n",
		`{"trailing backslash\\":"\\"}` + "\n",
	}
	snap, err := snapshot.Load(filepath.Join("..", "..", "testdata", "demo", "acme-dev.json"))
	require.NoError(t, err)
	require.NotNil(t, snap.Registry)
	for _, s := range snap.Registry.Subjects {
		for _, v := range s.Versions {
			cases = append(cases, v.Schema+"\n")
			var ind bytes.Buffer
			if json.Indent(&ind, []byte(v.Schema), "", "  ") == nil {
				cases = append(cases, ind.String()+"\n")
			}
		}
	}
	checked := 0
	for _, c := range cases {
		want, ok := chromaHighlight("json", c)
		require.True(t, ok)
		want = chromaLight(want)
		got, ok := highlightJSON(c)
		if !json.Valid([]byte(c)) {
			assert.False(t, ok, "invalid JSON is left to chroma: %q", c)
			continue
		}
		require.True(t, ok, "%q", c)
		assert.Equal(t, want, got, "JSON %q", c)
		checked++
	}
	assert.Greater(t, checked, 20)
}

// TestHighlightJSONDeclines leaves to chroma what the fast path does not reproduce.
func TestHighlightJSONDeclines(t *testing.T) {
	for _, c := range []string{`{"a":1}`, "{\"a\":1}\r\n", "{\"a\":}\n", "// comment\n{}\n"} {
		_, ok := highlightJSON(c)
		assert.False(t, ok, "%q", c)
	}
}
