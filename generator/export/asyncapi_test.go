package export_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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
		"acme-dev/inventory-service.yaml", "acme-dev/inventory-sync.yaml", "acme-dev/kdocs-connect.yaml",
		"acme-dev/order-fulfilment.yaml", "acme-dev/payment-gateway.yaml", "acme-dev/payment-ledger.yaml", "acme-dev/warehouse-scanner.yaml",
		// MirrorMaker 2's target: its connectors, and the groups whose offsets they translated.
		"acme-dr.yaml", "acme-dr/analytics-loader.yaml", "acme-dr/inventory-sync.yaml", "acme-dr/kdocs-mirror.yaml",
		"acme-dr/mm2-checkpoint.yaml", "acme-dr/mm2-heartbeat.yaml", "acme-dr/mm2-source.yaml"}, paths,
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
	assert.Len(t, channels, 29)
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

// Every document of the 10,000-topic estate through the parser: the estate document and all
// 1,017 applications' documents, which $ref its channels. validate-asyncapi.mjs does it in one
// process in about a minute (docs/exports.md, Validation, says how); one broken application
// among them must fail, alone.
func TestAsyncAPIBigEstateValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("the 10,000-topic estate through the AsyncAPI parser takes a minute")
	}
	in := bigEstate(t)
	files, err := export.AsyncAPI(in)
	require.NoError(t, err)
	est := decode(t, fileByPath(t, files, "big.yaml"))
	assert.Len(t, at(t, est, "channels"), 10_000)
	assert.Len(t, at(t, est, "components", "schemas"), 2_000)
	assert.Greater(t, len(files), 1_000)
	dir := t.TempDir()
	paths := writeAll(t, dir, files)
	require.Equal(t, filepath.Join(dir, "big.yaml"), paths[0], "the estate first: the applications reuse its parse")

	// A copy of an application with a second channel, one the estate does not have.
	app := string(files[1].Data)
	broken := strings.Replace(app, "channels:\n", "channels:\n  no.such-topic.v1:\n    $ref: ../big.yaml#/channels/no.such-topic.v1\n", 1)
	broken = strings.Replace(broken, "operations:\n", "operations:\n  receive-no.such-topic.v1:\n    action: receive\n    channel:\n      $ref: '#/channels/no.such-topic.v1'\n", 1)
	require.NotEqual(t, app, broken)
	brokenPath := writeAll(t, dir, []export.File{{Path: "broken/app.yaml", Data: []byte(broken)}})[0]

	start := time.Now()
	results, err := runNode(t, "validate-asyncapi.mjs", append(paths, brokenPath)...)
	elapsed := time.Since(start)
	require.Len(t, results, len(paths)+1, "one result per document: %v", err)
	assert.Error(t, err, "the validator exits 1: one document is broken")
	clean, parsing := 0, 0
	for _, v := range results {
		parsing += v.MS
		if v.File == brokenPath {
			assert.Positive(t, v.Errors, "the broken application fails: %+v", v)
			continue
		}
		assertClean(t, v)
		if v.Parsed && v.Errors+v.Warnings == 0 {
			clean++
		}
	}
	assert.Equal(t, len(files), clean, "every document validated, 0 errors and 0 warnings")
	t.Logf("%d documents validated clean in %s (the estate document %d ms, the parser %d ms in all)",
		clean, elapsed.Round(time.Second), results[0].MS, parsing)
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

