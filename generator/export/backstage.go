package export

// The Backstage catalog (https://backstage.io/docs/features/software-catalog/descriptor-format):
//
//	backstage/catalog-info.yaml     every entity, one YAML document each
//	backstage/asyncapi/…            the AsyncAPI documents the APIs' definitions read ($text)
//
// Each cluster is a System in a namespace of its own (so topics of two clusters never share
// a name), each topic a Resource of type kafka-topic, each annotated application a Component
// with an API of type asyncapi (its AsyncAPI document), each owner a Group. Relations: a
// Component providesApis its API, consumesApis the APIs of the applications that write what it
// reads, and dependsOn the topics it writes and reads; everything is ownedBy its annotation's
// owner (else DefaultOwner) and partOf its cluster's System. A Component's type is its kind:
// service (annotated), consumer-group, streams-app or connector (discovered), and
// kdocs.io/evidence says what shows it.
//
// Names follow Backstage's rules (at most 63 of [A-Za-z0-9-_.], a letter or digit at each end);
// a name that does not is mapped deterministically (see names.go), with the real name in
// metadata.title and in the kdocs.io/… annotations.

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// DefaultOwner owns what no annotation gives an owner: the clusters and unannotated topics.
const DefaultOwner = "kafka-platform"

type entity struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   metadata `yaml:"metadata"`
	Spec       any      `yaml:"spec"`
}

