// Package config loads site.yaml: the site's settings and the clusters it documents.
// Every error names the file and, where the YAML has one, the line.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Site is a loaded, validated site.yaml. Paths are resolved against the file's directory.
type Site struct {
	Title   string `yaml:"title"`
	BaseURL string `yaml:"baseURL"`
	// Output is where the built site is written (default public/).
	Output string `yaml:"output"`
	// Snapshots is where `kdocs snapshot` writes and `kdocs build` reads (default snapshots/).
	Snapshots string `yaml:"snapshots"`
	// Content holds hand-written Markdown pages (default content/).
	Content  string    `yaml:"content"`
	Clusters []Cluster `yaml:"clusters"`
	// Replication declares replication flows between the clusters (see estate.go).
	Replication []Replication `yaml:"replication"`
	// History keeps past snapshots for the changes pages (see history.go).
	History History `yaml:"history"`
	// Activity tunes the activity pages read from the history (see activity.go).
	Activity Activity `yaml:"activity"`
	// CSS lists the site's own stylesheets (see css.go).
	CSS []CSSFile `yaml:"css"`
	// Print publishes the print view (print/index.html, and print/<cluster>.html when there
	// is more than one cluster) with the site. Off by default: a large estate's book is as
	// large as the site, and `kdocs pdf` renders its own when the site has none.
	Print bool `yaml:"print"`
	// PublishSnapshots says how the build publishes each cluster's snapshot: "gzip" (the
	// default, snapshots/<cluster>.json.gz), "json" (uncompressed, as before) or "none".
	PublishSnapshots string `yaml:"publishSnapshots"`
	// Environments compares the clusters' environments (see environments.go); nil: no comparison.
	Environments *Environments `yaml:"environments"`
	// PDF configures `kdocs pdf` (see pdf.go).
	PDF PDF `yaml:"pdf"`

	// Path is the file this was loaded from; Dir its directory.
	Path string `yaml:"-"`
	Dir  string `yaml:"-"`
}

// Cluster is one Kafka cluster: live (Bootstrap) or replayed from a snapshot file (Snapshot).
type Cluster struct {
	Name           string    `yaml:"name"`
	Environment    string    `yaml:"environment"`
	Bootstrap      []string  `yaml:"bootstrap"`
	Snapshot       string    `yaml:"snapshot"`
	SchemaRegistry *Registry `yaml:"schemaRegistry"`
	// Security is how kdocs connects to the brokers (nil: PLAINTEXT); see security.go.
	Security *Security `yaml:"security"`
	// Timeout bounds each request to the cluster (default 10s).
	Timeout Duration `yaml:"timeout"`
	// DialTimeout bounds connecting to one broker: the TCP dial and the API version handshake
	// that follows it (default 5s). A broker that accepts connections but never answers costs
	// this, not Timeout, per connection.
	DialTimeout Duration `yaml:"dialTimeout"`
	// ExpectedBrokers is how many brokers the cluster should have (optional, 0 = unchecked).
	// Recorded in the snapshot; fewer brokers make the cluster degraded, none down.
	ExpectedBrokers int `yaml:"expectedBrokers"`
	// QuorumMaxLag is how many records of the metadata log a KRaft voter may be behind the
	// leader before the cluster is degraded (optional, 0 = the default, 1000). Recorded in the
	// snapshot.
	QuorumMaxLag int64 `yaml:"quorumMaxLag"`
	// Connect lists the Kafka Connect clusters that work with the cluster: collected when they
	// have a url (see connect.go). KsqlDB declares ksqlDB servers, for the architecture diagram
	// (see estate.go); kdocs does not contact them.
	Connect []Connect `yaml:"connect"`
	KsqlDB  []Service `yaml:"ksqldb"`
	// SubjectNameStrategy and Topics say how topics name their schema subjects (schemas.go).
	SubjectNameStrategy Strategy       `yaml:"subjectNameStrategy"`
	Topics              TopicSchemaMap `yaml:"topics"`
	// Annotations annotate the cluster's topics and groups in site.yaml (see annotations.go).
	Annotations *Annotations `yaml:"annotations"`
	// Sample reads the latest records of each partition for the schema ids in use (sample.go);
	// nil (the default) reads no records.
	Sample *Sample `yaml:"sample"`
	// RequireDeclaredWriters makes kdocs build exit 3 while the cluster has writers (transactional
	// ids, principals allowed to write, source connectors) that no topic annotation declares.
	RequireDeclaredWriters bool `yaml:"requireDeclaredWriters"`

	Line int `yaml:"-"`
}

