package site

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestSlugs(t *testing.T) {
	s := newSlugger("index")
	assert.Equal(t, "orders.created", s.slug("orders.created"))
	assert.Equal(t, "payments_v2-dlq", s.slug("payments_v2-dlq"))
	assert.Equal(t, "orders.created", s.slug("orders.created"), "same name, same slug")

	upper := s.slug("Orders.Created")
	assert.Regexp(t, `^orders\.created-[0-9a-f]{8}$`, upper, "case differs: must not share a file on macOS")
	assert.NotEqual(t, "orders.created", upper)

	for name, pattern := range map[string]string{
		"index":                       `^index-[0-9a-f]{8}$`,
		"a/b c":                       `^a-b-c-[0-9a-f]{8}$`,
		"a b/c":                       `^a-b-c-[0-9a-f]{8}$`,
		"../../etc/passwd":            `^etc-passwd-[0-9a-f]{8}$`,
		".hidden":                     `^hidden-[0-9a-f]{8}$`,
		"ünïcødé subject-value":       `^n-c-d-subject-value-[0-9a-f]{8}$`,
		"<script>alert(1)</script>|x": `^script-alert-1-script-x-[0-9a-f]{8}$`,
		"CON":                         `^con-[0-9a-f]{8}$`,
		"":                            `^x-[0-9a-f]{8}$`,
		strings.Repeat("a", 249):      `^a{80}-[0-9a-f]{8}$`,
	} {
		assert.Regexp(t, pattern, s.slug(name), "slug of %q", name)
	}
	assert.NotEqual(t, s.slug("a/b c"), s.slug("a b/c"), "different names never share a slug")

	// A later name that looks like an earlier one's slug gets a longer hash instead of the file.
	taken := s.slug("A")
	impostor := s.slug(taken)
	assert.NotEqual(t, taken, impostor)
}

func TestParseContent(t *testing.T) {
	c, err := ParseContent("runbooks/lag.md", "content/runbooks/lag.md", []byte("---\r\ntitle: Consumer lag\r\nweight: 20\r\n---\r\n# Lag\n\nBody\n"))
	require.NoError(t, err)
	assert.Equal(t, "Consumer lag", c.Title)
	assert.Equal(t, 20, c.Weight)
	assert.Equal(t, "# Lag\n\nBody\n", c.Body)
	assert.True(t, c.HasHeading)

	c, err = ParseContent("naming_rules.md", "f", []byte("Just text\n"))
	require.NoError(t, err)
	assert.Equal(t, "naming rules", c.Title)
	assert.False(t, c.HasHeading)

	c, err = ParseContent("x.md", "f", []byte("\n# From heading #\n"))
	require.NoError(t, err)
	assert.Equal(t, "From heading", c.Title)

	_, err = ParseContent("x.md", "content/x.md", []byte("---\ntitle: ok\nweight: heavy\n---\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "content/x.md:3: front matter: ")
	assert.Contains(t, err.Error(), "heavy")

	_, err = ParseContent("x.md", "content/x.md", []byte("---\ntitle: [unclosed\n---\n"))
	require.Error(t, err)
	assert.Regexp(t, `^content/x\.md:\d+: front matter: `, err.Error())

	_, err = ParseContent("x.md", "content/x.md", []byte("---\ntitle: never closed\n"))
	assert.EqualError(t, err, "content/x.md:1: front matter opened with --- is never closed")
}

func TestRel(t *testing.T) {
	assert.Equal(t, "clusters/prod/index.html", Rel("index", "clusters/prod/index.html"))
	assert.Equal(t, "../../index.html", Rel("clusters/prod/index", "index.html"))
	assert.Equal(t, "../groups/g.md", Rel("clusters/prod/topics/t", "clusters/prod/groups/g.md"))
	assert.Equal(t, "t2.md", Rel("clusters/prod/topics/t", "clusters/prod/topics/t2.md"))
	assert.Equal(t, "../../../css/kdocs.css", Rel("clusters/prod/topics/t", "css/kdocs.css"))
	assert.Equal(t, "../topics", Rel("clusters/prod/topics/t", "clusters/prod/topics"), "a directory's name is a file from inside it")
	assert.Equal(t, "../../prod2/topics/t.md", Rel("clusters/prod/topics/t", "clusters/prod2/topics/t.md"), "names share a prefix, not a directory")
	assert.Equal(t, "guide.md", Rel("index", "guide.md"))
	assert.Equal(t, "", Rel("a/b", "a/"))
	assert.Equal(t, "../", Rel("a/b/c", "a/"))
}

func fixture() *snapshot.Snapshot {
	s := &snapshot.Snapshot{
		Cluster: snapshot.Cluster{Name: "prod", Environment: "production", ControllerID: 1,
			Brokers: []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092, Rack: "a"}}},
		Topics: []snapshot.Topic{
			{Name: "orders.created", ReplicationFactor: 1, Partitions: []snapshot.Partition{
				{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, EarliestOffset: 5, LatestOffset: 105},
				{ID: 1, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 10},
			}},
			{Name: "index", ReplicationFactor: 1},
		},
		Groups: []snapshot.Group{{ID: "billing", State: "Stable", TotalLag: 7,
			Offsets: []snapshot.GroupOffset{{Topic: "orders.created", Partition: 0, Committed: 100, LatestOffset: 105, Lag: 5},
				{Topic: "orders.created", Partition: 1, Committed: 8, LatestOffset: 10, Lag: 2}}}},
		Registry: &snapshot.Registry{URL: "http://sr", Compatibility: "BACKWARD", Subjects: []snapshot.Subject{
			{Name: "orders.created-value", Versions: []snapshot.SchemaVersion{
				{Version: 1, ID: 1, Schema: `{"type":"string"}`},
				{Version: 2, ID: 4, Schema: `{"type":"record","name":"O","fields":[]}`},
				{Version: 3, ID: 9, Schema: `{}`, Deleted: true},
			}},
			{Name: "common/Money", Compatibility: "NONE", Versions: []snapshot.SchemaVersion{
				{Version: 1, ID: 2, Type: "PROTOBUF", Schema: "syntax = \"proto3\";\n"}}},
		}},
	}
	s.Normalize() // the model reads snapshots in their canonical order, as Load gives them
	return s
}

