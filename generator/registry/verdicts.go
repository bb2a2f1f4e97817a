package registry

// The registry's own compatibility verdicts. kdocs explains changes with its own rules
// (generator/schema); the registry is what accepts or rejects a version, so Collect also asks
// it, read-only, about every version after a subject's first: POST
// /compatibility/subjects/{subject}/versions/{previous}?verbose=true with the version's schema
// and references. Nothing is registered. srclient's IsSchemaCompatible cannot send verbose nor
// return the messages, so the request is plain HTTP through the shared transport.
//
// A verdict the registry cannot give (level NONE, the previous version soft-deleted, an error
// answer) is recorded on the version as unavailable with the reason; it is not a collection
// error, so it neither fails a build nor makes a snapshot partial.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// CheckCompatibility asks the registry at opts.URL whether it would accept s as a new version of
// subject, compared with version ("latest" or a number; "" compares with every version, as the
// registry does for transitive levels), under the subject's effective level. It registers
// nothing. s needs Schema, Type ("" or AVRO, PROTOBUF, JSON) and References.
//
// The answer's Status is compatible or incompatible, with the registry's messages when it gives
// them. An error means no verdict: the registry could not be reached, or answered an error (the
// subject or version does not exist, the schema does not parse, the endpoint is missing); it names
// the URL and the subject and never quotes a credential. The Against and Level of the answer are
// left for the caller, who knows them.
func CheckCompatibility(ctx context.Context, opts Options, subject, version string, s snapshot.SchemaVersion) (*snapshot.Verdict, error) {
	c, err := newCollector(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer c.conns.CloseIdleConnections()
	return c.checkCompatibility(ctx, subject, version, s)
}

// compatRequest is the body of a compatibility check.
type compatRequest struct {
	Schema     string             `json:"schema"`
	SchemaType string             `json:"schemaType,omitempty"`
	References []compatRequestRef `json:"references,omitempty"`
}

type compatRequestRef struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// compatAnswer is its answer. Confluent lists no messages as [], AxonOps as null or not at all.
type compatAnswer struct {
	IsCompatible *bool    `json:"is_compatible"`
	Messages     []string `json:"messages"`
}

func (c *collector) checkCompatibility(ctx context.Context, subject, version string, s snapshot.SchemaVersion) (*snapshot.Verdict, error) {
	what := fmt.Sprintf("check compatibility of subject %q", subject)
	if version != "" {
		what += " against version " + version
	}
	body := compatRequest{Schema: s.Schema}
	// Avro is the registry's default type; older registries do not know the field at all.
	if t := strings.ToUpper(s.Type); t != "" && t != "AVRO" {
		body.SchemaType = t
	}
	for _, r := range s.References {
		body.References = append(body.References, compatRequestRef{Name: r.Name, Subject: r.Subject, Version: r.Version})
	}
	buf, err := json.Marshal(body)
	if err != nil {
		return nil, c.fail(what, err)
	}
	path := "/compatibility/subjects/" + url.PathEscape(subject) + "/versions"
	if version != "" {
		path += "/" + url.PathEscape(version)
	}
	path += "?verbose=true"

	// The check changes nothing: the transport may retry it like a read.
	req, err := http.NewRequestWithContext(readOnly(ctx), http.MethodPost, c.base+path, bytes.NewReader(buf))
	if err != nil {
		return nil, c.fail(what, err)
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json, application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.fail(what, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, c.fail(what, err)
	}
	var a compatAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, c.fail(what, fmt.Errorf("decode %.200q: %w", raw, err))
	}
	if a.IsCompatible == nil {
		return nil, c.fail(what, fmt.Errorf("the answer %.200q has no is_compatible", raw))
	}
	v := &snapshot.Verdict{Status: snapshot.VerdictIncompatible}
	if *a.IsCompatible {
		v.Status = snapshot.VerdictCompatible
	}
	for _, m := range a.Messages {
		if m = strings.TrimSpace(m); m != "" {
			v.Messages = append(v.Messages, c.scrub(m))
		}
	}
	return v, nil
}

// verdicts asks the registry about every version after the first of every subject, at most
// Concurrency at a time, and sets each version's Verdict. global is the registry's level.
func (c *collector) verdicts(ctx context.Context, subjects []snapshot.Subject, global string) {
	type job struct{ s, v int }
	var jobs []job
	for si := range subjects {
		for vi := 1; vi < len(subjects[si].Versions); vi++ {
			jobs = append(jobs, job{si, vi})
		}
	}
	c.each(ctx, len(jobs), func(i int) {
		s := &subjects[jobs[i].s]
		prev, cur := s.Versions[jobs[i].v-1], &s.Versions[jobs[i].v]
		level := s.Compatibility
		if level == "" {
			level = global
		}
		v := &snapshot.Verdict{Against: prev.Version, Level: level, Status: snapshot.VerdictUnavailable}
		cur.Verdict = v
		switch {
		case strings.EqualFold(level, "NONE"):
			v.Reason = "the level is NONE: the registry checks nothing"
			return
		case prev.Deleted:
			v.Reason = fmt.Sprintf("version %d is soft-deleted: the registry compares only with live versions", prev.Version)
			return
		}
		got, err := c.checkCompatibility(ctx, s.Name, strconv.Itoa(prev.Version), *cur)
		if err != nil {
			v.Reason = unavailableReason(err)
			return
		}
		v.Status, v.Messages = got.Status, got.Messages
	})
}

// unavailableReason says in a line why the registry gave no verdict.
func unavailableReason(err error) string {
	// The version and subject are the snapshot's own context; the registry's answer is enough.
	var ae *apiError
	if errors.As(err, &ae) {
		switch {
		case ae.Status == http.StatusNotFound && ae.Code == 0:
			return "the registry has no compatibility endpoint: " + ae.Error()
		case ae.Status == http.StatusNotFound:
			return "the registry does not know the subject or version: " + ae.Error()
		case ae.Status == http.StatusUnprocessableEntity:
			return "the registry could not read the schema: " + ae.Error()
		}
		return "the registry answered an error: " + err.Error()
	}
	return "the registry could not be asked: " + err.Error()
}

// scrub removes the credentials from text the registry wrote.
func (c *collector) scrub(s string) string {
	for _, secret := range c.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

type readOnlyKey struct{}

// readOnly marks a request's context: a POST that changes nothing, safe to send again.
func readOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, true)
}

func isReadOnly(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	ro, _ := r.Context().Value(readOnlyKey{}).(bool)
	return ro
}
