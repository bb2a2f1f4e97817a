package render

import (
	"encoding/json"
	"strings"
)

// highlightJSON writes valid JSON highlighted with chroma's classes, as chroma's JSON lexer,
// coalesced, would colour it, in a lighter markup than its HTML formatter's and at a small part
// of its cost (chroma's regular-expression lexer was the largest single cost of a site build
// with a registry). Schema text was most of a subject page's bytes, and most of those were
// markup: the formatter wraps every line in <span class="line"><span class="cl">, puts every
// run of punctuation in a span of its own and writes each quote as &#34;. Here lines are the
// <pre>'s own, punctuation is the block's own colour (syntaxCSS gives .chroma the colour of
// chroma's .p), and only <, > and & are escaped. It declines (false) anything outside the
// cases it handles: invalid JSON, carriage returns, code without a final newline.
// jsonhl_test.go holds it to chroma's tokens and classes.
//
// chroma's JSON lexer marks object keys "nt", other strings "s2", true/false/null "kc", numbers
// with a fraction or exponent "mf" and others "mi", punctuation "p" and whitespace as plain text.
func highlightJSON(code string) (string, bool) {
	if !strings.HasSuffix(code, "\n") || strings.IndexByte(code, '\r') >= 0 || !json.Valid([]byte(code)) {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(code) * 2)
	b.WriteString(`<pre class="chroma"><code>`)
	span := func(class, tok string) {
		b.WriteString(`<span class="`)
		b.WriteString(class)
		b.WriteString(`">`)
		textEscaper.WriteString(&b, tok)
		b.WriteString(`</span>`)
	}
	// inObject[i] says whether container i of the nesting is an object; key says the next
	// string is an object's key.
	var inObject []bool
	key := false
	for i := 0; i < len(code); {
		c := code[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			j := i
			for j < len(code) && (code[j] == ' ' || code[j] == '\t' || code[j] == '\n') {
				j++
			}
			b.WriteString(code[i:j])
			i = j
		case c == '"':
			j := i + 1
			for code[j] != '"' {
				if code[j] == '\\' {
					j++
				}
				j++
			}
			j++
			if key {
				span("nt", code[i:j])
			} else {
				span("s2", code[i:j])
			}
			key = false
			i = j
		case c == '{' || c == '[':
			b.WriteByte(c)
			inObject = append(inObject, c == '{')
			key = c == '{'
			i++
		case c == '}' || c == ']':
			b.WriteByte(c)
			inObject = inObject[:len(inObject)-1]
			key = false
			i++
		case c == ':':
			b.WriteByte(c)
			key = false
			i++
		case c == ',':
			b.WriteByte(c)
			key = len(inObject) > 0 && inObject[len(inObject)-1]
			i++
		case c == 't' || c == 'n':
			span("kc", code[i:i+4])
			i += 4
		case c == 'f':
			span("kc", code[i:i+5])
			i += 5
		default: // a number: valid JSON leaves nothing else
			j, float := i, false
			for j < len(code) && strings.IndexByte("+-0123456789.eE", code[j]) >= 0 {
				float = float || code[j] == '.' || code[j] == 'e' || code[j] == 'E'
				j++
			}
			if float {
				span("mf", code[i:j])
			} else {
				span("mi", code[i:j])
			}
			i = j
		}
	}
	b.WriteString("</code></pre>\n") // as highlight ends chroma's output
	return b.String(), true
}

// textEscaper escapes what element content needs escaped, and nothing more: quotes stay quotes.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
