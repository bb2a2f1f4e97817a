package collect

// Record sampling end to end on the real cluster and registry: records framed in the Confluent
// wire format with the ids the registry gave an Avro and a Protobuf schema (with message indexes
// for a nested message), plus records that are not framed. The snapshot keeps the Protobuf
// message indexes, drops whatever follows the Avro id, and holds none of the payloads.

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/generator/registry"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

func TestSampleRealRecordsWithRegisteredSchemaIDs(t *testing.T) {
	brokers := testenv.Kafka(t)
	reg := testenv.Registry(t)
	ctx := context.Background()
	suffix := fmt.Sprint(time.Now().UnixNano())
	topic := "kdocs-test-sample-" + suffix

	avroID := testenv.RegisterSchema(t, reg, topic+"-value", "AVRO",
		`{"type":"record","name":"OrderPlaced","namespace":"kdocs.test","fields":[{"name":"id","type":"string"}]}`)
	protoID := testenv.RegisterSchema(t, reg, topic+"-key", "PROTOBUF",
		`syntax = "proto3"; package kdocs.test; message Outer { message Key { string id = 1; } Key key = 1; } message Other { int32 n = 1; }`)

	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchCompression(kgo.ZstdCompression()))
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	testenv.CreateTopic(ctx, t, cl, topic, 2, 3, nil)
	t.Cleanup(func() {
		if _, err := kadm.NewClient(cl).DeleteTopics(ctx, topic); err != nil {
			t.Logf("delete topic %s: %v", topic, err)
		}
	})

	const payload = "SAMPLED-PAYLOAD-8842"
	frame := func(id int, rest ...byte) []byte {
		b := []byte{0, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(b[1:], uint32(id))
		return append(b, rest...)
	}
	avroValue := frame(avroID, append([]byte{0x28}, payload...)...) // Avro string: zigzag length, then bytes
	var recs []*kgo.Record
	for i := range 30 {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: int32(i % 2),
			Key:   frame(protoID, append([]byte{0x04, 0x00, 0x00}, payload...)...), // Outer.Key: indexes [0, 0]
			Value: avroValue, Headers: []kgo.RecordHeader{{Key: "source", Value: []byte("checkout-service")}}})
	}
	recs = append(recs,
		&kgo.Record{Topic: topic, Partition: 0, Key: frame(protoID, append([]byte{0x02, 0x02}, payload...)...), Value: []byte(payload)}, // Other: [1]
		&kgo.Record{Topic: topic, Partition: 1, Value: []byte{0}},
	)
	require.NoError(t, cl.ProduceSync(ctx, recs...).FirstErr())

	dir := t.TempDir()
	site := &config.Site{Snapshots: dir, Clusters: []config.Cluster{{
		Name: "sampled", Environment: "test", Bootstrap: brokers, Timeout: config.Duration(10 * time.Second),
		DialTimeout:    config.Duration(5 * time.Second),
		SchemaRegistry: &config.Registry{URL: reg, Timeout: config.Duration(10 * time.Second)},
		Sample:         &config.Sample{Records: 10, MaxBytes: config.DefaultSampleMaxBytes, Headers: []string{"source"}},
	}}}
	out := Run(ctx, site, Options{Kafka: kafka.Collect, Registry: registry.CollectConfig, Version: "test"})
	require.Len(t, out, 1)
	require.NoError(t, out[0].Err)
	s, err := snapshot.Load(out[0].Path)
	require.NoError(t, err)
	require.NotNil(t, s.Samples)
	var got *snapshot.TopicSample
	for i := range s.Samples.Topics {
		if s.Samples.Topics[i].Topic == topic {
			got = &s.Samples.Topics[i]
		}
	}
	require.NotNil(t, got, "topic %s not sampled", topic)
	assert.Empty(t, got.Error)
	assert.Equal(t, 2, got.Partitions)
	assert.Equal(t, 20, got.Records, "the latest 10 offsets of each partition")
	assert.Equal(t, []snapshot.SchemaUse{{ID: avroID, Records: 18}}, got.Value.Schemas, "Avro: the id only")
	assert.Equal(t, 2, got.Value.NotFramed, "a plain value and one of a single zero byte")
	assert.Zero(t, got.Value.Null)
	assert.Equal(t, []snapshot.SchemaUse{{ID: protoID, MessageIndexes: []int{0, 0}, Records: 18}, {ID: protoID, MessageIndexes: []int{1}, Records: 1}},
		got.Key.Schemas, "Protobuf: the id and its message indexes")
	assert.Equal(t, 1, got.Key.Null)
	require.Len(t, got.Headers, 1)
	assert.Equal(t, []snapshot.HeaderValue{{Value: "checkout-service", Records: 18}}, got.Headers[0].Values)

	raw, err := os.ReadFile(filepath.Join(dir, "sampled.json"))
	require.NoError(t, err)
	assert.NotContains(t, string(raw), payload, "a payload reached the snapshot")

	// The seeded estate in the same snapshot (testdata/seed/README.md, "Writers"): the ids in
	// its framed values are the ones the registry gives those subjects' versions.
	t.Run("seeded topics", func(t *testing.T) {
		seeded := []struct {
			topic, subject string
			version        int
			indexes        []int
			records        int // the latest 10 offsets of each partition, less commit markers
			source         string
		}{
			{"orders.order-cancelled.v1", "orders.order-cancelled.v1-value", 1, nil, 3 * 8, "acme-orders-service"},
			{"payments.ledger-entries.v1", "payments.ledger-entries.v1-value", 1, nil, 4 * 9, "acme-payments-service"},
			{"inventory.warehouse-transfers.v1", "inventory.warehouse-transfers.v1-value", 1, []int{1, 0}, 2 * 7, "acme-inventory-service"},
		}
		for _, sd := range seeded {
			id := testenv.SchemaID(t, reg, sd.subject, sd.version)
			var got *snapshot.TopicSample
			for i := range s.Samples.Topics {
				if s.Samples.Topics[i].Topic == sd.topic {
					got = &s.Samples.Topics[i]
				}
			}
			require.NotNil(t, got, "seeded topic %s not sampled (run make seed)", sd.topic)
			assert.Empty(t, got.Error, sd.topic)
			assert.Equal(t, sd.records, got.Records, sd.topic)
			assert.Equal(t, []snapshot.SchemaUse{{ID: id, MessageIndexes: sd.indexes, Records: sd.records}}, got.Value.Schemas,
				"%s: every value framed with %s v%d", sd.topic, sd.subject, sd.version)
			assert.Equal(t, sd.records, got.Key.NotFramed, "%s: string keys", sd.topic)
			require.NotEmpty(t, got.Headers, sd.topic)
			for _, h := range got.Headers {
				if h.Name == "source" {
					assert.Equal(t, []snapshot.HeaderValue{{Value: sd.source, Records: sd.records}}, h.Values, sd.topic)
				}
			}
		}
		// A seeded topic of plain JSON values: nothing framed.
		for _, ts := range s.Samples.Topics {
			if ts.Topic == "orders.order-placed.v1" {
				assert.Empty(t, ts.Value.Schemas)
				assert.Equal(t, ts.Records, ts.Value.NotFramed)
			}
		}
	})
}