func TestBuild(t *testing.T) {
	content := []Content{
		{Path: "runbooks/consumer-lag.md", File: "c/r", Title: "Consumer lag", Weight: 20},
		{Path: "conventions.md", File: "c/c", Title: "Conventions"},
		{Path: "getting-started.md", File: "c/g", Title: "Getting started", Weight: 10},
	}
	s, err := Build("Acme", []*snapshot.Snapshot{fixture()}, content)
	require.NoError(t, err)

	var paths []string
	for _, p := range s.Pages {
		paths = append(paths, p.Path)
	}
	money := s.Clusters[0].pages[len(s.Clusters[0].pages)-2].Path // "common/Money" sorts first
	assert.Regexp(t, `^clusters/prod/schemas/common-money-[0-9a-f]{8}$`, money)
	indexTopic := s.Pages[4].Path
	assert.Regexp(t, `^clusters/prod/topics/index-[0-9a-f]{8}$`, indexTopic, "a topic named index keeps the list page")
	assert.Equal(t, []string{
		"index",
		"clusters/prod/index", "clusters/prod/brokers",
		"clusters/prod/topics/index", indexTopic, "clusters/prod/topics/orders.created",
		"clusters/prod/groups/index", "clusters/prod/groups/billing",
		"clusters/prod/flows", "clusters/prod/acls",
		"clusters/prod/schemas/index", "clusters/prod/schemas/orphans", money, "clusters/prod/schemas/orders.created-value",
		"getting-started", "runbooks/consumer-lag", "conventions",
	}, paths)

	assert.Equal(t, []NavItem{
		{Title: "Home", Path: "index"},
		{Title: "prod", Path: "clusters/prod/index", Children: []NavItem{
			{Title: "Brokers", Path: "clusters/prod/brokers"},
			{Title: "Topics", Path: "clusters/prod/topics/index"},
			{Title: "Consumer groups", Path: "clusters/prod/groups/index"},
			{Title: "Data flows", Path: "clusters/prod/flows"},
			{Title: "ACLs and quotas", Path: "clusters/prod/acls"},
			{Title: "Schemas", Path: "clusters/prod/schemas/index"},
		}},
		{Title: "Getting started", Path: "getting-started"},
		{Title: "Consumer lag", Path: "runbooks/consumer-lag"},
		{Title: "Conventions", Path: "conventions"},
	}, s.Nav)

	topic := s.Page("clusters/prod/topics/orders.created").Data.(*TopicData)
	assert.Equal(t, int64(110), topic.Messages)
	require.NotNil(t, topic.ValueSchema)
	assert.Equal(t, SchemaRef{Subject: Link{Title: "orders.created-value", Path: "clusters/prod/schemas/orders.created-value"}, Version: 2, ID: 4, Type: "AVRO"}, *topic.ValueSchema)
	assert.Nil(t, topic.KeySchema)
	assert.Equal(t, []ConsumerRow{{Group: Link{Title: "billing", Path: "clusters/prod/groups/billing"}, State: "Stable", Partitions: 2, Lag: 7}}, topic.Consumers)

	subj := s.Page("clusters/prod/schemas/orders.created-value").Data.(*SubjectData)
	assert.Equal(t, "BACKWARD", subj.Compatibility)
	assert.False(t, subj.Override)
	require.NotNil(t, subj.Latest)
	assert.Equal(t, 2, subj.Latest.Version)
	assert.Equal(t, "json", subj.Latest.Language)
	assert.Contains(t, subj.Latest.Schema, "\n  \"name\": \"O\"", "JSON schemas are indented")
	assert.Equal(t, []TopicUse{{Topic: Link{Title: "orders.created", Path: "clusters/prod/topics/orders.created"}, Role: "value", Strategy: "TopicName"}}, subj.Topics)

	m := s.Page(money).Data.(*SubjectData)
	assert.Equal(t, "protobuf", m.Latest.Language)
	assert.True(t, m.Override)

	home := s.Page("index").Data.(*HomeData)
	assert.Equal(t, 2, home.Clusters[0].Topics)
	assert.Equal(t, 2, home.Clusters[0].Subjects)
	assert.Equal(t, "healthy", home.Clusters[0].HealthStatus())
}

