// Package registry collects one Schema Registry (Confluent's API, or a compatible one such as
// AxonOps) into the snapshot contract through srclient.
//
// Collect reads the global compatibility and mode, every subject of every context (soft-deleted
// ones included) with its compatibility override, and every version of every subject with its
// id, type, schema text and references; versions that are soft-deleted are kept and flagged
// Deleted. Subjects outside the default context keep their qualified name, ":.ctx:name".
//
// srclient covers most of the API. The reads it cannot make go through plain HTTP here, each
// marked where it happens: the mode and the contexts (srclient has no call for them), the
// version list including soft-deleted versions, the soft-deleted versions themselves
// (srclient never sends ?deleted=true on those paths), and the registry's compatibility verdict
// on every version after a subject's first (verdicts.go). Both clients share one transport
// (transport.go) that authenticates, times out, and retries.
package registry

import (
	"context"
	"encoding/base64"
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

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Options says which registry to read and how.
type Options struct {
	// URL is the registry's base URL. A user:password@ in it is used as basic-auth credentials
	// (unless others are given) and removed: the URL recorded in the snapshot and named in
	// errors never carries it.
	URL string
	// Username and Password authenticate with HTTP basic auth; Token, when set, with a bearer
	// token instead.
	Username, Password string
	Token              string
	// Timeout bounds each request attempt (default config.DefaultTimeout).
	Timeout time.Duration
	// Concurrency bounds the requests in flight (default config.DefaultRegistryConcurrency).
	Concurrency int

	// retry replaces the default retry policy in tests.
	retry *retryPolicy
}

// String names the URL and the kind of credentials, never the credentials: Options printed
// by mistake shows no secret.
func (o Options) String() string {
	return config.Registry{URL: o.URL, Username: o.Username, Password: o.Password, Token: o.Token}.String()
}

// GoString does the same for %#v.
func (o Options) GoString() string { return "registry.Options{" + o.String() + "}" }

// FromConfig returns the options of a site.yaml schemaRegistry block.
func FromConfig(r config.Registry) Options {
	return Options{URL: r.URL, Username: r.Username, Password: r.Password, Token: r.Token,
		Timeout: time.Duration(r.Timeout), Concurrency: r.Concurrency}
}

// CollectConfig reads the registry of a site.yaml schemaRegistry block: the collect.RegistryFunc
// that cmd/kdocs wires.
func CollectConfig(ctx context.Context, r config.Registry) (*snapshot.Registry, error) {
	return Collect(ctx, FromConfig(r))
}

// Collect reads the registry at opts.URL.
//
// When the registry cannot be read at all (its global config does not answer, or its subjects
// cannot be listed), Collect returns nil and an error naming the URL. When only some contexts,
// subjects or versions fail, it returns what it read together with an error joining one error
// per failure, each naming the URL and the subject: such a Registry is partial, not empty, and
// is worth keeping. Requests answered 5xx or 429, or not answered in time, are retried with
// backoff before they count as failures; 401 and 403 say whether credentials were refused or
// missing. No error quotes a credential.
func Collect(ctx context.Context, opts Options) (*snapshot.Registry, error) {
	c, err := newCollector(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer c.conns.CloseIdleConnections()

	global, err := c.sr.GetGlobalCompatibilityLevel()
	if err != nil {
		return nil, c.fail("read global compatibility", err)
	}
	reg := &snapshot.Registry{URL: c.base, Compatibility: string(*global), Subjects: []snapshot.Subject{}}

	// srclient has no call for the mode.
	var mode struct {
		Mode string `json:"mode"`
	}
	switch err := c.get(ctx, "/mode", &mode); {
	case isNotFound(err):
		// A registry without the mode API (older Confluent, some compatible ones): no mode.
	case err != nil:
		c.record(c.fail("read mode", err))
	default:
		reg.Mode = mode.Mode
	}

	names, err := c.subjectNames(ctx)
	if err != nil {
		return nil, errors.Join(append(c.errs, err)...)
	}

	subjects := make([]snapshot.Subject, len(names))
	versions := make([][]versionRef, len(names))
	c.each(ctx, len(names), func(i int) {
		subjects[i], versions[i] = c.subject(ctx, names[i])
	})

	var refs []versionRef
	for _, vs := range versions {
		refs = append(refs, vs...)
	}
	fetched := make([]*snapshot.SchemaVersion, len(refs))
	c.each(ctx, len(refs), func(i int) {
		fetched[i] = c.version(ctx, refs[i])
	})
	if ctx.Err() != nil {
		// A cancelled collection is not a partial registry: it would record one "canceled"
		// per subject and version.
		return nil, fmt.Errorf("schema registry %s: %w", c.base, context.Cause(ctx))
	}
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
	c.verdicts(ctx, subjects, reg.Compatibility)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("schema registry %s: %w", c.base, context.Cause(ctx))
	}
	reg.Subjects = subjects
	return reg, errors.Join(c.errs...)
}

// collector carries one collection's clients and the failures met so far.
type collector struct {
	base string
	// auth names the kind of credentials ("basic", "bearer", "none") for error messages;
	// secrets are the credentials themselves, scrubbed from any error text.
	auth    string
	secrets []string
	sr      *srclient.SchemaRegistryClient
	http    *http.Client
	conns   *http.Transport
	sem     chan struct{}

	mu   sync.Mutex
	errs []error
}

func newCollector(ctx context.Context, opts Options) (*collector, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Not echoed: an unparsable URL may still hold a password.
		return nil, errors.New("schema registry: URL is not an http:// or https:// URL")
	}
	if u.User != nil {
		if opts.Username == "" && opts.Password == "" && opts.Token == "" {
			opts.Username = u.User.Username()
			opts.Password, _ = u.User.Password()
		}
		u.User = nil
	}
	base := strings.TrimRight(u.String(), "/")

	c := &collector{base: base, auth: "none"}
	auth := func(*http.Request) {}
	switch {
	case opts.Token != "":
		c.auth, c.secrets = "bearer token", []string{opts.Token}
		auth = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+opts.Token) }
	case opts.Username != "" || opts.Password != "":
		// The header's encoded form is as good as the password to whoever reads it.
		c.auth, c.secrets = "basic auth", []string{opts.Password, base64.StdEncoding.EncodeToString([]byte(opts.Username + ":" + opts.Password))}
		auth = func(r *http.Request) { r.SetBasicAuth(opts.Username, opts.Password) }
	}
	if opts.Timeout <= 0 {
		opts.Timeout = config.DefaultTimeout
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = config.DefaultRegistryConcurrency
	}
	if opts.retry == nil {
		opts.retry = defaultRetry()
	}

	// Keep a connection per worker: the default keeps 2 idle per host, so 8 workers would open
	// and close connections all the time (and run out of ports on a large registry).
	c.conns = http.DefaultTransport.(*http.Transport).Clone()
	c.conns.MaxIdleConnsPerHost = opts.Concurrency
	// No client-wide Timeout: it would bound all attempts and backoffs of a request together;
	// the transport bounds each attempt instead.
	c.http = &http.Client{Transport: &transport{ctx: ctx, next: c.conns, auth: auth, timeout: opts.Timeout, retry: opts.retry}}
	c.sr = srclient.NewSchemaRegistryClient(base, srclient.WithClient(c.http), srclient.WithSemaphoreWeight(int64(opts.Concurrency)))
	// One collection reads each version once; a cache would only hold memory.
	c.sr.CachingEnabled(false)
	c.sem = make(chan struct{}, opts.Concurrency)
	return c, nil
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