// Defaults of a cluster's timeouts, applied by Parse and by collectors given a zero value.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultDialTimeout = 5 * time.Second
)

// Duration is a time.Duration written as "10s" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 10s or 1m30s", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Live reports whether the cluster is read from brokers rather than from a snapshot file.
func (c Cluster) Live() bool { return len(c.Bootstrap) > 0 }

// SnapshotPath is the file the cluster's snapshot is read from when building: the declared
// replay file, or <snapshots>/<name>.json for live clusters.
func (s *Site) SnapshotPath(c Cluster) string {
	if c.Snapshot != "" {
		return c.Snapshot
	}
	return filepath.Join(s.Snapshots, c.Name+".json")
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// Load reads, interpolates and validates a site.yaml.
func Load(path string) (*Site, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	s, err := Parse(data, os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.Path = abs
	s.Dir = filepath.Dir(abs)
	for _, p := range []*string{&s.Output, &s.Snapshots, &s.Content} {
		*p = s.resolve(*p)
	}
	if err := s.resolveCSS(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range s.Clusters {
		c := &s.Clusters[i]
		if c.Snapshot != "" {
			c.Snapshot = s.resolve(c.Snapshot)
		}
		if c.Security != nil && c.Security.TLS != nil {
			for _, p := range []*string{&c.Security.TLS.CAFile, &c.Security.TLS.CertFile, &c.Security.TLS.KeyFile} {
				if *p != "" {
					*p = s.resolve(*p)
				}
			}
		}
		for j := range c.Connect {
			if t := c.Connect[j].TLS; t != nil {
				for _, p := range []*string{&t.CAFile, &t.CertFile, &t.KeyFile} {
					if *p != "" {
						*p = s.resolve(*p)
					}
				}
			}
		}
	}
	return s, nil
}

func (s *Site) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.Dir, p)
}

// Parse decodes site.yaml bytes. lookup resolves ${VAR} references; an unset variable is an
// error naming it and its line, never a silent empty password.
func Parse(data []byte, lookup func(string) (string, bool)) (*Site, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, cleanYAMLError(err)
	}
	if len(root.Content) == 0 {
		return nil, errors.New("empty file: want at least a title and one cluster")
	}
	// Before interpolation: afterwards a password from the environment looks like any other.
	if errs := literalSecrets(&root); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := interpolate(&root, lookup); err != nil {
		return nil, err
	}
	var s Site
	if err := root.Decode(&s); err != nil {
		return nil, cleanYAMLError(err)
	}
	// A Node cannot decode strictly, so a second strict pass over the raw bytes finds unknown
	// keys (with their lines); its value errors were already reported above.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var strict Site
	if err := dec.Decode(&strict); err != nil && !errors.Is(err, io.EOF) {
		if msg := unknownFieldMessage(err.Error()); msg != "" {
			return nil, errors.New(msg)
		}
	}
	clusters := clusterLines(&root)
	for i := range s.Clusters {
		if i < len(clusters) {
			s.Clusters[i].Line = clusters[i]
		}
	}
	s.Activity.line = activityLine(&root)
	s.defaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func (s *Site) defaults() {
	if s.Output == "" {
		s.Output = "public"
	}
	if s.Snapshots == "" {
		s.Snapshots = "snapshots"
	}
	if s.Content == "" {
		s.Content = "content"
	}
	if s.BaseURL == "" {
		s.BaseURL = "/"
	}
	for i := range s.Clusters {
		if s.Clusters[i].Timeout == 0 {
			s.Clusters[i].Timeout = Duration(DefaultTimeout)
		}
		if s.Clusters[i].DialTimeout == 0 {
			s.Clusters[i].DialTimeout = Duration(DefaultDialTimeout)
		}
	}
}

func (s *Site) validate() error {
	var errs []error
	if strings.TrimSpace(s.Title) == "" {
		errs = append(errs, errors.New("title: required"))
	}
	if len(s.Clusters) == 0 {
		errs = append(errs, errors.New("clusters: at least one cluster is required"))
	}
	if err := s.History.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := s.validateActivity(); err != nil {
		errs = append(errs, err)
	}
	switch s.PublishSnapshots {
	case "", "gzip", "json", "none":
	default:
		errs = append(errs, fmt.Errorf("publishSnapshots: %q: want gzip (the default), json or none", s.PublishSnapshots))
	}
	seen := map[string]int{}
	for _, c := range s.Clusters {
		at := fmt.Sprintf("line %d: cluster %q", c.Line, c.Name)
		switch {
		case c.Name == "":
			errs = append(errs, fmt.Errorf("line %d: cluster: name is required", c.Line))
		case !nameRE.MatchString(c.Name):
			errs = append(errs, fmt.Errorf("%s: name may hold only letters, digits, '.', '_' and '-'", at))
		}
		if prev, dup := seen[c.Name]; dup && c.Name != "" {
			errs = append(errs, fmt.Errorf("%s: name already used by the cluster on line %d", at, prev))
		}
		seen[c.Name] = c.Line
		if c.Live() == (c.Snapshot != "") {
			errs = append(errs, fmt.Errorf("%s: give either bootstrap (live) or snapshot (replay), not both or neither", at))
		}
		for _, b := range c.Bootstrap {
			if _, _, ok := strings.Cut(b, ":"); !ok {
				errs = append(errs, fmt.Errorf("%s: bootstrap server %q needs host:port", at, b))
			}
		}
		if c.Timeout < 0 {
			errs = append(errs, fmt.Errorf("%s: timeout %s must be positive", at, time.Duration(c.Timeout)))
		}
		if c.DialTimeout < 0 {
			errs = append(errs, fmt.Errorf("%s: dialTimeout %s must be positive", at, time.Duration(c.DialTimeout)))
		}
		if c.ExpectedBrokers < 0 {
			errs = append(errs, fmt.Errorf("%s: expectedBrokers %d must be zero (unchecked) or more", at, c.ExpectedBrokers))
		}
		if c.QuorumMaxLag < 0 {
			errs = append(errs, fmt.Errorf("%s: quorumMaxLag %d must be zero (the default, 1000) or more", at, c.QuorumMaxLag))
		}
		if c.SchemaRegistry != nil {
			errs = append(errs, c.SchemaRegistry.validate(c.Name, c.Line)...)
		}
		if c.Security != nil {
			errs = append(errs, c.Security.validate(c.Name, c.Line)...)
		}
		errs = append(errs, validateConnect(c.Name, c.Connect)...)
		errs = append(errs, validateServices(c.Name, "ksqldb", c.KsqlDB)...)
		errs = append(errs, c.validateSchemas()...)
		errs = append(errs, c.Annotations.validate(c.Name)...)
		errs = append(errs, c.Sample.validate(c.Name)...)
	}
	errs = append(errs, s.validateReplication()...)
	errs = append(errs, s.validateEnvironments()...)
	return errors.Join(errs...)
}

var envRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

func interpolate(n *yaml.Node, lookup func(string) (string, bool)) error {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		var missing []string
		n.Value = envRE.ReplaceAllStringFunc(n.Value, func(m string) string {
			name := envRE.FindStringSubmatch(m)[1]
			v, ok := lookup(name)
			if !ok {
				missing = append(missing, name)
			}
			return v
		})
		if len(missing) > 0 {
			return fmt.Errorf("line %d: environment variable %s is not set", n.Line, strings.Join(missing, ", "))
		}
		// An interpolated value is a string, whatever it looks like.
		n.Tag = "!!str"
	}
	for _, c := range n.Content {
		if err := interpolate(c, lookup); err != nil {
			return err
		}
	}
	return nil
}

// clusterLines returns the line of each item of the top-level clusters list.
func clusterLines(root *yaml.Node) []int {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "clusters" {
			var lines []int
			for _, item := range doc.Content[i+1].Content {
				lines = append(lines, item.Line)
			}
			return lines
		}
	}
	return nil
}

func cleanYAMLError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	return errors.New(msg)
}

// unknownFieldMessage keeps only yaml.v3's unknown-field errors, "line 4: field colour not
// found in type config.Site", as "line 4: unknown key "colour"".
func unknownFieldMessage(msg string) string {
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if before, after, ok := strings.Cut(l, ": field "); ok {
			if key, _, ok := strings.Cut(after, " not found"); ok {
				lines = append(lines, fmt.Sprintf("%s: unknown key %q", before, key))
			}
		}
	}
	return strings.Join(lines, "\n")
}
