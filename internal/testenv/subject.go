package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// ScratchSubject registers each schema (Avro), in order, as a version of subject on the real
// registry at base, and deletes the subject when the test ends: soft, then permanently, as the
// registry requires before a name can be used again.
func ScratchSubject(t testing.TB, base, subject string, schemas ...string) {
	t.Helper()
	path := scratchPath(t, base, subject)
	for _, s := range schemas {
		registryCall(t, base, http.MethodPost, path+"/versions", map[string]string{"schema": s})
	}
}

// RegisterSchema registers schema (of schemaType AVRO, PROTOBUF or JSON) as a new subject on the
// real registry at base, returns its global id, and deletes the subject when the test ends.
func RegisterSchema(t testing.TB, base, subject, schemaType, schema string) int {
	t.Helper()
	path := scratchPath(t, base, subject)
	var out struct {
		ID int `json:"id"`
	}
	answer := registryCall(t, base, http.MethodPost, path+"/versions", map[string]string{"schemaType": schemaType, "schema": schema})
	if err := json.Unmarshal(answer, &out); err != nil || out.ID == 0 {
		t.Fatalf("register %s: no id in the answer %s (%v)", subject, answer, err)
	}
	return out.ID
}

// SchemaID is the global id the real registry at base gives version of subject
// (GET /subjects/{subject}/versions/{version}); it fails the test when there is none.
func SchemaID(t testing.TB, base, subject string, version int) int {
	t.Helper()
	var out struct {
		ID int `json:"id"`
	}
	path := "/subjects/" + url.PathEscape(subject) + "/versions/" + strconv.Itoa(version)
	answer := registryCall(t, base, http.MethodGet, path, nil)
	if err := json.Unmarshal(answer, &out); err != nil || out.ID == 0 {
		t.Fatalf("GET %s: no id in the answer %s (%v)", path, answer, err)
	}
	return out.ID
}

// scratchPath is the subject's path, deleted (soft, then permanently) when the test ends.
func scratchPath(t testing.TB, base, subject string) string {
	path := "/subjects/" + url.PathEscape(subject)
	t.Cleanup(func() {
		registryCall(t, base, http.MethodDelete, path, nil)
		registryCall(t, base, http.MethodDelete, path+"?permanent=true", nil)
	})
	return path
}

// registryCall sends body as JSON to the registry and returns its answer; any status but 200
// fails the test.
func registryCall(t testing.TB, base, method, path string, body any) []byte {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s: %s", method, path, resp.Status, msg)
	}
	return msg
}
