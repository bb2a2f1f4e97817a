package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
)

// ScratchSubject registers each schema (Avro), in order, as a version of subject on the real
// registry at base, and deletes the subject when the test ends: soft, then permanently, as the
// registry requires before a name can be used again.
func ScratchSubject(t testing.TB, base, subject string, schemas ...string) {
	t.Helper()
	do := func(method, path string, body any) {
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
		if msg, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %s: %s", method, path, resp.Status, msg)
		}
	}
	path := "/subjects/" + url.PathEscape(subject)
	t.Cleanup(func() {
		do(http.MethodDelete, path, nil)
		do(http.MethodDelete, path+"?permanent=true", nil)
	})
	for _, s := range schemas {
		do(http.MethodPost, path+"/versions", map[string]string{"schema": s})
	}
}

// RegisterSchema registers schema (of schemaType AVRO, PROTOBUF or JSON) as a new subject on the
// real registry at base, returns its global id, and deletes the subject when the test ends.
func RegisterSchema(t testing.TB, base, subject, schemaType, schema string) int {
	t.Helper()
	call := func(method, path string, body any) []byte {
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
	path := "/subjects/" + url.PathEscape(subject)
	t.Cleanup(func() {
		call(http.MethodDelete, path, nil)
		call(http.MethodDelete, path+"?permanent=true", nil)
	})
	var out struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal(call(http.MethodPost, path+"/versions", map[string]string{"schemaType": schemaType, "schema": schema}), &out); err != nil || out.ID == 0 {
		t.Fatalf("register %s: no id in the answer (%v)", subject, err)
	}
	return out.ID
}
