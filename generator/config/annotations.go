package config

// Annotations in site.yaml: for a small estate, the facts of content/topics/<topic>.md and
// content/groups/<group>.md (owner, team, description, tags, producers, links, runbook) can be
// given inside the cluster they describe instead of one file each:
//
//	clusters:
//	  - name: prod
//	    annotations:
//	      topics:
//	        orders.created: {owner: team-orders, producers: [checkout-service]}
//	      groups:
//	        billing-service: {owner: team-billing}
//
// They merge into the pages as annotation files do (see generator/site/annotation.go). Unlike
// a file, which applies to its topic in every cluster, an entry here applies to its cluster
// only. A topic or group annotated both here and by a file is an error: two sources of the same
// facts would drift apart. Relative links (links, runbook) are written from content/, where
// the site's pages are.

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// Annotations are a cluster's annotations in site.yaml, by topic name and by group id.
type Annotations struct {
	Topics map[string]Annotation `yaml:"topics"`
	Groups map[string]Annotation `yaml:"groups"`
	Line   int                   `yaml:"-"`
}

// Annotation holds the keys of an annotation file's front matter, except name (the map key
// names the topic or group).
type Annotation struct {
	Owner       string           `yaml:"owner"`
	Team        string           `yaml:"team"`
	Description string           `yaml:"description"`
	Tags        []string         `yaml:"tags"`
	Producers   []string         `yaml:"producers"`
	Links       []AnnotationLink `yaml:"links"`
	Runbook     string           `yaml:"runbook"`
	// Domain places a consumer group on the data flows page (groups only).
	Domain string `yaml:"domain"`
	// Line is where the entry starts in site.yaml.
	Line int `yaml:"-"`
}

// AnnotationLink is one of an annotation's links.
type AnnotationLink struct {
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
}

// UnmarshalYAML decodes a cluster's annotations, refusing unknown keys.
func (a *Annotations) UnmarshalYAML(n *yaml.Node) error {
	if err := knownKeys(n, "a mapping with topics and groups", "topics", "groups"); err != nil {
		return err
	}
	type fields Annotations
	if err := n.Decode((*fields)(a)); err != nil {
		return err
	}
	a.Line = n.Line
	return nil
}

// UnmarshalYAML decodes one annotation, records its line and refuses unknown keys.
func (a *Annotation) UnmarshalYAML(n *yaml.Node) error {
	if err := knownKeys(n, "a mapping of owner, team, description, tags, producers, links, runbook, domain",
		"owner", "team", "description", "tags", "producers", "links", "runbook", "domain"); err != nil {
		return err
	}
	type fields Annotation
	if err := n.Decode((*fields)(a)); err != nil {
		return err
	}
	a.Line = n.Line
	for i, l := range n.Content {
		if l.Value != "links" || i+1 >= len(n.Content) {
			continue
		}
		for _, item := range n.Content[i+1].Content {
			if err := knownKeys(item, "a link {title, url}", "title", "url"); err != nil {
				return err
			}
		}
	}
	return nil
}

// validate checks what a file's front matter would be refused for.
func (a *Annotations) validate(cluster string) []error {
	if a == nil {
		return nil
	}
	var errs []error
	check := func(kind, name string, an Annotation) {
		at := fmt.Sprintf("line %d: cluster %q: annotation of %s %q", an.Line, cluster, kind, name)
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: the %s name is empty", at, kind))
		}
		for i, l := range an.Links {
			if l.URL == "" {
				errs = append(errs, fmt.Errorf("%s: links[%d] has no url", at, i))
			}
		}
		if kind == "topic" && an.Domain != "" {
			errs = append(errs, fmt.Errorf("%s: domain: a topic's domain is its name's prefix before the first '.'; domain is for consumer groups", at))
		}
		if kind == "consumer group" && len(an.Producers) > 0 {
			errs = append(errs, fmt.Errorf("%s: producers: a consumer group has no producers; name them in the annotations of the topics it reads", at))
		}
	}
	for _, name := range sortedKeys(a.Topics) {
		check("topic", name, a.Topics[name])
	}
	for _, name := range sortedKeys(a.Groups) {
		check("consumer group", name, a.Groups[name])
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
