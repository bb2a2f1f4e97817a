package lineage

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func writersSnapshot() *snapshot.Snapshot {
	start := int64(5)
	return &snapshot.Snapshot{
		Topics: []snapshot.Topic{{Name: "orders.placed"}, {Name: "orders.shipped"}, {Name: "payments"}},
		Transactions: &snapshot.TransactionSection{Available: true, Entries: []snapshot.Transaction{
			{TransactionalID: "checkout-1", ProducerID: 7, ProducerEpoch: 2, State: "Ongoing",
				Partitions: []snapshot.TopicPartitions{{Topic: "orders.placed", Partitions: []int32{0, 1}}}},
			{TransactionalID: "billing-1", ProducerID: 8, State: "CompleteCommit"},
			{TransactionalID: "gone", ProducerID: 9, Error: "Not Coordinator (error 16)"},
		}},
		Producers: &snapshot.ProducerSection{Available: true, Topics: []snapshot.TopicProducers{
			{Topic: "orders.placed", Partitions: []snapshot.PartitionProducers{
				{Partition: 0, Producers: []snapshot.ActiveProducer{{ProducerID: 3, LastTimestampMs: 100}, {ProducerID: 7, LastTimestampMs: 300, TxnStartOffset: &start}}},
				{Partition: 2, Producers: []snapshot.ActiveProducer{{ProducerID: 3, LastTimestampMs: 200}}},
			}},
			{Topic: "payments", Partitions: []snapshot.PartitionProducers{
				{Partition: 0, Producers: []snapshot.ActiveProducer{{ProducerID: 8, LastTimestampMs: 50}, {ProducerID: 9, LastTimestampMs: 60}}},
			}},
		}},
		ACLs: &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{
			{ResourceType: "TOPIC", ResourceName: "orders.", PatternType: "PREFIXED", Principal: "User:checkout", Host: "*", Operation: "WRITE", Permission: "ALLOW"},
			{ResourceType: "TOPIC", ResourceName: "orders.placed", PatternType: "LITERAL", Principal: "User:checkout", Host: "*", Operation: "ALL", Permission: "ALLOW"},
			{ResourceType: "TOPIC", ResourceName: "*", PatternType: "LITERAL", Principal: "User:audit", Host: "*", Operation: "READ", Permission: "ALLOW"},
			{ResourceType: "TOPIC", ResourceName: "orders.shipped", PatternType: "LITERAL", Principal: "User:audit", Host: "*", Operation: "READ", Permission: "DENY"},
			{ResourceType: "TOPIC", ResourceName: "orders.shipped", PatternType: "LITERAL", Principal: "User:checkout", Host: "10.0.0.1", Operation: "WRITE", Permission: "DENY"},
			{ResourceType: "GROUP", ResourceName: "orders.placed", PatternType: "LITERAL", Principal: "User:x", Host: "*", Operation: "READ", Permission: "ALLOW"},
			{ResourceType: "TOPIC", ResourceName: "pay", PatternType: "LITERAL", Principal: "User:x", Host: "*", Operation: "WRITE", Permission: "ALLOW"},
		}},
	}
}

func TestWritersJoinTransactionsProducerStateAndACLs(t *testing.T) {
	w := Writers(writersSnapshot())

	placed := w["orders.placed"]
	require.NotNil(t, placed)
	assert.Equal(t, 2, placed.ActiveProducers)
	assert.Equal(t, int64(300), placed.LastWriteMs)
	assert.Equal(t, []WriterEdge{
		{Topic: "orders.placed", Write: true, Kind: WriterTransactional, Name: "checkout-1", ProducerIDs: []int64{7}, State: "Ongoing",
			Partitions: []int32{0, 1}, InTransaction: []int32{0}, LastWriteMs: 300, Evidence: []string{EvidenceProducerState, EvidenceTransaction}},
		{Topic: "orders.placed", Write: true, Kind: WriterIdempotent, Name: "producer id 3", ProducerIDs: []int64{3},
			Partitions: []int32{0, 2}, LastWriteMs: 200, Evidence: []string{EvidenceProducerState}},
		{Topic: "orders.placed", Write: true, Kind: WriterPrincipal, Name: "User:checkout",
			Patterns: []string{"LITERAL orders.placed", "PREFIXED orders."}, Evidence: []string{EvidenceACL}},
		{Topic: "orders.placed", Kind: WriterPrincipal, Name: "User:audit", Patterns: []string{"LITERAL *"}, Evidence: []string{EvidenceACL}},
		{Topic: "orders.placed", Kind: WriterPrincipal, Name: "User:checkout", Patterns: []string{"LITERAL orders.placed"}, Evidence: []string{EvidenceACL}},
	}, placed.Writers)
	assert.True(t, placed.Writers[0].Observed())
	assert.False(t, placed.Writers[2].Observed(), "an ACL is permission, not proof of use")

	// A DENY from any host removes the reader; one from a single host leaves the writer allowed elsewhere.
	shipped := w["orders.shipped"]
	require.NotNil(t, shipped)
	require.Len(t, shipped.Writers, 1)
	assert.Equal(t, "User:checkout", shipped.Writers[0].Name)
	assert.True(t, shipped.Writers[0].Write)
	assert.Zero(t, shipped.ActiveProducers)

	// A completed transaction names its producer id; a failed describe does not.
	pay := w["payments"]
	require.NotNil(t, pay)
	names := []string{}
	for _, e := range pay.Writers {
		names = append(names, e.Kind+" "+e.Name)
	}
	assert.Equal(t, []string{"transactional producer billing-1", "idempotent producer producer id 9", "principal User:audit"}, names,
		"a LITERAL pay does not match payments")
	assert.Equal(t, "CompleteCommit", pay.Writers[0].State)
}

func TestWritersUnavailable(t *testing.T) {
	assert.Equal(t, []string{"transactions: not recorded in this snapshot", "producer state: not recorded in this snapshot", "ACLs: not recorded in this snapshot"},
		Unavailable(&snapshot.Snapshot{}))
	s := writersSnapshot()
	assert.Empty(t, Unavailable(s))
	s.ACLs = &snapshot.ACLSection{Reason: "no authorizer configured"}
	s.Producers = &snapshot.ProducerSection{Reason: "not available on this Kafka version: broker does not support the DescribeProducers API"}
	assert.Equal(t, []string{"producer state: not available on this Kafka version: broker does not support the DescribeProducers API",
		"ACLs: no authorizer configured"}, Unavailable(s))
	assert.Empty(t, Writers(&snapshot.Snapshot{}))
}
