package health

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestEvaluate(t *testing.T) {
	brokers := []snapshot.Broker{{ID: 1}, {ID: 2}, {ID: 3}}
	ok := snapshot.Partition{Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}}
	under := snapshot.Partition{Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1}}
	offline := snapshot.Partition{Leader: -1, Replicas: []int32{2}, ISR: nil}

	cases := []struct {
		name    string
		snap    snapshot.Snapshot
		want    Status
		reasons []string
	}{
		{"healthy", snapshot.Snapshot{Cluster: snapshot.Cluster{Brokers: brokers}, Topics: []snapshot.Topic{{Partitions: []snapshot.Partition{ok}}}}, Healthy, nil},
		{"under-replicated", snapshot.Snapshot{Cluster: snapshot.Cluster{Brokers: brokers}, Topics: []snapshot.Topic{{Partitions: []snapshot.Partition{ok, under, under}}}}, Degraded, []string{"2 under-replicated partitions"}},
		{"offline", snapshot.Snapshot{Cluster: snapshot.Cluster{Brokers: brokers}, Topics: []snapshot.Topic{{Partitions: []snapshot.Partition{offline}}}}, Degraded, []string{"1 offline partition (no leader)"}},
		{"unreachable", snapshot.Snapshot{Errors: []snapshot.Error{{Scope: "cluster", Message: "dial tcp 127.0.0.1:1: refused"}}}, Down, []string{"cluster unreachable: dial tcp 127.0.0.1:1: refused"}},
		{"partial", snapshot.Snapshot{Cluster: snapshot.Cluster{Brokers: brokers}, Errors: []snapshot.Error{{Scope: "groups", Message: "x"}}}, Degraded, []string{"snapshot is partial: 1 section could not be read"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Evaluate(&c.snap)
			assert.Equal(t, c.want, r.Status)
			assert.Equal(t, c.reasons, r.Reasons)
		})
	}
}

func TestParseStatus(t *testing.T) {
	s, err := ParseStatus("degraded")
	assert.NoError(t, err)
	assert.Equal(t, Degraded, s)
	assert.True(t, Down > Degraded)
	_, err = ParseStatus("sick")
	assert.EqualError(t, err, `unknown health "sick" (want healthy, degraded or down)`)
}

