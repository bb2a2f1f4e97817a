package config

// The environments: block of site.yaml: which environments (the clusters' environment: values)
// the site compares, in promotion order, and how each names its topics and subjects when the
// names differ between environments. Without the block nothing is compared.
//
//	environments:
//	  order: [dev, staging, prod]     # promotion order; each needs exactly one cluster
//	  topics: "{env}.{name}"          # default for every environment (default "{name}")
//	  subjects: "{env}.{name}"        # default: the environment's topics template
//	  clients: "{env}.{name}"         # group, Streams app, transactional ids, connectors (default: topics)
//	  principals: "{name}-{env}"      # an ACL principal's name after its type (default "{name}")
//	  names:                          # per environment, over the defaults
//	    prod: {topics: "{name}", subjects: "{name}", clients: "{name}", principals: "{name}"}
//	  expectedDrift: [retention.ms]   # topic configs expected to differ: shown, not counted
//
// A template holds {name} (the logical name) exactly once and {env} (the environment) any
// number of times; everything else is literal. A topic whose name the template does not match
// is unmapped: it is "only in" its environment. A client id or principal the template does not
// match keeps its name: User:admin in every environment is the same principal.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Environments is site.yaml's environments: block.
type Environments struct {
	// Order lists the environments from the first (dev) to the last (prod).
	Order []string `yaml:"order"`
	// Topics and Subjects are the default name templates; empty means "{name}" for topics and
	// the environment's topics template for subjects.
	Topics   string `yaml:"topics"`
	Subjects string `yaml:"subjects"`
	// Clients is the template of the names of the topics' readers and writers: consumer group
	// ids, Kafka Streams application ids, transactional ids and connector names; empty means the
	// environment's topics template (services are often named like their topics).
	Clients string `yaml:"clients"`
	// Principals is the template of an ACL principal's name after its type (the orders-svc-dev
	// of User:orders-svc-dev); empty means "{name}": principals are named for services, and when
	// they carry the environment it is seldom the way topics do.
	Principals string `yaml:"principals"`
	// Names override the templates per environment.
	Names map[string]EnvironmentNames `yaml:"names"`
	// ExpectedDrift lists topic config names expected to differ between environments.
	ExpectedDrift []string `yaml:"expectedDrift"`

	// Line is where the block starts; OrderLines the line of each Order entry.
	Line       int   `yaml:"-"`
	OrderLines []int `yaml:"-"`
	// templateLines is the line of each template: "topics", "subjects", "names.<env>.topics", ….
	templateLines map[string]int
}

// EnvironmentNames are one environment's name templates.
type EnvironmentNames struct {
	Topics     string `yaml:"topics"`
	Subjects   string `yaml:"subjects"`
	Clients    string `yaml:"clients"`
	Principals string `yaml:"principals"`
	Line       int    `yaml:"-"`
}

// UnmarshalYAML decodes the block, records its lines and refuses unknown keys.
func (e *Environments) UnmarshalYAML(n *yaml.Node) error {
	if err := knownKeys(n, "a mapping with order, topics, subjects, clients, principals, names and expectedDrift",
		"order", "topics", "subjects", "clients", "principals", "names", "expectedDrift"); err != nil {
		return err
	}
	type fields Environments
	if err := n.Decode((*fields)(e)); err != nil {
		return err
	}
	e.Line = n.Line
	e.templateLines = map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "order":
			for _, item := range v.Content {
				e.OrderLines = append(e.OrderLines, item.Line)
			}
		case "topics", "subjects", "clients", "principals":
			e.templateLines[k.Value] = v.Line
		case "names":
			for j := 0; j+1 < len(v.Content); j += 2 {
				env, block := v.Content[j], v.Content[j+1]
				for m := 0; m+1 < len(block.Content); m += 2 {
					e.templateLines["names."+env.Value+"."+block.Content[m].Value] = block.Content[m+1].Line
				}
			}
		}
	}
	return nil
}

// UnmarshalYAML decodes one environment's templates and refuses unknown keys.
func (n *EnvironmentNames) UnmarshalYAML(node *yaml.Node) error {
	if err := knownKeys(node, "a mapping with topics, subjects, clients and principals", "topics", "subjects", "clients", "principals"); err != nil {
		return err
	}
	type fields EnvironmentNames
	if err := node.Decode((*fields)(n)); err != nil {
		return err
	}
	n.Line = node.Line
	return nil
}

// TopicTemplate returns the topic name template of env.
func (e *Environments) TopicTemplate(env string) NameTemplate {
	return firstTemplate(e.Names[env].Topics, e.Topics, "{name}")
}

// SubjectTemplate returns the subject name template of env: its own, else the default, else
// its topics template (subjects named after their topics follow the topics' naming).
func (e *Environments) SubjectTemplate(env string) NameTemplate {
	return firstTemplate(e.Names[env].Subjects, e.Subjects, e.TopicTemplate(env))
}

// ClientTemplate returns the template of env's consumer group ids, Kafka Streams application
// ids, transactional ids and connector names: its own, else the default, else its topics
// template (which is how group ids were always mapped).
func (e *Environments) ClientTemplate(env string) NameTemplate {
	return firstTemplate(e.Names[env].Clients, e.Clients, e.TopicTemplate(env))
}

