package main

// `kdocs snapshot` against the test cluster's SASL_SSL listener: the password comes from the
// environment, a wrong one fails the run (exit 1) with an authentication error that names the
// cluster and broker, and no output, log line or snapshot ever holds the password.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/internal/testenv"
)

func TestSnapshotSASLSSL(t *testing.T) {
	env := testenv.KafkaSASL(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(`title: Secured
clusters:
  - name: secured
    bootstrap: [%s]
    security:
      protocol: SASL_SSL
      sasl: {mechanism: SCRAM-SHA-512, username: "${KDOCS_TEST_KAFKA_USER}", password: "${KDOCS_TEST_KAFKA_PASSWORD}"}
      tls: {caFile: %q}
`, strings.Join(env.Bootstrap, ", "), env.CAFile)), 0o644))
	t.Setenv("KDOCS_TEST_KAFKA_USER", env.Username)

	t.Run("right password", func(t *testing.T) {
		t.Setenv("KDOCS_TEST_KAFKA_PASSWORD", env.Password)
		code, out, errOut := kdocs(t, "snapshot", "-v", "--config", cfg)
		require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		data, err := os.ReadFile(filepath.Join(dir, "snapshots", "secured.json"))
		require.NoError(t, err)
		assert.Contains(t, string(data), "orders.order-placed.v1")
		for _, s := range []string{out, errOut, string(data)} {
			assert.NotContains(t, s, env.Password)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		const wrong = "cli-wrong-password-31337"
		t.Setenv("KDOCS_TEST_KAFKA_PASSWORD", wrong)
		code, out, errOut := kdocs(t, "snapshot", "-v", "--config", cfg)
		assert.Equal(t, exitFail, code)
		assert.Contains(t, out, `cluster "secured"`)
		assert.Contains(t, out, env.Bootstrap[0]+`: authentication failed (SASL_SSL, SCRAM-SHA-512 as user "kdocs")`)
		for _, s := range []string{out, errOut} {
			assert.NotContains(t, s, wrong)
			assert.NotContains(t, s, env.Password)
		}
	})
	t.Run("password written in site.yaml", func(t *testing.T) {
		literal := filepath.Join(dir, "literal.yaml")
		require.NoError(t, os.WriteFile(literal, []byte("title: x\nclusters:\n  - name: a\n    bootstrap: [127.0.0.1:9292]\n    security:\n      protocol: SASL_SSL\n      sasl: {mechanism: PLAIN, username: kdocs, password: hunter2-literal}\n"), 0o644))
		code, out, errOut := kdocs(t, "snapshot", "--config", literal)
		assert.NotEqual(t, exitOK, code)
		assert.Contains(t, errOut+out, "line 7: security.sasl.password must come from the environment")
		assert.NotContains(t, errOut+out, "hunter2-literal")
	})
}
