package render

import (
	"bytes"
	"fmt"
	"html/template"
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
func (r *Renderer) writeBooks(s *site.Site, results []rendered, dir string) error {
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
	if err := r.writeBook(s, results, all, cover, dir, BookPath); err != nil {
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
		if err := r.writeBook(s, results, pages, cover, dir, ClusterBookPath(c.Slug)); err != nil {
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
func (r *Renderer) writeBook(s *site.Site, results []rendered, pages []int, cover *bookCover, dir, name string) error {
	d := &layoutData{SiteTitle: s.Title, Title: cover.Title, Root: "../", Path: strings.TrimSuffix(name, ".html"), Print: true, Book: cover}
	if cover.Title == s.Title {
		d.Title = s.Title
	}
	in := map[string]bool{}
	for _, i := range pages {
		in[chapterID(s.Pages[i].Path)] = true
	}
	for _, i := range pages {
		p := s.Pages[i]
		body := results[i].printHTML
		if len(in) < len(s.Pages) {
			body = unlinkOutside(body, in)
		}
		d.Chapters = append(d.Chapters, chapter{ID: chapterID(p.Path), Title: p.Title, Depth: depth(p), Kind: p.Template,
			Content: template.HTML(body)})
		d.Mermaid = d.Mermaid || results[i].mermaid
	}
	cover.Pages = len(d.Chapters)
	var buf bytes.Buffer
	if err := r.layouts["print"].Execute(&buf, d); err != nil {
		return fmt.Errorf("print view %s: layout: %w", name, err)
	}
	return WriteFile(dir, name, buf.Bytes())
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
