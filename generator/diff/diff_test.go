package diff

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// base is a small healthy cluster with one of everything Compare looks at. Every call returns
// a fresh copy, so cases can change it freely.
func base() *snapshot.Snapshot {
	part := func(id int32) snapshot.Partition {
		return snapshot.Partition{ID: id, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}}
	}
	return &snapshot.Snapshot{
		Format:  snapshot.Format,
		TakenAt: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "prod", ID: "c1", Brokers: []snapshot.Broker{
			{ID: 1, Host: "b1", Port: 9092, Configs: []snapshot.Config{{Name: "num.io.threads", Value: "8", Source: "STATIC_BROKER_CONFIG"}}},
			{ID: 2, Host: "b2", Port: 9092},
			{ID: 3, Host: "b3", Port: 9092},
		}},
		Topics: []snapshot.Topic{
			{Name: "orders", ReplicationFactor: 3, Partitions: []snapshot.Partition{part(0), part(1), part(2)},
				Configs: []snapshot.Config{
					{Name: "retention.ms", Value: "86400000", Source: "DYNAMIC_TOPIC_CONFIG"},
					{Name: "sasl.secret", Sensitive: true, Source: "DYNAMIC_TOPIC_CONFIG"},
				}},
			{Name: "payments", ReplicationFactor: 3, Partitions: []snapshot.Partition{part(0)}},
		},
		Groups: []snapshot.Group{{ID: "billing", State: "Stable", TotalLag: 10}},
		ACLs: &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{
			{ResourceType: "TOPIC", ResourceName: "orders", PatternType: "LITERAL", Principal: "User:billing", Host: "*", Operation: "READ", Permission: "ALLOW"},
		}},
		Registry: &snapshot.Registry{URL: "http://registry", Compatibility: "BACKWARD", Subjects: []snapshot.Subject{
			{Name: "orders-value", Versions: []snapshot.SchemaVersion{
				{Version: 1, ID: 1, Type: "AVRO", Schema: `"string"`},
				{Version: 2, ID: 5, Type: "AVRO", Schema: `"int"`},
			}},
			{Name: "payments-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 2, Schema: `"string"`}}},
		}},
	}
}

