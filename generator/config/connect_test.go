package config

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnectCredentialsFromEnvironment(t *testing.T) {
	s, err := Parse([]byte(`title: Acme
clusters:
  - name: prod
    bootstrap: [k:9092]
    connect:
      - {name: cdc, url: "https://connect:8083", username: kdocs, password: "${CONNECT_PASSWORD}", timeout: 3s, concurrency: 8,
         tls: {caFile: ca.pem}}
      - {name: sinks, url: "http://sinks:8083", token: "${CONNECT_TOKEN}"}
      - {name: mtls, url: "https://mtls:8083", tls: {certFile: c.pem, keyFile: k.pem}}
`), env(map[string]string{"CONNECT_PASSWORD": "pa55-word", "CONNECT_TOKEN": "t0ken-value"}))
	require.NoError(t, err)
	c := s.Clusters[0].Connect
	require.Len(t, c, 3)
	assert.Equal(t, "pa55-word", c[0].Password)
	assert.Equal(t, 3*time.Second, time.Duration(c[0].Timeout))
	assert.Equal(t, 8, c[0].Concurrency)
	assert.Equal(t, "ca.pem", c[0].TLS.CAFile)
	assert.Equal(t, []string{"basic", "bearer", "tls"}, []string{c[0].Auth(), c[1].Auth(), c[2].Auth()})
	assert.True(t, c[0].Collected())

	// No printed form shows a credential.
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "connect", c[0], "other", c[1])
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), logged.String()} {
		assert.NotContains(t, out, "pa55-word")
		assert.NotContains(t, out, "t0ken-value")
	}
}

func TestConnectValidation(t *testing.T) {
	_, err := Parse([]byte(`title: Acme
clusters:
  - name: prod
    bootstrap: [k:9092]
    connect:
      - {name: a, url: "http://a:8083", username: u}
      - {name: b, url: "http://b:8083", username: u, password: p, token: t}
      - {name: c, password: p}
      - {name: "bad name", url: "http://d:8083", concurrency: 99, tls: {certFile: c.pem}}
`), env(nil))
	require.Error(t, err)
	for _, want := range []string{
		`line 6: cluster "prod": connect[0].username needs a password`,
		`line 7: cluster "prod": connect[1]: give either username and password (basic auth) or token (bearer), not both`,
		`line 8: cluster "prod": connect[2]: credentials or tls without a url`,
		`line 9: cluster "prod": connect[3]: name "bad name" may hold only letters`,
		`line 9: cluster "prod": connect[3].concurrency 99 must be between 1 and 32`,
		`line 9: cluster "prod": connect[3].tls: give certFile and keyFile together`,
	} {
		assert.Contains(t, err.Error(), want)
	}
}
