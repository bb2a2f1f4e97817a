package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEstateDeclarations(t *testing.T) {
	s, err := Parse([]byte(`title: Acme
clusters:
  - name: prod
    snapshot: prod.json
    connect:
      - {name: cdc, url: "http://connect:8083"}
      - name: sinks
    ksqldb: [{name: analytics, url: "https://ksql:8088"}]
  - name: dr
    snapshot: dr.json
replication:
  - {from: prod, to: dr, topics: "orders\\..*"}
  - {from: dr, to: prod, mode: active-active}
`), env(nil))
	require.NoError(t, err)
	c := s.Clusters[0]
	d := Duration(DefaultTimeout)
	assert.Equal(t, []Connect{
		{Name: "cdc", URL: "http://connect:8083", Timeout: d, Concurrency: DefaultConnectConcurrency, Line: 6},
		{Name: "sinks", Timeout: d, Concurrency: DefaultConnectConcurrency, Line: 7},
	}, c.Connect)
	assert.Equal(t, []Service{{Name: "analytics", URL: "https://ksql:8088", Line: 8}}, c.KsqlDB)
	assert.Equal(t, []Replication{
		{From: "prod", To: "dr", Topics: `orders\..*`, Mode: ActivePassive, Line: 12},
		{From: "dr", To: "prod", Topics: ".*", Mode: ActiveActive, Line: 13},
	}, s.Replication)
}

func TestEstateValidation(t *testing.T) {
	_, err := Parse([]byte(`title: Acme
clusters:
  - name: prod
    snapshot: prod.json
    connect:
      - {url: "http://connect:8083"}
      - {name: a, url: "ftp://x"}
      - {name: a, url: "http://user:s3cret@connect:8083"}
    ksqldb: [{name: k, url: "http://"}]
replication:
  - {from: prod, to: nowhere, topics: "(", mode: both-ways}
  - {from: prod, to: prod}
  - {to: prod}
`), env(nil))
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		`line 6: cluster "prod": connect[0]: name is required`,
		`line 7: cluster "prod": connect[1]: url "ftp://x" must start with http:// or https://`,
		`line 8: cluster "prod": connect[2]: name "a" already used on line 7`,
		`line 8: cluster "prod": connect[2]: url must not hold credentials`,
		`line 9: cluster "prod": ksqldb[0]: url "http://" has no host`,
		`line 11: replication[0]: to "nowhere" is not a cluster of this file`,
		`line 11: replication[0]: topics "(" is not a regular expression`,
		`line 11: replication[0]: mode "both-ways" must be active-passive or active-active`,
		`line 12: replication[1]: from and to are the same cluster "prod"`,
		`line 13: replication[2]: from is required`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "s3cret")

	_, err = Parse([]byte("title: A\nclusters:\n  - name: p\n    snapshot: p.json\n    connect: [{name: c, host: x}]\nreplication: [{from: p, to: q, direction: x}]\n"), env(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 5: unknown key "host"`)
	assert.Contains(t, err.Error(), `line 6: unknown key "direction"`)
}
