package environments

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func topic(name string, partitions, rf int, configs ...snapshot.Config) snapshot.Topic {
	t := snapshot.Topic{Name: name, ReplicationFactor: rf, Configs: configs}
	for i := range partitions {
		t.Partitions = append(t.Partitions, snapshot.Partition{ID: int32(i)})
	}
	return t
}

func own(name, value string) snapshot.Config {
	return snapshot.Config{Name: name, Value: value, Source: "DYNAMIC_TOPIC_CONFIG"}
}

func avro(version, id int, text string) snapshot.SchemaVersion {
	return snapshot.SchemaVersion{Version: version, ID: id, Type: "AVRO", Schema: text}
}

const (
	orderV1 = `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}`
	orderV2 = `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"note","type":["null","string"],"default":null}]}`
)

// estate is dev (names prefixed "dev.") and prod (plain names), drifting on purpose.
func estate() []Input {
	dev := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "acme-dev", Environment: "dev"},
		Topics: []snapshot.Topic{
			topic("__consumer_offsets", 50, 3),
			topic("dev.orders", 6, 3, own("retention.ms", "3600000"), own("cleanup.policy", "delete"),
				snapshot.Config{Name: "segment.bytes", Value: "1073741824", Source: "DEFAULT_CONFIG"}),
			topic("dev.payments", 3, 3),
			topic("dev.scratch", 1, 1),
			topic("legacy-audit", 1, 1),
		},
		Groups: []snapshot.Group{
			{ID: "dev.billing", Offsets: []snapshot.GroupOffset{{Topic: "dev.orders"}}},
			{ID: "dev.shipping", Members: []snapshot.Member{{Assignments: []snapshot.TopicPartitions{{Topic: "dev.orders"}}}}},
		},
		Registry: &snapshot.Registry{Compatibility: "BACKWARD", Subjects: []snapshot.Subject{
			{Name: "dev.orders-value", Versions: []snapshot.SchemaVersion{avro(1, 1, orderV1), avro(2, 5, orderV2)}},
			{Name: "dev.payments-value", Versions: []snapshot.SchemaVersion{avro(1, 2, `{"type":"string"}`)}},
		}},
	}
	prod := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "acme-prod", Environment: "prod"},
		Topics: []snapshot.Topic{
			topic("orders", 12, 3, own("retention.ms", "604800000"), own("cleanup.policy", "delete")),
			topic("payments", 3, 3),
			topic("refunds", 3, 3),
		},
		Groups: []snapshot.Group{{ID: "billing", Offsets: []snapshot.GroupOffset{{Topic: "orders"}}}},
		Registry: &snapshot.Registry{Compatibility: "BACKWARD", Subjects: []snapshot.Subject{
			// Same schema as dev's v1, other whitespace and id: the same fingerprint.
			{Name: "orders-value", Versions: []snapshot.SchemaVersion{avro(1, 40, "{ \"type\": \"record\", \"name\": \"Order\",\n \"fields\": [{\"name\": \"id\", \"type\": \"string\"}]}")}},
			// Version 1 is another schema than dev's.
			{Name: "payments-value", Compatibility: "FULL", Versions: []snapshot.SchemaVersion{avro(1, 41, `{"type":"long"}`)}},
		}},
	}
	return []Input{{"dev", dev}, {"prod", prod}}
}

func envConfig(t *testing.T) *config.Environments {
	return devProd(t, `  topics: "{env}.{name}"
  names:
    prod: {topics: "{name}"}
  expectedDrift: [retention.ms]
`)
}

