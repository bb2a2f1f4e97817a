package environments

// The environments pages, added to a built site:
//
//	environments/index            the matrix of drifting logical topics × environments (page 1),
//	                              drift per environment pair, subjects, promotion readiness
//	environments/drift-<n>        further pages of drifting topics
//	environments/all, all-<n>     every logical topic, drifting or not
//	environments/subjects[-<n>]   every logical subject that differs
//	environments/topics/<topic>   a logical topic that drifts: its side-by-side table
//
// A logical topic that is the same everywhere gets no page of its own (its topic pages link to
// one another); list pages hold at most PageSize rows, so their size is bounded at any scale.

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/site"
)

// Templates of the environment pages (templates/<name>.md.tmpl).
const (
	TemplateMatrix   = "environments"
	TemplateTopic    = "environment-topic"
	TemplateSubjects = "environment-subjects"
)

// PageSize is the most rows a list page of the environments holds.
const PageSize = 200

// MatrixData is one page of the matrix.
type MatrixData struct {
	Environments []Column
	// Filter is "drifting" or "all"; Drifting and Total count the logical topics of the whole
	// comparison, Rows are this page's.
	Filter          string
	Drifting, Total int
	Rows            []Row
	Pager           Pager
	// Drift and All link the first page of each filter.
	Drift, All site.Link
	// The first page of the drifting filter also shows these.
	First         bool
	Pairs         []Pair
	Subjects      site.Link
	SubjectsDrift int
	Promotions    []PromotionRow
	ExpectedDrift []string
}

// Column is one environment and its cluster.
type Column struct {
	Environment string
	Cluster     site.Link
}

// Row is one logical topic of the matrix.
type Row struct {
	Topic    site.Link
	Unmapped bool
	Cells    []Cell
	Drift    []string
	Expected []string
}

// Cell is a logical topic in one environment.
type Cell struct {
	Present          bool
	Topic            site.Link
	Partitions, RF   int
	PartitionsDrift  bool
	ReplicationDrift bool
	ConfigDrift      int
	SchemaDrift      bool
	ConsumerDrift    bool
	// ACLDrift: the principals allowed to write or read differ; WritersDrift: the observed writers.
	ACLDrift     bool
	WritersDrift bool
}

// Pager links a list's pages.
type Pager struct {
	Page, Pages int
	Prev, Next  site.Link
	All         []site.Link
}

// TopicData is a logical topic's page.
type TopicData struct {
	Topic        *Topic
	Environments []Column
	Links        []site.Link
	Matrix       site.Link
	// Rows are the side-by-side table: one property per row, a value per environment.
	Rows []PropertyRow
}

// PropertyRow is one compared property of a logical topic.
type PropertyRow struct {
	Property string
	Values   []string
	Drift    bool
	Expected bool
}

// SubjectsData is a page of the subjects that differ.
type SubjectsData struct {
	Environments []Column
	Rows         []SubjectRow
	Pager        Pager
	Matrix       site.Link
	Total        int
}

// SubjectRow is one logical subject.
type SubjectRow struct {
	Name      string
	Unmapped  bool
	Cells     []SubjectCell
	Conflicts []int32
}

// SubjectCell is a logical subject in one environment.
type SubjectCell struct {
	Present       bool
	Subject       site.Link
	Versions      string
	Latest        int
	Fingerprint   string
	Compatibility string
}

// PromotionRow is a promotion candidate with links.
type PromotionRow struct {
	Promotion
	// FromLink and ToLink are the subject's pages in each environment (no path when absent).
	FromLink, ToLink site.Link
}

