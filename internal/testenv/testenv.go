// Package testenv finds the real services that integration tests need: the 3-node Kafka (with
// its SASL_SSL and mutual-TLS listeners), the Schema Registry and Chromium. Outside CI a missing service skips the test (and says how
// to start it); in CI (CI is set) it fails the test, so a green run always means they ran.
package testenv

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Kafka returns the bootstrap servers of the real test cluster (KDOCS_KAFKA_BOOTSTRAP, default
// the three nodes that `make kafka-up` starts).
func Kafka(t testing.TB) []string {
	t.Helper()
	servers := strings.Split(getenv("KDOCS_KAFKA_BOOTSTRAP", "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094"), ",")
	conn, err := net.DialTimeout("tcp", servers[0], 2*time.Second)
	if err != nil {
		unavailable(t, "Kafka at "+servers[0], "make kafka-up seed", err)
	} else {
		conn.Close()
	}
	return servers
}

// SASL is the secured side of the test cluster: every node of scripts/kafka.sh also has a
// SASL_SSL listener (SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN) and a mutual-TLS SSL listener, with
// certificates from a test CA in the cluster's data dir.
type SASL struct {
	// Bootstrap is the SASL_SSL listeners (KDOCS_KAFKA_SASL_BOOTSTRAP).
	Bootstrap []string
	// Username and Password are the test user's (the same for all three mechanisms).
	Username, Password string
	// CAFile signed the brokers' certificates (IP SAN 127.0.0.1).
	CAFile string
	// MTLSBootstrap is the SSL listeners, which require ClientCert and ClientKey.
	MTLSBootstrap         []string
	ClientCert, ClientKey string
}

// KafkaSASL returns the SASL_SSL and mutual-TLS listeners of the test cluster with its test
// credentials and certificate files, skipping or failing like Kafka when they are missing.
func KafkaSASL(t testing.TB) SASL {
	t.Helper()
	s := SASL{
		Bootstrap:     strings.Split(getenv("KDOCS_KAFKA_SASL_BOOTSTRAP", "127.0.0.1:9292,127.0.0.1:9293,127.0.0.1:9294"), ","),
		MTLSBootstrap: strings.Split(getenv("KDOCS_KAFKA_MTLS_BOOTSTRAP", "127.0.0.1:9392,127.0.0.1:9393,127.0.0.1:9394"), ","),
		// Fixed in scripts/kafka.sh, which creates the user when it formats the nodes.
		Username: "kdocs",
		Password: "kdocs-test-secret",
	}
	tlsDir := filepath.Join(kafkaDataDir(), "tls")
	s.CAFile = filepath.Join(tlsDir, "ca.pem")
	s.ClientCert = filepath.Join(tlsDir, "client.crt")
	s.ClientKey = filepath.Join(tlsDir, "client.key")
	conn, err := net.DialTimeout("tcp", s.Bootstrap[0], 2*time.Second)
	if err != nil {
		unavailable(t, "Kafka's SASL_SSL listener at "+s.Bootstrap[0], "make kafka-up seed (a cluster started by an older scripts/kafka.sh needs kafka-down first)", err)
		return s
	}
	conn.Close()
	for _, f := range []string{s.CAFile, s.ClientCert, s.ClientKey} {
		if _, err := os.Stat(f); err != nil {
			unavailable(t, "the test cluster's certificates", "make kafka-down kafka-up seed, or set KDOCS_KAFKA_DIR to the cluster's data dir", err)
		}
	}
	return s
}

// kafkaDataDir finds the test cluster's data dir as scripts/kafka.sh does: KDOCS_KAFKA_DIR, else
// what the script recorded for the default port base, else its default.
func kafkaDataDir() string {
	if d := os.Getenv("KDOCS_KAFKA_DIR"); d != "" {
		return d
	}
	if root, err := repoRoot(); err == nil {
		if b, err := os.ReadFile(filepath.Join(root, ".cache", "kafka", "datadir-9091")); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			return strings.TrimSpace(string(b))
		}
	}
	return filepath.Join(getenv("TMPDIR", "/tmp"), "kdocs-kafka")
}

// Registry returns the URL of the real Schema Registry (KDOCS_REGISTRY_URL).
func Registry(t testing.TB) string {
	t.Helper()
	url := getenv("KDOCS_REGISTRY_URL", "http://127.0.0.1:8081")
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url + "/subjects")
	if err != nil {
		unavailable(t, "Schema Registry at "+url, "make registry-up seed", err)
	} else {
		resp.Body.Close()
	}
	return url
}

// Chrome returns the path of a Chromium binary (KDOCS_CHROME, else chromium on PATH).
func Chrome(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("KDOCS_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	unavailable(t, "Chromium", "apt-get install -y chromium", exec.ErrNotFound)
	return ""
}

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") != "" }

func unavailable(t testing.TB, what, start string, err error) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is required in CI but unavailable: %v", what, err)
	}
	t.Skipf("%s unavailable (%v); start it with `%s` to run this test (it fails instead of skipping in CI)", what, err, start)
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
