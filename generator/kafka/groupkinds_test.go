package kafka

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestStreamsGroupOfAssignsRepartitionSources: the broker lists a sub-topology's repartition
// topics apart from its source topics, as Kafka 4.4 answers for AcmeStreams (sub-topology 1 reads
// only the repartition topic); a member's active tasks of it are assigned the repartition topic's
// partitions, which its consumer reads and commits on (TestFactsStreamsGroup).
func TestStreamsGroupOfAssignsRepartitionSources(t *testing.T) {
	sticky := "sticky"
	repartition := "app-by-size-repartition"
	dg := kmsg.StreamsGroupDescribeResponseGroup{
		Group: "app", State: "Stable", Epoch: 3, AssignmentEpoch: 3, AssignorName: &sticky,
		Topology: &kmsg.StreamsGroupDescribeResponseGroupTopology{Epoch: 0, Subtopologies: []kmsg.StreamsGroupDescribeResponseGroupTopologySubtopology{
			{SubtopologyID: "0", SourceTopics: []string{"orders"}, RepartitionSinkTopics: []string{repartition}},
			{SubtopologyID: "1", RepartitionSourceTopics: []kmsg.TopicInfo{{Topic: repartition}},
				StateChangelogTopics: []kmsg.TopicInfo{{Topic: "app-order-counts-changelog"}}},
		}},
		Members: []kmsg.StreamsGroupDescribeResponseGroupMember{{
			MemberID: "m1", MemberEpoch: 3, ClientID: "app-client-StreamThread-1-consumer", ClientHost: "/127.0.0.1", ProcessID: "p1",
			Assignment: kmsg.StreamsAssignment{ActiveTasks: []kmsg.TaskIDs{
				{SubtopologyID: "0", Partitions: []int32{1, 0}},
				{SubtopologyID: "1", Partitions: []int32{0, 1}},
			}},
		}},
	}
	var g snapshot.Group
	streamsGroupOf(&g, dg)
	assert.Equal(t, "Stable", g.State)
	assert.Equal(t, "sticky", g.Assignor)
	require.NotNil(t, g.Streams)
	assert.Equal(t, []snapshot.Subtopology{
		{ID: "0", SourceTopics: []string{"orders"}, RepartitionSinks: []string{repartition}},
		{ID: "1", Changelogs: []string{"app-order-counts-changelog"}, RepartitionSources: []string{repartition}},
	}, g.Streams.Subtopologies)
	require.Len(t, g.Members, 1)
	m := g.Members[0]
	assert.Equal(t, "127.0.0.1", m.Host)
	assert.Equal(t, []snapshot.TopicPartitions{
		{Topic: repartition, Partitions: []int32{0, 1}},
		{Topic: "orders", Partitions: []int32{0, 1}},
	}, m.Assignments)
	require.NotNil(t, m.Tasks)
	assert.Equal(t, "p1", m.Tasks.ProcessID)
	assert.Equal(t, []snapshot.TaskGroup{{Subtopology: "0", Partitions: []int32{1, 0}}, {Subtopology: "1", Partitions: []int32{0, 1}}}, m.Tasks.Active)
	assert.Nil(t, m.Tasks.Standby)
}