// AddPages adds the environment pages to s, links every compared topic page to its siblings,
// and puts the summary on the home page.
func AddPages(s *site.Site, c *Comparison) error {
	clusters := make([]*site.Cluster, len(c.Clusters))
	cols := make([]Column, len(c.Clusters))
	for i, name := range c.Clusters {
		for _, sc := range s.Clusters {
			if sc.Name == name {
				clusters[i] = sc
			}
		}
		cols[i] = Column{Environment: c.Environments[i], Cluster: site.Link{Title: name}}
		if clusters[i] != nil {
			cols[i].Cluster.Path = clusters[i].Path
		}
	}
	topicLink := func(i int, name string) site.Link {
		l := site.Link{Title: name}
		if clusters[i] != nil {
			l.Path = clusters[i].TopicPath(name)
		}
		return l
	}
	subjectLink := func(i int, name string) site.Link {
		l := site.Link{Title: name}
		if clusters[i] != nil {
			l.Path = clusters[i].SubjectPath(name)
		}
		return l
	}
	matrix := site.Link{Title: "Environments", Path: site.EnvironmentsPath}
	crumbs := []site.Link{{Title: "Home", Path: site.HomePath}}
	sub := append(slices.Clone(crumbs), matrix)

	// Logical topic pages, for those that drift.
	slugs := site.NewSlugger("index")
	logicalPath := map[*Topic]string{}
	var pages []*site.Page
	for _, t := range c.Topics {
		if !t.Drifts() {
			continue
		}
		p := path.Join("environments/topics", slugs.Slug(t.Name+map[bool]string{true: "@" + t.Only()}[t.Unmapped]))
		logicalPath[t] = p
		d := &TopicData{Topic: t, Environments: cols, Matrix: matrix, Rows: propertyRows(t)}
		for i, st := range t.In {
			if st.Present {
				d.Links = append(d.Links, topicLink(i, st.Name))
			} else {
				d.Links = append(d.Links, site.Link{})
			}
		}
		pages = append(pages, &site.Page{Path: p, Title: t.Name + " across environments", Template: TemplateTopic,
			Data: d, Section: site.EnvironmentsPath, Crumbs: sub})
	}
	row := func(t *Topic) Row {
		r := Row{Topic: site.Link{Title: t.Name, Path: logicalPath[t]}, Unmapped: t.Unmapped,
			Drift: properties(t.Drift), Expected: properties(t.Expected), Cells: make([]Cell, 0, len(t.In))}
		for i, st := range t.In {
			cell := Cell{Present: st.Present, Topic: topicLink(i, st.Name), Partitions: st.Partitions, RF: st.ReplicationFactor}
			for _, d := range t.Drift {
				if !st.Present {
					break
				}
				switch {
				case d.Property == PropPartitions:
					cell.PartitionsDrift = true
				case d.Property == PropReplication:
					cell.ReplicationDrift = true
				case d.Property == PropKey || d.Property == PropValue:
					cell.SchemaDrift = true
				case d.Property == PropGroups:
					cell.ConsumerDrift = true
				case d.Property == PropWritePrincipals || d.Property == PropReadPrincipals:
					cell.ACLDrift = true
				case d.Property == PropWriters:
					cell.WritersDrift = true
				case strings.HasPrefix(d.Property, PropConfig):
					cell.ConfigDrift++
				}
			}
			r.Cells = append(r.Cells, cell)
		}
		return r
	}

	// Each row is built once: the drifting pages' rows share their cells with the all pages'.
	all := make([]Row, 0, len(c.Topics))
	var drifting []Row
	for _, t := range c.Topics {
		r := row(t)
		all = append(all, r)
		if t.Drifts() {
			drifting = append(drifting, r)
		}
	}
	var subjectsDrift []*Subject
	for _, sj := range c.Subjects {
		if sj.Drift {
			subjectsDrift = append(subjectsDrift, sj)
		}
	}
	subjectsLink := site.Link{Title: "Subjects across environments", Path: "environments/subjects"}
	var promotions []PromotionRow
	for _, p := range c.Promotions {
		i, j := slices.Index(c.Environments, p.From), slices.Index(c.Environments, p.To)
		promotions = append(promotions, PromotionRow{Promotion: p, FromLink: subjectLink(i, p.FromSubject), ToLink: subjectLink(j, p.ToSubject)})
	}

	var list []*site.Page
	for _, f := range []struct {
		filter, base string
		rows         []Row
	}{{"drifting", "environments/drift", drifting}, {"all", "environments/all", all}} {
		first := site.EnvironmentsPath
		if f.filter == "all" {
			first = f.base
		}
		n := pagesOf(len(f.rows))
		pager := pagerFor(n, func(k int) string {
			if k == 1 {
				return first
			}
			return f.base + "-" + strconv.Itoa(k)
		})
		for k := 1; k <= n; k++ {
			d := &MatrixData{Environments: cols, Filter: f.filter, Drifting: len(drifting), Total: len(all),
				Pager: pager(k), Drift: matrix, All: site.Link{Title: "all logical topics", Path: "environments/all"},
				ExpectedDrift: c.ExpectedDrift, Rows: window(f.rows, k)}
			title := "Environments"
			if f.filter == "drifting" && k == 1 {
				d.First, d.Pairs, d.Subjects, d.SubjectsDrift, d.Promotions = true, c.Pairs, subjectsLink, len(subjectsDrift), promotions
			} else {
				title = fmt.Sprintf("Environments: %s topics, page %d of %d", f.filter, k, n)
			}
			pg := &site.Page{Path: pager(k).All[k-1].Path, Title: title, Template: TemplateMatrix, Data: d,
				Section: site.EnvironmentsPath, Crumbs: crumbs}
			if pg.Path != site.EnvironmentsPath {
				pg.Crumbs = sub
			}
			list = append(list, pg)
		}
	}
	n := pagesOf(len(subjectsDrift))
	spager := pagerFor(n, func(k int) string {
		if k == 1 {
			return subjectsLink.Path
		}
		return subjectsLink.Path + "-" + strconv.Itoa(k)
	})
	for k := 1; k <= n; k++ {
		d := &SubjectsData{Environments: cols, Pager: spager(k), Matrix: matrix, Total: len(subjectsDrift)}
		for _, sj := range window(subjectsDrift, k) {
			r := SubjectRow{Name: sj.Name, Unmapped: sj.Unmapped}
			for _, v := range sj.Conflicts {
				r.Conflicts = append(r.Conflicts, int32(v))
			}
			for i, st := range sj.In {
				cell := SubjectCell{Present: st.Present, Subject: subjectLink(i, st.Name), Compatibility: st.Compatibility}
				for m, v := range st.Versions {
					if m > 0 {
						cell.Versions += ", "
					}
					cell.Versions += strconv.Itoa(v.Number)
				}
				if l := st.Latest(); l != nil {
					cell.Latest, cell.Fingerprint = l.Number, l.Fingerprint
				}
				r.Cells = append(r.Cells, cell)
			}
			d.Rows = append(d.Rows, r)
		}
		title := "Subjects across environments"
		if k > 1 {
			title += fmt.Sprintf(", page %d of %d", k, n)
		}
		list = append(list, &site.Page{Path: spager(k).All[k-1].Path, Title: title, Template: TemplateSubjects, Data: d,
			Section: site.EnvironmentsPath, Crumbs: sub})
	}
	for _, p := range append(list, pages...) {
		if err := s.AddPage(p); err != nil {
			return fmt.Errorf("environments: %w", err)
		}
	}
	addNav(s, site.NavItem{Title: "Environments", Path: site.EnvironmentsPath})

	// Topic pages link to their siblings.
	for _, t := range c.Topics {
		lt := &site.LogicalTopic{Logical: t.Name, Page: site.Link{Title: t.Name + " across environments", Path: logicalPath[t]},
			Matrix: matrix, Siblings: make([]site.EnvironmentLink, len(t.In)), Drift: properties(t.Drift), Expected: properties(t.Expected)}
		for i, st := range t.In {
			lt.Siblings[i].Environment = c.Environments[i]
			if st.Present {
				lt.Siblings[i].Link = topicLink(i, st.Name)
			}
		}
		for i, st := range t.In {
			if !st.Present || clusters[i] == nil {
				continue
			}
			p := s.Page(clusters[i].TopicPath(st.Name))
			if p == nil {
				continue
			}
			if td, ok := p.Data.(*site.TopicData); ok {
				td.Environments = &site.TopicEnvironments{LogicalTopic: lt, Current: i}
			}
		}
	}
	if home := s.Page(site.HomePath); home != nil {
		if d, ok := home.Data.(*site.HomeData); ok {
			sum := &site.EnvironmentsSummary{Page: matrix, Topics: len(all), Drifting: len(drifting)}
			for _, p := range c.Pairs {
				sum.Pairs = append(sum.Pairs, site.EnvironmentPair{From: p.From, To: p.To, Topics: p.Topics, Subjects: p.Subjects})
			}
			d.Environments = sum
		}
	}
	return nil
}

