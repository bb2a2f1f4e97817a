package pipeline

// site.yaml's environments: block turned into the environment pages (generator/environments).

import (
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/environments"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// addEnvironments compares the environments site.yaml orders and adds their pages; without an
// environments: block the site is left as it is.
func addEnvironments(model *site.Site, snaps []*snapshot.Snapshot, cfg *config.Site) error {
	if cfg.Environments == nil {
		return nil
	}
	var inputs []environments.Input
	for _, s := range snaps {
		inputs = append(inputs, environments.Input{Environment: s.Cluster.Environment, Snapshot: s})
	}
	c := environments.Compare(inputs, cfg.Environments, environments.Options{
		Subjects: environments.SubjectsFromSite(model), Verdicts: promotionVerdicts(snaps)})
	return environments.AddPages(model, c)
}

// promotionVerdicts reads the registries' answers that kdocs snapshot kept in each
// environment's snapshot, by environments.PromotionKey: an answer counts only for the version
// with the fingerprint it was asked about.
func promotionVerdicts(snaps []*snapshot.Snapshot) map[string]environments.Verdict {
	out := map[string]environments.Verdict{}
	for _, s := range snaps {
		for _, p := range s.Promotions {
			v := environments.Verdict{Status: environments.StatusNotChecked, Messages: p.Verdict.Messages}
			switch p.Verdict.Status {
			case snapshot.VerdictCompatible:
				v.Status = environments.StatusReady
			case snapshot.VerdictIncompatible:
				v.Status = environments.StatusRejected
			default:
				v.Messages = append(v.Messages, "the "+s.Cluster.Environment+" registry gave no answer: "+p.Verdict.Reason)
			}
			out[environments.PromotionKey(p.From, s.Cluster.Environment, p.Subject, p.Fingerprint)] = v
		}
	}
	return out
}