// devProd parses an environments: block of order [dev, prod] with the given keys.
func devProd(t *testing.T, keys string) *config.Environments {
	t.Helper()
	s, err := config.Parse([]byte(`title: t
clusters:
  - {name: acme-dev, environment: dev, snapshot: d.json}
  - {name: acme-prod, environment: prod, snapshot: p.json}
environments:
  order: [dev, prod]
`+keys), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	return s.Environments
}

func find[T any](list []*T, name func(*T) string, want string) *T {
	for _, x := range list {
		if name(x) == want {
			return x
		}
	}
	return nil
}

func TestCompareTopics(t *testing.T) {
	c := Compare(estate(), envConfig(t), Options{})
	assert.Equal(t, []string{"dev", "prod"}, c.Environments)
	assert.Equal(t, []string{"acme-dev", "acme-prod"}, c.Clusters)
	var names []string
	for _, tp := range c.Topics {
		names = append(names, tp.Name)
	}
	assert.Equal(t, []string{"legacy-audit", "orders", "payments", "refunds", "scratch"}, names, "internal topics left out, sorted")

	byName := func(n string) *Topic { return find(c.Topics, func(t *Topic) string { return t.Name }, n) }
	orders := byName("orders")
	require.NotNil(t, orders)
	assert.Equal(t, "dev.orders", orders.In[0].Name)
	assert.Equal(t, "orders", orders.In[1].Name)
	var props []string
	for _, d := range orders.Drift {
		props = append(props, d.Property)
	}
	assert.Equal(t, []string{PropPartitions, PropValue, PropGroups}, props)
	assert.Equal(t, []Difference{{Property: PropConfig + "retention.ms", Values: []string{"3600000", "604800000"}}}, orders.Expected,
		"retention is expected to differ; cleanup.policy is equal; defaults are not compared")
	assert.Equal(t, []string{"6", "12"}, orders.Drift[0].Values)
	assert.Equal(t, []string{"billing, shipping", "billing"}, orders.Drift[2].Values, "group ids are mapped like topics")
	require.NotNil(t, orders.In[0].Value)
	assert.Equal(t, 2, orders.In[0].Value.Latest)
	assert.Equal(t, "BACKWARD", orders.In[0].Value.Compatibility)

	refunds := byName("refunds")
	assert.Equal(t, "prod", refunds.Only())
	assert.Equal(t, []Difference{{Property: PropPresence, Values: []string{"absent", "present"}}}, refunds.Drift)

	audit := byName("legacy-audit")
	assert.True(t, audit.Unmapped, "no dev. prefix: unmapped")
	assert.Equal(t, "dev", audit.Only())

	payments := byName("payments")
	require.True(t, payments.Drifts())
	assert.Equal(t, PropValue, payments.Drift[0].Property, "same partitions, another value schema")

	assert.Equal(t, 5, c.Drifting)
	require.Len(t, c.Pairs, 1)
	assert.Equal(t, Pair{From: "dev", To: "prod", Topics: 5, Subjects: 2}, c.Pairs[0])
}

func TestCompareSubjectsAndPromotions(t *testing.T) {
	c := Compare(estate(), envConfig(t), Options{})
	require.Len(t, c.Subjects, 2)
	orders, payments := c.Subjects[0], c.Subjects[1]
	assert.Equal(t, "orders-value", orders.Name)
	assert.Equal(t, orders.In[0].Versions[0].Fingerprint, orders.In[1].Versions[0].Fingerprint, "whitespace and ids do not change the fingerprint")
	assert.Empty(t, orders.Conflicts)
	assert.True(t, orders.Drift, "v2 only in dev")
	assert.Equal(t, []int{1}, payments.Conflicts, "v1 is another schema in each")
	assert.Equal(t, "FULL", payments.In[1].Compatibility)
	assert.Equal(t, "BACKWARD", payments.In[0].Compatibility, "the registry's level when the subject sets none")

	require.Len(t, c.Promotions, 2)
	p := c.Promotions[0]
	assert.Equal(t, "orders-value", p.Subject)
	assert.Equal(t, "dev.orders-value", p.FromSubject)
	assert.Equal(t, "orders-value", p.ToSubject)
	assert.Equal(t, 2, p.Version.Number)
	assert.Equal(t, 1, p.ToLatest)
	assert.Equal(t, StatusNotChecked, p.Verdict.Status)
	assert.Equal(t, "payments-value", c.Promotions[1].Subject)

	withVerdict := Compare(estate(), envConfig(t), Options{Verdicts: map[string]Verdict{
		PromotionKey("dev", "prod", "orders-value", p.Version.Fingerprint): {Status: StatusReady},
	}})
	assert.Equal(t, StatusReady, withVerdict.Promotions[0].Verdict.Status)
}

func TestCompareIdentityAndDeterminism(t *testing.T) {
	a := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "a", Environment: "staging"}, Topics: []snapshot.Topic{topic("x", 3, 3), topic("y", 1, 1)}}
	b := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "b", Environment: "prod"}, Topics: []snapshot.Topic{topic("y", 1, 1), topic("x", 3, 3)}}
	cfg := &config.Environments{Order: []string{"staging", "prod"}}
	c := Compare([]Input{{"prod", b}, {"staging", a}}, cfg, Options{})
	assert.Equal(t, []string{"staging", "prod"}, c.Environments, "site.yaml's order, not the inputs'")
	assert.Zero(t, c.Drifting)
	assert.Equal(t, c, Compare([]Input{{"staging", a}, {"prod", b}}, cfg, Options{}))
	assert.Empty(t, c.Promotions)
}

func TestCheckPromotions(t *testing.T) {
	c := Compare(estate(), envConfig(t), Options{})
	var asked []string
	verdicts := Check(context.Background(), c, func(_ context.Context, to, subject string, v Version) (bool, []string, error) {
		asked = append(asked, to+" "+subject+" v"+strconv.Itoa(v.Number))
		if subject == "payments-value" {
			return false, []string{"reader field 'long' cannot read 'string'"}, nil
		}
		return true, nil, nil
	})
	assert.Equal(t, []string{"prod orders-value v2", "prod payments-value v1"}, asked)
	assert.Equal(t, StatusReady, c.Promotions[0].Verdict.Status)
	assert.Equal(t, Verdict{Status: StatusRejected, Messages: []string{"reader field 'long' cannot read 'string'"}}, c.Promotions[1].Verdict)
	again := Compare(estate(), envConfig(t), Options{Verdicts: verdicts})
	assert.Equal(t, c.Promotions, again.Promotions, "recorded verdicts reach a later comparison")

	failed := Compare(estate(), envConfig(t), Options{})
	Check(context.Background(), failed, func(context.Context, string, string, Version) (bool, []string, error) {
		return false, nil, errors.New("connection refused")
	})
	assert.Equal(t, StatusNotChecked, failed.Promotions[0].Verdict.Status)
	assert.Equal(t, []string{"the prod registry did not answer: connection refused"}, failed.Promotions[0].Verdict.Messages)
}
