package main

// kdocs diff --from ENV --to ENV: what differs between two environments of site.yaml's
// environments: block (generator/environments), as the same changes list a diff of two
// snapshots prints, and promotion readiness from the registries' answers kept in the snapshots.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/environments"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Kinds of the changes between environments.
const (
	kindEnvDrift      = "environment-drift"
	kindEnvExpected   = "environment-expected-drift"
	kindSubjectDrift  = "subject-drift"
	kindSubjectClash  = "subject-version-conflict"
	kindPromotion     = "promotion"
	failOnDriftReason = "drift"
)

// environmentChanges compares environment from with environment to: each drifting property of
// a logical topic, each subject whose versions differ, and each version waiting to be promoted
// from `from` to `to` with its registry's answer when kdocs snapshot recorded one.
func environmentChanges(site *config.Site, from, to string) (diff.Changes, error) {
	envs := site.Environments
	if envs == nil {
		return nil, usageError{fmt.Sprintf("--from/--to compare environments, and %s has no environments: block (docs/environments.md)", site.Path)}
	}
	if from == to {
		return nil, usageError{fmt.Sprintf("--from and --to are both %q: name two environments", from)}
	}
	var inputs []environments.Input
	var snaps []*snapshot.Snapshot
	for _, env := range []string{from, to} {
		if !slices.Contains(envs.Order, env) {
			return nil, usageError{fmt.Sprintf("environment %q is not in %s's environments.order %v", env, site.Path, envs.Order)}
		}
		i := slices.IndexFunc(site.Clusters, func(c config.Cluster) bool { return c.Environment == env })
		c := site.Clusters[i] // config validates that every environment in order has a cluster
		s, err := snapshot.Load(site.SnapshotPath(c))
		if err != nil {
			return nil, fmt.Errorf("environment %s (cluster %s): %w", env, c.Name, err)
		}
		inputs = append(inputs, environments.Input{Environment: env, Snapshot: s})
		snaps = append(snaps, s)
	}
	// Just the two, from first: promotion goes from → to whatever order site.yaml gives.
	two := *envs
	two.Order = []string{from, to}
	c := environments.Compare(inputs, &two, environments.Options{Verdicts: environments.VerdictsFromSnapshots(snaps)})

	var out diff.Changes
	for _, t := range c.Topics {
		res := fmt.Sprintf("topic %q", t.Name)
		for _, d := range t.Drift {
			out = append(out, driftChange(kindEnvDrift, diff.Warning, res, d, from, to))
		}
		for _, d := range t.Expected {
			out = append(out, driftChange(kindEnvExpected, diff.Info, res, d, from, to))
		}
	}
	for _, s := range c.Subjects {
		res := fmt.Sprintf("subject %q", s.Name)
		for _, n := range s.Conflicts {
			out = append(out, diff.Change{Kind: kindSubjectClash, Severity: diff.Breaking, Resource: res,
				Old: fmt.Sprint(n), New: fmt.Sprint(n),
				Message: fmt.Sprintf("version %d is a different schema in %s and in %s", n, from, to)})
		}
		if s.Drift {
			old, nw := versionList(s.In[0]), versionList(s.In[1])
			out = append(out, diff.Change{Kind: kindSubjectDrift, Severity: diff.Warning, Resource: res, Old: old, New: nw,
				Message: fmt.Sprintf("versions or compatibility differ: %s in %s, %s in %s", old, from, nw, to)})
		}
	}
	for _, p := range c.Promotions {
		out = append(out, promotionChange(p))
	}
	slices.SortStableFunc(out, func(a, b diff.Change) int {
		return cmp.Or(strings.Compare(a.Resource, b.Resource), strings.Compare(a.Kind, b.Kind))
	})
	return out, nil
}

func driftChange(kind, severity, resource string, d environments.Difference, from, to string) diff.Change {
	old, nw := d.Values[0], d.Values[1]
	show := func(v string) string { return cmp.Or(v, "absent") }
	return diff.Change{Kind: kind, Severity: severity, Resource: resource, Old: old, New: nw,
		Message: fmt.Sprintf("%s: %s in %s, %s in %s", d.Property, show(old), from, show(nw), to)}
}

func versionList(s environments.SubjectState) string {
	if !s.Present {
		return "absent"
	}
	var vs []string
	for _, v := range s.Versions {
		vs = append(vs, fmt.Sprintf("v%d", v.Number))
	}
	return strings.Join(vs, ",") + cmp.Or(" "+s.Compatibility, "")
}

// promotionChange: a version that would be rejected is breaking (promoting it fails), one not
// checked a warning (nobody asked the registry), ready and new subjects are information.
func promotionChange(p environments.Promotion) diff.Change {
	ch := diff.Change{Kind: kindPromotion, Resource: fmt.Sprintf("subject %q", p.Subject), New: fmt.Sprintf("v%d", p.Version.Number)}
	if p.ToLatest > 0 {
		ch.Old = fmt.Sprintf("v%d", p.ToLatest)
	}
	why := ""
	if len(p.Verdict.Messages) > 0 {
		why = ": " + strings.Join(p.Verdict.Messages, "; ")
	}
	switch p.Verdict.Status {
	case environments.StatusRejected:
		ch.Severity = diff.Breaking
	case environments.StatusNotChecked:
		ch.Severity = diff.Warning
	default:
		ch.Severity = diff.Info
	}
	ch.Message = fmt.Sprintf("v%d of %s in %s, not yet in %s as %s: %s%s", p.Version.Number, p.FromSubject, p.From, p.To, p.ToSubject, p.Verdict.Status, why)
	return ch
}

// driftFound says whether changes hold drift a --fail-on drift check fails on: anything but
// expected drift, versions ready to promote and subjects new to the next environment.
func driftFound(changes diff.Changes) int {
	n := 0
	for _, c := range changes {
		if c.Severity != diff.Info {
			n++
		}
	}
	return n
}
