package main

// Promotion readiness (site.yaml's environments:): after every cluster's snapshot is written,
// each environment's registry is asked, read-only, whether it would accept the earlier
// environment's latest versions, and its answers are kept in that environment's snapshot, so
// that `kdocs build` (a pure function of the files) can show them.

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/kdocs/kdocs/generator/collect"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/environments"
	"github.com/kdocs/kdocs/generator/registry"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// compatibilityFunc asks registry r whether it would accept s as subject's next version.
type compatibilityFunc func(ctx context.Context, r config.Registry, subject string, s snapshot.SchemaVersion) (*snapshot.Verdict, error)

func registryCompatibility(ctx context.Context, r config.Registry, subject string, s snapshot.SchemaVersion) (*snapshot.Verdict, error) {
	return registry.CheckCompatibility(ctx, registry.FromConfig(r), subject, "latest", s)
}

// promotionConcurrency bounds the questions in flight, across registries.
const promotionConcurrency = 4

// askOne asks to's registry about one promotion; no answer is recorded with its reason.
func askOne(ctx context.Context, site *config.Site, p environments.Promotion, to config.Cluster, ask compatibilityFunc) snapshot.Promotion {
	out := snapshot.Promotion{From: p.From, Subject: p.Subject, ToSubject: p.ToSubject,
		Version: p.Version.Number, Fingerprint: p.Version.Fingerprint,
		Verdict: snapshot.Verdict{Status: snapshot.VerdictUnavailable, Reason: fmt.Sprintf("environment %s has no schemaRegistry in %s", p.To, site.Path)}}
	if to.SchemaRegistry == nil {
		return out
	}
	v, err := ask(ctx, *to.SchemaRegistry, p.ToSubject, snapshot.SchemaVersion{
		Version: p.Version.Number, Schema: p.Version.Schema, Type: p.Version.Type, References: p.Version.References})
	if err != nil {
		out.Verdict.Reason = err.Error()
		return out
	}
	out.Verdict = *v
	return out
}

// askPromotions compares the environments of the snapshots just written (and the files of the
// others) and records, in each snapshot written in this run, its registry's answers on the
// promotions into its environment. A registry that does not answer is recorded as such; only a
// snapshot that cannot be rewritten fails its cluster, as any write would.
func askPromotions(ctx context.Context, site *config.Site, outcomes []collect.Outcome, ask compatibilityFunc, log *slog.Logger) {
	if site.Environments == nil {
		return
	}
	written := map[string]int{} // cluster → index in outcomes
	for i, o := range outcomes {
		if o.Err == nil {
			written[o.Cluster] = i
		}
	}
	byEnv := map[string]config.Cluster{}
	snaps := map[string]*snapshot.Snapshot{}
	var inputs []environments.Input
	for _, c := range site.Clusters {
		if c.Environment == "" {
			continue
		}
		s, err := snapshot.Load(site.SnapshotPath(c))
		if err != nil {
			// No snapshot yet (or unreadable): the environment takes no part; build says why.
			log.Debug("environments: cluster not compared", "cluster", c.Name, "error", err)
			continue
		}
		byEnv[c.Environment] = c
		snaps[c.Environment] = s
		inputs = append(inputs, environments.Input{Environment: c.Environment, Snapshot: s})
	}
	cmp := environments.Compare(inputs, site.Environments, environments.Options{})
	// Asked a few at a time, answers kept in the comparison's (sorted) order.
	type question struct {
		p  environments.Promotion
		to config.Cluster
	}
	var qs []question
	for _, p := range cmp.Promotions {
		to := byEnv[p.To]
		if _, ok := written[to.Name]; ok && p.ToLatest != 0 {
			// Only this run's snapshots gain answers; a subject new to p.To needs none.
			qs = append(qs, question{p, to})
		}
	}
	got := make([]snapshot.Promotion, len(qs))
	sem := make(chan struct{}, promotionConcurrency)
	var wg sync.WaitGroup
	for i, q := range qs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			got[i] = askOne(ctx, site, q.p, q.to, ask)
		})
	}
	wg.Wait()
	answers := map[string][]snapshot.Promotion{} // environment → its registry's answers
	for i, q := range qs {
		answers[q.p.To] = append(answers[q.p.To], got[i])
	}
	for env, ps := range answers {
		c := byEnv[env]
		s := snaps[env]
		s.Promotions = ps
		path := site.SnapshotPath(c)
		if err := snapshot.Save(path, s); err != nil {
			outcomes[written[c.Name]].Err = fmt.Errorf("cluster %q: promotion readiness: %w", c.Name, err)
			continue
		}
		log.Info("promotion readiness asked", "cluster", c.Name, "environment", env, "questions", len(ps))
	}
}
