// Package environments compares one estate's environments (dev, staging, prod: each its own
// cluster and registry) logical topic by logical topic and subject by subject: what is present
// where, what differs, and which schema versions wait to be promoted to the next environment.
// Names are mapped to logical names through site.yaml's environments: templates (see
// config.Environments). Compare is a pure function of the snapshots; pages.go turns its result
// into the site's environment pages.
package environments

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Input is one environment's snapshot.
type Input struct {
	Environment string
	Snapshot    *snapshot.Snapshot
}

// Options adjust a comparison.
type Options struct {
	// Subjects returns the key and value subjects of a cluster's topic (the site's subject name
	// strategy); nil means TopicName: <topic>-key and <topic>-value.
	Subjects func(cluster, topic string) (key, value string)
	// Writers returns a cluster's topic's writers as the site already resolved them
	// (lineage.Writers) and whether it did; nil, or false for a topic, means they are resolved
	// here from the snapshot. The site's are the same and spare resolving every ACL again.
	Writers func(cluster, topic string) (*lineage.TopicWriters, bool)
	// Verdicts are the next environments' registries' answers for the promotion candidates,
	// by PromotionKey; a candidate without one is "not checked". Collected live (the registry
	// is asked read-only), never derived here.
	Verdicts map[string]Verdict
}

// Properties compared per topic; the strings are shown on the site and are stable.
const (
	PropPresence    = "presence"
	PropPartitions  = "partitions"
	PropReplication = "replication factor"
	PropKey         = "key subject"
	PropValue       = "value subject"
	PropGroups      = "consumer groups"
	// PropConfig prefixes a config's name: "config retention.ms".
	PropConfig = "config "
)

// Comparison is the whole estate compared.
type Comparison struct {
	// Environments are in promotion order; Clusters names each one's cluster.
	Environments []string
	Clusters     []string
	// Topics are the logical topics, sorted by name; Drifting counts those with drift.
	Topics   []*Topic
	Drifting int
	// Subjects are the logical subjects, sorted by name.
	Subjects []*Subject
	// Pairs are every two environments (earlier first) with their drift counts.
	Pairs []Pair
	// Promotions are the subjects whose latest version in an environment is not yet in the
	// next one, in environment then subject order.
	Promotions []Promotion
	// ExpectedDrift is site.yaml's list of configs expected to differ.
	ExpectedDrift []string
}

// Topic is one logical topic across the environments.
type Topic struct {
	// Name is the logical name; Unmapped marks a name no template matched (it can only ever be
	// in one environment).
	Name     string
	Unmapped bool
	// In holds the topic's state in each environment, in Comparison.Environments order.
	In []TopicState
	// Drift lists the properties that differ, Expected those that differ only in configs
	// expected to (site.yaml's expectedDrift); each in a stable order.
	Drift, Expected []Difference
}

// Drifts reports whether the topic differs between environments beyond what is expected.
func (t *Topic) Drifts() bool { return len(t.Drift) > 0 }

// Only returns the single environment the topic is in, or "" when it is in several or none.
func (t *Topic) Only() string {
	env := ""
	for _, s := range t.In {
		if s.Present {
			if env != "" {
				return ""
			}
			env = s.Environment
		}
	}
	return env
}

// TopicState is a logical topic in one environment.
type TopicState struct {
	Environment, Cluster string
	Present              bool
	// Name is the topic's name in the environment.
	Name              string
	Partitions        int
	ReplicationFactor int
	// Configs are the configs set on the topic (its overrides of the broker defaults), sorted.
	Configs []snapshot.Config
	// Key and Value are the topic's subjects, nil when the registry holds none.
	Key, Value *SubjectRef
	// Groups are the logical ids of the consumer groups reading it, sorted.
	Groups []string
	// Access is who may write and read it and who was seen writing it (access.go).
	Access
}

// ConfigValue is the value the topic sets for config name as shown and compared: "(hidden)"
// for a sensitive one, "default" when the topic does not set it.
func (s TopicState) ConfigValue(name string) string {
	for _, c := range s.Configs {
		if c.Name == name {
			if c.Sensitive {
				return "(hidden)"
			}
			return c.Value
		}
	}
	return "default"
}

