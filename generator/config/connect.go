package config

// A cluster's connect: list: the Kafka Connect clusters that work with it. An entry with a url
// is collected by `kdocs snapshot` over Connect's REST (connectors, tasks, topics, plugins); one
// without is only drawn, as declared. Credentials (basic auth, a bearer token, a TLS client
// certificate) come from the environment through ${VAR}; they live only in memory, and every
// printed form of a Connect (fmt, slog) leaves them out.

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults and bounds of a Connect cluster's settings.
const (
	DefaultConnectConcurrency = 4
	MaxConnectConcurrency     = 32
)

// Connect is one Kafka Connect cluster beside a Kafka cluster.
type Connect struct {
	Name string `yaml:"name"`
	// URL is the REST endpoint of any of its workers, without credentials. Empty: declared only.
	URL string `yaml:"url"`
	// Username and Password authenticate with HTTP basic auth, Token with a bearer token.
	Username string `yaml:"username" json:"-"`
	Password string `yaml:"password" json:"-"`
	Token    string `yaml:"token" json:"-"`
	// TLS: the CA of an https URL and a client certificate (mutual TLS); nil: the system's CAs.
	TLS *TLS `yaml:"tls"`
	// Timeout bounds each request (default 10s); Concurrency the requests in flight (default 4).
	Timeout     Duration `yaml:"timeout"`
	Concurrency int      `yaml:"concurrency"`

	Line int `yaml:"-"`
}

var connectKeys = map[string]bool{"name": true, "url": true, "username": true, "password": true, "token": true,
	"tls": true, "timeout": true, "concurrency": true}

// UnmarshalYAML decodes an entry, records its line, refuses unknown keys and applies defaults.
func (c *Connect) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "connect", "a mapping with name, url and optionally username and password, token, tls, timeout, concurrency", connectKeys); err != nil {
		return err
	}
	type fields Connect
	if err := n.Decode((*fields)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	if c.Timeout == 0 {
		c.Timeout = Duration(DefaultTimeout)
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConnectConcurrency
	}
	return nil
}

// Collected reports whether kdocs reads this Connect cluster (it has a URL).
func (c Connect) Collected() bool { return c.URL != "" }

// validateConnect checks a cluster's connect: list. No error quotes a credential.
func validateConnect(cluster string, list []Connect) []error {
	var errs []error
	seen := map[string]int{}
	for i, c := range list {
		at := fmt.Sprintf("line %d: cluster %q: connect[%d]", c.Line, cluster, i)
		add := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s"+format, append([]any{at}, args...)...))
		}
		switch {
		case strings.TrimSpace(c.Name) == "":
			add(": name is required")
		case !nameRE.MatchString(c.Name):
			add(": name %q may hold only letters, digits, '.', '_' and '-'", c.Name)
		case seen[c.Name] != 0:
			add(": name %q already used on line %d", c.Name, seen[c.Name])
		default:
			seen[c.Name] = c.Line
		}
		if c.URL != "" {
			errs = append(errs, checkServiceURL(at, c.URL)...)
		} else if c.Auth() != "none" || c.TLS != nil {
			add(": credentials or tls without a url: nothing to connect to")
		}
		switch basic := c.Username != "" || c.Password != ""; {
		case basic && c.Token != "":
			add(": give either username and password (basic auth) or token (bearer), not both")
		case c.Username != "" && c.Password == "":
			add(".username needs a password (is its environment variable empty?)")
		case c.Password != "" && c.Username == "":
			add(".password needs a username")
		}
		if c.TLS != nil && (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
			add(".tls: give certFile and keyFile together")
		}
		if c.Timeout < 0 {
			add(".timeout %s must be positive", time.Duration(c.Timeout))
		}
		if c.Concurrency < 0 || c.Concurrency > MaxConnectConcurrency {
			add(".concurrency %d must be between 1 and %d", c.Concurrency, MaxConnectConcurrency)
		}
	}
	return errs
}

// Auth names the kind of credentials: "basic", "bearer", "tls" (a client certificate only) or
// "none". Never the credentials.
func (c Connect) Auth() string {
	switch {
	case c.Token != "":
		return "bearer"
	case c.Username != "" || c.Password != "":
		return "basic"
	case c.TLS != nil && c.TLS.CertFile != "":
		return "tls"
	}
	return "none"
}

// String is the name, URL and kind of credentials: printing a Connect shows no secret.
func (c Connect) String() string { return c.Name + " " + c.URL + " (auth: " + c.Auth() + ")" }

// GoString does the same for %#v.
func (c Connect) GoString() string {
	return fmt.Sprintf("config.Connect{Name: %q, URL: %q, Auth: %q}", c.Name, c.URL, c.Auth())
}

// LogValue keeps the credentials out of structured logs.
func (c Connect) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", c.Name), slog.String("url", c.URL), slog.String("auth", c.Auth()))
}
