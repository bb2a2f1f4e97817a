package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestConnectPages renders a cluster with a Connect cluster whose connector names and configs
// are hostile text: the pages exist, link each other, and escape everything.
func TestConnectPages(t *testing.T) {
	evil := `sink|<img src=x onerror=alert(1)>"]`
	snap := &snapshot.Snapshot{Format: snapshot.Format, Cluster: snapshot.Cluster{Name: "prod", ID: "abc", Brokers: []snapshot.Broker{{ID: 1}}},
		Topics: []snapshot.Topic{{Name: "orders", Partitions: []snapshot.Partition{{Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}},
			{Name: "eu.orders", Partitions: []snapshot.Partition{{Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}},
			{Name: "totals-app-sums-changelog"}, {Name: "totals-app-by-customer-repartition"}},
		Groups: []snapshot.Group{{ID: "totals-app", State: "Stable", Offsets: []snapshot.GroupOffset{{Topic: "orders"}, {Topic: "totals-app-by-customer-repartition"}}}},
		Connect: []snapshot.ConnectCluster{{Name: "cdc", URL: "http://connect:8083", Version: "4.1.1", KafkaClusterID: "abc",
			Connectors: []snapshot.Connector{
				{Name: "orders-source", Type: "source", Class: "io.debezium.connector.postgresql.PostgresConnector", State: "RUNNING", WorkerID: "w1:8083",
					Topics: []string{"orders"}, Config: []snapshot.ConnectorConfig{{Name: "database.password", Redacted: snapshot.RedactedName},
						{Name: "database.hostname", Value: "db|1 <b>"}}},
				{Name: evil, Type: "sink", Class: "x.Sink", State: "RUNNING", SinkTopics: []string{"orders"},
					Tasks: []snapshot.ConnectorTask{{ID: 0, State: "FAILED", Trace: "java.io.IOException: <boom> | `x`"}}},
				{Name: "mm2", Type: "source", Class: "org.apache.kafka.connect.mirror.MirrorSourceConnector", State: "RUNNING",
					Topics:      []string{"eu.orders"},
					MirrorMaker: &snapshot.MirrorMaker{Role: "source", SourceAlias: "eu", TargetAlias: "prod", Topics: ".*", ReplicationPolicy: "org.apache.kafka.connect.mirror.DefaultReplicationPolicy", Separator: "."}},
			}}},
	}
	s, err := site.Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	out := t.TempDir()
	res, err := newRenderer(t).Render(context.Background(), s, out, RenderOptions{Markdown: true})
	require.NoError(t, err)
	assert.Empty(t, res.Warnings)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		require.NoError(t, err)
		return string(b)
	}
	index := read("clusters/prod/connect/cdc/index.html")
	assert.Contains(t, index, "orders-source")
	assert.NotContains(t, index, "<img src=x")
	assert.Contains(t, index, "The workers use this Kafka cluster")
	assert.Contains(t, index, "<td>w1:8083<")

	var sinkPage string
	for _, p := range s.Pages {
		if p.Template == site.TemplateConnector && strings.HasPrefix(p.Title, "sink|") {
			sinkPage = read(p.Path + ".html")
		}
	}
	require.NotEmpty(t, sinkPage)
	assert.NotContains(t, sinkPage, "<img src=x")
	assert.NotContains(t, sinkPage, "<boom>")
	assert.Contains(t, sinkPage, "&lt;boom&gt;")

	src := read("clusters/prod/connect/cdc/orders-source.html")
	assert.Contains(t, src, "database.password")
	assert.Contains(t, src, "redacted")
	assert.NotContains(t, src, "<b>")

	topic := read("clusters/prod/topics/orders.html")
	assert.Contains(t, topic, "Written by / read by")
	assert.Contains(t, topic, `href="../connect/cdc/orders-source.html"`)
	assert.Contains(t, topic, "FAILED")
	assert.NotContains(t, topic, "<img src=x")
	assert.NotContains(t, topic, "No producers are documented")

	group := read("clusters/prod/groups/totals-app.html")
	assert.Contains(t, group, "Kafka Streams application")
	assert.Contains(t, group, "State stores: sums")
	assert.Contains(t, group, `href="../topics/totals-app-by-customer-repartition.html"`)
	assert.Contains(t, read("clusters/prod/topics/totals-app-sums-changelog.html"), "changelog of state store sums")

	repl := read("replication.html")
	assert.Contains(t, repl, "discovered from MirrorMaker 2 connectors")
	assert.Contains(t, repl, `href="clusters/prod/connect/cdc/mm2.html"`)
	assert.NotContains(t, repl, "guessed from topic names")
}
