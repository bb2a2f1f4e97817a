package site

// Hooks for the environments comparison (generator/environments), which adds its own pages
// after Build: the slots it fills on topic pages and the home page, and the few accessors it
// needs. The comparison itself lives in its own package.

import "fmt"

// EnvironmentsPath is the environments matrix page.
const EnvironmentsPath = "environments/index"

// TopicEnvironments is a topic's place among the environments: its logical topic, shared by
// the topic's pages in every environment (one per logical topic, not per page, at 10,000
// topics), and which of the siblings this page is.
type TopicEnvironments struct {
	*LogicalTopic
	// Current is this page's index in Siblings.
	Current int
}

// LogicalTopic is one logical topic as its topic pages show it.
type LogicalTopic struct {
	// Logical is the topic's logical name; Page its logical-topic page (Path empty when the
	// topic is the same everywhere and has none); Matrix the environments page.
	Logical string
	Page    Link
	Matrix  Link
	// Siblings are the same logical topic in each environment, in promotion order;
	// Link.Path is empty where the topic is absent.
	Siblings []EnvironmentLink
	// Drift names the properties that differ; Expected those expected to (site.yaml).
	Drift, Expected []string
}

// EnvironmentLink is a page in one environment.
type EnvironmentLink struct {
	Environment string
	Link
}

// EnvironmentsSummary is the home page's line about the environments.
type EnvironmentsSummary struct {
	Page             Link
	Topics, Drifting int
	Pairs            []EnvironmentPair
}

// EnvironmentPair counts the logical topics and subjects that differ between two environments.
type EnvironmentPair struct {
	From, To         string
	Topics, Subjects int
}

// TopicPath returns the page path of the cluster's topic, "" when it has none.
func (c *Cluster) TopicPath(name string) string { return c.topicPaths[name] }

// SubjectPath returns the page path of the cluster's subject, "" when it has none.
func (c *Cluster) SubjectPath(name string) string { return c.subjectPaths[name] }

// KeyReads returns what the method of that name, one that takes arguments, reads, so that a page
// key can cover it (render's page keys); ok is false for a method it does not know, whose pages
// then have no key and are always rendered. A method added here must be added there too.
func (c *Cluster) KeyReads(method string) (_ any, ok bool) {
	switch method {
	case "TopicPath":
		return c.topicPaths, true
	case "SubjectPath":
		return c.subjectPaths, true
	}
	return nil, false
}

// AddPage adds a generated page after the others (before content pages in no way: the book
// reads it last) and fails when its path is taken.
func (s *Site) AddPage(p *Page) error {
	if other := s.byPath[p.Path]; other != nil {
		return fmt.Errorf("page %s.html is taken by %q", p.Path, other.Title)
	}
	s.add(p)
	return nil
}

// Slug returns a file-name-safe slug of name, stable and distinct for distinct names within
// the namespace of one Slugger.
type Slugger struct{ s *slugger }

// NewSlugger returns a slug namespace in which the reserved slugs are taken.
func NewSlugger(reserved ...string) Slugger { return Slugger{newSlugger(reserved...)} }

// Slug returns name's slug.
func (s Slugger) Slug(name string) string { return s.s.slug(name) }
