// Package search builds the site's offline search index: what a reader can find (topics,
// consumer groups, schema subjects, the fields of each subject's latest schema, and every page
// by title and text) as JavaScript files that themes/default/static/js/search.js loads with
// <script> tags, so search works from file:// (where fetch of JSON is refused) and from any
// sub-path.
//
// The index is sharded so that a query on a 10,000-topic estate downloads a small fraction of
// it (see index.go for the file format):
//
//	search/index.js     bootstrap: clusters, the term-shard map, the document count
//	search/t<n>.js      term shards: normalized terms → postings (document ids by weight, the
//	                    heaviest first), split by term prefix until each shard is small
//	search/d<n>.js      document chunks: what a result shows (kind, title, cluster, page)
//
// A query loads the bootstrap, the one or few term shards its terms can be in, ranks documents
// from the postings alone, and then loads only the chunks that hold the top results. Ranking
// does not score every match: postings are stored best first, and the page script stops once
// no document left can enter the top ten (at 100,000 topics "order" reads 443 of its 29,800
// postings); it counts the matches after showing the results.
//
// Everything here is a pure function of the document model: the same site gives byte-identical
// files.
package search

import (
	"cmp"
	"runtime"
	"strings"
	"sync"

	"github.com/kdocs/kdocs/generator/site"
)

// Dir is the directory of the index files in the site.
const Dir = "search"

// File is one generated index file, by its slash-separated path in the site.
type File struct {
	Path string
	Data []byte
}

// Kinds of documents, as the results list names them.
const (
	KindTopic   = "topic"
	KindGroup   = "group"
	KindSubject = "subject"
	KindField   = "field"
	KindPage    = "page"
)

// Term weights: where a term was found decides how much a match counts. A name outranks what
// an annotation says, which outranks running text.
const (
	weightName        = 9
	weightAnnotation  = 6 // owner, team, tags
	weightDescription = 4
	weightFieldDoc    = 3
	weightText        = 2
)

// Limits that keep hostile or huge inputs from bloating the index: a schema may expand to
// thousands of fields, a page may be a book.
const (
	maxFieldsPerSubject = 500
	maxTextTerms        = 400 // distinct terms of running text per document
)

// doc is one searchable thing: a page, or a field on a subject's page.
type doc struct {
	kind    string
	title   string
	cluster int // index in Site.Clusters, -1 for pages of no cluster
	path    string
	context string // for a field: its subject
	terms   map[string]int
}

func (d *doc) add(text string, weight int) {
	for _, t := range Tokens(text) {
		if d.terms[t] < weight {
			d.terms[t] = weight
		}
	}
}

// addText adds running text: stop words are skipped and the number of distinct terms capped.
func (d *doc) addText(text string, weight int) {
	for _, t := range Tokens(text) {
		if stopWords[t] {
			continue
		}
		if _, ok := d.terms[t]; !ok && len(d.terms) >= maxTextTerms {
			continue
		}
		if d.terms[t] < weight {
			d.terms[t] = weight
		}
	}
}

// Build returns the index files of the site.
func Build(s *site.Site) []File {
	return encode(s, documents(s))
}

// documents lists what can be found, in page order; a subject's fields follow it.
func documents(s *site.Site) []*doc {
	clusterIdx := map[*site.Cluster]int{}
	for i, c := range s.Clusters {
		clusterIdx[c] = i
	}
	cluster := func(c *site.Cluster) int {
		if i, ok := clusterIdx[c]; ok {
			return i
		}
		return -1
	}

	// Schemas are parsed in parallel (a large registry is the slow part), each into its slot.
	fields := make([][]*doc, len(s.Pages))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range jobs {
				fields[i] = subjectFields(s, s.Pages[i])
			}
		})
	}
	for i, p := range s.Pages {
		if _, ok := p.Data.(*site.SubjectData); ok {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()

	var docs []*doc
	for i, p := range s.Pages {
		d := &doc{kind: KindPage, title: p.Title, cluster: -1, path: p.Path, terms: map[string]int{}}
		d.add(p.Title, weightName)
		switch data := p.Data.(type) {
		case *site.TopicData:
			d.kind, d.cluster = KindTopic, cluster(data.Cluster)
			annotate(d, data.Annotation)
		case *site.GroupData:
			d.kind, d.cluster = KindGroup, cluster(data.Cluster)
			annotate(d, data.Annotation)
		case *site.SubjectData:
			d.kind, d.cluster = KindSubject, cluster(data.Cluster)
		case *site.ClusterData:
			d.cluster = cluster(data.Cluster)
		case *site.TopicsData:
			d.cluster = cluster(data.Cluster)
		case *site.GroupsData:
			d.cluster = cluster(data.Cluster)
		case *site.SubjectsData:
			d.cluster = cluster(data.Cluster)
		case *site.ConnectData:
			d.cluster = cluster(data.Cluster)
		case *site.ConnectorData:
			// A connector is found by its name (the title) and its class.
			d.cluster = cluster(data.Cluster)
			d.add(data.Class[strings.LastIndexByte(data.Class, '.')+1:], weightAnnotation)
		}
		if p.Content != nil {
			d.addText(p.Content.Body, weightText)
		}
		docs = append(docs, d)
		for _, f := range fields[i] {
			f.cluster = d.cluster
			docs = append(docs, f)
		}
	}
	return docs
}

func annotate(d *doc, a *site.Annotation) {
	if a == nil {
		return
	}
	d.add(a.Owner, weightAnnotation)
	d.add(a.Team, weightAnnotation)
	for _, t := range a.Tags {
		d.add(t, weightAnnotation)
	}
	d.addText(a.Description, weightDescription)
}

// subjectFields returns a document per field of the subject's latest schema. A schema that does
// not parse has no fields here: its page still shows the text, and search still finds the
// subject by name.
func subjectFields(s *site.Site, p *site.Page) []*doc {
	data := p.Data.(*site.SubjectData)
	if data.Latest == nil {
		return nil
	}
	// The model parsed the latest version already: its field rows are the schema's fields,
	// depth-first, as schema.Tree.Walk visits them.
	var out []*doc
	for _, f := range data.Fields {
		if f.Name == "" || len(out) >= maxFieldsPerSubject {
			continue
		}
		d := &doc{kind: KindField, title: f.Path, path: p.Path, context: data.Name, terms: map[string]int{}}
		d.add(f.Name, weightName)
		d.add(f.Path, weightAnnotation) // "shipto postal" finds shipTo.postalCode
		d.addText(f.Doc, weightFieldDoc)
		out = append(out, d)
	}
	return out
}

// kindRank orders documents: names a reader is likely to want first, fields last. Documents
// that score the same rank in this order.
func kindRank(kind string) int {
	switch kind {
	case KindTopic:
		return 0
	case KindSubject:
		return 1
	case KindGroup:
		return 2
	case KindPage:
		return 3
	default:
		return 4
	}
}

// compareDocs is the order of document ids: by kind, then shorter titles first (an exact name
// beats a longer one that merely contains it), then by title and path.
func compareDocs(a, b *doc) int {
	return cmp.Or(cmp.Compare(kindRank(a.kind), kindRank(b.kind)),
		cmp.Compare(len(a.title), len(b.title)),
		strings.Compare(a.title, b.title),
		strings.Compare(a.path, b.path),
		strings.Compare(a.context, b.context))
}

// stopWords are skipped in running text (not in names): they match everything.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be but by can do does for from has have if in into is it its
		of on or so than that the their then there these this to was were when which who will with you your not no`) {
		stopWords[w] = true
	}
}
