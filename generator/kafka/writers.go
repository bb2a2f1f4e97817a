package kafka

// Evidence of writers, through kmsg on kdocs' own connections (kafka-go has none of these APIs):
//
//	ListTransactions      1 per broker             the transactional ids it coordinates
//	DescribeTransactions  1 per coordinator        for up to 100 of those ids (txnBatch)
//	DescribeProducers     1 per partition leader   for up to 1,000 of the partitions it leads
//	                      (producerBatch), KIP-664
//
// A broker lacking an API (Kafka before 3.0) makes its section not available, a fact about the
// version, not an error. The partition leaders are those of the snapshot's one metadata answer;
// a leader that moved since answers NOT_LEADER_OR_FOLLOWER, recorded in errors for the topic.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// The error of a transactional id kdocs may not describe: ListTransactions already leaves out the
// ids kdocs may not see, so this one means its permission changed in between.
const errTransactionalIDAuthorizationFailed = 53

// transactions lists the transactional ids each broker coordinates and describes them, from the
// same broker.
func (c *collector) transactions(ctx context.Context, brokerIDs []int32) *snapshot.TransactionSection {
	type listed struct {
		entries     []snapshot.Transaction
		unsupported string
		failed      bool
	}
	lists := make([]listed, len(brokerIDs))
	c.each(ctx, len(brokerIDs), func(i int) {
		id := brokerIDs[i]
		req, res := kmsg.NewPtrListTransactionsRequest(), kmsg.NewPtrListTransactionsResponse()
		err := c.brokers.use(ctx, id, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
		var unsupported *unsupportedError
		if errors.As(err, &unsupported) {
			lists[i].unsupported = unsupported.Error()
			return
		}
		if err == nil && res.ErrorCode != 0 {
			err = errors.New(kafkaError(res.ErrorCode))
		}
		if err != nil {
			lists[i].failed = true
			c.record("transactions", fmt.Sprintf("broker %d", id), "list the transactions broker %d coordinates: %v", id, err)
			return
		}
		for _, ts := range res.TransactionStates {
			lists[i].entries = append(lists[i].entries, snapshot.Transaction{TransactionalID: ts.TransactionalID,
				Coordinator: id, ProducerID: ts.ProducerID, ProducerEpoch: -1, State: ts.TransactionState})
		}
	})
	out := &snapshot.TransactionSection{Available: true}
	answered := false
	for _, l := range lists {
		if l.unsupported != "" {
			return &snapshot.TransactionSection{Reason: "not available on this Kafka version: " + l.unsupported}
		}
		answered = answered || !l.failed
	}
	if !answered {
		return &snapshot.TransactionSection{Reason: "could not be read: no broker answered ListTransactions (see errors)"}
	}

	// Describe: one request per coordinator and batch of ids; each job writes its own entries.
	type batch struct {
		coordinator int32
		entries     []snapshot.Transaction
	}
	var batches []batch
	seen := map[string]bool{}
	for i, l := range lists {
		var mine []snapshot.Transaction
		for _, e := range l.entries {
			if !seen[e.TransactionalID] { // listed twice while its coordinator moved
				seen[e.TransactionalID] = true
				mine = append(mine, e)
			}
		}
		for _, ch := range chunks(mine, txnBatch) {
			batches = append(batches, batch{brokerIDs[i], ch})
		}
	}
	c.each(ctx, len(batches), func(i int) { c.describeTransactions(ctx, batches[i].coordinator, batches[i].entries) })
	for _, b := range batches {
		out.Entries = append(out.Entries, b.entries...)
	}
	return out
}

// txnBatch is the number of transactional ids per DescribeTransactions request.
const txnBatch = 100

func (c *collector) describeTransactions(ctx context.Context, coordinator int32, entries []snapshot.Transaction) {
	req, res := kmsg.NewPtrDescribeTransactionsRequest(), kmsg.NewPtrDescribeTransactionsResponse()
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		req.TransactionalIDs = append(req.TransactionalIDs, e.TransactionalID)
		index[e.TransactionalID] = i
	}
	err := c.brokers.use(ctx, coordinator, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
	if err != nil {
		c.record("transactions", fmt.Sprintf("broker %d", coordinator), "describe %d transactions on broker %d: %v", len(entries), coordinator, err)
		for i := range entries {
			entries[i].Error = "not described: " + err.Error()
		}
		return
	}
	answered := map[string]bool{}
	for _, ts := range res.TransactionStates {
		i, ok := index[ts.TransactionalID]
		if !ok {
			continue
		}
		answered[ts.TransactionalID] = true
		e := &entries[i]
		if ts.ErrorCode != 0 {
			// The coordinator moved, or the id expired, between the list and the describe.
			e.Error = kafkaError(ts.ErrorCode)
			if ts.ErrorCode != errTransactionalIDAuthorizationFailed {
				c.record("transactions", ts.TransactionalID, "describe transaction %q on broker %d: %s", ts.TransactionalID, coordinator, e.Error)
			}
			continue
		}
		e.State, e.ProducerID, e.ProducerEpoch, e.TimeoutMs = ts.State, ts.ProducerID, int32(ts.ProducerEpoch), ts.TimeoutMillis
		if ts.StartTimestamp >= 0 {
			e.StartTimeMs = ptr(ts.StartTimestamp)
		}
		for _, t := range ts.Topics {
			e.Partitions = append(e.Partitions, snapshot.TopicPartitions{Topic: t.Topic, Partitions: slices.Clone(t.Partitions)})
		}
	}
	for i := range entries {
		if !answered[entries[i].TransactionalID] && entries[i].Error == "" {
			entries[i].Error = fmt.Sprintf("broker %d did not describe it", coordinator)
		}
	}
}

// producerBatch is the number of partitions per DescribeProducers request.
const producerBatch = 1000

// producers asks each partition leader for the producer state of the partitions it leads.
func (c *collector) producers(ctx context.Context, topics []snapshot.Topic) *snapshot.ProducerSection {
	led := map[int32]int{} // partitions by leader, to size byLeader's lists at once
	for _, t := range topics {
		for _, p := range t.Partitions {
			if p.Leader >= 0 { // a partition without a leader has no one to ask (offsets records it)
				led[p.Leader]++
			}
		}
	}
	byLeader := make(map[int32][]topicPartition, len(led))
	for leader, n := range led {
		byLeader[leader] = make([]topicPartition, 0, n)
	}
	for _, t := range topics {
		for _, p := range t.Partitions {
			if p.Leader >= 0 {
				byLeader[p.Leader] = append(byLeader[p.Leader], topicPartition{t.Name, p.ID})
			}
		}
	}
	type batch struct {
		leader int32
		tps    []topicPartition
	}
	var batches []batch
	for _, leader := range slices.Sorted(maps.Keys(byLeader)) {
		for _, ch := range chunks(byLeader[leader], producerBatch) {
			batches = append(batches, batch{leader, ch})
		}
	}
	var (
		mu          sync.Mutex
		unsupported string
		answered    bool
		failed      = newPartitionErrors()
		found       = map[string][]snapshot.PartitionProducers{}
	)
	c.each(ctx, len(batches), func(i int) {
		b := batches[i]
		req, res := kmsg.NewPtrDescribeProducersRequest(), kmsg.NewPtrDescribeProducersResponse()
		var starts []int // where each request topic's partitions start in b.tps
		for j, tp := range b.tps {
			if n := len(req.Topics); n == 0 || req.Topics[n-1].Topic != tp.topic {
				req.Topics = append(req.Topics, kmsg.DescribeProducersRequestTopic{Topic: tp.topic})
				starts = append(starts, j)
			}
			rt := &req.Topics[len(req.Topics)-1]
			rt.Partitions = append(rt.Partitions, tp.partition)
		}
		err := c.brokers.use(ctx, b.leader, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
		mu.Lock()
		defer mu.Unlock()
		var unsup *unsupportedError
		if errors.As(err, &unsup) {
			unsupported = unsup.Error()
			return
		}
		if err != nil {
			c.record("producers", fmt.Sprintf("broker %d", b.leader), "describe the producers of %d partitions broker %d leads: %v", len(b.tps), b.leader, err)
			return
		}
		answered = true
		seen := make([]bool, len(b.tps)) // by position in b.tps
		asked := askedTopics{n: len(req.Topics), name: func(k int) string { return req.Topics[k].Topic }}
		for k, t := range res.Topics {
			at := asked.find(k, t.Topic)
			for _, p := range t.Partitions {
				if at >= 0 {
					if j, asked := slices.BinarySearch(req.Topics[at].Partitions, p.Partition); asked {
						seen[starts[at]+j] = true
					}
				}
				if p.ErrorCode != 0 {
					failed.add(t.Topic, p.Partition, groupError(p.ErrorCode, p.ErrorMessage))
					continue
				}
				if len(p.ActiveProducers) == 0 {
					continue
				}
				pp := snapshot.PartitionProducers{Partition: p.Partition}
				for _, ap := range p.ActiveProducers {
					a := snapshot.ActiveProducer{ProducerID: ap.ProducerID, ProducerEpoch: ap.ProducerEpoch, LastSequence: ap.LastSequence,
						LastTimestampMs: ap.LastTimestamp, CoordinatorEpoch: ap.CoordinatorEpoch}
					if ap.CurrentTxnStartOffset >= 0 {
						a.TxnStartOffset = ptr(ap.CurrentTxnStartOffset)
					}
					pp.Producers = append(pp.Producers, a)
				}
				found[t.Topic] = append(found[t.Topic], pp)
			}
		}
		for j, tp := range b.tps {
			if !seen[j] {
				failed.add(tp.topic, tp.partition, fmt.Sprintf("broker %d did not answer for it", b.leader))
			}
		}
	})
	if unsupported != "" {
		return &snapshot.ProducerSection{Reason: "not available on this Kafka version: " + unsupported}
	}
	failed.record(c, "producers", "describe the producers")
	if !answered && len(batches) > 0 {
		return &snapshot.ProducerSection{Reason: "could not be read: no partition leader answered DescribeProducers (see errors)"}
	}
	out := &snapshot.ProducerSection{Available: true}
	for _, topic := range slices.Sorted(maps.Keys(found)) {
		out.Topics = append(out.Topics, snapshot.TopicProducers{Topic: topic, Partitions: found[topic]})
	}
	return out
}