// PrincipalTemplate returns the template of env's ACL principal names (the part after the
// principal's type, "User:"): its own, else the default, else "{name}".
func (e *Environments) PrincipalTemplate(env string) NameTemplate {
	return firstTemplate(e.Names[env].Principals, e.Principals, "{name}")
}

// firstTemplate is the environment's own template, else the block's default, else fallback.
func firstTemplate(own, def string, fallback NameTemplate) NameTemplate {
	switch {
	case own != "":
		return NameTemplate(own)
	case def != "":
		return NameTemplate(def)
	}
	return fallback
}

// ExpectsDrift reports whether the topic config key is listed in expectedDrift.
func (e *Environments) ExpectsDrift(key string) bool {
	for _, k := range e.ExpectedDrift {
		if k == key {
			return true
		}
	}
	return false
}

// NameTemplate maps a logical name to an environment's name: "{env}.{name}", "{name}-v2",
// "{name}" (identity).
type NameTemplate string

// check reports what is wrong with the template, or nil.
func (t NameTemplate) check() error {
	s := string(t)
	if strings.Count(s, "{name}") != 1 {
		return fmt.Errorf("template %q must hold {name} exactly once", s)
	}
	rest := strings.ReplaceAll(strings.ReplaceAll(s, "{name}", ""), "{env}", "")
	if strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("template %q may hold only {name} and {env} in braces", s)
	}
	return nil
}

// Name returns env's name for the logical name.
func (t NameTemplate) Name(env, logical string) string {
	return strings.ReplaceAll(strings.Replace(string(t), "{name}", logical, 1), "{env}", env)
}

// Logical returns the logical name of env's name, and false when the template does not match
// it (the name is unmapped) or would leave it empty.
func (t NameTemplate) Logical(env, name string) (string, bool) {
	pre, suf, _ := strings.Cut(string(t), "{name}")
	pre, suf = strings.ReplaceAll(pre, "{env}", env), strings.ReplaceAll(suf, "{env}", env)
	if len(name) <= len(pre)+len(suf) || !strings.HasPrefix(name, pre) || !strings.HasSuffix(name, suf) {
		return "", false
	}
	return name[len(pre) : len(name)-len(suf)], true
}

// validateEnvironments checks the environments: block against the clusters.
func (s *Site) validateEnvironments() []error {
	e := s.Environments
	if e == nil {
		return nil
	}
	var errs []error
	if len(e.Order) == 0 {
		errs = append(errs, fmt.Errorf("line %d: environments: order must list at least one environment, first to last (e.g. [dev, staging, prod])", e.Line))
	}
	clusters := map[string][]Cluster{}
	for _, c := range s.Clusters {
		clusters[c.Environment] = append(clusters[c.Environment], c)
	}
	seen := map[string]int{}
	for i, env := range e.Order {
		line := e.Line
		if i < len(e.OrderLines) {
			line = e.OrderLines[i]
		}
		at := fmt.Sprintf("line %d: environments: order[%d]", line, i)
		switch cs := clusters[env]; {
		case strings.TrimSpace(env) == "":
			errs = append(errs, fmt.Errorf("%s: an environment needs a name", at))
			continue
		case seen[env] != 0:
			errs = append(errs, fmt.Errorf("%s: %q is already listed on line %d", at, env, seen[env]))
		case len(cs) == 0:
			errs = append(errs, fmt.Errorf("%s: no cluster has environment: %s", at, env))
		case len(cs) > 1:
			var lines []string
			for _, c := range cs {
				lines = append(lines, fmt.Sprintf("%q (line %d)", c.Name, c.Line))
			}
			errs = append(errs, fmt.Errorf("%s: environment %q has %d clusters, %s: compare needs exactly one per environment",
				at, env, len(cs), strings.Join(lines, ", ")))
		}
		seen[env] = line
	}
	checkTemplate := func(key, t string) {
		if t == "" {
			return
		}
		if err := NameTemplate(t).check(); err != nil {
			errs = append(errs, fmt.Errorf("line %d: environments: %s: %w", cmpLine(e.templateLines[key], e.Line), key, err))
		}
	}
	checkTemplate("topics", e.Topics)
	checkTemplate("subjects", e.Subjects)
	checkTemplate("clients", e.Clients)
	checkTemplate("principals", e.Principals)
	for _, env := range slices.Sorted(maps.Keys(e.Names)) {
		n := e.Names[env]
		if seen[env] == 0 {
			errs = append(errs, fmt.Errorf("line %d: environments: names: %q is not in environments.order", cmpLine(n.Line, e.Line), env))
		}
		checkTemplate("names."+env+".topics", n.Topics)
		checkTemplate("names."+env+".subjects", n.Subjects)
		checkTemplate("names."+env+".clients", n.Clients)
		checkTemplate("names."+env+".principals", n.Principals)
	}
	for _, k := range e.ExpectedDrift {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, fmt.Errorf("line %d: environments: expectedDrift: an entry is empty", e.Line))
		}
	}
	return errs
}

func cmpLine(line, fallback int) int {
	if line > 0 {
		return line
	}
	return fallback
}
