package site

// The schema catalog of a cluster: which subjects describe which topics (by the subject name
// strategy site.yaml sets), the subject pages with field tables and version diffs, the catalog
// and the orphans page. Every version is parsed once here (generator/schema); a schema that
// does not parse keeps its page, shows its text and the error, and becomes a warning.

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/kdocs/kdocs/generator/schema"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Subject name strategies (config.TopicName …), and StrategyDeclared for a subject that
// site.yaml names outright.
const (
	StrategyTopicName       = "TopicName"
	StrategyRecordName      = "RecordName"
	StrategyTopicRecordName = "TopicRecordName"
	StrategyDeclared        = "named in site.yaml"
)

// SchemaNaming is how a cluster's topics name their subjects; the zero value is TopicName for
// every topic.
type SchemaNaming struct {
	Strategy string
	// Topics are per-topic overrides, by topic name.
	Topics map[string]TopicNaming
	// Lines locate the overrides in site.yaml, for warnings (optional).
	Lines map[string]int
}

// TopicNaming overrides the strategy of one topic. KeyRecord and ValueRecord are record full
// names (for RecordName and TopicRecordName); KeySubject and ValueSubject name subjects outright.
type TopicNaming struct {
	Strategy                 string
	KeyRecord, ValueRecord   string
	KeySubject, ValueSubject string
}

// SubjectsData is a cluster's schema catalog.
type SubjectsData struct {
	Cluster  *Cluster
	Registry RegistryInfo
	Subjects []SubjectRow // this part's
	// Total counts the subjects of every part; Pager is nil when the list is one page.
	Total int
	Pager *Pager
	// Orphans links the orphans page; Strategy is the cluster's naming strategy.
	Orphans  Link
	Strategy string
}

// SubjectRow is one line of the schema catalog.
type SubjectRow struct {
	Link
	Type          string
	Latest        int
	Versions      int
	Compatibility string
	Topics        []TopicUse
	// Fields counts the latest version's fields, nested ones included; -1 when it does not parse.
	Fields int
}

// SubjectData is a subject's page.
type SubjectData struct {
	Cluster *Cluster
	Name    string
	// Record is the full name of the latest version's root record, message or JSON Schema title.
	Record string
	// Compatibility is the effective level; Override says whether the subject sets it itself.
	Compatibility string
	Override      bool
	Versions      []VersionRow
	// Latest is the newest version that is not deleted, nil when all are.
	Latest *VersionRow
	// Fields is the latest version's field tree, depth-first.
	Fields    []FieldRow
	Truncated bool
	// Topics use this subject, with their role (key or value) and the strategy that links them.
	Topics []TopicUse
	// ReferencedBy are the subjects whose versions reference one of this subject's versions.
	ReferencedBy []ReferrerRow
	// Orphans links the cluster's orphans page.
	Orphans Link
}

// VersionRow is one version of a subject.
type VersionRow struct {
	Version    int
	ID         int
	Type       string
	Deleted    bool
	References []ReferenceRow
	// Schema is the schema text, indented when it is JSON; Language is the code block language
	// that highlights it ("json" or "protobuf").
	Schema   string
	Language string
	// ParseError says why the schema could not be read as a field tree; "" when it was.
	ParseError string
	// Changes are the differences from the previous version (nil for the first), judged against
	// the subject's compatibility; Breaking counts the breaking ones.
	Changes  []FieldChangeRow
	Breaking int
	// Registry is the registry's own verdict against the previous version beside kdocs' (nil
	// for the first version).
	Registry *RegistryVerdict
}

// FieldChangeRow is one field-level difference between consecutive versions.
type FieldChangeRow struct {
	Path, Kind, Old, New string
	Breaking             bool
	Reason               string
}

// FieldRow is one field of a schema's tree.
type FieldRow struct {
	// Name is the field's own name, the last step of Path (the search index weighs it).
	Name     string
	Path     string
	Depth    int
	Type     string
	Required bool
	Nullable bool
	Default  string
	Doc      string
}

// ReferenceRow is a reference from a schema to another subject's version.
type ReferenceRow struct {
	Name    string
	Subject Link // Path is empty when the subject is not in the snapshot
	Version int
}

// ReferrerRow is a subject that references this one: which of its versions, to which of ours.
type ReferrerRow struct {
	Subject  Link
	Versions []int // the referencing subject's versions
	Targets  []int // this subject's versions they reference
}

