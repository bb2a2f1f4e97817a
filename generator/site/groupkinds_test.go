package site_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/render"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/templates"
	"github.com/kdocs/kdocs/themes"
)

func i32(v int32) *int32 { return &v }
func i64(v int64) *int64 { return &v }

// kindsSnapshot has a KIP-848 consumer group whose member reconciles, a streams group, a group
// kdocs could not describe, and a KRaft quorum.
func kindsSnapshot() *snapshot.Snapshot {
	snap := &snapshot.Snapshot{
		Cluster: snapshot.Cluster{Name: "prod", ControllerID: -1, Brokers: []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092}},
			Quorum: &snapshot.Quorum{Available: true, LeaderID: 2, LeaderEpoch: 7, HighWatermark: 1500, Voters: []snapshot.QuorumReplica{
				{ID: 1, LogEndOffset: 1500, LastFetchMs: i64(1796220000000), LastCaughtUpMs: i64(1796220000000)},
				{ID: 2, LogEndOffset: 1500},
				{ID: 3, LogEndOffset: 400, Lag: 1100, LastFetchMs: i64(1796219000000)},
			}},
			Features: []snapshot.Feature{{Name: "ConsumerGroupDescribe", Available: true, Version: 1},
				{Name: "StreamsGroupDescribe", Reason: "the brokers do not offer StreamsGroupDescribe"}}},
		Topics: []snapshot.Topic{{Name: "orders", ReplicationFactor: 1, Partitions: []snapshot.Partition{
			{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}, {ID: 1, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}}},
		Groups: []snapshot.Group{
			{ID: "billing", Type: "consumer", State: "Reconciling", ProtocolType: "consumer", GroupEpoch: i32(5), AssignmentEpoch: i32(5), Assignor: "uniform",
				Members: []snapshot.Member{{ID: "m-1", InstanceID: "billing-0", ClientID: "billing-app", Host: "10.0.0.7", MemberEpoch: i32(4),
					SubscribedTopics:  []string{"orders"},
					Assignments:       []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0}}},
					TargetAssignments: []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0, 1}}}}}},
			{ID: "wordcount", Type: "streams", State: "Stable", GroupEpoch: i32(2), AssignmentEpoch: i32(2), Assignor: "sticky",
				Streams: &snapshot.StreamsTopology{Epoch: 0, Subtopologies: []snapshot.Subtopology{{ID: "0", SourceTopics: []string{"orders"}}}},
				Members: []snapshot.Member{{ID: "s-1", ClientID: "wc-1", Host: "10.0.0.8", MemberEpoch: i32(2),
					Assignments: []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0, 1}}},
					Tasks:       &snapshot.StreamsTasks{ProcessID: "p", Active: []snapshot.TaskGroup{{Subtopology: "0", Partitions: []int32{0, 1}}}}}}},
			{ID: "mystery", Type: "share", State: "Unknown", NotDescribed: "not available on this Kafka version: broker does not support the ShareGroupDescribe API"},
		},
	}
	snap.Normalize()
	return snap
}

func renderPage(t *testing.T, s *site.Site, path string) string {
	theme, err := fs.Sub(themes.FS, "default")
	require.NoError(t, err)
	r, err := render.New(render.Options{Theme: theme, Templates: templates.FS, BaseURL: "/"})
	require.NoError(t, err)
	md, err := r.Markdown(s, s.Page(path))
	require.NoError(t, err)
	return string(md)
}

// Group pages say the type, epochs, assignor and, per member, its epoch, subscription and target
// assignment while it reconciles; a streams group shows its tasks and topology; an undescribed
// group says why. The catalog has a type column.
func TestGroupPagesByKind(t *testing.T) {
	s, err := site.Build("Acme", []*snapshot.Snapshot{kindsSnapshot()}, nil)
	require.NoError(t, err)

	md := renderPage(t, s, "clusters/prod/groups/billing")
	assert.Contains(t, md, "Type **consumer group (KIP-848)**")
	assert.Contains(t, md, "state **Reconciling**")
	assert.Contains(t, md, "assignor uniform · group epoch 5 · assignment epoch 5")
	assert.Contains(t, md, "| Client id | Host | Member id | Instance id | Epoch | Subscribed to | Assigned partitions | Target (reconciling) |")
	assert.Regexp(t, `\| billing-app \| 10\\\.0\.0\.7 \| m-1 \| billing-0 \| 4 \| orders \| \[orders\]\([^)]*\) 0 \| \[orders\]\([^)]*\) 0, 1 \|`, md)

	md = renderPage(t, s, "clusters/prod/groups/wordcount")
	assert.Contains(t, md, "Type **streams group (KIP-1071)**")
	assert.Contains(t, md, "active 0: 0 1")
	assert.Contains(t, md, "## Topology")

	md = renderPage(t, s, "clusters/prod/groups/mystery")
	assert.Contains(t, md, "kdocs could not describe this group, so its state and members are unknown: not available on this Kafka version")

	md = renderPage(t, s, "clusters/prod/groups/index")
	assert.Contains(t, md, "| Group | Owner | Type | State | Members | Topics | Total lag |")
	assert.Regexp(t, `\| \[billing\]\([^)]*\) \|  \| consumer \| Reconciling \| 1 \|`, md)
}

// The cluster page shows the quorum: leader, epoch, high watermark, each voter's lag and fetch
// times, the threshold, and which optional APIs the brokers answer.
func TestClusterPageShowsQuorum(t *testing.T) {
	s, err := site.Build("Acme", []*snapshot.Snapshot{kindsSnapshot()}, nil)
	require.NoError(t, err)
	md := renderPage(t, s, "clusters/prod/index")
	assert.Contains(t, md, "## KRaft quorum")
	assert.Contains(t, md, "leader **2** · epoch 7 · high watermark 1,500")
	assert.Contains(t, md, "more than 1,000 records behind")
	assert.Contains(t, md, "| 2 | leader | 1,500 | 0 |  |  |")
	assert.Contains(t, md, "| 3 | voter | 400 | 1,100 | 2026-12-02 ")
	assert.Contains(t, md, "KRaft voter 3 is 1100 records behind the quorum leader (more than 1000)")
	assert.Contains(t, md, "| StreamsGroupDescribe | no |  | the brokers do not offer StreamsGroupDescribe |")
}
