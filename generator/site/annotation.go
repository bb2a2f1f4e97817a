package site

// Annotations are what a team knows and Kafka does not: who owns a topic, who writes to it,
// where its runbook is. They live beside the hand-written pages, one Markdown file per topic or
// group, and merge into that topic's or group's generated page instead of becoming pages of
// their own:
//
//	content/topics/<topic name>.md    content/groups/<group id>.md
//
// Front matter keys: owner, team, description, tags, producers, links (a list of {title, url}),
// runbook, domain (groups only: the domain the group belongs to on the data flows page, when
// its id does not say it), and name (the topic or group, when the file name cannot spell it: a group id with
// a '/'). The body is free Markdown shown on the page. Relative links, in the body and in links
// and runbook, are written from the file's own place, as in any content page, and are rebased
// onto the page that shows them. An annotation applies to its topic or group in every cluster;
// one that matches nothing is reported as a warning, never silently dropped.

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"

	"gopkg.in/yaml.v3"
)

// Annotation directories inside content/.
const (
	TopicAnnotations = "topics"
	GroupAnnotations = "groups"
)

// Annotation is what the page of one topic or group shows from its annotation file.
type Annotation struct {
	// File names the annotation file in messages.
	File        string
	Owner       string
	Team        string
	Description string
	Tags        []string
	// Producers are the applications that write to the topic (topic annotations only).
	Producers []string
	Links     []Ref
	Runbook   *Ref
	// Body is the free Markdown after the front matter, its relative links rebased onto the
	// page that shows it.
	Body string
}

// Ref is a link written by an author: to a file of the site (File, relative to the site root;
// a page is its .md file, which the renderer points at the page), or elsewhere (URL, as
// written). Exactly one of File and URL is set.
type Ref struct {
	Title string
	File  string
	URL   string
}

// annotationMatter is an annotation's front matter. Unknown keys are errors: a misspelt
// "producer:" would otherwise vanish without a word.
type annotationMatter struct {
	Name        string   `yaml:"name"`
	Title       string   `yaml:"title"`  // accepted for symmetry with pages; unused
	Weight      int      `yaml:"weight"` // idem
	Owner       string   `yaml:"owner"`
	Team        string   `yaml:"team"`
	Description string   `yaml:"description"`
	Tags        []string `yaml:"tags"`
	Producers   []string `yaml:"producers"`
	Links       []struct {
		Title string `yaml:"title"`
		URL   string `yaml:"url"`
	} `yaml:"links"`
	Runbook string `yaml:"runbook"`
	Domain  string `yaml:"domain"`
}

// AnnotationMatter is the type an annotation's front matter decodes into, for tools that check
// annotation files without building (generator/check reads its keys by reflection).
func AnnotationMatter() any { return annotationMatter{} }

// ValidateAnnotation reads an annotation file (rel is its path inside content/, file its name
// in messages) as a build would, and returns the error the build would stop on.
func ValidateAnnotation(rel, file string, data []byte) error {
	c, err := ParseContent(rel, file, data)
	if err != nil {
		return err
	}
	_, err = parseAnnotation(&c)
	return err
}

// annotationFile is a parsed annotation before it is placed on a page.
type annotationFile struct {
	content *Content
	kind    string // TopicAnnotations or GroupAnnotations
	name    string // the topic or group it describes
	matter  annotationMatter
	// used is set when a page shows it; clusters are built in parallel (buildClusters).
	used atomic.Bool
	// cluster is the cluster a site.yaml annotation belongs to; "" for a file (every cluster).
	cluster string
}

// isAnnotation reports whether a content file is an annotation rather than a page.
func isAnnotation(c *Content) bool {
	dir, _, ok := strings.Cut(c.Path, "/")
	return ok && (dir == TopicAnnotations || dir == GroupAnnotations)
}

