package collect

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestRunWritesEachClusterAndIsolatesFailures(t *testing.T) {
	dir := t.TempDir()
	site := &config.Site{Snapshots: dir, Clusters: []config.Cluster{
		{Name: "good", Environment: "dev", Bootstrap: []string{"a:1"}, SchemaRegistry: &config.Registry{URL: "http://reg"}},
		{Name: "bad", Environment: "prod", Bootstrap: []string{"b:1"}},
		{Name: "old", Snapshot: filepath.Join(dir, "old.json")},
	}}
	// The failing cluster's previous snapshot must survive the failed run.
	prev := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(prev, []byte("previous"), 0o644))

	kafka := func(_ context.Context, c config.Cluster) (*snapshot.Snapshot, error) {
		if c.Name == "bad" {
			return nil, errors.New(`cluster "bad" (b:1): dial refused`)
		}
		return &snapshot.Snapshot{Cluster: snapshot.Cluster{Brokers: []snapshot.Broker{{ID: 1}}},
			Topics: []snapshot.Topic{{Name: "t", Partitions: []snapshot.Partition{{Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}}}}, nil
	}
	registry := func(context.Context, config.Registry) (*snapshot.Registry, error) {
		return nil, errors.New("GET http://reg/subjects: 503")
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	out := Run(context.Background(), site, Options{Kafka: kafka, Registry: registry, Version: "v9", Now: func() time.Time { return now }})

	require.Len(t, out, 2, "replayed clusters are not snapshotted")
	assert.Equal(t, "good", out[0].Cluster)
	require.NoError(t, out[0].Err)
	assert.True(t, out[0].Partial)
	assert.Equal(t, health.Degraded, out[0].Health.Status)
	snap, err := snapshot.Load(filepath.Join(dir, "good.json"))
	require.NoError(t, err)
	assert.Equal(t, "v9", snap.KdocsVersion)
	assert.Equal(t, now, snap.TakenAt)
	assert.Equal(t, "dev", snap.Cluster.Environment)
	assert.Equal(t, []snapshot.Error{{Scope: "registry", Resource: "http://reg", Message: "GET http://reg/subjects: 503"}}, snap.Errors)

	assert.Equal(t, "bad", out[1].Cluster)
	assert.EqualError(t, out[1].Err, `cluster "bad" (b:1): dial refused`)
	assert.Equal(t, health.Down, out[1].Health.Status)
	got, err := os.ReadFile(prev)
	require.NoError(t, err)
	assert.Equal(t, "previous", string(got))
}
