package lineage

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestDrift(t *testing.T) {
	part := []snapshot.Partition{{Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}
	snap := &snapshot.Snapshot{
		Topics: []snapshot.Topic{{Name: "orders", Partitions: part}, {Name: "payments", Partitions: part}, {Name: "audit", Partitions: part},
			{Name: "__consumer_offsets", Internal: true, Partitions: part}},
		Transactions: &snapshot.TransactionSection{Available: true, Entries: []snapshot.Transaction{
			{TransactionalID: "checkout-service-0", ProducerID: 7, State: "Ongoing", Partitions: []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0}}}},
			{TransactionalID: "checkout-servicex", ProducerID: 8, State: "Ongoing", Partitions: []snapshot.TopicPartitions{{Topic: "payments", Partitions: []int32{0}}}},
		}},
		Producers: &snapshot.ProducerSection{Available: true, Topics: []snapshot.TopicProducers{
			{Topic: "audit", Partitions: []snapshot.PartitionProducers{{Partition: 0, Producers: []snapshot.ActiveProducer{{ProducerID: 99, CoordinatorEpoch: -1}}}}},
		}},
		ACLs: &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{
			{ResourceType: "TOPIC", ResourceName: "pay", PatternType: "PREFIXED", Principal: "User:billing", Host: "*", Operation: "WRITE", Permission: "ALLOW"},
			{ResourceType: "TOPIC", ResourceName: "*", PatternType: "LITERAL", Principal: "User:admin", Host: "*", Operation: "ALL", Permission: "ALLOW"},
		}},
	}
	snap.Connect = []snapshot.ConnectCluster{{Name: "main", Connectors: []snapshot.Connector{
		{Name: "files-source", Type: "source", State: "RUNNING", Topics: []string{"audit"}},
		{Name: "mm2-source", Type: "source", State: "RUNNING", Topics: []string{"audit"}, MirrorMaker: &snapshot.MirrorMaker{Role: "source"}},
	}}}
	snap.Groups = []snapshot.Group{{ID: "auditor", State: "Stable"}}
	d := DriftOf(snap, map[string][]string{
		"orders":   {"checkout-service"},            // its transactional id starts with the name: confirmed
		"payments": {"checkout-service", "billing"}, // checkout-servicex is another id; billing's ACL confirms it
		"audit":    {"auditor"},                     // only an anonymous producer writes it
	})
	assert.Empty(t, d.Unchecked)
	assert.Equal(t, []Unconfirmed{{Topic: "audit", Producer: "auditor", Anonymous: 1, Group: "the consumer group"}, {Topic: "payments", Producer: "checkout-service"}}, d.Unconfirmed)
	assert.Contains(t, d.Unconfirmed[0].Evidence(), `a transactional.id "auditor" or starting with "auditor-"`)
	assert.Contains(t, d.Unconfirmed[0].Evidence(), "1 producers without a name")
	assert.Contains(t, d.Unconfirmed[0].Evidence(), `the consumer group "auditor" runs, but Kafka does not show what it writes`)
	assert.Equal(t, []Undeclared{{Topic: "audit", Kind: "source connector", Name: "files-source", Observed: true},
		{Topic: "payments", Kind: WriterTransactional, Name: "checkout-servicex", Observed: true}}, d.Undeclared,
		"User:admin may write every topic: a permission of the cluster, not a writer of one; MirrorMaker 2 writes replicas")

	// A snapshot without writer evidence says what it could not check, and judges nothing.
	d = DriftOf(&snapshot.Snapshot{Topics: snap.Topics}, map[string][]string{"orders": {"checkout-service"}})
	assert.Len(t, d.Unchecked, 3)
	assert.True(t, d.NoEvidence)
	assert.Empty(t, d.Unconfirmed)
	// With some evidence (ACLs only), a producer none of it confirms is unconfirmed.
	d = DriftOf(&snapshot.Snapshot{Topics: snap.Topics, ACLs: &snapshot.ACLSection{Available: true}}, map[string][]string{"orders": {"checkout-service"}})
	assert.Len(t, d.Unchecked, 2)
	assert.Len(t, d.Unconfirmed, 1)
}
