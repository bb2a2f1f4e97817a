// Package render turns the document model into a site: each page's Markdown from its template
// (templates/*.md.tmpl), then HTML through goldmark, then a theme layout (themes/<name>/layouts),
// plus the theme's static files, a print view of the whole book, 404.html, sitemap.xml,
// robots.txt, .nojekyll and the search index (search/, see package search).
//
// Templates and layouts are parsed once, in New. Pages render in parallel on a bounded pool.
// Every link in a page is relative to it, so the site works from any sub-path and from a copy
// on disk; only 404.html (served at whatever URL was missing) and sitemap.xml use the base URL.
package render

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	texttemplate "text/template"
	"unsafe"

	"github.com/yuin/goldmark"

	"github.com/kdocs/kdocs/generator/search"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/internal/digest"
)

// Options configure a Renderer.
type Options struct {
	// Theme holds layouts/{baseof,page,print}.html and static/; Templates holds *.md.tmpl.
	Theme     fs.FS
	Templates fs.FS
	// BaseURL is where the site is served from ("/", "/kdocs/", "https://acme.github.io/kdocs/").
	BaseURL string
	// Workers bounds parallel page rendering; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// CSS are the site's own stylesheets (site.yaml's css), written at their paths and linked
	// after the theme's on every page, the print view and 404.html included.
	CSS []File
	// Print writes the print view (book.go) beside the pages, and pages link to it.
	Print bool
	// Build identifies the code that renders (the build uses the executable's digest): part of
	// every page key, so that another kdocs renders every page again.
	Build string
}

// Renderer renders sites with parsed templates and layouts. It is safe for concurrent use.
type Renderer struct {
	opts     Options
	baseURL  string
	markdown *texttemplate.Template
	layouts  map[string]*template.Template // "page", "print"
	goldmark goldmark.Markdown
	// creating serialises the page workers' file creations: creating files in one directory
	// from several threads at once makes the kernel spin on the directory's lock, which cost
	// several times the CPU of creating them one after another (13,000 pages: ≈3 s against
	// ≈0.5 s). Only the creation is serialised; the pages' bytes are written outside it.
	creating sync.Mutex
	// lastDir is the directory the last page was created in, known to exist (guarded by
	// creating): consecutive pages share one, and asking for it again cost a stat each.
	lastDir string
	// navs holds each distinct navigation rendered (layoutData.NavHTML).
	navs sync.Map
	// pageBuffers hold pages' HTML until written: reused, not grown anew for every page.
	pageBuffers sync.Pool
	keys        *keyer
}

// File is one generated file, by its slash-separated path in the output.
type File struct {
	Path string
	Data []byte
}

// Result reports what Render wrote.
type Result struct {
	// Pages counts the HTML pages of the site (not the print view or 404.html).
	Pages int
	// Markdown is every page's Markdown, in page order, at <page path>.md: the export format.
	// Only kept when RenderOptions.Markdown asks for it.
	Markdown []File
	// Warnings are problems that did not stop the build, such as links to missing pages.
	Warnings []string
	// Keys are the pages' keys by file name, for the next build's RenderOptions.Unchanged; a
	// page without one is missing. Rendered counts the pages rendered (not those Unchanged
	// let be), whether written or not.
	Keys     map[string]Key
	Rendered int
	// Sums are the digests of the pages written, by file name: what the build's manifest
	// records of them, without reading them back.
	Sums map[string]Key
}

// maxErrors caps the page errors reported at once: past a handful, the rest are the same.
const maxErrors = 10

