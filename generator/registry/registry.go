// Package registry collects one Schema Registry (Confluent's API, or a compatible one such as
// AxonOps) into the snapshot contract through srclient.
//
// Collect reads the global compatibility and mode, every subject (soft-deleted ones included)
// with its compatibility override, and every version of every subject with its id, type, schema
// text and references; versions that are soft-deleted are kept and flagged Deleted.
//
// srclient covers most of the API. Three reads it cannot make go through plain HTTP here, each
// marked where it happens: the mode (srclient has no mode call), the version list including
// soft-deleted versions, and the soft-deleted versions themselves (srclient never sends
// ?deleted=true on those paths).
package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riferrei/srclient"

	"github.com/kdocs/kdocs/generator/snapshot"
)

const (
	// requestTimeout bounds each HTTP request to the registry.
	requestTimeout = 10 * time.Second
	// parallel bounds the requests in flight to one registry.
	parallel = 8
)

// Collect reads the registry at baseURL.
//
// When the registry cannot be read at all (its global config does not answer), Collect returns
// nil and an error naming the URL. When only some subjects or versions fail, it returns what it
// read together with an error joining one error per failure, each naming the URL and the
// subject: such a Registry is partial, not empty, and is worth keeping.
func Collect(ctx context.Context, baseURL string) (*snapshot.Registry, error) {
	c := newCollector(ctx, baseURL)

	global, err := c.sr.GetGlobalCompatibilityLevel()
	if err != nil {
		return nil, c.fail("read global compatibility", err)
	}
	reg := &snapshot.Registry{URL: baseURL, Compatibility: string(*global), Subjects: []snapshot.Subject{}}

	// srclient has no call for the mode.
	var mode struct {
		Mode string `json:"mode"`
	}
	switch err := c.get(ctx, "/mode", &mode); {
	case isNotFound(err):
		// A registry without the mode API (older Confluent, some compatible ones): no mode.
	case err != nil:
		c.errs = append(c.errs, c.fail("read mode", err))
	default:
		reg.Mode = mode.Mode
	}

	names, err := c.sr.GetSubjectsIncludingDeleted()
	if err != nil {
		return nil, errors.Join(append(c.errs, c.fail("list subjects", err))...)
	}
	slices.Sort(names)
	names = slices.Compact(names)

	subjects := make([]snapshot.Subject, len(names))
	versions := make([][]versionRef, len(names))
	c.each(len(names), func(i int) {
		subjects[i], versions[i] = c.subject(ctx, names[i])
	})

	var refs []versionRef
	for _, vs := range versions {
		refs = append(refs, vs...)
	}
	fetched := make([]*snapshot.SchemaVersion, len(refs))
	c.each(len(refs), func(i int) {
		fetched[i] = c.version(ctx, refs[i])
	})
	byName := make(map[string]*snapshot.Subject, len(subjects))
	for i := range subjects {
		byName[subjects[i].Name] = &subjects[i]
	}
	for i, v := range fetched {
		if v != nil {
			s := byName[refs[i].subject]
			s.Versions = append(s.Versions, *v)
		}
	}
	for i := range subjects {
		slices.SortFunc(subjects[i].Versions, func(a, b snapshot.SchemaVersion) int { return a.Version - b.Version })
	}
	reg.Subjects = subjects
	return reg, errors.Join(c.errs...)
}

// collector carries one collection's clients and the failures met so far.
type collector struct {
	base string
	sr   *srclient.SchemaRegistryClient
	http *http.Client
	sem  chan struct{}

	mu   sync.Mutex
	errs []error
}

func newCollector(ctx context.Context, baseURL string) *collector {
	hc := &http.Client{
		Timeout:   requestTimeout,
		Transport: withContext{ctx: ctx, next: http.DefaultTransport},
	}
	sr := srclient.NewSchemaRegistryClient(strings.TrimRight(baseURL, "/"), srclient.WithClient(hc), srclient.WithSemaphoreWeight(parallel))
	// One collection reads each version once; a cache would only hold memory.
	sr.CachingEnabled(false)
	return &collector{base: strings.TrimRight(baseURL, "/"), sr: sr, http: hc, sem: make(chan struct{}, parallel)}
}

type versionRef struct {
	subject string
	version int
	deleted bool
}

// subject reads a subject's version list (live and soft-deleted) and its compatibility
// override, and returns the versions still to fetch.
func (c *collector) subject(ctx context.Context, name string) (snapshot.Subject, []versionRef) {
	s := snapshot.Subject{Name: name, Versions: []snapshot.SchemaVersion{}}

	live, err := c.sr.GetSchemaVersions(name)
	if err != nil && !isNotFound(err) { // not found: every version is soft-deleted
		c.record(c.fail(fmt.Sprintf("list versions of subject %q", name), err))
		return s, nil
	}
	// srclient cannot ask for soft-deleted versions.
	var all []int
	if err := c.get(ctx, "/subjects/"+url.PathEscape(name)+"/versions?deleted=true", &all); err != nil {
		c.record(c.fail(fmt.Sprintf("list versions of subject %q including deleted ones", name), err))
		return s, nil
	}
	slices.Sort(all)
	var refs []versionRef
	for _, v := range slices.Compact(all) {
		refs = append(refs, versionRef{subject: name, version: v, deleted: !slices.Contains(live, v)})
	}

	// defaultToGlobal=false: only the subject's own setting, "not found" when it has none.
	level, err := c.sr.GetCompatibilityLevel(name, false)
	switch {
	case isNotFound(err):
	case err != nil:
		c.record(c.fail(fmt.Sprintf("read compatibility of subject %q", name), err))
	default:
		s.Compatibility = string(*level)
	}
	return s, refs
}

