package testenv

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
)

// ConnectEnv is the Kafka Connect worker of scripts/connect.sh with its test credentials, the
// secret its seeded connectors hold, and the upstream cluster MirrorMaker 2 replicates from.
type ConnectEnv struct {
	// URL is the worker's REST (KDOCS_CONNECT_URL, default http://127.0.0.1:<port base+409>).
	URL                string
	Username, Password string
	// Secret is the seeded secret that must never leave Connect (KDOCS_CONNECT_SECRET).
	Secret string
	// Upstream is the bootstrap of the MirrorMaker 2 source cluster (port base + 1000).
	Upstream []string
	// SourceAlias and TargetAlias are the MM2 aliases of the seeded flow.
	SourceAlias, TargetAlias string
}

// Connect returns the test Connect worker, skipping or failing (Strict) the test when its REST
// does not answer.
func Connect(t testing.TB) ConnectEnv {
	t.Helper()
	skipShort(t, "the real Kafka Connect")
	base := KafkaPortBase()
	port := base + 409
	if p, err := strconv.Atoi(os.Getenv("KDOCS_CONNECT_PORT")); err == nil && p > 0 {
		port = p
	}
	src := base + 1000
	if b, err := strconv.Atoi(os.Getenv("KDOCS_MM2_SOURCE_PORT_BASE")); err == nil && b > 0 {
		src = b
	}
	e := ConnectEnv{
		URL:         getenv("KDOCS_CONNECT_URL", fmt.Sprintf("http://127.0.0.1:%d", port)),
		Username:    getenv("KDOCS_CONNECT_USER", "kdocs"),
		Password:    getenv("KDOCS_CONNECT_PASSWORD", "kdocs-connect-rest"),
		Secret:      getenv("KDOCS_CONNECT_SECRET", "kdocs-connect-seeded-secret-5b1f"),
		Upstream:    []string{fmt.Sprintf("127.0.0.1:%d", src+1), fmt.Sprintf("127.0.0.1:%d", src+2), fmt.Sprintf("127.0.0.1:%d", src+3)},
		SourceAlias: "upstream",
		TargetAlias: getenv("KDOCS_MM2_TARGET_ALIAS", "acme-dev"),
	}
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/", nil)
	req.SetBasicAuth(e.Username, e.Password)
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET / answered %s", resp.Status)
		}
	}
	if err != nil {
		unavailable(t, "Kafka Connect at "+e.URL, "bash scripts/connect.sh up", err)
	}
	return e
}
