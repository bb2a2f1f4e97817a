package lineage

// Kafka Streams applications, recognised from what they leave in Kafka: an application's
// consumer group id is its application.id, and its internal topics are named
// <application.id>-<name>-changelog (a state store's changelog) and
// <application.id>-<name>-repartition (a re-key). A group counts as a Streams application only
// when such topics exist: a group id alone proves nothing. Its input topics are the ones the
// group commits on or is assigned, other than its repartition topics; its output topics are
// invisible to Kafka (producers leave no trace) and must come from annotations.
//
// A KIP-1071 streams group (group.protocol=streams) carries its topology: the broker knows each
// sub-topology's source, repartition and changelog topics. Its description is used as given,
// whether or not the internal topics exist yet, and marks the application's evidence
// EvidenceStreamsTopology instead of EvidenceStreamsNames.

import (
	"maps"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// StreamsApp is a Kafka Streams application found in a snapshot.
type StreamsApp struct {
	// ID is the application.id, also its consumer group's id.
	ID      string
	State   string
	Members int
	// Inputs are the topics it reads, sorted; Stores its state stores (from their changelogs);
	// Changelogs and Repartitions its internal topics, sorted.
	Inputs, Stores, Changelogs, Repartitions []string
	TotalLag                                 int64
	// Evidence says how the application was recognised: EvidenceStreamsTopology (a streams
	// group's own description) or EvidenceStreamsNames (a group and its internal topics' names).
	Evidence string
}

// Evidence of a Streams application.
const (
	// EvidenceStreamsTopology: the broker's description of a KIP-1071 streams group.
	EvidenceStreamsTopology = "streams-topology"
	// EvidenceStreamsNames: a consumer group whose id prefixes <id>-…-changelog / -repartition topics.
	EvidenceStreamsNames = "streams-internal-topics"
)

// fromTopology is the application a KIP-1071 streams group describes.
func fromTopology(g *snapshot.Group) StreamsApp {
	app := StreamsApp{ID: g.ID, State: g.State, Members: len(g.Members), TotalLag: g.TotalLag, Evidence: EvidenceStreamsTopology}
	repartition, changelog, inputs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, st := range g.Streams.Subtopologies {
		for _, t := range slices.Concat(st.RepartitionSinks, st.RepartitionSources) {
			repartition[t] = true
		}
		for _, t := range st.Changelogs {
			changelog[t] = true
		}
	}
	for _, st := range g.Streams.Subtopologies {
		for _, t := range st.SourceTopics {
			if !repartition[t] {
				inputs[t] = true
			}
		}
	}
	app.Inputs = slices.Sorted(maps.Keys(inputs))
	app.Repartitions = slices.Sorted(maps.Keys(repartition))
	app.Changelogs = slices.Sorted(maps.Keys(changelog))
	for _, c := range app.Changelogs {
		// <application.id>-<store>-changelog; a changelog named otherwise keeps its name.
		store := strings.TrimSuffix(strings.TrimPrefix(c, g.ID+"-"), "-changelog")
		app.Stores = append(app.Stores, store)
	}
	return app
}

// internalTopics indexes the topics that could be a Streams application's internal ones by
// the application ids they could belong to: for <id>-<rest>, every '-' of the name that leaves
// a rest ending in -changelog (with a store name before it) or -repartition. Names hold few
// '-', so this is linear in the topics, where asking every group of every topic was not.
func internalTopics(topics []snapshot.Topic) map[string][]string {
	out := map[string][]string{}
	for _, t := range topics {
		if !strings.HasSuffix(t.Name, "-changelog") && !strings.HasSuffix(t.Name, "-repartition") {
			continue
		}
		for i := 0; i < len(t.Name); i++ {
			if t.Name[i] != '-' {
				continue
			}
			rest := t.Name[i+1:]
			if store, ok := strings.CutSuffix(rest, "-changelog"); (ok && store != "") || strings.HasSuffix(rest, "-repartition") {
				out[t.Name[:i]] = append(out[t.Name[:i]], t.Name)
			}
		}
	}
	return out
}

// StreamsApps returns the Streams applications of the snapshot, sorted by id.
func StreamsApps(snap *snapshot.Snapshot) []StreamsApp {
	var out []StreamsApp
	var candidates map[string][]string
	for i := range snap.Groups {
		g := &snap.Groups[i]
		if g.Streams != nil && len(g.Streams.Subtopologies) > 0 {
			out = append(out, fromTopology(g))
			continue
		}
		if candidates == nil {
			candidates = internalTopics(snap.Topics)
		}
		prefix := g.ID + "-"
		app := StreamsApp{ID: g.ID, State: g.State, Members: len(g.Members), TotalLag: g.TotalLag, Evidence: EvidenceStreamsNames}
		internal := map[string]bool{}
		for _, name := range candidates[g.ID] {
			rest := strings.TrimPrefix(name, prefix)
			if store, ok := strings.CutSuffix(rest, "-changelog"); ok && store != "" {
				app.Changelogs = append(app.Changelogs, name)
				app.Stores = append(app.Stores, store)
				internal[name] = true
			} else if _, ok := strings.CutSuffix(rest, "-repartition"); ok {
				app.Repartitions = append(app.Repartitions, name)
				internal[name] = true
			}
		}
		if len(internal) == 0 {
			continue
		}
		seen := map[string]bool{}
		note := func(topic string) {
			if !internal[topic] && !seen[topic] {
				seen[topic] = true
				app.Inputs = append(app.Inputs, topic)
			}
		}
		for _, o := range g.Offsets {
			note(o.Topic)
		}
		for _, m := range g.Members {
			for _, a := range m.Assignments {
				note(a.Topic)
			}
		}
		for _, l := range [][]string{app.Inputs, app.Stores, app.Changelogs, app.Repartitions} {
			slices.Sort(l)
		}
		out = append(out, app)
	}
	slices.SortFunc(out, func(a, b StreamsApp) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// StreamsAppOf returns the application a topic is internal to and what it is to it
// ("changelog of store S", "repartition topic"), or "" when it is none's.
func StreamsAppOf(apps []StreamsApp, topic string) (app, role string) {
	for _, a := range apps {
		for i, c := range a.Changelogs {
			if c == topic {
				return a.ID, "changelog of state store " + a.Stores[i]
			}
		}
		if slices.Contains(a.Repartitions, topic) {
			return a.ID, "repartition topic"
		}
	}
	return "", ""
}
