package render

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestTopicWritersSection renders a topic whose writers the brokers show (a transactional id with
// an open transaction, an idempotent producer, a principal with a hostile name that an ACL
// allows) and one without producer state on a cluster without an authorizer.
func TestTopicWritersSection(t *testing.T) {
	evil := "User:<img src=x onerror=alert(1)>|x"
	start := int64(3)
	part := []snapshot.Partition{{Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}, {ID: 1, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}
	snap := &snapshot.Snapshot{Format: snapshot.Format, Cluster: snapshot.Cluster{Name: "prod", ID: "abc", Brokers: []snapshot.Broker{{ID: 1}}},
		Topics: []snapshot.Topic{{Name: "orders", Partitions: part}, {Name: "quiet", Partitions: part}},
		Transactions: &snapshot.TransactionSection{Available: true, Entries: []snapshot.Transaction{{TransactionalID: "checkout-7", ProducerID: 42,
			State: "Ongoing", Partitions: []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{1}}}}}},
		Producers: &snapshot.ProducerSection{Available: true, Topics: []snapshot.TopicProducers{{Topic: "orders", Partitions: []snapshot.PartitionProducers{
			{Partition: 0, Producers: []snapshot.ActiveProducer{{ProducerID: 5, LastTimestampMs: 1764633600000}}},
			{Partition: 1, Producers: []snapshot.ActiveProducer{{ProducerID: 42, LastTimestampMs: 1764637200000, TxnStartOffset: &start}}},
		}}}},
		ACLs: &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{{ResourceType: "TOPIC", ResourceName: "ord", PatternType: "PREFIXED",
			Principal: evil, Host: "*", Operation: "WRITE", Permission: "ALLOW"}}},
	}
	read, res := renderSite(t, snap)
	assert.Empty(t, res.Warnings)
	md := read("clusters/prod/topics/orders.md")
	assert.Contains(t, md, "## Writers the brokers show")
	assert.Contains(t, md, "**2 active producers** with state on this topic's partitions; last write 2025-12-02 01:00 UTC.")
	assert.Contains(t, md, "| checkout-7 | transactional producer (Ongoing) | writes | 1 (transaction open on 1) | 2025-12-02 01:00 UTC | observed: ")
	assert.Contains(t, md, "| producer id 5 | idempotent producer | writes | 0 | 2025-12-02 00:00 UTC | observed: the partition leaders' producer state (DescribeProducers) |")
	assert.Contains(t, md, "| allowed to write | all |  | allowed: an ACL allows it (permission, not proof of use) (PREFIXED ord) |")
	html := read("clusters/prod/topics/orders.html")
	assert.NotContains(t, html, "<img src=x")
	assert.Contains(t, html, "Writers the brokers show")

	quiet := read("clusters/prod/topics/quiet.md")
	assert.Contains(t, quiet, "No producer has state on this topic's partitions")
	assert.NotContains(t, quiet, "| Writer |")

	// Without an authorizer the ACL part says so; a snapshot that predates the sections shows none.
	snap.ACLs = &snapshot.ACLSection{Reason: "no authorizer configured"}
	read, _ = renderSite(t, snap)
	assert.Contains(t, read("clusters/prod/topics/quiet.md"), "Not shown: ACLs: no authorizer configured.")
	snap.Transactions, snap.Producers, snap.ACLs = nil, nil, nil
	read, _ = renderSite(t, snap)
	assert.NotContains(t, read("clusters/prod/topics/orders.md"), "Writers the brokers show")
}
