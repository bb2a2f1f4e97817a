package snapshot

import (
	"cmp"
	"slices"
)

// Promotion is this environment's registry's answer, asked read-only when the snapshot was
// taken, on whether it would accept an earlier environment's latest version of a subject as
// its next one (site.yaml's environments: block). It is kept in the snapshot of the
// environment whose registry answered: the answer is evidence about this registry.
type Promotion struct {
	// From is the earlier environment. Subject is the logical subject (the name with the
	// environments: subjects template taken off; the name itself without one), ToSubject its
	// name in this environment.
	From      string `json:"from"`
	Subject   string `json:"subject"`
	ToSubject string `json:"toSubject"`
	// Version and Fingerprint identify the version asked about: a build matches the answer
	// to the earlier environment's snapshot by them, so an answer about another version
	// never passes for this one.
	Version     int    `json:"version"`
	Fingerprint string `json:"fingerprint"`
	// Verdict is the registry's answer against this registry's latest version.
	Verdict Verdict `json:"verdict"`
}

func sortPromotions(ps []Promotion) {
	slices.SortFunc(ps, func(a, b Promotion) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Version, b.Version))
	})
}
