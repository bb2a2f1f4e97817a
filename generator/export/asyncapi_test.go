package export_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/kdocs/kdocs/generator/export"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/synth"
)

func decode(t testing.TB, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal(data, &m))
	return m
}

// at walks a decoded document by keys.
func at(t testing.TB, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		require.True(t, ok, "%s: not a mapping at %q", strings.Join(keys, "/"), k)
		v, ok = m[k]
		require.True(t, ok, "%s: no %q", strings.Join(keys, "/"), k)
	}
	return v
}

func fileByPath(t testing.TB, files []export.File, p string) []byte {
	t.Helper()
	for _, f := range files {
		if f.Path == p {
			return f.Data
		}
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Path)
	}
	t.Fatalf("no %s among %v", p, names)
	return nil
}

func TestAsyncAPIExample(t *testing.T) {
	in := example(t)
	files, err := export.AsyncAPI(in)
	require.NoError(t, err)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"acme-dev.yaml", "acme-dev/acme-order-stats.yaml", "acme-dev/analytics-loader.yaml", "acme-dev/checkout-service.yaml",
		"acme-dev/connect-files-sink.yaml", "acme-dev/files-sink.yaml", "acme-dev/files-sink-broken.yaml", "acme-dev/files-source.yaml",
		"acme-dev/inventory-projector.yaml", "acme-dev/inventory-service.yaml", "acme-dev/inventory-sync.yaml", "acme-dev/kdocs-connect.yaml",
		"acme-dev/mm2-checkpoint.yaml", "acme-dev/mm2-heartbeat.yaml", "acme-dev/mm2-source.yaml", "acme-dev/order-fulfilment.yaml",
		"acme-dev/payment-gateway.yaml", "acme-dev/payment-ledger.yaml", "acme-dev/warehouse-scanner.yaml"}, paths,
		"annotated producers, every consumer group and every connector")

	est := decode(t, fileByPath(t, files, "acme-dev.yaml"))
	assert.Equal(t, "3.0.0", est["asyncapi"])
	assert.NotContains(t, est, "operations", "the estate has no single application")

	// Servers: one per advertised listener, with the brokers' security.
	assert.Equal(t, "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094", at(t, est, "servers", "plaintext", "host"))
	assert.Equal(t, "kafka", at(t, est, "servers", "plaintext", "protocol"))
	assert.Equal(t, "kafka-secure", at(t, est, "servers", "sasl_ssl", "protocol"))
	assert.Equal(t, []any{
		map[string]any{"$ref": "#/components/securitySchemes/saslScramSha256"},
		map[string]any{"$ref": "#/components/securitySchemes/saslScramSha512"},
		map[string]any{"$ref": "#/components/securitySchemes/saslPlain"},
	}, at(t, est, "servers", "sasl_ssl", "security"))
	assert.Equal(t, []any{map[string]any{"$ref": "#/components/securitySchemes/mutualTLS"}}, at(t, est, "servers", "ssl", "security"),
		"ssl.client.auth=required on the SSL listener")
	assert.Equal(t, "X509", at(t, est, "components", "securitySchemes", "mutualTLS", "type"))
	assert.Equal(t, "scramSha512", at(t, est, "components", "securitySchemes", "saslScramSha512", "type"))
	assert.Equal(t, map[string]any{"schemaRegistryUrl": "http://127.0.0.1:8081", "schemaRegistryVendor": "confluent", "bindingVersion": "0.5.0"},
		at(t, est, "servers", "plaintext", "bindings", "kafka"))

	// A channel per topic, internal topics left out.
	channels := at(t, est, "channels").(map[string]any)
	assert.Len(t, channels, 31)
	assert.NotContains(t, channels, "__consumer_offsets")
	placed := "orders.order-placed.v1"
	assert.Equal(t, placed, at(t, channels, placed, "address"))
	assert.Equal(t, "team-orders", at(t, channels, placed, "x-kdocs-owner"))
	assert.Equal(t, siteURL+"clusters/acme-dev/topics/orders.order-placed.v1.html", at(t, channels, placed, "externalDocs", "url"))
	kb := at(t, channels, placed, "bindings", "kafka").(map[string]any)
	assert.Equal(t, placed, kb["topic"])
	assert.Equal(t, 6, kb["partitions"])
	assert.Equal(t, 3, kb["replicas"])
	assert.Equal(t, map[string]any{
		"cleanup.policy": []any{"delete"}, "retention.ms": 604800000, "retention.bytes": -1, "delete.retention.ms": 86400000,
		"max.message.bytes": 1048588, "confluent.key.schema.validation": false, "confluent.value.schema.validation": false,
		"confluent.key.subject.name.strategy":   "io.confluent.kafka.serializers.subject.TopicNameStrategy",
		"confluent.value.subject.name.strategy": "io.confluent.kafka.serializers.subject.TopicNameStrategy",
	}, kb["topicConfiguration"])

	// Its message: the value schema as payload, the key schema in the binding, both the
	// registry's latest versions.
	assert.Equal(t, "#/components/messages/"+placed, at(t, channels, placed, "messages", "value", "$ref"))
	msg := at(t, est, "components", "messages", placed)
	assert.Equal(t, "#/components/schemas/orders.order-placed.v1-value", at(t, msg, "payload", "$ref"))
	assert.Equal(t, map[string]any{"key": map[string]any{"$ref": "#/components/schemas/orders.order-placed.v1-key"},
		"schemaIdLocation": "payload", "schemaIdPayloadEncoding": "confluent", "schemaLookupStrategy": "TopicNameStrategy",
		"bindingVersion": "0.5.0"}, at(t, msg, "bindings", "kafka"))
	value := at(t, est, "components", "schemas", "orders.order-placed.v1-value")
	assert.Equal(t, "application/vnd.apache.avro;version=1.9.0", at(t, value, "schemaFormat"))
	assert.Equal(t, "orders.order-placed.v1-value", at(t, value, "x-kdocs-subject"))
	assert.Equal(t, 3, at(t, value, "x-kdocs-version"))
	assert.Equal(t, "record", at(t, value, "schema", "type"))

	// Subject naming: RecordName and TopicRecordName topics find their subjects.
	assert.Equal(t, "RecordNameStrategy", at(t, est, "components", "messages", "orders.order-returned.v1", "bindings", "kafka", "schemaLookupStrategy"))
	assert.Equal(t, "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
		at(t, channels, "payments.payment-failed.v1", "bindings", "kafka", "topicConfiguration", "confluent.value.subject.name.strategy"))

	// Protobuf and JSON Schema; references resolved so each schema stands alone.
	failed := at(t, est, "components", "schemas", "payments.payment-failed.v1-com.acme.payments.v1.PaymentFailed")
	assert.Equal(t, "application/vnd.google.protobuf;version=3", at(t, failed, "schemaFormat"))
	proto := at(t, failed, "schema").(string)
	assert.NotContains(t, proto, "import \"com/acme/common/money.proto\"")
	assert.Contains(t, proto, "message Money {")
	assert.Contains(t, proto, "  Money amount = 3;")
	assert.Equal(t, []any{"com.acme.common.Money:1"}, at(t, failed, "x-kdocs-bundled"))
	shipped := at(t, est, "components", "schemas", "orders.order-shipped.v1-value", "schema", "fields").([]any)
	assert.Equal(t, "Address", at(t, shipped[4], "type", "name"), "the referenced Avro record defined where it is used")
	stock := at(t, est, "components", "schemas", "inventory.stock-level.v1-value")
	assert.Equal(t, "application/schema+json;version=draft-07", at(t, stock, "schemaFormat"))
	assert.Equal(t, "application/json", at(t, est, "components", "messages", "inventory.stock-level.v1", "contentType"))

	// An application: its operations on the estate's channels, with the group's bindings.
	app := decode(t, fileByPath(t, files, "acme-dev/order-fulfilment.yaml"))
	assert.Equal(t, "../acme-dev.yaml#/channels/orders.order-placed.v1", at(t, app, "channels", placed, "$ref"))
	op := at(t, app, "operations", "receive-orders.order-placed.v1")
	assert.Equal(t, "receive", at(t, op, "action"))
	assert.Equal(t, "#/channels/"+placed, at(t, op, "channel", "$ref"))
	assert.Equal(t, []any{"order-fulfilment"}, at(t, op, "bindings", "kafka", "groupId", "enum"))
	assert.Equal(t, "team-fulfilment", at(t, app, "info", "x-kdocs-owner"))
	assert.Equal(t, siteURL+"clusters/acme-dev/groups/order-fulfilment.html", at(t, app, "info", "externalDocs", "url"))
	assert.Equal(t, "consumer-group", at(t, app, "info", "x-kdocs-application-kind"))
	assert.Contains(t, at(t, app, "info", "x-kdocs-evidence"), "declared")
	loader := decode(t, fileByPath(t, files, "acme-dev/analytics-loader.yaml"))
	assert.Contains(t, at(t, loader, "info", "x-kdocs-evidence"), "observed", "an unannotated group is discovered, and says so")
	checkout := decode(t, fileByPath(t, files, "acme-dev/checkout-service.yaml"))
	assert.Equal(t, "service", at(t, checkout, "info", "x-kdocs-application-kind"))
	assert.Equal(t, "send", at(t, checkout, "operations", "send-orders.order-placed.v1", "action"))

	// Nothing sensitive: no JAAS config, keystore or password.
	for _, f := range files {
		for _, s := range []string{"jaas", "keystore", "truststore", "/tmp/kdocs-kafka"} {
			assert.False(t, strings.Contains(strings.ToLower(string(f.Data)), s), "%s contains %q", f.Path, s)
		}
	}

	// The tools' own parser: 0 errors, 0 warnings.
	validate(t, "validate-asyncapi.mjs", writeAll(t, t.TempDir(), files)...)
}

