package config

// Declared facts about the estate that kdocs does not collect: the Kafka Connect clusters and
// ksqlDB servers beside a cluster (connect:, ksqldb: in a cluster), and replication between
// clusters (replication: at the top level). They are drawn on the site as declared; kdocs never
// connects to them. Nothing here may hold a secret, since it is published: a URL with a
// user:password@ is refused.

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Service is a declared Kafka Connect cluster or ksqlDB server.
type Service struct {
	Name string `yaml:"name"`
	// URL is its REST endpoint, shown on the site (optional).
	URL string `yaml:"url"`
	// Line is where the entry starts in site.yaml.
	Line int `yaml:"-"`
}

// Replication modes.
const (
	// ActivePassive copies From's topics to To.
	ActivePassive = "active-passive"
	// ActiveActive copies both ways: From to To and To to From.
	ActiveActive = "active-active"
)

// Replication is a declared MirrorMaker 2 (or similar) flow between two clusters of site.yaml.
type Replication struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
	// Topics is a regular expression of the topics replicated (default ".*": all).
	Topics string `yaml:"topics"`
	// Mode is ActivePassive (default) or ActiveActive.
	Mode string `yaml:"mode"`
	// Line is where the entry starts in site.yaml.
	Line int `yaml:"-"`
}

// UnmarshalYAML decodes an entry, records its line and refuses unknown keys (a custom
// unmarshaler does not inherit Parse's strict decoding).
func (s *Service) UnmarshalYAML(n *yaml.Node) error {
	if err := knownKeys(n, "a mapping with name and url", "name", "url"); err != nil {
		return err
	}
	type fields Service // without this method, so Decode does not recurse
	if err := n.Decode((*fields)(s)); err != nil {
		return err
	}
	s.Line = n.Line
	return nil
}

// UnmarshalYAML decodes an entry, records its line, refuses unknown keys and applies defaults.
func (r *Replication) UnmarshalYAML(n *yaml.Node) error {
	if err := knownKeys(n, "a mapping with from, to, topics and mode", "from", "to", "topics", "mode"); err != nil {
		return err
	}
	type fields Replication
	if err := n.Decode((*fields)(r)); err != nil {
		return err
	}
	r.Line = n.Line
	if r.Topics == "" {
		r.Topics = ".*"
	}
	if r.Mode == "" {
		r.Mode = ActivePassive
	}
	return nil
}

func knownKeys(n *yaml.Node, want string, keys ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want %s", n.Line, want)
	}
	var unknown []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		known := false
		for _, key := range keys {
			known = known || k.Value == key
		}
		if !known {
			unknown = append(unknown, fmt.Sprintf("line %d: unknown key %q", k.Line, k.Value))
		}
	}
	if len(unknown) > 0 {
		return &yaml.TypeError{Errors: unknown}
	}
	return nil
}

// validateServices checks a cluster's connect: or ksqldb: list (key names the list).
func validateServices(cluster, key string, list []Service) []error {
	var errs []error
	seen := map[string]int{}
	for i, s := range list {
		at := fmt.Sprintf("line %d: cluster %q: %s[%d]", s.Line, cluster, key, i)
		switch {
		case strings.TrimSpace(s.Name) == "":
			errs = append(errs, fmt.Errorf("%s: name is required", at))
		case seen[s.Name] != 0:
			errs = append(errs, fmt.Errorf("%s: name %q already used on line %d", at, s.Name, seen[s.Name]))
		default:
			seen[s.Name] = s.Line
		}
		if s.URL != "" {
			errs = append(errs, checkServiceURL(at, s.URL)...)
		}
	}
	return errs
}

func checkServiceURL(at, raw string) []error {
	u, err := url.Parse(raw)
	switch {
	case err != nil && strings.Contains(raw, "@"):
		return []error{fmt.Errorf("%s: url is not a valid URL", at)} // not echoed: may hold a password
	case err != nil:
		return []error{fmt.Errorf("%s: url %q is not a valid URL", at, raw)}
	case u.User != nil:
		return []error{fmt.Errorf("%s: url must not hold credentials: it is published on the site", at)}
	case u.Scheme != "http" && u.Scheme != "https":
		return []error{fmt.Errorf("%s: url %q must start with http:// or https://", at, raw)}
	case u.Host == "":
		return []error{fmt.Errorf("%s: url %q has no host", at, raw)}
	}
	return nil
}

// validateReplication checks the top-level replication: list against the clusters.
func (s *Site) validateReplication() []error {
	clusters := map[string]bool{}
	for _, c := range s.Clusters {
		clusters[c.Name] = true
	}
	var errs []error
	for i, r := range s.Replication {
		at := fmt.Sprintf("line %d: replication[%d]", r.Line, i)
		for _, end := range []struct{ key, name string }{{"from", r.From}, {"to", r.To}} {
			switch {
			case end.name == "":
				errs = append(errs, fmt.Errorf("%s: %s is required", at, end.key))
			case !clusters[end.name]:
				errs = append(errs, fmt.Errorf("%s: %s %q is not a cluster of this file", at, end.key, end.name))
			}
		}
		if r.From != "" && r.From == r.To {
			errs = append(errs, fmt.Errorf("%s: from and to are the same cluster %q", at, r.From))
		}
		if _, err := regexp.Compile(r.Topics); err != nil {
			errs = append(errs, fmt.Errorf("%s: topics %q is not a regular expression: %v", at, r.Topics, err))
		}
		if r.Mode != ActivePassive && r.Mode != ActiveActive {
			errs = append(errs, fmt.Errorf("%s: mode %q must be %s or %s", at, r.Mode, ActivePassive, ActiveActive))
		}
	}
	return errs
}
