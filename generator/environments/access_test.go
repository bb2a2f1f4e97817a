package environments

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func allow(principal, op, pattern, resource string) snapshot.ACL {
	return snapshot.ACL{ResourceType: "TOPIC", ResourceName: resource, PatternType: pattern, Principal: principal,
		Host: "*", Operation: op, Permission: "ALLOW"}
}

func deny(principal, op, pattern, resource string) snapshot.ACL {
	a := allow(principal, op, pattern, resource)
	a.Permission = "DENY"
	return a
}

func txn(id string, producerID int64, topic string) snapshot.Transaction {
	return snapshot.Transaction{TransactionalID: id, ProducerID: producerID, State: "Ongoing",
		Partitions: []snapshot.TopicPartitions{{Topic: topic, Partitions: []int32{0}}}}
}

// producers is producer state on partition 0 of topic for each producer id.
func producers(topic string, ids ...int64) snapshot.TopicProducers {
	p := snapshot.PartitionProducers{Partition: 0}
	for _, id := range ids {
		p.Producers = append(p.Producers, snapshot.ActiveProducer{ProducerID: id, LastTimestampMs: 1000})
	}
	return snapshot.TopicProducers{Topic: topic, Partitions: []snapshot.PartitionProducers{p}}
}

// accessEstate is dev (topics dev.<name>, principals <name>-dev) and prod (plain topics,
// principals <name>-prod), with ACLs, transactions, producer state, a connector and a Streams
// application, differing on purpose in payments' readers and writers and in orders' writers.
func accessEstate() []Input {
	dev := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "acme-dev", Environment: "dev"},
		Topics: []snapshot.Topic{topic("dev.orders", 3, 3), topic("dev.payments", 3, 3), topic("dev.agg-totals-changelog", 3, 3)},
		Groups: []snapshot.Group{{ID: "dev.agg", Offsets: []snapshot.GroupOffset{{Topic: "dev.orders"}}}},
		ACLs: &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{
			allow("User:orders-svc-dev", "WRITE", "LITERAL", "dev.orders"),
			allow("User:analytics-dev", "READ", "PREFIXED", "dev."),
			deny("User:analytics-dev", "READ", "LITERAL", "dev.payments"), // from every host: not allowed
			allow("User:admin", "ALL", "LITERAL", "*"),                    // no environment in its name
		}},
		Transactions: &snapshot.TransactionSection{Available: true, Entries: []snapshot.Transaction{
			txn("dev.orders-svc-0", 10, "dev.orders"),
			txn("dev.agg-3f2a9c-0_1", 11, "dev.agg-totals-changelog"), // exactly-once Streams
		}},
		Producers: &snapshot.ProducerSection{Available: true, Topics: []snapshot.TopicProducers{producers("dev.payments", 20)}},
	}
	prod := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "acme-prod", Environment: "prod"},
		Topics: []snapshot.Topic{topic("orders", 3, 3), topic("payments", 3, 3), topic("agg-totals-changelog", 3, 3)},
		Groups: []snapshot.Group{{ID: "agg", Offsets: []snapshot.GroupOffset{{Topic: "orders"}}}},
		ACLs: &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{
			allow("User:orders-svc-prod", "WRITE", "LITERAL", "orders"),
			allow("User:fraud-prod", "WRITE", "LITERAL", "orders"), // only in prod
			allow("User:analytics-prod", "READ", "LITERAL", "orders"),
			allow("User:analytics-prod", "READ", "LITERAL", "payments"), // dev denies it
			allow("User:analytics-prod", "READ", "LITERAL", "agg-totals-changelog"),
			allow("User:admin", "ALL", "LITERAL", "*"),
			allow("User:*", "READ", "LITERAL", "payments"), // anyone, but DENY below for one host only
			{ResourceType: "TOPIC", ResourceName: "payments", PatternType: "LITERAL", Principal: "User:*", Host: "10.0.0.1", Operation: "READ", Permission: "DENY"},
		}},
		Transactions: &snapshot.TransactionSection{Available: true, Entries: []snapshot.Transaction{
			// Three instances of the same service: one logical writer.
			txn("orders-svc-0", 30, "orders"), txn("orders-svc-1", 31, "orders"), txn("orders-svc-2", 32, "orders"),
			txn("agg-77b1e0-0_1", 33, "agg-totals-changelog"),
		}},
		Producers: &snapshot.ProducerSection{Available: true, Topics: []snapshot.TopicProducers{producers("payments", 40, 41, 42, 43)}},
		Connect: []snapshot.ConnectCluster{{Name: "connect", Connectors: []snapshot.Connector{
			{Name: "payments-cdc", Type: "source", State: "RUNNING", Topics: []string{"payments"}},
		}}},
	}
	return []Input{{"dev", dev}, {"prod", prod}}
}