// TestEvaluateReplicationAndPlacement covers the reasons derived from min.insync.replicas,
// preferred leaders and site.yaml's expectedBrokers.
func TestEvaluateReplicationAndPlacement(t *testing.T) {
	minISR := func(v string) []snapshot.Config {
		return []snapshot.Config{{Name: "min.insync.replicas", Value: v, Source: "DYNAMIC_TOPIC_CONFIG"}}
	}
	brokers := []snapshot.Broker{{ID: 1}, {ID: 2}, {ID: 3}}
	// inherited lists min.insync.replicas among a topic's other configs, from source.
	inherited := func(v, source string) []snapshot.Config {
		return []snapshot.Config{
			{Name: "cleanup.policy", Value: "delete", Source: "DEFAULT_CONFIG"},
			{Name: "min.insync.replicas", Value: v, Source: source},
			{Name: "retention.ms", Value: "3600000", Source: "DYNAMIC_TOPIC_CONFIG"},
		}
	}
	// Broker 1 has min.insync.replicas=3 set cluster-wide; brokers 2 and 3 say nothing.
	strict := []snapshot.Broker{{ID: 1, Configs: []snapshot.Config{{Name: "min.insync.replicas", Value: "3", Source: "DYNAMIC_DEFAULT_BROKER_CONFIG"}}}, {ID: 2}, {ID: 3}}
	ok := snapshot.Partition{Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}}
	twoOfThree := snapshot.Partition{Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2}}
	oneOfThree := snapshot.Partition{Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1}}
	movedLeader := snapshot.Partition{Leader: 2, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}}
	const under1 = "1 under-replicated partition"
	const belowMin1 = "1 partition with fewer in-sync replicas than min.insync.replicas (producers with acks=all are refused)"

	cases := []struct {
		name    string
		cluster snapshot.Cluster
		topics  []snapshot.Topic
		want    Status
		reasons []string
	}{
		{"topic min.insync.replicas above the ISR", snapshot.Cluster{Brokers: brokers},
			[]snapshot.Topic{{Configs: minISR("2"), Partitions: []snapshot.Partition{ok, oneOfThree}}},
			Degraded, []string{under1, belowMin1}},
		{"ISR equal to the topic's minimum is only under-replicated", snapshot.Cluster{Brokers: brokers},
			[]snapshot.Topic{{Configs: minISR("2"), Partitions: []snapshot.Partition{twoOfThree}}},
			Degraded, []string{under1}},
		{"the leader's broker config applies when the topic says nothing", snapshot.Cluster{Brokers: strict},
			[]snapshot.Topic{{Partitions: []snapshot.Partition{twoOfThree}}},
			Degraded, []string{under1, belowMin1}},
		{"the topic's config wins over the broker's", snapshot.Cluster{Brokers: strict},
			[]snapshot.Topic{{Configs: minISR("1"), Partitions: []snapshot.Partition{twoOfThree}}},
			Degraded, []string{under1}},
		{"an inherited topic value gives way to the leader's broker config", snapshot.Cluster{Brokers: strict},
			[]snapshot.Topic{{Configs: inherited("1", "DEFAULT_CONFIG"), Partitions: []snapshot.Partition{twoOfThree}}},
			Degraded, []string{under1, belowMin1}},
		{"the inherited value applies when the leader's configs say nothing", snapshot.Cluster{Brokers: brokers},
			[]snapshot.Topic{{Configs: inherited("3", "STATIC_BROKER_CONFIG"), Partitions: []snapshot.Partition{twoOfThree}}},
			Degraded, []string{under1, belowMin1}},
		{"Kafka's default of 1, listed with every other config", snapshot.Cluster{Brokers: brokers},
			[]snapshot.Topic{{Configs: inherited("1", "DEFAULT_CONFIG"), Partitions: []snapshot.Partition{oneOfThree}}},
			Degraded, []string{under1}},
		{"a value without a source (older snapshots) is the topic's own", snapshot.Cluster{Brokers: strict},
			[]snapshot.Topic{{Configs: inherited("1", ""), Partitions: []snapshot.Partition{twoOfThree}}},
			Degraded, []string{under1}},
		{"without any config the minimum is 1", snapshot.Cluster{Brokers: brokers},
			[]snapshot.Topic{{Partitions: []snapshot.Partition{oneOfThree, {Leader: 1, Replicas: []int32{1}, ISR: nil}}}},
			Degraded, []string{"2 under-replicated partitions", belowMin1}},
		{"one partition off its preferred leader", snapshot.Cluster{Brokers: brokers},
			[]snapshot.Topic{{Partitions: []snapshot.Partition{ok, movedLeader}}},
			Degraded, []string{"1 partition not led by its preferred leader (leadership imbalanced)"}},
		{"several partitions off their preferred leader", snapshot.Cluster{Brokers: brokers},
			[]snapshot.Topic{{Partitions: []snapshot.Partition{movedLeader}}, {Partitions: []snapshot.Partition{movedLeader, ok}}},
			Degraded, []string{"2 partitions not led by their preferred leader (leadership imbalanced)"}},
		{"a broker missing", snapshot.Cluster{Brokers: brokers[:2], ExpectedBrokers: 3},
			[]snapshot.Topic{{Partitions: []snapshot.Partition{ok}}},
			Degraded, []string{"2 of 3 expected brokers in the cluster (1 missing)"}},
		{"every broker missing", snapshot.Cluster{ExpectedBrokers: 3}, nil,
			Down, []string{"no broker answered (3 expected)"}},
		{"as many brokers as expected", snapshot.Cluster{Brokers: brokers, ExpectedBrokers: 3},
			[]snapshot.Topic{{Partitions: []snapshot.Partition{ok}}}, Healthy, nil},
		{"more brokers than expected is not a health problem", snapshot.Cluster{Brokers: brokers, ExpectedBrokers: 2},
			[]snapshot.Topic{{Partitions: []snapshot.Partition{ok}}}, Healthy, nil},
		{"offline partitions count only as offline", snapshot.Cluster{Brokers: brokers},
			[]snapshot.Topic{{Configs: minISR("2"), Partitions: []snapshot.Partition{{Leader: -1, Replicas: []int32{2, 3}, ISR: nil}}}},
			Degraded, []string{"1 offline partition (no leader)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Evaluate(&snapshot.Snapshot{Cluster: c.cluster, Topics: c.topics})
			assert.Equal(t, c.want, r.Status)
			assert.Equal(t, c.reasons, r.Reasons)
		})
	}
}

