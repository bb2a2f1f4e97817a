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
		Subjects: environments.SubjectsFromSite(model), Writers: environments.WritersFromSite(model), Verdicts: environments.VerdictsFromSnapshots(snaps)})
	return environments.AddPages(model, c)
}
