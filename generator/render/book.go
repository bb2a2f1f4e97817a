package render

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/site"
)

// The print views: the books `kdocs pdf` prints. print/index.html is the whole estate, and
// print/<cluster slug>.html each cluster alone. The cluster books live in print/ too, so the
// links the print conversion re-bases onto print/ (images, the published snapshots) hold in
// every book without a second conversion.

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

// writeBooks writes the estate's book and one book per cluster.
func (r *Renderer) writeBooks(s *site.Site, results []rendered, dir string, sp *spool) error {
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
	if err := r.writeBook(s, results, sp, all, cover, dir, BookPath); err != nil {
		return err
	}
	for _, c := range s.Clusters {
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
		if err := r.writeBook(s, results, sp, pages, cover, dir, ClusterBookPath(c.Slug)); err != nil {
			return err
		}
	}
	return nil
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

// writeBook writes one print view holding the given pages (indexes into s.Pages) as chapters.
// The book of a large estate is the size of the whole site, so it is streamed to the file
// chapter by chapter from the spool the pages were rendered into, never held whole.
func (r *Renderer) writeBook(s *site.Site, results []rendered, sp *spool, pages []int, cover *bookCover, dir, name string) (err error) {
	title := cover.Title
	d := r.newLayoutData(s, strings.TrimSuffix(name, ".html"), title, "../")
	d.Print, d.Book, d.ChaptersMarker = true, cover, chaptersMarker
	in := map[string]bool{}
	for _, i := range pages {
		in[chapterID(s.Pages[i].Path)] = true
	}
	for _, i := range pages {
		p := s.Pages[i]
		d.Chapters = append(d.Chapters, chapter{ID: chapterID(p.Path), Title: p.Title, Depth: depth(p), Kind: p.Template})
		d.Mermaid = d.Mermaid || results[i].mermaid
	}
	cover.Pages = len(d.Chapters)
	var shell bytes.Buffer
	if err := r.layouts["print"].Execute(&shell, d); err != nil {
		return fmt.Errorf("print view %s: layout: %w", name, err)
	}
	head, tail, ok := bytes.Cut(shell.Bytes(), []byte(chaptersMarker))
	if !ok {
		return fmt.Errorf("print view %s: layout print.html does not place {{.ChaptersMarker}}", name)
	}

	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("print view %s: %w", name, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("print view %s: %w", name, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("print view %s: %w", name, cerr)
		}
	}()
	w := bufio.NewWriterSize(f, 256<<10)
	_, _ = w.Write(head)
	var chunk []byte
	for k, i := range pages {
		if chunk, err = sp.get(results[i].printAt, chunk); err != nil {
			return err
		}
		body := chunk
		if len(in) < len(s.Pages) {
			body = unlinkOutside(body, in)
		}
		c := d.Chapters[k]
		c.Content = template.HTML(body)
		if err := r.layouts["print"].ExecuteTemplate(w, "chapter", c); err != nil {
			return fmt.Errorf("print view %s: layout: %w", name, err)
		}
	}
	_, _ = w.Write(tail)
	if err := w.Flush(); err != nil {
		return fmt.Errorf("print view %s: %w", name, err)
	}
	return nil
}

// chapterLinkRE matches a link to a chapter as the print conversion writes it (goldmark writes
// href first, and anchors do not nest).
var chapterLinkRE = regexp.MustCompile(`(?s)<a href="#(page:[^"]*)"[^>]*>(.*?)</a>`)

// unlinkOutside turns links to chapters that are not in the book into their plain text: a
// cluster's book mentions the home page or another cluster, but cannot lead there.
func unlinkOutside(html []byte, in map[string]bool) []byte {
	return chapterLinkRE.ReplaceAllFunc(html, func(m []byte) []byte {
		sub := chapterLinkRE.FindSubmatch(m)
		if in[string(sub[1])] {
			return m
		}
		return append(append([]byte(`<span class="unlinked">`), sub[2]...), "</span>"...)
	})
}
