// Package testenv finds the real services that integration tests need: the 3-node Kafka (with
// its SASL_SSL and mutual-TLS listeners), the Schema Registry and Chromium, and waits for what
// tests create on them (ready.go). Under `make test` and in CI (Strict) a missing service fails
// the test, so a green run always means they ran; elsewhere it skips the test and says how to
// start the service.
package testenv

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// KafkaPortBase is the port base of the shared test cluster, as scripts/kafka.sh reads it:
// KDOCS_KAFKA_PORT_BASE, default 9091. Node N's PLAINTEXT listener is base+N, its SASL_SSL one
// base+200+N and its mutual-TLS one base+300+N. Setting it (and KDOCS_REGISTRY_PORT) for both
// `make infra-up seed` and the tests gives a second checkout services of its own.
func KafkaPortBase() int {
	if b, err := strconv.Atoi(os.Getenv("KDOCS_KAFKA_PORT_BASE")); err == nil && b > 0 {
		return b
	}
	return 9091
}

// listeners names the three nodes' listeners at offset off from the port base.
func listeners(off int) string {
	base := KafkaPortBase() + off
	return fmt.Sprintf("127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d", base+1, base+2, base+3)
}

// KafkaBootstrap is the test cluster's bootstrap servers: KDOCS_KAFKA_BOOTSTRAP, default the
// three nodes that `make kafka-up` starts on KafkaPortBase.
func KafkaBootstrap() []string {
	return strings.Split(getenv("KDOCS_KAFKA_BOOTSTRAP", listeners(0)), ",")
}

// Kafka returns KafkaBootstrap, skipping or failing the test when the first server does not
// accept a connection.
func Kafka(t testing.TB) []string {
	t.Helper()
	skipShort(t, "the real Kafka")
	servers := KafkaBootstrap()
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
	skipShort(t, "the real Kafka")
	s := SASL{
		Bootstrap:     strings.Split(getenv("KDOCS_KAFKA_SASL_BOOTSTRAP", listeners(200)), ","),
		MTLSBootstrap: strings.Split(getenv("KDOCS_KAFKA_MTLS_BOOTSTRAP", listeners(300)), ","),
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
// what the script recorded for the port base, else its default.
func kafkaDataDir() string {
	if d := os.Getenv("KDOCS_KAFKA_DIR"); d != "" {
		return d
	}
	base := KafkaPortBase()
	if root, err := repoRoot(); err == nil {
		if b, err := os.ReadFile(filepath.Join(root, ".cache", "kafka", fmt.Sprintf("datadir-%d", base))); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			return strings.TrimSpace(string(b))
		}
	}
	if base == 9091 {
		return filepath.Join(getenv("TMPDIR", "/tmp"), "kdocs-kafka")
	}
	return filepath.Join(getenv("TMPDIR", "/tmp"), fmt.Sprintf("kdocs-kafka-%d", base))
}

// KafkaVersion is the Kafka release the test cluster runs, as scripts/kafka.sh reads it:
// KDOCS_KAFKA_VERSION, default 4.1.1.
func KafkaVersion() string { return getenv("KDOCS_KAFKA_VERSION", "4.1.1") }

// KafkaAuthorizer reports whether the test cluster runs StandardAuthorizer: scripts/kafka.sh up
// with KDOCS_KAFKA_AUTHORIZER=1, which the tests read from the same variable. Its PLAINTEXT
// listener's User:ANONYMOUS is a super user, so nothing else changes; the seed then writes its
// ACLs (testdata/seed/README.md), which a cluster without an authorizer cannot hold.
func KafkaAuthorizer() bool { return os.Getenv("KDOCS_KAFKA_AUTHORIZER") == "1" }

// KafkaAtLeast reports whether the test cluster's Kafka (KafkaVersion) is major.minor or newer,
// for facts that differ between versions.
func KafkaAtLeast(major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(KafkaVersion(), "%d.%d", &ma, &mi); err != nil {
		panic(fmt.Sprintf("KDOCS_KAFKA_VERSION %q is not a release such as 4.1.1", KafkaVersion()))
	}
	return ma > major || ma == major && mi >= minor
}

// RegistryURL is the real Schema Registry's URL: KDOCS_REGISTRY_URL, else 127.0.0.1 on
// KDOCS_REGISTRY_PORT (default 8081), where scripts/registry.sh starts it.
func RegistryURL() string {
	return getenv("KDOCS_REGISTRY_URL", "http://127.0.0.1:"+getenv("KDOCS_REGISTRY_PORT", "8081"))
}

// Registry returns the URL of the real Schema Registry (RegistryURL), skipping or failing the
// test when nothing answers there.
func Registry(t testing.TB) string {
	t.Helper()
	skipShort(t, "the real Schema Registry")
	url := RegistryURL()
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
	skipShort(t, "Chromium")
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

// Strict reports whether nothing may be skipped: in CI (CI is set) and under `make test`
// (KDOCS_TEST_STRICT is set), a missing service fails the test.
func Strict() bool { return os.Getenv("CI") != "" || os.Getenv("KDOCS_TEST_STRICT") != "" }

// skipShort skips a test that needs a real service in -short runs (make test-unit), which use
// kfake and nothing else, unless nothing may be skipped.
func skipShort(t testing.TB, what string) {
	t.Helper()
	if testing.Short() && !Strict() {
		t.Skipf("needs %s: not in -short runs (make test-unit); make test runs it", what)
	}
}

func unavailable(t testing.TB, what, start string, err error) {
	t.Helper()
	if Strict() {
		t.Fatalf("%s is required (CI or make test) but unavailable: %v", what, err)
	}
	t.Skipf("%s unavailable (%v); start it with `%s`, or run `make test`, which starts it (it fails instead of skipping in CI)", what, err, start)
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
