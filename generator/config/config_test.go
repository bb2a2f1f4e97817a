package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
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

const testPassword = "s3cret-Pa55word"

func TestSecurityFromEnvironment(t *testing.T) {
	s, err := Parse([]byte(`title: x
clusters:
  - name: prod
    bootstrap: [b:9292]
    security:
      protocol: sasl_ssl
      sasl: {mechanism: scram-sha-512, username: "${KAFKA_USER}", password: "${KAFKA_PASSWORD}"}
      tls: {caFile: certs/ca.pem, certFile: certs/kdocs.crt, keyFile: certs/kdocs.key}
  - name: plain
    bootstrap: [b:9092]
`), env(map[string]string{"KAFKA_USER": "kdocs", "KAFKA_PASSWORD": testPassword}))
	require.NoError(t, err)
	sec := s.Clusters[0].Security
	require.NotNil(t, sec)
	assert.Equal(t, ProtocolSASLSSL, sec.Protocol, "normalised to upper case")
	assert.True(t, sec.UsesTLS())
	assert.True(t, sec.UsesSASL())
	assert.Equal(t, SASL{Mechanism: MechanismSCRAMSHA512, Username: "kdocs", Password: testPassword, Line: 7}, *sec.SASL)
	assert.Equal(t, "certs/ca.pem", sec.TLS.CAFile)
	assert.False(t, sec.TLS.InsecureSkipVerify, "off unless explicitly true")
	assert.Empty(t, s.Clusters[0].Warnings())
	assert.Nil(t, s.Clusters[1].Security, "no block: PLAINTEXT")
	assert.False(t, s.Clusters[1].Security.UsesTLS())
}

func TestSecurityValidation(t *testing.T) {
	_, err := Parse([]byte(`title: x
clusters:
  - name: a
    bootstrap: [b:1]
    security: {protocol: SASL_SSL}
  - name: b
    bootstrap: [b:1]
    security:
      protocol: SSL
      sasl: {mechanism: PLAIN, username: u, password: "${P}"}
  - name: c
    bootstrap: [b:1]
    security:
      protocol: SASL_PLAINTEXT
      sasl: {mechanism: GSSAPI, username: "", password: "${EMPTY}"}
      tls: {certFile: c.pem}
  - name: d
    bootstrap: [b:1]
    security: {protocol: TLS}
  - name: e
    bootstrap: [b:1]
    security:
      protocol: SASL_SSL
      sasl: {username: u, password: "${P}"}
`), env(map[string]string{"P": testPassword, "EMPTY": ""}))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `line 5: cluster "a": security: protocol SASL_SSL needs a sasl block with mechanism, username and password`)
	assert.Contains(t, msg, `line 10: cluster "b": security.sasl is given but protocol SSL does not authenticate with SASL`)
	assert.Contains(t, msg, `line 15: cluster "c": security.sasl.mechanism "GSSAPI": want one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512`)
	assert.Contains(t, msg, `line 15: cluster "c": security.sasl.username is required`)
	assert.Contains(t, msg, `line 15: cluster "c": security.sasl.password is required, as ${VAR}`)
	assert.Contains(t, msg, `line 16: cluster "c": security.tls is given but protocol SASL_PLAINTEXT does not use TLS`)
	assert.Contains(t, msg, `line 16: cluster "c": security.tls: give certFile and keyFile together`)
	assert.Contains(t, msg, `line 19: cluster "d": security.protocol "TLS": want one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL`)
	assert.Contains(t, msg, `line 24: cluster "e": security.sasl.mechanism is required`)
	assert.NotContains(t, msg, testPassword)

	_, err = Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    security:\n      protocol: SSL\n      tls: {caFile: a.pem, verify: false}\n"), env(nil))
	require.Error(t, err)
	assert.Equal(t, `line 7: unknown key "verify"`, err.Error())

	_, err = Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    security:\n      protocol: SSL\n      tls: {insecureSkipVerify: yes please}\n"), env(nil))
	require.ErrorContains(t, err, "line 7")
}

func TestSecurityPasswordOnlyFromEnvironment(t *testing.T) {
	for _, pw := range []string{testPassword, `"` + testPassword + `"`, `"pre-${P}"`, `"${P}${Q}"`} {
		_, err := Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    security:\n      protocol: SASL_SSL\n      sasl:\n        mechanism: PLAIN\n        username: u\n        password: "+pw+"\n"), env(map[string]string{"P": "p", "Q": "q"}))
		require.Error(t, err, pw)
		assert.Equal(t, `line 10: security.sasl.password must come from the environment, written as ${VAR} (e.g. "${KAFKA_PASSWORD}"): site.yaml is no place for a secret`, err.Error())
		assert.NotContains(t, err.Error(), testPassword)
	}
	_, err := Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    security:\n      protocol: SASL_SSL\n      sasl: {mechanism: PLAIN, username: u, password: \"${KAFKA_PASSWORD}\"}\n"), env(nil))
	require.Error(t, err)
	assert.Equal(t, "line 7: environment variable KAFKA_PASSWORD is not set", err.Error())
}

