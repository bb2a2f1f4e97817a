package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/internal/numfmt"
)

// notFoundTemplate renders 404.html, which the host serves at any missing URL.
const notFoundTemplate = "404"

// funcs are the helpers of Markdown templates. Every untrusted string must pass through md (or
// yaml in front matter, or fence in a code block) on its way into a template's output.
var funcs = template.FuncMap{
	"md":    Escape,
	"yaml":  yamlString,
	"fence": fence,
	"num":   num,
	"ints":  ints,
	"date":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"link":  func(title, path string) site.Link { return site.Link{Title: title, Path: path} },
	"count": count,
	"size":  size,
	"figure": func(p pageData, d any) figure {
		return figure{Page: p, Diagram: d}
	},
}

// figure is what the "diagram" template (diagram.md.tmpl) sees: the page, whose links it
// writes, and a diagram or one of its nodes.
type figure struct {
	Page    pageData
	Diagram any
}

// size writes a number of bytes for reading: 0 B, 512 B, 1.5 KiB, 12.3 GiB.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// count writes a number of things: count 1 "topic" → "1 topic", count 3 "topic" → "3 topics".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return num(n) + " " + noun + "s"
}

// pageData is what a Markdown template sees: the page (its Title, Path, Data …), the site, and
// link helpers that know which page they are writing from.
type pageData struct {
	*site.Page
	Site *site.Site
	// Data, Title and Path are the page's own, repeated: text/template finds a field of the
	// struct itself by a short scan, but one promoted from the embedded page by a search that
	// allocates, on every evaluation, and templates ask for .Data again and again.
	Data  any
	Title string
	Path  string
}

func newPageData(s *site.Site, p *site.Page) pageData {
	return pageData{Page: p, Site: s, Data: p.Data, Title: p.Title, Path: p.Path}
}

// Link returns the relative Markdown link from this page to the page at path (its .md file;
// the HTML stage points it at the .html file).
func (d pageData) Link(path string) string { return site.Rel(d.Path, path+".md") }

// File returns the relative link from this page to a file of the site, such as a snapshot.
func (d pageData) File(path string) string { return site.Rel(d.Path, path) }

// LinkTo writes l as a Markdown link with escaped text, or as plain escaped text when l points
// nowhere (a topic a group reads that is not in the snapshot).
func (d pageData) LinkTo(l site.Link) string {
	if l.Path == "" {
		return Escape(l.Title)
	}
	return "[" + Escape(l.Title) + "](" + d.Link(l.Path) + ")"
}

// RefTo writes an author's link (from an annotation) as a Markdown link: a file of the site
// relative to this page (a page's .md file becomes the page's link in HTML), a URL as written.
func (d pageData) RefTo(r site.Ref) string {
	dest := r.URL
	if r.File != "" {
		dest = d.File(r.File)
	}
	return "[" + Escape(r.Title) + "](" + destination(dest) + ")"
}

// destination writes a link destination in Markdown's angle-bracket form, which allows spaces
// and parentheses; the characters it does not allow are percent-encoded, so an author's URL can
// never end the link early.
func destination(dest string) string {
	r := strings.NewReplacer("<", "%3C", ">", "%3E", "\n", "%0A", "\r", "%0D", "\\", "%5C")
	return "<" + r.Replace(dest) + ">"
}

