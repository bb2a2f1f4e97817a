// Package testenv finds the real services that integration tests need: the 3-node Kafka,
// the Schema Registry and Chromium. Outside CI a missing service skips the test (and says how
// to start it); in CI (CI is set) it fails the test, so a green run always means they ran.
package testenv

import (
	"net"
	"net/http"
	"os"
	"os/exec"
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
