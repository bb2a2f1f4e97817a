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