// TestQuorumAndGroups: a KRaft quorum without a leader, or a voter behind by more than the
// threshold (site.yaml's quorumMaxLag, default 1000 records), degrades; a group kdocs could not
// describe does not, and neither does a quorum the brokers cannot describe.
func TestQuorumAndGroups(t *testing.T) {
	brokers := []snapshot.Broker{{ID: 1}, {ID: 2}, {ID: 3}}
	quorum := func(leader int32, lags ...int64) *snapshot.Quorum {
		q := &snapshot.Quorum{Available: true, LeaderID: leader}
		for i, l := range lags {
			q.Voters = append(q.Voters, snapshot.QuorumReplica{ID: int32(i + 1), Lag: l})
		}
		return q
	}
	cases := []struct {
		name    string
		cluster snapshot.Cluster
		groups  []snapshot.Group
		want    Status
		reasons []string
	}{
		{"quorum in step", snapshot.Cluster{Brokers: brokers, Quorum: quorum(1, 0, 3, 1000)}, nil, Healthy, nil},
		{"no leader", snapshot.Cluster{Brokers: brokers, Quorum: quorum(-1, 0, 0, 0)}, nil, Degraded, []string{"the KRaft quorum has no leader"}},
		{"voter behind the default", snapshot.Cluster{Brokers: brokers, Quorum: quorum(1, 0, 1001, 2)}, nil, Degraded,
			[]string{"KRaft voter 2 is 1001 records behind the quorum leader (more than 1000)"}},
		{"voter behind site.yaml's threshold", snapshot.Cluster{Brokers: brokers, Quorum: quorum(1, 0, 60, 2), QuorumMaxLag: 50}, nil, Degraded,
			[]string{"KRaft voter 2 is 60 records behind the quorum leader (more than 50)"}},
		{"quorum not available", snapshot.Cluster{Brokers: brokers, Quorum: &snapshot.Quorum{Reason: "not available on this Kafka version"}}, nil, Healthy, nil},
		{"undescribed group", snapshot.Cluster{Brokers: brokers}, []snapshot.Group{{ID: "g", Type: "streams", State: "Unknown",
			NotDescribed: "not available on this Kafka version: broker does not support the StreamsGroupDescribe API"}}, Healthy, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Evaluate(&snapshot.Snapshot{Cluster: c.cluster, Groups: c.groups})
			assert.Equal(t, c.want, r.Status)
			assert.Equal(t, c.reasons, r.Reasons)
		})
	}
}

func TestFailedConnectorsDegrade(t *testing.T) {
	s := &snapshot.Snapshot{Cluster: snapshot.Cluster{Brokers: []snapshot.Broker{{ID: 1}}}}
	s.Connect = []snapshot.ConnectCluster{{Name: "main", Connectors: []snapshot.Connector{
		{Name: "ok", State: "RUNNING", Tasks: []snapshot.ConnectorTask{{ID: 0, State: "RUNNING"}}},
		{Name: "sink", State: "RUNNING", Tasks: []snapshot.ConnectorTask{{ID: 0, State: "FAILED"}, {ID: 1, State: "RUNNING"}, {ID: 2, State: "FAILED"}}},
		{Name: "src", State: "FAILED"},
	}}}
	r := Evaluate(s)
	assert.Equal(t, Degraded, r.Status)
	assert.Contains(t, r.Reasons, "Kafka Connect main: connector sink has FAILED tasks 0, 2")
	assert.Contains(t, r.Reasons, "Kafka Connect main: connector src FAILED")
}
