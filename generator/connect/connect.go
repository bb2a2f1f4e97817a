// Package connect reads one Kafka Connect cluster over its REST into the snapshot's types:
// the worker's version, the installed plugins, every connector with its state, tasks, topics
// (KIP-558) and config, secrets redacted before they reach a snapshot type (redact.go), and the
// MirrorMaker 2 settings of Mirror*Connector connectors (mirror.go).
//
// Requests, for N connectors of K distinct classes: GET /, GET /connector-plugins,
// GET /connectors?expand=status&expand=info (one for all connectors), N × GET
// /connectors/{name}/topics and K × PUT /connector-plugins/{class}/config/validate, at most
// Concurrency in flight. Partial failure is data: what could not be read is returned as
// snapshot errors (scope connect), the rest is kept.
package connect

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Client reads one Connect cluster.
type Client struct {
	cfg  config.Connect
	base string
	http *http.Client
	// Requests counts the requests sent, for benchmarks and tests.
	Requests int64
	mu       sync.Mutex
}

// New returns a client for the Connect cluster c; it fails only on an unusable TLS setting.
func New(c config.Connect) (*Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(c.Concurrency, 1)
	if c.TLS != nil {
		tc, err := tlsConfig(c.TLS)
		if err != nil {
			return nil, fmt.Errorf("connect %q: %w", c.Name, err)
		}
		tr.TLSClientConfig = tc
	}
	timeout := time.Duration(c.Timeout)
	if timeout <= 0 {
		timeout = config.DefaultTimeout
	}
	if c.Concurrency <= 0 {
		c.Concurrency = config.DefaultConnectConcurrency
	}
	return &Client{cfg: c, base: strings.TrimRight(c.URL, "/"), http: &http.Client{Transport: tr, Timeout: timeout}}, nil
}

func tlsConfig(t *config.TLS) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // only on an explicit true
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.caFile: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.caFile %s: no PEM certificate in it", t.CAFile)
		}
		tc.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// apiError is an answer other than 2xx: its status and Connect's message (never a credential:
// Connect's error bodies hold its own message only).
type apiError struct {
	Method, URL string
	Status      int
	Message     string
}

func (e *apiError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d", e.Method, e.URL, e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// do sends one request and decodes a 2xx JSON answer into out. Answers 409 (a rebalance under
// way) and 5xx are retried twice, half a second apart.
func (c *Client) do(ctx context.Context, method, path string, body any, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	u := c.base + path
	var last error
	for attempt := 1; attempt <= 3; attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return errors.Join(last, ctx.Err())
			case <-time.After(500 * time.Millisecond):
			}
		}
		retry, err := c.once(ctx, method, u, payload, out)
		if err == nil || !retry {
			return err
		}
		last = err
	}
	return last
}

