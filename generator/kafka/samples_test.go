package kafka

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// framed is a value in the Confluent wire format: magic 0, the schema id, then rest (for
// Protobuf the message indexes, then the payload).
func framed(id uint32, rest ...byte) []byte {
	b := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], id)
	return append(b, rest...)
}

func sampleOf(t *testing.T, s *snapshot.Snapshot, topic string) snapshot.TopicSample {
	t.Helper()
	require.NotNil(t, s.Samples, "no samples section")
	for _, ts := range s.Samples.Topics {
		if ts.Topic == topic {
			return ts
		}
	}
	t.Fatalf("topic %q not sampled: %+v", topic, s.Samples.Topics)
	return snapshot.TopicSample{}
}

// The latest N records of each partition, compressed with every codec Kafka has, are reduced
// to their framing: schema ids with counts, hostile values counted as not framed, tombstones as
// null, header names, and the values of the headers site.yaml names. No payload reaches the
// snapshot.
func TestSampleReadsTheFramingOfTheLatestRecords(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 2}, fakeTopic{name: "empty", partitions: 1},
		fakeTopic{name: "__consumer_offsets", partitions: 1, configs: map[string]string{"kfake.is_internal": "true"}})
	ctx := context.Background()
	const secret = "PAYLOAD-SECRET-4711"
	codecs := []kgo.CompressionCodec{kgo.GzipCompression(), kgo.SnappyCompression(), kgo.Lz4Compression(), kgo.ZstdCompression(), kgo.NoCompression()}
	for i, codec := range codecs {
		cl, err := kgo.NewClient(kgo.SeedBrokers(f.addrs...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
			kgo.ProducerBatchCompression(codec))
		require.NoError(t, err)
		var recs []*kgo.Record
		// Older records, before the latest 20 of partition 0: schema 1, which must not be seen.
		if i == 0 {
			for range 30 {
				recs = append(recs, &kgo.Record{Topic: "orders", Partition: 0, Value: framed(1, []byte(secret)...)})
			}
		}
		for range 4 {
			recs = append(recs, &kgo.Record{Topic: "orders", Partition: 0, Key: []byte(secret), Value: framed(17, []byte(secret)...),
				Headers: []kgo.RecordHeader{{Key: "source", Value: []byte("checkout")}, {Key: "trace", Value: []byte(secret)}}})
		}
		require.NoError(t, cl.ProduceSync(ctx, recs...).FirstErr())
		cl.Close()
	}
	// Partition 1: Protobuf framing with message indexes, a short value, a wrong magic byte,
	// a tombstone, and a header value that is not text.
	recs := []*kgo.Record{
		{Topic: "orders", Partition: 1, Key: framed(5), Value: framed(21, 4, 2, 0, 'x')}, // indexes [1, 0]
		{Topic: "orders", Partition: 1, Value: framed(21, 0, 'x')},                       // indexes [0]
		{Topic: "orders", Partition: 1, Value: []byte{0, 1}},
		{Topic: "orders", Partition: 1, Value: []byte("{\"json\":true}")},
		{Topic: "orders", Partition: 1, Key: []byte("k"), Value: nil},
		{Topic: "orders", Partition: 1, Value: framed(21, 0), Headers: []kgo.RecordHeader{{Key: "source", Value: []byte{0xff, 0xfe}}}},
	}
	require.NoError(t, f.kcl.ProduceSync(ctx, recs...).FirstErr())

	c := f.config("fake")
	c.Sample = &config.Sample{Records: 20, MaxBytes: config.DefaultSampleMaxBytes, Headers: []string{"source"}}
	s, err := Collect(ctx, c)
	require.NoError(t, err)
	assert.Empty(t, s.Errors)
	assert.Equal(t, 20, s.Samples.Records)
	assert.Equal(t, []string{"source"}, s.Samples.Headers)
	for _, ts := range s.Samples.Topics {
		assert.NotEqual(t, "empty", ts.Topic, "a topic without records is not sampled")
		assert.NotEqual(t, "__consumer_offsets", ts.Topic, "internal topics are not sampled")
	}

	o := sampleOf(t, s, "orders")
	assert.Empty(t, o.Error)
	assert.Equal(t, 2, o.Partitions)
	assert.Equal(t, 26, o.Records, "the latest 20 of partition 0 and the 6 of partition 1")
	assert.Positive(t, o.Bytes)
	// Before the registry's word every id carries the bytes after it read as indexes.
	ids := map[int]int{}
	for _, u := range o.Value.Schemas {
		ids[u.ID] += u.Records
	}
	assert.Equal(t, map[int]int{17: 20, 21: 3}, ids, "schema 1 is older than the latest 20 records")
	assert.Equal(t, 2, o.Value.NotFramed)
	assert.Equal(t, 1, o.Value.Null)
	assert.Equal(t, 21, o.Key.NotFramed, "keys of plain bytes")
	assert.Equal(t, 4, o.Key.Null)
	require.Len(t, o.Key.Schemas, 1)
	assert.Equal(t, 5, o.Key.Schemas[0].ID)

	protobuf := map[int]bool{21: true}
	s.Samples.KeepMessageIndexes(func(id int) bool { return protobuf[id] })
	o = sampleOf(t, s, "orders")
	assert.Equal(t, []snapshot.SchemaUse{{ID: 17, Records: 20}, {ID: 21, MessageIndexes: []int{0}, Records: 2},
		{ID: 21, MessageIndexes: []int{1, 0}, Records: 1}}, o.Value.Schemas)

	require.Len(t, o.Headers, 2)
	assert.Equal(t, "source", o.Headers[0].Name)
	assert.Equal(t, 21, o.Headers[0].Records)
	assert.Equal(t, []snapshot.HeaderValue{{Value: "(2 bytes, not text)", Records: 1}, {Value: "checkout", Records: 20}}, o.Headers[0].Values)
	assert.Equal(t, snapshot.HeaderUse{Name: "trace", Records: 20}, o.Headers[1], "only the names of headers site.yaml does not list")

	var buf strings.Builder
	require.NoError(t, snapshot.Write(&buf, s))
	assert.NotContains(t, buf.String(), secret, "a payload, key or unlisted header value reached the snapshot")
}

