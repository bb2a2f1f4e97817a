package diagram

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
)

// escapeRuneByRune is escape as it was first written, one rune at a time with fmt: the
// reference that the single pass with its plain-text shortcut must match.
func escapeRuneByRune(text string) string {
	colon := strings.Contains(text, "style") || strings.Contains(text, "classDef")
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == '"':
			b.WriteString("#quot;")
		case r == '<':
			b.WriteString("#lt;")
		case r == '>':
			b.WriteString("#gt;")
		case r == '&':
			b.WriteString("#amp;")
		case r == ':' && colon:
			b.WriteString("#58;")
		case r == '*' || r == '_' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case strings.ContainsRune("#`%{}", r):
			fmt.Fprintf(&b, "#%d;", r)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// accTextRuneByRune is accText as it was first written: escape called on each rune alone.
func accTextRuneByRune(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch r {
		case '*', '_', '\\':
			b.WriteRune(r)
		default:
			b.WriteString(escapeRuneByRune(string(r)))
		}
	}
	if strings.Contains(text, "style") || strings.Contains(text, "classDef") {
		return strings.ReplaceAll(b.String(), ":", "#58;")
	}
	return b.String()
}

var escapeCases = []string{
	"", "orders", "orders.v1-eu_west", "a:b", "style a:b #c;", "classDef x:y", "%%{init}%%",
	`"quoted" <b>&amp;</b>`, "**bold** _it_ \\", "#`%{}", "tab\there\nnew\rline\u2028\u2029",
	"\x00\x1f\x7f\u0085", "ünïcødé 名前", "bad\xffutf8\xc3", "100% {done}", "a;b,c[d](e)|f",
	"~!@$^=+?/'", strings.Repeat("x", 300),
}

func TestEscapeMatchesRuneByRune(t *testing.T) {
	cases := append([]string(nil), escapeCases...)
	for c := 0; c < 256; c++ { // every byte alone and inside a plain name
		cases = append(cases, string([]byte{byte(c)}), "topic"+string([]byte{byte(c)})+"name")
	}
	for _, s := range cases {
		if got, want := escape(s), escapeRuneByRune(s); got != want {
			t.Errorf("escape(%q) = %q, want %q", s, got, want)
		}
		if got, want := accText(s), accTextRuneByRune(s); got != want {
			t.Errorf("accText(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzEscapeMatchesRuneByRune(f *testing.F) {
	for _, s := range escapeCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := escape(s), escapeRuneByRune(s); got != want {
			t.Errorf("escape(%q) = %q, want %q", s, got, want)
		}
		if got, want := accText(s), accTextRuneByRune(s); got != want {
			t.Errorf("accText(%q) = %q, want %q", s, got, want)
		}
	})
}
