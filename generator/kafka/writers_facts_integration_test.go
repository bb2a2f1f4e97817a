package kafka

// Evidence of writers compared with Kafka's own TransactionsCommand (kafka-transactions list,
// describe --transactional-id, describe-producers --topic --partition) on the same cluster: an
// idempotent producer, a transactional producer whose transaction is left open while the
// snapshot is taken, and one whose transaction is committed; and the seeded estate's writers
// (testdata/seed/README.md, "Writers"): the transactional producer acme-payments-settler and the
// seed's idempotent producer. Without an authorizer the ACL section must say so, as a fact and
// not an error; on a cluster with one (KDOCS_KAFKA_AUTHORIZER=1) the seeded ACLs are compared
// with AclCommand (kafka-acls --list).

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

	"github.com/kdocs/kdocs/generator/lineage"
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

	require.NotNil(t, s.ACLs)
	if testenv.KafkaAuthorizer() {
		assertSeededACLs(t, s)
	} else {
		// Without an authorizer: a fact recorded on the section.
		assert.False(t, s.ACLs.Available)
		assert.Equal(t, "no authorizer configured", s.ACLs.Reason)
	}

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
	for _, id := range []string{openID, committedID, seededTxnID} {
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
	assert.Equal(t, "CompleteCommit", txn(seededTxnID).State, "the seed commits its transaction")
	assert.Nil(t, txn(seededTxnID).Partitions)

	// Producer state, partition by partition.
	require.NotNil(t, s.Producers)
	require.True(t, s.Producers.Available, s.Producers.Reason)
	got := producersMatchTool(t, s, topic)
	require.Len(t, got.Partitions, 3)
	wantProducers := []int{2, 2, 2} // idempotent + open on 0 and 1, idempotent + committed on 2
	for p, pp := range got.Partitions {
		assert.Equal(t, int32(p), pp.Partition)
		assert.Len(t, pp.Producers, wantProducers[p], "partition %d", p)
		// The open transaction's producer has a transaction open on 0 and 1, and only there.
		for _, ap := range pp.Producers {
			if ap.ProducerID == txn(openID).ProducerID {
				assert.NotNil(t, ap.TxnStartOffset, "partition %d", p)
			} else {
				assert.Nil(t, ap.TxnStartOffset, "partition %d: producer %d", p, ap.ProducerID)
			}
		}
	}

	// The seeded writers: acme-payments-settler on every partition of payments.ledger-entries.v1
	// (a transactional producer: a coordinator epoch), the seed's idempotent producer on every
	// partition of orders.order-cancelled.v1 (none: -1), its last sequence that of the 8th record.
	// Producer state lasts producer.id.expiration.ms (1 day) after the seed wrote.
	seeded := []struct {
		topic      string
		partitions int
		txn        bool
	}{{"payments.ledger-entries.v1", 4, true}, {"orders.order-cancelled.v1", 3, false}}
	for _, sd := range seeded {
		got := producersMatchTool(t, s, sd.topic)
		require.Len(t, got.Partitions, sd.partitions, "%s: producer state on every partition (seeded over a day ago? make seed -reset)", sd.topic)
		for _, pp := range got.Partitions {
			var ids []int64
			for _, ap := range pp.Producers {
				ids = append(ids, ap.ProducerID)
				if sd.txn && ap.ProducerID == txn(seededTxnID).ProducerID {
					assert.GreaterOrEqual(t, ap.CoordinatorEpoch, int32(0), "%s[%d]", sd.topic, pp.Partition)
					assert.Nil(t, ap.TxnStartOffset, "%s[%d]: the transaction committed", sd.topic, pp.Partition)
				}
				if !sd.txn {
					assert.Equal(t, int32(-1), ap.CoordinatorEpoch, "%s[%d]: never transactional", sd.topic, pp.Partition)
					assert.Equal(t, int32(7), ap.LastSequence, "%s[%d]: 8 records, sequences 0-7", sd.topic, pp.Partition)
				}
			}
			if sd.txn {
				assert.Contains(t, ids, txn(seededTxnID).ProducerID, "%s[%d]", sd.topic, pp.Partition)
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

// seededTxnID is the transactional id of the seed's transactional producer (testdata/seed).
const seededTxnID = "acme-payments-settler"

// producersMatchTool returns the snapshot's producer state of topic, after comparing each of its
// partitions with kafka-transactions describe-producers --topic --partition.
func producersMatchTool(t *testing.T, s *snapshot.Snapshot, topic string) snapshot.TopicProducers {
	t.Helper()
	i := slices.IndexFunc(s.Producers.Topics, func(tp snapshot.TopicProducers) bool { return tp.Topic == topic })
	require.GreaterOrEqual(t, i, 0, "the snapshot has producer state for %s", topic)
	got := s.Producers.Topics[i]
	for _, pp := range got.Partitions {
		p := pp.Partition
		rows := toolRows(kafkaTool(t, "kafka-transactions", "describe-producers", "--topic", topic, "--partition", strconv.Itoa(int(p))), "ProducerId")
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
	}
	return got
}

// assertSeededACLs: on a cluster with an authorizer the seed's ACLs are in the snapshot as
// kafka-acls --list prints them, and resolve per topic into principals allowed to write and read.
func assertSeededACLs(t *testing.T, s *snapshot.Snapshot) {
	t.Helper()
	require.True(t, s.ACLs.Available, s.ACLs.Reason)
	acl := func(rt, name, pattern, principal, op string) snapshot.ACL {
		return snapshot.ACL{ResourceType: rt, ResourceName: name, PatternType: pattern, Principal: principal,
			Host: "*", Operation: op, Permission: "ALLOW"}
	}
	want := []snapshot.ACL{
		acl("GROUP", "order-fulfilment", "LITERAL", "User:acme-orders-service", "READ"),
		acl("TOPIC", "orders.", "PREFIXED", "User:acme-orders-service", "WRITE"),
		acl("TOPIC", "payments.", "PREFIXED", "User:acme-payments-settler", "READ"),
		acl("TOPIC", "payments.ledger-entries.v1", "LITERAL", "User:acme-payments-settler", "WRITE"),
		acl("TOPIC", "payments.payment-authorized.v1", "LITERAL", "User:acme-orders-service", "READ"),
		acl("TRANSACTIONAL_ID", seededTxnID, "LITERAL", "User:acme-payments-settler", "WRITE"),
	}
	slices.SortFunc(want, compareACLs)
	seededOnly := func(in []snapshot.ACL) []snapshot.ACL {
		var out []snapshot.ACL
		for _, a := range in {
			if strings.HasPrefix(a.Principal, "User:acme-") {
				out = append(out, a)
			}
		}
		return out
	}
	tool, out := aclCommandList(t, testenv.KafkaBootstrap()[0])
	assert.Equal(t, want, seededOnly(tool), "kafka-acls --list:\n%s", out)
	assert.Equal(t, seededOnly(tool), seededOnly(s.ACLs.Entries))

	w := lineage.Writers(s)
	access := func(topic string) []string {
		var got []string
		if tw := w[topic]; tw != nil {
			for _, e := range tw.Writers {
				if e.Kind == lineage.WriterPrincipal && strings.HasPrefix(e.Name, "User:acme-") {
					got = append(got, e.Name+" "+e.Access())
				}
			}
		}
		return got
	}
	assert.Equal(t, []string{"User:acme-payments-settler allowed to write", "User:acme-payments-settler allowed to read"}, access("payments.ledger-entries.v1"))
	assert.Equal(t, []string{"User:acme-orders-service allowed to write"}, access("orders.order-cancelled.v1"))
	assert.Equal(t, []string{"User:acme-orders-service allowed to read", "User:acme-payments-settler allowed to read"}, access("payments.payment-authorized.v1"))
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
