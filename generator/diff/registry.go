package diff

// The Schema Registry: compatibility rules, subjects and their versions.

import (
	"strconv"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func (d *differ) registry() {
	b, a := d.before.Registry, d.after.Registry
	// Without a registry on both sides (one was not configured, or could not be read) every
	// subject would seem added or removed; a registry read in part is not compared either.
	if b == nil || a == nil || len(d.oldGaps.scoped["registry"]) > 0 || len(d.newGaps.scoped["registry"]) > 0 {
		return
	}
	res := registryResource(a.URL)
	d.compatibility(res, b.Compatibility, a.Compatibility, "")
	if b.Mode != a.Mode {
		severity, why := Info, ""
		if a.Mode == "READONLY" || a.Mode == "IMPORT" {
			severity, why = Warning, ": producers can no longer register schemas"
		}
		d.add(ModeChanged, severity, res, b.Mode, a.Mode, "mode went from %s to %s%s", orNone(b.Mode), orNone(a.Mode), why)
	}
	before, after := subjectsByName(b.Subjects), subjectsByName(a.Subjects)
	for _, name := range union(before, after) {
		sb, inBefore := before[name]
		sa, inAfter := after[name]
		res := subjectResource(name)
		switch {
		case !inBefore:
			latest := ""
			if n := latestVersion(sa); n > 0 {
				latest = strconv.Itoa(n)
			}
			d.add(SubjectAdded, Info, res, "", latest, "subject registered with %d %s",
				len(sa.Versions), plural(len(sa.Versions), "version", "versions"))
		case !inAfter:
			d.add(SubjectRemoved, Warning, res, "", "",
				"subject deleted: producers that look up its schemas are refused")
		default:
			d.compatibility(res, sb.Compatibility, sa.Compatibility, " (the registry's)")
			d.versions(res, sb, sa)
		}
	}
}

// compatibility reports a change of a compatibility level; an empty level means the default,
// which inherited names.
func (d *differ) compatibility(res, b, a, inherited string) {
	if b == a {
		return
	}
	severity, why := Info, ""
	if a == "NONE" {
		severity, why = Warning, ": any schema can now be registered, including ones that break consumers"
	}
	describe := func(level string) string {
		if level == "" {
			return "the default" + inherited
		}
		return level
	}
	d.add(CompatibilityChanged, severity, res, b, a, "compatibility went from %s to %s%s", describe(b), describe(a), why)
}

func (d *differ) versions(res string, b, a snapshot.Subject) {
	before, after := versionsByNumber(b.Versions), versionsByNumber(a.Versions)
	for _, n := range union(before, after) {
		vb, inBefore := before[n]
		va, inAfter := after[n]
		num := strconv.Itoa(n)
		switch {
		case !inBefore && !va.Deleted && incompatible(va):
			// The registry's own verdict, not kdocs' reading of the schemas: a version it finds
			// incompatible was registered under a level that let it through (NONE, or one
			// changed for it), and readers of the previous one may fail on its records.
			d.add(SchemaVersionAdded, Breaking, res, "", num, "version %d registered (schema id %d%s), which the registry finds incompatible with version %d under %s: consumers of the topic may fail to read its records",
				n, va.ID, typeSuffix(va.Type), va.Verdict.Against, orDefault(va.Verdict.Level))
		case !inBefore && !va.Deleted:
			d.add(SchemaVersionAdded, Info, res, "", num, "version %d registered (schema id %d%s)", n, va.ID, typeSuffix(va.Type))
		case inBefore && !vb.Deleted && !inAfter:
			d.add(SchemaVersionDeleted, Warning, res, num, "", "version %d deleted: readers that look it up by version are refused", n)
		case inBefore && !vb.Deleted && inAfter && va.Deleted:
			d.add(SchemaVersionDeleted, Warning, res, num, "", "version %d soft-deleted: it is no longer served as a version of the subject", n)
		}
	}
}

// incompatible reports whether the registry found the version incompatible with the one before.
func incompatible(v snapshot.SchemaVersion) bool {
	return v.Verdict != nil && v.Verdict.Status == snapshot.VerdictIncompatible
}

func orDefault(level string) string {
	if level == "" {
		return "the effective level"
	}
	return level
}

func typeSuffix(t string) string {
	if t == "" {
		return ""
	}
	return ", " + t
}

func orNone(mode string) string {
	if mode == "" {
		return "unset"
	}
	return mode
}

func subjectsByName(ss []snapshot.Subject) map[string]snapshot.Subject {
	m := make(map[string]snapshot.Subject, len(ss))
	for _, s := range ss {
		m[s.Name] = s
	}
	return m
}

func versionsByNumber(vs []snapshot.SchemaVersion) map[int]snapshot.SchemaVersion {
	m := make(map[int]snapshot.SchemaVersion, len(vs))
	for _, v := range vs {
		m[v.Version] = v
	}
	return m
}

// latestVersion is the highest version that is not deleted, or 0. Unlike Subject.Latest it
// does not rely on the versions being sorted.
func latestVersion(s snapshot.Subject) int {
	n := 0
	for _, v := range s.Versions {
		if !v.Deleted {
			n = max(n, v.Version)
		}
	}
	return n
}