// SubjectRef is a topic's subject in one environment.
type SubjectRef struct {
	// Name is the subject's name in the environment; Logical its logical name.
	Name, Logical string
	Latest        int
	Compatibility string
	Fingerprint   string
}

// Difference is one property that differs: its value in each environment ("" where absent).
type Difference struct {
	Property string
	Values   []string
	// Unknown marks the environments whose snapshot cannot tell the value (no ACLs recorded,
	// say): shown, never compared. Nil when every environment's value is known.
	Unknown []bool
}

// comparable says whether environments i and j both know the difference's value.
func (d Difference) comparable(i, j int) bool {
	return d.Unknown == nil || (!d.Unknown[i] && !d.Unknown[j])
}

// Subject is one logical subject across the environments.
type Subject struct {
	Name     string
	Unmapped bool
	In       []SubjectState
	// Conflicts are version numbers present in several environments with different schemas.
	Conflicts []int
	// Drift says the versions, their schemas or the compatibility differ.
	Drift bool
}

// SubjectState is a logical subject in one environment.
type SubjectState struct {
	Environment string
	Present     bool
	Name        string
	// Versions are the live (not deleted) versions, ascending, each with its fingerprint.
	Versions      []Version
	Compatibility string
}

// Version is one subject version: its number, registry id and schema fingerprint.
type Version struct {
	Number      int
	ID          int
	Type        string
	Fingerprint string
	// Schema and References are the version's text, for asking the next registry.
	Schema     string
	References []snapshot.Reference
}

// Latest returns the newest live version, or nil.
func (s SubjectState) Latest() *Version {
	if len(s.Versions) == 0 {
		return nil
	}
	return &s.Versions[len(s.Versions)-1]
}

// Pair is two environments and how many logical topics and subjects differ between them.
type Pair struct {
	From, To         string
	Topics, Subjects int
}

// Promotion is a subject version of From that To does not hold yet.
type Promotion struct {
	From, To string
	// Subject is the logical subject; FromSubject and ToSubject its names in each environment.
	Subject, FromSubject, ToSubject string
	Version                         Version
	// ToLatest is To's latest version number, 0 when To lacks the subject.
	ToLatest int
	Verdict  Verdict
}

// Verdict is the next registry's answer on a promotion. Status is StatusReady,
// StatusRejected, or StatusNotChecked (no answer recorded yet).
type Verdict struct {
	Status   string
	Messages []string
}

// Verdict statuses.
const (
	StatusReady      = "ready"
	StatusRejected   = "would be rejected"
	StatusNotChecked = "not checked"
	// StatusNew: the next environment has no such subject; its registry registers any first version.
	StatusNew = "new subject"
)

// PromotionKey identifies a promotion candidate in Options.Verdicts.
func PromotionKey(from, to, subject, fingerprint string) string {
	return from + "\x00" + to + "\x00" + subject + "\x00" + fingerprint
}