// addNav puts the entry after the clusters and the replication page, before content pages.
func addNav(s *site.Site, item site.NavItem) {
	at := len(s.Nav)
	for i, n := range s.Nav {
		if n.Path == site.HomePath || n.Path == site.ReplicationPath || path.Dir(path.Dir(n.Path)) == "clusters" {
			at = i + 1
		}
	}
	s.Nav = slices.Insert(s.Nav, at, item)
}

func properties(ds []Difference) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Property)
	}
	return out
}

// propertyRows is the side-by-side table of a logical topic: every compared property, drifting
// or not.
func propertyRows(t *Topic) []PropertyRow {
	drift := map[string]bool{}
	for _, d := range t.Drift {
		drift[d.Property] = true
	}
	expected := map[string]bool{}
	for _, d := range t.Expected {
		expected[d.Property] = true
	}
	value := func(f func(TopicState) string) []string {
		var out []string
		for _, s := range t.In {
			if s.Present {
				out = append(out, f(s))
			} else {
				out = append(out, "")
			}
		}
		return out
	}
	rows := []PropertyRow{
		{Property: "name", Values: value(func(s TopicState) string { return s.Name })},
		{Property: PropPartitions, Values: value(func(s TopicState) string { return strconv.Itoa(s.Partitions) })},
		{Property: PropReplication, Values: value(func(s TopicState) string { return strconv.Itoa(s.ReplicationFactor) })},
	}
	var keys []string
	for _, s := range t.In {
		for _, c := range s.Configs {
			keys = append(keys, c.Name)
		}
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		rows = append(rows, PropertyRow{Property: PropConfig + k, Values: value(func(s TopicState) string { return s.ConfigValue(k) })})
	}
	ref := func(r *SubjectRef) string {
		if r == nil {
			return "none"
		}
		return fmt.Sprintf("%s v%d (%s, %s)", r.Name, r.Latest, r.Compatibility, r.Fingerprint[:8])
	}
	rows = append(rows,
		PropertyRow{Property: PropKey, Values: value(func(s TopicState) string { return ref(s.Key) })},
		PropertyRow{Property: PropValue, Values: value(func(s TopicState) string { return ref(s.Value) })},
		PropertyRow{Property: PropGroups, Values: value(func(s TopicState) string { return list(s.Groups) })},
		PropertyRow{Property: PropWritePrincipals, Values: value(func(s TopicState) string { return known(list(s.WritePrincipals), s.ACLsUnknown) })},
		PropertyRow{Property: PropReadPrincipals, Values: value(func(s TopicState) string { return known(list(s.ReadPrincipals), s.ACLsUnknown) })},
		PropertyRow{Property: PropWriters, Values: value(func(s TopicState) string { return known(list(s.Writers), s.WritersUnknown) })},
		PropertyRow{Property: PropProducers + " (not compared)", Values: value(func(s TopicState) string {
			return known(strconv.Itoa(s.ActiveProducers), s.ProducersUnknown)
		})})
	for i := range rows {
		rows[i].Drift, rows[i].Expected = drift[rows[i].Property], expected[rows[i].Property]
	}
	return rows
}

