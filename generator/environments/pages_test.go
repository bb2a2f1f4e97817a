package environments_test

import (
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/environments"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
)

const hostile = "<script>alert(1)</script>|x"

// writeEstate writes site.yaml with two replayed clusters and returns it loaded; extra is
// appended to site.yaml (the environments: block, or nothing).
func writeEstate(t *testing.T, extra string, topics int) *config.Site {
	t.Helper()
	dir := t.TempDir()
	taken := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	snap := func(name, env, prefix string, partitions int, retention string, versions int) {
		s := &snapshot.Snapshot{Format: snapshot.Format, TakenAt: taken,
			Cluster:  snapshot.Cluster{Name: name, Environment: env, Brokers: []snapshot.Broker{{ID: 1, Host: "k", Port: 9092}}},
			Registry: &snapshot.Registry{URL: "http://sr", Compatibility: "BACKWARD"}}
		for i := range topics {
			tp := snapshot.Topic{Name: fmt.Sprintf("%stopic-%04d", prefix, i), ReplicationFactor: 1,
				Partitions: []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}}
			s.Topics = append(s.Topics, tp)
		}
		orders := snapshot.Topic{Name: prefix + "orders", ReplicationFactor: 1,
			Configs: []snapshot.Config{{Name: "retention.ms", Value: retention, Source: "DYNAMIC_TOPIC_CONFIG"}}}
		for p := range partitions {
			orders.Partitions = append(orders.Partitions, snapshot.Partition{ID: int32(p), Leader: 1, Replicas: []int32{1}, ISR: []int32{1}})
		}
		s.Topics = append(s.Topics, orders, snapshot.Topic{Name: prefix + hostile, ReplicationFactor: 1})
		sub := snapshot.Subject{Name: prefix + "orders-value"}
		for v := 1; v <= versions; v++ {
			sub.Versions = append(sub.Versions, snapshot.SchemaVersion{Version: v, ID: v, Type: "AVRO",
				Schema: fmt.Sprintf(`{"type":"record","name":"Order","fields":[{"name":"f%d","type":"string","default":""}]}`, v)})
		}
		s.Registry.Subjects = append(s.Registry.Subjects, sub)
		// orders-svc may write orders in both; fraud only in prod.
		writers := []string{"User:orders-svc"}
		if env == "prod" {
			writers = append(writers, "User:fraud")
		}
		s.ACLs = &snapshot.ACLSection{Available: true}
		for _, w := range writers {
			s.ACLs.Entries = append(s.ACLs.Entries, snapshot.ACL{ResourceType: "TOPIC", ResourceName: prefix + "orders", PatternType: "LITERAL",
				Principal: w, Host: "*", Operation: "WRITE", Permission: "ALLOW"})
		}
		f, err := os.Create(filepath.Join(dir, name+".json"))
		require.NoError(t, err)
		require.NoError(t, snapshot.Write(f, s))
		require.NoError(t, f.Close())
	}
	snap("acme-staging", "staging", "stg.", 6, "3600000", 2)
	snap("acme-prod", "prod", "", 12, "604800000", 1)
	yaml := "title: Acme\nclusters:\n  - {name: acme-staging, environment: staging, snapshot: acme-staging.json}\n" +
		"  - {name: acme-prod, environment: prod, snapshot: acme-prod.json}\n" + extra
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(yaml), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

const envBlock = `environments:
  order: [staging, prod]
  names:
    staging: {topics: "stg.{name}"}
`

func read(t *testing.T, dir, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	require.NoError(t, err)
	return html.UnescapeString(string(b))
}