// New parses the Markdown templates and the layouts once.
func New(opts Options) (*Renderer, error) {
	if opts.Theme == nil || opts.Templates == nil {
		return nil, errors.New("render: theme and templates are required")
	}
	r := &Renderer{opts: opts, baseURL: strings.TrimSuffix(cmp.Or(opts.BaseURL, "/"), "/") + "/",
		layouts: map[string]*template.Template{}, goldmark: newMarkdown(),
		pageBuffers: sync.Pool{New: func() any { return new(bytes.Buffer) }}}

	md, err := texttemplate.New("").Funcs(funcs).ParseFS(opts.Templates, "*.md.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse Markdown templates: %w", err)
	}
	for _, name := range []string{site.TemplateHome, site.TemplateCluster, site.TemplateTopics, site.TemplateTopic,
		site.TemplateGroups, site.TemplateGroup, site.TemplateSubjects, site.TemplateSubject, notFoundTemplate} {
		if md.Lookup(name+".md.tmpl") == nil {
			return nil, fmt.Errorf("parse Markdown templates: %s.md.tmpl is missing", name)
		}
	}
	r.markdown = md
	if r.keys, err = newKeyer(opts, md); err != nil {
		return nil, fmt.Errorf("page keys: %w", err)
	}

	for _, name := range []string{"page", "print"} {
		t, err := template.New("baseof.html").Funcs(template.FuncMap{"chapterID": chapterID}).
			ParseFS(opts.Theme, "layouts/baseof.html", "layouts/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse layout %s: %w", name, err)
		}
		r.layouts[name] = t
	}
	return r, nil
}

// RenderOptions adjust one Render.
type RenderOptions struct {
	// Check, when set, reads every HTML file as it is written (the build's link checker).
	Check Checker
	// Markdown keeps every page's Markdown in the Result, for the Markdown export.
	Markdown bool
	// Unchanged, when set, is asked for each page (by file name, with its key) whether the
	// previous build's file of it is still right; such a page is not rendered or written, and
	// its file is left to the caller. Not with the print view, which holds every page.
	Unchanged func(name string, key Key) bool
	// Same, when set, is asked for each page rendered whether the previous build's file of it
	// holds these very bytes (by their digest); such a page is not written either.
	Same func(name string, sum Key) bool
}

// A Checker reads the HTML files the renderer writes, as it writes them, so that nothing has to
// be read back from disk. Open's writer receives one file, in pieces that each end between two
// tags, and is closed when the file is complete. One that is never closed belongs to a file that
// was then written differently (a book whose head had to change): the checker must read that
// file from disk. Open is called from several goroutines.
type Checker interface {
	Open(name string) io.WriteCloser
}

// rendered is what Render keeps of one page.
type rendered struct {
	markdown []byte
	warnings []string
	err      error
	key      Key
	keyed    bool // key is set
	skipped  bool // Unchanged or Same said the previous file stands
	rendered bool
	sum      Key  // of the page's file
	bySet    bool // its links depend on which pages there are: no key covers it
}