func TestCompareChangeKinds(t *testing.T) {
	cases := []struct {
		name   string
		opts   Options
		before func(s *snapshot.Snapshot) // optional, on the old snapshot
		after  func(s *snapshot.Snapshot) // on the new snapshot
		// want lists the expected changes in order; each Message is a fragment the actual
		// message must contain.
		want []Change
	}{
		{name: "identical", after: func(*snapshot.Snapshot) {}},
		{name: "topic added",
			after: func(s *snapshot.Snapshot) {
				s.Topics = append(s.Topics, snapshot.Topic{Name: "audit", ReplicationFactor: 2, Partitions: []snapshot.Partition{{Leader: 1}}})
			},
			want: []Change{{Kind: TopicAdded, Severity: Info, Resource: `topic "audit"`, Message: "created with 1 partition and replication factor 2"}}},
		{name: "topic removed",
			after: func(s *snapshot.Snapshot) { s.Topics = s.Topics[:1] },
			want:  []Change{{Kind: TopicRemoved, Severity: Breaking, Resource: `topic "payments"`, Message: "deleted (it had 1 partition)"}}},
		{name: "partitions added",
			after: func(s *snapshot.Snapshot) {
				s.Topics[0].Partitions = append(s.Topics[0].Partitions, snapshot.Partition{ID: 3, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}})
			},
			want: []Change{{Kind: PartitionsAdded, Severity: Warning, Resource: `topic "orders"`, Old: "3", New: "4", Message: "partitions went from 3 to 4"}}},
		{name: "partitions removed: the topic was recreated",
			after: func(s *snapshot.Snapshot) { s.Topics[0].Partitions = s.Topics[0].Partitions[:1] },
			want:  []Change{{Kind: PartitionsRemoved, Severity: Breaking, Resource: `topic "orders"`, Old: "3", New: "1", Message: "deleted and created again"}}},
		{name: "replication lowered",
			after: func(s *snapshot.Snapshot) { s.Topics[1].ReplicationFactor = 2 },
			want:  []Change{{Kind: ReplicationChanged, Severity: Warning, Resource: `topic "payments"`, Old: "3", New: "2", Message: "replication factor went from 3 to 2"}}},
		{name: "replication raised",
			before: func(s *snapshot.Snapshot) { s.Topics[1].ReplicationFactor = 2 },
			after:  func(*snapshot.Snapshot) {},
			want:   []Change{{Kind: ReplicationChanged, Severity: Info, Resource: `topic "payments"`, Old: "2", New: "3", Message: "from 2 to 3"}}},
		{name: "retention lowered",
			after: func(s *snapshot.Snapshot) { s.Topics[0].Configs[0].Value = "3600000" },
			want: []Change{{Kind: ConfigChanged, Severity: Warning, Resource: `topic "orders"`, Old: "86400000", New: "3600000",
				Message: "retention.ms changed from 86400000 to 3600000: records are deleted sooner"}}},
		{name: "retention made unlimited",
			after: func(s *snapshot.Snapshot) { s.Topics[0].Configs[0].Value = "-1" },
			want:  []Change{{Kind: ConfigChanged, Severity: Info, Resource: `topic "orders"`, Old: "86400000", New: "-1", Message: "retention.ms changed from 86400000 to -1"}}},
		{name: "config back to the default",
			after: func(s *snapshot.Snapshot) { s.Topics[0].Configs = s.Topics[0].Configs[1:] },
			// The default (7 days) keeps records longer than the override did: nobody loses.
			want: []Change{{Kind: ConfigRemoved, Severity: Info, Resource: `topic "orders"`, Old: "86400000", Message: "retention.ms back to the default (was 86400000)"}}},
		{name: "compaction set",
			after: func(s *snapshot.Snapshot) {
				s.Topics[1].Configs = []snapshot.Config{{Name: "cleanup.policy", Value: "compact"}, {Name: "segment.ms", Value: "1000"}}
			},
			want: []Change{
				{Kind: ConfigAdded, Severity: Breaking, Resource: `topic "payments"`, New: "compact", Message: "cleanup.policy set to compact (was the default): compaction"},
				{Kind: ConfigAdded, Severity: Info, Resource: `topic "payments"`, New: "1000", Message: "segment.ms set to 1000 (was the default)"},
			}},
		{name: "min.insync.replicas raised",
			after: func(s *snapshot.Snapshot) {
				s.Topics[1].Configs = []snapshot.Config{{Name: "min.insync.replicas", Value: "2"}}
			},
			want: []Change{{Kind: ConfigAdded, Severity: Warning, Resource: `topic "payments"`, New: "2", Message: "acks=all"}}},
		{name: "odd config values are quoted",
			after: func(s *snapshot.Snapshot) {
				s.Topics[1].Configs = []snapshot.Config{{Name: "x", Value: "a\nb"}}
			},
			want: []Change{{Kind: ConfigAdded, Severity: Info, Resource: `topic "payments"`, New: "a\nb", Message: `x set to "a\nb"`}}},
		{name: "sensitive config cannot be compared, only its presence",
			after: func(s *snapshot.Snapshot) { s.Topics[0].Configs[1].Source = "DYNAMIC_DEFAULT_BROKER_CONFIG" },
		},
		{name: "broker config changed",
			after: func(s *snapshot.Snapshot) { s.Cluster.Brokers[0].Configs[0].Value = "16" },
			want:  []Change{{Kind: ConfigChanged, Severity: Info, Resource: "broker 1", Old: "8", New: "16", Message: "num.io.threads changed from 8 to 16"}}},
		{name: "broker added, moved and removed",
			after: func(s *snapshot.Snapshot) {
				s.Cluster.Brokers[1].Rack = "r2"
				s.Cluster.Brokers[2] = snapshot.Broker{ID: 4, Host: "b4", Port: 9092}
			},
			want: []Change{
				{Kind: BrokerChanged, Severity: Info, Resource: "broker 2", Old: "b2:9092", New: `b2:9092 rack "r2"`, Message: `broker 2 moved from b2:9092 to b2:9092 rack "r2"`},
				{Kind: BrokerRemoved, Severity: Warning, Resource: "broker 3", Old: "b3:9092", Message: "broker 3 left the cluster"},
				{Kind: BrokerAdded, Severity: Info, Resource: "broker 4", New: "b4:9092", Message: "broker 4 joined the cluster at b4:9092"},
			}},
		{name: "health degraded",
			after: func(s *snapshot.Snapshot) { s.Topics[1].Partitions[0].ISR = []int32{1} },
			want: []Change{{Kind: HealthChanged, Severity: Warning, Resource: `cluster "prod"`, Old: "healthy", New: "degraded",
				Message: "health went from healthy to degraded: 1 under-replicated partition"}}},
		{name: "health recovered",
			before: func(s *snapshot.Snapshot) { s.Topics[1].Partitions[0].ISR = []int32{1} },
			after:  func(*snapshot.Snapshot) {},
			want:   []Change{{Kind: HealthChanged, Severity: Info, Resource: `cluster "prod"`, Old: "degraded", New: "healthy", Message: "health went from degraded to healthy"}}},
		{name: "cluster down: its contents are not compared",
			after: func(s *snapshot.Snapshot) {
				s.Cluster.Brokers, s.Topics, s.Groups = nil, nil, nil
				s.Errors = []snapshot.Error{{Scope: "cluster", Message: "dial tcp: refused"}}
			},
			want: []Change{{Kind: HealthChanged, Severity: Breaking, Resource: `cluster "prod"`, Old: "healthy", New: "down", Message: "cluster unreachable: dial tcp: refused"}}},
		{name: "cluster id changed",
			after: func(s *snapshot.Snapshot) { s.Cluster.ID = "c2" },
			want:  []Change{{Kind: ClusterIDChanged, Severity: Breaking, Resource: `cluster "prod"`, Old: "c1", New: "c2", Message: "recreated"}}},
		{name: "group appeared and disappeared",
			after: func(s *snapshot.Snapshot) { s.Groups = []snapshot.Group{{ID: "audit", State: "Empty"}} },
			want: []Change{
				{Kind: GroupAppeared, Severity: Info, Resource: `group "audit"`, New: "Empty", Message: "consumer group appeared (Empty)"},
				{Kind: GroupDisappeared, Severity: Warning, Resource: `group "billing"`, Old: "Stable", Message: "consumer group is gone (it was Stable)"},
			}},
		{name: "group stopped consuming",
			after: func(s *snapshot.Snapshot) { s.Groups[0].State = "Empty" },
			want:  []Change{{Kind: GroupStateChanged, Severity: Warning, Resource: `group "billing"`, Old: "Stable", New: "Empty", Message: "no member consumes"}}},
		{name: "group resumed",
			before: func(s *snapshot.Snapshot) { s.Groups[0].State = "Empty" },
			after:  func(*snapshot.Snapshot) {},
			want:   []Change{{Kind: GroupStateChanged, Severity: Info, Resource: `group "billing"`, Old: "Empty", New: "Stable", Message: "state went from Empty to Stable"}}},
		{name: "group that could not be described is not compared",
			after: func(s *snapshot.Snapshot) { s.Groups[0].State, s.Groups[0].TotalLag = "Unknown", 0 },
		},
		{name: "lag jump",
			after: func(s *snapshot.Snapshot) { s.Groups[0].TotalLag = 1010 },
			want:  []Change{{Kind: LagJump, Severity: Warning, Resource: `group "billing"`, Old: "10", New: "1010", Message: "total lag grew by 1000, from 10 to 1010"}}},
		{name: "lag growth below the default threshold",
			after: func(s *snapshot.Snapshot) { s.Groups[0].TotalLag = 1009 }},
		{name: "lag growth above a custom threshold",
			opts:  Options{LagJump: 5},
			after: func(s *snapshot.Snapshot) { s.Groups[0].TotalLag = 15 },
			want:  []Change{{Kind: LagJump, Severity: Warning, Resource: `group "billing"`, Old: "10", New: "15", Message: "grew by 5"}}},
		{name: "lag jumps turned off",
			opts:  Options{LagJump: -1},
			after: func(s *snapshot.Snapshot) { s.Groups[0].TotalLag = 1_000_000 }},
		{name: "acl added and removed",
			after: func(s *snapshot.Snapshot) {
				s.ACLs.Entries[0].Operation = "WRITE"
			},
			want: []Change{
				{Kind: ACLAdded, Severity: Info, Resource: `acl TOPIC LITERAL "orders"`, New: `"User:billing" ALLOW WRITE from host "*"`, Message: "ACL added"},
				{Kind: ACLRemoved, Severity: Warning, Resource: `acl TOPIC LITERAL "orders"`, Old: `"User:billing" ALLOW READ from host "*"`, Message: "ACL removed"},
			}},
		{name: "acls that could not be read are not compared",
			after: func(s *snapshot.Snapshot) { s.ACLs = &snapshot.ACLSection{Reason: "no authorizer"} }},
		{name: "registry compatibility and mode",
			after: func(s *snapshot.Snapshot) { s.Registry.Compatibility, s.Registry.Mode = "NONE", "READONLY" },
			want: []Change{
				{Kind: CompatibilityChanged, Severity: Warning, Resource: `registry "http://registry"`, Old: "BACKWARD", New: "NONE", Message: "compatibility went from BACKWARD to NONE: any schema"},
				{Kind: ModeChanged, Severity: Warning, Resource: `registry "http://registry"`, New: "READONLY", Message: "mode went from unset to READONLY"},
			}},
		{name: "subject compatibility override",
			after: func(s *snapshot.Snapshot) { s.Registry.Subjects[0].Compatibility = "FULL" },
			want: []Change{{Kind: CompatibilityChanged, Severity: Info, Resource: `subject "orders-value"`, New: "FULL",
				Message: "compatibility went from the default (the registry's) to FULL"}}},
		{name: "subjects and versions",
			after: func(s *snapshot.Snapshot) {
				orders := &s.Registry.Subjects[0]
				orders.Versions[0].Deleted = true
				orders.Versions = append(orders.Versions, snapshot.SchemaVersion{Version: 3, ID: 9, Type: "AVRO"})
				s.Registry.Subjects[1] = snapshot.Subject{Name: "audit-value", Versions: []snapshot.SchemaVersion{{Version: 2, ID: 10}, {Version: 1, ID: 7}}}
			},
			want: []Change{
				{Kind: SubjectAdded, Severity: Info, Resource: `subject "audit-value"`, New: "2", Message: "subject registered with 2 versions"},
				{Kind: SchemaVersionAdded, Severity: Info, Resource: `subject "orders-value"`, New: "3", Message: "version 3 registered (schema id 9, AVRO)"},
				{Kind: SchemaVersionDeleted, Severity: Warning, Resource: `subject "orders-value"`, Old: "1", Message: "version 1 soft-deleted"},
				{Kind: SubjectRemoved, Severity: Warning, Resource: `subject "payments-value"`, Message: "subject deleted"},
			}},
		{name: "a version the registry finds incompatible is breaking",
			after: func(s *snapshot.Snapshot) {
				s.Registry.Subjects[0].Versions = append(s.Registry.Subjects[0].Versions, snapshot.SchemaVersion{Version: 3, ID: 9, Type: "AVRO",
					Verdict: &snapshot.Verdict{Against: 2, Level: "NONE", Status: snapshot.VerdictIncompatible}})
			},
			want: []Change{{Kind: SchemaVersionAdded, Severity: Breaking, Resource: `subject "orders-value"`, New: "3",
				Message: "version 3 registered (schema id 9, AVRO), which the registry finds incompatible with version 2 under NONE"}}},
		{name: "version hard-deleted",
			after: func(s *snapshot.Snapshot) { s.Registry.Subjects[0].Versions = s.Registry.Subjects[0].Versions[1:] },
			want:  []Change{{Kind: SchemaVersionDeleted, Severity: Warning, Resource: `subject "orders-value"`, Old: "1", Message: "version 1 deleted"}}},
		{name: "registry no longer configured",
			after: func(s *snapshot.Snapshot) { s.Registry = nil }},
		{name: "registry unreadable",
			after: func(s *snapshot.Snapshot) {
				s.Registry.Subjects = nil
				s.Errors = []snapshot.Error{{Scope: "registry", Resource: "http://registry", Message: "timeout"}}
			},
			want: []Change{{Kind: HealthChanged, Severity: Warning, Resource: `cluster "prod"`, Old: "healthy", New: "degraded", Message: "snapshot is partial"}}},
		{name: "topic configs unreadable",
			after: func(s *snapshot.Snapshot) {
				s.Topics[0].Configs = nil
				s.Errors = []snapshot.Error{{Scope: "configs", Resource: "orders", Message: "timeout"}}
			},
			want: []Change{{Kind: HealthChanged, Severity: Warning, Resource: `cluster "prod"`, New: "degraded", Old: "healthy", Message: "partial"}}},
		{name: "a batch of topic configs unreadable",
			before: func(s *snapshot.Snapshot) {
				s.Errors = []snapshot.Error{{Scope: "configs", Resource: "orders … payments (2 topics)", Message: "timeout"}}
			},
			after: func(s *snapshot.Snapshot) {
				s.Topics[0].Configs[0].Value = "1"
			},
			want: []Change{{Kind: HealthChanged, Severity: Info, Resource: `cluster "prod"`, Old: "degraded", New: "healthy", Message: "health went from degraded to healthy"}}},
		{name: "groups of a broker unlisted",
			before: func(s *snapshot.Snapshot) {
				s.Errors = []snapshot.Error{{Scope: "groups", Resource: "broker 2", Message: "timeout"}}
			},
			after: func(s *snapshot.Snapshot) {
				s.Groups = []snapshot.Group{{ID: "audit", State: "Empty"}}
				s.Errors = []snapshot.Error{{Scope: "groups", Resource: "broker 2", Message: "timeout"}}
			},
		},
		{name: "group unreadable",
			before: func(s *snapshot.Snapshot) {
				s.Errors = []snapshot.Error{{Scope: "groups", Resource: "billing", Message: "lag unknown"}}
			},
			after: func(s *snapshot.Snapshot) {
				s.Groups[0].TotalLag = 1_000_000
				s.Errors = []snapshot.Error{{Scope: "groups", Resource: "billing", Message: "lag unknown"}}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, after := base(), base()
			if c.before != nil {
				c.before(before)
			}
			c.after(after)
			got := Compare(before, after, c.opts)
			require.NotNil(t, got, "no changes is an empty list, which encodes as []")
			require.Len(t, got, len(c.want), "%+v", got)
			for i, w := range c.want {
				g := got[i]
				assert.Contains(t, g.Message, w.Message, "change %d", i)
				g.Message, w.Message = "", ""
				assert.Equal(t, w, g, "change %d", i)
			}
		})
	}
}