func TestAsyncAPIIsDeterministic(t *testing.T) {
	a, err := export.AsyncAPI(example(t))
	require.NoError(t, err)
	b, err := export.AsyncAPI(example(t))
	require.NoError(t, err)
	require.Equal(t, len(a), len(b))
	for i := range a {
		assert.Equal(t, a[i].Path, b[i].Path)
		assert.Equal(t, string(a[i].Data), string(b[i].Data), a[i].Path)
	}
}

// bigEstate is the 10,000-topic synthetic estate with applications annotated on it: every
// 50th group and the producers of every 100th topic.
func bigEstate(t testing.TB) export.Input {
	t.Helper()
	snap := synth.Estate(synth.Options{Brokers: 3})
	var content []site.Content
	for i, g := range snap.Groups {
		if i%50 == 0 {
			content = append(content, site.Content{Path: "groups/" + g.ID + ".md", File: "groups/" + g.ID + ".md",
				FrontMatter: fmt.Sprintf("owner: team-%d\ndescription: Consumer %d of the synthetic estate.\ntags: [synthetic]\n", i%7, i)})
		}
	}
	for i, tp := range snap.Topics {
		if i%100 == 0 {
			content = append(content, site.Content{Path: "topics/" + tp.Name + ".md", File: "topics/" + tp.Name + ".md",
				FrontMatter: fmt.Sprintf("owner: team-%d\nproducers: [producer-%d, producer-%d]\n", i%7, i%13, i%17)})
		}
	}
	model, err := site.Build("Big", []*snapshot.Snapshot{snap}, content)
	require.NoError(t, err)
	return export.Input{Site: model, Snapshots: []*snapshot.Snapshot{snap}, SiteURL: siteURL}
}

func TestAsyncAPIBigEstateValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("the 10,000-topic estate through the AsyncAPI parser takes minutes")
	}
	in := bigEstate(t)
	files, err := export.AsyncAPI(in)
	require.NoError(t, err)
	est := decode(t, fileByPath(t, files, "big.yaml"))
	assert.Len(t, at(t, est, "channels"), 10_000)
	assert.Len(t, at(t, est, "components", "schemas"), 2_000)
	assert.Greater(t, len(files), 1_000)
	// The parser resolves the 13 MB estate document again for each application's document that
	// references it: all 1,100 would take most of an hour on a 2-core box. The estate, every
	// declared application and every 100th discovered one (deterministic) are parsed.
	dir := t.TempDir()
	paths := writeAll(t, dir, files)
	var sample []string
	discovered := 0
	for i, f := range files {
		if i == 0 || strings.Contains(string(f.Data), "x-kdocs-evidence: 'declared") {
			sample = append(sample, paths[i])
			continue
		}
		if discovered++; discovered%100 == 0 {
			sample = append(sample, paths[i])
		}
	}
	slices.Sort(sample)
	t.Logf("parsing %d of %d documents", len(sample), len(files))
	validate(t, "validate-asyncapi.mjs", sample...)
}

// Applications discovered in the snapshot (lineage): connectors from Kafka Connect's records,
// Streams applications, unannotated groups; each says what shows it.
func TestAsyncAPIDiscoveredApplications(t *testing.T) {
	part := []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}
	snap := &snapshot.Snapshot{Format: snapshot.Format, Cluster: snapshot.Cluster{Name: "disc", Brokers: []snapshot.Broker{{ID: 1, Host: "k", Port: 9092}}}}
	for _, n := range []string{"db.customers", "lake.out", "wordcount-counts-store-changelog"} {
		snap.Topics = append(snap.Topics, snapshot.Topic{Name: n, ReplicationFactor: 1, Partitions: part})
	}
	snap.Groups = []snapshot.Group{{ID: "wordcount", State: "Stable", Offsets: []snapshot.GroupOffset{{Topic: "db.customers"}}}}
	snap.Connect = []snapshot.ConnectCluster{{Name: "cdc", Connectors: []snapshot.Connector{
		{Name: "pg-source", Type: "source", State: "RUNNING", Topics: []string{"db.customers"}},
		{Name: "lake-sink", Type: "sink", State: "RUNNING", Topics: []string{"lake.out"}},
	}}}
	snap.Normalize()
	model, err := site.Build("Disc", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	in := export.Input{Site: model, Snapshots: []*snapshot.Snapshot{snap}}
	files, err := export.AsyncAPI(in)
	require.NoError(t, err)
	src := decode(t, fileByPath(t, files, "disc/pg-source.yaml"))
	assert.Equal(t, "connector", at(t, src, "info", "x-kdocs-application-kind"))
	assert.Equal(t, "send", at(t, src, "operations", "send-db.customers", "action"))
	assert.Contains(t, at(t, src, "info", "x-kdocs-evidence"), "Kafka Connect")
	sink := decode(t, fileByPath(t, files, "disc/lake-sink.yaml"))
	assert.Equal(t, "receive", at(t, sink, "operations", "receive-lake.out", "action"))
	wc := decode(t, fileByPath(t, files, "disc/wordcount.yaml"))
	assert.Equal(t, "streams-app", at(t, wc, "info", "x-kdocs-application-kind"))
	assert.Contains(t, at(t, wc, "info", "x-kdocs-evidence"), "observed")
	bfiles, err := export.Backstage(in)
	require.NoError(t, err)
	assert.Equal(t, "connector", at(t, findEntity(t, entities(t, bfiles[0].Data), "Component", "pg-source"), "spec", "type"))
	validate(t, "validate-asyncapi.mjs", writeAll(t, t.TempDir(), files)...)
	validate(t, "validate-backstage.mjs", writeAll(t, t.TempDir(), bfiles)[0])
}