// Render writes the site into dir, which should be empty. On error, dir holds a partial site
// that the caller discards.
func (r *Renderer) Render(ctx context.Context, s *site.Site, dir string, opts RenderOptions) (*Result, error) {
	out := &output{dir: dir, same: opts.Same, sums: map[string]Key{}}
	statics, err := r.copyStatic(out)
	if err != nil {
		return nil, err
	}
	nav, err := navScriptFile(s)
	if err != nil {
		return nil, err
	}
	if statics[nav.Path] {
		return nil, fmt.Errorf("the theme's static file %s would be overwritten by the site navigation", nav.Path)
	}
	if err := out.write(nav.Path, nav.Data); err != nil {
		return nil, err
	}
	for _, p := range s.Pages {
		if statics[p.Path+".html"] {
			return nil, fmt.Errorf("page %q would overwrite the theme's static file %s.html", p.Title, p.Path)
		}
	}

	// The search index reads only the model: it is built while the pages render, on the CPU
	// time their file writes leave idle.
	index := make(chan []search.File, 1)
	go func() { index <- search.Build(s) }()

	if opts.Unchanged != nil && r.opts.Print {
		return nil, errors.New("render: a build that leaves pages unchanged cannot write the print view")
	}
	keys, err := r.Keys(s)
	if err != nil {
		return nil, err
	}
	results, pr, err := r.renderPages(ctx, s, dir, keys, opts)
	if err != nil {
		return nil, err
	}
	defer pr.close()

	// Errors in page order, so two failed builds report the same first errors.
	var errs []error
	res := &Result{Pages: len(s.Pages), Keys: make(map[string]Key, len(s.Pages)), Sums: make(map[string]Key, len(s.Pages))}
	for i, p := range s.Pages {
		if results[i].keyed {
			res.Keys[p.Path+".html"] = results[i].key
		}
		if results[i].rendered {
			res.Rendered++
		}
		if !results[i].skipped && results[i].err == nil {
			res.Sums[p.Path+".html"] = results[i].sum
		}
		if results[i].err != nil {
			errs = append(errs, fmt.Errorf("page %s: %w", p.Path, results[i].err))
			continue
		}
		if opts.Markdown {
			res.Markdown = append(res.Markdown, File{Path: p.Path + ".md", Data: results[i].markdown})
		}
		res.Warnings = append(res.Warnings, results[i].warnings...)
	}
	if len(errs) > maxErrors {
		errs = append(errs[:maxErrors], fmt.Errorf("and %d more page errors", len(errs)-maxErrors))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := pr.finish(); err != nil {
		return nil, err
	}

	if err := r.writeNotFound(s, out, opts.Check); err != nil {
		return nil, err
	}
	for _, f := range r.sitemaps(s) {
		if err := out.write(f.Path, f.Data); err != nil {
			return nil, err
		}
	}
	// The search index: script files the theme's js/search.js loads on demand.
	for _, f := range <-index {
		if err := out.write(f.Path, f.Data); err != nil {
			return nil, err
		}
	}
	if err := out.write("robots.txt", r.robots()); err != nil {
		return nil, err
	}
	// GitHub Pages would otherwise run Jekyll, which hides files starting with '_'.
	if err := out.write(".nojekyll", nil); err != nil {
		return nil, err
	}
	maps.Copy(res.Sums, out.sums)
	return res, nil
}

// output writes the site's files that are not pages into dir, each only when the previous
// build's file of that name does not hold its very bytes (RenderOptions.Same), and keeps the
// digest of each it writes. Used from Render's goroutine only.
type output struct {
	dir  string
	same func(name string, sum Key) bool
	sums map[string]Key
}

func (o *output) write(name string, data []byte) error {
	sum := digest.Bytes(data)
	if o.same != nil && o.same(name, sum) {
		return nil
	}
	o.sums[name] = sum
	return WriteFile(o.dir, name, data)
}

// renderPages renders every page on a pool of workers, in any order, while this goroutine places
// their chapters in the books in page order as they arrive. The books' heads (their contents list
// every page) are written while the first pages render; the chapters that arrive meanwhile wait
// in the channel. A page's failure is in its result; the error is for the whole site.
func (r *Renderer) renderPages(ctx context.Context, s *site.Site, dir string, keys *SiteKeys, opts RenderOptions) ([]rendered, *printer, error) {
	type done struct {
		i int
		f finished
	}
	results := make([]rendered, len(s.Pages))
	jobs := make(chan int)
	chapters := make(chan done, 1024)
	var wg sync.WaitGroup
	for range cmp.Or(r.opts.Workers, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range jobs {
				p := s.Pages[i]
				key, keyed := keys.Key(p)
				if keyed && opts.Unchanged != nil && opts.Unchanged(p.Path+".html", key) {
					results[i] = rendered{key: key, keyed: true, skipped: true}
					chapters <- done{i, finished{}}
					continue
				}
				out, chapter, mermaid := r.renderPage(s, p, dir, opts)
				out.key, out.keyed, out.rendered = key, keyed && !out.bySet, true
				results[i] = out
				chapters <- done{i, finished{chapter: chapter, mermaid: mermaid}}
			}
		})
	}
	stop := make(chan struct{})
	go func() {
		defer close(chapters)
		defer wg.Wait()
		defer close(jobs)
		for i := range s.Pages {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			case <-stop:
				return
			}
		}
	}()
	var pr *printer
	var err error
	if r.opts.Print {
		pr, err = r.newPrinter(s, dir, opts.Check)
	}
	if err != nil {
		close(stop)
		for range chapters { // the workers finish before dir is discarded
		}
		return nil, nil, err
	}
	var printErr error
	for c := range chapters {
		if printErr == nil && pr != nil {
			printErr = pr.add(c.i, c.f)
		}
	}
	if err := ctx.Err(); err != nil {
		pr.close()
		return nil, nil, fmt.Errorf("render: %w", err)
	}
	if printErr != nil {
		pr.close()
		return nil, nil, printErr
	}
	return results, pr, nil
}

