package snapshot

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNarrowKeepsTheTopicsAndWhatFollowsThem(t *testing.T) {
	s := &Snapshot{
		Topics: []Topic{{Name: "orders.placed"}, {Name: "orders.shipped"}, {Name: "payments.settled"}},
		Groups: []Group{
			{ID: "billing", Offsets: []GroupOffset{{Topic: "orders.placed", Lag: 2}, {Topic: "payments.settled", Lag: 5}}, TotalLag: 7,
				Members: []Member{{ID: "m1", Assignments: []TopicPartitions{{Topic: "orders.placed"}, {Topic: "payments.settled"}}}}},
			{ID: "ledger", Offsets: []GroupOffset{{Topic: "payments.settled", Lag: 1}}, TotalLag: 1},
			{ID: "subscriber", Members: []Member{{ID: "m2", SubscribedTopics: []string{"orders.shipped"}}}},
		},
		Registry: &Registry{Subjects: []Subject{
			{Name: "orders.placed-value", Versions: []SchemaVersion{{Version: 1, ID: 1, References: []Reference{{Subject: "common.Money"}}}}},
			{Name: "orders.shipped-com.acme.Shipment", Versions: []SchemaVersion{{Version: 1, ID: 2}}},
			{Name: "common.Money", Versions: []SchemaVersion{{Version: 1, ID: 3}}},
			{Name: "com.acme.Sampled", Versions: []SchemaVersion{{Version: 1, ID: 4}}},
			{Name: "payments.settled-value", Versions: []SchemaVersion{{Version: 1, ID: 5}}},
			{Name: "orders-value", Versions: []SchemaVersion{{Version: 1, ID: 6}}},
		}},
		Samples: &SampleSection{Topics: []TopicSample{
			{Topic: "orders.shipped", Value: Framing{Schemas: []SchemaUse{{ID: 4}}}},
			{Topic: "payments.settled", Value: Framing{Schemas: []SchemaUse{{ID: 5}}}},
		}},
		Producers:    &ProducerSection{Topics: []TopicProducers{{Topic: "orders.placed"}, {Topic: "payments.settled"}}},
		Transactions: &TransactionSection{Entries: []Transaction{{TransactionalID: "t-orders", Partitions: []TopicPartitions{{Topic: "orders.placed"}}}, {TransactionalID: "t-pay", Partitions: []TopicPartitions{{Topic: "payments.settled"}}}, {TransactionalID: "t-idle"}}},
		Connect:      []ConnectCluster{{Connectors: []Connector{{Name: "sink", Topics: []string{"orders.placed", "payments.settled"}}}}},
		Promotions:   []Promotion{{ToSubject: "orders.placed-value"}, {ToSubject: "payments.settled-value"}},
	}
	n := s.Narrow(func(name string) bool { return strings.HasPrefix(name, "orders.") })
	assert.Equal(t, 2, n)

	var topics, groups, subjects, samples, producers, txs []string
	for _, x := range s.Topics {
		topics = append(topics, x.Name)
	}
	for _, x := range s.Groups {
		groups = append(groups, x.ID)
	}
	for _, x := range s.Registry.Subjects {
		subjects = append(subjects, x.Name)
	}
	for _, x := range s.Samples.Topics {
		samples = append(samples, x.Topic)
	}
	for _, x := range s.Producers.Topics {
		producers = append(producers, x.Topic)
	}
	for _, x := range s.Transactions.Entries {
		txs = append(txs, x.TransactionalID)
	}
	assert.Equal(t, []string{"orders.placed", "orders.shipped"}, topics)
	assert.Equal(t, []string{"billing", "subscriber"}, groups, "a group that only reads payments is left out")
	assert.Equal(t, []string{"orders.placed-value", "orders.shipped-com.acme.Shipment", "common.Money", "com.acme.Sampled"}, subjects,
		"named for a kept topic (TopicName, TopicRecordName), referenced by one, or seen in a kept topic's records; not orders-value, which names no topic")
	assert.Equal(t, []string{"orders.shipped"}, samples)
	assert.Equal(t, []string{"orders.placed"}, producers)
	assert.Equal(t, []string{"t-orders", "t-idle"}, txs)

	billing := s.Groups[0]
	assert.Equal(t, []GroupOffset{{Topic: "orders.placed", Lag: 2}}, billing.Offsets)
	assert.Equal(t, int64(2), billing.TotalLag, "the lag of the offsets left")
	assert.Equal(t, []TopicPartitions{{Topic: "orders.placed"}}, billing.Members[0].Assignments)
	assert.Equal(t, []string{"orders.placed"}, s.Connect[0].Connectors[0].Topics)
	assert.Equal(t, []Promotion{{ToSubject: "orders.placed-value"}}, s.Promotions)
}