func TestBuildRejectsCollisions(t *testing.T) {
	_, err := Build("x", []*snapshot.Snapshot{fixture(), fixture()}, nil)
	assert.EqualError(t, err, `two snapshots describe a cluster named "prod"`)

	_, err = Build("x", nil, []Content{{Path: "index.md", File: "content/index.md"}, {Path: "clusters/x.md", File: "content/clusters/x.md"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "content/index.md: the page index.html is reserved")
	assert.Contains(t, err.Error(), "content/clusters/x.md: the page clusters/x.html is reserved")
}

// A topic page names each partition's problems, and the catalog counts them.
func TestPartitionProblemsAndCatalogColumns(t *testing.T) {
	snap := fixture()
	snap.Topics = append(snap.Topics, snapshot.Topic{Name: "payments.settled.v1", ReplicationFactor: 3,
		Partitions: []snapshot.Partition{
			{ID: 0, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}},
			{ID: 1, Leader: 3, Replicas: []int32{2, 3, 1}, ISR: []int32{3, 1}},
			{ID: 2, Leader: -1, Replicas: []int32{3, 1, 2}, OfflineReplicas: []int32{3, 1, 2}},
			{ID: 3, Leader: 2, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}},
		},
		Configs: []snapshot.Config{
			{Name: "min.insync.replicas", Value: "2", Source: "DYNAMIC_TOPIC_CONFIG"},
			{Name: "retention.ms", Value: "1", Source: "DYNAMIC_DEFAULT_BROKER_CONFIG"},
			{Name: "segment.bytes", Value: "1", Source: "STATIC_BROKER_CONFIG"},
		}})
	snap.Normalize()
	s, err := Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)

	d := s.Page("clusters/prod/topics/payments.settled.v1").Data.(*TopicData)
	var status []string
	for _, p := range d.Partitions {
		status = append(status, p.Status)
	}
	assert.Equal(t, []string{"", "under-replicated, not on preferred leader", "offline, under-replicated", "not on preferred leader"}, status)
	assert.Equal(t, 3, d.Problems)
	assert.Equal(t, []bool{true, false, false}, []bool{d.Configs[0].Override, d.Configs[1].Override, d.Configs[2].Override})
	assert.Equal(t, "broker (dynamic, cluster-wide default)", d.Configs[1].Origin)
	assert.Contains(t, d.Diagram.Text, `"payments.settled.v1<br/>topic"`)

	rows := s.Page("clusters/prod/topics/index").Data.(*TopicsData).Topics
	var row TopicRow
	for _, r := range rows {
		if r.Title == "payments.settled.v1" {
			row = r
		}
	}
	assert.Equal(t, "payments", row.Domain)
	assert.Equal(t, 1, row.Overrides)
	assert.Equal(t, [3]int{2, 1, 2}, [3]int{row.UnderReplicated, row.Offline, row.NotPreferred})
	assert.Equal(t, "", rows[0].Domain, "a name without a dot has no domain") // "index"

	orders := s.Page("clusters/prod/topics/orders.created").Data.(*TopicData)
	assert.Equal(t, int64(7), orders.TotalLag)
	assert.Contains(t, orders.Diagram.Text, `(["billing<br/>consumer group · lag 7"])`)
}