// TopicUse is a topic whose key or value a subject describes.
type TopicUse struct {
	Topic    Link
	Role     string
	Strategy string
}

// TopicSchema is a subject that describes a topic's key or value.
type TopicSchema struct {
	Role     string
	Strategy string
	SchemaRef
}

// OrphansData lists what the naming strategy could not pair: subjects no topic uses and
// (non-internal) topics without a schema.
type OrphansData struct {
	Cluster  *Cluster
	Strategy string
	Subjects []OrphanSubject // this part's
	Topics   []OrphanTopic
	// SubjectsTotal and TopicsTotal count every part's; Pager is nil when the page is one.
	SubjectsTotal, TopicsTotal int
	Pager                      *Pager
}

// OrphanSubject is a subject no topic uses; ReferencedBy counts the subjects that reference it
// (a shared type rather than a forgotten subject).
type OrphanSubject struct {
	Link
	Type         string
	ReferencedBy int
}

// OrphanTopic is a topic for which no subject was found; Looked lists the subjects its strategy
// looked for.
type OrphanTopic struct {
	Link
	Strategy string
	Looked   []string
}

// parsedVersion is one version's field tree, or why there is none.
type parsedVersion struct {
	tree *schema.Tree
	err  error
}

// schemaIndex is every subject of a cluster with its parsed versions, and the topic ↔ subject
// links the naming strategy gives.
type schemaIndex struct {
	reg      *snapshot.Registry
	byName   map[string]*snapshot.Subject
	parsed   map[string][]parsedVersion // aligned with Subject.Versions
	topics   map[string][]TopicSchema   // by topic
	uses     map[string][]TopicUse      // by subject
	looked   map[string][]string        // subjects each topic's strategy looked for
	strategy map[string]string          // each topic's strategy
	warnings []string
}

// indexSchemas parses every version and links topics to subjects.
func indexSchemas(snap *snapshot.Snapshot, naming SchemaNaming, subjectLink, topicLink func(string) Link, parse SchemaParser) *schemaIndex {
	if parse == nil {
		parse = schema.Parse
	}
	x := &schemaIndex{byName: map[string]*snapshot.Subject{}, parsed: map[string][]parsedVersion{},
		topics: map[string][]TopicSchema{}, uses: map[string][]TopicUse{}, looked: map[string][]string{}, strategy: map[string]string{}}
	if snap.Registry == nil {
		return x
	}
	x.reg = snap.Registry
	for i := range x.reg.Subjects {
		s := &x.reg.Subjects[i]
		x.byName[s.Name] = s
	}
	// Parsing is most of the model's work on a large registry, and each version is parsed on
	// its own: spread it over the CPUs, each result in its own slot so the order stays fixed.
	parsed := make([][]parsedVersion, len(x.reg.Subjects))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range jobs {
				s := &x.reg.Subjects[i]
				pv := make([]parsedVersion, len(s.Versions))
				for j, v := range s.Versions {
					kind, err := schema.ParseKind(v.Type)
					if err == nil {
						pv[j].tree, err = parse(kind, v.Schema, x.references(v.References))
					}
					pv[j].err = err
				}
				parsed[i] = pv
			}
		})
	}
	for i := range x.reg.Subjects {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, s := range x.reg.Subjects {
		x.parsed[s.Name] = parsed[i]
	}
	x.link(snap, naming, subjectLink, topicLink)
	return x
}

// references maps the reference names of a version, and of the versions they reference in
// turn, to their schema text, as schema.Parse wants them. A reference the snapshot does not
// hold is left out; the parse then fails and says which type or import is missing.
func (x *schemaIndex) references(refs []snapshot.Reference) map[string]string {
	if len(refs) == 0 {
		return nil
	}
	out := map[string]string{}
	queue := slices.Clone(refs)
	for len(queue) > 0 && len(out) < 1000 {
		r := queue[0]
		queue = queue[1:]
		if _, done := out[r.Name]; done {
			continue
		}
		s := x.byName[r.Subject]
		if s == nil {
			continue
		}
		for _, v := range s.Versions {
			if v.Version == r.Version {
				out[r.Name] = v.Schema
				queue = append(queue, v.References...)
			}
		}
	}
	return out
}

