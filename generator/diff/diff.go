// Package diff computes what changed between two snapshots of one cluster: the entries of the
// site's changelog and of `kdocs diff`. It is a pure function of the two snapshots.
//
// Each change names its resource, says how much it matters to the cluster's clients (info,
// warning, breaking) and carries one human sentence. Parts of a snapshot that could not be read
// (its Errors) are not compared, so an unreadable section never shows up as a mass removal.
package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Severities, from least to most serious.
const (
	// Info is a change worth knowing that breaks nobody.
	Info = "info"
	// Warning may hurt some clients or data: fewer replicas, shorter retention, a lagging group.
	Warning = "warning"
	// Breaking makes existing clients fail or change meaning: a topic removed, a cleanup policy
	// changed, partitions removed.
	Breaking = "breaking"
)

// Kinds of change. The strings are part of the JSON output of `kdocs diff --json`; never
// rename one.
const (
	ClusterIDChanged     = "cluster-id-changed"
	HealthChanged        = "health-changed"
	BrokerAdded          = "broker-added"
	BrokerRemoved        = "broker-removed"
	BrokerChanged        = "broker-changed"
	TopicAdded           = "topic-added"
	TopicRemoved         = "topic-removed"
	PartitionsAdded      = "partitions-added"
	PartitionsRemoved    = "partitions-removed"
	ReplicationChanged   = "replication-changed"
	ConfigAdded          = "config-added"
	ConfigRemoved        = "config-removed"
	ConfigChanged        = "config-changed"
	GroupAppeared        = "group-appeared"
	GroupDisappeared     = "group-disappeared"
	GroupStateChanged    = "group-state-changed"
	LagJump              = "lag-jump"
	ACLAdded             = "acl-added"
	ACLRemoved           = "acl-removed"
	CompatibilityChanged = "compatibility-changed"
	ModeChanged          = "mode-changed"
	SubjectAdded         = "subject-added"
	SubjectRemoved       = "subject-removed"
	SchemaVersionAdded   = "schema-version-added"
	SchemaVersionDeleted = "schema-version-deleted"
)

// DefaultLagJump is the growth of a group's total lag that counts as a change when
// Options.LagJump is zero.
const DefaultLagJump = 1000

// Change is one difference between two snapshots.
type Change struct {
	// Kind is one of the kind constants, such as "topic-added".
	Kind string `json:"kind"`
	// Severity is Info, Warning or Breaking.
	Severity string `json:"severity"`
	// Resource is the resource type and its name: `cluster "prod"`, `broker 3`,
	// `topic "orders"`, `group "billing"`, `acl TOPIC LITERAL "orders"`,
	// `registry "http://…"`, `subject "orders-value"`. Names are quoted because they are
	// untrusted text.
	Resource string `json:"resource"`
	// Old and New are the values before and after, when the change has any: partition counts,
	// config values, states, lags, versions. Empty when there is no such value.
	Old string `json:"old"`
	New string `json:"new"`
	// Message says what changed in one sentence.
	Message string `json:"message"`
}

// Changes are sorted by resource type (cluster, broker, topic, group, acl, registry, subject),
// resource name, then kind.
type Changes []Change

// Options tune what counts as a change.
type Options struct {
	// LagJump is how much a group's total lag must grow to be a change. Zero means
	// DefaultLagJump; a negative value turns lag changes off.
	LagJump int64
}

// Compare lists what changed from before to after, two snapshots of the same cluster. A nil
// snapshot counts as an empty one. Neither snapshot is modified.
func Compare(before, after *snapshot.Snapshot, opts Options) Changes {
	if before == nil {
		before = &snapshot.Snapshot{}
	}
	if after == nil {
		after = &snapshot.Snapshot{}
	}
	if opts.LagJump == 0 {
		opts.LagJump = DefaultLagJump
	}
	d := &differ{before: before, after: after, opts: opts,
		oldGaps: gapsOf(before), newGaps: gapsOf(after)}
	d.cluster()
	// An unreachable cluster has no brokers, topics or groups to compare: its health change
	// says everything.
	if !d.oldGaps.cluster && !d.newGaps.cluster {
		d.brokers()
		d.topics()
		d.groups()
	}
	d.acls()
	d.registry()
	d.connect()
	sortChanges(d.out)
	if d.out == nil {
		d.out = Changes{}
	}
	return d.out
}

// differ accumulates the changes of one comparison.
type differ struct {
	before, after    *snapshot.Snapshot
	opts             Options
	oldGaps, newGaps gaps
	out              Changes
}

