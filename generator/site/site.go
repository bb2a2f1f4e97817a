// Package site is the document model: from snapshots and hand-written content it builds every
// page of the site as a plain value (URL path, title, template, data, section) together with the
// navigation. It does no I/O and knows nothing of Markdown or HTML; the render package turns
// these values into files.
//
// URL scheme (paths are slash-separated, relative to the site root, without extension; a page
// is written as <path>.html and exported as <path>.md):
//
//	index                                 home
//	clusters/<cluster>/index              cluster overview
//	clusters/<cluster>/topics/index       topic list
//	clusters/<cluster>/topics/<topic>     topic
//	clusters/<cluster>/groups/index       consumer group list
//	clusters/<cluster>/groups/<group>     consumer group
//	clusters/<cluster>/flows              data flows by domain (flows.go)
//	clusters/<cluster>/acls               ACLs and client quotas (acls.go)
//	replication                           replication between clusters, when any (replication.go)
//	clusters/<cluster>/schemas/index      schema subject list
//	clusters/<cluster>/schemas/<subject>  schema subject
//	<dir>/<name>                          content/<dir>/<name>.md
//
// content/topics/ and content/groups/ hold annotations, not pages: each file merges into the
// page of the topic or group it names (see annotation.go).
//
// Every <…> segment is a slug (see slugger): safe in any file system and unique.
package site