// renderPage renders one page to <dir>/<path>.html and returns, besides what Render keeps, its
// chapter of the print view and whether it draws a diagram.
func (r *Renderer) renderPage(s *site.Site, p *site.Page, dir string, opts RenderOptions) (out rendered, chapter []byte, mermaid bool) {
	mdBuf := markdownBuffers.Get().(*bytes.Buffer)
	defer markdownBuffers.Put(mdBuf)
	if err := r.writeMarkdown(mdBuf, s, p); err != nil {
		return rendered{err: err}, nil, false
	}
	md := mdBuf.Bytes() // the pool's: copied below only for the export
	body := stripFrontMatter(md)
	pageHTML, printHTML, links, err := r.convertPage(s, p.Path, body, r.opts.Print)
	if err != nil {
		return rendered{err: fmt.Errorf("convert Markdown: %w", err)}, nil, false
	}
	out.bySet = links.bySet
	for _, b := range links.broken {
		where := p.Path + ".md"
		if p.Content != nil {
			where = p.Content.File
		}
		out.warnings = append(out.warnings, fmt.Sprintf("%s: link %q leads to no page", where, b))
	}
	if opts.Markdown {
		out.markdown = bytes.Clone(md)
	}
	mermaid = hasMermaid(pageHTML)

	data := r.layoutData(s, p, strings.Repeat("../", strings.Count(p.Path, "/")))
	// goldmark's output, with raw HTML disabled. Not copied into the string: pageHTML is
	// never written to again (the print chapter may share it, read-only).
	data.Content = template.HTML(unsafe.String(unsafe.SliceData(pageHTML), len(pageHTML)))
	data.Mermaid = mermaid
	data.Code = hasCode(pageHTML)
	buf := r.pageBuffers.Get().(*bytes.Buffer)
	defer r.pageBuffers.Put(buf)
	buf.Reset()
	if err := r.layouts["page"].Execute(buf, data); err != nil {
		return rendered{err: fmt.Errorf("layout: %w", err)}, nil, false
	}
	out.sum = digest.Bytes(buf.Bytes())
	if opts.Same != nil && opts.Same(p.Path+".html", out.sum) {
		out.skipped = true
		return out, printHTML, mermaid
	}
	if err := r.writePage(dir, p.Path+".html", buf.Bytes()); err != nil {
		return rendered{err: err}, nil, false
	}
	check(opts.Check, p.Path+".html", buf.Bytes())
	return out, printHTML, mermaid
}

// check shows a whole file to the checker, if there is one.
func check(c Checker, name string, data []byte) {
	if c == nil {
		return
	}
	w := c.Open(name)
	_, _ = w.Write(data)
	_ = w.Close()
}

func hasMermaid(html []byte) bool { return bytes.Contains(html, []byte(`<pre class="mermaid">`)) }

// hasCode says whether a page holds highlighted code, which css/syntax.css styles.
func hasCode(html []byte) bool { return bytes.Contains(html, []byte(`<pre class="chroma"`)) }

