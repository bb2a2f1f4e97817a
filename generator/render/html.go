package render

import (
	"bytes"
	"html"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	goldhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/kdocs/kdocs/generator/site"
)

// newMarkdown builds the one goldmark converter every page goes through (goldmark converters
// are safe for concurrent use). Raw HTML stays disabled: a Markdown page can never smuggle
// markup into the site.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(pageTransformer{}, 500)),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(codeRenderer{}, 100), util.Prioritized(newTableRenderer(), 100)),
		),
	)
}

// linkMode says where a page's HTML will live, which decides how its links are written.
type linkMode int

const (
	// pageMode: the page's own file; links to pages stay relative to it.
	pageMode linkMode = iota
	// printMode: a chapter of print/index.html; links to pages become #anchors of chapters.
	printMode
	// rootedMode: a page served at any URL (404.html); links to pages start with the base URL.
	rootedMode
)

// linkContext travels with one conversion through goldmark's parser context.
type linkContext struct {
	site *site.Site
	page string // the page's path, to resolve relative links from
	dir  string // the page's directory
	mode linkMode
	base string // the base URL, for rootedMode
	// broken collects relative .md links that lead to no page.
	broken []string
	// bySet is set by a link written as an .html file of the site rather than a page's .md:
	// whether it names a page, and so how it is written, depends on which pages there are,
	// which no page key covers (generated pages link to .md files only).
	bySet bool
	// record makes the parser keep every link's destination as written, in links, and leave
	// it for convertPage to write once for each mode the page is rendered in.
	record bool
	links  []recordedLink
}

// linkReport is what converting a page found of its links.
type linkReport struct {
	broken []string // .md links to no page
	bySet  bool     // see linkContext.bySet
}

func (lc *linkContext) report() linkReport { return linkReport{broken: lc.broken, bySet: lc.bySet} }

func newLinkContext(s *site.Site, pagePath string, mode linkMode, base string) *linkContext {
	return &linkContext{site: s, page: pagePath, dir: site.Dir(pagePath), mode: mode, base: base}
}

// recordedLink is one link or image of a parsed page: where its destination lives in the AST,
// and the destination as the Markdown wrote it.
type recordedLink struct {
	dest *[]byte
	orig []byte
}

var linkKey = parser.NewContextKey()

// chapterID is the id of a page's chapter in the print view.
func chapterID(pagePath string) string {
	return "page:" + strings.ReplaceAll(pagePath, "/", ":")
}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// hasScheme reports whether d starts with a URL scheme and its colon, as schemeRE matches.
func hasScheme(d string) bool {
	for i := 0; i < len(d); i++ {
		switch c := d[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '.' || c == '-'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// pageTransformer does in one walk over a page what the HTML needs of its links and tables.
//
// Links: relative links point at what the HTML site holds: "x.md" (the Markdown export's own
// link form, and what authors write to link between content pages) becomes "x.html", or
// "#page:x" in the print view, where other relative links are re-based onto print/.
//
// Tables: every table is named after the heading above it (its aria-label: a screen reader
// lists "Partitions", "Configuration" … instead of "table, table"), and the rows with a
// problem are marked: a row with a cell whose text starts with ⚠ gets class="problem", with ✖
// class="problem critical", which the theme highlights. Templates write the signs into status
// cells, where they also read in the Markdown export.
type pageTransformer struct{}

func (pageTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	lc, _ := pc.Get(linkKey).(*linkContext)
	source := reader.Source()
	heading := ""
	var text []byte // a heading's or cell's text, reused from one to the next
	var headings []*ast.Heading
	defer func() {
		for _, h := range headings {
			permalink(h)
		}
	}()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			lc.transform(&n.Destination)
		case *ast.Image:
			lc.transform(&n.Destination)
		case *ast.Heading:
			text = appendPlainText(text[:0], n, source)
			heading = string(bytes.TrimSpace(text))
			if n.Level > 1 {
				headings = append(headings, n)
			}
		case *east.Table:
			if heading != "" {
				n.SetAttributeString("aria-label", []byte(heading))
			}
			if cls := columnClasses(n.Alignments); cls != "" {
				n.SetAttributeString("class", []byte(cls))
			}
		case *east.TableRow:
			class := ""
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				text = appendPlainText(text[:0], c, source)
				switch text := bytes.TrimSpace(text); {
				case bytes.HasPrefix(text, []byte("✖")):
					class = "problem critical"
				case bytes.HasPrefix(text, []byte("⚠")) && class == "":
					class = "problem"
				}
			}
			if class != "" {
				n.SetAttributeString("class", []byte(class))
			}
		}
		return ast.WalkContinue, nil
	})
}