import (
	"cmp"
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Template names of generated pages; each is templates/<name>.md.tmpl.
const (
	TemplateHome     = "home"
	TemplateCluster  = "cluster"
	TemplateTopics   = "topics"
	TemplateTopic    = "topic"
	TemplateGroups   = "groups"
	TemplateGroup    = "group"
	TemplateSubjects = "subjects"
	TemplateSubject  = "subject"
)

// HomePath is the path of the home page.
const HomePath = "index"

// Site is the whole document: pages in reading order (the order of the navigation and of the
// printed book) and the navigation tree.
type Site struct {
	Title    string
	Pages    []*Page
	Nav      []NavItem
	Clusters []*Cluster
	// Warnings are problems of the inputs that did not stop the build, such as an annotation
	// that matches no topic or group.
	Warnings []string

	byPath map[string]*Page
}

// Page is one page of the site.
type Page struct {
	// Path is the page's URL path without extension, e.g. "clusters/prod/topics/orders.created".
	Path  string
	Title string
	// Template names the Markdown template that renders Data; empty for a content page, whose
	// Markdown is Content.Body.
	Template string
	Data     any
	Content  *Content
	// Section is the Path of the navigation entry the page belongs to.
	Section string
	// Crumbs lead from the home page to the page's parent.
	Crumbs []Link
}

// Link points at a page by path.
type Link struct {
	Title string
	Path  string
}

// NavItem is one entry of the navigation.
type NavItem struct {
	Title    string
	Path     string
	Children []NavItem
}

// Page returns the page at path, or nil.
func (s *Site) Page(path string) *Page { return s.byPath[path] }

// Dir returns the directory part of a page path ("" for a page at the root).
func Dir(pagePath string) string {
	d := path.Dir(pagePath)
	if d == "." {
		return ""
	}
	return d
}

// Rel returns the relative URL from the page at from to the file target (both paths relative
// to the site root), so that links work from any sub-path and from a file:// copy. It walks both
// paths in place rather than splitting them: templates call it for every link of every row.
func Rel(from, target string) string {
	dir := Dir(from)
	up := 0 // directories of from left to climb out of
	if dir != "" {
		up = strings.Count(dir, "/") + 1
	}
	// Skip the directories from and target share; target's last element is its file, never one.
	for rest := dir; up > 0; up-- {
		slash := strings.IndexByte(target, '/')
		if slash < 0 {
			break
		}
		elem, next, _ := strings.Cut(rest, "/")
		if elem != target[:slash] {
			break
		}
		rest, target = next, target[slash+1:]
	}
	if up == 0 {
		return target
	}
	var b strings.Builder
	b.Grow(up*len("../") + len(target))
	for range up {
		b.WriteString("../")
	}
	b.WriteString(target)
	return b.String()
}

// Build makes the site from the snapshots (one per cluster, in site.yaml order) and the content
// files: pages, and annotations merged into topic and group pages. Snapshots are read in their
// canonical order (see snapshot.Normalize); Build neither reorders nor modifies them. It fails
// only when the inputs cannot share one site: two clusters with the same name, a content page
// whose path is taken, an annotation whose front matter is wrong or that shares its topic or
// group with another.
func Build(title string, snaps []*snapshot.Snapshot, content []Content) (*Site, error) {
	return BuildEstate(title, snaps, content, Estate{})
}

// BuildEstate is Build with what site.yaml declares beyond the snapshots: Kafka Connect and
// ksqlDB beside each cluster, and replication between clusters.
func BuildEstate(title string, snaps []*snapshot.Snapshot, content []Content, estate Estate) (*Site, error) {
	s := &Site{Title: title, byPath: map[string]*Page{}}
	home := &Page{Path: HomePath, Title: title, Template: TemplateHome, Section: HomePath}
	s.add(home)
	s.Nav = append(s.Nav, NavItem{Title: "Home", Path: HomePath})

	var pageContent []Content
	notes := &annotations{topics: map[string]*annotationFile{}, groups: map[string]*annotationFile{}}
	var errs []error
	for i := range content {
		c := &content[i]
		if !isAnnotation(c) {
			pageContent = append(pageContent, *c)
			continue
		}
		a, err := parseAnnotation(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		byName := notes.topics
		if a.kind == GroupAnnotations {
			byName = notes.groups
		}
		if other := byName[a.name]; other != nil {
			errs = append(errs, fmt.Errorf("%s: annotates %q, as %s does already", c.File, a.name, other.content.File))
			continue
		}
		byName[a.name] = a
		notes.files = append(notes.files, a)
	}
	if err := notes.declare(estate.Annotations); err != nil {
		errs = append(errs, err)
	}
	// Content pages are made first, so annotations can link to them, but come after the
	// clusters in reading order.
	pages, err := contentPages(pageContent)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	notes.refs.pages = map[string]*Page{}
	for _, p := range pages {
		notes.refs.pages[strings.TrimSuffix(p.Content.Path, path.Ext(p.Content.Path))] = p
	}

	clusters, err := buildClusters(snaps, notes, estate)
	if err != nil {
		return nil, err
	}
	for _, c := range clusters {
		s.Clusters = append(s.Clusters, c)
		s.Warnings = append(s.Warnings, c.warnings...)
		for _, p := range c.pages {
			s.add(p)
		}
		s.Nav = append(s.Nav, c.nav())
	}
	var replication *Link
	if r := buildReplication(snaps, s.Clusters, estate.Replication); r != nil {
		replication = &Link{Title: "Replication", Path: ReplicationPath}
		s.add(&Page{Path: ReplicationPath, Title: "Replication", Template: TemplateReplication, Data: r,
			Section: ReplicationPath, Crumbs: []Link{{Title: "Home", Path: HomePath}}})
		s.Nav = append(s.Nav, NavItem{Title: "Replication", Path: ReplicationPath})
		linkReplicas(s, snaps)
	}
	for _, a := range notes.files {
		if !a.used.Load() {
			what := "topic"
			if a.kind == GroupAnnotations {
				what = "consumer group"
			}
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s: annotation for %s %q, which is in no cluster; it is not shown", a.content.File, what, a.name))
		}
	}
	s.Warnings = append(s.Warnings, notes.unusedDeclared()...)

	var contentLinks []Link
	for _, p := range pages {
		if other := s.byPath[p.Path]; other != nil {
			return nil, fmt.Errorf("%s: its page %s.html is taken by %q", p.Content.File, p.Path, other.Title)
		}
		s.add(p)
		s.Nav = append(s.Nav, NavItem{Title: p.Title, Path: p.Path})
		contentLinks = append(contentLinks, Link{Title: p.Title, Path: p.Path})
	}

	home.Data = &HomeData{Title: title, Clusters: s.Clusters, Content: contentLinks, Replication: replication}
	return s, nil
}

// buildClusters builds each snapshot's cluster, in snapshot order. The clusters share nothing
// they write but the annotations' used marks, so they are built in parallel: a large estate's
// clusters took seconds each, one after another, while a core idled.
func buildClusters(snaps []*snapshot.Snapshot, notes *annotations, estate Estate) ([]*Cluster, error) {
	type job struct {
		snap  *snapshot.Snapshot
		slug  string
		notes *annotations
	}
	clusterSlugs := newSlugger("index")
	seen := map[string]bool{}
	jobs := make([]job, len(snaps))
	for i, snap := range snaps {
		name := snap.Cluster.Name
		if seen[name] {
			return nil, fmt.Errorf("two snapshots describe a cluster named %q", name)
		}
		seen[name] = true
		// Slugs and each cluster's annotations are decided here, in order, so that the
		// result does not depend on which cluster finishes first.
		jobs[i] = job{snap: snap, slug: clusterSlugs.slug(name), notes: notes.forCluster(name)}
	}
	clusters := make([]*Cluster, len(snaps))
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			name := j.snap.Cluster.Name
			clusters[i] = buildCluster(j.snap, j.slug, j.notes, estate.Services[name], estate.Schemas[name], estate.snapshotFile(j.slug), estate.ParseSchema)
		})
	}
	wg.Wait()
	return clusters, nil
}

