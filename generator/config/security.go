package config

// The security: block of a cluster: how kdocs connects to its brokers (Kafka's
// security.protocol), with SASL credentials and TLS files. The password comes from the
// environment through ${VAR} only, so site.yaml can be committed; it lives only in memory, and
// every printed form of these types (fmt, slog, JSON) leaves it out. TLS files are checked when
// connecting, not here, so that a site can be built on a machine without them.

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// The values of security.protocol and security.sasl.mechanism.
const (
	ProtocolPlaintext     = "PLAINTEXT"
	ProtocolSSL           = "SSL"
	ProtocolSASLPlaintext = "SASL_PLAINTEXT"
	ProtocolSASLSSL       = "SASL_SSL"

	MechanismPlain       = "PLAIN"
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismSCRAMSHA512 = "SCRAM-SHA-512"
)

var (
	protocols  = []string{ProtocolPlaintext, ProtocolSSL, ProtocolSASLPlaintext, ProtocolSASLSSL}
	mechanisms = []string{MechanismPlain, MechanismSCRAMSHA256, MechanismSCRAMSHA512}
)

// Security is how kdocs connects to a cluster's brokers. A cluster without the block, or with
// an empty protocol, uses PLAINTEXT.
type Security struct {
	// Protocol is PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, as Kafka clients spell it.
	Protocol string `yaml:"protocol"`
	// SASL is required by the SASL_* protocols and refused by the others.
	SASL *SASL `yaml:"sasl"`
	// TLS tunes the SSL and SASL_SSL protocols (optional: without it the system's CAs verify
	// the brokers).
	TLS *TLS `yaml:"tls"`

	Line int `yaml:"-"`
}

// SASL is the mechanism and credentials of SASL authentication.
type SASL struct {
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	// Password is only ever given as ${VAR} in site.yaml.
	Password string `yaml:"password" json:"-"`

	Line int `yaml:"-"`
}

// TLS holds the files of a TLS connection. Relative paths are resolved against site.yaml's
// directory by Load.
type TLS struct {
	// CAFile is a PEM bundle of the CAs that sign the brokers' certificates (default: the
	// system's).
	CAFile string `yaml:"caFile"`
	// CertFile and KeyFile, both or neither, are kdocs' client certificate (mutual TLS).
	CertFile string `yaml:"certFile"`
	KeyFile  string `yaml:"keyFile"`
	// InsecureSkipVerify accepts any broker certificate. Only an explicit true turns it on,
	// and a warning says so on every snapshot.
	InsecureSkipVerify bool `yaml:"insecureSkipVerify"`

	Line int `yaml:"-"`
}

var (
	securityKeys = map[string]bool{"protocol": true, "sasl": true, "tls": true}
	saslKeys     = map[string]bool{"mechanism": true, "username": true, "password": true}
	tlsKeys      = map[string]bool{"caFile": true, "certFile": true, "keyFile": true, "insecureSkipVerify": true}
)

// UnmarshalYAML records the block's line and checks its keys (a custom unmarshaler does not
// inherit Parse's strict decoding). Protocol is normalised to upper case, PLAINTEXT if empty.
func (s *Security) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "security", "a mapping with protocol, sasl and tls", securityKeys); err != nil {
		return err
	}
	type fields Security // without this method, so Decode does not recurse
	if err := n.Decode((*fields)(s)); err != nil {
		return err
	}
	s.Line = n.Line
	s.Protocol = strings.ToUpper(strings.TrimSpace(s.Protocol))
	if s.Protocol == "" {
		s.Protocol = ProtocolPlaintext
	}
	return nil
}

// UnmarshalYAML records the block's line and checks its keys; the mechanism is normalised to
// upper case.
func (s *SASL) UnmarshalYAML(n *yaml.Node) error {
	// The message does not echo the value: it may be a password.
	if err := checkKeys(n, "security.sasl", "a mapping with mechanism, username and password", saslKeys); err != nil {
		return err
	}
	type fields SASL
	if err := n.Decode((*fields)(s)); err != nil {
		return err
	}
	s.Line = n.Line
	s.Mechanism = strings.ToUpper(strings.TrimSpace(s.Mechanism))
	return nil
}

// UnmarshalYAML records the block's line and checks its keys.
func (t *TLS) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "security.tls", "a mapping with caFile, certFile, keyFile and insecureSkipVerify", tlsKeys); err != nil {
		return err
	}
	type fields TLS
	if err := n.Decode((*fields)(t)); err != nil {
		return err
	}
	t.Line = n.Line
	return nil
}

func checkKeys(n *yaml.Node, block, want string, keys map[string]bool) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: %s: want %s", n.Line, block, want)
	}
	var unknown []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !keys[k.Value] {
			unknown = append(unknown, fmt.Sprintf("line %d: unknown key %q", k.Line, k.Value))
		}
	}
	if len(unknown) > 0 {
		return &yaml.TypeError{Errors: unknown}
	}
	return nil
}

// UsesTLS reports whether the protocol wraps connections in TLS.
func (s *Security) UsesTLS() bool {
	return s != nil && (s.Protocol == ProtocolSSL || s.Protocol == ProtocolSASLSSL)
}

// UsesSASL reports whether the protocol authenticates with SASL.
func (s *Security) UsesSASL() bool {
	return s != nil && (s.Protocol == ProtocolSASLPlaintext || s.Protocol == ProtocolSASLSSL)
}