// permalink makes a section heading's text a link to the heading itself (<h2 id="x"><a
// href="#x">…</a></h2>), so a reader can copy the address of a section: the heading keeps its
// name for a screen reader, the link is reached with Tab, and the theme marks it with a "#" on
// hover and focus. No class: the theme finds it as a heading's fragment link, and a class on
// every heading of 170,000 pages is 20 MB of a site that must fit in 1 GB. A heading with a link of its own is left alone (links do not
// nest), as is one without an id.
func permalink(h *ast.Heading) {
	id, ok := h.AttributeString("id")
	if !ok || h.FirstChild() == nil {
		return
	}
	idBytes, ok := id.([]byte)
	if !ok || len(idBytes) == 0 {
		return
	}
	nested := false
	_ = ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == ast.KindLink || n.Kind() == ast.KindAutoLink) {
			nested = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if nested {
		return
	}
	link := ast.NewLink()
	link.Destination = append([]byte("#"), idBytes...)
	for c := h.FirstChild(); c != nil; {
		next := c.NextSibling()
		h.RemoveChild(h, c)
		link.AppendChild(link, c)
		c = next
	}
	h.AppendChild(h, link)
}

// transform rewrites a link's destination for the context's mode, or records it.
func (lc *linkContext) transform(dest *[]byte) {
	switch {
	case lc == nil:
	case lc.record:
		lc.links = append(lc.links, recordedLink{dest: dest, orig: *dest})
	default:
		*dest = lc.rewrite(*dest, lc.mode)
	}
}

// rewrite returns dest as written for mode.
func (lc *linkContext) rewrite(dest []byte, mode linkMode) []byte {
	t, ok := lc.resolve(string(dest))
	if !ok {
		return dest
	}
	return lc.write(t, mode, dest)
}

// linkTarget is where a relative link leads in the site.
type linkTarget struct {
	page   *site.Page // nil when it leads to no page
	target string     // the path from the site root
	suffix string     // "?query#fragment"
}

// resolve finds where the destination d leads, and notes a relative .md link to no page as
// broken. It returns false for a destination that every mode keeps as written: a fragment, an
// absolute path or URL, a path that leaves the site.
func (lc *linkContext) resolve(d string) (linkTarget, bool) {
	if d == "" || d[0] == '#' || d[0] == '/' || d[0] == '?' || hasScheme(d) {
		return linkTarget{}, false
	}
	p, frag, _ := strings.Cut(d, "#")
	p, query, _ := strings.Cut(p, "?")
	target := path.Join(lc.dir, p)
	if strings.HasPrefix(target, "../") || target == ".." {
		return linkTarget{}, false // leaves the site: the author's business
	}
	t := linkTarget{target: target}
	if query != "" {
		t.suffix += "?" + query
	}
	if frag != "" {
		t.suffix += "#" + frag
	}
	stem, isMD := strings.CutSuffix(target, ".md")
	if !isMD {
		stem, _ = strings.CutSuffix(target, ".html")
		lc.bySet = lc.bySet || strings.HasSuffix(target, ".html")
	}
	if page := lc.site.Page(stem); page != nil && (isMD || strings.HasSuffix(target, ".html")) {
		t.page = page
	} else if isMD {
		lc.broken = append(lc.broken, d)
	}
	return t, true
}

// write returns the destination of t for mode; orig is the destination as written.
func (lc *linkContext) write(t linkTarget, mode linkMode, orig []byte) []byte {
	if t.page != nil {
		switch mode {
		case printMode:
			return []byte("#" + chapterID(t.page.Path))
		case rootedMode:
			return []byte(lc.base + t.page.Path + ".html" + t.suffix)
		}
		return []byte(site.Rel(lc.page, t.page.Path+".html") + t.suffix)
	}
	switch mode {
	case printMode:
		return []byte(site.Rel("print/index", t.target) + t.suffix)
	case rootedMode:
		return []byte(lc.base + t.target + t.suffix)
	}
	return orig
}