func TestCompareIsDeterministicAndSorted(t *testing.T) {
	build := func(reverse bool) (*snapshot.Snapshot, *snapshot.Snapshot) {
		before, after := base(), base()
		before.Cluster.Brokers = append(before.Cluster.Brokers, snapshot.Broker{ID: 10, Host: "b10", Port: 1})
		after.Cluster.Brokers = append(after.Cluster.Brokers, snapshot.Broker{ID: 9, Host: "b9", Port: 1})
		after.Topics[1].ReplicationFactor = 2
		after.Topics[0].Configs[0].Value = "1"
		after.Topics[0].Configs = append(after.Topics[0].Configs, snapshot.Config{Name: "a.config", Value: "x"})
		after.Topics = append(after.Topics, snapshot.Topic{Name: "a-new", Partitions: []snapshot.Partition{{Leader: 1}}})
		after.Groups[0].State = "Empty"
		after.Groups = append(after.Groups, snapshot.Group{ID: "a-group", State: "Stable"})
		after.Registry.Subjects[0].Compatibility = "NONE"
		after.Registry.Compatibility = "FULL"
		if reverse {
			for _, s := range []*snapshot.Snapshot{before, after} {
				slices.Reverse(s.Cluster.Brokers)
				slices.Reverse(s.Topics)
				slices.Reverse(s.Groups)
				slices.Reverse(s.Registry.Subjects)
				for i := range s.Topics {
					slices.Reverse(s.Topics[i].Configs)
				}
			}
		}
		return before, after
	}
	before, after := build(false)
	got := Compare(before, after, Options{})
	var order []string
	for _, c := range got {
		order = append(order, c.Resource+" "+c.Kind)
	}
	assert.Equal(t, []string{
		"broker 9 broker-added",
		"broker 10 broker-removed",
		`topic "a-new" topic-added`,
		`topic "orders" config-added`,
		`topic "orders" config-changed`,
		`topic "payments" replication-changed`,
		`group "a-group" group-appeared`,
		`group "billing" group-state-changed`,
		`registry "http://registry" compatibility-changed`,
		`subject "orders-value" compatibility-changed`,
	}, order)

	// The same states listed in another order give the same changes, and the inputs are left
	// as they were.
	b2, a2 := build(true)
	again := Compare(b2, a2, Options{})
	assert.Equal(t, got, again)
	b3, a3 := build(true)
	assert.Equal(t, b3, b2, "Compare must not modify the old snapshot")
	assert.Equal(t, a3, a2, "Compare must not modify the new snapshot")
}

