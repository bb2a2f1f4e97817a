package config

// The schemaRegistry: block of a cluster: where its Schema Registry is, how kdocs authenticates
// to it, and how hard kdocs may ask it. Credentials come from the environment through ${VAR};
// they live only in memory, and every printed form of a Registry (fmt, slog, JSON) leaves them
// out.

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults and bounds of a registry's settings, applied when loading and by the collector when
// given a zero value.
const (
	DefaultRegistryConcurrency = 8
	// MaxRegistryConcurrency keeps one kdocs run from flooding a registry shared with producers.
	MaxRegistryConcurrency = 64
)

// Registry is a Schema Registry serving the cluster's schemas.
type Registry struct {
	// URL is stored without userinfo: a user:password@ in site.yaml is moved into Username and
	// Password when loading, so the URL can be printed and recorded in snapshots.
	URL string `yaml:"url"`
	// Username and Password authenticate with HTTP basic auth, Token with a bearer token: one
	// kind or neither.
	Username string `yaml:"username" json:"-"`
	Password string `yaml:"password" json:"-"`
	Token    string `yaml:"token" json:"-"`
	// Timeout bounds each request attempt (default 10s).
	Timeout Duration `yaml:"timeout"`
	// Concurrency bounds the requests in flight to the registry (default 8).
	Concurrency int `yaml:"concurrency"`

	// Line is where the schemaRegistry block starts in site.yaml.
	Line int `yaml:"-"`
	// credentialsTwice: the URL held userinfo and username, password or token were given too.
	credentialsTwice bool
}

var registryKeys = map[string]bool{"url": true, "username": true, "password": true, "token": true, "timeout": true, "concurrency": true}

// UnmarshalYAML decodes the block, records its line, moves a URL's userinfo into the
// credentials and applies the defaults. It checks unknown keys itself: a custom unmarshaler
// does not inherit the strict decoding that Parse uses for the rest of the file.
func (r *Registry) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		// The value is not echoed: it may be a URL with a password in it.
		return fmt.Errorf("line %d: schemaRegistry: want a mapping with url and optionally username and password, or token", n.Line)
	}
	var unknown []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !registryKeys[k.Value] {
			unknown = append(unknown, fmt.Sprintf("line %d: unknown key %q", k.Line, k.Value))
		}
	}
	if len(unknown) > 0 {
		return &yaml.TypeError{Errors: unknown}
	}
	type fields Registry // without this method, so Decode does not recurse
	if err := n.Decode((*fields)(r)); err != nil {
		return err
	}
	r.Line = n.Line
	if u, err := url.Parse(r.URL); err == nil && u.User != nil {
		if r.Username != "" || r.Password != "" || r.Token != "" {
			r.credentialsTwice = true
		} else {
			r.Username = u.User.Username()
			r.Password, _ = u.User.Password()
		}
		u.User = nil
		r.URL = u.String()
	}
	if r.Timeout == 0 {
		r.Timeout = Duration(DefaultTimeout)
	}
	if r.Concurrency == 0 {
		r.Concurrency = DefaultRegistryConcurrency
	}
	return nil
}

// validate returns one error per problem, each naming the line of the block. No error quotes a
// credential.
func (r *Registry) validate(cluster string, clusterLine int) []error {
	line := r.Line
	if line == 0 {
		line = clusterLine
	}
	at := fmt.Sprintf("line %d: cluster %q: schemaRegistry", line, cluster)
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s"+format, append([]any{at}, args...)...))
	}

	switch u, err := url.Parse(r.URL); {
	case r.URL == "":
		add(".url is required")
	case err != nil && strings.Contains(r.URL, "@"):
		// Unparsable, so its userinfo could not be removed: do not print it.
		add(".url is not a valid URL")
	case !strings.HasPrefix(r.URL, "http://") && !strings.HasPrefix(r.URL, "https://"):
		add(".url %q must start with http:// or https://", r.URL)
	case err != nil:
		add(".url %q is not a valid URL: %v", r.URL, err.(*url.Error).Err)
	case u.Host == "":
		add(".url %q has no host", r.URL)
	}

	switch basic := r.Username != "" || r.Password != ""; {
	case r.credentialsTwice:
		add(": give credentials either in the url or as username and password or token, not both")
	case basic && r.Token != "":
		add(": give either username and password (basic auth) or token (bearer), not both")
	case r.Username != "" && r.Password == "":
		add(".username needs a password (is its environment variable empty?)")
	case r.Password != "" && r.Username == "":
		add(".password needs a username")
	}
	if r.Timeout < 0 {
		add(".timeout %s must be positive", time.Duration(r.Timeout))
	}
	if r.Concurrency < 0 || r.Concurrency > MaxRegistryConcurrency {
		add(".concurrency %d must be between 1 and %d", r.Concurrency, MaxRegistryConcurrency)
	}
	return errs
}

// Auth names the kind of credentials: "basic", "bearer" or "none". Never the credentials.
func (r Registry) Auth() string {
	switch {
	case r.Token != "":
		return "bearer"
	case r.Username != "" || r.Password != "":
		return "basic"
	}
	return "none"
}

// String is the URL and the kind of credentials, so that printing a Registry (or a Cluster
// holding one) with %v or %+v shows no secret.
func (r Registry) String() string { return r.URL + " (auth: " + r.Auth() + ")" }

// GoString does the same for %#v.
func (r Registry) GoString() string {
	return fmt.Sprintf("config.Registry{URL: %q, Auth: %q}", r.URL, r.Auth())
}

// LogValue keeps the credentials out of structured logs.
func (r Registry) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", r.URL), slog.String("auth", r.Auth()))
}
