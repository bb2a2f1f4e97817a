package site

// The registry's verdict beside kdocs' own explanation, per version of a subject. kdocs judges
// each change with its own rules (generator/schema); the registry is what accepts or rejects a
// version, so where the two disagree the page leads with the registry's word and says that
// kdocs' explanation differs.

import "github.com/kdocs/kdocs/generator/snapshot"

// RegistryVerdict is the registry's answer about one version, as the snapshot recorded it.
type RegistryVerdict struct {
	// Recorded is false in snapshots taken before kdocs asked the registry.
	Recorded bool
	// Status is compatible, incompatible or unavailable (Reason says why).
	Status   string
	Against  int
	Level    string
	Messages []string
	Reason   string
	// Kdocs is kdocs' own verdict on the same pair ("compatible", "incompatible"), "" when a
	// version does not parse. Differs: the registry answered, and kdocs' verdict is the other.
	Kdocs   string
	Differs bool
	// Breaking counts kdocs' breaking changes.
	Breaking int
}

// Answered reports whether the registry gave a verdict.
func (v *RegistryVerdict) Answered() bool {
	return v.Status == snapshot.VerdictCompatible || v.Status == snapshot.VerdictIncompatible
}

// registryVerdict pairs the snapshot's verdict on a version (nil when none was recorded) with
// kdocs' own: judged says whether kdocs could compare the two versions, breaking how many of
// its changes break.
func registryVerdict(v *snapshot.Verdict, judged bool, breaking int) *RegistryVerdict {
	r := &RegistryVerdict{}
	if v != nil {
		r.Recorded, r.Status, r.Against, r.Level, r.Messages, r.Reason = true, v.Status, v.Against, v.Level, v.Messages, v.Reason
	}
	if judged {
		r.Kdocs, r.Breaking = snapshot.VerdictCompatible, breaking
		if breaking > 0 {
			r.Kdocs = snapshot.VerdictIncompatible
		}
	}
	r.Differs = r.Answered() && r.Kdocs != "" && r.Kdocs != r.Status
	return r
}
