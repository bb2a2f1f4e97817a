package site

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestGroupDomain(t *testing.T) {
	topics := map[string]bool{"orders": true, "inventory": true}
	assert.Equal(t, "inventory", groupDomain("inventory-sync", "", topics))
	assert.Equal(t, "orders", groupDomain("order-fulfilment", "", topics), "plural of the prefix")
	assert.Equal(t, "orders", groupDomain("orders.audit", "", topics))
	assert.Equal(t, "analytics", groupDomain("analytics_loader", "", topics), "a domain that only reads")
	assert.Equal(t, "finance", groupDomain("inventory-sync", "finance", topics), "the annotation wins")
	assert.Equal(t, "loner", groupDomain("loner", "", topics))
}

func flowsSnapshot() *snapshot.Snapshot {
	offsets := func(topics ...string) []snapshot.GroupOffset {
		var o []snapshot.GroupOffset
		for _, t := range topics {
			o = append(o, snapshot.GroupOffset{Topic: t, Lag: 1})
		}
		return o
	}
	s := &snapshot.Snapshot{
		Cluster: snapshot.Cluster{Name: "prod", ControllerID: -1},
		Topics: []snapshot.Topic{{Name: "__consumer_offsets", Internal: true}, {Name: "orders.placed"}, {Name: "orders.shipped"},
			{Name: "payments.captured"}, {Name: "legacy"}},
		Groups: []snapshot.Group{
			{ID: "order-fulfilment", Offsets: offsets("orders.placed", "__consumer_offsets")},
			{ID: "analytics-loader", Offsets: offsets("orders.placed", "orders.shipped", "payments.captured")},
			{ID: "ledger", Offsets: offsets("payments.captured", "legacy")},
		},
	}
	s.Normalize()
	return s
}

func TestFlowsPage(t *testing.T) {
	content := []Content{
		{Path: "topics/orders.placed.md", File: "content/topics/orders.placed.md", FrontMatter: "producers: [checkout]\n"},
		{Path: "groups/ledger.md", File: "content/groups/ledger.md", FrontMatter: "domain: payments\n"},
	}
	s, err := Build("Acme", []*snapshot.Snapshot{flowsSnapshot()}, content)
	require.NoError(t, err)
	p := s.Page("clusters/prod/flows")
	require.NotNil(t, p)
	assert.Equal(t, TemplateFlows, p.Template)
	d := p.Data.(*FlowsData)

	var names []string
	for _, dom := range d.Domains {
		names = append(names, dom.Name)
		assert.True(t, diagram.Fits(dom.Diagram.Text))
	}
	assert.Equal(t, []string{"orders", "payments", ""}, names, "internal topics left out; no domain last")
	assert.Equal(t, []string{"checkout"}, d.Domains[0].Topics[0].Producers)
	assert.Equal(t, "orders.placed", d.Domains[0].Topics[0].Topic.Title)
	assert.Len(t, d.Domains[0].Topics[0].Groups, 2)

	type read struct{ from, to string }
	var reads []read
	for _, r := range d.Reads {
		reads = append(reads, read{r.From, r.To})
	}
	// order-fulfilment is of orders (plural), so reads nothing outside it; ledger is of payments
	// (its annotation) and reads the domainless legacy; analytics-loader reads two domains.
	assert.Equal(t, []read{{"orders", "analytics"}, {"payments", "analytics"}, {"", "payments"}}, reads)
	assert.Contains(t, d.Overview.Text, `"analytics"`)
	assert.Contains(t, d.Overview.Text, `"(no domain)"`)

	_, err = Build("Acme", []*snapshot.Snapshot{flowsSnapshot()}, []Content{
		{Path: "topics/orders.placed.md", File: "content/topics/orders.placed.md", FrontMatter: "domain: x\n"}})
	require.ErrorContains(t, err, "domain is for consumer groups")
}