func TestCompareNilSnapshots(t *testing.T) {
	got := Compare(nil, base(), Options{})
	var kinds []string
	for _, c := range got {
		kinds = append(kinds, c.Kind)
	}
	// Nothing → a healthy cluster: everything appears, and it came up.
	assert.Contains(t, kinds, HealthChanged)
	assert.Contains(t, kinds, TopicAdded)
	assert.Contains(t, kinds, BrokerAdded)
	assert.Contains(t, kinds, GroupAppeared)
	assert.Equal(t, Changes{}, Compare(nil, nil, Options{}))
}

func TestChangeJSONFieldNames(t *testing.T) {
	data, err := json.Marshal(Changes{{Kind: TopicAdded, Severity: Info, Resource: `topic "a"`, Message: "m"}})
	require.NoError(t, err)
	assert.JSONEq(t, `[{"kind":"topic-added","severity":"info","resource":"topic \"a\"","old":"","new":"","message":"m"}]`, string(data))
	data, err = json.Marshal(Compare(base(), base(), Options{}))
	require.NoError(t, err)
	assert.Equal(t, "[]", string(data))
}

func TestCompareResources(t *testing.T) {
	ordered := []string{`cluster "z"`, "broker 9", "broker 10", `topic "a"`, `topic "a b"`, `topic "a-b"`, `group "a"`, `acl TOPIC LITERAL "a"`, `registry "http://r"`, `subject "a"`, "unknown x"}
	shuffled := slices.Clone(ordered)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, compareResources)
	assert.Equal(t, ordered, shuffled)
}

