package pipeline

// The link checker sees every HTML file of the site as the renderer writes it (render.Checker)
// and, once the site is complete and before it is swapped in, resolves their links: every
// relative href and src must lead to a file of the output, and every #fragment to an element of
// the page it names. A broken link fails the build, so a published site never has one; the
// previous output stays in place because the check runs inside replaceDir's fill. HTML files the
// renderer did not show it (a content/ asset, a theme's static page) are read from disk, so
// the check covers the whole output either way.
//
// The HTML is kdocs' own (html/template layouts and goldmark with raw HTML disabled), so a small
// tag scanner is enough; it skips comments and the bodies of <script> and <style>.

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/kdocs/kdocs/generator/render"
)

// maxLinkErrors caps the broken links reported at once; one template bug breaks thousands.
const maxLinkErrors = 20

// pageLinks is what the checker needs of one HTML file.
type pageLinks struct {
	ids   map[string]bool
	links []string // href and src values, unescaped, in document order
}

// linkChecker collects the ids and links of each HTML file and resolves the links at the end.
// A link's meaning depends only on the directory it is found in, so each (directory, link) is
// resolved once: ten thousand topic pages share their navigation's links. Only the distinct
// links are kept, not where each occurs: every page repeats its navigation, and keeping each
// occurrence grew with pages × links until it was the largest thing a big build held
// (31 MB of 194 at 20,000 topics). A site with broken links is scanned again to say where.
type linkChecker struct {
	base string // the site's base URL, ending in "/"

	mu     sync.Mutex
	ids    map[string]idSet    // HTML file → its ids
	links  map[linkFrom]string // links that lead to another file, to resolve at the end: a page holding each
	broken []brokenLink        // found while scanning: fragments missing from their own page
}

// linkFrom is a link as it resolves: its text and where it is read from.
type linkFrom struct {
	from string // the directory of the file holding the link, or "404.html" (see resolveLink)
	link string
}

// linkUse is one occurrence of a link: the file and its place in it.
type linkUse struct {
	page string
	at   int
}

type brokenLink struct {
	linkUse
	msg string
}

// newLinkChecker checks links for a site served at baseURL ("/kdocs/",
// "https://acme.github.io/kdocs/"): 404.html, which hosts serve at any URL, links through it, so
// its links that start with it are checked as links from the site root. Links to other hosts,
// other schemes and other rooted paths (an author's link to a neighbouring application) are not
// the site's to check.
func newLinkChecker(baseURL string) *linkChecker {
	return &linkChecker{base: strings.TrimSuffix(cmp.Or(baseURL, "/"), "/") + "/",
		ids: map[string]idSet{}, links: map[linkFrom]string{}}
}

// Open receives one HTML file (render.Checker).
func (c *linkChecker) Open(name string) io.WriteCloser {
	return &fileScan{c: c, page: name, pl: pageLinks{ids: map[string]bool{}}}
}

// fileScan scans a file in the pieces it is written in; each piece ends between two tags.
type fileScan struct {
	c    *linkChecker
	page string
	pl   pageLinks
}

func (f *fileScan) Write(p []byte) (int, error) {
	// Scanned in place, not copied: scanHTML clones what it keeps.
	scanHTML(&f.pl, unsafe.String(unsafe.SliceData(p), len(p)))
	return len(p), nil
}

func (f *fileScan) Close() error {
	f.c.add(f.page, f.pl)
	return nil
}

// add records one scanned file: links within the file are checked now, against its own ids;
// links to other files wait for the whole site.
func (c *linkChecker) add(page string, pl pageLinks) {
	ids := packIDs(pl.ids)
	from := path.Dir(page)
	if page == "404.html" {
		from = page
	}
	var broken []brokenLink
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids[page] = ids
	for at, link := range pl.links {
		if c.leadsElsewhere(page, link) {
			if k := (linkFrom{from: from, link: link}); c.links[k] == "" {
				c.links[k] = page
			}
			continue
		}
		if problem := resolveLink(page, link, c.base, nil, nil, func(string) idSet { return ids }); problem != "" {
			broken = append(broken, brokenLink{linkUse{page, at}, fmt.Sprintf("%s: broken link %q: %s", page, link, problem)})
		}
	}
	c.broken = append(c.broken, broken...)
}

// leadsElsewhere reports whether link, found in page, names another file of the site.
func (c *linkChecker) leadsElsewhere(page, link string) bool {
	link = strings.TrimSpace(link)
	switch {
	case link == "":
		return false
	case page == "404.html" && strings.HasPrefix(link, c.base):
		return true
	case strings.HasPrefix(link, "//"), schemeOf(link) != "", strings.HasPrefix(link, "/"):
		return false // not the site's to check (resolveLink says why)
	}
	rest, _, _ := strings.Cut(link, "#")
	rest, _, _ = strings.Cut(rest, "?")
	return rest != ""
}