// record is the root name of a subject's latest live version ("" when it does not parse).
func (x *schemaIndex) record(s *snapshot.Subject) string {
	for i := len(s.Versions) - 1; i >= 0; i-- {
		if !s.Versions[i].Deleted {
			if t := x.parsed[s.Name][i].tree; t != nil {
				return t.Name
			}
			return ""
		}
	}
	return ""
}

// link pairs topics with subjects. TopicName and RecordName compute the subject's name;
// TopicRecordName also finds, without being told the records, every subject named
// <topic>-<its own record's full name>.
func (x *schemaIndex) link(snap *snapshot.Snapshot, naming SchemaNaming, subjectLink, topicLink func(string) Link) {
	byTopicRecord := map[string][]string{}
	for _, s := range x.reg.Subjects {
		rec := x.record(&s)
		if topic, ok := strings.CutSuffix(s.Name, "-"+rec); ok && rec != "" && topic != "" {
			byTopicRecord[topic] = append(byTopicRecord[topic], s.Name)
		}
	}
	clusterStrategy := cmp.Or(naming.Strategy, StrategyTopicName)
	topics := map[string]bool{}
	for _, t := range snap.Topics {
		topics[t.Name] = true
		o := naming.Topics[t.Name]
		strategy := cmp.Or(o.Strategy, clusterStrategy)
		x.strategy[t.Name] = strategy
		seen := map[string]bool{}
		add := func(role, subject, how string, declared bool) {
			if seen[subject] {
				return
			}
			x.looked[t.Name] = append(x.looked[t.Name], subject)
			s := x.byName[subject]
			if s == nil {
				if declared {
					x.warnings = append(x.warnings, fmt.Sprintf("cluster %q: topic %q: site.yaml names subject %q for its %s, which the registry does not hold", snap.Cluster.Name, t.Name, subject, role))
				}
				return
			}
			seen[subject] = true
			v := s.Latest()
			if v == nil { // every version deleted: no schema in use
				return
			}
			ref := SchemaRef{Subject: subjectLink(subject), Version: v.Version, ID: v.ID, Type: schemaType(v.Type)}
			x.topics[t.Name] = append(x.topics[t.Name], TopicSchema{Role: role, Strategy: how, SchemaRef: ref})
			x.uses[subject] = append(x.uses[subject], TopicUse{Topic: topicLink(t.Name), Role: role, Strategy: how})
		}
		for _, r := range []struct{ role, record, subject string }{{"key", o.KeyRecord, o.KeySubject}, {"value", o.ValueRecord, o.ValueSubject}} {
			switch {
			case r.subject != "":
				add(r.role, r.subject, StrategyDeclared, true)
			case strategy == StrategyTopicName:
				add(r.role, t.Name+"-"+r.role, strategy, false)
			case strategy == StrategyRecordName && r.record != "":
				add(r.role, r.record, strategy, true)
			case strategy == StrategyTopicRecordName && r.record != "":
				add(r.role, t.Name+"-"+r.record, strategy, true)
			}
		}
		if strategy == StrategyRecordName && o.KeyRecord == "" && o.ValueRecord == "" && o.KeySubject == "" && o.ValueSubject == "" {
			x.looked[t.Name] = append(x.looked[t.Name], "<record full name>: name it with valueRecord in site.yaml")
		}
		if strategy == StrategyTopicRecordName {
			// Records the topic carries besides the declared ones: values, since keys are rarely
			// records of their own and site.yaml names them (keyRecord) when they are.
			for _, subject := range byTopicRecord[t.Name] {
				add("value", subject, strategy, false)
			}
			if len(byTopicRecord[t.Name]) == 0 && o.KeyRecord == "" && o.ValueRecord == "" {
				x.looked[t.Name] = append(x.looked[t.Name], t.Name+"-<record full name>")
			}
		}
	}
	for _, name := range sortedKeys(naming.Topics) {
		if !topics[name] {
			at := ""
			if l := naming.Lines[name]; l > 0 {
				at = fmt.Sprintf(" (site.yaml line %d)", l)
			}
			x.warnings = append(x.warnings, fmt.Sprintf("cluster %q: topics: %q%s is not a topic of the cluster; its subject naming is not used", snap.Cluster.Name, name, at))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// topicSchemas returns the subjects of a topic, keys first, and the first key and value
// subject for TopicData.KeySchema and ValueSchema.
func (x *schemaIndex) topicSchemas(topic string) (all []TopicSchema, key, value *SchemaRef) {
	all = slices.Clone(x.topics[topic])
	slices.SortStableFunc(all, func(a, b TopicSchema) int { return cmp.Compare(roleRank(a.Role), roleRank(b.Role)) })
	for i := range all {
		switch {
		case all[i].Role == "key" && key == nil:
			key = &all[i].SchemaRef
		case all[i].Role == "value" && value == nil:
			value = &all[i].SchemaRef
		}
	}
	return all, key, value
}

func roleRank(role string) int {
	if role == "key" {
		return 0
	}
	return 1
}

// buildSchemaPages makes the catalog, the orphans page and a page per subject.
func buildSchemaPages(c *Cluster, snap *snapshot.Snapshot, x *schemaIndex, subjectPath map[string]string,
	subjectLink, topicLink func(string) Link, naming SchemaNaming, listCrumbs []Link) {
	reg := snap.Registry
	info := RegistryInfo{URL: reg.URL, Compatibility: reg.Compatibility, Mode: reg.Mode}
	crumbs := slices.Concat(listCrumbs, []Link{{Title: "Schemas", Path: c.SubjectsPath}})
	orphansPath := Dir(c.SubjectsPath) + "/orphans"

	referrers := x.referrers(subjectLink)
	var rows []SubjectRow
	var pages []*Page
	orphans := &OrphansData{Cluster: c, Strategy: cmp.Or(naming.Strategy, StrategyTopicName)}
	for i := range reg.Subjects {
		s := &reg.Subjects[i]
		d := x.subjectData(c, s, referrers[s.Name])
		d.Orphans = Link{Title: "orphans page", Path: orphansPath}
		row := SubjectRow{Link: subjectLink(s.Name), Versions: len(s.Versions), Compatibility: d.Compatibility,
			Topics: d.Topics, Fields: len(d.Fields)}
		if d.Latest != nil {
			row.Type, row.Latest = d.Latest.Type, d.Latest.Version
			if d.Latest.ParseError != "" {
				row.Fields = -1
			}
		}
		var bad []string
		for _, v := range d.Versions {
			if v.ParseError != "" && !v.Deleted { // a deleted version's page note is enough
				bad = append(bad, fmt.Sprintf("v%d: %s", v.Version, v.ParseError))
			}
		}
		if len(bad) > 0 {
			c.warnings = append(c.warnings, fmt.Sprintf("cluster %q: subject %q: schema does not parse, shown as text (%s)", c.Name, s.Name, strings.Join(bad, "; ")))
		}
		if len(d.Topics) == 0 {
			orphans.Subjects = append(orphans.Subjects, OrphanSubject{Link: row.Link, Type: row.Type, ReferencedBy: len(d.ReferencedBy)})
		}
		rows = append(rows, row)
		pages = append(pages, &Page{Path: subjectPath[s.Name], Title: s.Name, Template: TemplateSubject,
			Section: c.SubjectsPath, Crumbs: crumbs, Data: d})
	}
	for _, t := range snap.Topics {
		if !t.Internal && len(x.topics[t.Name]) == 0 {
			orphans.Topics = append(orphans.Topics, OrphanTopic{Link: topicLink(t.Name), Strategy: x.strategy[t.Name], Looked: x.looked[t.Name]})
		}
	}
	c.warnings = append(c.warnings, x.warnings...)
	c.pages = append(c.pages, paginate(&Page{Path: c.SubjectsPath, Title: "Schemas", Template: TemplateSubjects, Section: c.SubjectsPath,
		Crumbs: listCrumbs}, len(rows), PerPage, func(lo, hi int, pg *Pager) any {
		return &SubjectsData{Cluster: c, Registry: info, Subjects: rows[lo:hi], Total: len(rows), Pager: pg,
			Orphans: Link{Title: "Orphans", Path: orphansPath}, Strategy: orphans.Strategy}
	})...)
	c.pages = append(c.pages, orphans.pages(&Page{Path: orphansPath, Title: "Orphan schemas and topics", Template: TemplateOrphans,
		Section: c.SubjectsPath, Crumbs: crumbs})...)
	c.pages = append(c.pages, pages...)
}

// pages splits the orphans page: subjects first, then topics, PerPage rows a part.
func (o *OrphansData) pages(first *Page) []*Page {
	subjects, topics := o.Subjects, o.Topics
	return paginate(first, len(subjects)+len(topics), PerPage, func(lo, hi int, pg *Pager) any {
		d := *o
		d.SubjectsTotal, d.TopicsTotal, d.Pager, d.Subjects, d.Topics = len(subjects), len(topics), pg, nil, nil
		for _, sp := range spans([]int{len(subjects), len(topics)}, lo, hi) {
			if sp.Section == 0 {
				d.Subjects = subjects[sp.Lo:sp.Hi]
			} else {
				d.Topics = topics[sp.Lo:sp.Hi]
			}
		}
		return &d
	})
}

// referrers indexes references backwards: for each subject, who references it.
func (x *schemaIndex) referrers(subjectLink func(string) Link) map[string][]ReferrerRow {
	out := map[string][]ReferrerRow{}
	for _, s := range x.reg.Subjects {
		rows := map[string]*ReferrerRow{}
		var order []string
		for _, v := range s.Versions {
			for _, r := range v.References {
				row := rows[r.Subject]
				if row == nil {
					row = &ReferrerRow{Subject: subjectLink(s.Name)}
					rows[r.Subject] = row
					order = append(order, r.Subject)
				}
				if !slices.Contains(row.Versions, v.Version) {
					row.Versions = append(row.Versions, v.Version)
				}
				if !slices.Contains(row.Targets, r.Version) {
					row.Targets = append(row.Targets, r.Version)
				}
			}
		}
		for _, target := range order {
			slices.Sort(rows[target].Targets)
			out[target] = append(out[target], *rows[target])
		}
	}
	return out
}

// subjectData is one subject's page.
func (x *schemaIndex) subjectData(c *Cluster, s *snapshot.Subject, referrers []ReferrerRow) *SubjectData {
	d := &SubjectData{Cluster: c, Name: s.Name, Compatibility: s.Compatibility, Override: s.Compatibility != "",
		Topics: x.uses[s.Name], ReferencedBy: referrers}
	if !d.Override {
		d.Compatibility = x.reg.Compatibility
	}
	parsed := x.parsed[s.Name]
	link := func(name string) Link { return Link{Title: name, Path: c.subjectPaths[name]} }
	var latest = -1
	for i, v := range s.Versions {
		vr := VersionRow{Version: v.Version, ID: v.ID, Type: schemaType(v.Type), Deleted: v.Deleted}
		vr.Schema, vr.Language = schemaText(vr.Type, v.Schema)
		for _, r := range v.References {
			vr.References = append(vr.References, ReferenceRow{Name: r.Name, Subject: link(r.Subject), Version: r.Version})
		}
		if err := parsed[i].err; err != nil {
			vr.ParseError = err.Error()
		}
		judged := i > 0 && parsed[i-1].tree != nil && parsed[i].tree != nil
		if judged {
			for _, ch := range schema.Diff(parsed[i-1].tree, parsed[i].tree, d.Compatibility) {
				vr.Changes = append(vr.Changes, FieldChangeRow{Path: ch.Path, Kind: ch.Kind, Old: ch.Old, New: ch.New,
					Breaking: ch.Breaking, Reason: ch.Reason})
				if ch.Breaking {
					vr.Breaking++
				}
			}
		}
		if i > 0 {
			vr.Registry = registryVerdict(v.Verdict, judged, vr.Breaking)
		}
		if !v.Deleted {
			latest = i
		}
		d.Versions = append(d.Versions, vr)
	}
	if latest < 0 {
		return d
	}
	d.Latest = &d.Versions[latest]
	if t := parsed[latest].tree; t != nil {
		d.Record, d.Truncated = t.Name, t.Truncated
		var walk func(fs []schema.Field, depth int)
		walk = func(fs []schema.Field, depth int) {
			for i := range fs {
				f := &fs[i]
				d.Fields = append(d.Fields, FieldRow{Name: f.Name, Path: f.Path, Depth: depth, Type: f.Type, Required: f.Required,
					Nullable: f.Nullable, Default: f.Default, Doc: f.Doc})
				walk(f.Children, depth+1)
			}
		}
		walk(t.Fields, 0)
	}
	return d
}

// TemplateOrphans renders OrphansData.
const TemplateOrphans = "orphans"
