package site

// A topic's configs in the three groups its page shows them in: set on the topic, inherited
// from the brokers, and at Kafka's default. Each keeps the snapshot's order (by name).
//
// Kafka reports every config of every topic, about thirty of which a topic does not set: their
// values are the same on nearly every topic of a cluster (Kafka's defaults, the brokers'
// settings). Listing them on each topic page would repeat one table 100,000 times on a large
// estate (1.4 kB a topic on a real cluster); the cluster's topic config defaults page lists them
// once, and a topic page keeps what is set on it and what differs from that page.

import (
	"cmp"
	"slices"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// TemplateTopicConfigs is the template of a cluster's topic config defaults page.
const TemplateTopicConfigs = "topic-configs"

// TopicConfigsData is the values a cluster's topics have for the configs they do not set.
type TopicConfigsData struct {
	Cluster *Cluster
	Configs []SharedConfig
}

// SharedConfig is one config's value on the topics that do not set it: the value most of them
// have.
type SharedConfig struct {
	ConfigRow
	// Topics counts the topics with this value; Own those that set the config themselves;
	// Other those that do not set it and still have another value (a broker configured apart).
	Topics, Own, Other int
}

// configValue is what makes two topics' config the same: its value, where it comes from, and
// whether Kafka hides it.
type configValue struct {
	value, source string
	sensitive     bool
}

// sharedConfigs finds, for each config name, the value most topics have without setting it
// (ties go to the first in source, then value order, so the choice is deterministic). Topics of
// older snapshots, which list only their overrides, share nothing.
func sharedConfigs(topics []snapshot.Topic) (map[string]configValue, []SharedConfig) {
	seen := map[string]map[configValue]int{}
	own := map[string]int{}
	for _, t := range topics {
		for _, cfg := range t.Configs {
			if configRow(cfg).Override {
				own[cfg.Name]++
				continue
			}
			if seen[cfg.Name] == nil {
				seen[cfg.Name] = map[configValue]int{}
			}
			seen[cfg.Name][configValue{cfg.Value, cfg.Source, cfg.Sensitive}]++
		}
	}
	shared := map[string]configValue{}
	var rows []SharedConfig
	for name, values := range seen {
		var best configValue
		n, total := -1, 0
		for v, c := range values {
			total += c
			if c > n || c == n && cmp.Or(cmp.Compare(v.source, best.source), cmp.Compare(v.value, best.value)) < 0 {
				best, n = v, c
			}
		}
		shared[name] = best
		rows = append(rows, SharedConfig{
			ConfigRow: configRow(snapshot.Config{Name: name, Value: best.value, Source: best.source, Sensitive: best.sensitive}),
			Topics:    n, Own: own[name], Other: total - n,
		})
	}
	slices.SortFunc(rows, func(a, b SharedConfig) int { return cmp.Compare(a.Name, b.Name) })
	return shared, rows
}

// OwnConfigs are the configs set on the topic itself: its overrides.
func (d *TopicData) OwnConfigs() []ConfigRow {
	return d.configsWhere(func(r ConfigRow) bool { return r.Override })
}

// InheritedConfigs are the configs whose value comes from the brokers' configuration (static,
// dynamic per broker, or dynamic cluster-wide), where it differs from the cluster's topic
// config defaults.
func (d *TopicData) InheritedConfigs() []ConfigRow {
	return d.configsWhere(func(r ConfigRow) bool { return !r.Override && !r.Default && !r.Shared })
}

// DefaultConfigs are the configs at Kafka's default value where it differs from the cluster's
// topic config defaults.
func (d *TopicData) DefaultConfigs() []ConfigRow {
	return d.configsWhere(func(r ConfigRow) bool { return r.Default && !r.Shared })
}

// SharedConfigs counts the configs at the cluster's topic config defaults, which the page
// links to rather than lists.
func (d *TopicData) SharedConfigs() int {
	return len(d.configsWhere(func(r ConfigRow) bool { return r.Shared }))
}

// OtherConfigs counts the configs neither set on the topic nor at the cluster's topic config
// defaults.
func (d *TopicData) OtherConfigs() int {
	return len(d.InheritedConfigs()) + len(d.DefaultConfigs())
}

// DefaultsRecorded says whether the snapshot lists the configs the topic does not set:
// older ones list only what differs.
func (d *TopicData) DefaultsRecorded() bool {
	return slices.ContainsFunc(d.Configs, func(r ConfigRow) bool { return !r.Override })
}

func (d *TopicData) configsWhere(keep func(ConfigRow) bool) []ConfigRow {
	var out []ConfigRow
	for _, r := range d.Configs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}
