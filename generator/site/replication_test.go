package site

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func topicsSnapshot(cluster string, topics ...string) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: cluster, ControllerID: -1}}
	for _, t := range topics {
		s.Topics = append(s.Topics, snapshot.Topic{Name: t})
	}
	s.Normalize()
	return s
}

func TestReplicationDetected(t *testing.T) {
	primary := topicsSnapshot("primary", "orders.placed", "payments.settled", "mm2-offset-syncs.dr.internal", "dr.orders.placed")
	dr := topicsSnapshot("dr", "primary.orders.placed", "primary.payments.settled", "primary.checkpoints.internal",
		"primary.heartbeats", "heartbeats", "orders.placed", "mm2-offset-syncs.primary.internal")
	// A third cluster whose topics start with a domain, never an alias: no flow.
	other := topicsSnapshot("other", "orders.placed", "payments.x")
	// MirrorMaker 2 to a cluster kdocs does not document: its alias comes from offset-syncs.
	edge := topicsSnapshot("edge", "mm2-offset-syncs.cloud.internal", "metrics")

	s, err := Build("Acme", []*snapshot.Snapshot{primary, dr, other, edge}, nil)
	require.NoError(t, err)
	p := s.Page(ReplicationPath)
	require.NotNil(t, p)
	assert.Contains(t, s.Nav, NavItem{Title: "Replication", Path: ReplicationPath})
	assert.Equal(t, &Link{Title: "Replication", Path: ReplicationPath}, s.Page(HomePath).Data.(*HomeData).Replication)
	d := p.Data.(*ReplicationData)
	require.Len(t, d.Flows, 2)

	f := d.Flows[0]
	assert.Equal(t, Link{Title: "primary", Path: "clusters/primary/index"}, f.From)
	assert.Equal(t, Link{Title: "dr", Path: "clusters/dr/index"}, f.To)
	assert.Equal(t, ActiveActive, f.Mode, "remote topics both ways")
	assert.True(t, f.Detected)
	assert.False(t, f.Declared)
	assert.Equal(t, []Link{{Title: "primary.orders.placed", Path: "clusters/dr/topics/primary.orders.placed"},
		{Title: "primary.payments.settled", Path: "clusters/dr/topics/primary.payments.settled"}}, f.Topics)
	assert.Equal(t, []Link{{Title: "dr.orders.placed", Path: "clusters/primary/topics/dr.orders.placed"}}, f.Back)
	assert.Contains(t, f.Evidence, "primary.checkpoints.internal on dr")

	f = d.Flows[1]
	assert.Equal(t, Link{Title: "edge", Path: "clusters/edge/index"}, f.From)
	assert.Equal(t, Link{Title: "cloud"}, f.To, "an alias kdocs does not document is named, not linked")
	assert.Equal(t, ActivePassive, f.Mode)
	assert.Empty(t, f.Topics)

	assert.True(t, diagram.Fits(d.Diagram.Text))
	assert.Contains(t, d.Diagram.Text, `n1 <-->|"3 topics"| n2`)
	assert.Contains(t, d.Diagram.Text, `n3 --> n4`)
}

func TestReplicationDeclared(t *testing.T) {
	a := topicsSnapshot("a", "orders.placed")
	b := topicsSnapshot("b", "a.orders.placed")
	c := topicsSnapshot("c")
	s, err := BuildEstate("Acme", []*snapshot.Snapshot{a, b, c}, nil, Estate{Replication: []DeclaredReplication{
		{From: "a", To: "b", Topics: `orders\..*`, Mode: ActivePassive},
		{From: "b", To: "c", Topics: ".*", Mode: ActiveActive},
	}})
	require.NoError(t, err)
	d := s.Page(ReplicationPath).Data.(*ReplicationData)
	require.Len(t, d.Flows, 2)
	assert.True(t, d.Flows[0].Declared && d.Flows[0].Detected)
	assert.Equal(t, []Declaration{{From: "a", To: "b", Mode: ActivePassive, Topics: `orders\..*`}}, d.Flows[0].Declarations)
	assert.Equal(t, ActivePassive, d.Flows[0].Mode)
	assert.True(t, d.Flows[1].Declared)
	assert.False(t, d.Flows[1].Detected)
	assert.Equal(t, ActiveActive, d.Flows[1].Mode)
	assert.Contains(t, d.Diagram.Text, `n1 -->|"1 topic"| n2`)
	assert.Contains(t, d.Diagram.Text, `n2 <-.->|".\*"| n3`, "declared only: dotted, two-way")
}