// version fetches one version; nil when it could not be read (the failure is recorded).
func (c *collector) version(ctx context.Context, ref versionRef) *snapshot.SchemaVersion {
	what := fmt.Sprintf("read version %d of subject %q", ref.version, ref.subject)
	v := &snapshot.SchemaVersion{Version: ref.version, Deleted: ref.deleted}
	if !ref.deleted {
		s, err := c.sr.GetSchemaByVersion(ref.subject, ref.version)
		if err != nil {
			c.record(c.fail(what, err))
			return nil
		}
		v.ID, v.Schema = s.ID(), s.Schema()
		if t := s.SchemaType(); t != nil {
			v.Type = string(*t)
		}
		v.References = references(s.References())
	} else {
		// srclient cannot read a soft-deleted version.
		var s struct {
			ID         int                  `json:"id"`
			Schema     string               `json:"schema"`
			SchemaType string               `json:"schemaType"`
			References []srclient.Reference `json:"references"`
		}
		path := fmt.Sprintf("/subjects/%s/versions/%d?deleted=true", url.PathEscape(ref.subject), ref.version)
		if err := c.get(ctx, path, &s); err != nil {
			c.record(c.fail(what, err))
			return nil
		}
		v.ID, v.Schema, v.Type = s.ID, s.Schema, s.SchemaType
		v.References = references(s.References)
	}
	// The registry leaves the type out for Avro, its original and default type.
	if v.Type == "" {
		v.Type = "AVRO"
	}
	return v
}

func references(in []srclient.Reference) []snapshot.Reference {
	var out []snapshot.Reference
	for _, r := range in {
		out = append(out, snapshot.Reference{Name: r.Name, Subject: r.Subject, Version: r.Version})
	}
	return out
}

// each runs fn(0) … fn(n-1), at most parallel at a time, and waits for all of them.
func (c *collector) each(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		c.sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-c.sem }()
			fn(i)
		})
	}
	wg.Wait()
}

func (c *collector) record(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, err)
}

// fail wraps err with the registry's URL and what was being read.
func (c *collector) fail(what string, err error) error {
	var se srclient.Error
	if errors.As(err, &se) {
		// srclient's own message is the raw response body; say it in words.
		err = &apiError{Code: se.Code, Message: se.Message}
	}
	return fmt.Errorf("schema registry %s: %s: %w", c.base, what, err)
}

// get reads path as JSON into out. A JSON null (AxonOps answers null where Confluent answers
// []) leaves out at its zero value.
func (c *collector) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json, application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode/100 != 2 {
		e := &apiError{Status: resp.StatusCode}
		if json.Unmarshal(body, e) != nil || e.Message == "" {
			e.Message = strings.TrimSpace(string(body))
		}
		return fmt.Errorf("GET %s: %w", path, e)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("GET %s: decode %.200q: %w", path, body, err)
	}
	return nil
}

// apiError is an error answer of the registry: HTTP status (when known), the registry's own
// error code and message.
type apiError struct {
	Status  int    `json:"-"`
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string {
	var b strings.Builder
	if e.Status != 0 {
		b.WriteString(strconv.Itoa(e.Status) + " " + http.StatusText(e.Status))
	}
	if e.Message != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Message)
	}
	if e.Code != 0 && e.Code != e.Status {
		fmt.Fprintf(&b, " (error %d)", e.Code)
	}
	return b.String()
}

// isNotFound reports a 404 answer, whichever client read it. The registry's codes 404xx
// (subject, version, schema or subject config not found) all mean 404.
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	var se srclient.Error
	if errors.As(err, &se) {
		return se.Code == http.StatusNotFound || se.Code/100 == 404
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusNotFound
	}
	// srclient reports a non-JSON error answer by its status line alone.
	return strings.HasPrefix(err.Error(), "404 ")
}

// withContext gives srclient's requests, which it builds without a context, the collection's
// context: cancelling the collection cancels them. The request keeps its own context too (the
// client's timeout lives there), and the merged one is released when the body is closed.
type withContext struct {
	ctx  context.Context
	next http.RoundTripper
}

func (t withContext) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(r.Context())
	stop := context.AfterFunc(t.ctx, cancel)
	resp, err := t.next.RoundTrip(r.WithContext(ctx))
	if err != nil {
		stop()
		cancel()
		return nil, err
	}
	resp.Body = &releaseOnClose{ReadCloser: resp.Body, release: func() { stop(); cancel() }}
	return resp, nil
}

type releaseOnClose struct {
	io.ReadCloser
	release func()
}

func (b *releaseOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