// validate returns one error per problem, each naming its line. No error quotes a password.
func (s *Security) validate(cluster string, clusterLine int) []error {
	var errs []error
	add := func(line int, format string, args ...any) {
		if line == 0 {
			line = clusterLine
		}
		errs = append(errs, fmt.Errorf("line %d: cluster %q: security"+format, append([]any{line, cluster}, args...)...))
	}
	if !oneOf(s.Protocol, protocols) {
		add(s.Line, ".protocol %q: want one of %s", s.Protocol, strings.Join(protocols, ", "))
		return errs
	}
	switch {
	case s.UsesSASL() && s.SASL == nil:
		add(s.Line, ": protocol %s needs a sasl block with mechanism, username and password", s.Protocol)
	case !s.UsesSASL() && s.SASL != nil:
		add(s.SASL.Line, ".sasl is given but protocol %s does not authenticate with SASL (use SASL_SSL or SASL_PLAINTEXT)", s.Protocol)
	case s.SASL != nil:
		a := s.SASL
		switch {
		case a.Mechanism == "":
			add(a.Line, ".sasl.mechanism is required: one of %s", strings.Join(mechanisms, ", "))
		case !oneOf(a.Mechanism, mechanisms):
			add(a.Line, ".sasl.mechanism %q: want one of %s", a.Mechanism, strings.Join(mechanisms, ", "))
		}
		if a.Username == "" {
			add(a.Line, ".sasl.username is required (is its environment variable empty?)")
		}
		if a.Password == "" {
			add(a.Line, ".sasl.password is required, as ${VAR} (is the variable empty?)")
		}
	}
	if s.TLS != nil {
		t := s.TLS
		if !s.UsesTLS() {
			add(t.Line, ".tls is given but protocol %s does not use TLS (use SSL or SASL_SSL)", s.Protocol)
		}
		if (t.CertFile == "") != (t.KeyFile == "") {
			add(t.Line, ".tls: give certFile and keyFile together (mutual TLS) or neither")
		}
	}
	return errs
}

// warnings are settings that work but weaken the connection, for the log of every snapshot.
func (s *Security) warnings(cluster string) []string {
	var out []string
	if s.TLS != nil && s.TLS.InsecureSkipVerify && s.UsesTLS() {
		out = append(out, fmt.Sprintf("line %d: cluster %q: security.tls.insecureSkipVerify is true: the brokers' certificates are not verified, so anyone on the network path can pose as them", s.TLS.Line, cluster))
	}
	if s.Protocol == ProtocolSASLPlaintext && s.SASL != nil && s.SASL.Mechanism == MechanismPlain {
		out = append(out, fmt.Sprintf("line %d: cluster %q: SASL PLAIN over SASL_PLAINTEXT sends the password unencrypted; prefer SASL_SSL or SCRAM", s.SASL.Line, cluster))
	}
	return out
}

// Warnings lists the cluster's settings that work but weaken its security, each with its line;
// the collector logs them on every snapshot.
func (c Cluster) Warnings() []string {
	if c.Security == nil {
		return nil
	}
	return c.Security.warnings(c.Name)
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// secretRE is the only form a secret may take in site.yaml: one environment variable.
var secretRE = regexp.MustCompile(`^\$\{[A-Za-z_][A-Za-z0-9_]*\}$`)

// literalSecrets finds clusters[*].security.sasl.password values written out in site.yaml
// rather than taken from the environment. It runs before interpolation, on the raw values, and
// its errors name the line only.
func literalSecrets(root *yaml.Node) []error {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	clusters := mappingValue(doc, "clusters")
	if clusters == nil || clusters.Kind != yaml.SequenceNode {
		return nil
	}
	var errs []error
	for _, c := range clusters.Content {
		p := mappingValue(mappingValue(mappingValue(c, "security"), "sasl"), "password")
		if p != nil && p.Kind == yaml.ScalarNode && !secretRE.MatchString(strings.TrimSpace(p.Value)) {
			errs = append(errs, fmt.Errorf("line %d: security.sasl.password must come from the environment, written as ${VAR} (e.g. \"${KAFKA_PASSWORD}\"): site.yaml is no place for a secret", p.Line))
		}
	}
	return errs
}

// mappingValue returns the value of key in mapping m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// String shows the protocol and, with SASL, the mechanism and user: never the password, so
// that printing a Security (or a Cluster holding one) with %v or %+v shows no secret.
func (s Security) String() string {
	if s.SASL == nil {
		return s.Protocol
	}
	return s.Protocol + " " + s.SASL.String()
}

// GoString does the same for %#v.
func (s Security) GoString() string { return fmt.Sprintf("config.Security{%s}", s.String()) }

// LogValue keeps the password out of structured logs.
func (s Security) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("protocol", s.Protocol)}
	if s.SASL != nil {
		attrs = append(attrs, slog.String("mechanism", s.SASL.Mechanism), slog.String("username", s.SASL.Username))
	}
	return slog.GroupValue(attrs...)
}

// String is the mechanism and user, never the password.
func (a SASL) String() string { return fmt.Sprintf("%s as %q", a.Mechanism, a.Username) }

// GoString does the same for %#v.
func (a SASL) GoString() string {
	return fmt.Sprintf("config.SASL{Mechanism: %q, Username: %q}", a.Mechanism, a.Username)
}

// LogValue keeps the password out of structured logs.
func (a SASL) LogValue() slog.Value {
	return slog.GroupValue(slog.String("mechanism", a.Mechanism), slog.String("username", a.Username))
}
