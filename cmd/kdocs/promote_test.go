package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/collect"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

func registryDo(t *testing.T, method, u, body string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", method, u, msg)
}

// TestPromotionReadinessReachesTheSite: staging holds a compatible and an incompatible v2 that
// prod's real registry has not seen; kdocs snapshot's promotion step asks prod's registry and
// keeps its answers in prod's snapshot, and kdocs build shows them on the environments page.
func TestPromotionReadinessReachesTheSite(t *testing.T) {
	stagingURL, prodURL := testenv.Registry(t), testenv.SecondRegistry(t)
	p := fmt.Sprintf("kdocs-test-promote-%d.", time.Now().UnixNano())
	v1 := `{"type":"record","name":"Order","namespace":"x","fields":[{"name":"id","type":"string"}]}`
	optional := `{"type":"record","name":"Order","namespace":"x","fields":[{"name":"id","type":"string"},{"name":"note","type":["null","string"],"default":null}]}`
	breaking := `{"type":"record","name":"Order","namespace":"x","fields":[{"name":"id","type":"int"}]}`
	testenv.ScratchSubject(t, stagingURL, p+"orders-value", v1, optional)
	// Staging took the breaking version under NONE; prod keeps BACKWARD, its default.
	testenv.ScratchSubject(t, stagingURL, p+"payments-value", v1)
	registryDo(t, http.MethodPut, stagingURL+"/config/"+url.PathEscape(p+"payments-value"), `{"compatibility":"NONE"}`)
	registryDo(t, http.MethodPost, stagingURL+"/subjects/"+url.PathEscape(p+"payments-value")+"/versions", fmt.Sprintf(`{"schema":%q}`, breaking))
	testenv.ScratchSubject(t, prodURL, p+"orders-value", v1)
	testenv.ScratchSubject(t, prodURL, p+"payments-value", v1)

	dir := t.TempDir()
	subject := func(name string, schemas ...string) snapshot.Subject {
		s := snapshot.Subject{Name: name}
		for i, sc := range schemas {
			s.Versions = append(s.Versions, snapshot.SchemaVersion{Version: i + 1, ID: i + 1, Type: "AVRO", Schema: sc})
		}
		return s
	}
	write := func(name, env, url string, subjects ...snapshot.Subject) {
		s := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC),
			Cluster: snapshot.Cluster{Name: name, Environment: env}, Topics: []snapshot.Topic{}, Groups: []snapshot.Group{},
			Registry: &snapshot.Registry{URL: url, Subjects: subjects}}
		require.NoError(t, snapshot.Save(filepath.Join(dir, name+".json"), s))
	}
	write("acme-staging", "staging", stagingURL, subject(p+"orders-value", v1, optional), subject(p+"payments-value", v1, breaking))
	write("acme-prod", "prod", prodURL, subject(p+"orders-value", v1), subject(p+"payments-value", v1))
	yaml := fmt.Sprintf(`title: Promotion test
snapshots: %[1]s
clusters:
  - {name: acme-staging, environment: staging, snapshot: %[1]s/acme-staging.json, schemaRegistry: {url: "%[2]s"}}
  - {name: acme-prod, environment: prod, snapshot: %[1]s/acme-prod.json, schemaRegistry: {url: "%[3]s"}}
environments:
  order: [staging, prod]
`, dir, stagingURL, prodURL)
	siteFile := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(siteFile, []byte(yaml), 0o644))
	site, err := config.Load(siteFile)
	require.NoError(t, err)

	// As if this run had just written prod's snapshot.
	outcomes := []collect.Outcome{{Cluster: "acme-prod", Path: filepath.Join(dir, "acme-prod.json")}}
	askPromotions(context.Background(), site, outcomes, registryCompatibility, slog.New(slog.DiscardHandler))
	require.NoError(t, outcomes[0].Err)

	prod, err := snapshot.Load(filepath.Join(dir, "acme-prod.json"))
	require.NoError(t, err)
	got := map[string]snapshot.Promotion{}
	for _, pr := range prod.Promotions {
		got[pr.ToSubject] = pr
	}
	require.Len(t, got, 2, "one question per subject staging has ahead of prod: %+v", prod.Promotions)
	orders, payments := got[p+"orders-value"], got[p+"payments-value"]
	assert.Equal(t, "staging", orders.From)
	assert.Equal(t, 2, orders.Version)
	assert.NotEmpty(t, orders.Fingerprint)
	assert.Equal(t, snapshot.VerdictCompatible, orders.Verdict.Status, "prod accepts an optional field: %+v", orders.Verdict)
	assert.Equal(t, snapshot.VerdictIncompatible, payments.Verdict.Status, "prod rejects id becoming an int: %+v", payments.Verdict)
	assert.NotEmpty(t, payments.Verdict.Messages, "the registry says why")
	staging, err := snapshot.Load(filepath.Join(dir, "acme-staging.json"))
	require.NoError(t, err)
	assert.Nil(t, staging.Promotions, "staging's registry was not asked: nothing comes before it")

	// The build shows the registry's answers.
	out := filepath.Join(dir, "public")
	code, _, errOut := kdocs(t, "build", "-config", siteFile, "-out", out)
	require.Equal(t, exitOK, code, errOut)
	page, err := os.ReadFile(filepath.Join(out, "environments", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "would be rejected")
	assert.Contains(t, string(page), "ready")
	assert.NotContains(t, string(page), "not checked", "every candidate has the registry's answer")

	// kdocs diff between the environments gives the same answers, and fails CI on the rejection.
	code, stdout, errOut := kdocs(t, "diff", "--config", siteFile, "--from", "staging", "--to", "prod", "--fail-on", "drift")
	assert.Equal(t, exitFailOn, code, errOut)
	assert.Contains(t, stdout, "v2 of "+p+"payments-value in staging, not yet in prod as "+p+"payments-value: would be rejected: ")
	assert.Contains(t, stdout, "v2 of "+p+"orders-value in staging, not yet in prod as "+p+"orders-value: ready")
	assert.Regexp(t, `breaking +promotion +v2 of `, stdout)
}