func TestSecurityWarnings(t *testing.T) {
	s, err := Parse([]byte(`title: x
clusters:
  - name: lab
    bootstrap: [b:1]
    security:
      protocol: SSL
      tls: {insecureSkipVerify: true}
  - name: old
    bootstrap: [b:1]
    security:
      protocol: SASL_PLAINTEXT
      sasl: {mechanism: PLAIN, username: u, password: "${P}"}
`), env(map[string]string{"P": testPassword}))
	require.NoError(t, err)
	assert.Equal(t, []string{`line 7: cluster "lab": security.tls.insecureSkipVerify is true: the brokers' certificates are not verified, so anyone on the network path can pose as them`}, s.Clusters[0].Warnings())
	assert.Equal(t, []string{`line 12: cluster "old": SASL PLAIN over SASL_PLAINTEXT sends the password unencrypted; prefer SASL_SSL or SCRAM`}, s.Clusters[1].Warnings())
}

func TestSecurityPrintsNoSecret(t *testing.T) {
	s, err := Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    security:\n      protocol: SASL_SSL\n      sasl: {mechanism: SCRAM-SHA-256, username: kdocs, password: \"${P}\"}\n"), env(map[string]string{"P": testPassword}))
	require.NoError(t, err)
	c := s.Clusters[0]
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "cluster", c, "security", c.Security, "sasl", c.Security.SASL)
	js, err := json.Marshal(c)
	require.NoError(t, err)
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", c, c, c, c.Security), fmt.Sprintf("%v %+v %#v", *c.Security.SASL, *c.Security.SASL, c.Security.SASL), logged.String(), string(js)} {
		assert.NotContains(t, out, testPassword)
	}
	assert.Equal(t, `SASL_SSL SCRAM-SHA-256 as "kdocs"`, c.Security.String())
}

func TestLoadResolvesTLSFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(p, []byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    security:\n      protocol: SSL\n      tls: {caFile: certs/ca.pem, certFile: /abs/c.pem, keyFile: k.pem}\n"), 0o644))
	s, err := Load(p)
	require.NoError(t, err, "the files need not exist until kdocs connects")
	tl := s.Clusters[0].Security.TLS
	assert.Equal(t, filepath.Join(dir, "certs", "ca.pem"), tl.CAFile)
	assert.Equal(t, "/abs/c.pem", tl.CertFile)
	assert.Equal(t, filepath.Join(dir, "k.pem"), tl.KeyFile)
}

func TestActivityIdleAfter(t *testing.T) {
	parse := func(extra string) (*Site, error) {
		return Parse([]byte("title: x\nclusters:\n  - {name: a, snapshot: a.json}\n"+extra), env(nil))
	}
	s, err := parse("")
	require.NoError(t, err)
	assert.Equal(t, DefaultIdleAfter, s.ActivityIdleAfter())
	s, err = parse("history: {read: 5}\n")
	require.NoError(t, err)
	assert.Equal(t, 5, s.ActivityIdleAfter(), "never more than a build reads")
	s, err = parse("activity: {idleAfter: 14}\n")
	require.NoError(t, err)
	assert.Equal(t, 14, s.ActivityIdleAfter())

	_, err = parse("activity:\n  idleAfter: 1\n")
	require.EqualError(t, err, "line 5: activity.idleAfter: 1: want a number of snapshots, 2 or more (one comparison needs two)")
	_, err = parse("history: {read: 10}\nactivity: {idleAfter: 12}\n")
	require.EqualError(t, err, "line 5: activity.idleAfter: 12 is more than the 10 snapshots a build reads (history.read): raise history.read or lower idleAfter")
	_, err = parse("activity: {idle_after: 7}\n")
	require.ErrorContains(t, err, `line 4: unknown key "idle_after"`)

	dir := t.TempDir()
	p := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(p, []byte("title: x\nclusters:\n  - {name: a, snapshot: a.json}\nactivity: {idleAfter: -3}\n"), 0o644))
	_, err = Load(p)
	require.EqualError(t, err, p+": line 4: activity.idleAfter: -3: want a number of snapshots, 2 or more (one comparison needs two)")
}