// parseAnnotation reads an annotation's front matter; errors read "file:line: front matter: …".
func parseAnnotation(c *Content) (*annotationFile, error) {
	kind, rest, _ := strings.Cut(c.Path, "/")
	a := &annotationFile{content: c, kind: kind, name: strings.TrimSuffix(rest, path.Ext(rest))}
	if strings.TrimSpace(c.FrontMatter) != "" {
		dec := yaml.NewDecoder(strings.NewReader(c.FrontMatter))
		dec.KnownFields(true)
		if err := dec.Decode(&a.matter); err != nil {
			return nil, frontMatterError(c.File, err)
		}
	}
	if a.matter.Name != "" {
		a.name = a.matter.Name
	}
	if kind == TopicAnnotations && a.matter.Domain != "" {
		return nil, fmt.Errorf("%s: front matter: domain: a topic's domain is its name's prefix before the first '.'; domain is for consumer groups", c.File)
	}
	if kind == GroupAnnotations && len(a.matter.Producers) > 0 {
		return nil, fmt.Errorf("%s: front matter: producers: a consumer group has no producers; name them in the annotations of the topics it reads", c.File)
	}
	for i, l := range a.matter.Links {
		if strings.TrimSpace(l.URL) == "" {
			return nil, fmt.Errorf("%s: front matter: links[%d] has no url", c.File, i)
		}
	}
	return a, nil
}

// refResolver turns the URLs authors write into Refs, knowing the content pages.
type refResolver struct {
	pages map[string]*Page // by content path without extension, e.g. "runbooks/consumer-lag"
}

// resolve makes a Ref of url written in the content file at from (a path inside content/).
// A relative link to a content page (its .md file, as authors link pages) leads to the page.
func (r refResolver) resolve(from, title, url string) Ref {
	url = strings.TrimSpace(url)
	if url == "" || url[0] == '#' || url[0] == '/' || schemeRE.MatchString(url) {
		return Ref{Title: cmp.Or(title, url), URL: url}
	}
	p, frag, _ := strings.Cut(url, "#")
	if frag != "" {
		frag = "#" + frag
	}
	target := path.Join(path.Dir(from), p)
	if stem, ok := strings.CutSuffix(target, ".md"); ok {
		if page := r.pages[stem]; page != nil {
			return Ref{Title: cmp.Or(title, page.Title), File: page.Path + ".md" + frag}
		}
	}
	return Ref{Title: cmp.Or(title, url), File: target + frag}
}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// annotation places a file's annotation on the page at pagePath.
func (r refResolver) annotation(a *annotationFile, pagePath string) *Annotation {
	m := a.matter
	out := &Annotation{File: a.content.File, Owner: strings.TrimSpace(m.Owner), Team: strings.TrimSpace(m.Team),
		Description: strings.TrimSpace(m.Description), Tags: m.Tags, Producers: m.Producers}
	for _, l := range m.Links {
		out.Links = append(out.Links, r.resolve(a.content.Path, l.Title, l.URL))
	}
	if m.Runbook != "" {
		rb := r.resolve(a.content.Path, "", m.Runbook)
		out.Runbook = &rb
	}
	out.Body = strings.Trim(rebaseLinks(a.content.Body, path.Dir(a.content.Path), pagePath), "\n")
	return out
}

var (
	// inlineLinkRE finds the destination of an inline link or image: ](dest or ](<dest>.
	inlineLinkRE = regexp.MustCompile(`\]\(\s*(<[^>\n]*>|[^)\s]+)`)
	// refDefRE finds a link reference definition: [label]: dest.
	refDefRE = regexp.MustCompile(`^( {0,3}\[[^\]]+\]:\s*)(<[^>\n]*>|\S+)`)
)

// rebaseLinks rewrites the relative link destinations of body, written from the directory dir
// (inside content/), so that they work from the page at pagePath. Fenced code is left alone.
func rebaseLinks(body, dir, pagePath string) string {
	rebase := func(dest string) string {
		angle := strings.HasPrefix(dest, "<")
		d := strings.TrimSuffix(strings.TrimPrefix(dest, "<"), ">")
		if d == "" || d[0] == '#' || d[0] == '/' || d[0] == '?' || schemeRE.MatchString(d) {
			return dest
		}
		target := path.Join(dir, d)
		if strings.HasPrefix(target, "../") {
			return dest // leaves the site: the author's business
		}
		if strings.HasSuffix(d, "/") {
			target += "/"
		}
		out := Rel(pagePath, target)
		if angle {
			return "<" + out + ">"
		}
		return out
	}
	var b bytes.Buffer
	fence := ""
	for _, line := range strings.SplitAfter(body, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			b.WriteString(line)
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			b.WriteString(line)
			continue
		}
		if m := refDefRE.FindStringSubmatchIndex(line); m != nil {
			line = line[:m[4]] + rebase(line[m[4]:m[5]]) + line[m[5]:]
		}
		line = inlineLinkRE.ReplaceAllStringFunc(line, func(s string) string {
			m := inlineLinkRE.FindStringSubmatch(s)
			return strings.TrimSuffix(s, m[1]) + rebase(m[1])
		})
		b.WriteString(line)
	}
	return b.String()
}

