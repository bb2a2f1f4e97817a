package render

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/site"
)

// The print views: the books `kdocs pdf` prints, written when asked (RenderOptions.Print).
// print/index.html is the whole estate, and print/<cluster slug>.html each cluster alone when
// the estate has more than one. The cluster books live in print/ too, so the
// links the print conversion re-bases onto print/ (images, the published snapshots) hold in
// every book without a second conversion.
//
// A book of a large estate is as large as the site, so it is never held whole: each book's head
// (cover and contents, which need only the model) is written when rendering starts, and each
// chapter as soon as it and every chapter before it have rendered, while the other pages still
// render. Only the chapters that finish ahead of an earlier one wait, in memory.

// bookCover is what the cover page of a book says.
type bookCover struct {
	Title    string
	Subtitle string
	// AsOf is when the newest snapshot in the book was taken: the book is as of then. It is
	// the snapshots' time, not the build's, so that a rebuild writes the same book.
	AsOf     string
	Clusters []bookCluster
	// Pages counts the chapters, for the contents' heading.
	Pages int
}

type bookCluster struct {
	Name, Environment, TakenAt, Health string
}

// BookPath is the print view of the whole site; ClusterBookPath that of one cluster.
const BookPath = "print/index.html"

// ClusterBookPath is the print view of the cluster whose slug is given.
func ClusterBookPath(slug string) string { return "print/" + slug + ".html" }

const coverTime = "2006-01-02 15:04 UTC"

// printer writes every book of a site from the chapters the page workers hand it, in any order.
// It is driven by one goroutine (Render's), so it needs no lock.
type printer struct {
	r       *Renderer
	books   []*book
	pending map[int]finished // chapters that arrived before an earlier one
	next    int              // index into s.Pages of the next chapter to place
	// buf holds the chapter being placed as the books that keep all its links have it, own
	// as one book that unlinked some has it.
	buf, own bytes.Buffer
}

// finished is one rendered page as the printer receives it.
type finished struct {
	chapter []byte // nil when the page failed
	mermaid bool
}

// book is one print view being written.
type book struct {
	name  string
	d     *layoutData
	pages []int // indexes into s.Pages, in order
	at    int   // position in pages of the next chapter to write
	// in holds the book's chapter ids when it holds only some pages: links to the others are
	// unlinked.
	in   map[string]bool
	head []byte
	// tail[1] ends the book when a chapter draws a diagram, tail[0] otherwise. mermaidHead,
	// when set, is the head such a book needs instead of head.
	mermaidHead []byte
	tail        [2][]byte
	mermaid     bool
	f           *os.File
	w           *bufio.Writer
	check       io.WriteCloser
}

// newPrinter creates the estate's book and one book per cluster under dir and writes their heads.
func (r *Renderer) newPrinter(s *site.Site, dir string, check Checker) (pr *printer, err error) {
	pr = &printer{r: r, pending: map[int]finished{}}
	defer func() {
		if err != nil {
			pr.close()
		}
	}()
	all := make([]int, len(s.Pages))
	for i := range s.Pages {
		all[i] = i
	}
	cover := &bookCover{Title: s.Title, Subtitle: "Kafka estate documentation"}
	var newest time.Time
	for _, c := range s.Clusters {
		cover.Clusters = append(cover.Clusters, coverCluster(c))
		if c.TakenAt.After(newest) {
			newest = c.TakenAt
		}
	}
	cover.AsOf = asOf(newest)
	if err := pr.open(s, all, cover, dir, BookPath, check); err != nil {
		return nil, err
	}
	// A cluster's own book only when there are others: the book of an estate of one cluster
	// is that cluster's book already, and the same chapters written twice doubled the print
	// view of a large estate.
	for _, c := range s.Clusters {
		if len(s.Clusters) < 2 {
			break
		}
		prefix := site.Dir(c.Path) + "/"
		var pages []int
		for i, p := range s.Pages {
			if strings.HasPrefix(p.Path, prefix) {
				pages = append(pages, i)
			}
		}
		subtitle := "Kafka cluster documentation · " + s.Title
		if c.Environment != "" {
			subtitle = c.Environment + " · " + subtitle
		}
		cover := &bookCover{Title: c.Name, Subtitle: subtitle, AsOf: asOf(c.TakenAt), Clusters: []bookCluster{coverCluster(c)}}
		if err := pr.open(s, pages, cover, dir, ClusterBookPath(c.Slug), check); err != nil {
			return nil, err
		}
	}
	return pr, nil
}

