package pdf

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Scope is the part of an estate a book holds: `kdocs pdf --cluster NAME --topics GLOB`. The
// zero Scope is the whole estate.
type Scope struct {
	// Clusters are site.yaml's names of the clusters in the book; none: all.
	Clusters []string
	// Topics are shell globs (path.Match: * ? [a-z]) of the topic names in the book; none: all.
	// The groups and subjects that follow the topics are kept with them (snapshot.Narrow).
	Topics []string
}

// Whole reports whether the scope is the whole estate.
func (s Scope) Whole() bool { return len(s.Clusters) == 0 && len(s.Topics) == 0 }

// Flags is the scope as kdocs pdf's flags, for messages.
func (s Scope) Flags() string {
	var f []string
	for _, c := range s.Clusters {
		f = append(f, "--cluster "+shellQuote(c))
	}
	for _, t := range s.Topics {
		f = append(f, "--topics "+shellQuote(t))
	}
	return strings.Join(f, " ")
}

// Label says what the scope holds, for the book's title: "cluster east; topics orders.*".
func (s Scope) Label() string {
	var parts []string
	if len(s.Clusters) > 0 {
		parts = append(parts, plural("cluster", len(s.Clusters))+" "+strings.Join(s.Clusters, ", "))
	}
	if len(s.Topics) > 0 {
		parts = append(parts, plural("topic", len(s.Topics))+" "+strings.Join(s.Topics, ", "))
	}
	return strings.Join(parts, "; ")
}

func plural(word string, n int) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Validate checks the topic globs' syntax.
func (s Scope) Validate() error {
	for _, g := range s.Topics {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("--topics %s: not a glob (%w): use * ? and [a-z], as in 'orders.*'", shellQuote(g), err)
		}
	}
	return nil
}