func TestPages(t *testing.T) {
	cfg := writeEstate(t, envBlock, 3)
	out := filepath.Join(t.TempDir(), "public")
	_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: out, MarkdownDir: filepath.Join(t.TempDir(), "md")})
	require.NoError(t, err, "every link of the environment pages resolves (the build checks them)")

	matrix := read(t, out, "environments/index.html")
	assert.Contains(t, matrix, "staging")
	assert.Contains(t, matrix, "6 × 1</a> ⚠ · ⚠ 1 config · ⚠ schema · ⚠ ACLs", "partitions, retention, schema and ACL drift, highlighted")
	assert.Contains(t, matrix, "12 × 1</a> ⚠")
	assert.Contains(t, matrix, "<td>partitions, config retention.ms, value subject, write principals<")
	assert.NotContains(t, matrix, "topic-0000", "topics that are the same everywhere are not in the drifting list")
	assert.Contains(t, matrix, "staging → prod")
	assert.Contains(t, matrix, "orders-value", "promotion candidate: v2 only in staging")
	assert.Contains(t, matrix, "not checked")
	assert.NotContains(t, matrix, "<script>alert", "names are escaped")

	all := read(t, out, "environments/all.html")
	assert.Contains(t, all, "topic-0000")

	logical := read(t, out, "environments/topics/orders.html")
	assert.Contains(t, logical, "config retention.ms")
	assert.Contains(t, logical, "3600000")
	assert.Contains(t, logical, "604800000")
	assert.Contains(t, logical, "../../clusters/acme-prod/topics/orders.html")
	assert.Contains(t, logical, "../../clusters/acme-staging/topics/stg.orders.html")
	assert.Contains(t, logical, `<tr class="problem"><td>⚠ <strong>write principals</strong><td>User:orders-svc<td>User:fraud, User:orders-svc</td>`, "a principal only in prod, side by side")
	assert.Contains(t, logical, "<tr><td>read principals<td>none<td>none</td>")
	assert.Contains(t, logical, "<tr><td>writers<td>not known: not recorded in this snapshot<td>not known: not recorded in this snapshot</td>", "no transactions in these snapshots: shown, not compared")
	assert.Contains(t, logical, "active idempotent producers (not compared)")

	topicPage := read(t, out, "clusters/acme-staging/topics/stg.orders.html")
	assert.Contains(t, topicPage, "../../acme-prod/topics/orders.html", "a topic page links its siblings")
	assert.Contains(t, topicPage, "../../../environments/topics/orders.html")
	same := read(t, out, "clusters/acme-prod/topics/topic-0001.html")
	assert.Contains(t, same, "The same in every environment")

	subjects := read(t, out, "environments/subjects.html")
	assert.Contains(t, subjects, "orders-value")
	home := read(t, out, "index.html")
	assert.Contains(t, home, "environments/index.html")
	assert.Contains(t, home, "drifting")
}

func TestPagesExpectedDriftAndPagination(t *testing.T) {
	cfg := writeEstate(t, envBlock+"  expectedDrift: [retention.ms]\n", environments.PageSize+10)
	// PageSize+10 filler topics the same in both: the list of all of them takes two pages.
	out := filepath.Join(t.TempDir(), "public")
	_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: out})
	require.NoError(t, err)
	all := read(t, out, "environments/all.html")
	assert.Contains(t, all, "Page 1 of 2")
	assert.Equal(t, environments.PageSize, strings.Count(all, "\n<tr>")-1, "a page holds PageSize rows")
	second := read(t, out, "environments/all-2.html")
	assert.Contains(t, second, "Page 2 of 2")
	logical := read(t, out, "environments/topics/orders.html")
	assert.Contains(t, logical, "config retention.ms (expected)")
}

func TestBuildsAreDeterministicAndOldSitesUnchanged(t *testing.T) {
	cfg := writeEstate(t, envBlock, 3)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, out := range []string{a, b} {
		_, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Output: out})
		require.NoError(t, err)
	}
	for _, p := range []string{"environments/index.html", "environments/topics/orders.html", "environments/subjects.html", "clusters/acme-prod/topics/orders.html"} {
		assert.Equal(t, read(t, a, p), read(t, b, p), p)
	}

	plain := writeEstate(t, "", 3)
	out := filepath.Join(t.TempDir(), "plain")
	_, err := pipeline.Run(context.Background(), plain, pipeline.Options{Output: out})
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(out, "environments"))
	assert.True(t, os.IsNotExist(err), "no environments: block, no environment pages")
	assert.NotContains(t, read(t, out, "clusters/acme-prod/topics/orders.html"), "in each environment")
}