// appendPlainText appends the text of n's inline content, without markup, to b.
func appendPlainText(b []byte, n ast.Node, source []byte) []byte {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b = append(b, c.Segment.Value(source)...)
		case *ast.String:
			b = append(b, c.Value...)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if txt, ok := t.(*ast.Text); ok {
					b = append(b, txt.Segment.Value(source)...)
				}
			}
			continue
		}
		b = appendPlainText(b, c, source)
	}
	return b
}

// tableRenderer writes <table> like goldmark's table extension, but lets aria-label through
// (the extension's attribute filter drops it), and writes the cells itself: the extension's
// cell renderer formats every tag with fmt and stores each alignment as a style attribute on
// the node before writing it, which cost a tenth of a page's conversion.
type tableRenderer struct {
	// cell is the extension's cell renderer, for a cell with attributes of its own.
	cell renderer.NodeRendererFunc
}

var tableAttributes = extension.TableAttributeFilter.ExtendString("aria-label")

func newTableRenderer() tableRenderer {
	var reg funcCapture
	extension.NewTableHTMLRenderer().RegisterFuncs(&reg)
	return tableRenderer{cell: reg.funcs[east.KindTableCell]}
}

func (t tableRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTable, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString("<table")
			if n.Attributes() != nil {
				goldhtml.RenderAttributes(w, n, tableAttributes)
			}
			_, _ = w.WriteString(">\n")
		} else {
			_, _ = w.WriteString("</table>\n")
		}
		return ast.WalkContinue, nil
	})
	// A row on one line: <tr><td>…</td><td>…</td></tr>.
	reg.Register(east.KindTableHeader, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString("<thead")
			if n.Attributes() != nil {
				goldhtml.RenderAttributes(w, n, extension.TableHeaderAttributeFilter)
			}
			_, _ = w.WriteString(">\n<tr>")
		} else {
			_, _ = w.WriteString("</tr>\n</thead>\n")
			if n.NextSibling() != nil {
				_, _ = w.WriteString("<tbody>\n")
			}
		}
		return ast.WalkContinue, nil
	})
	reg.Register(east.KindTableRow, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString("<tr")
			if n.Attributes() != nil {
				goldhtml.RenderAttributes(w, n, extension.TableRowAttributeFilter)
			}
			_ = w.WriteByte('>')
		} else {
			_, _ = w.WriteString("</tr>\n")
			if n.Parent().LastChild() == n {
				_, _ = w.WriteString("</tbody>\n")
			}
		}
		return ast.WalkContinue, nil
	})
	reg.Register(east.KindTableCell, t.renderCell)
}

// columnClasses names the table's aligned columns, r2 for "the second column is right-aligned"
// (c3 centred, l1 left), which the theme's rules apply to every cell of that column: the class
// is written once per table, not once per cell (a topic's six partitions carried 36 of them).
// Columns beyond maxAlignedColumn, which the theme has no rule for, keep a class per cell.
func columnClasses(aligns []east.Alignment) string {
	var b []byte
	for i, a := range aligns {
		if (a != east.AlignRight && a != east.AlignCenter && a != east.AlignLeft) || i >= maxAlignedColumn {
			continue
		}
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, a.String()[0])
		b = strconv.AppendInt(b, int64(i+1), 10)
	}
	return string(b)
}

// maxAlignedColumn is the number of columns css/kdocs.css has alignment rules for.
const maxAlignedColumn = 12

