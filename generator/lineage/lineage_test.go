package lineage

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func estate() *snapshot.Snapshot {
	mm := func(role string) *snapshot.MirrorMaker {
		return &snapshot.MirrorMaker{Role: role, SourceAlias: "eu", TargetAlias: "us", Topics: "orders\\..*",
			ReplicationPolicy: "org.apache.kafka.connect.mirror.DefaultReplicationPolicy", Separator: "."}
	}
	return &snapshot.Snapshot{
		Cluster: snapshot.Cluster{Name: "us"},
		Groups:  []snapshot.Group{{ID: "billing", Offsets: []snapshot.GroupOffset{{Topic: "eu.orders.paid"}}}, {ID: "local", Offsets: []snapshot.GroupOffset{{Topic: "files"}}}},
		Topics: []snapshot.Topic{{Name: "eu.checkpoints.internal"}, {Name: "eu.orders.placed"}, {Name: "eu.orders.paid"},
			{Name: "heartbeats"}, {Name: "files"}, {Name: "europe.orders"}},
		Connect: []snapshot.ConnectCluster{{Name: "main", Connectors: []snapshot.Connector{
			{Name: "src", Type: "source", State: "RUNNING", Topics: []string{"files", "gone"}},
			{Name: "sink", Type: "sink", State: "RUNNING", Topics: []string{"files"}, SinkTopics: []string{"files"},
				Tasks: []snapshot.ConnectorTask{{ID: 0, State: "FAILED"}}},
			{Name: "mm2", Type: "source", State: "RUNNING", Topics: []string{"eu.orders.placed", "heartbeats"}, MirrorMaker: mm(snapshot.MirrorSource)},
			{Name: "mm2-cp", Type: "source", State: "RUNNING", MirrorMaker: mm(snapshot.MirrorCheckpoint)},
		}}},
	}
}

func TestConnectors(t *testing.T) {
	edges := Connectors(estate())
	by := ByTopic(edges)
	require.Len(t, by["files"], 2)
	assert.Equal(t, ConnectorEdge{Topic: "files", Connect: "main", Connector: "sink", Write: false, State: "FAILED",
		Evidence: []string{EvidenceConnectConfig, EvidenceConnectTopics}}, by["files"][0])
	assert.Equal(t, "src", by["files"][1].Connector)
	assert.True(t, by["files"][1].Write)
	assert.Empty(t, by["gone"], "a topic not in the snapshot has no edge")
	assert.Equal(t, "source", by["eu.orders.placed"][0].Mirror)
}

func TestMirrorFlows(t *testing.T) {
	flows := MirrorFlows(estate())
	require.Len(t, flows, 1)
	f := flows[0]
	assert.Equal(t, "us", f.Cluster)
	assert.Equal(t, "eu", f.SourceAlias)
	assert.Equal(t, []RemoteTopic{
		{Name: "eu.orders.paid", Source: "orders.paid", Evidence: []string{EvidenceConnectConfig}},
		{Name: "eu.orders.placed", Source: "orders.placed", Evidence: []string{EvidenceConnectConfig, EvidenceConnectTopics}},
	}, f.Remote, "europe.orders is not eu's: only <alias>.<topic> counts, and internal topics never")
	assert.Equal(t, "eu.checkpoints.internal", f.Checkpoints)
	assert.Equal(t, "heartbeats", f.Heartbeats)
	assert.Equal(t, []string{"billing"}, f.OffsetGroups)
	assert.Equal(t, []FlowConnector{{Name: "mm2", Role: "source", State: "RUNNING"}, {Name: "mm2-cp", Role: "checkpoint", State: "RUNNING"}}, f.Connectors)

	// Identity policy: names are kept, so only the connector's active topics say what is remote.
	s := estate()
	for i := range s.Connect[0].Connectors {
		if m := s.Connect[0].Connectors[i].MirrorMaker; m != nil {
			m.ReplicationPolicy = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"
		}
	}
	s.Connect[0].Connectors[2].Topics = []string{"files"}
	f = MirrorFlows(s)[0]
	assert.True(t, f.Identity)
	assert.Equal(t, []RemoteTopic{{Name: "files", Source: "files", Evidence: []string{EvidenceConnectTopics}}}, f.Remote)
}