func (c *Client) once(ctx context.Context, method, u string, payload []byte, out any) (retry bool, err error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch c.cfg.Auth() {
	case "basic":
		req.SetBasicAuth(c.cfg.Username, c.cfg.Password)
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	c.mu.Lock()
	c.Requests++
	c.mu.Unlock()
	resp, err := c.http.Do(req)
	if err != nil {
		// *url.Error names method and URL (never credentials: they are headers).
		return ctx.Err() == nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return true, fmt.Errorf("%s %s: read answer: %w", method, u, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		msg := e.Message
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		return resp.StatusCode == http.StatusConflict || resp.StatusCode >= 500,
			&apiError{Method: method, URL: u, Status: resp.StatusCode, Message: firstLine(msg)}
	}
	if out == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, fmt.Errorf("%s %s: decode answer: %w", method, u, err)
	}
	return false, nil
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// The REST's answers, as far as kdocs reads them.
type (
	rootInfo struct {
		Version        string `json:"version"`
		Commit         string `json:"commit"`
		KafkaClusterID string `json:"kafka_cluster_id"`
	}
	pluginInfo struct {
		Class   string `json:"class"`
		Type    string `json:"type"`
		Version string `json:"version"`
	}
	stateInfo struct {
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
		Trace    string `json:"trace"`
	}
	taskState struct {
		ID int `json:"id"`
		stateInfo
	}
	expanded struct {
		Status *struct {
			Connector stateInfo   `json:"connector"`
			Tasks     []taskState `json:"tasks"`
			Type      string      `json:"type"`
		} `json:"status"`
		Info *struct {
			Config map[string]string `json:"config"`
			Type   string            `json:"type"`
		} `json:"info"`
	}
	validation struct {
		Configs []struct {
			Definition struct {
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"definition"`
		} `json:"configs"`
	}
)

// Collect reads the Connect cluster. It returns what it read (never nil) and what it could not,
// as errors of scope connect whose resource is the URL or the connector.
func (c *Client) Collect(ctx context.Context) (*snapshot.ConnectCluster, []snapshot.Error) {
	out := &snapshot.ConnectCluster{Name: c.cfg.Name, URL: c.base, Connectors: []snapshot.Connector{}}
	var errs []snapshot.Error
	fail := func(resource string, err error) {
		errs = append(errs, snapshot.Error{Scope: "connect", Resource: resource, Message: err.Error()})
	}
	var root rootInfo
	if err := c.do(ctx, http.MethodGet, "/", nil, &root); err != nil {
		fail(c.base, err)
		return out, errs // unreachable, 401, …: nothing else will answer
	}
	out.Version, out.Commit, out.KafkaClusterID = root.Version, root.Commit, root.KafkaClusterID

	var plugins []pluginInfo
	pluginVersion := map[string]string{}
	if err := c.do(ctx, http.MethodGet, "/connector-plugins", nil, &plugins); err != nil {
		fail(c.base+"/connector-plugins", err)
	}
	for _, p := range plugins {
		out.Plugins = append(out.Plugins, snapshot.ConnectPlugin{Class: p.Class, Type: p.Type, Version: p.Version})
		pluginVersion[p.Class] = p.Version
	}

	var all map[string]expanded
	if err := c.do(ctx, http.MethodGet, "/connectors?expand=status&expand=info", nil, &all); err != nil {
		fail(c.base+"/connectors", err)
		return out, errs
	}
	names := make([]string, 0, len(all))
	classes := map[string]bool{}
	for name, e := range all {
		names = append(names, name)
		if e.Info != nil {
			if cl := e.Info.Config["connector.class"]; cl != "" {
				classes[cl] = true
			}
		}
	}
	slices.Sort(names)

	// Per connector and per class, bounded.
	var mu sync.Mutex
	topics := map[string][]string{}
	passwords := map[string]map[string]bool{}
	sem := make(chan struct{}, c.cfg.Concurrency)
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			f()
		})
	}
	for _, name := range names {
		run(func() {
			var t map[string]struct {
				Topics []string `json:"topics"`
			}
			err := c.do(ctx, http.MethodGet, "/connectors/"+url.PathEscape(name)+"/topics", nil, &t)
			mu.Lock()
			defer mu.Unlock()
			var ae *apiError
			switch {
			case errors.As(err, &ae) && ae.Status == http.StatusForbidden:
				// topic.tracking.allow.reset or tracking itself disabled: not an error of kdocs'.
			case err != nil:
				fail(c.base+"/connectors/"+name, fmt.Errorf("topics: %w", err))
			default:
				topics[name] = t[name].Topics
			}
		})
	}
	for class := range classes {
		run(func() {
			var v validation
			// Only the class goes to the validation: the connector's own config, secrets and all,
			// is never sent back. The answer's definitions hold the types.
			err := c.do(ctx, http.MethodPut, "/connector-plugins/"+url.PathEscape(class)+"/config/validate",
				map[string]string{"connector.class": class, "name": "kdocs-validate"}, &v)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				// The key-name rule still applies; record that the definition was not read.
				fail(c.base+"/connector-plugins/"+class, fmt.Errorf("config definition: %w", err))
				return
			}
			keys := map[string]bool{}
			for _, cd := range v.Configs {
				if cd.Definition.Type == "PASSWORD" {
					keys[cd.Definition.Name] = true
				}
			}
			passwords[class] = keys
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		fail(c.base, err)
	}

	for _, name := range names {
		e := all[name]
		k := snapshot.Connector{Name: name, Type: "unknown", State: "UNKNOWN", Topics: topics[name]}
		var cfg map[string]string
		if e.Info != nil {
			cfg = e.Info.Config
			if e.Info.Type != "" {
				k.Type = e.Info.Type
			}
		}
		k.Class = cfg["connector.class"]
		k.PluginVersion = pluginVersion[k.Class]
		var secrets []string
		k.Config, secrets = Redact(cfg, passwords[k.Class])
		if e.Status != nil {
			if k.Type == "unknown" && e.Status.Type != "" {
				k.Type = e.Status.Type
			}
			k.State, k.WorkerID = e.Status.Connector.State, e.Status.Connector.WorkerID
			if e.Status.Connector.Trace != "" {
				k.Trace = scrub(e.Status.Connector.Trace, secrets)
			}
			for _, t := range e.Status.Tasks {
				task := snapshot.ConnectorTask{ID: t.ID, State: t.State, WorkerID: t.WorkerID}
				if t.Trace != "" {
					task.Trace = scrub(t.Trace, secrets)
				}
				k.Tasks = append(k.Tasks, task)
			}
		}
		if k.Type != "source" && k.Type != "sink" {
			k.Type = "unknown"
		}
		k.MirrorMaker = Mirror(k.Class, cfg)
		out.Connectors = append(out.Connectors, k)
	}
	return out, errs
}

// CollectConfig reads the Connect cluster c: the collect.ConnectFunc of kdocs snapshot.
func CollectConfig(ctx context.Context, c config.Connect) (*snapshot.ConnectCluster, []snapshot.Error) {
	cl, err := New(c)
	if err != nil {
		return &snapshot.ConnectCluster{Name: c.Name, URL: c.URL, Connectors: []snapshot.Connector{}},
			[]snapshot.Error{{Scope: "connect", Resource: c.URL, Message: err.Error()}}
	}
	return cl.Collect(ctx)
}