// renderCell writes a cell as the extension does with its default options (HTML rather than
// XHTML), without a newline between cells, without the end tags HTML lets a cell omit, and with its alignment as the table's class (see
// columnClasses) or, past maxAlignedColumn, a class r, c or l of its own.
func (t tableRenderer) renderCell(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if node.Attributes() != nil {
		return t.cell(w, source, node, entering)
	}
	header := node.Parent().Kind() == east.KindTableHeader
	if !entering {
		// A cell's end tag is optional in HTML before the next cell; the row's last one is
		// written, for readers of the source.
		if node.NextSibling() != nil {
			return ast.WalkContinue, nil
		}
		if header {
			_, _ = w.WriteString("</th>")
		} else {
			_, _ = w.WriteString("</td>")
		}
		return ast.WalkContinue, nil
	}
	if header {
		_, _ = w.WriteString("<th")
	} else {
		_, _ = w.WriteString("<td")
	}
	// Alignment as the table's class or, past maxAlignedColumn, a one-letter class (the theme's
	// td.r, th.r …), never a style: the 100k estate's pages carried 150 MB of
	// style="text-align:right".
	if a := node.(*east.TableCell).Alignment; a != east.AlignNone && columnIndex(node) >= maxAlignedColumn {
		_, _ = w.WriteString(` class="`)
		_ = w.WriteByte(a.String()[0])
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

// columnIndex is the cell's column, from 0.
func columnIndex(cell ast.Node) int {
	i := 0
	for c := cell.PreviousSibling(); c != nil; c = c.PreviousSibling() {
		i++
	}
	return i
}

// funcCapture keeps the functions a node renderer registers.
type funcCapture struct {
	funcs map[ast.NodeKind]renderer.NodeRendererFunc
}

func (c *funcCapture) Register(k ast.NodeKind, f renderer.NodeRendererFunc) {
	if c.funcs == nil {
		c.funcs = map[ast.NodeKind]renderer.NodeRendererFunc{}
	}
	c.funcs[k] = f
}

// codeRenderer writes fenced code blocks: ```mermaid as <pre class="mermaid"> for the browser to
// draw, a language chroma knows as highlighted HTML (done here, at build time: no script, no
// CDN), anything else as plain escaped code.
type codeRenderer struct{}

func (codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderFencedCode)
}

// formatter is shared: chroma's formatter and lexers are safe for concurrent use (a lexer
// compiles its rules once, under its own lock).
var formatter = chromahtml.New(chromahtml.WithClasses(true))

func renderFencedCode(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.FencedCodeBlock)
	var code bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		code.Write(seg.Value(source))
	}
	language := strings.ToLower(string(n.Language(source)))

	if language == "mermaid" {
		// Mermaid reads the element's text; escaping keeps the diagram source literal in HTML.
		_, _ = w.WriteString(`<pre class="mermaid">`)
		_, _ = textEscaper.WriteString(w, code.String()) // quotes need no escaping in text
		_, _ = w.WriteString("</pre>\n")
		return ast.WalkSkipChildren, nil
	}
	if language != "" {
		if out, ok := highlight(language, code.String()); ok {
			_, _ = w.WriteString(out)
			return ast.WalkSkipChildren, nil
		}
	}
	_, _ = w.WriteString("<pre><code")
	if language != "" {
		_, _ = w.WriteString(` class="language-` + html.EscapeString(language) + `"`)
	}
	_, _ = w.WriteString(">")
	_, _ = w.WriteString(html.EscapeString(code.String()))
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// highlight returns code as chroma HTML with CSS classes (styled by css/syntax.css), or false
// when no lexer knows the language.
func highlight(language, code string) (string, bool) {
	if language == "json" {
		if out, ok := highlightJSON(code); ok {
			return out, true
		}
	}
	return chromaHighlight(language, code)
}

// chromaHighlight is highlight by chroma itself, for every language.
func chromaHighlight(language, code string) (string, bool) {
	lexer := lexers.Get(language)
	if lexer == nil {
		return "", false
	}
	lexer = chroma.Coalesce(lexer)
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return "", false
	}
	var buf bytes.Buffer
	if err := formatter.Format(&buf, styles.Get("github"), it); err != nil {
		return "", false
	}
	return buf.String() + "\n", true
}

// syntaxCSS is the stylesheet of highlighted code: GitHub's light colors, and its dark ones when
// the page is dark. The page is dark when the theme toggle set <html data-theme="dark">, or,
// before any script ran (or without scripts), when the system prefers dark. Print always uses
// the light ones: the dark rules apply to screens only.
func syntaxCSS() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("/* Syntax highlighting, generated by kdocs from chroma's github and github-dark styles. */\n")
	if err := formatter.WriteCSS(&buf, styles.Get("github")); err != nil {
		return nil, err
	}
	punctuationCSS(&buf, styles.Get("github"))
	var dark bytes.Buffer
	if err := formatter.WriteCSS(&dark, styles.Get("github-dark")); err != nil {
		return nil, err
	}
	punctuationCSS(&dark, styles.Get("github-dark"))
	buf.WriteString("@media screen {\n")
	buf.WriteString(scopeCSS(dark.String(), `:root[data-theme="dark"] `))
	buf.WriteString("}\n@media screen and (prefers-color-scheme: dark) {\n")
	buf.WriteString(scopeCSS(dark.String(), `:root:not([data-theme]) `))
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