func TestStreamsApps(t *testing.T) {
	s := &snapshot.Snapshot{
		Topics: []snapshot.Topic{{Name: "orders"}, {Name: "totals-app-KSTREAM-AGGREGATE-STATE-STORE-0000000003-changelog"},
			{Name: "totals-app-by-customer-repartition"}, {Name: "other-changelog"}, {Name: "plain-group-x"}},
		Groups: []snapshot.Group{
			{ID: "totals-app", State: "Stable", Members: []snapshot.Member{{Assignments: []snapshot.TopicPartitions{{Topic: "orders"}, {Topic: "totals-app-by-customer-repartition"}}}},
				Offsets: []snapshot.GroupOffset{{Topic: "orders", Lag: 3}, {Topic: "totals-app-by-customer-repartition"}}, TotalLag: 3},
			{ID: "plain-group", State: "Stable", Offsets: []snapshot.GroupOffset{{Topic: "orders"}}},
		},
	}
	apps := StreamsApps(s)
	require.Len(t, apps, 1, "a group without internal topics is not a Streams application")
	a := apps[0]
	assert.Equal(t, "totals-app", a.ID)
	assert.Equal(t, []string{"orders"}, a.Inputs)
	assert.Equal(t, []string{"KSTREAM-AGGREGATE-STATE-STORE-0000000003"}, a.Stores)
	assert.Equal(t, []string{"totals-app-by-customer-repartition"}, a.Repartitions)
	assert.Equal(t, 1, a.Members)
	assert.Equal(t, EvidenceStreamsNames, a.Evidence)
	app, role := StreamsAppOf(apps, "totals-app-KSTREAM-AGGREGATE-STATE-STORE-0000000003-changelog")
	assert.Equal(t, "totals-app", app)
	assert.Equal(t, "changelog of state store KSTREAM-AGGREGATE-STATE-STORE-0000000003", role)
	app, _ = StreamsAppOf(apps, "orders")
	assert.Empty(t, app)
}

// A KIP-1071 streams group describes its topology: it is used as the broker gives it, even
// before the internal topics exist, and the repartition topic it reads is no input.
func TestStreamsAppsFromStreamsGroup(t *testing.T) {
	s := &snapshot.Snapshot{
		Topics: []snapshot.Topic{{Name: "orders"}},
		Groups: []snapshot.Group{{ID: "stats", Type: snapshot.GroupStreams, State: "Stable", Members: []snapshot.Member{{ID: "m1"}},
			Streams: &snapshot.StreamsTopology{Epoch: 1, Subtopologies: []snapshot.Subtopology{
				{ID: "0", SourceTopics: []string{"orders"}, RepartitionSinks: []string{"stats-by-size-repartition"}},
				{ID: "1", SourceTopics: []string{"stats-by-size-repartition"}, RepartitionSources: []string{"stats-by-size-repartition"},
					Changelogs: []string{"stats-order-counts-changelog"}},
			}}}},
	}
	apps := StreamsApps(s)
	require.Len(t, apps, 1)
	assert.Equal(t, StreamsApp{ID: "stats", State: "Stable", Members: 1, Inputs: []string{"orders"}, Stores: []string{"order-counts"},
		Changelogs: []string{"stats-order-counts-changelog"}, Repartitions: []string{"stats-by-size-repartition"},
		Evidence: EvidenceStreamsTopology}, apps[0])
	app, role := StreamsAppOf(apps, "stats-order-counts-changelog")
	assert.Equal(t, "stats", app)
	assert.Equal(t, "changelog of state store order-counts", role)
}

// The index of internal topics finds what asking every group of every topic found, for ids
// that prefix one another and names with empty parts.
func TestStreamsAppsIndexMatchesTheNames(t *testing.T) {
	names := []string{"a-b-x-changelog", "a--repartition", "a-b-changelog", "a-changelog", "a--changelog", "-x-changelog",
		"a-b-c-repartition", "b-repartition", "a-b-repartition-changelog", "a", "a-b"}
	var topics []snapshot.Topic
	for _, n := range names {
		topics = append(topics, snapshot.Topic{Name: n})
	}
	var groups []snapshot.Group
	for _, id := range []string{"a", "a-b", "a-b-c", "", "b", "x"} {
		groups = append(groups, snapshot.Group{ID: id})
	}
	// What each group's internal topics were, by the names alone.
	want := map[string][2][]string{}
	for _, g := range groups {
		var changelogs, repartitions []string
		for _, tp := range topics {
			rest, ok := strings.CutPrefix(tp.Name, g.ID+"-")
			if !ok {
				continue
			}
			if store, ok := strings.CutSuffix(rest, "-changelog"); ok && store != "" {
				changelogs = append(changelogs, tp.Name)
			} else if strings.HasSuffix(rest, "-repartition") {
				repartitions = append(repartitions, tp.Name)
			}
		}
		if len(changelogs)+len(repartitions) > 0 {
			slices.Sort(changelogs)
			slices.Sort(repartitions)
			want[g.ID] = [2][]string{changelogs, repartitions}
		}
	}
	got := map[string][2][]string{}
	for _, a := range StreamsApps(&snapshot.Snapshot{Topics: topics, Groups: groups}) {
		got[a.ID] = [2][]string{a.Changelogs, a.Repartitions}
	}
	assert.Equal(t, want, got)
	assert.Len(t, got, 3, "a, a-b and the empty id: b-repartition names no repartition topic of b")
}