type metadata struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace,omitempty"`
	Title       string            `yaml:"title,omitempty"`
	Description string            `yaml:"description,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
	Tags        []string          `yaml:"tags,omitempty"`
	Links       []link            `yaml:"links,omitempty"`
}

type link struct {
	URL   string `yaml:"url"`
	Title string `yaml:"title,omitempty"`
}

type groupSpec struct {
	Type     string   `yaml:"type"`
	Children []string `yaml:"children"`
}

type systemSpec struct {
	Owner string `yaml:"owner"`
}

type resourceSpec struct {
	Type   string `yaml:"type"`
	Owner  string `yaml:"owner"`
	System string `yaml:"system"`
}

type componentSpec struct {
	Type         string   `yaml:"type"`
	Lifecycle    string   `yaml:"lifecycle"`
	Owner        string   `yaml:"owner"`
	System       string   `yaml:"system"`
	ProvidesApis []string `yaml:"providesApis,omitempty"`
	ConsumesApis []string `yaml:"consumesApis,omitempty"`
	DependsOn    []string `yaml:"dependsOn,omitempty"`
}

type apiSpec struct {
	Type       string            `yaml:"type"`
	Lifecycle  string            `yaml:"lifecycle"`
	Owner      string            `yaml:"owner"`
	System     string            `yaml:"system"`
	Definition map[string]string `yaml:"definition"`
}

// Annotation keys kdocs sets on entities.
const (
	annCluster = "kdocs.io/cluster"
	annTopic   = "kdocs.io/topic"
	annApp     = "kdocs.io/application"
	annGroup   = "kdocs.io/consumer-group"
	annOwner   = "kdocs.io/owner"
	// annEvidence says whether the application is declared (annotations) or discovered.
	annEvidence = "kdocs.io/evidence"
)

var namespaceRE = regexp.MustCompile(`^[a-z0-9]+(?:-+[a-z0-9]+)*$`)

// namespaceName is a Backstage namespace: a DNS label, [a-z0-9-], at most 63.
func namespaceName(name string) string {
	return mapName(name, func(s string) bool { return len(s) <= 63 && namespaceRE.MatchString(s) },
		func(r rune) bool { return r < 128 && ((r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')) }, "-", 63)
}

var tagRE = regexp.MustCompile(`^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`)

// backstageTags maps tags to Backstage's rule ([a-z0-9:+#] words joined by '-', at most 63),
// dropping those that leave nothing, sorted and deduplicated.
func backstageTags(in ...[]string) []string {
	var out []string
	for _, list := range in {
		for _, t := range list {
			var b strings.Builder
			dash := false
			for _, r := range strings.ToLower(strings.TrimSpace(t)) {
				if r < 128 && ((r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == ':' || r == '+' || r == '#') {
					b.WriteRune(r)
					dash = false
				} else if !dash {
					b.WriteByte('-')
					dash = true
				}
			}
			s := strings.Trim(b.String(), "-")
			if len(s) > 63 {
				s = strings.Trim(s[:63], "-")
			}
			if s != "" && tagRE.MatchString(s) {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Backstage returns catalog-info.yaml and the AsyncAPI documents its APIs point at.
func Backstage(in Input) ([]File, error) {
	cs, err := in.clusters()
	if err != nil {
		return nil, err
	}
	asyncapi, err := AsyncAPI(in)
	if err != nil {
		return nil, err
	}
	var ents []entity
	// Backstage compares names without case: "Orders" and "orders" would be one entity. The
	// second of two such names (in the model's order, so the same for the same snapshot) gets
	// a hash suffix like any invalid name.
	taken := map[string]string{} // kind/namespace/lower-case name → the real name that has it
	unique := func(kind, ns, real string) string {
		name := entityName(real)
		key := kind + "/" + ns + "/" + strings.ToLower(name)
		if owner, ok := taken[key]; ok && owner != real {
			name = mapName(real, func(string) bool { return false },
				func(r rune) bool { return r < 128 && (r == '.' || r == '-' || r == '_' || isAlnum(r)) }, ".-_", 63)
			key = kind + "/" + ns + "/" + strings.ToLower(name)
		}
		taken[key] = real
		return name
	}
	owners := map[string]string{} // owner → its Group's name
	ownerRef := func(o string) string {
		o = strings.TrimSpace(o)
		if o == "" {
			o = DefaultOwner
		}
		if owners[o] == "" {
			owners[o] = unique("Group", "default", o)
		}
		return "group:default/" + owners[o]
	}
	ownerRef(DefaultOwner)
	for _, c := range cs {
		ns := namespaceName(c.model.Name)
		lifecycle := cmp.Or(c.model.Environment, "unknown")
		sys := "system:" + ns + "/" + entityName(c.model.Name)
		sysEnt := entity{APIVersion: "backstage.io/v1alpha1", Kind: "System",
			Metadata: metadata{Name: entityName(c.model.Name), Namespace: ns, Title: c.model.Name,
				Description: fmt.Sprintf("Kafka cluster %s%s: %d topics, %d consumer groups, documented by kdocs.", c.model.Name, envSuffix(c.model.Environment), c.model.Topics, c.model.Groups),
				Annotations: map[string]string{annCluster: c.model.Name}, Links: in.backstageLinks(c.model.Path, "kdocs: the cluster")},
			Spec: systemSpec{Owner: ownerRef("")}}
		if c.model.Environment != "" {
			sysEnt.Metadata.Tags = backstageTags([]string{c.model.Environment})
		}
		ents = append(ents, sysEnt)

		topicRef := map[string]string{}
		for _, t := range c.topics {
			if t.Internal {
				continue
			}
			name := unique("Resource", ns, t.Name)
			topicRef[t.Name] = "resource:" + ns + "/" + name
			md := metadata{Name: name, Namespace: ns, Annotations: map[string]string{annCluster: c.model.Name, annTopic: t.Name},
				Links: in.backstageLinks(c.pages[t], "kdocs: the topic")}
			if name != t.Name {
				md.Title = t.Name
			}
			owner := ""
			var domain []string
			if d, _, ok := strings.Cut(t.Name, "."); ok && d != "" {
				domain = []string{d}
			}
			md.Tags = backstageTags(domain)
			if a := t.Annotation; a != nil {
				md.Description = a.Description
				md.Tags = backstageTags(a.Tags, domain)
				owner = cmp.Or(a.Owner, a.Team)
				if owner != "" {
					md.Annotations[annOwner] = owner
				}
			}
			ents = append(ents, entity{APIVersion: "backstage.io/v1alpha1", Kind: "Resource", Metadata: md,
				Spec: resourceSpec{Type: "kafka-topic", Owner: ownerRef(owner), System: sys}})
		}

		apiRef, appName := map[string]string{}, map[string]string{}
		for _, a := range c.apps {
			appName[a.name] = unique("Component", ns, a.name)
			apiRef[a.name] = "api:" + ns + "/" + appName[a.name]
		}
		writers := map[string][]string{} // topic → apps that send to it
		for _, a := range c.apps {
			for _, t := range a.sends {
				writers[t] = append(writers[t], a.name)
			}
		}
		for _, a := range c.apps {
			name := appName[a.name]
			md := metadata{Name: name, Namespace: ns, Annotations: map[string]string{annCluster: c.model.Name, annApp: a.name}}
			if name != a.name {
				md.Title = a.name
			}
			owner := ""
			if an := a.annotation(); an != nil {
				md.Description = an.Description
				md.Tags = backstageTags(an.Tags)
				owner = cmp.Or(an.Owner, an.Team)
				if owner != "" {
					md.Annotations[annOwner] = owner
				}
			}
			if a.group != nil {
				md.Annotations[annGroup] = a.group.ID
				md.Links = in.backstageLinks(c.pages[a.group], "kdocs: the consumer group")
			}
			md.Annotations[annEvidence] = a.evidence()
			spec := componentSpec{Type: a.kind, Lifecycle: lifecycle, Owner: ownerRef(owner), System: sys, ProvidesApis: []string{apiRef[a.name]}}
			for _, t := range a.receives {
				for _, w := range writers[t] {
					if w != a.name {
						spec.ConsumesApis = append(spec.ConsumesApis, apiRef[w])
					}
				}
			}
			for _, t := range slices.Concat(a.sends, a.receives) {
				if r := topicRef[t]; r != "" {
					spec.DependsOn = append(spec.DependsOn, r)
				}
			}
			for _, l := range []*[]string{&spec.ConsumesApis, &spec.DependsOn} {
				slices.Sort(*l)
				*l = slices.Compact(*l)
			}
			ents = append(ents, entity{APIVersion: "backstage.io/v1alpha1", Kind: "Component", Metadata: md, Spec: spec})
			apiMD := md
			apiMD.Links = nil
			apiMD.Description = fmt.Sprintf("What %s sends and receives on cluster %s (AsyncAPI %s, exported by kdocs).", a.name, c.model.Name, AsyncAPIVersion)
			ents = append(ents, entity{APIVersion: "backstage.io/v1alpha1", Kind: "API", Metadata: apiMD,
				Spec: apiSpec{Type: "asyncapi", Lifecycle: lifecycle, Owner: spec.Owner, System: sys,
					Definition: map[string]string{"$text": "./asyncapi/" + appPath(c, a)}}})
		}
	}
	ownerNames := slices.Sorted(maps.Keys(owners))
	for _, o := range ownerNames {
		md := metadata{Name: owners[o], Annotations: map[string]string{annOwner: o}}
		if md.Name != o {
			md.Title = o
		}
		if o == DefaultOwner {
			md.Description = "Owns what no annotation gives an owner: the Kafka clusters and their unannotated topics."
		}
		ents = append(ents, entity{APIVersion: "backstage.io/v1alpha1", Kind: "Group", Metadata: md,
			Spec: groupSpec{Type: "team", Children: []string{}}})
	}
	order := map[string]int{"Group": 0, "System": 1, "Resource": 2, "Component": 3, "API": 4}
	slices.SortFunc(ents, func(a, b entity) int {
		return cmp.Or(cmp.Compare(order[a.Kind], order[b.Kind]), cmp.Compare(a.Metadata.Namespace, b.Metadata.Namespace),
			cmp.Compare(a.Metadata.Name, b.Metadata.Name))
	})
	var b bytes.Buffer
	for i, e := range ents {
		data, err := marshalYAML(e)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", e.Kind, e.Metadata.Name, err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(data)
	}
	files := []File{{Path: "catalog-info.yaml", Data: b.Bytes()}}
	for _, f := range asyncapi {
		files = append(files, File{Path: "asyncapi/" + f.Path, Data: f.Data})
	}
	return files, nil
}

func (in Input) backstageLinks(p, title string) []link {
	if u := in.pageURL(p); u != "" {
		return []link{{URL: u, Title: title}}
	}
	return nil
}