func TestNoReplicationNoPage(t *testing.T) {
	s, err := Build("Acme", []*snapshot.Snapshot{topicsSnapshot("a", "orders.placed", "heartbeats"), topicsSnapshot("b", "orders.placed")}, nil)
	require.NoError(t, err)
	assert.Nil(t, s.Page(ReplicationPath))
	assert.Nil(t, s.Page(HomePath).Data.(*HomeData).Replication)
	for _, n := range s.Nav {
		assert.NotEqual(t, "Replication", n.Title)
	}
}

// mirrorTarget is a target cluster whose Connect cluster runs MirrorMaker 2's source connector
// from alias, with the remote topics given present.
func mirrorTarget(cluster, alias string, remote ...string) *snapshot.Snapshot {
	s := topicsSnapshot(cluster, append([]string{alias + ".checkpoints.internal", "heartbeats"}, remote...)...)
	mm := func(role string) *snapshot.MirrorMaker {
		return &snapshot.MirrorMaker{Role: role, SourceAlias: alias, TargetAlias: cluster, Topics: `orders\..*`,
			ReplicationPolicy: "org.apache.kafka.connect.mirror.DefaultReplicationPolicy", Separator: "."}
	}
	s.Connect = []snapshot.ConnectCluster{{Name: "mirror", Connectors: []snapshot.Connector{
		{Name: "mm2-source", Type: "source", State: "RUNNING", Topics: remote, MirrorMaker: mm(snapshot.MirrorSource)},
		{Name: "mm2-checkpoint", Type: "source", State: "RUNNING", MirrorMaker: mm(snapshot.MirrorCheckpoint)},
	}}}
	s.Normalize()
	return s
}

// TestReplicaTopicsLinkBothWays: a discovered flow tells the remote topic's page what it copies
// and the source topic's page where its copies are; a flow from a cluster kdocs does not
// document names the source without a link; a topic only named like a copy gets neither.
func TestReplicaTopicsLinkBothWays(t *testing.T) {
	primary := topicsSnapshot("primary", "orders.placed", "orders.paid", "mm2-offset-syncs.dr.internal")
	dr := mirrorTarget("dr", "primary", "primary.orders.placed")
	// Named like a copy from primary, but no connector kdocs reads copies it: a guess, shown on
	// the replication page, not on topic pages.
	backup := topicsSnapshot("backup", "primary.orders.paid")
	edge := mirrorTarget("edge", "cloud", "cloud.orders.placed")

	s, err := Build("Acme", []*snapshot.Snapshot{primary, dr, backup, edge}, nil)
	require.NoError(t, err)
	topic := func(cluster, name string) *TopicData {
		p := s.Page("clusters/" + cluster + "/topics/" + name)
		require.NotNil(t, p, cluster+"/"+name)
		return p.Data.(*TopicData)
	}
	connector := Link{Title: "mm2-source", Path: "clusters/dr/connect/mirror/mm2-source"}
	assert.Equal(t, &TopicReplica{Cluster: Link{Title: "primary", Path: "clusters/primary/index"},
		Topic: Link{Title: "orders.placed", Path: "clusters/primary/topics/orders.placed"}, Connector: connector, Connect: "mirror"},
		topic("dr", "primary.orders.placed").ReplicaOf)
	assert.Equal(t, []TopicReplica{{Cluster: Link{Title: "dr", Path: "clusters/dr/index"},
		Topic: Link{Title: "primary.orders.placed", Path: "clusters/dr/topics/primary.orders.placed"}, Connector: connector, Connect: "mirror"}},
		topic("primary", "orders.placed").ReplicatedTo)

	assert.Nil(t, topic("backup", "primary.orders.paid").ReplicaOf, "guessed from the name only")
	assert.Empty(t, topic("primary", "orders.paid").ReplicatedTo)
	assert.Nil(t, topic("dr", "heartbeats").ReplicaOf)

	cloud := topic("edge", "cloud.orders.placed").ReplicaOf
	require.NotNil(t, cloud)
	assert.Equal(t, Link{Title: "cloud"}, cloud.Cluster, "an alias kdocs does not document is named, not linked")
	assert.Equal(t, Link{Title: "orders.placed"}, cloud.Topic)
}
