package kafka

// Evidence of writers compared with Kafka's own TransactionsCommand (kafka-transactions list,
// describe --transactional-id, describe-producers --topic --partition) on the same cluster: an
// idempotent producer, a transactional producer whose transaction is left open while the
// snapshot is taken, and one whose transaction is committed. The test cluster has no authorizer:
// the ACL section must say so, as a fact and not an error.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

func TestFactsTransactionsMatchTransactionsCommand(t *testing.T) {
	c := realCluster(t)
	ctx := context.Background()
	testenv.Settled(ctx, t, c.Bootstrap)
	admCl, err := kgo.NewClient(kgo.SeedBrokers(c.Bootstrap...))
	require.NoError(t, err)
	t.Cleanup(admCl.Close)
	adm := kadm.NewClient(admCl)

	suffix := fmt.Sprint(time.Now().UnixNano())
	topic := "kdocs-test-writers-" + suffix
	openID, committedID := "kdocs-test-txn-open-"+suffix, "kdocs-test-txn-done-"+suffix
	testenv.CreateTopic(ctx, t, admCl, topic, 3, 3, nil)
	t.Cleanup(func() { dropTopic(t, c, adm, topic) })

	newProducer := func(opts ...kgo.Opt) *kgo.Client {
		cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.Bootstrap...), kgo.DefaultProduceTopic(topic),
			kgo.RecordPartitioner(kgo.ManualPartitioner())}, opts...)...)
		require.NoError(t, err)
		return cl
	}
	produce := func(cl *kgo.Client, partition int32, n int) {
		for range n {
			require.NoError(t, cl.ProduceSync(ctx, &kgo.Record{Partition: partition, Value: []byte("x")}).FirstErr())
		}
	}
	// An idempotent producer (franz-go's default) on every partition.
	idem := newProducer()
	defer idem.Close()
	for p := range int32(3) {
		produce(idem, p, 3)
	}
	// A committed transaction on partition 2.
	done := newProducer(kgo.TransactionalID(committedID))
	defer done.Close()
	require.NoError(t, done.BeginTransaction())
	produce(done, 2, 2)
	require.NoError(t, done.EndTransaction(ctx, kgo.TryCommit))
	// A transaction left open on partitions 0 and 1 until the comparisons are done.
	open := newProducer(kgo.TransactionalID(openID), kgo.TransactionTimeout(5*time.Minute))
	defer open.Close()
	require.NoError(t, open.BeginTransaction())
	produce(open, 0, 2)
	produce(open, 1, 1)
	defer func() { _ = open.EndTransaction(ctx, kgo.TryAbort) }()

	s, err := Collect(ctx, c)
	require.NoError(t, err)
	for _, e := range s.Errors {
		assert.NotContains(t, e.Scope, "producers", "%+v", e)
		assert.NotContains(t, e.Scope, "transactions", "%+v", e)
	}

	// The main test cluster runs without an authorizer: a fact recorded on the section.
	require.NotNil(t, s.ACLs)
	assert.False(t, s.ACLs.Available)
	assert.Equal(t, "no authorizer configured", s.ACLs.Reason)

	require.NotNil(t, s.Transactions)
	require.True(t, s.Transactions.Available, s.Transactions.Reason)
	txn := func(id string) *snapshot.Transaction {
		i := slices.IndexFunc(s.Transactions.Entries, func(e snapshot.Transaction) bool { return e.TransactionalID == id })
		require.GreaterOrEqual(t, i, 0, "transactional id %s not in the snapshot", id)
		return &s.Transactions.Entries[i]
	}
	listed := map[string]map[string]string{}
	for _, row := range toolRows(kafkaTool(t, "kafka-transactions", "list"), "TransactionalId") {
		listed[row["TransactionalId"]] = row
	}
	for _, id := range []string{openID, committedID} {
		e, row := txn(id), listed[id]
		require.NotNil(t, row, "kafka-transactions list names %s", id)
		assert.Equal(t, row["Coordinator"], strconv.Itoa(int(e.Coordinator)), id)
		assert.Equal(t, row["ProducerId"], strconv.FormatInt(e.ProducerID, 10), id)
		assert.Equal(t, row["TransactionState"], e.State, id)
		assert.Empty(t, e.Error, id)

		desc := toolRows(kafkaTool(t, "kafka-transactions", "describe", "--transactional-id", id), "CoordinatorId")
		require.Len(t, desc, 1, id)
		d := desc[0]
		assert.Equal(t, d["CoordinatorId"], strconv.Itoa(int(e.Coordinator)), id)
		assert.Equal(t, d["ProducerId"], strconv.FormatInt(e.ProducerID, 10), id)
		assert.Equal(t, d["ProducerEpoch"], strconv.Itoa(int(e.ProducerEpoch)), id)
		assert.Equal(t, d["TransactionState"], e.State, id)
		assert.Equal(t, d["TransactionTimeoutMs"], strconv.Itoa(int(e.TimeoutMs)), id)
		start := "None"
		if e.StartTimeMs != nil {
			start = strconv.FormatInt(*e.StartTimeMs, 10)
		}
		assert.Equal(t, d["CurrentTransactionStartTimeMs"], start, id)
		var parts []string
		for _, tp := range e.Partitions {
			for _, p := range tp.Partitions {
				parts = append(parts, fmt.Sprintf("%s-%d", tp.Topic, p))
			}
		}
		assert.ElementsMatch(t, toolList(d["TopicPartitions"]), parts, id)
	}
	assert.Equal(t, "Ongoing", txn(openID).State)
	assert.Equal(t, []snapshot.TopicPartitions{{Topic: topic, Partitions: []int32{0, 1}}}, txn(openID).Partitions)
	assert.Equal(t, "CompleteCommit", txn(committedID).State)
	assert.Nil(t, txn(committedID).Partitions, "a completed transaction has no partitions")

	// Producer state, partition by partition.
	require.NotNil(t, s.Producers)
	require.True(t, s.Producers.Available, s.Producers.Reason)
	i := slices.IndexFunc(s.Producers.Topics, func(tp snapshot.TopicProducers) bool { return tp.Topic == topic })
	require.GreaterOrEqual(t, i, 0, "the snapshot has producer state for %s", topic)
	got := s.Producers.Topics[i]
	require.Len(t, got.Partitions, 3)
	wantProducers := []int{2, 2, 2} // idempotent + open on 0 and 1, idempotent + committed on 2
	for p, pp := range got.Partitions {
		assert.Equal(t, int32(p), pp.Partition)
		assert.Len(t, pp.Producers, wantProducers[p], "partition %d", p)
		rows := toolRows(kafkaTool(t, "kafka-transactions", "describe-producers", "--topic", topic, "--partition", strconv.Itoa(p)), "ProducerId")
		require.Len(t, rows, len(pp.Producers), "partition %d", p)
		byID := map[string]map[string]string{}
		for _, r := range rows {
			byID[r["ProducerId"]] = r
		}
		for _, ap := range pp.Producers {
			r := byID[strconv.FormatInt(ap.ProducerID, 10)]
			require.NotNil(t, r, "partition %d: describe-producers names producer %d", p, ap.ProducerID)
			assert.Equal(t, r["ProducerEpoch"], strconv.Itoa(int(ap.ProducerEpoch)), "partition %d", p)
			assert.Equal(t, r["LatestCoordinatorEpoch"], strconv.Itoa(int(ap.CoordinatorEpoch)), "partition %d", p)
			assert.Equal(t, r["LastSequence"], strconv.Itoa(int(ap.LastSequence)), "partition %d", p)
			assert.Equal(t, r["LastTimestamp"], strconv.FormatInt(ap.LastTimestampMs, 10), "partition %d", p)
			start := "None"
			if ap.TxnStartOffset != nil {
				start = strconv.FormatInt(*ap.TxnStartOffset, 10)
			}
			assert.Equal(t, r["CurrentTransactionStartOffset"], start, "partition %d", p)
		}
		// The open transaction's producer has a transaction open on 0 and 1, and only there.
		for _, ap := range pp.Producers {
			if ap.ProducerID == txn(openID).ProducerID {
				assert.NotNil(t, ap.TxnStartOffset, "partition %d", p)
			} else {
				assert.Nil(t, ap.TxnStartOffset, "partition %d: producer %d", p, ap.ProducerID)
			}
		}
	}

	// Determinism: the same state encodes to the same bytes.
	again, err := Collect(ctx, c)
	require.NoError(t, err)
	a, b := *s, *again
	for _, x := range []*snapshot.Snapshot{&a, &b} {
		x.Topics, x.Groups, x.Cluster, x.Errors = nil, nil, snapshot.Cluster{}, nil
	}
	ea, err := snapshot.Encode(&a)
	require.NoError(t, err)
	eb, err := snapshot.Encode(&b)
	require.NoError(t, err)
	assert.Equal(t, string(ea), string(eb), "two snapshots of one writer state")
}

// toolRows reads the table TransactionsCommand prints: a header line that starts with first, then
// rows of as many whitespace-separated cells; a row one cell short has the last column empty
// (an empty TopicPartitions).
func toolRows(out, first string) []map[string]string {
	var header []string
	var rows []map[string]string
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) > 0 && fields[0] == first:
			header = fields
		case header != nil && (len(fields) == len(header) || len(fields) == len(header)-1):
			row := map[string]string{}
			for i, h := range header {
				if i < len(fields) {
					row[h] = fields[i]
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// toolList splits a comma-separated cell; empty for "" and "None".
func toolList(cell string) []string {
	if cell == "" || cell == "None" {
		return []string{}
	}
	return strings.Split(cell, ",")
}