// Compare compares the environments, given in site.yaml's order (inputs whose environment is
// not in cfg.Order are ignored).
func Compare(inputs []Input, cfg *config.Environments, opts Options) *Comparison {
	byEnv := map[string]*snapshot.Snapshot{}
	for _, in := range inputs {
		byEnv[in.Environment] = in.Snapshot
	}
	c := &Comparison{ExpectedDrift: slices.Sorted(slices.Values(cfg.ExpectedDrift))}
	var snaps []*snapshot.Snapshot
	for _, env := range cfg.Order {
		if s := byEnv[env]; s != nil {
			c.Environments = append(c.Environments, env)
			c.Clusters = append(c.Clusters, s.Cluster.Name)
			snaps = append(snaps, s)
		}
	}
	subjectsOf := opts.Subjects
	if subjectsOf == nil {
		subjectsOf = func(_, topic string) (string, string) { return topic + "-key", topic + "-value" }
	}
	n := len(c.Environments)

	// Subjects first: topics show their key and value subjects' latest versions.
	subjects := map[string]*Subject{}
	subjectIn := make([]map[string]*Subject, n) // by actual name
	for i, s := range snaps {
		env := c.Environments[i]
		subjectIn[i] = map[string]*Subject{}
		if s.Registry == nil {
			continue
		}
		tmpl := cfg.SubjectTemplate(env)
		for j := range s.Registry.Subjects {
			sub := &s.Registry.Subjects[j]
			name, unmapped := logical(tmpl, env, sub.Name)
			key := keyOf(name, unmapped, env)
			ls := subjects[key]
			if ls == nil {
				ls = &Subject{Name: name, Unmapped: unmapped, In: make([]SubjectState, n)}
				for k := range ls.In {
					ls.In[k].Environment = c.Environments[k]
				}
				subjects[key] = ls
			}
			subjectIn[i][sub.Name] = ls
			st := &ls.In[i]
			st.Present, st.Name = true, sub.Name
			st.Compatibility = cmp.Or(sub.Compatibility, s.Registry.Compatibility)
			for _, v := range sub.Versions {
				if v.Deleted {
					continue
				}
				st.Versions = append(st.Versions, Version{Number: v.Version, ID: v.ID, Type: cmp.Or(v.Type, "AVRO"),
					Fingerprint: fingerprint(v, func(ref string) string { l, _ := logical(tmpl, env, ref); return l }),
					Schema:      v.Schema, References: v.References})
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(subjects)) {
		ls := subjects[key]
		ls.compare()
		c.Subjects = append(c.Subjects, ls)
	}

	// Topics.
	topics := map[string]*Topic{}
	for i, s := range snaps {
		env := c.Environments[i]
		tmpl := cfg.TopicTemplate(env)
		readers := groupsByTopic(s, cfg.ClientTemplate(env), env)
		access := accessOf(s, cfg, env, opts.Writers)
		for j := range s.Topics {
			t := &s.Topics[j]
			if t.Internal || strings.HasPrefix(t.Name, "__") {
				continue
			}
			name, unmapped := logical(tmpl, env, t.Name)
			key := keyOf(name, unmapped, env)
			lt := topics[key]
			if lt == nil {
				lt = &Topic{Name: name, Unmapped: unmapped, In: make([]TopicState, n)}
				for k := range lt.In {
					lt.In[k].Environment, lt.In[k].Cluster = c.Environments[k], c.Clusters[k]
				}
				topics[key] = lt
			}
			st := &lt.In[i]
			st.Present, st.Name = true, t.Name
			st.Partitions, st.ReplicationFactor = len(t.Partitions), t.ReplicationFactor
			st.Configs = ownConfigs(t.Configs)
			st.Groups = readers[t.Name]
			st.Access = access(t.Name)
			keySubject, valueSubject := subjectsOf(s.Cluster.Name, t.Name)
			st.Key = subjectRef(subjectIn[i][keySubject], i)
			st.Value = subjectRef(subjectIn[i][valueSubject], i)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(topics)) {
		lt := topics[key]
		lt.compare(cfg)
		if lt.Drifts() {
			c.Drifting++
		}
		c.Topics = append(c.Topics, lt)
	}
	c.pairs(cfg)
	c.promotions(cfg, opts.Verdicts)
	return c
}

// logical maps an environment's name to its logical name; an unmatched name stays as it is,
// unmapped.
func logical(t config.NameTemplate, env, name string) (string, bool) {
	if l, ok := t.Logical(env, name); ok {
		return l, false
	}
	return name, true
}

// keyOf keeps unmapped names apart from logical ones and from other environments' unmapped
// names, which are never the same topic.
func keyOf(name string, unmapped bool, env string) string {
	if unmapped {
		return name + "\x00" + env
	}
	return name
}

// ownConfigs keeps the configs set on the topic itself: the overrides of the brokers' defaults.
// Snapshots from before kdocs kept sources list only non-default configs, all kept.
func ownConfigs(configs []snapshot.Config) []snapshot.Config {
	var out []snapshot.Config
	for _, c := range configs {
		if c.Source == "" || c.Source == "DYNAMIC_TOPIC_CONFIG" {
			out = append(out, c)
		}
	}
	return out
}

// groupsByTopic lists, per topic, the logical ids of the groups that commit on it or have a
// member assigned to it.
func groupsByTopic(s *snapshot.Snapshot, tmpl config.NameTemplate, env string) map[string][]string {
	out := map[string][]string{}
	for _, g := range s.Groups {
		id, _ := logical(tmpl, env, g.ID)
		seen := map[string]bool{}
		add := func(topic string) {
			if !seen[topic] {
				seen[topic] = true
				out[topic] = append(out[topic], id)
			}
		}
		for _, o := range g.Offsets {
			add(o.Topic)
		}
		for _, m := range g.Members {
			for _, a := range m.Assignments {
				add(a.Topic)
			}
		}
	}
	for t := range out {
		slices.Sort(out[t])
		out[t] = slices.Compact(out[t])
	}
	return out
}

// subjectRef is the subject's latest version in environment i, nil when it has none.
func subjectRef(ls *Subject, i int) *SubjectRef {
	if ls == nil {
		return nil
	}
	st := ls.In[i]
	latest := st.Latest()
	if latest == nil {
		return nil
	}
	return &SubjectRef{Name: st.Name, Logical: ls.Name, Latest: latest.Number, Compatibility: st.Compatibility, Fingerprint: latest.Fingerprint}
}

// fingerprint identifies a schema across registries: its type, its text with JSON whitespace
// removed (Avro and JSON Schema), and its references by logical subject and version. Ids are
// left out: each registry numbers its schemas itself.
func fingerprint(v snapshot.SchemaVersion, logicalRef func(string) string) string {
	h := sha256.New()
	h.Write([]byte(cmp.Or(v.Type, "AVRO") + "\n"))
	text := []byte(strings.TrimSpace(v.Schema))
	if v.Type != "PROTOBUF" {
		var buf bytes.Buffer
		if json.Compact(&buf, text) == nil {
			text = buf.Bytes()
		}
	}
	h.Write(text)
	for _, r := range v.References {
		h.Write([]byte("\n" + r.Name + "\x00" + logicalRef(r.Subject) + "\x00" + strconv.Itoa(r.Version)))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// compare fills the topic's differences.
func (t *Topic) compare(cfg *config.Environments) {
	// addKnown compares a property among the environments the topic is in whose value is known
	// (why is "" there); the others show why not.
	addKnown := func(list *[]Difference, prop string, value func(s TopicState) (v, why string)) {
		var vals []string
		var unknowns []bool
		differ, anyUnknown := false, false
		first, seen := "", false
		for _, s := range t.In {
			v, why := "", ""
			if s.Present {
				v, why = value(s)
				switch {
				case why != "":
					v, anyUnknown = unknown(why), true
				case !seen:
					first, seen = v, true
				case v != first:
					differ = true
				}
			}
			vals = append(vals, v)
			unknowns = append(unknowns, why != "")
		}
		if differ {
			d := Difference{Property: prop, Values: vals}
			if anyUnknown {
				d.Unknown = unknowns
			}
			*list = append(*list, d)
		}
	}
	add := func(list *[]Difference, prop string, value func(s TopicState) string) {
		addKnown(list, prop, func(s TopicState) (string, string) { return value(s), "" })
	}
	present := 0
	for _, s := range t.In {
		if s.Present {
			present++
		}
	}
	if present < len(t.In) {
		var vals []string
		for _, s := range t.In {
			vals = append(vals, map[bool]string{true: "present", false: "absent"}[s.Present])
		}
		t.Drift = append(t.Drift, Difference{Property: PropPresence, Values: vals})
	}
	add(&t.Drift, PropPartitions, func(s TopicState) string { return strconv.Itoa(s.Partitions) })
	add(&t.Drift, PropReplication, func(s TopicState) string { return strconv.Itoa(s.ReplicationFactor) })
	// Every config set on the topic in some environment, compared by its value where set and
	// "default" where not.
	var keys []string
	for _, s := range t.In {
		for _, c := range s.Configs {
			keys = append(keys, c.Name)
		}
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		list := &t.Drift
		if cfg.ExpectsDrift(k) {
			list = &t.Expected
		}
		add(list, PropConfig+k, func(s TopicState) string { return s.ConfigValue(k) })
	}
	ref := func(r *SubjectRef) string {
		if r == nil {
			return "none"
		}
		return r.Logical + " v" + strconv.Itoa(r.Latest) + " " + strings.ToLower(r.Compatibility) + " " + r.Fingerprint[:8]
	}
	add(&t.Drift, PropKey, func(s TopicState) string { return ref(s.Key) })
	add(&t.Drift, PropValue, func(s TopicState) string { return ref(s.Value) })
	add(&t.Drift, PropGroups, func(s TopicState) string { return strings.Join(s.Groups, ", ") })
	addKnown(&t.Drift, PropWritePrincipals, func(s TopicState) (string, string) { return list(s.WritePrincipals), s.ACLsUnknown })
	addKnown(&t.Drift, PropReadPrincipals, func(s TopicState) (string, string) { return list(s.ReadPrincipals), s.ACLsUnknown })
	// Observed writers depend on traffic (a dev topic nobody wrote to this week has none):
	// site.yaml may list "writers" in expectedDrift to show their differences without counting them.
	writers := &t.Drift
	if cfg.ExpectsDrift(PropWriters) {
		writers = &t.Expected
	}
	addKnown(writers, PropWriters, func(s TopicState) (string, string) { return list(s.Writers), s.WritersUnknown })
}

// compare finds the subject's conflicting versions and whether it drifts.
func (s *Subject) compare() {
	byNumber := map[int]string{}
	conflict := map[int]bool{}
	var shape, compat []string
	for _, st := range s.In {
		if !st.Present {
			s.Drift = true
			continue
		}
		var nums []string
		for _, v := range st.Versions {
			if fp, ok := byNumber[v.Number]; ok && fp != v.Fingerprint {
				conflict[v.Number] = true
			}
			byNumber[v.Number] = v.Fingerprint
			nums = append(nums, strconv.Itoa(v.Number))
		}
		shape = append(shape, strings.Join(nums, ","))
		compat = append(compat, st.Compatibility)
	}
	s.Conflicts = slices.Sorted(maps.Keys(conflict))
	if len(s.Conflicts) > 0 || len(slices.Compact(slices.Clone(shape))) > 1 || len(slices.Compact(slices.Clone(compat))) > 1 {
		s.Drift = true
	}
}

// pairs counts the topics and subjects that differ between every two environments.
func (c *Comparison) pairs(cfg *config.Environments) {
	for i := range c.Environments {
		for j := i + 1; j < len(c.Environments); j++ {
			p := Pair{From: c.Environments[i], To: c.Environments[j]}
			for _, t := range c.Topics {
				for _, d := range t.Drift {
					if d.Values[i] != d.Values[j] && d.comparable(i, j) && (d.Property == PropPresence || (t.In[i].Present && t.In[j].Present)) {
						p.Topics++
						break
					}
				}
			}
			for _, s := range c.Subjects {
				if !sameSubject(s.In[i], s.In[j]) {
					p.Subjects++
				}
			}
			c.Pairs = append(c.Pairs, p)
		}
	}
}

func sameSubject(a, b SubjectState) bool {
	if a.Present != b.Present || a.Compatibility != b.Compatibility || len(a.Versions) != len(b.Versions) {
		return false
	}
	for k := range a.Versions {
		if a.Versions[k].Number != b.Versions[k].Number || a.Versions[k].Fingerprint != b.Versions[k].Fingerprint {
			return false
		}
	}
	return true
}

// promotions lists, for each environment and the next, the subjects whose latest version in the
// earlier one has no version of the same schema in the next.
func (c *Comparison) promotions(cfg *config.Environments, verdicts map[string]Verdict) {
	for i := 0; i+1 < len(c.Environments); i++ {
		from, to := c.Environments[i], c.Environments[i+1]
		for _, s := range c.Subjects {
			latest := s.In[i].Latest()
			if latest == nil || s.Unmapped {
				continue
			}
			next := s.In[i+1]
			if slices.ContainsFunc(next.Versions, func(v Version) bool { return v.Fingerprint == latest.Fingerprint }) {
				continue
			}
			p := Promotion{From: from, To: to, Subject: s.Name, FromSubject: s.In[i].Name,
				ToSubject: cmp.Or(next.Name, cfg.SubjectTemplate(to).Name(to, s.Name)),
				Version:   *latest, Verdict: Verdict{Status: StatusNotChecked}}
			if l := next.Latest(); l != nil {
				p.ToLatest = l.Number
			} else {
				p.Verdict.Status = StatusNew
			}
			if v, ok := verdicts[PromotionKey(from, to, s.Name, latest.Fingerprint)]; ok {
				p.Verdict = v
			}
			c.Promotions = append(c.Promotions, p)
		}
	}
}
