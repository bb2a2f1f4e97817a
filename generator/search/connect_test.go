package search

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestConnectorsAreFound: a connector page is found by its name and by its class, in its cluster.
func TestConnectorsAreFound(t *testing.T) {
	snap := &snapshot.Snapshot{Format: snapshot.Format, Cluster: snapshot.Cluster{Name: "c"},
		Connect: []snapshot.ConnectCluster{{Name: "cdc", Connectors: []snapshot.Connector{
			{Name: "billing-jdbc-sink", Type: "sink", Class: "io.confluent.connect.jdbc.JdbcSinkConnector", State: "RUNNING"}}}}}
	s, err := site.Build("T", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	ix := readIndex(t, Build(s))
	for _, q := range []string{"billing jdbc", "JdbcSinkConnector"} {
		rs, _ := ix.query(t, q, 10)
		require.NotEmpty(t, rs, q)
		assert.Equal(t, "billing-jdbc-sink", rs[0].Title, q)
		assert.Equal(t, KindPage, rs[0].Kind)
	}
}
