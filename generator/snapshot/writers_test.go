package snapshot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The writers' sections encode in one order whatever order the brokers answered in, and decode
// back to what was encoded.
func TestWritersSectionsAreDeterministic(t *testing.T) {
	start := int64(1700000000000)
	build := func(reverse bool) *Snapshot {
		txns := []Transaction{
			{TransactionalID: "b", ProducerID: 2, State: "Ongoing", StartTimeMs: &start,
				Partitions: []TopicPartitions{{Topic: "z", Partitions: []int32{2, 0}}, {Topic: "a", Partitions: []int32{1}}}},
			{TransactionalID: "a", ProducerID: 1, State: "CompleteCommit"},
		}
		prods := []TopicProducers{
			{Topic: "t2", Partitions: []PartitionProducers{{Partition: 1, Producers: []ActiveProducer{{ProducerID: 9}, {ProducerID: 3}}}, {Partition: 0, Producers: []ActiveProducer{{ProducerID: 1}}}}},
			{Topic: "t1", Partitions: []PartitionProducers{{Partition: 0, Producers: []ActiveProducer{{ProducerID: 4, TxnStartOffset: &start}}}}},
		}
		if reverse {
			txns[0], txns[1] = txns[1], txns[0]
			prods[0], prods[1] = prods[1], prods[0]
		}
		return &Snapshot{Format: Format, Transactions: &TransactionSection{Available: true, Entries: txns},
			Producers: &ProducerSection{Available: true, Topics: prods}}
	}
	a, err := Encode(build(false))
	require.NoError(t, err)
	b, err := Encode(build(true))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))

	s, err := Decode(a)
	require.NoError(t, err)
	assert.Equal(t, "a", s.Transactions.Entries[0].TransactionalID)
	assert.Equal(t, []TopicPartitions{{Topic: "a", Partitions: []int32{1}}, {Topic: "z", Partitions: []int32{0, 2}}}, s.Transactions.Entries[1].Partitions)
	assert.Equal(t, "t1", s.Producers.Topics[0].Topic)
	assert.Equal(t, int32(0), s.Producers.Topics[1].Partitions[0].Partition)
	assert.Equal(t, []ActiveProducer{{ProducerID: 3}, {ProducerID: 9}}, s.Producers.Topics[1].Partitions[1].Producers)
	assert.Equal(t, start, *s.Producers.Topics[0].Partitions[0].Producers[0].TxnStartOffset)
}