func TestControllers(t *testing.T) {
	cfg := func(kv ...string) []snapshot.Config {
		var out []snapshot.Config
		for i := 0; i < len(kv); i += 2 {
			out = append(out, snapshot.Config{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	voters := "1@k1:9093, 2@k2:9093,100@[::1]:9093,bad"
	brokers := []snapshot.Broker{
		{ID: 1, Configs: cfg("controller.quorum.voters", voters, "process.roles", "broker, controller")},
		{ID: 2, Configs: cfg("controller.quorum.voters", voters, "process.roles", "broker")},
	}
	assert.Equal(t, []ControllerRow{{ID: 1, Host: "k1", Port: 9093, Broker: true}, {ID: 2, Host: "k2", Port: 9093},
		{ID: 100, Host: "::1", Port: 9093}}, controllers(brokers))
	assert.Equal(t, []ControllerRow{{ID: -1, Host: "c1", Port: 9093}, {ID: -1, Host: "c2", Port: 0}},
		controllers([]snapshot.Broker{{ID: 1, Configs: cfg("controller.quorum.bootstrap.servers", "c1:9093,c2")}}))
	assert.Nil(t, controllers([]snapshot.Broker{{ID: 1}}), "ZooKeeper or unreadable configs: nothing claimed")
}

func TestArchitectureOnOverview(t *testing.T) {
	snap := flowsSnapshot()
	snap.Cluster.Brokers = []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092, Rack: "a",
		Configs: []snapshot.Config{{Name: "process.roles", Value: "broker,controller"}, {Name: "controller.quorum.voters", Value: "1@k1:9093"}}}}
	s, err := BuildEstate("Acme", []*snapshot.Snapshot{snap}, nil, Estate{Services: map[string]Services{
		"prod": {Connect: []Service{{Name: "cdc", URL: "http://c:8083"}}, KsqlDB: []Service{{Name: "ks"}}}}})
	require.NoError(t, err)
	d := s.Page("clusters/prod/index").Data.(*ClusterData)
	assert.Equal(t, []ControllerRow{{ID: 1, Host: "k1", Port: 9093, Broker: true}}, d.Controllers)
	assert.Contains(t, d.Diagram.Text, `{{"controller 1 · also broker 1<br/>k1:9093"}}`)
	assert.Contains(t, d.Diagram.Text, `[/"Kafka Connect · cdc<br/>http://c:8083<br/>declared in site.yaml"/]`)
	assert.Contains(t, d.Diagram.Text, `[/"ksqlDB · ks<br/>declared in site.yaml"/]`)
	assert.Contains(t, d.Diagram.Text, "n6 <-.-> n1", "declared: a dashed edge")
	assert.True(t, diagram.Fits(d.Diagram.Text))

	// A Connect cluster kdocs read is drawn from the snapshot, solid, with its workers; a
	// declared one of the same name is not drawn twice.
	snap.Connect = []snapshot.ConnectCluster{{Name: "cdc", URL: "http://10.0.0.7:8083", Version: "4.1.1", Connectors: []snapshot.Connector{
		{Name: "a", State: "RUNNING", WorkerID: "w1:8083", Tasks: []snapshot.ConnectorTask{{ID: 0, State: "FAILED", WorkerID: "w2:8083"}}}}},
		{Name: "mirror", URL: "http://10.0.0.8:8083", Version: "4.1.1"}}
	s, err = BuildEstate("Acme", []*snapshot.Snapshot{snap}, nil, Estate{Services: map[string]Services{
		"prod": {Connect: []Service{{Name: "cdc", URL: "http://c:8083"}, {Name: "legacy"}}}}})
	require.NoError(t, err)
	d = s.Page("clusters/prod/index").Data.(*ClusterData)
	assert.Contains(t, d.Diagram.Text, `n6[/"Kafka Connect · cdc<br/>http://10.0.0.7:8083<br/>discovered · Connect 4.1.1 · 2 workers · 1 connectors, 1 failed"/]`+"\n  n6 <--> n1")
	assert.Contains(t, d.Diagram.Text, `[/"Kafka Connect · mirror<br/>http://10.0.0.8:8083<br/>discovered · Connect 4.1.1 · 0 connectors"/]`)
	assert.Contains(t, d.Diagram.Text, `n8[/"Kafka Connect · legacy<br/>declared in site.yaml"/]`+"\n  n8 <-.-> n1")
	assert.NotContains(t, d.Diagram.Text, "http://c:8083")
}

// A topic read by many groups lists the first maxListed in its cell and counts the rest; the
// overview still counts them all.
func TestFlowsCapGroups(t *testing.T) {
	snap := topicsSnapshot("prod", "orders.placed")
	for i := range maxListed + 10 {
		snap.Groups = append(snap.Groups, snapshot.Group{ID: fmt.Sprintf("analytics-%02d", i),
			Offsets: []snapshot.GroupOffset{{Topic: "orders.placed"}}})
	}
	s, err := Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	d := s.Page("clusters/prod/flows").Data.(*FlowsData)
	row := d.Domains[0].Topics[0]
	assert.Len(t, row.Groups, maxListed)
	assert.Equal(t, 10, row.More)
	require.Len(t, d.Reads, 1)
	assert.Equal(t, 10, d.Reads[0].More)
	assert.Contains(t, d.Overview.Text, `"30 groups"`)
}

// A Kafka Streams application is drawn as itself: reading its input and its repartition topic,
// writing its internal topics (discovered) and the output its annotation declares (dashed), each
// box linked to the application's group page; the internal topics' rows name it as writer.
func TestFlowsPageStreamsApp(t *testing.T) {
	s := &snapshot.Snapshot{
		Cluster: snapshot.Cluster{Name: "prod", ControllerID: -1},
		Topics: []snapshot.Topic{{Name: "orders.placed"}, {Name: "orders.stats"},
			{Name: "stats-app-by-size-repartition"}, {Name: "stats-app-counts-changelog"}},
		Groups: []snapshot.Group{
			{ID: "stats-app", Offsets: []snapshot.GroupOffset{{Topic: "orders.placed"}, {Topic: "stats-app-by-size-repartition"}}},
			{ID: "billing", Offsets: []snapshot.GroupOffset{{Topic: "orders.placed"}}},
		},
	}
	s.Normalize()
	site, err := Build("Acme", []*snapshot.Snapshot{s}, []Content{
		{Path: "topics/orders.stats.md", File: "content/topics/orders.stats.md", FrontMatter: "producers: [stats-app]\n"}})
	require.NoError(t, err)
	d := site.Page("clusters/prod/flows").Data.(*FlowsData)
	require.True(t, d.HasStreams)
	require.Len(t, d.Domains, 2)

	orders := d.Domains[0].Diagram
	assert.Contains(t, orders.Text, `{{"stats-app<br/>Kafka Streams app"}}`)
	assert.NotContains(t, orders.Text, `"stats-app<br/>group"`, "drawn once, as the application")
	rows := map[string]string{}
	for _, r := range orders.Rows() {
		if r.To != nil {
			rows[r.From.Name+" "+r.Relation+" "+r.To.Name] = r.From.Path + " → " + r.To.Path
		}
	}
	assert.Equal(t, "clusters/prod/topics/orders.placed → clusters/prod/groups/stats-app", rows["orders.placed is read by stats-app"])
	assert.Contains(t, rows, "stats-app writes to (declared) orders.stats")
	assert.Contains(t, rows, "orders.placed is read by billing")

	internal := d.Domains[1]
	assert.Contains(t, internal.Diagram.Text, "-->", "the application's own topics: discovered, solid")
	assert.NotContains(t, internal.Diagram.Text, "-.->")
	irows := map[string]bool{}
	for _, r := range internal.Diagram.Rows() {
		if r.To != nil {
			irows[r.From.Name+" "+r.Relation+" "+r.To.Name] = true
		}
	}
	assert.True(t, irows["stats-app writes to stats-app-counts-changelog"])
	assert.True(t, irows["stats-app writes to stats-app-by-size-repartition"])
	assert.True(t, irows["stats-app-by-size-repartition is read by stats-app"])
	for _, row := range internal.Topics {
		require.NotNil(t, row.StreamsApp, row.Topic.Title)
		assert.Equal(t, "stats-app", row.StreamsApp.Title)
	}
	assert.Equal(t, "changelog of state store counts", internal.Topics[1].StreamsRole)
}