// each runs fn(0) … fn(n-1), at most Concurrency at a time, and waits for all of them. Once
// ctx is done it starts no more.
func (c *collector) each(ctx context.Context, n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		if ctx.Err() != nil {
			break
		}
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
	// The request URL is named by c.base and what; *url.Error would say it a second time.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ae *apiError
	if errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden) {
		err = &authError{status: ae.Status, auth: c.auth, err: err}
	}
	err = fmt.Errorf("schema registry %s: %s: %w", c.base, what, err)
	for _, s := range c.secrets {
		// A registry might echo what it was sent; the secret must not reach a log or snapshot.
		if s != "" && strings.Contains(err.Error(), s) {
			err = &scrubbed{msg: strings.ReplaceAll(err.Error(), s, "[redacted]"), err: err}
		}
	}
	return err
}

// get reads path as JSON into out. A JSON null (AxonOps answers null where Confluent answers
// []) leaves out at its zero value. Error answers arrive as *apiError from the transport.
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

// authError is a 401 or 403: it says whether credentials were refused or are missing, which
// the registry's own message rarely does.
type authError struct {
	status int
	auth   string // kind of credentials sent, "none" when none are configured
	err    error
}

func (e *authError) Error() string {
	var what string
	switch {
	case e.auth == "none":
		what = "the registry wants credentials and none are configured (schemaRegistry username and password, or token)"
	case e.status == http.StatusForbidden:
		what = "the credentials (" + e.auth + ") were accepted but are not allowed this read"
	default:
		what = "the registry refused the credentials (" + e.auth + ")"
	}
	return what + ": " + e.err.Error()
}

func (e *authError) Unwrap() error { return e.err }

// scrubbed is an error whose text had a credential removed.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// isNotFound reports a 404 answer, whichever client read it. The registry's codes 404xx
// (subject, version, schema or subject config not found) all mean 404.
func isNotFound(err error) bool {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusNotFound || (ae.Status == 0 && ae.Code/100 == 404)
	}
	return false
}
