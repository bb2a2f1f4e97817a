package browsertest

// A connector page and a topic page with discovered writers, in a real browser: the diagrams
// draw connectors as nodes, hostile connector names stay text, and the redacted config shows no
// value.

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func connectSite(t *testing.T) *config.Site {
	t.Helper()
	dir := t.TempDir()
	part := []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 5}}
	s := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "prod", ID: "abc", ControllerID: -1, Brokers: []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092}}},
		Topics: []snapshot.Topic{{Name: "orders.placed", ReplicationFactor: 1, Partitions: part},
			{Name: "eu.orders.placed", ReplicationFactor: 1, Partitions: part}},
		Groups: []snapshot.Group{{ID: "connect-" + hostileImg, State: "Stable",
			Offsets: []snapshot.GroupOffset{{Topic: "orders.placed", Committed: 5, LatestOffset: 5}}}},
		Connect: []snapshot.ConnectCluster{{Name: "cdc", URL: "http://connect:8083", Version: "4.1.1", KafkaClusterID: "abc",
			Connectors: []snapshot.Connector{
				{Name: "orders-cdc", Type: "source", Class: "io.debezium.connector.postgresql.PostgresConnector", State: "RUNNING",
					Tasks: []snapshot.ConnectorTask{{ID: 0, State: "RUNNING", WorkerID: "w1:8083"}}, Topics: []string{"orders.placed"},
					Config: []snapshot.ConnectorConfig{{Name: "database.password", Redacted: snapshot.RedactedPassword}, {Name: "database.hostname", Value: "db"}}},
				{Name: hostileImg, Type: "sink", Class: "io.example.Sink", State: "RUNNING", SinkTopics: []string{"orders.placed"},
					Tasks: []snapshot.ConnectorTask{{ID: 0, State: "FAILED", Trace: "java.io.IOException: " + hostileMark}}},
				{Name: "mm2", Type: "source", Class: "org.apache.kafka.connect.mirror.MirrorSourceConnector", State: "RUNNING",
					Topics: []string{"eu.orders.placed"}, MirrorMaker: &snapshot.MirrorMaker{Role: "source", SourceAlias: "eu", TargetAlias: "prod",
						Topics: ".*", ReplicationPolicy: "org.apache.kafka.connect.mirror.DefaultReplicationPolicy", Separator: "."}},
			}}},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "prod.json"), s))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Connect\nclusters:\n  - name: prod\n    snapshot: prod.json\n"), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

func TestConnectorAndTopicPagesInBrowser(t *testing.T) {
	ctx, home := browseSite(t, connectSite(t), time.Minute)
	for page, want := range map[string][]string{
		"clusters/prod/connect/cdc/orders-cdc.html": {"orders-cdc", "orders.placed"},
		"clusters/prod/topics/orders.placed.html":   {"orders-cdc", "source connector · cdc", "FAILED"},
		"clusters/prod/flows.html":                  {"orders-cdc", "sink connector"},
		"replication.html":                          {"eu", "prod"},
	} {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+page)))
		waitDiagrams(t, ctx)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
			Blocks, SVGs, Errors, Injected int
			Diagrams, Text                 string
		}](`(() => {
			const blocks = [...document.querySelectorAll('pre.mermaid')];
			return {
				Blocks: blocks.length,
				SVGs: blocks.filter((b) => b.querySelector('svg[aria-roledescription^="flowchart"]')).length,
				Errors: document.querySelectorAll('svg[aria-roledescription="error"]').length,
				Injected: document.querySelectorAll('img, [onerror]').length,
				Diagrams: [...document.querySelectorAll('pre.mermaid svg')].map((s) => s.textContent).join('\n'),
				Text: document.body.innerText,
			};
		})()`))
		require.NoError(t, err, page)
		assert.Positive(t, got.Blocks, page)
		assert.Equal(t, got.Blocks, got.SVGs, "every diagram drawn on %s", page)
		assert.Zero(t, got.Errors, page)
		assert.Zero(t, got.Injected, "a hostile name became an element on %s", page)
		for _, w := range want {
			assert.Contains(t, got.Diagrams, w, page)
		}
		if page == "clusters/prod/topics/orders.placed.html" {
			assert.Contains(t, got.Text, "Written by / read by")
			assert.Contains(t, got.Text, hostileImg, "the hostile connector's name is shown as text")
		}
		if page == "clusters/prod/connect/cdc/orders-cdc.html" {
			assert.Contains(t, got.Text, "database.password")
			assert.Contains(t, got.Text, "redacted (a PASSWORD config of the plugin)")
		}
	}
	assert.Empty(t, ConsoleErrors(ctx))
}