// accessConfig is dev and prod; prod's names are "{name}" for topics and prod (its names: entry).
func accessConfig(t *testing.T, prod string) *config.Environments {
	return devProd(t, `  topics: "{env}.{name}"
  principals: "{name}-{env}"
  names:
    prod: {topics: "{name}"`+prod+`}
`)
}

func driftOf(tp *Topic) map[string][]string {
	out := map[string][]string{}
	for _, d := range tp.Drift {
		out[d.Property] = d.Values
	}
	return out
}

func TestCompareAccessAndWriters(t *testing.T) {
	c := Compare(accessEstate(), accessConfig(t, ""), Options{})
	byName := func(n string) *Topic { return find(c.Topics, func(t *Topic) string { return t.Name }, n) }

	orders := byName("orders")
	require.NotNil(t, orders)
	dev, prod := orders.In[0], orders.In[1]
	assert.Equal(t, []string{"User:admin", "User:orders-svc"}, dev.WritePrincipals, "literal and *, mapped by the principals template")
	assert.Equal(t, []string{"User:admin", "User:fraud", "User:orders-svc"}, prod.WritePrincipals)
	assert.Equal(t, []string{"User:admin", "User:analytics"}, dev.ReadPrincipals, "prefixed dev. resolved")
	assert.Equal(t, dev.ReadPrincipals, prod.ReadPrincipals)
	assert.Equal(t, []string{"transactional id orders-svc"}, dev.Writers, "the environment and the instance number taken off")
	assert.Equal(t, dev.Writers, prod.Writers, "three instances in prod are the same writer")
	assert.Equal(t, map[string][]string{
		PropWritePrincipals: {"User:admin, User:orders-svc", "User:admin, User:fraud, User:orders-svc"},
	}, driftOf(orders), "a principal only in prod is drift; the rest maps to the same names")

	payments := byName("payments")
	require.NotNil(t, payments)
	assert.Equal(t, map[string][]string{
		PropReadPrincipals: {"User:admin", "User:*, User:admin, User:analytics"},
		PropWriters:        {"none", "connector payments-cdc"},
	}, driftOf(payments), "dev denies analytics from every host; prod's DENY from one host leaves User:* allowed; the connector writes only in prod")
	assert.Equal(t, 1, payments.In[0].ActiveProducers)
	assert.Equal(t, 4, payments.In[1].ActiveProducers, "shown, not compared: not in the drift above")

	changelog := byName("agg-totals-changelog")
	require.NotNil(t, changelog)
	assert.Equal(t, []string{"Streams app agg"}, changelog.In[0].Writers, "the exactly-once producer is the application's")
	assert.Equal(t, changelog.In[0].Writers, changelog.In[1].Writers)
	assert.NotContains(t, driftOf(changelog), PropWriters)
	assert.NotContains(t, driftOf(changelog), PropReadPrincipals, "prefixed in dev, literal in prod: the same principals")

	assert.Equal(t, 2, c.Drifting)
	require.Len(t, c.Pairs, 1)
	assert.Equal(t, 2, c.Pairs[0].Topics, "ACL and writer drift count in the pair")
}

func TestCompareAccessNamesNeedTheirTemplate(t *testing.T) {
	// Without the principals template, User:orders-svc-dev and User:orders-svc-prod are two
	// principals: each is then only in one environment.
	cfg := accessConfig(t, "")
	cfg.Principals = ""
	c := Compare(accessEstate(), cfg, Options{})
	orders := find(c.Topics, func(t *Topic) string { return t.Name }, "orders")
	assert.Equal(t, []string{"User:admin, User:orders-svc-dev", "User:admin, User:fraud-prod, User:orders-svc-prod"}, driftOf(orders)[PropWritePrincipals])

	// A per-environment clients template maps the transactional ids: prod names its producers
	// live.<name>, so without it they would differ.
	in := accessEstate()
	for i, tx := range in[1].Snapshot.Transactions.Entries {
		if strings.HasPrefix(tx.TransactionalID, "orders-svc") {
			in[1].Snapshot.Transactions.Entries[i].TransactionalID = "live." + tx.TransactionalID
		}
	}
	c = Compare(in, accessConfig(t, ""), Options{})
	orders = find(c.Topics, func(t *Topic) string { return t.Name }, "orders")
	assert.Equal(t, []string{"transactional id orders-svc", "transactional id live.orders-svc"}, driftOf(orders)[PropWriters])
	c = Compare(in, accessConfig(t, `, clients: "live.{name}"`), Options{})
	orders = find(c.Topics, func(t *Topic) string { return t.Name }, "orders")
	assert.NotContains(t, driftOf(orders), PropWriters)
	changelog := find(c.Topics, func(t *Topic) string { return t.Name }, "agg-totals-changelog")
	assert.Equal(t, []string{"Streams app agg"}, changelog.In[1].Writers, "an id the template does not match keeps its name")
	assert.NotContains(t, driftOf(changelog), PropWriters)
}