func coverCluster(c *site.Cluster) bookCluster {
	return bookCluster{Name: c.Name, Environment: c.Environment, TakenAt: asOf(c.TakenAt), Health: c.HealthStatus()}
}

func asOf(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(coverTime)
}

// open creates one book holding the given pages (indexes into s.Pages) and writes its head.
func (pr *printer) open(s *site.Site, pages []int, cover *bookCover, dir, name string, check Checker) error {
	b := &book{name: name, pages: pages}
	b.d = pr.r.newLayoutData(s, strings.TrimSuffix(name, ".html"), cover.Title, "../")
	b.d.Print, b.d.Book, b.d.ChaptersMarker = true, cover, chaptersMarker
	if len(pages) < len(s.Pages) {
		b.in = map[string]bool{}
		for _, i := range pages {
			b.in[chapterID(s.Pages[i].Path)] = true
		}
	}
	for _, i := range pages {
		p := s.Pages[i]
		b.d.Chapters = append(b.d.Chapters, chapter{ID: chapterID(p.Path), Title: p.Title, Depth: depth(p), Kind: p.Template})
	}
	cover.Pages = len(b.d.Chapters)
	// Only .Mermaid changes once chapters arrive, so both endings are made now and finish
	// needs no second pass over the contents.
	var err error
	if b.head, b.tail[0], err = b.shell(pr.r); err != nil {
		return err
	}
	b.d.Mermaid = true
	if b.mermaidHead, b.tail[1], err = b.shell(pr.r); err != nil {
		return err
	}
	b.d.Mermaid = false
	if bytes.Equal(b.mermaidHead, b.head) {
		b.mermaidHead = nil // the contents of a large estate run to megabytes: kept once
	}

	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("print view %s: %w", name, err)
	}
	if b.f, err = os.Create(path); err != nil {
		return fmt.Errorf("print view %s: %w", name, err)
	}
	pr.books = append(pr.books, b)
	b.w = bufio.NewWriterSize(b.f, 256<<10)
	if check != nil {
		b.check = check.Open(name)
	}
	return b.write(b.head)
}

// shell executes the print layout and returns what goes before and after the chapters.
func (b *book) shell(r *Renderer) (head, tail []byte, err error) {
	var out bytes.Buffer
	if err := r.layouts["print"].Execute(&out, b.d); err != nil {
		return nil, nil, fmt.Errorf("print view %s: layout: %w", b.name, err)
	}
	head, tail, ok := bytes.Cut(out.Bytes(), []byte(chaptersMarker))
	if !ok {
		return nil, nil, fmt.Errorf("print view %s: layout print.html does not place {{.ChaptersMarker}}", b.name)
	}
	return head, tail, nil
}

// write appends a whole piece of HTML (one that ends between two tags) to the book and shows it
// to the link checker.
func (b *book) write(p []byte) error {
	if _, err := b.w.Write(p); err != nil {
		return fmt.Errorf("print view %s: %w", b.name, err)
	}
	if b.check != nil {
		_, _ = b.check.Write(p)
	}
	return nil
}

// add receives page i's chapter and writes every chapter that is now next in page order.
func (pr *printer) add(i int, f finished) error {
	pr.pending[i] = f
	for {
		f, ok := pr.pending[pr.next]
		if !ok {
			return nil
		}
		delete(pr.pending, pr.next)
		if err := pr.place(pr.next, f); err != nil {
			return err
		}
		pr.next++
	}
}

