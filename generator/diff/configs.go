package diff

// Configs of topics and brokers. Brokers' configs list only values that differ from Kafka's
// defaults; topics' list every config, those at Kafka's default with source DEFAULT_CONFIG
// (older snapshots leave those out). Comparing only the values that are not Kafka's default
// treats both alike: a config that appears was set, one that disappears went back to its default,
// and a snapshot with defaults compared to one without does not report forty "changes" per topic.
// The defaults serve to judge a change against the cluster's own default value, and a default that
// itself changed (a Kafka upgrade) is reported once per resource and config.

import (
	"maps"
	"math"
	"strconv"
	"unicode"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// defaultSource is the source of a config at Kafka's default value.
const defaultSource = "DEFAULT_CONFIG"

func (d *differ) configs(res string, before, after []snapshot.Config) {
	b, bDef := configsByName(before)
	a, aDef := configsByName(after)
	for _, name := range union(b, a) {
		cb, inBefore := b[name]
		ca, inAfter := a[name]
		rule := configRules[name]
		switch {
		case !inBefore:
			sev, why := rule.judge(defaultOr(bDef, name, rule.def), ca)
			d.add(ConfigAdded, sev, res, "", ca.Value, "%s set to %s (was the default)%s", name, show(ca), why)
		case !inAfter:
			sev, why := rule.judge(cb, defaultOr(aDef, name, rule.def))
			d.add(ConfigRemoved, sev, res, cb.Value, "", "%s back to the default (was %s)%s", name, show(cb), why)
		case cb.Value != ca.Value:
			// Sensitive values are blanked on both sides, so they never get here.
			sev, why := rule.judge(cb, ca)
			d.add(ConfigChanged, sev, res, cb.Value, ca.Value, "%s changed from %s to %s%s", name, show(cb), show(ca), why)
		}
	}
	for _, name := range union(bDef, aDef) {
		cb, inBefore := bDef[name]
		ca, inAfter := aDef[name]
		if inBefore && inAfter && cb.Value != ca.Value {
			sev, why := configRules[name].judge(cb, ca)
			d.add(ConfigChanged, sev, res, cb.Value, ca.Value, "%s default changed from %s to %s%s", name, show(cb), show(ca), why)
		}
	}
}

// configsByName splits configs into those that are not at Kafka's default, and those that are.
func configsByName(cs []snapshot.Config) (set, defaults map[string]snapshot.Config) {
	set = make(map[string]snapshot.Config, len(cs))
	defaults = map[string]snapshot.Config{}
	for _, c := range cs {
		if c.Source == defaultSource {
			defaults[c.Name] = c
		} else {
			set[c.Name] = c
		}
	}
	return set, defaults
}

// defaultOr returns the default the snapshot recorded for name, else the rule's.
func defaultOr(defaults map[string]snapshot.Config, name string, def snapshot.Config) snapshot.Config {
	if c, ok := defaults[name]; ok {
		return c
	}
	return def
}

// show renders a config value for a message: quoted when it could be mistaken for prose or
// smuggle a line break into the text output.
func show(c snapshot.Config) string {
	if c.Sensitive {
		return "a sensitive value"
	}
	if c.Value == "" {
		return `""`
	}
	for _, r := range c.Value {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) || r == '"' {
			return strconv.Quote(c.Value)
		}
	}
	return c.Value
}

// configRule says how a config's change affects clients, for the few configs where that is
// known; every other config change is Info.
type configRule struct {
	// def is Kafka's default, the value of a config that is not recorded, for snapshots that
	// do not list the defaults (brokers, older topics). Broker-wide defaults that override it
	// are not taken into account.
	def snapshot.Config
	// severity returns the severity of a change from before to after, and why, as a clause
	// starting with ": ".
	severity func(before, after snapshot.Config) (string, string)
}

func (r configRule) judge(before, after snapshot.Config) (string, string) {
	if r.severity == nil {
		return Info, ""
	}
	return r.severity(before, after)
}

// configRules holds the rules by config name: topic configs, and the broker configs that are
// their defaults.
var configRules = rules(
	rule(anyChange(": compaction and deletion keep different records, and compacted topics refuse records without a key"),
		"delete", "cleanup.policy", "log.cleanup.policy"),
	rule(decrease(": records are deleted sooner"), "604800000", "retention.ms", "log.retention.ms"),
	rule(decrease(": records are deleted sooner"), "-1", "retention.bytes", "log.retention.bytes"),
	rule(decrease(": producers of larger records are refused"), "1048588", "max.message.bytes", "message.max.bytes"),
	rule(increase(": producers with acks=all are refused sooner when replicas fall behind"), "1", "min.insync.replicas"),
)

type severityFunc = func(before, after snapshot.Config) (string, string)

func rule(severity severityFunc, def string, names ...string) map[string]configRule {
	m := map[string]configRule{}
	for _, n := range names {
		m[n] = configRule{def: snapshot.Config{Name: n, Value: def}, severity: severity}
	}
	return m
}

func rules(ms ...map[string]configRule) map[string]configRule {
	out := map[string]configRule{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// anyChange makes every change of the value breaking.
func anyChange(why string) severityFunc {
	return func(b, a snapshot.Config) (string, string) {
		if b.Value == a.Value {
			return Info, ""
		}
		return Breaking, why
	}
}

// decrease makes a lower limit a warning.
func decrease(why string) severityFunc {
	return func(b, a snapshot.Config) (string, string) {
		vb, okb := limit(b.Value)
		va, oka := limit(a.Value)
		if okb && oka && va < vb {
			return Warning, why
		}
		return Info, ""
	}
}

// increase makes a higher limit a warning.
func increase(why string) severityFunc {
	return func(b, a snapshot.Config) (string, string) {
		vb, okb := limit(b.Value)
		va, oka := limit(a.Value)
		if okb && oka && va > vb {
			return Warning, why
		}
		return Info, ""
	}
}

// limit parses a size, duration or count limit; negative values (-1) mean unlimited.
func limit(v string) (int64, bool) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false
	}
	if n < 0 {
		return math.MaxInt64, true
	}
	return n, true
}
