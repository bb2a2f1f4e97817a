package kafka

// Security settings that fail before any broker is asked: files that are missing or not PEM,
// credentials the SASL library refuses. Each error names the cluster and the file or setting,
// never the password.

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
)

func securedCluster(sec *config.Security, bootstrap ...string) config.Cluster {
	if len(bootstrap) == 0 {
		bootstrap = []string{"127.0.0.1:1"} // never reached: the settings fail first
	}
	return config.Cluster{Name: "secure", Bootstrap: bootstrap, Timeout: config.Duration(10 * time.Second), DialTimeout: config.Duration(5 * time.Second), Security: sec}
}

func TestTLSFilesAreCheckedWhenConnecting(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644))
	missing := filepath.Join(dir, "certs", "missing.pem")

	for name, tc := range map[string]struct {
		tls  config.TLS
		want string
	}{
		"missing CA":   {config.TLS{CAFile: missing}, "security.tls.caFile: open " + missing + ": no such file or directory"},
		"CA not PEM":   {config.TLS{CAFile: notPEM}, "security.tls.caFile " + notPEM + ": no PEM certificate in it"},
		"missing cert": {config.TLS{CertFile: missing, KeyFile: notPEM}, "security.tls.certFile: stat " + missing + ": no such file or directory"},
		"missing key":  {config.TLS{CertFile: notPEM, KeyFile: missing}, "security.tls.keyFile: stat " + missing + ": no such file or directory"},
		"bad pair":     {config.TLS{CertFile: notPEM, KeyFile: notPEM}, "security.tls: client certificate " + notPEM + " with key " + notPEM + ": tls: "},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Collect(context.Background(), securedCluster(&config.Security{Protocol: config.ProtocolSSL, TLS: &tc.tls}))
			require.Error(t, err)
			assert.Contains(t, err.Error(), `cluster "secure" (127.0.0.1:1): `+tc.want)
		})
	}
}

func TestSASLPrepFailureDoesNotQuoteThePassword(t *testing.T) {
	// A control character is prohibited by SASLprep; xdg-go/scram's own error quotes it.
	password := "bell\u0007-secret-password"
	_, err := Collect(context.Background(), securedCluster(&config.Security{
		Protocol: config.ProtocolSASLPlaintext,
		SASL:     &config.SASL{Mechanism: config.MechanismSCRAMSHA512, Username: "kdocs", Password: password},
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `cluster "secure"`)
	assert.Contains(t, err.Error(), `user "kdocs" or its password is not valid for SCRAM-SHA-512`)
	assert.NotContains(t, err.Error(), "secret-password")
}
