package environments

// Promotion readiness: the next environment's registry says whether it would accept each
// candidate. Asking is I/O, so it is the caller's (an AskFunc, e.g. wrapping
// registry.CheckCompatibility at snapshot time); this file only fans the questions out and
// folds the answers into the comparison.

import (
	"context"
	"fmt"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// AskFunc asks environment to's registry, read-only, whether it would accept v as the next
// version of subject (its name there): true when compatible, with the registry's messages. An
// error means no answer.
type AskFunc func(ctx context.Context, to, subject string, v Version) (accepted bool, messages []string, err error)

// Check asks about every promotion candidate whose next environment holds the subject (a new
// subject is accepted as its first version without asking) and records the answers as
// verdicts; a question that fails leaves "not checked" with the error as its message. The
// verdicts are returned by PromotionKey, for Options.Verdicts of later comparisons.
func Check(ctx context.Context, c *Comparison, ask AskFunc) map[string]Verdict {
	out := map[string]Verdict{}
	for i := range c.Promotions {
		p := &c.Promotions[i]
		if p.ToLatest == 0 {
			continue
		}
		ok, msgs, err := ask(ctx, p.To, p.ToSubject, p.Version)
		switch {
		case err != nil:
			p.Verdict = Verdict{Status: StatusNotChecked, Messages: []string{fmt.Sprintf("the %s registry did not answer: %v", p.To, err)}}
			continue
		case ok:
			p.Verdict = Verdict{Status: StatusReady, Messages: msgs}
		default:
			p.Verdict = Verdict{Status: StatusRejected, Messages: msgs}
		}
		out[PromotionKey(p.From, p.To, p.Subject, p.Version.Fingerprint)] = p.Verdict
	}
	return out
}

// VerdictsFromSnapshots reads the registries' answers that kdocs snapshot kept in each
// environment's snapshot, by PromotionKey: an answer counts only for the version
// with the fingerprint it was asked about.
func VerdictsFromSnapshots(snaps []*snapshot.Snapshot) map[string]Verdict {
	out := map[string]Verdict{}
	for _, s := range snaps {
		for _, p := range s.Promotions {
			v := Verdict{Status: StatusNotChecked, Messages: p.Verdict.Messages}
			switch p.Verdict.Status {
			case snapshot.VerdictCompatible:
				v.Status = StatusReady
			case snapshot.VerdictIncompatible:
				v.Status = StatusRejected
			default:
				v.Messages = append(v.Messages, "the "+s.Cluster.Environment+" registry gave no answer: "+p.Verdict.Reason)
			}
			out[PromotionKey(p.From, s.Cluster.Environment, p.Subject, p.Fingerprint)] = v
		}
	}
	return out
}
