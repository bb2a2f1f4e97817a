package connect

// Secrets never leave Connect: a connector's config is redacted here, before it becomes a
// snapshot type. A key is secret when the plugin's own config definition gives it type PASSWORD
// (PUT /connector-plugins/{class}/config/validate), or when its name says so (nameIsSecret).
// A value made only of config-provider references (${file:/path:key}, ${vault:…}) names where
// the secret is, not the secret, and is kept as written. A URL's password is cut out of any
// value. Traces of failed tasks are scrubbed of every redacted value.

import (
	"regexp"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

var (
	// secretWords anywhere in a key make it secret.
	secretWords = []string{"password", "passwd", "secret", "token", "credential", "passphrase", "private.key", "privatekey", "apikey", "api.key"}
	// secretSuffixes at the end of a key make it secret.
	secretSuffixes = []string{"sasl.jaas.config", "user.info", "userinfo"}
	segmentRE      = regexp.MustCompile(`[._-]`)
	// refRE is one config-provider reference: ${provider:[path:]key}.
	refRE = regexp.MustCompile(`\$\{[A-Za-z0-9_.-]+:[^}]*\}`)
	// urlPasswordRE finds scheme://user:password@ in a value.
	urlPasswordRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/@:\s"']*):[^@/\s"']+@`)
)

// nameIsSecret reports whether a config key's name says it holds a secret: it contains one of
// secretWords, ends with one of secretSuffixes, or its last segment is "key" or "keys"
// (ssl.keystore.key, aws.access.key; not key.converter, key.ignore).
func nameIsSecret(key string) bool {
	k := strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	for _, s := range secretSuffixes {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	parts := segmentRE.Split(k, -1)
	last := parts[len(parts)-1]
	return last == "key" || last == "keys"
}

// onlyReferences reports whether v is made of config-provider references and nothing else but
// spaces: "${file:/etc/secrets.properties:db.password}".
func onlyReferences(v string) bool {
	return refRE.MatchString(v) && strings.TrimSpace(refRE.ReplaceAllString(v, "")) == ""
}

// Redact returns the config as snapshot entries, secrets redacted, and the secret values it
// left out (to scrub them from traces). passwordKeys are the keys the plugin defines as PASSWORD.
func Redact(config map[string]string, passwordKeys map[string]bool) ([]snapshot.ConnectorConfig, []string) {
	out := make([]snapshot.ConnectorConfig, 0, len(config))
	var secrets []string
	for k, v := range config {
		e := snapshot.ConnectorConfig{Name: k, Value: v}
		switch {
		case onlyReferences(v) || v == "":
			// Kept: a reference names where the secret is; an empty value hides nothing.
		case passwordKeys[k]:
			e.Value, e.Redacted = "", snapshot.RedactedPassword
		case nameIsSecret(k):
			e.Value, e.Redacted = "", snapshot.RedactedName
		case urlPasswordRE.MatchString(v):
			for _, m := range urlPasswordRE.FindAllStringSubmatch(v, -1) {
				secrets = append(secrets, strings.TrimSuffix(strings.TrimPrefix(m[0], m[1]+":"), "@"))
			}
			e.Value, e.Redacted = urlPasswordRE.ReplaceAllString(v, "${1}:redacted@"), snapshot.RedactedURLPassword
		}
		if e.Redacted == snapshot.RedactedPassword || e.Redacted == snapshot.RedactedName {
			secrets = append(secrets, v)
		}
		out = append(out, e)
	}
	return out, secrets
}

// scrub cuts every secret value (of four characters or more: shorter ones would cut ordinary
// words) out of s, and keeps only its first line.
func scrub(s string, secrets []string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
		// A JAAS line's password="…" is a secret inside a secret: cut it alone too.
		for _, m := range jaasPasswordRE.FindAllStringSubmatch(v, -1) {
			if len(m[1]) >= 4 {
				s = strings.ReplaceAll(s, m[1], "[redacted]")
			}
		}
	}
	return s
}

var jaasPasswordRE = regexp.MustCompile(`password\s*=\s*"([^"]*)"`)
