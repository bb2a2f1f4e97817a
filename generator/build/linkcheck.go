package build

// The link checker reads the finished site before it is swapped in: every relative href and src
// of every HTML file must lead to a file of the output, and every #fragment to an element of the
// page it names. A broken link fails the build, so a published site never has one; the previous
// output stays in place because the check runs inside replaceDir's fill.
//
// The HTML is kdocs' own (html/template layouts and goldmark with raw HTML disabled), so a small
// tag scanner is enough; it skips comments and the bodies of <script> and <style>.

import (
	"cmp"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// maxLinkErrors caps the broken links reported at once; one template bug breaks thousands.
const maxLinkErrors = 20

// pageLinks is what the checker needs of one HTML file.
type pageLinks struct {
	ids   map[string]bool
	links []string // href and src values, unescaped, in document order
}

// checkLinks checks every HTML file under dir. baseURL is the site's base URL ("/kdocs/",
// "https://acme.github.io/kdocs/"): 404.html, which hosts serve at any URL, links through it, so
// its links that start with it are checked as links from the site root. Links to other hosts,
// other schemes and other rooted paths (an author's link to a neighbouring application) are not
// the site's to check.
func checkLinks(dir, baseURL string) error {
	files := map[string]bool{}
	dirs := map[string]bool{}
	var pages []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			dirs[rel] = true
			return nil
		}
		files[rel] = true
		if strings.HasSuffix(rel, ".html") {
			pages = append(pages, rel)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check links: %w", err)
	}
	slices.Sort(pages)

	// Read, scan and check in parallel: the print view alone holds every link of the site. A
	// link is checked as soon as its page is scanned, unless its #fragment names an element of
	// another page, whose ids are only known at the end; only those links are kept, so the
	// checker's memory does not grow with every link of the site.
	base := strings.TrimSuffix(cmp.Or(baseURL, "/"), "/") + "/"
	parsed := make([]pageLinks, len(pages))
	brokenOf := make([][]string, len(pages))
	readErrs := make([]error, len(pages))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range jobs {
				data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(pages[i])))
				if err != nil {
					readErrs[i] = fmt.Errorf("check links: %w", err)
					continue
				}
				// Scanned in place, not copied: data is never written to, and scanHTML clones
				// what it keeps, so the print view's buffer is freed after its scan.
				pl := scanHTML(unsafe.String(unsafe.SliceData(data), len(data)))
				own := map[string]map[string]bool{pages[i]: pl.ids}
				var later []string
				for _, link := range pl.links {
					problem := resolveLink(pages[i], link, base, files, dirs, own)
					switch {
					case problem == "":
					case strings.HasPrefix(problem, noElementPrefix) && !strings.HasSuffix(problem, " in "+pages[i]):
						later = append(later, link) // the target page may not be scanned yet
					default:
						brokenOf[i] = append(brokenOf[i], fmt.Sprintf("%s: broken link %q: %s", pages[i], link, problem))
					}
				}
				parsed[i] = pageLinks{ids: pl.ids, links: later}
			}
		})
	}
	for i := range pages {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(readErrs...); err != nil {
		return err
	}
	ids := map[string]map[string]bool{}
	for i, p := range pages {
		ids[p] = parsed[i].ids
	}

	var broken []string
	for i, page := range pages {
		broken = append(broken, brokenOf[i]...)
		for _, link := range parsed[i].links {
			if problem := resolveLink(page, link, base, files, dirs, ids); problem != "" {
				broken = append(broken, fmt.Sprintf("%s: broken link %q: %s", page, link, problem))
			}
		}
	}
	if len(broken) == 0 {
		return nil
	}
	n := len(broken)
	if n > maxLinkErrors {
		broken = append(broken[:maxLinkErrors], fmt.Sprintf("and %d more broken links", n-maxLinkErrors))
	}
	return fmt.Errorf("%d broken link(s) in the generated site:\n  %s", n, strings.Join(broken, "\n  "))
}

// resolveLink returns why link, found in page, leads nowhere, or "" when it resolves (or is not
// the site's to check).
func resolveLink(page, link, base string, files, dirs map[string]bool, ids map[string]map[string]bool) string {
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
	if !ids[target][id] && !ids[target][frag] {
		return fmt.Sprintf(noElementPrefix+"%q in %s", id, target)
	}
	return ""
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

// scanHTML collects the ids (and <a name> anchors) and the href/src values of an HTML document.
func scanHTML(doc string) pageLinks {
	out := pageLinks{ids: map[string]bool{}}
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
				return out
			}
			i += end + 3
			continue
		case len(rest) < 2 || !isLetter(rest[1]):
			i++ // "</x>", "<!DOCTYPE …>" or a stray '<' (text is escaped, so rare)
			continue
		}
		name, attrs, n := scanTag(rest)
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
				return out
			}
			i += end
		}
	}
	return out
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

// scanTag reads the start tag at the beginning of s and returns its lower-case name, its
// attributes (lower-case name, unescaped value) and its length.
func scanTag(s string) (name string, attrs [][2]string, n int) {
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
		if attr != "" {
			attrs = append(attrs, [2]string{attr, html.UnescapeString(value)})
		}
	}
	return name, attrs, len(s)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
