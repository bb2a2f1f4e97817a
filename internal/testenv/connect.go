package testenv

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
)

// ConnectEnv is the Kafka Connect of scripts/connect.sh with its test credentials, the secret
// its seeded connectors hold, and MirrorMaker 2's flow from the main cluster to the second one.
type ConnectEnv struct {
	// URL is the main cluster's worker's REST (KDOCS_CONNECT_URL, default
	// http://127.0.0.1:<port base+409>), with the file connectors.
	URL string
	// MirrorURL is the REST of the worker beside the target cluster that runs MirrorMaker 2's
	// connectors (KDOCS_MM2_CONNECT_URL, default http://127.0.0.1:<target port base+409>).
	MirrorURL          string
	Username, Password string
	// Secret is the seeded secret that must never leave Connect (KDOCS_CONNECT_SECRET).
	Secret string
	// Target is the bootstrap of MirrorMaker 2's target cluster (port base + 1000, or
	// KDOCS_MM2_TARGET_PORT_BASE).
	Target []string
	// SourceAlias and TargetAlias are the MM2 aliases of the seeded flow: the main cluster and
	// the target.
	SourceAlias, TargetAlias string
}

// Connect returns the test Connect workers, skipping or failing (Strict) the test when their
// REST does not answer.
func Connect(t testing.TB) ConnectEnv {
	t.Helper()
	skipShort(t, "the real Kafka Connect")
	base := KafkaPortBase()
	port := base + 409
	if p, err := strconv.Atoi(os.Getenv("KDOCS_CONNECT_PORT")); err == nil && p > 0 {
		port = p
	}
	target := base + 1000
	if b, err := strconv.Atoi(os.Getenv("KDOCS_MM2_TARGET_PORT_BASE")); err == nil && b > 0 {
		target = b
	}
	mirrorPort := target + 409
	if p, err := strconv.Atoi(os.Getenv("KDOCS_MM2_CONNECT_PORT")); err == nil && p > 0 {
		mirrorPort = p
	}
	e := ConnectEnv{
		URL:         getenv("KDOCS_CONNECT_URL", fmt.Sprintf("http://127.0.0.1:%d", port)),
		MirrorURL:   getenv("KDOCS_MM2_CONNECT_URL", fmt.Sprintf("http://127.0.0.1:%d", mirrorPort)),
		Username:    getenv("KDOCS_CONNECT_USER", "kdocs"),
		Password:    getenv("KDOCS_CONNECT_PASSWORD", "kdocs-connect-rest"),
		Secret:      getenv("KDOCS_CONNECT_SECRET", "kdocs-connect-seeded-secret-5b1f"),
		Target:      []string{fmt.Sprintf("127.0.0.1:%d", target+1), fmt.Sprintf("127.0.0.1:%d", target+2), fmt.Sprintf("127.0.0.1:%d", target+3)},
		SourceAlias: getenv("KDOCS_MM2_SOURCE_ALIAS", "acme-dev"),
		TargetAlias: getenv("KDOCS_MM2_TARGET_ALIAS", "acme-dr"),
	}
	c := &http.Client{Timeout: 5 * time.Second}
	for _, url := range []string{e.URL, e.MirrorURL} {
		req, _ := http.NewRequest(http.MethodGet, url+"/", nil)
		req.SetBasicAuth(e.Username, e.Password)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("GET / answered %s", resp.Status)
			}
		}
		if err != nil {
			unavailable(t, "Kafka Connect at "+url, "bash scripts/connect.sh up", err)
		}
	}
	return e
}