// siteTree is the finished site as the checker reads it.
type siteTree struct {
	files, dirs map[string]bool
	read        func(name string) ([]byte, error)
	// unseen are the HTML files the renderer did not show the checker: their links are
	// checked too. lazy are HTML files whose links are not checked (an incremental build's
	// unchanged pages, whose links resolved when they were written and whose targets all still
	// stand): read only when a checked link's fragment names them.
	unseen []string
	lazy   map[string]bool
}

// dirTree is the site in dir, every HTML file the checker was not shown to be read.
func (c *linkChecker) dirTree(dir string) (*siteTree, error) {
	t := &siteTree{files: map[string]bool{}, dirs: map[string]bool{}, read: readUnder(dir)}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			t.dirs[rel] = true
			return nil
		}
		t.files[rel] = true
		if _, seen := c.ids[rel]; !seen && strings.HasSuffix(rel, ".html") {
			t.unseen = append(t.unseen, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check links: %w", err)
	}
	return t, nil
}

func readUnder(dir string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))) }
}

// check resolves every link once the site in dir is complete; it reads the HTML files it was
// not shown.
func (c *linkChecker) check(dir string) error {
	t, err := c.dirTree(dir)
	if err != nil {
		return err
	}
	return c.checkTree(t)
}

// checkTree resolves every link of the site t describes.
func (c *linkChecker) checkTree(t *siteTree) error {
	for _, page := range t.unseen {
		data, err := t.read(page)
		if err != nil {
			return fmt.Errorf("check links: %w", err)
		}
		w := c.Open(page)
		_, _ = w.Write(data)
		_ = w.Close()
	}
	var readErr error
	ids := func(target string) idSet {
		if s, ok := c.ids[target]; ok || !t.lazy[target] {
			return s
		}
		data, err := t.read(target)
		if err != nil {
			readErr = err
			return ""
		}
		pl := pageLinks{ids: map[string]bool{}}
		scanHTML(&pl, string(data))
		s := packIDs(pl.ids)
		c.ids[target] = s
		return s
	}
	problems := map[linkFrom]string{}
	for k, page := range c.links {
		if problem := resolveLink(page, k.link, c.base, t.files, t.dirs, ids); problem != "" {
			problems[k] = problem
		}
	}
	if readErr != nil {
		return fmt.Errorf("check links: %w", readErr)
	}
	if len(problems) > 0 {
		if err := c.locate(t, problems); err != nil {
			return err
		}
	}
	if len(c.broken) == 0 {
		return nil
	}
	slices.SortFunc(c.broken, func(a, b brokenLink) int {
		return cmp.Or(strings.Compare(a.page, b.page), cmp.Compare(a.at, b.at))
	})
	broken := make([]string, 0, min(len(c.broken), maxLinkErrors+1))
	for _, b := range c.broken[:min(len(c.broken), maxLinkErrors)] {
		broken = append(broken, b.msg)
	}
	n := len(c.broken)
	if n > maxLinkErrors {
		broken = append(broken, fmt.Sprintf("and %d more broken links", n-maxLinkErrors))
	}
	return fmt.Errorf("%d broken link(s) in the generated site:\n  %s", n, strings.Join(broken, "\n  "))
}

var _ render.Checker = (*linkChecker)(nil)

// locate finds, in the finished site, every occurrence of the links that do not resolve, and
// records each as broken with its problem.
func (c *linkChecker) locate(t *siteTree, problems map[linkFrom]string) error {
	pages := make([]string, 0, len(c.ids))
	for page := range c.ids {
		if t.files[page] {
			pages = append(pages, page)
		}
	}
	slices.Sort(pages)
	for _, page := range pages {
		data, err := t.read(page)
		if err != nil {
			return fmt.Errorf("check links: %w", err)
		}
		var pl pageLinks
		pl.ids = map[string]bool{}
		scanHTML(&pl, string(data))
		from := path.Dir(page)
		if page == "404.html" {
			from = page
		}
		for at, link := range pl.links {
			if problem, ok := problems[linkFrom{from: from, link: link}]; ok {
				c.broken = append(c.broken, brokenLink{linkUse{page, at}, fmt.Sprintf("%s: broken link %q: %s", page, link, problem)})
			}
		}
	}
	return nil
}

