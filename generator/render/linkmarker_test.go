package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/site"
)

// The page and print HTML of one rendering with link markers: each view's own destinations,
// escaped as goldmark escapes them, dangerous ones emptied, and text that spells a marker left
// as it is.
func TestConvertPageLinkMarkers(t *testing.T) {
	r := newRenderer(t)
	md := []byte("See [a](other.md), [b](<../x y.html?q=1&r=2#f>), [bad](javascript:alert(1)), ![img](pic.png \"t\") " +
		"and `=\"kdocs-link-0.\"` or href=\"kdocs-link-1.\" in text, [web](https://example.com/a&b).\n")
	page, print, links, err := r.convertPage(&site.Site{}, "docs/a", md, true)
	broken := links.broken
	require.NoError(t, err)
	assert.Equal(t, []string{"other.md"}, broken)
	assert.Equal(t, `<p>See <a href="other.md">a</a>, <a href="../x%20y.html?q=1&amp;r=2#f">b</a>, <a href="">bad</a>, `+
		`<img src="pic.png" alt="img" title="t"> and <code>=&quot;kdocs-link-0.&quot;</code> or href=&quot;kdocs-link-1.&quot; in text, `+
		`<a href="https://example.com/a&amp;b">web</a>.</p>`+"\n", string(page))
	assert.Equal(t, `<p>See <a href="../docs/other.md">a</a>, <a href="../x%20y.html?q=1&amp;r=2#f">b</a>, <a href="">bad</a>, `+
		`<img src="../docs/pic.png" alt="img" title="t"> and <code>=&quot;kdocs-link-0.&quot;</code> or href=&quot;kdocs-link-1.&quot; in text, `+
		`<a href="https://example.com/a&amp;b">web</a>.</p>`+"\n", string(print))
}

// hasScheme stands in for schemeRE on every link: they must agree.
func TestHasSchemeMatchesSchemeRE(t *testing.T) {
	for _, d := range []string{"", ":", "a", "a:", "A:b", "mailto:x", "https://x", "a1+.-:x", "1a:", "+a:", "-a:",
		"a b:", "a_b:", "é:x", "ab", "a/b:c", "a#b:", "a?b:", "../x:y", "x.md", "C:\\x"} {
		assert.Equal(t, schemeRE.MatchString(d), hasScheme(d), "%q", d)
	}
}
