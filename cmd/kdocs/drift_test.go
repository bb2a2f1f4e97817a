package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// With requireDeclaredWriters, a writer the snapshot shows that no annotation declares makes
// kdocs build exit 3 after building the site, naming the writer; the flows page lists both
// directions of drift. Declaring it turns the exit back to 0.
func TestBuildRequireDeclaredWriters(t *testing.T) {
	dir := t.TempDir()
	part := []snapshot.Partition{{Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}
	snap := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "test", Cluster: snapshot.Cluster{Name: "prod", ID: "x", Brokers: []snapshot.Broker{{ID: 1}}},
		Topics: []snapshot.Topic{{Name: "orders", Partitions: part}, {Name: "audit", Partitions: part}},
		Groups: []snapshot.Group{},
		Transactions: &snapshot.TransactionSection{Available: true, Entries: []snapshot.Transaction{{TransactionalID: "checkout-7", ProducerID: 42,
			State: "Ongoing", Partitions: []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0}}}}}},
		Producers: &snapshot.ProducerSection{Available: true},
		ACLs:      &snapshot.ACLSection{Reason: "no authorizer configured"},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "prod.json"), snap))
	cfg := filepath.Join(dir, "site.yaml")
	write := func(producers string) {
		require.NoError(t, os.WriteFile(cfg, []byte(`title: Drift
clusters:
  - name: prod
    snapshot: prod.json
    requireDeclaredWriters: true
    annotations:
      topics:
        orders: {producers: [`+producers+`]}
        audit: {producers: [auditor]}
`), 0o644))
	}
	write("inventory")
	code, out, errOut := kdocs(t, "build", "--config", cfg)
	assert.Equal(t, exitFailOn, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "built ")
	assert.Contains(t, errOut, `undeclared writer: cluster "prod": topic "orders": transactional producer "checkout-7" (observed) is not declared under producers: in its annotation`)
	assert.Contains(t, errOut, "1 writers no annotation declares (requireDeclaredWriters in ")
	flows, err := os.ReadFile(filepath.Join(dir, "public", "clusters", "prod", "flows.html"))
	require.NoError(t, err)
	assert.Contains(t, string(flows), "Declared but not observed")
	assert.Contains(t, string(flows), "auditor")
	assert.Contains(t, string(flows), "checkout-7")
	assert.Contains(t, string(flows), "Not checked: ACLs: no authorizer configured.")

	write("checkout")
	code, out, errOut = kdocs(t, "build", "--config", cfg)
	assert.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.NotContains(t, errOut, "undeclared writer")
}