// DeclaredAnnotations are one cluster's annotations given in site.yaml, by topic name and by
// group id. They apply to that cluster only, and are placed like annotation files; a topic or
// group that an annotation file names too is an error.
type DeclaredAnnotations struct {
	Topics, Groups map[string]DeclaredAnnotation
}

// DeclaredAnnotation is the front matter of an annotation file, given in site.yaml. Relative
// links and runbook are written from content/.
type DeclaredAnnotation struct {
	// Where names the entry in messages ("site.yaml:14").
	Where       string
	Owner       string
	Team        string
	Description string
	Tags        []string
	Producers   []string
	Links       []DeclaredLink
	Runbook     string
	Domain      string
}

// DeclaredLink is one of a declared annotation's links, as written.
type DeclaredLink struct{ Title, URL string }

// declare adds site.yaml's annotations, by cluster name. It fails when an annotation file
// names the same topic or group: the facts would have two sources.
func (n *annotations) declare(decl map[string]DeclaredAnnotations) error {
	var errs []error
	n.byCluster = map[string]*annotations{}
	clusters := make([]string, 0, len(decl))
	for c := range decl {
		clusters = append(clusters, c)
	}
	slices.Sort(clusters)
	for _, cluster := range clusters {
		d := decl[cluster]
		child := &annotations{topics: maps.Clone(n.topics), groups: maps.Clone(n.groups)}
		for _, kind := range []string{TopicAnnotations, GroupAnnotations} {
			list, byName, what := d.Topics, child.topics, "topic"
			if kind == GroupAnnotations {
				list, byName, what = d.Groups, child.groups, "consumer group"
			}
			names := make([]string, 0, len(list))
			for name := range list {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				a := list[name]
				if other := byName[name]; other != nil {
					errs = append(errs, fmt.Errorf("%s: annotates %s %q of cluster %q, as %s does already: keep one of the two",
						a.Where, what, name, cluster, other.content.File))
					continue
				}
				m := annotationMatter{Owner: a.Owner, Team: a.Team, Description: a.Description, Tags: a.Tags,
					Producers: a.Producers, Runbook: a.Runbook, Domain: a.Domain}
				for _, l := range a.Links {
					m.Links = append(m.Links, struct {
						Title string `yaml:"title"`
						URL   string `yaml:"url"`
					}{l.Title, l.URL})
				}
				f := &annotationFile{content: &Content{Path: "site.yaml", File: a.Where}, kind: kind, name: name, matter: m,
					cluster: cluster}
				byName[name] = f
				n.declared = append(n.declared, f)
			}
		}
		n.byCluster[cluster] = child
	}
	return errors.Join(errs...)
}

// forCluster returns the annotations that apply in the named cluster: the files', and
// site.yaml's for that cluster.
func (n *annotations) forCluster(name string) *annotations {
	if c := n.byCluster[name]; c != nil {
		c.refs = n.refs
		return c
	}
	return n
}

// unusedDeclared warns of site.yaml annotations whose topic or group is not in their cluster.
func (n *annotations) unusedDeclared() []string {
	var out []string
	for _, a := range n.declared {
		if !a.used.Load() {
			what := "topic"
			if a.kind == GroupAnnotations {
				what = "consumer group"
			}
			out = append(out, fmt.Sprintf("%s: annotation for %s %q, which is not in cluster %q; it is not shown", a.content.File, what, a.name, a.cluster))
		}
	}
	return out
}
