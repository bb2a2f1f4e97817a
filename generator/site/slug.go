package site

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxSlug keeps file names well under every file system's limit (Kafka allows 249-character
// topic names; subjects are unbounded).
const maxSlug = 80

// windowsReserved are device names that Windows refuses as file names, whatever the extension.
var windowsReserved = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// slugger turns untrusted names into file-name-safe slugs, unique within one namespace (the
// topics of a cluster, its groups, …).
//
// A name that is already a safe slug ([a-z0-9._-], not starting with '.' or '-') is its own
// slug, so ordinary topic names give readable URLs. Any other name is cleaned and gets a short
// hash of the full name appended, so "Orders" and "orders" (which collide on case-insensitive
// file systems) or "a/b" and "a b" never share a file. The slug depends only on the name, never
// on which other names exist, so URLs stay stable as the estate changes.
type slugger struct {
	used     map[string]string // slug → the name that owns it
	reserved map[string]bool   // slugs taken by the namespace itself, such as "index"
}

func newSlugger(reserved ...string) *slugger {
	s := &slugger{used: map[string]string{}, reserved: map[string]bool{}}
	for _, r := range reserved {
		s.reserved[r] = true
	}
	return s
}

// slug returns the slug of name; asking twice for the same name gives the same slug.
func (s *slugger) slug(name string) string {
	base, lossy := clean(name)
	if s.reserved[base] {
		lossy = true
	}
	if lossy {
		base = strings.TrimRight(base, "-") // "a*" → "a-<hash>", not "a--<hash>"
	}
	slug := base
	if lossy {
		slug = base + "-" + hash(name, 8)
	}
	// Two different names can only meet here if a hash prefix collides or a clean name looks
	// like another's slug-plus-hash; a longer hash settles it.
	for n := 16; ; n += 8 {
		owner, taken := s.used[slug]
		if !taken || owner == name {
			break
		}
		slug = base + "-" + hash(name, min(n, 64))
		if n >= 64 {
			break
		}
	}
	s.used[slug] = name
	return slug
}

// clean maps name to [a-z0-9._-] and reports whether anything was lost on the way.
func clean(name string) (slug string, lossy bool) {
	var b strings.Builder
	dash := false // collapse runs of replaced characters into one '-'
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
			dash = false
			lossy = true
		default:
			if !dash {
				b.WriteByte('-')
			}
			dash = true
			lossy = true
		}
	}
	slug = b.String()
	// No hidden files, no "." or "..", no names that read as options, no trailing dots
	// (Windows drops them).
	trimmed := strings.TrimRight(strings.TrimLeft(slug, ".-"), ".")
	if trimmed != slug {
		lossy = true
	}
	slug = trimmed
	if len(slug) > maxSlug {
		slug = strings.TrimRight(slug[:maxSlug], ".")
		lossy = true
	}
	if slug == "" {
		slug = "x"
		lossy = true
	}
	if stem, _, _ := strings.Cut(slug, "."); windowsReserved[stem] {
		lossy = true
	}
	return slug, lossy
}

func hash(name string, n int) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])[:n]
}
