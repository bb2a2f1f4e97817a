package snapshot

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConnectSectionRoundTrips: a connect section in any order encodes canonically, validates
// against the schema and decodes to what was encoded; a file without it (older) still loads.
func TestConnectSectionRoundTrips(t *testing.T) {
	s := &Snapshot{Format: Format, KdocsVersion: "test", TakenAt: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC),
		Cluster: Cluster{Name: "prod", ControllerID: -1},
		Connect: []ConnectCluster{
			{Name: "z", URL: "http://z:8083"},
			{Name: "a", URL: "http://a:8083", Version: "4.1.1", KafkaClusterID: "abc",
				Plugins: []ConnectPlugin{{Class: "b.Sink", Type: "sink"}, {Class: "a.Source", Type: "source", Version: "1"}},
				Connectors: []Connector{
					{Name: "sink", Type: "sink", Class: "b.Sink", State: "RUNNING", SinkTopics: []string{"y", "x"},
						Tasks:  []ConnectorTask{{ID: 1, State: "FAILED", Trace: "boom"}, {ID: 0, State: "RUNNING", WorkerID: "w:1"}},
						Config: []ConnectorConfig{{Name: "topics", Value: "x,y"}, {Name: "password", Redacted: RedactedName}}},
					{Name: "mm2", Type: "source", Class: "org.apache.kafka.connect.mirror.MirrorSourceConnector", State: "RUNNING",
						Topics: []string{"eu.b", "eu.a"}, MirrorMaker: &MirrorMaker{Role: MirrorSource, SourceAlias: "eu", TargetAlias: "us",
							Topics: ".*", ReplicationPolicy: "DefaultReplicationPolicy", Separator: ".", OffsetSyncsTopicLocation: "source"}},
				}},
		}}
	data, err := Encode(s)
	require.NoError(t, err)
	require.NoError(t, validate(t, data))
	again, err := Encode(s)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(again))

	got, err := Decode(data)
	require.NoError(t, err)
	require.Len(t, got.Connect, 2)
	a := got.Connect[0]
	assert.Equal(t, "a", a.Name)
	assert.Equal(t, []Connector{}, got.Connect[1].Connectors, "an unreadable Connect cluster has connectors: []")
	assert.Equal(t, "a.Source", a.Plugins[0].Class)
	assert.Equal(t, []string{"mm2", "sink"}, []string{a.Connectors[0].Name, a.Connectors[1].Name})
	assert.Equal(t, []string{"eu.a", "eu.b"}, a.Connectors[0].Topics)
	assert.Equal(t, []int{0, 1}, []int{a.Connectors[1].Tasks[0].ID, a.Connectors[1].Tasks[1].ID})
	assert.Equal(t, "password", a.Connectors[1].Config[0].Name)
	assert.Equal(t, []string{"x", "y"}, a.Connectors[1].SinkTopics)
	assert.Equal(t, "eu", a.Connectors[0].MirrorMaker.SourceAlias)

	refs := got.ConnectorsOf()
	require.Len(t, refs, 2)
	assert.Equal(t, "a", refs[0].Cluster)

	// A redaction reason outside the schema's enum is refused by it.
	bad := strings.Replace(string(data), `"redacted": "key-name"`, `"redacted": "oops"`, 1)
	assert.Error(t, validate(t, []byte(bad)))
}