// TestDiffEnvironments: kdocs diff --from/--to on two environments' snapshots prints their
// drift and the promotions, in each format, and --fail-on drift exits 3 only on drift.
func TestDiffEnvironments(t *testing.T) {
	dir := t.TempDir()
	topic := func(name string, partitions int, configs ...snapshot.Config) snapshot.Topic {
		tp := snapshot.Topic{Name: name, ReplicationFactor: 1, Configs: configs}
		for p := range partitions {
			tp.Partitions = append(tp.Partitions, snapshot.Partition{ID: int32(p), Leader: 1, Replicas: []int32{1}, ISR: []int32{1}})
		}
		return tp
	}
	// Each environment's principals are named <name>-<env>; orders-svc may write orders in
	// both, fraud only in prod, where the transactional producer orders-svc-0 also wrote it.
	write := func(name, env string, topics ...snapshot.Topic) {
		s := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC),
			Cluster: snapshot.Cluster{Name: name, Environment: env}, Topics: topics, Groups: []snapshot.Group{},
			ACLs: &snapshot.ACLSection{Available: true}, Transactions: &snapshot.TransactionSection{Available: true}}
		principals := []string{"User:orders-svc-" + env}
		if env == "prod" {
			principals = append(principals, "User:fraud-prod")
			s.Transactions.Entries = []snapshot.Transaction{{TransactionalID: "orders-svc-0", ProducerID: 7, State: "Ongoing",
				Partitions: []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0}}}}}
		}
		for _, p := range principals {
			s.ACLs.Entries = append(s.ACLs.Entries, snapshot.ACL{ResourceType: "TOPIC", ResourceName: "orders", PatternType: "LITERAL",
				Principal: p, Host: "*", Operation: "WRITE", Permission: "ALLOW"})
		}
		require.NoError(t, snapshot.Save(filepath.Join(dir, name+".json"), s))
	}
	retention := func(v string) snapshot.Config {
		return snapshot.Config{Name: "retention.ms", Value: v, Source: "DYNAMIC_TOPIC_CONFIG"}
	}
	write("acme-staging", "staging", topic("orders", 6, retention("86400000")), topic("audit", 1), topic("same", 3))
	write("acme-prod", "prod", topic("orders", 12, retention("604800000")), topic("same", 3))
	siteFile := filepath.Join(dir, "site.yaml")
	writeSite := func(extra string) {
		require.NoError(t, os.WriteFile(siteFile, []byte(fmt.Sprintf(`title: Diff test
snapshots: %[1]s
clusters:
  - {name: acme-staging, environment: staging, snapshot: %[1]s/acme-staging.json}
  - {name: acme-prod, environment: prod, snapshot: %[1]s/acme-prod.json}
environments:
  order: [staging, prod]
  principals: "{name}-{env}"
%[2]s`, dir, extra)), 0o644))
	}
	writeSite("  expectedDrift: [retention.ms]\n")

	code, out, errOut := kdocs(t, "diff", "--config", siteFile, "--from", "staging", "--to", "prod", "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	var changes []struct{ Kind, Severity, Resource, Old, New, Message string }
	require.NoError(t, json.Unmarshal([]byte(out), &changes), out)
	got := map[string]string{}
	for _, c := range changes {
		got[c.Resource+" "+c.Kind+" "+c.Old+"→"+c.New] = c.Severity
	}
	assert.Equal(t, map[string]string{
		`topic "audit" environment-drift present→absent`:                               "warning",
		`topic "orders" environment-drift 6→12`:                                        "warning",
		`topic "orders" environment-expected-drift 86400000→604800000`:                 "info",
		`topic "orders" environment-drift User:orders-svc→User:fraud, User:orders-svc`: "warning",
		`topic "orders" environment-drift none→transactional id orders-svc`:            "warning",
	}, got, "%s", out)

	code, out, _ = kdocs(t, "diff", "--config", siteFile, "--from", "staging", "--to", "prod")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "partitions: 6 in staging, 12 in prod")
	assert.Contains(t, out, "write principals: User:orders-svc in staging, User:fraud, User:orders-svc in prod")
	assert.Contains(t, out, "writers: none in staging, transactional id orders-svc in prod")

	code, out, errOut = kdocs(t, "diff", "--config", siteFile, "--from", "staging", "--to", "prod", "--fail-on", "drift", "--format", "markdown")
	assert.Equal(t, exitFailOn, code, errOut)
	assert.Contains(t, out, "| warning |")
	assert.Contains(t, out, "write principals")
	assert.Contains(t, errOut, "staging and prod drift: 4 differences (--fail-on drift)", "the ACL and the writer count")

	// Bad input names what is wrong.
	code, _, errOut = kdocs(t, "diff", "--config", siteFile, "--from", "staging", "--to", "qa")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `environment "qa" is not in`)
	code, _, errOut = kdocs(t, "diff", "--config", siteFile, "--from", "staging")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--from and --to go together")
	code, _, errOut = kdocs(t, "diff", "--fail-on", "drift", "a.json", "b.json")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "give --from and --to")
	require.NoError(t, os.Remove(filepath.Join(dir, "acme-prod.json")))
	code, _, errOut = kdocs(t, "diff", "--config", siteFile, "--from", "staging", "--to", "prod")
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, "environment prod (cluster acme-prod)")
	assert.Contains(t, errOut, "acme-prod.json")
}
