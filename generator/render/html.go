package render

import (
	"bytes"
	"html"
	"path"
	"regexp"
	"strings"

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
			parser.WithASTTransformers(util.Prioritized(linkTransformer{}, 500), util.Prioritized(tableTransformer{}, 600)),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(codeRenderer{}, 100), util.Prioritized(tableRenderer{}, 100)),
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
	mode linkMode
	base string // the base URL, for rootedMode
	// broken collects relative .md links that lead to no page.
	broken []string
	// links, when record is set, keeps every link's destination as written, so that a page
	// parsed once can be rendered again in another mode (see convertPage).
	record bool
	links  []recordedLink
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

// linkTransformer points relative links at what the HTML site holds: "x.md" (the Markdown
// export's own link form, and what authors write to link between content pages) becomes
// "x.html", or "#page:x" in the print view, where other relative links are re-based onto print/.
type linkTransformer struct{}

func (linkTransformer) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	lc, _ := pc.Get(linkKey).(*linkContext)
	if lc == nil {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest *[]byte
		switch n := n.(type) {
		case *ast.Link:
			dest = &n.Destination
		case *ast.Image:
			dest = &n.Destination
		default:
			return ast.WalkContinue, nil
		}
		if lc.record {
			lc.links = append(lc.links, recordedLink{dest: dest, orig: *dest})
		}
		*dest = lc.rewrite(*dest)
		return ast.WalkContinue, nil
	})
}

func (lc *linkContext) rewrite(dest []byte) []byte {
	d := string(dest)
	if d == "" || d[0] == '#' || d[0] == '/' || d[0] == '?' || schemeRE.MatchString(d) {
		return dest
	}
	p, frag, _ := strings.Cut(d, "#")
	p, query, _ := strings.Cut(p, "?")
	target := path.Join(site.Dir(lc.page), p)
	if strings.HasPrefix(target, "../") || target == ".." {
		return dest // leaves the site: the author's business
	}
	suffix := ""
	if query != "" {
		suffix += "?" + query
	}
	if frag != "" {
		suffix += "#" + frag
	}
	stem, isMD := strings.CutSuffix(target, ".md")
	if !isMD {
		stem, _ = strings.CutSuffix(target, ".html")
	}
	if page := lc.site.Page(stem); page != nil && (isMD || strings.HasSuffix(target, ".html")) {
		switch lc.mode {
		case printMode:
			return []byte("#" + chapterID(page.Path))
		case rootedMode:
			return []byte(lc.base + page.Path + ".html" + suffix)
		}
		return []byte(site.Rel(lc.page, page.Path+".html") + suffix)
	}
	if isMD {
		lc.broken = append(lc.broken, d)
	}
	switch lc.mode {
	case printMode:
		return []byte(site.Rel("print/index", target) + suffix)
	case rootedMode:
		return []byte(lc.base + target + suffix)
	}
	return dest
}

// tableTransformer names every table after the heading above it (its aria-label: a screen reader
// lists "Partitions", "Configuration" … instead of "table, table"), and marks the rows with a
// problem: a row with a cell whose text starts with ⚠ gets class="problem", with ✖ class="problem
// critical", which the theme highlights. Templates write the signs into status cells, where they
// also read in the Markdown export.
type tableTransformer struct{}

func (tableTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	heading := ""
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			heading = strings.TrimSpace(plainText(n, source))
			return ast.WalkSkipChildren, nil
		case *east.Table:
			if heading != "" {
				n.SetAttributeString("aria-label", []byte(heading))
			}
		case *east.TableRow:
			class := ""
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				switch text := strings.TrimSpace(plainText(c, source)); {
				case strings.HasPrefix(text, "✖"):
					class = "problem critical"
				case strings.HasPrefix(text, "⚠") && class == "":
					class = "problem"
				}
			}
			if class != "" {
				n.SetAttributeString("class", []byte(class))
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// plainText is the text of n's inline content, without markup.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(source))
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if txt, ok := t.(*ast.Text); ok {
					b.Write(txt.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// tableRenderer writes <table> like goldmark's table extension, but lets aria-label through
// (the extension's attribute filter drops it).
type tableRenderer struct{}

var tableAttributes = extension.TableAttributeFilter.ExtendString("aria-label")

func (tableRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
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
		_, _ = w.WriteString(html.EscapeString(code.String()))
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
	var dark bytes.Buffer
	if err := formatter.WriteCSS(&dark, styles.Get("github-dark")); err != nil {
		return nil, err
	}
	buf.WriteString("@media screen {\n")
	buf.WriteString(scopeCSS(dark.String(), `:root[data-theme="dark"] `))
	buf.WriteString("}\n@media screen and (prefers-color-scheme: dark) {\n")
	buf.WriteString(scopeCSS(dark.String(), `:root:not([data-theme]) `))
	buf.WriteString("}\n")
	return buf.Bytes(), nil
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
	lc := &linkContext{site: s, page: pagePath, mode: mode, base: r.baseURL}
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
func (r *Renderer) convertPage(s *site.Site, pagePath string, md []byte) (page, print []byte, broken []string, err error) {
	lc := &linkContext{site: s, page: pagePath, mode: pageMode, base: r.baseURL, record: true}
	pc := parser.NewContext()
	pc.Set(linkKey, lc)
	doc := r.goldmark.Parser().Parse(text.NewReader(md), parser.WithContext(pc))
	broken = lc.broken
	pageDests := make([][]byte, len(lc.links))
	printDests := make([][]byte, len(lc.links))
	lc.mode = printMode
	for i, l := range lc.links {
		pageDests[i] = escapedDest(*l.dest)
		printDests[i] = escapedDest(lc.rewrite(l.orig))
		*l.dest = linkMarker(i)
	}
	var buf bytes.Buffer
	if err := r.goldmark.Renderer().Render(&buf, md, doc); err != nil {
		return nil, nil, nil, err
	}
	if len(lc.links) == 0 {
		return buf.Bytes(), buf.Bytes(), broken, nil
	}
	return replaceLinkMarkers(buf.Bytes(), pageDests), replaceLinkMarkers(buf.Bytes(), printDests), broken, nil
}