func TestConnectChanges(t *testing.T) {
	cc := func(version string, ks ...snapshot.Connector) []snapshot.ConnectCluster {
		return []snapshot.ConnectCluster{{Name: "cdc", Version: version, Connectors: ks}}
	}
	src := snapshot.Connector{Name: "src", Class: "a.Source", State: "RUNNING", Tasks: []snapshot.ConnectorTask{{ID: 0, State: "RUNNING"}}}
	failed := src
	failed.Tasks = []snapshot.ConnectorTask{{ID: 0, State: "FAILED"}}
	sink := snapshot.Connector{Name: "sink", Class: "b.Sink", State: "RUNNING"}
	before := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "p"}, Connect: cc("4.1.1", src, sink)}
	after := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "p"}, Connect: cc("4.1.1", failed, snapshot.Connector{Name: "new", Class: "c.Sink", State: "RUNNING"})}
	var kinds []string
	for _, c := range Compare(before, after, Options{}) {
		kinds = append(kinds, c.Kind+" "+c.Severity+" "+c.Resource)
	}
	assert.ElementsMatch(t, []string{
		`connector-state-changed warning connector "src" on "cdc"`,
		`connector-removed warning connector "sink" on "cdc"`,
		`connector-added info connector "new" on "cdc"`,
	}, kinds)

	// An unreadable Connect cluster on one side compares nothing.
	after.Connect = cc("")
	assert.Empty(t, Compare(before, after, Options{}))
}