// writePage is WriteFile for the page workers: the file is created under r.creating, and
// written and closed outside it, so that one worker's writing overlaps the next creation.
func (r *Renderer) writePage(dir, name string, data []byte) error {
	f, err := r.createPage(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// createPage creates (or truncates) the file at p, and its directory unless the last page's
// was the same. A directory that has gone since (lastDir is kept from one Render to the next)
// is made again.
func (r *Renderer) createPage(p string) (*os.File, error) {
	r.creating.Lock()
	defer r.creating.Unlock()
	d := filepath.Dir(p)
	if d != r.lastDir {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		r.lastDir = d
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		f, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	}
	return f, err
}

// WriteFile writes data to the slash path name under dir, creating directories. The build
// uses it too for the files it adds beside the rendered pages (snapshots, exports).
func WriteFile(dir, name string, data []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// copyStatic copies the theme's static/ into dir, adds the generated syntax stylesheet, and
// returns the set of files written.
func (r *Renderer) copyStatic(out *output) (map[string]bool, error) {
	written := map[string]bool{}
	err := fs.WalkDir(r.opts.Theme, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "static" {
				return fs.SkipDir // a theme without static files is allowed
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(r.opts.Theme, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "static/")
		written[rel] = true
		return out.write(rel, data)
	})
	if err != nil {
		return nil, fmt.Errorf("copy theme static files: %w", err)
	}
	for _, c := range r.opts.CSS {
		if written[c.Path] {
			return nil, fmt.Errorf("custom stylesheet %s would overwrite the theme's file of that name", c.Path)
		}
		written[c.Path] = true
		if err := out.write(c.Path, c.Data); err != nil {
			return nil, err
		}
	}
	css, err := syntaxCSS()
	if err != nil {
		return nil, fmt.Errorf("syntax stylesheet: %w", err)
	}
	if !written["css/syntax.css"] { // a theme may ship its own
		written["css/syntax.css"] = true
		if err := out.write("css/syntax.css", css); err != nil {
			return nil, err
		}
	}
	return written, nil
}

// layoutData is what the HTML layouts see.
type layoutData struct {
	r         *Renderer
	SiteTitle string
	Title     string
	// Root leads from the page to the site root: "" for the home page, "../../" deeper down, the
	// base URL for 404.html. Every link and asset in a layout starts with it.
	Root string
	Path string
	// Kind is the page's template name ("topics", "topic" …; empty for content pages): the
	// page script finds the tables it enhances by it.
	Kind string
	// Section is the path of the page's navigation entry: js/nav.js (nav.go) marks it.
	Section string
	// site and page give NavHTML the navigation as this page shows it.
	site    *site.Site
	page    *site.Page
	Crumbs  []crumb
	Content template.HTML
	Mermaid bool
	// Code says the page holds highlighted code: only then does it link css/syntax.css.
	Code bool
	// Print marks the print view: no navigation, every page a chapter.
	Print    bool
	Chapters []chapter
	// Book is the print view's cover (book.go).
	Book *bookCover
	// CSS are the custom stylesheets' site paths, linked after the theme's.
	CSS []string
	// PrintLink is set when the site has a print view for the header to link.
	PrintLink bool
	// ChaptersMarker is where the print layout places the chapters (see writeBook).
	ChaptersMarker template.HTML
}

// NavHTML renders the navigation as this page shows it with the layout's "navitem" template,
// for a theme that writes it into every page; the default theme's pages load the shared
// js/nav.js instead. Pages of one section show the same navigation (ten thousand topic pages
// do), so each distinct one is rendered once per renderer.
func (d *layoutData) NavHTML() (template.HTML, error) {
	if d.site == nil || d.page == nil {
		return "", nil
	}
	nav := navEntries(d.site.Nav, d.page, d.Root)
	var key strings.Builder
	navKey(&key, nav)
	if h, ok := d.r.navs.Load(key.String()); ok {
		return h.(template.HTML), nil
	}
	var buf bytes.Buffer
	for _, e := range nav {
		if err := d.r.layouts["page"].ExecuteTemplate(&buf, "navitem", e); err != nil {
			return "", err
		}
	}
	h := template.HTML(buf.String())
	d.r.navs.Store(key.String(), h)
	return h, nil
}

// navKey writes everything navitem shows of entries, so that equal keys render equally.
func navKey(b *strings.Builder, entries []navEntry) {
	for _, e := range entries {
		b.WriteString(e.Title)
		b.WriteByte(0)
		b.WriteString(e.Href)
		b.WriteByte(0)
		for _, f := range []bool{e.Here, e.Current, e.Open} {
			if f {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		b.WriteByte('[')
		navKey(b, e.Children)
		b.WriteByte(']')
	}
}

type navEntry struct {
	Title    string
	Href     string
	Here     bool // the entry of this very page
	Current  bool // the entry of this page or of its section
	Open     bool // the page is below this entry
	Children []navEntry
}

type crumb struct{ Title, Href string }

type chapter struct {
	ID      string
	Title   string
	Depth   int // 0 home and content pages, 1 cluster overview, 2 lists, 3 single objects
	Kind    string
	Content template.HTML
}

func (r *Renderer) layoutData(s *site.Site, p *site.Page, root string) *layoutData {
	d := r.newLayoutData(s, p.Path, p.Title, root)
	d.Kind = p.Template
	d.Section, d.site, d.page = p.Section, s, p
	// From the page itself where the root is relative ("../index.html", not
	// "../../../clusters/east/index.html"): the same target, in fewer bytes on every page.
	relative := !strings.HasPrefix(root, "/") && !strings.Contains(root, ":")
	for _, c := range p.Crumbs {
		href := root + c.Path + ".html"
		if relative {
			href = site.Rel(p.Path, c.Path) + ".html"
		}
		d.Crumbs = append(d.Crumbs, crumb{Title: c.Title, Href: href})
	}
	return d
}

// newLayoutData is what every file's layout needs: titles, the way to the root, stylesheets.
func (r *Renderer) newLayoutData(s *site.Site, pagePath, title, root string) *layoutData {
	d := &layoutData{r: r, SiteTitle: s.Title, Title: title, Root: root, Path: pagePath, PrintLink: r.opts.Print}
	for _, c := range r.opts.CSS {
		d.CSS = append(d.CSS, c.Path)
	}
	return d
}

func navEntries(items []site.NavItem, p *site.Page, root string) []navEntry {
	var out []navEntry
	for _, it := range items {
		e := navEntry{Title: it.Title, Href: root + it.Path + ".html",
			Here: it.Path == p.Path, Current: it.Path == p.Path || it.Path == p.Section}
		if len(it.Children) > 0 {
			e.Open = strings.HasPrefix(p.Path, site.Dir(it.Path)+"/")
			e.Children = navEntries(it.Children, p, root)
		}
		out = append(out, e)
	}
	return out
}

// chaptersMarker stands for the chapters in the print layout's output, which writeBook
// streams in its place.
const chaptersMarker = "<kdocs-chapters></kdocs-chapters>"

// depth places a page in the book's table of contents.
func depth(p *site.Page) int {
	if p.Content != nil || p.Path == site.HomePath {
		return 0
	}
	switch {
	case p.Template == site.TemplateCluster:
		return 1
	case path.Base(p.Path) == "index":
		return 2
	default:
		return 3
	}
}

// writeNotFound writes 404.html. Hosts serve it at any missing URL, so its links are built from
// the base URL rather than relative to its own place.
func (r *Renderer) writeNotFound(s *site.Site, out *output, c Checker) error {
	p := &site.Page{Path: "404", Title: "Page not found", Template: notFoundTemplate}
	md, err := r.Markdown(s, p)
	if err != nil {
		return fmt.Errorf("404 page: %w", err)
	}
	d := r.layoutData(s, p, r.baseURL)
	h, _, err := r.toHTML(s, p.Path, stripFrontMatter(md), rootedMode)
	if err != nil {
		return fmt.Errorf("404 page: %w", err)
	}
	d.Content = template.HTML(h)
	var buf bytes.Buffer
	if err := r.layouts["page"].Execute(&buf, d); err != nil {
		return fmt.Errorf("404 page: layout: %w", err)
	}
	before := len(out.sums)
	if err := out.write("404.html", buf.Bytes()); err != nil {
		return err
	}
	if len(out.sums) > before { // written: unchanged, its links stand as they were checked
		check(c, "404.html", buf.Bytes())
	}
	return nil
}
