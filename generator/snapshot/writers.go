package snapshot

// Evidence of who writes each topic that the brokers hold: the transactional producers their
// transaction coordinators know (ListTransactions, DescribeTransactions) and the producers whose
// state each partition's leader keeps (DescribeProducers, KIP-664). Kafka does not record a
// producer's client id; a producer id, its epoch and its transactional id are what there is.
// Which principals may write is in the ACLs (snapshot.go); generator/lineage joins the three.

import (
	"cmp"
	"slices"
)

// TransactionSection is the cluster's transactional producers when they could be read. When they
// could not (a broker without ListTransactions, not authorized), Available is false and Reason
// says why; other failures are also the snapshot's errors (scope transactions).
type TransactionSection struct {
	Available bool          `json:"available"`
	Reason    string        `json:"reason,omitempty"`
	Entries   []Transaction `json:"entries,omitempty"`
}

// Transaction is one transactional id as its coordinator describes it.
type Transaction struct {
	TransactionalID string `json:"transactionalId"`
	// Coordinator is the broker that coordinates it (leads its __transaction_state partition).
	Coordinator   int32 `json:"coordinator"`
	ProducerID    int64 `json:"producerId"`
	ProducerEpoch int32 `json:"producerEpoch"`
	// State is the coordinator's: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit,
	// CompleteAbort, Dead, PrepareEpochFence.
	State     string `json:"state"`
	TimeoutMs int32  `json:"timeoutMs"`
	// StartTimeMs is when the open transaction started (coordinator's clock); nil when none is open.
	StartTimeMs *int64 `json:"startTimeMs,omitempty"`
	// Partitions are the partitions in the open transaction, by topic, sorted; nil when none is
	// open (the coordinator forgets them once a transaction completes).
	Partitions []TopicPartitions `json:"partitions,omitempty"`
	// Error says why the coordinator that listed the id could not describe it; the other fields
	// are then what ListTransactions said.
	Error string `json:"error,omitempty"`
}

// ProducerSection is the producers with state on each partition when it could be read;
// otherwise Available is false and Reason says why. Errors of single brokers or partitions are
// the snapshot's errors (scope producers), and those partitions are absent.
type ProducerSection struct {
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	// Topics lists the topics with at least one producer, sorted by name.
	Topics []TopicProducers `json:"topics,omitempty"`
}

// TopicProducers is the partitions of one topic that have producer state.
type TopicProducers struct {
	Topic      string               `json:"topic"`
	Partitions []PartitionProducers `json:"partitions"`
}

// PartitionProducers is the producers the partition's leader keeps state for: those that wrote
// with a producer id (idempotent or transactional) within transactional.id.expiration.ms /
// producer.id.expiration.ms, sorted by producer id.
type PartitionProducers struct {
	Partition int32            `json:"partition"`
	Producers []ActiveProducer `json:"producers"`
}

// ActiveProducer is one producer's state on one partition, as DescribeProducers answers it.
type ActiveProducer struct {
	ProducerID    int64 `json:"producerId"`
	ProducerEpoch int32 `json:"producerEpoch"`
	LastSequence  int32 `json:"lastSequence"`
	// LastTimestampMs is the max timestamp of the producer's last batch (the producer's clock
	// unless the topic uses LogAppendTime).
	LastTimestampMs  int64 `json:"lastTimestampMs"`
	CoordinatorEpoch int32 `json:"coordinatorEpoch"`
	// TxnStartOffset is the first offset of the producer's open transaction on the partition;
	// nil when it has none open.
	TxnStartOffset *int64 `json:"txnStartOffset,omitempty"`
}

func normalizeWriters(s *Snapshot) {
	if t := s.Transactions; t != nil {
		for i := range t.Entries {
			e := &t.Entries[i]
			slices.SortFunc(e.Partitions, func(a, b TopicPartitions) int { return cmp.Compare(a.Topic, b.Topic) })
			for j := range e.Partitions {
				slices.Sort(e.Partitions[j].Partitions)
			}
		}
		slices.SortFunc(t.Entries, func(a, b Transaction) int { return cmp.Compare(a.TransactionalID, b.TransactionalID) })
	}
	if p := s.Producers; p != nil {
		slices.SortFunc(p.Topics, func(a, b TopicProducers) int { return cmp.Compare(a.Topic, b.Topic) })
		for i := range p.Topics {
			t := &p.Topics[i]
			slices.SortFunc(t.Partitions, func(a, b PartitionProducers) int { return cmp.Compare(a.Partition, b.Partition) })
			for j := range t.Partitions {
				slices.SortFunc(t.Partitions[j].Producers, func(a, b ActiveProducer) int {
					return cmp.Or(cmp.Compare(a.ProducerID, b.ProducerID), cmp.Compare(a.ProducerEpoch, b.ProducerEpoch))
				})
			}
		}
	}
}
