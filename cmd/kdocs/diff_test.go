package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// diffSnapshots writes two snapshots of one cluster with snapshot.Save: between them a topic
// was created, another gained partitions and had its retention lowered.
func diffSnapshots(t *testing.T) (oldPath, newPath string) {
	t.Helper()
	part := func(id int32) snapshot.Partition {
		return snapshot.Partition{ID: id, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}
	}
	build := func() *snapshot.Snapshot {
		return &snapshot.Snapshot{
			Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
			Cluster: snapshot.Cluster{Name: "prod", ID: "c1", Brokers: []snapshot.Broker{{ID: 1, Host: "b1", Port: 9092}}},
			Topics: []snapshot.Topic{{Name: "orders", ReplicationFactor: 1, Partitions: []snapshot.Partition{part(0)},
				Configs: []snapshot.Config{{Name: "retention.ms", Value: "86400000", Source: "DYNAMIC_TOPIC_CONFIG"}}}},
		}
	}
	dir := t.TempDir()
	oldPath, newPath = filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	require.NoError(t, snapshot.Save(oldPath, build()))
	s := build()
	s.TakenAt = s.TakenAt.Add(24 * time.Hour)
	s.Topics[0].Partitions = append(s.Topics[0].Partitions, part(1))
	s.Topics[0].Configs[0].Value = "3600000"
	s.Topics = append(s.Topics, snapshot.Topic{Name: "audit", ReplicationFactor: 1, Partitions: []snapshot.Partition{part(0)}})
	require.NoError(t, snapshot.Save(newPath, s))
	return oldPath, newPath
}

func TestDiffText(t *testing.T) {
	oldPath, newPath := diffSnapshots(t)
	code, out, errOut := kdocs(t, "diff", oldPath, newPath)
	assert.Equal(t, exitOK, code, errOut)
	assert.Equal(t, `topic "audit"
  info     topic-added            topic created with 1 partition and replication factor 1
topic "orders"
  warning  config-changed         retention.ms changed from 86400000 to 3600000: records are deleted sooner
           affects no reader, writer or owner kdocs knows of
  warning  partitions-added       partitions went from 1 to 2: records with a given key may now go to another partition, so their order across the change is lost
           affects no reader, writer or owner kdocs knows of

3 changes: 2 warnings, 1 info; the changes that reach readers and writers affect 0 parties
`, out)
	assert.Empty(t, errOut)

	code, out, _ = kdocs(t, "diff", oldPath, oldPath)
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "no changes\n", out)
}

func TestDiffJSON(t *testing.T) {
	oldPath, newPath := diffSnapshots(t)
	code, out, errOut := kdocs(t, "diff", "--json", oldPath, newPath)
	require.Equal(t, exitOK, code, errOut)
	var got diff.Changes
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	before, err := snapshot.Load(oldPath)
	require.NoError(t, err)
	after, err := snapshot.Load(newPath)
	require.NoError(t, err)
	assert.Equal(t, diff.Compare(before, after, diff.Options{}), got)
	assert.Equal(t, diff.Change{Kind: "partitions-added", Severity: "warning", Resource: `topic "orders"`, Old: "1", New: "2",
		Message: "partitions went from 1 to 2: records with a given key may now go to another partition, so their order across the change is lost"}, got[2])

	// The field names are the contract of --json.
	var raw []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	assert.ElementsMatch(t, []string{"kind", "severity", "resource", "old", "new", "message"}, keys(raw[0]))

	code, out, _ = kdocs(t, "diff", "--json", oldPath, oldPath)
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "[]\n", out)
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestDiffExitCode(t *testing.T) {
	oldPath, newPath := diffSnapshots(t)
	code, out, errOut := kdocs(t, "diff", "--exit-code", oldPath, newPath)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, out, "topic-added")
	assert.Equal(t, "kdocs diff: 3 changes (--exit-code)\n", errOut)

	code, out, errOut = kdocs(t, "diff", "--exit-code", "--json", oldPath, oldPath)
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "[]\n", out)
	assert.Empty(t, errOut)

	// Without --exit-code, changes are not a failure.
	code, _, _ = kdocs(t, "diff", oldPath, newPath)
	assert.Equal(t, exitOK, code)

	// A lag threshold flag is accepted and passed on.
	code, _, errOut = kdocs(t, "diff", "--lag-jump", "-1", oldPath, newPath)
	assert.Equal(t, exitOK, code, errOut)
}

func TestDiffUsageErrors(t *testing.T) {
	oldPath, newPath := diffSnapshots(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "want two snapshot files, OLD.json NEW.json; got 0 arguments"},
		{[]string{oldPath}, "got 1 argument\n"},
		{[]string{oldPath, newPath, newPath}, "got 3 arguments"},
		// The flag package stops at the first file.
		{[]string{oldPath, newPath, "--json"}, "flag --json after the files: flags go before OLD.json NEW.json"},
		{[]string{"--colour", oldPath, newPath}, "unknown flag: --colour"},
	} {
		code, out, errOut := kdocs(t, append([]string{"diff"}, c.args...)...)
		assert.Equal(t, exitUsage, code, "%v", c.args)
		assert.Contains(t, errOut, c.want, "%v", c.args)
		assert.Empty(t, out)
	}

	code, out, _ := kdocs(t, "diff", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "usage: kdocs diff [flags] OLD.json NEW.json\n")
	assert.Contains(t, out, "-exit-code")

	// Commands that take no arguments still refuse them.
	code, _, errOut := kdocs(t, "build", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `kdocs build: unexpected argument "extra"`)
	code, out, _ = kdocs(t, "build", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "usage: kdocs build [flags]\n")
}

func TestDiffBadFilesAreNamed(t *testing.T) {
	oldPath, newPath := diffSnapshots(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	invalid := filepath.Join(dir, "invalid.json")
	require.NoError(t, os.WriteFile(invalid, []byte(`{"format":"kdocs.snapshot/v1","colour":1}`), 0o644))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{missing, newPath}, "old snapshot: "},
		{[]string{oldPath, missing}, "new snapshot: "},
		{[]string{oldPath, invalid}, `unknown field "colour"`},
	} {
		code, out, errOut := kdocs(t, append([]string{"diff"}, c.args...)...)
		assert.Equal(t, exitFail, code, "%v", c.args)
		assert.Contains(t, errOut, c.want, "%v", c.args)
		bad := c.args[0]
		if bad != missing {
			bad = c.args[1]
		}
		assert.Contains(t, errOut, bad, "the error names the file")
		assert.Empty(t, out)
	}
}
