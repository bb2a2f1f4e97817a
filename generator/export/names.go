package export

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// Names from the estate (subjects, group ids, application names) are untrusted: the formats
// allow fewer characters than Kafka or the registry do. Each mapping below keeps a name that is
// already valid as it is, and otherwise cleans it and appends a short hash of the full name, so
// two names never share a key and the key depends on nothing but the name.

func shortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// mapName keeps name when valid(name); otherwise it lower-cases it, replaces each run of characters outside
// keep by '-', trims what trim says from both ends, cuts to max-9 bytes and appends "-" and
// eight hex digits of the name's hash.
func mapName(name string, valid func(string) bool, keep func(rune) bool, trim string, max int) string {
	if valid(name) {
		return name
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if keep(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), trim)
	if len(s) > max-9 {
		s = strings.TrimRight(s[:max-9], trim)
	}
	if s == "" {
		s = "x"
	}
	return s + "-" + shortHash(name, 8)
}

var componentKeyRE = regexp.MustCompile(`^[a-zA-Z0-9.\-_]+$`)

// componentKey is a key of an AsyncAPI components or channels map: [a-zA-Z0-9.-_]+. Topic names
// are always valid ones (Kafka allows the same characters); subjects and group ids may not be.
func componentKey(name string) string {
	return mapName(name, func(s string) bool { return len(s) <= 250 && componentKeyRE.MatchString(s) },
		func(r rune) bool { return r < 128 && (r == '.' || r == '-' || r == '_' || isAlnum(r)) }, "", 250)
}

var serverKeyRE = regexp.MustCompile(`^[A-Za-z0-9_\-]+$`)

// serverKey is a key of the servers map: [A-Za-z0-9_-]+.
func serverKey(name string) string {
	return mapName(name, serverKeyRE.MatchString,
		func(r rune) bool { return r < 128 && (r == '-' || r == '_' || isAlnum(r)) }, "", 64)
}

// fileName is a safe file name stem: [a-z0-9._-], not starting with '.' or '-', at most 80 bytes.
var fileNameRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]{0,79}$`)

func fileName(name string) string {
	return mapName(name, func(s string) bool { return fileNameRE.MatchString(s) && !strings.HasSuffix(s, ".") },
		func(r rune) bool {
			return r < 128 && (r == '.' || r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'))
		},
		".-", 80)
}

// entityNameRE is Backstage's rule for metadata.name: at most 63 characters of [A-Za-z0-9-_.],
// starting and ending with a letter or digit (KubernetesValidatorFunctions.isValidObjectName).
var entityNameRE = regexp.MustCompile(`^([A-Za-z0-9][-_.A-Za-z0-9]*)?[A-Za-z0-9]$`)

func entityName(name string) string {
	return mapName(name, func(s string) bool { return len(s) <= 63 && entityNameRE.MatchString(s) },
		func(r rune) bool { return r < 128 && (r == '.' || r == '-' || r == '_' || isAlnum(r)) }, ".-_", 63)
}

func isAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}