// Markdown returns the page's Markdown with front matter: a generated page through its template,
// a content page as written (with a title heading added when it has none).
//
// The Markdown is written into a buffer kept from page to page and returned as a copy of its
// exact size: the build keeps every page's Markdown until its end (the export), and a buffer
// grown by doubling would have kept up to twice that, after copying it all along the way.
func (r *Renderer) Markdown(s *site.Site, p *site.Page) ([]byte, error) {
	buf := markdownBuffers.Get().(*bytes.Buffer)
	defer markdownBuffers.Put(buf)
	if err := r.writeMarkdown(buf, s, p); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// writeMarkdown writes the page's Markdown, as Markdown returns it, into buf (emptied first):
// a page that is not exported needs it only while it converts.
func (r *Renderer) writeMarkdown(buf *bytes.Buffer, s *site.Site, p *site.Page) error {
	buf.Reset()
	if p.Content != nil {
		c := p.Content
		if c.FrontMatter != "" {
			buf.WriteString("---\n")
			buf.WriteString(c.FrontMatter)
			buf.WriteString("---\n")
		}
		if !c.HasHeading {
			buf.WriteString("# ")
			buf.WriteString(Escape(c.Title))
			buf.WriteString("\n\n")
		}
		buf.WriteString(c.Body)
		return nil
	}
	name := p.Template + ".md.tmpl"
	if err := r.markdown.ExecuteTemplate(buf, name, newPageData(s, p)); err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	return nil
}

var markdownBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Escape makes untrusted text literal in inline Markdown and table cells: every character
// Markdown or GFM gives meaning to is backslash-escaped, line breaks become spaces (a newline
// would end a table row), and a leading list or heading marker is neutralized.
func Escape(s string) string {
	if !needsEscape(s) {
		return s // most names are plain: no copy
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '&', '#', '~', '!', '{', '}':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '-', '+', '=':
			if i == 0 { // "- x", "+ x", "=" would start a list item or underline a heading
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		case '.', ')':
			// "1. x" or "1) x" would start an ordered list.
			if i > 0 && isDigits(s[:i]) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		case '\n', '\r', '\t', '\v', '\f', '\u2028', '\u2029':
			b.WriteByte(' ')
		default:
			if r < 0x20 || r == 0x7f {
				b.WriteByte(' ')
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// needsEscape reports whether Escape may change s: false only when it would return s as it is.
// It answers yes for any byte outside printable ASCII, leaving UTF-8 (valid or not) to Escape.
func needsEscape(s string) bool {
	digits := true // s[:i] is all digits
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c >= 0x7f || markdownSpecial[c]:
			return true
		case c == '-' || c == '+' || c == '=':
			if i == 0 {
				return true
			}
		case c == '.' || c == ')':
			if i > 0 && digits {
				return true
			}
		}
		digits = digits && '0' <= c && c <= '9'
	}
	return false
}

// markdownSpecial are the characters Escape always backslash-escapes.
var markdownSpecial = func() (set [128]bool) {
	for _, c := range "\\`*_[]<>|&#~!{}" {
		set[c] = true
	}
	return set
}()

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// yamlString quotes s as a YAML scalar (a JSON string is a valid YAML double-quoted scalar).
func yamlString(s string) (string, error) {
	if plainJSONString(s) {
		return `"` + s + `"`, nil // what the encoder writes for it, without the encoder
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// plainJSONString reports whether JSON writes s as it is between quotes: printable ASCII
// without a quote or backslash (HTML escaping is off).
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// fence writes text as a fenced code block, its fence longer than any backtick run in the text
// so the text cannot close it.
func fence(language, text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + language + "\n" + strings.TrimSuffix(text, "\n") + "\n" + f
}

// num formats an integer with thousands separators: 1234567 → 1,234,567.
func num(v any) string {
	var n int64
	switch v := v.(type) {
	case int:
		n = int64(v)
	case int32:
		n = int64(v)
	case int64:
		n = v
	default:
		return fmt.Sprint(v)
	}
	return numfmt.Thousands(n)
}

// ints joins broker or partition ids: [1 2 3] → "1, 2, 3".
func ints(ids []int32) string {
	b := make([]byte, 0, len(ids)*6)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(id), 10)
	}
	return string(b)
}

// stripFrontMatter returns the Markdown after a leading front matter block.
func stripFrontMatter(md []byte) []byte {
	if !bytes.HasPrefix(md, []byte("---\n")) {
		return md
	}
	rest := md[len("---\n"):]
	for off := 0; off < len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if end >= 0 {
			line = rest[off : off+end]
		}
		if string(line) == "---" || string(line) == "..." {
			if end < 0 {
				return nil
			}
			return rest[off+end+1:]
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return md
}