// punctuationCSS gives highlighted code the colour of the style's punctuation: highlightJSON
// writes punctuation without a span of its own.
func punctuationCSS(buf *bytes.Buffer, style *chroma.Style) {
	if c := style.Get(chroma.Punctuation).Colour; c.IsSet() {
		buf.WriteString("/* Punctuation outside spans */ .chroma code { color: " + c.String() + " }\n")
	}
}

// cssRuleRE matches one of chroma's one-line rules: an optional comment, the selectors, the body.
var cssRuleRE = regexp.MustCompile(`(?m)^(/\*[^*]*\*/ )?([^{}\n]+?)\s*\{`)

// scopeCSS puts prefix before every selector of chroma's stylesheet css.
func scopeCSS(css, prefix string) string {
	return cssRuleRE.ReplaceAllStringFunc(css, func(rule string) string {
		m := cssRuleRE.FindStringSubmatch(rule)
		sels := strings.Split(m[2], ",")
		for i, s := range sels {
			sels[i] = prefix + strings.TrimSpace(s)
		}
		return m[1] + strings.Join(sels, ", ") + " {"
	})
}

// toHTML converts a page's Markdown (front matter already removed) for the given mode and
// returns the HTML and the relative .md links that lead nowhere.
func (r *Renderer) toHTML(s *site.Site, pagePath string, md []byte, mode linkMode) ([]byte, []string, error) {
	lc := newLinkContext(s, pagePath, mode, r.baseURL)
	pc := parser.NewContext()
	pc.Set(linkKey, lc)
	var buf bytes.Buffer
	if err := r.goldmark.Convert(md, &buf, parser.WithContext(pc)); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), lc.broken, nil
}

// convertPage converts a page's Markdown (front matter already removed) once and returns its
// HTML twice, for its own file and for its chapter in the print view, and the relative .md
// links that lead nowhere. The two differ only in link and image destinations,
// so the page is parsed and rendered once, each destination written as a marker (linkMarker),
// and the markers are then replaced by each view's destination, escaped as goldmark escapes
// them: a second goldmark rendering of every page cost more.
func (r *Renderer) convertPage(s *site.Site, pagePath string, md []byte, withPrint bool) (page, print []byte, links linkReport, err error) {
	lc := newLinkContext(s, pagePath, pageMode, r.baseURL)
	lc.record = true
	pc := parser.NewContext()
	pc.Set(linkKey, lc)
	doc := r.goldmark.Parser().Parse(text.NewReader(md), parser.WithContext(pc))
	pageDests := make([][]byte, len(lc.links))
	printDests := make([][]byte, len(lc.links))
	for i, l := range lc.links {
		if t, ok := lc.resolve(string(l.orig)); ok {
			pageDests[i] = escapedDest(lc.write(t, pageMode, l.orig))
			if withPrint {
				printDests[i] = escapedDest(lc.write(t, printMode, l.orig))
			}
		} else {
			pageDests[i] = escapedDest(l.orig)
			printDests[i] = pageDests[i]
		}
		*l.dest = linkMarker(i)
	}
	buf := htmlBuffers.Get().(*bytes.Buffer)
	defer htmlBuffers.Put(buf)
	buf.Reset()
	if err := r.goldmark.Renderer().Render(bufWriter{buf}, md, doc); err != nil {
		return nil, nil, linkReport{}, err
	}
	if len(lc.links) == 0 {
		html := bytes.Clone(buf.Bytes())
		return html, html, lc.report(), nil
	}
	if !withPrint {
		return replaceLinkMarkers(buf.Bytes(), pageDests), nil, lc.report(), nil
	}
	return replaceLinkMarkers(buf.Bytes(), pageDests), replaceLinkMarkers(buf.Bytes(), printDests), lc.report(), nil
}

// htmlBuffers hold goldmark's output while convertPage puts each view's links into it: the
// views are copies, so the buffer is reused by the next page instead of growing anew from
// nothing, which cost every page a handful of allocations and copies of its HTML.
var htmlBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// bufWriter lets goldmark write straight into a bytes.Buffer: a writer that is not a
// util.BufWriter gets a bufio.Writer of its own, allocated on every rendering, and every byte
// copied once more.
type bufWriter struct{ *bytes.Buffer }

func (w bufWriter) Available() int { return w.Cap() - w.Len() }
func (w bufWriter) Buffered() int  { return 0 }
func (w bufWriter) Flush() error   { return nil }