// Config returns site.yaml narrowed to the scope's clusters: the others, the replication
// declared to or from them and the environments comparison (which needs every environment)
// are left out, and topic annotations outside the topic globs are dropped. An unknown cluster
// is an error naming the known ones. cfg is not changed.
func (s Scope) Config(cfg *config.Site) (*config.Site, error) {
	out := *cfg
	known := map[string]bool{}
	var names []string
	for _, c := range cfg.Clusters {
		known[c.Name] = true
		names = append(names, c.Name)
	}
	want := map[string]bool{}
	var errs []error
	for _, c := range s.Clusters {
		if !known[c] {
			errs = append(errs, fmt.Errorf("--cluster %s: no such cluster in %s; the clusters are %s", shellQuote(c), cfg.Path, strings.Join(names, ", ")))
		}
		want[c] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if !s.Whole() {
		// The book says what part of the estate it holds, on its cover and every page's header.
		out.Title = cfg.Title + " (" + s.Label() + ")"
	}
	if len(want) > 0 {
		out.Clusters = nil
		for _, c := range cfg.Clusters {
			if want[c.Name] {
				out.Clusters = append(out.Clusters, c)
			}
		}
		out.Replication = nil
		for _, r := range cfg.Replication {
			if want[r.From] && want[r.To] {
				out.Replication = append(out.Replication, r)
			}
		}
		out.Environments = nil
	}
	if len(s.Topics) > 0 {
		clusters := slices.Clone(out.Clusters)
		for i, c := range clusters {
			if c.Annotations == nil || len(c.Annotations.Topics) == 0 {
				continue
			}
			a := *c.Annotations
			a.Topics = maps.Clone(a.Topics)
			maps.DeleteFunc(a.Topics, func(name string, _ config.Annotation) bool { return !s.topic(name) })
			clusters[i].Annotations = &a
		}
		out.Clusters = clusters
	}
	return &out, nil
}

// topic reports whether a topic is in the scope.
func (s Scope) topic(name string) bool {
	if len(s.Topics) == 0 {
		return true
	}
	for _, g := range s.Topics {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// Narrow cuts the snapshots of the scope's clusters to its topics (snapshot.Narrow) and returns
// what the book will hold. A glob that matches no topic of those clusters is an error, and so is
// a scope left without topics.
func (s Scope) Narrow(snaps []*snapshot.Snapshot) (Size, error) {
	var size Size
	matched := map[string]bool{}
	for _, snap := range snaps {
		if len(s.Topics) > 0 {
			snap.Narrow(func(name string) bool {
				in := false
				for _, g := range s.Topics {
					if ok, _ := path.Match(g, name); ok {
						matched[g], in = true, true
					}
				}
				return in
			})
		}
		size.Add(snap)
	}
	var errs []error
	for _, g := range s.Topics {
		if !matched[g] {
			errs = append(errs, fmt.Errorf("--topics %s matches no topic of %s", shellQuote(g), clusterNames(snaps)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return size, fmt.Errorf("%w: nothing printed", err)
	}
	if size.Topics == 0 && len(s.Topics) > 0 {
		return size, fmt.Errorf("the scope %s holds no topic: nothing printed", s.Flags())
	}
	return size, nil
}

// RefuseError is a book refused because its estimate exceeds the memory budget.
type RefuseError struct {
	// What names the book and its size, as "the book of the whole estate (…)".
	What     string
	Estimate Estimate
	Budget   uint64
	// Advice is a scope that would fit, as flags, or "".
	Advice string
}

// ScopeOptions is the advice of every refusal and of a print stopped by the guard.
const ScopeOptions = "print part of the estate with --cluster NAME and/or --topics GLOB (repeatable), or raise the budget with --memory-budget or site.yaml's pdf.memoryBudget"

func (e *RefuseError) Error() string {
	msg := fmt.Sprintf("%s would take about %s of memory to print (Chromium %s, kdocs %s), over the budget of %s: %s",
		e.What, MiB(e.Estimate.Total()), MiB(e.Estimate.Chromium), MiB(e.Estimate.Kdocs), MiB(e.Budget), ScopeOptions)
	if e.Advice != "" {
		msg += "; a scope that fits: " + e.Advice
	}
	return msg + "; nothing printed"
}

// Check refuses a book whose estimate exceeds budget, with the advice of a scope that would fit
// (Advise). snaps are the narrowed snapshots.
func (s Scope) Check(size Size, snaps []*snapshot.Snapshot, budget uint64) error {
	est := EstimateHTML(size.HTMLBytes())
	if est.Total() <= budget {
		return nil
	}
	what := "the whole estate"
	if !s.Whole() {
		what = "the scope " + s.Flags()
	}
	return &RefuseError{What: fmt.Sprintf("the book of %s (%s, about %s of print HTML)", what, size, HTMLSize(uint64(est.HTMLBytes))),
		Estimate: est, Budget: budget, Advice: Advise(size, snaps, budget)}
}

// CheckPrintView refuses, before Chromium starts, a print view of htmlBytes bytes whose estimate
// exceeds budget: the check of a print view that exists already.
func CheckPrintView(page string, htmlBytes int64, budget uint64) error {
	if est := EstimateHTML(htmlBytes); est.Total() > budget {
		return &RefuseError{What: fmt.Sprintf("the book %s (%s of print HTML)", page, HTMLSize(uint64(htmlBytes))), Estimate: est, Budget: budget}
	}
	return nil
}

// adviseTries is how many prefixes of each depth Advise sizes, largest first.
const adviseTries = 32

// Advise proposes a scope that fits budget: one cluster and the largest group of its topics
// that share a prefix (the name up to a separator . - or _, one segment, then two, then three)
// and whose book, with its groups and subjects, is estimated within the budget. "" when none is.
func Advise(size Size, snaps []*snapshot.Snapshot, budget uint64) string {
	// The book's average topic bounds the candidates worth sizing: a prefix of many more
	// topics than that fit will not fit either.
	limit := 2 * size.TopicsWithin(budget)
	if limit <= 0 {
		return ""
	}
	type candidate struct {
		snap   *snapshot.Snapshot
		prefix string
		n      int64
	}
	for depth := 1; depth <= 3; depth++ {
		var cands []candidate
		for _, snap := range snaps {
			counts := map[string]int64{}
			for _, t := range snap.Topics {
				if p, ok := prefixOf(t.Name, depth); ok {
					counts[p]++
				}
			}
			for p, n := range counts {
				if n <= limit {
					cands = append(cands, candidate{snap, p, n})
				}
			}
		}
		slices.SortFunc(cands, func(a, b candidate) int {
			return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.snap.Cluster.Name, b.snap.Cluster.Name), cmp.Compare(a.prefix, b.prefix))
		})
		// Sizing a candidate reads the cluster's groups and subjects: the largest few are tried.
		for _, c := range cands[:min(len(cands), adviseTries)] {
			z := sizeOfPrefix(c.snap, c.prefix)
			if EstimateHTML(z.HTMLBytes()).Total() > budget {
				continue
			}
			sc := Scope{Topics: []string{c.prefix + "*"}}
			if len(snaps) > 1 {
				sc.Clusters = []string{c.snap.Cluster.Name}
			}
			return fmt.Sprintf("%s (%d topic(s), about %s to print)", sc.Flags(), c.n, MiB(EstimateHTML(z.HTMLBytes()).Total()))
		}
	}
	return ""
}

// sizeOfPrefix counts, without changing the snapshot, what a book of its topics named with prefix
// would hold: those topics, the groups with offsets on them (their offsets on them), and the
// subjects named for them (the main part of what snapshot.Narrow keeps).
func sizeOfPrefix(snap *snapshot.Snapshot, prefix string) Size {
	z := Size{Clusters: 1}
	topics := map[string]bool{}
	for _, t := range snap.Topics {
		if strings.HasPrefix(t.Name, prefix) {
			topics[t.Name] = true
			z.Topics++
			z.Partitions += int64(len(t.Partitions))
		}
	}
	for _, g := range snap.Groups {
		var offsets int64
		for _, o := range g.Offsets {
			if topics[o.Topic] {
				offsets++
			}
		}
		if offsets > 0 {
			z.Groups++
			z.Offsets += offsets
		}
	}
	if snap.Registry != nil {
		for _, sub := range snap.Registry.Subjects {
			if !strings.HasPrefix(sub.Name, prefix) || !snapshot.SubjectOfTopic(sub.Name, topics) {
				continue
			}
			z.Versions += int64(len(sub.Versions))
			for _, v := range sub.Versions {
				z.SchemaBytes += int64(len(v.Schema))
			}
		}
	}
	return z
}

// prefixOf is name up to and including its depth-th separator (. - _), false when it has fewer.
func prefixOf(name string, depth int) (string, bool) {
	at := 0
	for range depth {
		i := strings.IndexAny(name[at:], ".-_")
		if i < 0 {
			return "", false
		}
		at += i + 1
	}
	return name[:at], true
}

func clusterNames(snaps []*snapshot.Snapshot) string {
	var names []string
	for _, s := range snaps {
		names = append(names, s.Cluster.Name)
	}
	if len(names) == 1 {
		return "cluster " + names[0]
	}
	return "clusters " + strings.Join(names, ", ")
}

// shellQuote quotes a flag value for a message the user may paste into a shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_/:=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