// Without sample: no record is read.
func TestSampleIsOffByDefault(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 1, perPart: 3})
	s, err := Collect(context.Background(), f.config("fake"))
	require.NoError(t, err)
	assert.Nil(t, s.Samples)
}

// Hostile bytes where record batches belong never panic: each input ends in a count or an
// error on the partition.
func TestReadSampleSurvivesCorruptBatches(t *testing.T) {
	job := sampleJob{topic: "t", partition: 0, offset: 0, records: 100}
	keep := map[string]bool{"h": true}
	batch := func(records []byte, count int32, attrs uint16) []byte {
		b := make([]byte, 61)
		binary.BigEndian.PutUint32(b[8:], uint32(61-12+len(records)))
		b[16] = 2
		binary.BigEndian.PutUint16(b[21:], attrs)
		binary.BigEndian.PutUint32(b[57:], uint32(count))
		return append(b, records...)
	}
	cases := map[string][]byte{
		"empty":                 nil,
		"cut header":            make([]byte, 20),
		"negative length":       {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 2},
		"old magic":             func() []byte { b := batch(nil, 0, 0); b[16] = 1; return b }(),
		"record length lies":    batch([]byte{0x7e, 0, 0, 0}, 1, 0),
		"key length lies":       batch([]byte{0x0a, 0, 0, 0, 0x7e, 1, 2, 3, 4, 5}, 1, 0),
		"bad gzip":              batch([]byte("not gzip at all"), 1, 1),
		"unknown codec":         batch([]byte{1, 2, 3}, 1, 6),
		"control batch skipped": batch([]byte{0x02, 0}, 1, 0x20),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			assert.NotPanics(t, func() { readSample(b, job, 1<<16, keep) })
		})
	}
	ps := readSample(cases["old magic"], job, 1<<16, keep)
	assert.Contains(t, ps.err, "message format v1")
	ps = readSample(cases["bad gzip"], job, 1<<16, keep)
	assert.Contains(t, ps.err, "gzip")
	assert.Zero(t, readSample(cases["control batch skipped"], job, 1<<16, keep).records)

	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(200))
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		if len(b) > 17 && r.IntN(2) == 0 {
			b[16] = 2
		}
		assert.NotPanics(t, func() { readSample(b, job, 1<<16, keep) })
		assert.NotPanics(t, func() { readSample(batch(b, 3, uint16(r.IntN(5))), job, 1<<16, keep) })
	}
}

func TestMessageIndexes(t *testing.T) {
	for in, want := range map[string]string{"\x00": "0", "\x02\x02": "1", "\x04\x02\x00": "1.0", "\x04\x06\x02\x00": "3.1", "\x06\x02": "", "\x02": "", "\x01": "", "": ""} {
		assert.Equal(t, want, messageIndexes([]byte(in)), "%q", in)
	}
}

// TestFramingNeedsARegistryID: bytes that start with a zero but carry no positive schema id are
// other encodings, not the Confluent wire format: Kafka Streams' big-endian longs (a count of 5),
// an int, a negative id; a real id counts with its message indexes.
func TestFramingNeedsARegistryID(t *testing.T) {
	var f framingCount
	for _, b := range [][]byte{
		{0, 0, 0, 0, 0, 0, 0, 5},       // Streams' Long serde: 5
		{0, 0, 0, 0, 0},                // id 0
		{0, 0xff, 0xff, 0xff, 0xfe, 1}, // id -2
		{0, 0, 0, 0, 7, 0x02, 0x02},    // id 7, message [1]
	} {
		f.count(b, false)
	}
	assert.Equal(t, 3, f.notFramed)
	assert.Equal(t, map[schemaKey]int{{id: 7, indexes: "1"}: 1}, f.schemas)
}