func TestRebaseLinks(t *testing.T) {
	body := "See [a](../runbooks/lag.md#x), ![i](img/a.png), [w](https://x.y/z), [s](#here), [sp](<../my page.md>).\n" +
		"```\n[code](../not/rebased.md)\n```\n[ref]: ../conventions.md\n"
	want := "See [a](../../../runbooks/lag.md#x), ![i](../../../topics/img/a.png), [w](https://x.y/z), [s](#here), [sp](<../../../my page.md>).\n" +
		"```\n[code](../not/rebased.md)\n```\n[ref]: ../../../conventions.md\n"
	assert.Equal(t, want, rebaseLinks(body, "topics", "clusters/prod/topics/orders.created"))
}

func TestAnnotationErrors(t *testing.T) {
	a := Content{Path: "topics/orders.created.md", File: "content/topics/orders.created.md", FrontMatter: "owner: a\n"}
	b := Content{Path: "topics/other.md", File: "content/topics/other.md", FrontMatter: "name: orders.created\n"}
	_, err := Build("x", []*snapshot.Snapshot{fixture()}, []Content{a, b})
	assert.EqualError(t, err, `content/topics/other.md: annotates "orders.created", as content/topics/orders.created.md does already`)

	c := Content{Path: "groups/billing.md", File: "content/groups/billing.md", FrontMatter: "links:\n  - {title: x}\n"}
	_, err = Build("x", []*snapshot.Snapshot{fixture()}, []Content{c})
	assert.EqualError(t, err, `content/groups/billing.md: front matter: links[0] has no url`)
	c.FrontMatter = "producers: [x]\n"
	_, err = Build("x", []*snapshot.Snapshot{fixture()}, []Content{c})
	assert.ErrorContains(t, err, `content/groups/billing.md: front matter: producers: a consumer group has no producers`)

	s, err := Build("x", []*snapshot.Snapshot{fixture()}, []Content{a, {Path: "groups/nobody.md", File: "content/groups/nobody.md"}})
	require.NoError(t, err)
	assert.Equal(t, []string{`content/groups/nobody.md: annotation for consumer group "nobody", which is in no cluster; it is not shown`}, s.Warnings)
	assert.Equal(t, "a", s.Page("clusters/prod/topics/orders.created").Data.(*TopicData).Annotation.Owner)
}

func TestBrokersPage(t *testing.T) {
	snap := fixture()
	snap.Cluster.Brokers[0].LogDirs = []snapshot.LogDir{{Path: "/a", SizeBytes: 100}, {Path: "/b", SizeBytes: 0, Error: "KAFKA_STORAGE_ERROR"}}
	snap.Cluster.Brokers[0].Configs = []snapshot.Config{{Name: "log.retention.hours", Value: "72", Source: "DYNAMIC_BROKER_CONFIG"}}
	s, err := Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	p := s.Page("clusters/prod/brokers")
	require.NotNil(t, p)
	d := p.Data.(*BrokersData)
	require.Len(t, d.Brokers, len(snap.Cluster.Brokers))
	leaders, replicas := 0, 0
	for _, b := range d.Brokers {
		leaders += b.Leaders
		replicas += b.Replicas
	}
	partitions, offline, copies := 0, 0, 0
	for _, tp := range snap.Topics {
		for _, pt := range tp.Partitions {
			partitions++
			copies += len(pt.Replicas)
			if pt.Leader < 0 {
				offline++
			}
		}
	}
	assert.Equal(t, partitions, d.Partitions)
	assert.Equal(t, copies, d.Replicas)
	assert.Equal(t, copies, replicas, "every replica is on a broker of the metadata")
	assert.Equal(t, partitions-offline, leaders, "every partition with a leader counts once")
	b := d.Brokers[0]
	assert.Equal(t, int64(100), b.LogDirBytes)
	assert.Equal(t, 1, b.LogDirErrors)
	assert.Equal(t, []BrokerConfigRow{{Name: "log.retention.hours", Value: "72", Source: "DYNAMIC_BROKER_CONFIG", Origin: "dynamic, this broker"}}, b.Configs)
	assert.True(t, d.LogDirsRecorded)
	assert.True(t, d.ConfigsRecorded)
}
