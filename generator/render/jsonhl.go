package render

import (
	"encoding/json"
	"html"
	"strings"
)

// highlightJSON writes valid JSON as exactly the HTML that chroma's JSON lexer, coalesced, and
// its HTML formatter with classes produce, at a small part of their cost: schema pages show
// every version's schema, and chroma's regular-expression lexer was the largest single cost of
// a site build with a registry. It declines (false) anything outside the cases it reproduces:
// invalid JSON, carriage returns, code without a final newline. jsonhl_test.go compares it with
// chroma byte for byte.
//
// chroma's JSON lexer marks object keys "nt", other strings "s2", true/false/null "kc", numbers
// with a fraction or exponent "mf" and others "mi", punctuation "p" (runs of it merged into one
// span by coalescing) and whitespace as plain text; the formatter wraps each line, newline
// included, in <span class="line"><span class="cl">.
func highlightJSON(code string) (string, bool) {
	if !strings.HasSuffix(code, "\n") || strings.IndexByte(code, '\r') >= 0 || !json.Valid([]byte(code)) {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(code) * 3)
	b.WriteString(`<pre class="chroma"><code>`)
	lineOpen := false
	open := func() {
		if !lineOpen {
			b.WriteString(`<span class="line"><span class="cl">`)
			lineOpen = true
		}
	}
	// Punctuation is held back until the next token of another kind, to be merged as chroma's
	// coalescer merges it.
	var punct strings.Builder
	flush := func() {
		if punct.Len() > 0 {
			open()
			b.WriteString(`<span class="p">`)
			b.WriteString(punct.String())
			b.WriteString(`</span>`)
			punct.Reset()
		}
	}
	span := func(class, tok string) {
		flush()
		open()
		b.WriteString(`<span class="`)
		b.WriteString(class)
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(tok))
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
			flush()
			j := i
			for j < len(code) && (code[j] == ' ' || code[j] == '\t' || code[j] == '\n') {
				j++
			}
			for ws := code[i:j]; ws != ""; {
				open()
				nl := strings.IndexByte(ws, '\n')
				if nl < 0 {
					b.WriteString(ws)
					break
				}
				b.WriteString(ws[:nl+1])
				b.WriteString(`</span></span>`)
				lineOpen = false
				ws = ws[nl+1:]
			}
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
			punct.WriteByte(c)
			inObject = append(inObject, c == '{')
			key = c == '{'
			i++
		case c == '}' || c == ']':
			punct.WriteByte(c)
			inObject = inObject[:len(inObject)-1]
			key = false
			i++
		case c == ':':
			punct.WriteByte(c)
			key = false
			i++
		case c == ',':
			punct.WriteByte(c)
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
	flush()
	if lineOpen {
		b.WriteString(`</span></span>`)
	}
	b.WriteString("</code></pre>\n") // as highlight ends chroma's output
	return b.String(), true
}