// known is v, or why the environment's snapshot cannot tell it.
func known(v, why string) string {
	if why != "" {
		return unknown(why)
	}
	return v
}

func pagesOf(n int) int { return max(1, (n+PageSize-1)/PageSize) }

func window[T any](list []T, page int) []T {
	lo := (page - 1) * PageSize
	return list[lo:min(len(list), lo+PageSize)]
}

// pagerFor returns the pager of page k of n, given each page's path.
func pagerFor(n int, pathOf func(int) string) func(int) Pager {
	var all []site.Link
	for k := 1; k <= n; k++ {
		all = append(all, site.Link{Title: strconv.Itoa(k), Path: pathOf(k)})
	}
	return func(k int) Pager {
		p := Pager{Page: k, Pages: n, All: all}
		if k > 1 {
			p.Prev = all[k-2]
		}
		if k < n {
			p.Next = all[k]
		}
		return p
	}
}

// WritersFromSite returns a topic's writers as its page on the site shows them
// (site.TopicData.Observed, lineage.Writers of the cluster's snapshot); false where the site
// has no page for the topic.
func WritersFromSite(s *site.Site) func(cluster, topic string) (*lineage.TopicWriters, bool) {
	byName := map[string]*site.Cluster{}
	for _, c := range s.Clusters {
		byName[c.Name] = c
	}
	return func(cluster, topic string) (*lineage.TopicWriters, bool) {
		c := byName[cluster]
		if c == nil {
			return nil, false
		}
		p := s.Page(c.TopicPath(topic))
		if p == nil {
			return nil, false
		}
		td, ok := p.Data.(*site.TopicData)
		if !ok {
			return nil, false
		}
		return td.Observed, true
	}
}

// SubjectsFromSite resolves a topic's key and value subjects as the site's topic pages link
// them (the cluster's subject name strategy); TopicName where the page links none.
func SubjectsFromSite(s *site.Site) func(cluster, topic string) (key, value string) {
	byName := map[string]*site.Cluster{}
	for _, c := range s.Clusters {
		byName[c.Name] = c
	}
	return func(cluster, topic string) (string, string) {
		key, value := topic+"-key", topic+"-value"
		c := byName[cluster]
		if c == nil {
			return key, value
		}
		p := s.Page(c.TopicPath(topic))
		if p == nil {
			return key, value
		}
		td, ok := p.Data.(*site.TopicData)
		if !ok {
			return key, value
		}
		var gotKey, gotValue bool
		for _, sc := range td.Schemas {
			switch {
			case sc.Role == "key" && !gotKey:
				key, gotKey = sc.Subject.Title, true
			case sc.Role == "value" && !gotValue:
				value, gotValue = sc.Subject.Title, true
			}
		}
		return key, value
	}
}