func TestCompareAccessUnknownIsNotDrift(t *testing.T) {
	// prod's cluster has no authorizer and its snapshot no transactions: its principals and
	// writers are shown as not known, never compared, in no pair's count.
	in := accessEstate()
	in[1].Snapshot.ACLs = &snapshot.ACLSection{Available: false, Reason: "the cluster has no authorizer (SECURITY_DISABLED)"}
	in[1].Snapshot.Transactions = nil
	in[1].Snapshot.Connect = nil
	c := Compare(in, accessConfig(t, ""), Options{})
	for _, tp := range c.Topics {
		assert.Empty(t, tp.Drift, tp.Name)
	}
	assert.Equal(t, 0, c.Pairs[0].Topics)
	orders := find(c.Topics, func(t *Topic) string { return t.Name }, "orders")
	assert.Equal(t, "the cluster has no authorizer (SECURITY_DISABLED)", orders.In[1].ACLsUnknown)
	assert.Equal(t, "not recorded in this snapshot", orders.In[1].WritersUnknown)

	// With three environments, the two that know differ and the one that does not is marked.
	third := accessEstate()[1]
	third.Environment = "qa"
	third.Snapshot.Cluster = snapshot.Cluster{Name: "acme-qa", Environment: "qa"}
	cfg := accessConfig(t, "")
	cfg.Order = []string{"dev", "qa", "prod"}
	// qa's principals are a copy of prod's, named <name>-prod: its own template says so.
	cfg.Names["qa"] = config.EnvironmentNames{Topics: "{name}", Principals: "{name}-prod"}
	in = append(in[:1], third, in[1])
	c = Compare(in, cfg, Options{})
	orders = find(c.Topics, func(t *Topic) string { return t.Name }, "orders")
	d := driftOf(orders)[PropWritePrincipals]
	require.Len(t, d, 3)
	assert.Equal(t, "not known: the cluster has no authorizer (SECURITY_DISABLED)", d[2])
	var unknown []bool
	for _, x := range orders.Drift {
		if x.Property == PropWritePrincipals {
			unknown = x.Unknown
		}
	}
	assert.Equal(t, []bool{false, false, true}, unknown)
	counts := map[string]int{}
	for _, p := range c.Pairs {
		counts[p.From+"→"+p.To] = p.Topics
	}
	assert.Equal(t, map[string]int{"dev→qa": 2, "dev→prod": 0, "qa→prod": 0}, counts)
}

func TestExpectedWriterDrift(t *testing.T) {
	// Observed writers follow traffic: listed in expectedDrift, they are shown, not counted.
	cfg := accessConfig(t, "")
	cfg.ExpectedDrift = []string{PropWriters}
	c := Compare(accessEstate(), cfg, Options{})
	payments := find(c.Topics, func(t *Topic) string { return t.Name }, "payments")
	assert.NotContains(t, driftOf(payments), PropWriters)
	require.Len(t, payments.Expected, 1)
	assert.Equal(t, PropWriters, payments.Expected[0].Property)
	assert.Contains(t, driftOf(payments), PropReadPrincipals, "ACLs are never expected to differ")
}

// The site's writers (Options.Writers, as WritersFromSite gives them: an empty TopicWriters
// where a snapshot records writers but none for the topic) compare the same as resolving them
// here, and a topic the site has no page for has them resolved from the snapshot.
func TestCompareWithTheSitesWriters(t *testing.T) {
	in := accessEstate()
	cfg := accessConfig(t, "")
	want := Compare(in, cfg, Options{})
	byCluster := map[string]map[string]*lineage.TopicWriters{}
	for _, e := range in {
		byCluster[e.Snapshot.Cluster.Name] = lineage.Writers(e.Snapshot)
	}
	var asked, missing int
	site := func(cluster, topic string) (*lineage.TopicWriters, bool) {
		asked++
		if topic == "dev.orders" {
			missing++
			return nil, false // no page: resolved from the snapshot
		}
		if tw := byCluster[cluster][topic]; tw != nil {
			return tw, true
		}
		return &lineage.TopicWriters{}, true
	}
	got := Compare(in, cfg, Options{Writers: site})
	assert.Equal(t, want, got)
	assert.Positive(t, asked)
	assert.Equal(t, 1, missing)
	orders := want.Topics[slices.IndexFunc(want.Topics, func(tp *Topic) bool { return tp.Name == "orders" })]
	assert.Equal(t, []string{"User:admin", "User:fraud", "User:orders-svc"}, orders.In[1].WritePrincipals, "not vacuous: the site's writers carry the ACLs")
	assert.Equal(t, []string{"transactional id orders-svc"}, orders.In[0].Writers, "dev.orders, which the site lacks, resolved from its snapshot")
}