func (d *differ) add(kind, severity, resource, before, after, format string, args ...any) {
	d.out = append(d.out, Change{Kind: kind, Severity: severity, Resource: resource,
		Old: before, New: after, Message: fmt.Sprintf(format, args...)})
}

// unreadable reports whether either snapshot could not read the resource in scope.
func (d *differ) unreadable(scope, resource string) bool {
	return d.oldGaps.has(scope, resource) || d.newGaps.has(scope, resource)
}

// gaps indexes what a snapshot could not read, from its Errors.
type gaps struct {
	cluster bool                // the cluster could not be reached at all
	scoped  map[string][]string // scope → resources with errors ("" for the whole section)
}

func gapsOf(s *snapshot.Snapshot) gaps {
	g := gaps{scoped: map[string][]string{}}
	for _, e := range s.Errors {
		resource := e.Resource
		switch e.Scope {
		case "cluster":
			g.cluster = true
		case "configs":
			// A failed batch names its first and last topic: it counts for every topic.
			if s.Topic(resource) == nil {
				resource = ""
			}
		case "groups":
			// A broker whose groups could not be listed: any group may be missing.
			if s.Group(resource) == nil {
				resource = ""
			}
		}
		g.scoped[e.Scope] = append(g.scoped[e.Scope], resource)
	}
	return g
}

// has reports whether scope has an error for resource, or one for the whole section.
func (g gaps) has(scope, resource string) bool {
	for _, r := range g.scoped[scope] {
		if r == "" || r == resource {
			return true
		}
	}
	return false
}

// Resource names. Untrusted names are quoted so that a newline or a space in a topic name
// cannot forge a line of the text output or another resource.
func clusterResource(name string) string { return "cluster " + strconv.Quote(name) }
func brokerResource(id int32) string     { return fmt.Sprintf("broker %d", id) }
func topicResource(name string) string   { return "topic " + strconv.Quote(name) }
func groupResource(id string) string     { return "group " + strconv.Quote(id) }
func registryResource(url string) string { return "registry " + strconv.Quote(url) }
func subjectResource(name string) string { return "subject " + strconv.Quote(name) }
func aclResource(a snapshot.ACL) string {
	return fmt.Sprintf("acl %s %s %s", a.ResourceType, a.PatternType, strconv.Quote(a.ResourceName))
}

// resourceTypes orders resource types from the cluster outwards.
var resourceTypes = []string{"cluster", "broker", "topic", "group", "acl", "registry", "subject"}

func resourceRank(typ string) int {
	if i := slices.Index(resourceTypes, typ); i >= 0 {
		return i
	}
	return len(resourceTypes)
}

// compareResources orders by resource type, then name; broker ids compare as numbers so that
// broker 10 follows broker 9.
func compareResources(a, b string) int {
	at, an, _ := strings.Cut(a, " ")
	bt, bn, _ := strings.Cut(b, " ")
	if c := cmp.Compare(resourceRank(at), resourceRank(bt)); c != 0 {
		return c
	}
	if c := cmp.Compare(at, bt); c != 0 {
		return c
	}
	ai, aerr := strconv.Atoi(an)
	bi, berr := strconv.Atoi(bn)
	if aerr == nil && berr == nil {
		return cmp.Compare(ai, bi)
	}
	return cmp.Compare(unquote(an), unquote(bn))
}

// unquote returns a quoted name as it is, so that names sort by their own characters rather
// than by their escapes.
func unquote(name string) string {
	if u, err := strconv.Unquote(name); err == nil {
		return u
	}
	return name
}

// sortChanges orders changes by resource, then kind; the remaining fields break ties so that
// the order never depends on the order the changes were found in.
func sortChanges(cs Changes) {
	slices.SortFunc(cs, func(a, b Change) int {
		return cmp.Or(compareResources(a.Resource, b.Resource), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Message, b.Message), cmp.Compare(a.Old, b.Old), cmp.Compare(a.New, b.New),
			cmp.Compare(a.Severity, b.Severity))
	})
}

// sortedKeys returns the keys of m in order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// union returns the keys of both maps in order.
func union[K cmp.Ordered, V any](a, b map[K]V) []K {
	seen := make(map[K]struct{}, len(a)+len(b))
	for k := range a {
		seen[k] = struct{}{}
	}
	for k := range b {
		seen[k] = struct{}{}
	}
	return sortedKeys(seen)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
