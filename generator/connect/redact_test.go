package connect

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestNameIsSecret(t *testing.T) {
	for _, k := range []string{"connection.password", "ssl.keystore.password", "database.PASSWORD", "aws.secret.access.key",
		"api.token", "oauth.client.credentials", "consumer.override.sasl.jaas.config", "sasl.jaas.config",
		"ssl.keystore.key", "aws.access.key", "basic.auth.user.info", "schema.registry.basic.auth.user.info",
		"ssl.key.passphrase", "splunk.hec.token", "apikey", "datadog.api.key", "private.key.file"} {
		assert.True(t, nameIsSecret(k), k)
	}
	for _, k := range []string{"key.converter", "key.converter.schemas.enable", "key.ignore", "topics", "connection.url",
		"transforms.route.type", "primary.key.mode", "primary.key.fields", "tasks.max", "connector.class", "keystore.type"} {
		assert.False(t, nameIsSecret(k), k)
	}
}

func TestRedact(t *testing.T) {
	cfg := map[string]string{
		"connector.class":     "io.example.JdbcSink",
		"connection.user":     "app",
		"db.pass":             "hunter2-by-definition",
		"connection.password": "hunter2-by-name",
		"sasl.jaas.config":    `PlainLoginModule required username="u" password="jaas-secret";`,
		"vault.password":      "${vault:secret/db:password}",
		"file.password":       " ${file:/etc/kafka/secrets.properties:db.password} ",
		"mixed.password":      "prefix-${file:/x:y}",
		"connection.url":      "jdbc:postgresql://app:url-secret@db:5432/orders",
		"empty.password":      "",
		"key.converter":       "org.apache.kafka.connect.json.JsonConverter",
	}
	got, secrets := Redact(cfg, map[string]bool{"db.pass": true})
	by := map[string]snapshot.ConnectorConfig{}
	for _, c := range got {
		by[c.Name] = c
	}
	assert.Len(t, got, len(cfg))
	assert.Equal(t, snapshot.ConnectorConfig{Name: "db.pass", Redacted: snapshot.RedactedPassword}, by["db.pass"])
	assert.Equal(t, snapshot.ConnectorConfig{Name: "connection.password", Redacted: snapshot.RedactedName}, by["connection.password"])
	assert.Equal(t, snapshot.RedactedName, by["sasl.jaas.config"].Redacted)
	assert.Equal(t, "${vault:secret/db:password}", by["vault.password"].Value, "a reference is kept as written")
	assert.Equal(t, " ${file:/etc/kafka/secrets.properties:db.password} ", by["file.password"].Value)
	assert.Equal(t, snapshot.RedactedName, by["mixed.password"].Redacted, "a reference beside literal text is not only a reference")
	assert.Equal(t, snapshot.ConnectorConfig{Name: "connection.url", Value: "jdbc:postgresql://app:redacted@db:5432/orders",
		Redacted: snapshot.RedactedURLPassword}, by["connection.url"])
	assert.Equal(t, "app", by["connection.user"].Value)
	assert.Equal(t, "org.apache.kafka.connect.json.JsonConverter", by["key.converter"].Value)
	assert.Empty(t, by["empty.password"].Redacted)
	assert.ElementsMatch(t, []string{"hunter2-by-definition", "hunter2-by-name", `PlainLoginModule required username="u" password="jaas-secret";`,
		"prefix-${file:/x:y}", "url-secret"}, secrets)

	trace := scrub("org.apache.kafka.connect.errors.ConnectException: login with hunter2-by-name and jaas-secret failed at url-secret\n\tat X.y(X.java:1)", secrets)
	assert.Equal(t, "org.apache.kafka.connect.errors.ConnectException: login with [redacted] and [redacted] failed at [redacted]", trace)
}

func TestMirrorDefaults(t *testing.T) {
	assert.Nil(t, Mirror("org.apache.kafka.connect.file.FileStreamSinkConnector", nil))
	m := Mirror("org.apache.kafka.connect.mirror.MirrorSourceConnector", map[string]string{"source.cluster.alias": "eu"})
	assert.Equal(t, snapshot.MirrorMaker{Role: snapshot.MirrorSource, SourceAlias: "eu", TargetAlias: "target", Topics: DefaultTopics,
		TopicsExclude: DefaultTopicsExclude, ReplicationPolicy: DefaultReplicationPolicy, Separator: ".", OffsetSyncsTopicLocation: "source"}, *m)
	m = Mirror("MirrorCheckpointConnector", map[string]string{"source.cluster.alias": "eu", "target.cluster.alias": "us",
		"groups": "orders-.*", "sync.group.offsets.enabled": "TRUE", "replication.policy.class": "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
		"offset-syncs.topic.location": "target"})
	assert.Equal(t, snapshot.MirrorMaker{Role: snapshot.MirrorCheckpoint, SourceAlias: "eu", TargetAlias: "us", Groups: "orders-.*",
		GroupsExclude: DefaultGroupsExclude, ReplicationPolicy: "org.apache.kafka.connect.mirror.IdentityReplicationPolicy", Separator: ".",
		OffsetSyncsTopicLocation: "target", SyncGroupOffsets: true}, *m)
	assert.Equal(t, snapshot.MirrorHeartbeat, Mirror("x.MirrorHeartbeatConnector", nil).Role)
}

func TestResolveSinkTopics(t *testing.T) {
	cc := &snapshot.ConnectCluster{Connectors: []snapshot.Connector{
		{Name: "list", Type: "sink", Config: []snapshot.ConnectorConfig{{Name: "topics", Value: "a.one, b.two ,missing"}}},
		{Name: "regex", Type: "sink", Config: []snapshot.ConnectorConfig{{Name: "topics.regex", Value: `a\..*`}}},
		{Name: "partial", Type: "sink", Config: []snapshot.ConnectorConfig{{Name: "topics.regex", Value: `a`}}},
		{Name: "bad", Type: "sink", Config: []snapshot.ConnectorConfig{{Name: "topics.regex", Value: `(?<x>a)`}}},
		{Name: "source", Type: "source", Config: []snapshot.ConnectorConfig{{Name: "topics", Value: "a.one"}}},
	}}
	ResolveSinkTopics(cc, []snapshot.Topic{{Name: "b.two"}, {Name: "a.one"}, {Name: "a.three"}, {Name: "xa.one"}})
	assert.Equal(t, []string{"a.one", "b.two"}, cc.Connectors[0].SinkTopics)
	assert.Equal(t, []string{"a.one", "a.three"}, cc.Connectors[1].SinkTopics)
	assert.Empty(t, cc.Connectors[2].SinkTopics, "topics.regex must match the whole name, as Java's matches()")
	assert.Empty(t, cc.Connectors[4].SinkTopics)
}