// place writes page i's chapter into each book that holds it.
func (pr *printer) place(i int, f finished) error {
	// A chapter is the same in every book that keeps all its links (the estate's always does),
	// so it is made once for those.
	shared := false
	pr.buf.Reset()
	for _, b := range pr.books {
		if b.at >= len(b.pages) || b.pages[b.at] != i {
			continue
		}
		c := b.d.Chapters[b.at]
		b.at++
		if f.chapter == nil {
			continue // the page failed; Render reports it and the book is discarded
		}
		b.mermaid = b.mermaid || f.mermaid
		out := &pr.buf
		body := f.chapter
		if b.in != nil {
			body = unlinkOutside(body, b.in)
		}
		unchanged := len(body) == len(f.chapter) && (len(body) == 0 || &body[0] == &f.chapter[0])
		if !unchanged {
			out = &pr.own
			out.Reset()
		}
		if !unchanged || !shared {
			c.Content = template.HTML(body)
			if err := pr.r.layouts["print"].ExecuteTemplate(out, "chapter", c); err != nil {
				return fmt.Errorf("print view %s: layout: %w", b.name, err)
			}
			shared = shared || unchanged
		}
		if err := b.write(out.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// finish writes each book's tail, which knows whether any chapter draws a diagram.
func (pr *printer) finish() error {
	if pr == nil { // no print view asked for
		return nil
	}
	defer pr.close()
	for _, b := range pr.books {
		tail, head := b.tail[0], []byte(nil)
		if b.mermaid {
			tail, head = b.tail[1], b.mermaidHead
		}
		if err := b.write(tail); err != nil {
			return err
		}
		if err := b.w.Flush(); err != nil {
			return fmt.Errorf("print view %s: %w", b.name, err)
		}
		if head != nil {
			// A theme whose head depends on the chapters (on .Mermaid): the book is
			// rewritten once with the head it should have had.
			if err := b.rewriteHead(head); err != nil {
				return err
			}
		}
		if b.check != nil {
			_ = b.check.Close()
			b.check = nil
		}
	}
	return nil
}

// rewriteHead replaces the head the book was started with.
func (b *book) rewriteHead(head []byte) error {
	name := b.f.Name()
	tmp, err := os.Create(name + ".head")
	if err != nil {
		return fmt.Errorf("print view %s: %w", b.name, err)
	}
	defer tmp.Close()
	if _, err := tmp.Write(head); err != nil {
		return fmt.Errorf("print view %s: %w", b.name, err)
	}
	if _, err := io.Copy(tmp, io.NewSectionReader(b.f, int64(len(b.head)), 1<<62)); err != nil {
		return fmt.Errorf("print view %s: %w", b.name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("print view %s: %w", b.name, err)
	}
	if err := os.Rename(name+".head", name); err != nil {
		return fmt.Errorf("print view %s: %w", b.name, err)
	}
	b.check = nil // left open: the checker saw the old head, and reads the file from disk
	return nil
}

// close closes every book's file; it may be called more than once.
func (pr *printer) close() {
	if pr == nil {
		return
	}
	for _, b := range pr.books {
		if b.f != nil {
			b.f.Close()
			b.f = nil
		}
	}
}

// unlinkOutside turns links to chapters that are not in the book into their plain text: a
// cluster's book mentions the home page or another cluster, but cannot lead there. The print
// conversion writes a chapter link as <a href="#page:…"> (href first; anchors do not nest).
func unlinkOutside(html []byte, in map[string]bool) []byte {
	const open = `<a href="#page:`
	var out []byte
	last := 0
	for i := 0; ; {
		j := bytes.Index(html[i:], []byte(open))
		if j < 0 {
			break
		}
		start := i + j
		idEnd := bytes.IndexByte(html[start+len(`<a href="#`):], '"')
		if idEnd < 0 {
			break
		}
		id := html[start+len(`<a href="#`) : start+len(`<a href="#`)+idEnd]
		gt := bytes.IndexByte(html[start:], '>')
		end := bytes.Index(html[start:], []byte("</a>"))
		if gt < 0 || end < 0 || gt > end {
			break
		}
		i = start + end + len("</a>")
		if in[string(id)] {
			continue
		}
		out = append(out, html[last:start]...)
		out = append(out, `<span class="unlinked">`...)
		out = append(out, html[start+gt+1:start+end]...)
		out = append(out, "</span>"...)
		last = i
	}
	if out == nil {
		return html
	}
	return append(out, html[last:]...)
}
