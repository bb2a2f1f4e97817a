package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// hostileTopic would end a table cell, start a code span, break the line and open HTML if it
// were written as it is.
const hostileTopic = "orders|`rm -rf`\n<b>*x*</b>"

// blastSnapshots writes two snapshots between which the hostile topic is deleted (a group, a
// sink connector and a principal touched it), orders loses its compaction and gains a
// partition, and the registry accepts an incompatible version of orders-value.
func blastSnapshots(t *testing.T) (oldPath, newPath string) {
	t.Helper()
	part := func(id int32) snapshot.Partition {
		return snapshot.Partition{ID: id, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}
	}
	build := func() *snapshot.Snapshot {
		return &snapshot.Snapshot{
			Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
			Cluster: snapshot.Cluster{Name: "prod", ID: "c1", Brokers: []snapshot.Broker{{ID: 1, Host: "b1", Port: 9092}}},
			Topics: []snapshot.Topic{
				{Name: hostileTopic, ReplicationFactor: 1, Partitions: []snapshot.Partition{part(0)}},
				{Name: "orders", ReplicationFactor: 1, Partitions: []snapshot.Partition{part(0)},
					Configs: []snapshot.Config{{Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"}}},
			},
			Groups: []snapshot.Group{
				{ID: "billing|ops\n`x`", State: "Stable", Offsets: []snapshot.GroupOffset{{Topic: hostileTopic}, {Topic: "orders"}}},
			},
			Connect: []snapshot.ConnectCluster{{Name: "main", Connectors: []snapshot.Connector{
				{Name: "to-s3", Type: "sink", State: "RUNNING", Topics: []string{hostileTopic}},
			}}},
			ACLs: &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{{ResourceType: "TOPIC", ResourceName: "orders",
				PatternType: "PREFIXED", Principal: "User:checkout", Host: "*", Operation: "WRITE", Permission: "ALLOW"}}},
			Registry: &snapshot.Registry{URL: "http://registry", Subjects: []snapshot.Subject{{Name: "orders-value",
				Versions: []snapshot.SchemaVersion{{Version: 1, ID: 1, Type: "AVRO", Schema: `"string"`}}}}},
		}
	}
	dir := t.TempDir()
	oldPath, newPath = filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	require.NoError(t, snapshot.Save(oldPath, build()))
	s := build()
	s.TakenAt = s.TakenAt.Add(24 * time.Hour)
	s.Topics = s.Topics[1:]
	s.Topics[0].Partitions = append(s.Topics[0].Partitions, part(1))
	s.Topics[0].Configs = nil
	s.Groups[0].Offsets = s.Groups[0].Offsets[1:]
	s.Connect[0].Connectors[0].Topics = nil
	sub := &s.Registry.Subjects[0]
	sub.Versions = append(sub.Versions, snapshot.SchemaVersion{Version: 2, ID: 2, Type: "AVRO", Schema: `"int"`,
		Verdict: &snapshot.Verdict{Against: 1, Level: "NONE", Status: snapshot.VerdictIncompatible}})
	require.NoError(t, snapshot.Save(newPath, s))
	return oldPath, newPath
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./cmd/kdocs -run %s -update", t.Name())
	assert.Equal(t, string(want), got)
}

func TestDiffMarkdownNamesTheAffectedParties(t *testing.T) {
	oldPath, newPath := blastSnapshots(t)
	code, md, errOut := kdocs(t, "diff", "--format", "markdown", oldPath, newPath)
	require.Equal(t, exitOK, code, errOut)
	golden(t, "diff-blast.md", md)

	// Hostile names stay inside their cell: no raw pipe, backtick, HTML or line break, so every
	// row of a table has its table's cells (seven in the first, six in the folded one).
	assert.Contains(t, md, "| topic \"orders\\|\\`rm -rf\\`\\\\n\\<b\\>\\*x\\*\\</b\\>\" | topic-removed |")
	assert.Contains(t, md, "consumer group **billing\\|ops \\`x\\`** (reads)")
	assert.NotContains(t, md, "<b>")
	cells := 0
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cells = 0
			continue
		}
		unescaped := strings.Count(line, "|") - strings.Count(line, "\\|")
		if cells == 0 {
			cells = unescaped // the table's header row
		}
		assert.Equal(t, cells, unescaped, "a row with another number of cells than its header: %s", line)
	}
}

func TestDiffTextAndJSONNameTheAffectedParties(t *testing.T) {
	oldPath, newPath := blastSnapshots(t)
	code, out, errOut := kdocs(t, "diff", oldPath, newPath)
	require.Equal(t, exitOK, code, errOut)
	golden(t, "diff-blast.txt", out)

	code, out, errOut = kdocs(t, "diff", "--json", oldPath, newPath)
	require.Equal(t, exitOK, code, errOut)
	var got []struct {
		Kind, Severity, Resource string
		Affected                 *struct {
			Topics  []string
			Parties []struct{ Kind, Name, Connect, Topic string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	affected := map[string][]string{}
	for _, c := range got {
		if c.Severity != "breaking" && !(c.Severity == "warning" && strings.HasPrefix(c.Resource, "topic ")) {
			assert.Nil(t, c.Affected, "%s %s", c.Resource, c.Kind)
			continue
		}
		require.NotNil(t, c.Affected, "%s %s", c.Resource, c.Kind)
		for _, p := range c.Affected.Parties {
			affected[c.Resource+" "+c.Kind] = append(affected[c.Resource+" "+c.Kind], p.Kind+" "+p.Name+" "+p.Topic)
		}
	}
	assert.Equal(t, map[string][]string{
		`topic "orders|` + "`rm -rf`" + `\n<b>*x*</b>" topic-removed`: {"connector to-s3 " + hostileTopic,
			"consumer group billing|ops\n`x` " + hostileTopic, "principal User:checkout " + hostileTopic},
		`topic "orders" config-removed`:               {"consumer group billing|ops\n`x` orders", "principal User:checkout orders"},
		`topic "orders" partitions-added`:             {"consumer group billing|ops\n`x` orders", "principal User:checkout orders"},
		`subject "orders-value" schema-version-added`: {"consumer group billing|ops\n`x` orders", "principal User:checkout orders"},
	}, affected)
}