// validate-asyncapi.mjs's fast path (one set of Ajv instances for every document; a $ref into
// another file resolved against the part of it the document reaches) finds what the parser as
// it comes (--stock) finds, on the example's documents and on copies broken in the ways a
// reference into the estate can break: a channel the estate lacks, an invalid binding, a
// message whose payload points nowhere, an Avro schema that is not one. Where a finding is
// reported differs, and stock itself is not consistent about it: the first document to reach
// into the estate has its findings placed in the estate, the next ones (once the resolver has
// cached the estate) at their own $refs, once for each way they reach it. So each document's
// verdict and the set of its findings (severity, rule, message) are compared, not the paths.
// (The 3.x ruleset has no rule of warning severity, so no warning case.)
func TestAsyncAPIValidatorFastPathAgreesWithStock(t *testing.T) {
	files, err := export.AsyncAPI(example(t))
	require.NoError(t, err)
	dir := t.TempDir()
	order := string(fileByPath(t, files, "acme-dev/order-fulfilment.yaml"))
	missing := strings.ReplaceAll(order, "orders.order-cancelled.v1", "orders.no-such-topic.v1")
	require.NotEqual(t, order, missing)
	example := writeAll(t, filepath.Join(dir, "example"), append(slices.Clip(files), export.File{Path: "acme-dev/zz-missing-channel.yaml", Data: []byte(missing)}))

	est := decode(t, fileByPath(t, files, "acme-dev.yaml"))
	set := func(v any, keys ...string) {
		m := at(t, est, keys[:len(keys)-1]...).(map[string]any)
		m[keys[len(keys)-1]] = v
	}
	set("six", "channels", "orders.order-placed.v1", "bindings", "kafka", "partitions")
	set("#/components/schemas/no-such-schema", "components", "messages", "orders.order-cancelled.v1", "payload", "$ref")
	set("recrod", "components", "schemas", "inventory.stock-reserved.v1-value", "schema", "type")
	data, err := yaml.Marshal(est)
	require.NoError(t, err)
	broken := writeAll(t, filepath.Join(dir, "broken"), append([]export.File{{Path: "acme-dev.yaml", Data: data}}, files[1:]...))

	all := append(example, broken...)
	fast, fastErr := runNode(t, "validate-asyncapi.mjs", all...)
	stock, stockErr := runNode(t, "validate-asyncapi.mjs", append([]string{"--stock"}, all...)...)
	require.Len(t, fast, len(all), "%v", fastErr)
	require.Len(t, stock, len(all), "%v", stockErr)
	assert.Error(t, fastErr, "the validator exits 1")
	assert.Error(t, stockErr)
	type verdict struct {
		Parsed, Errors, Warnings bool
		Findings                 []string
	}
	judge := func(v validation) verdict {
		var f []string
		for _, d := range v.Diagnostics {
			f = append(f, fmt.Sprintf("%d %s: %s", d.Severity, d.Code, d.Message))
		}
		slices.Sort(f)
		return verdict{v.Parsed, v.Errors > 0, v.Warnings > 0, slices.Compact(f)}
	}
	failing := map[string]string{}
	for i := range all {
		name := strings.TrimPrefix(all[i], dir+string(filepath.Separator))
		require.Equal(t, all[i], fast[i].File)
		f := judge(fast[i])
		assert.Equal(t, judge(stock[i]), f, "fast and stock disagree on %s", name)
		if f.Errors || f.Warnings || !f.Parsed {
			failing[name] = strings.Join(f.Findings, "; ")
		}
	}
	partitions := `0 asyncapi-document-resolved: "partitions" property type must be integer`
	payload := "0 invalid-ref: '#/components/schemas/no-such-schema' does not exist"
	avro := `0 asyncapi-document-resolved: "type" property must be equal to one of the allowed values`
	want := map[string][]string{
		"example/acme-dev/zz-missing-channel.yaml": {"0 invalid-ref: '#/channels/orders.no-such-topic.v1' does not exist"},
		"broken/acme-dev.yaml":                     {partitions, payload, avro},
		"broken/acme-dev/analytics-loader.yaml":    {partitions},
		"broken/acme-dev/checkout-service.yaml":    {partitions},
		"broken/acme-dev/acme-order-stats.yaml":    {partitions},
		"broken/acme-dev/order-fulfilment.yaml":    {partitions, payload},
		"broken/acme-dev/inventory-sync.yaml":      {avro},
	}
	assert.ElementsMatch(t, slices.Collect(maps.Keys(want)), slices.Collect(maps.Keys(failing)), "the documents that fail")
	for name, subs := range want {
		for _, sub := range subs {
			assert.Contains(t, failing[name], sub, name)
		}
	}
}
