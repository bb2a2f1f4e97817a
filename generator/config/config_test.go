package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseDefaultsAndClusters(t *testing.T) {
	s, err := Parse([]byte(`title: Acme
clusters:
  - name: prod
    environment: prod
    bootstrap: [127.0.0.1:9092]
    schemaRegistry: {url: "http://127.0.0.1:8081"}
  - name: old
    environment: dev
    snapshot: testdata/old.json
`), env(nil))
	require.NoError(t, err)
	assert.Equal(t, "public", s.Output)
	assert.Equal(t, "snapshots", s.Snapshots)
	assert.Equal(t, "/", s.BaseURL)
	require.Len(t, s.Clusters, 2)
	assert.True(t, s.Clusters[0].Live())
	assert.Equal(t, 3, s.Clusters[0].Line)
	assert.Equal(t, Duration(10*time.Second), s.Clusters[0].Timeout)
	assert.Equal(t, Duration(5*time.Second), s.Clusters[0].DialTimeout)
	assert.Equal(t, 0, s.Clusters[0].ExpectedBrokers, "unchecked unless given")
	assert.Equal(t, "http://127.0.0.1:8081", s.Clusters[0].SchemaRegistry.URL)
	assert.False(t, s.Clusters[1].Live())
	assert.Equal(t, filepath.Join("snapshots", "prod.json"), s.SnapshotPath(s.Clusters[0]))
}

func TestUnknownKeyNamesLine(t *testing.T) {
	_, err := Parse([]byte("title: Acme\nclusters:\n  - name: a\n    snapshot: a.json\n    colour: red\n"), env(nil))
	require.Error(t, err)
	assert.Equal(t, `line 5: unknown key "colour"`, err.Error())
}

func TestEnvInterpolation(t *testing.T) {
	s, err := Parse([]byte("title: ${TITLE} docs\nclusters:\n  - {name: a, snapshot: a.json}\n"), env(map[string]string{"TITLE": "123"}))
	require.NoError(t, err)
	assert.Equal(t, "123 docs", s.Title)

	_, err = Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [\"${BROKER}\"]\n"), env(nil))
	require.Error(t, err)
	assert.Equal(t, "line 4: environment variable BROKER is not set", err.Error())
}

func TestValidation(t *testing.T) {
	_, err := Parse([]byte(`title: x
clusters:
  - name: a
    snapshot: a.json
    bootstrap: [b:1]
  - name: a
    snapshot: b.json
  - name: "bad/name"
    bootstrap: [nohost]
    schemaRegistry: {url: "localhost:8081"}
`), env(nil))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `line 3: cluster "a": give either bootstrap (live) or snapshot (replay), not both or neither`)
	assert.Contains(t, msg, `line 6: cluster "a": name already used by the cluster on line 3`)
	assert.Contains(t, msg, `line 8: cluster "bad/name": name may hold only`)
	assert.Contains(t, msg, `bootstrap server "nohost" needs host:port`)
	assert.Contains(t, msg, `schemaRegistry.url "localhost:8081" must start with http://`)
}

func TestBadDurationAndEmpty(t *testing.T) {
	_, err := Parse([]byte("title: x\nclusters:\n  - {name: a, snapshot: a.json, timeout: soon}\n"), env(nil))
	require.ErrorContains(t, err, `line 3: "soon" is not a duration`)
	_, err = Parse([]byte(""), env(nil))
	require.ErrorContains(t, err, "empty file")
}

func TestLoadResolvesPathsAndNamesFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(p, []byte("title: x\nclusters:\n  - {name: a, snapshot: snaps/a.json}\n"), 0o644))
	s, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "public"), s.Output)
	assert.Equal(t, filepath.Join(dir, "snaps", "a.json"), s.Clusters[0].Snapshot)

	require.NoError(t, os.WriteFile(p, []byte("title: x\nclusters: [\n"), 0o644))
	_, err = Load(p)
	require.ErrorContains(t, err, p+": ")
	require.ErrorContains(t, err, "line ")
}

func TestTimeoutsAndExpectedBrokers(t *testing.T) {
	s, err := Parse([]byte(`title: x
clusters:
  - name: a
    bootstrap: [b:1]
    timeout: 30s
    dialTimeout: 750ms
    expectedBrokers: 3
`), env(nil))
	require.NoError(t, err)
	c := s.Clusters[0]
	assert.Equal(t, Duration(30*time.Second), c.Timeout)
	assert.Equal(t, Duration(750*time.Millisecond), c.DialTimeout)
	assert.Equal(t, 3, c.ExpectedBrokers)

	_, err = Parse([]byte(`title: x
clusters:
  - name: a
    bootstrap: [b:1]
    timeout: -1s
    dialTimeout: -2s
    expectedBrokers: -3
`), env(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 3: cluster "a": timeout -1s must be positive`)
	assert.Contains(t, err.Error(), `line 3: cluster "a": dialTimeout -2s must be positive`)
	assert.Contains(t, err.Error(), `line 3: cluster "a": expectedBrokers -3 must be zero (unchecked) or more`)

	_, err = Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    dialTimeout: quick\n"), env(nil))
	require.ErrorContains(t, err, `line 5: "quick" is not a duration`)
	_, err = Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    expectedBrokers: three\n"), env(nil))
	require.ErrorContains(t, err, "line 5")
}
