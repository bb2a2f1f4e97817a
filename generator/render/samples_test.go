package render

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestTopicObservedSchemas renders what sampled records show: the value schema of the subject
// the naming strategy gives (no warning), a key framed with another subject's id and one the
// registry does not hold (warnings), Protobuf message indexes, records not framed, tombstones,
// and kept header values with hostile text.
func TestTopicObservedSchemas(t *testing.T) {
	part := []snapshot.Partition{{Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 40}}
	avro := `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}`
	snap := &snapshot.Snapshot{Format: snapshot.Format, Cluster: snapshot.Cluster{Name: "prod", ID: "abc", Brokers: []snapshot.Broker{{ID: 1}}},
		Topics: []snapshot.Topic{{Name: "orders", Partitions: part}, {Name: "quiet", Partitions: part}},
		Registry: &snapshot.Registry{URL: "http://reg", Subjects: []snapshot.Subject{
			{Name: "orders-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 3, Type: "AVRO", Schema: avro}, {Version: 2, ID: 17, Type: "AVRO", Schema: avro}}},
			{Name: "payments-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 21, Type: "PROTOBUF", Schema: `syntax = "proto3"; message P { string id = 1; }`}}},
		}},
		Samples: &snapshot.SampleSection{Records: 20, MaxBytes: 65536, Headers: []string{"source"}, Topics: []snapshot.TopicSample{{
			Topic: "orders", Partitions: 1, Records: 20, Bytes: 2048,
			Value: snapshot.Framing{Schemas: []snapshot.SchemaUse{{ID: 17, Records: 18}}, NotFramed: 1, Null: 1},
			Key:   snapshot.Framing{Schemas: []snapshot.SchemaUse{{ID: 21, MessageIndexes: []int{1, 0}, Records: 2}, {ID: 99, Records: 1}}, NotFramed: 17},
			Headers: []snapshot.HeaderUse{{Name: "source", Records: 20, Values: []snapshot.HeaderValue{{Value: "<script>x</script>|", Records: 20}}},
				{Name: "trace", Records: 3}},
		}}},
	}
	read, _ := renderSite(t, snap)
	md := read("clusters/prod/topics/orders.md")
	assert.Contains(t, md, "### Observed in the records")
	assert.Contains(t, md, "The latest 20 offsets of 1 partition read: 20 records, 2,048 bytes fetched.")
	assert.Contains(t, md, "- **Value schema observed:** [orders-value](../schemas/orders-value.md) v2 (id 17) in 18 of 20 sampled records")
	assert.Contains(t, md, "- **Key schema observed:** [payments-value](../schemas/payments-value.md) v1 (id 21, message [1, 0]) in 2 of 20 sampled records")
	assert.Contains(t, md, "- **Key schema observed:** an id the registry does not hold (id 99) in 1 of 20 sampled records")
	assert.Contains(t, md, "- Value: 1 of 20 sampled records not in the Confluent wire format")
	assert.Contains(t, md, "- Value: 1 of 20 sampled records without one (tombstones)")
	assert.Contains(t, md, "- Key: 17 of 20 sampled records not in the Confluent wire format")
	assert.Contains(t, md, "`trace` on 3")
	assert.Contains(t, md, "**Warning:** schema id 21 (payments-value v1) frames the key in 2 of 20 sampled records; it is not a version of orders-key, the subject the naming strategy gives.")
	assert.Contains(t, md, "**Warning:** schema id 99 frames the key in 1 of 20 sampled records, and the registry does not hold it.")
	assert.NotContains(t, md, "schema id 17 (", "the value's id is the subject the strategy gives")
	html := read("clusters/prod/topics/orders.html")
	assert.NotContains(t, html, "<script>x")
	assert.Contains(t, html, "&lt;script&gt;x&lt;/script&gt;")
	assert.NotContains(t, read("clusters/prod/topics/quiet.md"), "Observed in the records", "a topic not sampled has no such section")
}