// resolveLink returns why link, found in page, leads nowhere, or "" when it resolves (or is not
// the site's to check).
func resolveLink(page, link, base string, files, dirs map[string]bool, ids func(string) idSet) string {
	link = strings.TrimSpace(link)
	if link == "" {
		return ""
	}
	from := path.Dir(page)
	switch {
	case page == "404.html" && strings.HasPrefix(link, base):
		link, from = strings.TrimPrefix(link, base), "."
	case strings.HasPrefix(link, "//"), schemeOf(link) != "":
		return "" // another host, or mailto:, data:, …
	case strings.HasPrefix(link, "/"):
		return "" // rooted outside the base URL: an author's link to a neighbouring site
	}
	rest, frag, _ := strings.Cut(link, "#")
	rest, _, _ = strings.Cut(rest, "?")
	target := page
	if rest != "" {
		p, err := url.PathUnescape(rest)
		if err != nil {
			return "not a valid URL path"
		}
		target = path.Join(from, p)
		if target == ".." || strings.HasPrefix(target, "../") {
			return "it leaves the site"
		}
		if dirs[target] || strings.HasSuffix(p, "/") {
			target = path.Join(target, "index.html") // what a web server serves for a directory
		}
		if !files[target] {
			return "no such file " + target
		}
	}
	if frag == "" || !strings.HasSuffix(target, ".html") {
		return ""
	}
	id, err := url.PathUnescape(frag)
	if err != nil {
		id = frag
	}
	if s := ids(target); !s.has(id) && !s.has(frag) {
		return fmt.Sprintf(noElementPrefix+"%q in %s", id, target)
	}
	return ""
}

// idSet is a page's element ids packed into one string, each between NUL bytes: a map per
// page held ~500 bytes for a handful of ids, and every page of the site is held until the end.
// An id with a NUL in it cannot be told apart, so it is left out: no link can name it.
type idSet string

func packIDs(ids map[string]bool) idSet {
	if len(ids) == 0 {
		return ""
	}
	sorted := make([]string, 0, len(ids))
	n := 1
	for id := range ids {
		if !strings.Contains(id, "\x00") {
			sorted = append(sorted, id)
			n += len(id) + 1
		}
	}
	slices.Sort(sorted)
	var b strings.Builder
	b.Grow(n)
	b.WriteByte(0)
	for _, id := range sorted {
		b.WriteString(id)
		b.WriteByte(0)
	}
	return idSet(b.String())
}

func (s idSet) has(id string) bool {
	return s != "" && !strings.Contains(id, "\x00") && strings.Contains(string(s), "\x00"+id+"\x00")
}

// noElementPrefix starts resolveLink's answer for a fragment that names no element.
const noElementPrefix = "no element with id "

// schemeOf returns the URL scheme of link ("https", "mailto"), or "".
func schemeOf(link string) string {
	for i, r := range link {
		switch {
		case r == ':' && i > 0:
			return link[:i]
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return ""
		}
	}
	return ""
}

// scanHTML adds the ids (and <a name> anchors) and the href/src values of a piece of an HTML
// document to out. The piece must end between two tags.
func scanHTML(out *pageLinks, doc string) {
	var attrs [][2]string // reused from tag to tag
	for i := 0; i < len(doc); {
		lt := strings.IndexByte(doc[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		rest := doc[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest, "-->")
			if end < 0 {
				return
			}
			i += end + 3
			continue
		case len(rest) < 2 || !isLetter(rest[1]):
			i++ // "</x>", "<!DOCTYPE …>" or a stray '<' (text is escaped, so rare)
			continue
		}
		var name string
		var n int
		name, attrs, n = scanTag(rest, attrs[:0])
		i += n
		for _, a := range attrs {
			switch {
			case a[0] == "id", a[0] == "name" && name == "a":
				out.ids[strings.Clone(a[1])] = true
			case a[0] == "href", a[0] == "src":
				out.links = append(out.links, strings.Clone(a[1]))
			}
		}
		if name == "script" || name == "style" {
			end := indexEndTag(doc[i:], name)
			if end < 0 {
				return
			}
			i += end
		}
	}
}

// indexEndTag finds "</name" in s, in any case, without copying s (the print view is the size
// of the whole site).
func indexEndTag(s, name string) int {
	for i := 0; ; {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return -1
		}
		i += j
		if len(s)-i-2 >= len(name) && strings.EqualFold(s[i+2:i+2+len(name)], name) {
			return i
		}
		i += 2
	}
}

// scanTag reads the start tag at the beginning of s and returns its lower-case name, the
// attributes the checker reads (lower-case name, unescaped value) appended to attrs, and its
// length.
func scanTag(s string, attrs [][2]string) (name string, _ [][2]string, n int) {
	i := 1
	for i < len(s) && !isSpace(s[i]) && s[i] != '>' && s[i] != '/' {
		i++
	}
	name = strings.ToLower(s[1:i])
	for i < len(s) {
		for i < len(s) && (isSpace(s[i]) || s[i] == '/') {
			i++
		}
		if i >= len(s) || s[i] == '>' {
			return name, attrs, min(i+1, len(s))
		}
		start := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/' {
			i++
		}
		attr := strings.ToLower(s[start:i])
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		value := ""
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				end := strings.IndexByte(s[i+1:], q)
				if end < 0 {
					return name, attrs, len(s)
				}
				value = s[i+1 : i+1+end]
				i += end + 2
			} else {
				start := i
				for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
					i++
				}
				value = s[start:i]
			}
		}
		switch attr {
		case "id", "name", "href", "src":
			attrs = append(attrs, [2]string{attr, html.UnescapeString(value)})
		}
	}
	return name, attrs, len(s)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