// annotations are the annotation files of the content, by the topic or group they name.
type annotations struct {
	topics, groups map[string]*annotationFile
	files          []*annotationFile // in content order, for warnings in a stable order
	refs           refResolver
	// byCluster adds site.yaml's annotations of each cluster; declared lists them in order.
	byCluster map[string]*annotations
	declared  []*annotationFile
}

// topic returns the annotation of the named topic placed on the page at pagePath, or nil.
func (n *annotations) topic(name, pagePath string) *Annotation {
	return n.place(n.topics[name], pagePath)
}

// group returns the annotation of the named group placed on the page at pagePath, or nil.
func (n *annotations) group(id, pagePath string) *Annotation {
	return n.place(n.groups[id], pagePath)
}

func (n *annotations) place(a *annotationFile, pagePath string) *Annotation {
	if n == nil || a == nil {
		return nil
	}
	a.used.Store(true)
	return n.refs.annotation(a, pagePath)
}

func (s *Site) add(p *Page) {
	s.Pages = append(s.Pages, p)
	s.byPath[p.Path] = p
}

// reservedDirs are top-level directories that generated files own; reservedPages are root
// pages that generated files own.
var (
	reservedDirs  = map[string]bool{"clusters": true, "environments": true, "print": true, "snapshots": true}
	reservedPages = map[string]bool{"index": true, "404": true}
)

// contentPages turns content files into pages ordered by weight (0 last), then title, then path.
func contentPages(content []Content) ([]*Page, error) {
	// Directory and file names are the authors', but still go through a slugger (one per
	// directory) so that a space or a capital cannot produce an odd URL; readable names pass
	// unchanged.
	slugs := map[string]*slugger{}
	var pages []*Page
	var errs []error
	for i := range content {
		c := &content[i]
		stem := strings.TrimSuffix(c.Path, path.Ext(c.Path))
		var parts []string
		for _, part := range strings.Split(stem, "/") {
			dir := strings.Join(parts, "/")
			if slugs[dir] == nil {
				slugs[dir] = newSlugger()
			}
			parts = append(parts, slugs[dir].slug(part))
		}
		p := strings.Join(parts, "/")
		if (len(parts) > 1 && reservedDirs[parts[0]]) || reservedPages[p] {
			errs = append(errs, fmt.Errorf("%s: the page %s.html is reserved for a generated page; rename or move the file", c.File, p))
			continue
		}
		pages = append(pages, &Page{Path: p, Title: c.Title, Content: c, Section: p,
			Crumbs: []Link{{Title: "Home", Path: HomePath}}})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortStableFunc(pages, func(a, b *Page) int {
		wa, wb := a.Content.Weight, b.Content.Weight
		if (wa == 0) != (wb == 0) {
			if wa == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(wa, wb), cmp.Compare(a.Title, b.Title), cmp.Compare(a.Path, b.Path))
	})
	return pages, nil
}

// groupFile returns the annotation file of the named group without placing it, or nil.
func (n *annotations) groupFile(id string) *annotationFile {
	if n == nil {
		return nil
	}
	return n.groups[id]
}
