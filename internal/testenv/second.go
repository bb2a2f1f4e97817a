package testenv

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// SecondRegistryURL is the second environment's real Schema Registry, which scripts/test.sh
// starts beside the main one: KDOCS_REGISTRY2_PORT, else KDOCS_REGISTRY_PORT+1000 (9081).
func SecondRegistryURL() string {
	port, err := strconv.Atoi(getenv("KDOCS_REGISTRY2_PORT", ""))
	if err != nil || port <= 0 {
		base, err := strconv.Atoi(getenv("KDOCS_REGISTRY_PORT", "8081"))
		if err != nil {
			base = 8081
		}
		port = base + 1000
	}
	return "http://127.0.0.1:" + strconv.Itoa(port)
}

// SecondRegistry returns SecondRegistryURL, skipping or failing the test (Strict) when it does
// not answer.
func SecondRegistry(t testing.TB) string {
	t.Helper()
	skipShort(t, "the second environment's Schema Registry")
	url := SecondRegistryURL()
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Get(url + "/subjects")
	if err != nil {
		unavailable(t, "the second environment's Schema Registry at "+url,
			fmt.Sprintf("KDOCS_REGISTRY_PORT=%s scripts/registry.sh up", url[len("http://127.0.0.1:"):]), err)
		return ""
	}
	resp.Body.Close()
	return url
}
