package environments_test

// Integration test against two real environments: "staging" is the test cluster and registry
// (KDOCS_KAFKA_PORT_BASE, KDOCS_REGISTRY_PORT), "prod" a second cluster and registry
// (KDOCS_KAFKA2_PORT_BASE and KDOCS_REGISTRY2_PORT, default 1000 above the first ones):
//
//	KDOCS_KAFKA_PORT_BASE=10091 scripts/kafka.sh up; KDOCS_REGISTRY_PORT=9081 scripts/registry.sh up
//
// Both are seeded here, under names of their own (a random prefix), to differ on purpose: a
// topic's partitions and retention, a topic only in staging, a consumer group only in staging, a
// schema version only in staging that prod's registry would accept, one it would reject, and a
// version 1 that is another schema in each. kdocs snapshots both through its real collectors,
// builds the site, and the matrix must show exactly that drift. The clusters are shared with
// other tests, so only this test's own names are asserted on.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/collect"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/environments"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/registry"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// second returns the second environment's bootstrap servers and registry URL, skipping (or,
// strict, failing) the test when either does not answer.
func second(t *testing.T) ([]string, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: needs two real Kafka clusters and registries")
	}
	base := testenv.KafkaPortBase() + 1000
	if b, err := strconv.Atoi(os.Getenv("KDOCS_KAFKA2_PORT_BASE")); err == nil && b > 0 {
		base = b
	}
	reg := testenv.SecondRegistry(t)
	var brokers []string
	for n := 1; n <= 3; n++ {
		brokers = append(brokers, "127.0.0.1:"+strconv.Itoa(base+n))
	}
	missing := func(what, start string, err error) {
		msg := fmt.Sprintf("%s not reachable (%v); start it: %s", what, err, start)
		if testenv.Strict() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if c, err := net.DialTimeout("tcp", brokers[0], 2*time.Second); err != nil {
		missing("second Kafka cluster at "+brokers[0], fmt.Sprintf("KDOCS_KAFKA_PORT_BASE=%d scripts/kafka.sh up", base), err)
	} else {
		c.Close()
	}
	return brokers, reg
}

func randomPrefix(t *testing.T) string {
	b := make([]byte, 4)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "kdocs-env-" + hex.EncodeToString(b) + "."
}

// env is one real environment: its cluster, its admin client and its registry.
type env struct {
	name     string
	brokers  []string
	registry string
	cl       *kgo.Client
	adm      *kadm.Client
}

func newEnv(t *testing.T, name string, brokers []string, reg string) *env {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	return &env{name: name, brokers: brokers, registry: reg, cl: cl, adm: kadm.NewClient(cl)}
}

func (e *env) topic(ctx context.Context, t *testing.T, name string, partitions int32, configs map[string]*string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := e.adm.DeleteTopics(ctx, name); err != nil {
			t.Errorf("%s: delete topic %s: %v", e.name, name, err)
		}
	})
	testenv.CreateTopic(ctx, t, e.cl, name, partitions, 2, configs)
}

// registryDo sends one request to the registry and decodes its JSON answer into out (if any).
func (e *env) registryDo(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.registry+path, r)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s%s: %s", method, e.registry, path, msg)
	if out != nil {
		require.NoError(t, json.Unmarshal(msg, out), "%s %s: %s", method, path, msg)
	}
}

// subject registers the schemas in order (after setting the subject's compatibility level,
// when given) and deletes the subject and its level when the test ends.
func (e *env) subject(t *testing.T, name, compatibility string, schemas ...string) {
	t.Helper()
	p := "/subjects/" + url.PathEscape(name)
	t.Cleanup(func() {
		e.registryDo(t, http.MethodDelete, p, nil, nil)
		e.registryDo(t, http.MethodDelete, p+"?permanent=true", nil, nil)
	})
	if compatibility != "" {
		e.registryDo(t, http.MethodPut, "/config/"+url.PathEscape(name), map[string]string{"compatibility": compatibility}, nil)
		t.Cleanup(func() { e.registryDo(t, http.MethodDelete, "/config/"+url.PathEscape(name), nil, nil) })
	}
	for _, s := range schemas {
		e.registryDo(t, http.MethodPost, p+"/versions", map[string]string{"schema": s}, nil)
	}
}

// wouldAccept asks the registry, read-only, whether schema is compatible with the subject's
// latest version: the registry's own answer, which the promotion candidates are checked against.
func (e *env) wouldAccept(t *testing.T, subject, schema string) bool {
	t.Helper()
	var out struct {
		IsCompatible bool `json:"is_compatible"`
	}
	e.registryDo(t, http.MethodPost, "/compatibility/subjects/"+url.PathEscape(subject)+"/versions/latest",
		map[string]string{"schema": schema}, &out)
	return out.IsCompatible
}

func record(fields ...string) string {
	return `{"type":"record","name":"Order","namespace":"com.acme","fields":[` + strings.Join(fields, ",") + `]}`
}

const (
	fieldID      = `{"name":"id","type":"string"}`
	fieldNote    = `{"name":"note","type":["null","string"],"default":null}`
	fieldIDAsInt = `{"name":"id","type":"int"}`
	fieldAmount  = `{"name":"amount","type":"long"}`
)

func TestTwoRealEnvironments(t *testing.T) {
	stagingBrokers, stagingRegistry := testenv.Kafka(t), testenv.Registry(t)
	prodBrokers, prodRegistry := second(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	staging := newEnv(t, "staging", stagingBrokers, stagingRegistry)
	prod := newEnv(t, "prod", prodBrokers, prodRegistry)
	p := randomPrefix(t) // the test's own logical names: <p>orders, …
	s := func(name string) string { return "stg." + name }
	str := func(v string) *string { return &v }

	// Topics: orders drifts in partitions and retention (and retention.bytes, expected to);
	// payments is the same in both; audit is only in staging.
	staging.topic(ctx, t, s(p+"orders"), 3, map[string]*string{"retention.ms": str("3600000"), "retention.bytes": str("1048576"), "max.message.bytes": str("2097152")})
	prod.topic(ctx, t, p+"orders", 6, map[string]*string{"retention.ms": str("604800000"), "retention.bytes": str("1073741824"), "max.message.bytes": str("2097152")})
	staging.topic(ctx, t, s(p+"payments"), 2, nil)
	prod.topic(ctx, t, p+"payments", 2, nil)
	staging.topic(ctx, t, s(p+"audit"), 1, nil)

	// A group reading orders, only in staging.
	group := s(p + "billing")
	testenv.Ready(ctx, t, staging.cl, testenv.Want{Groups: []string{group}})
	offsets := kadm.Offsets{}
	offsets.Add(kadm.Offset{Topic: s(p + "orders"), Partition: 0, At: 0})
	committed, err := staging.adm.CommitOffsets(ctx, group, offsets)
	require.NoError(t, err)
	require.NoError(t, committed.Error())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = staging.adm.DeleteGroups(ctx, group)
	})

	// Writers: orders-svc writes orders in a transaction in both, as instance 1 in staging and
	// instance 0 in prod: one logical writer. These clusters have no authorizer: no ACLs.
	txnStaging, txnProd := s(p+"orders-svc-1"), p+"orders-svc-0"
	transact(ctx, t, stagingBrokers, txnStaging, s(p+"orders"))
	transact(ctx, t, prodBrokers, txnProd, p+"orders")

	// Subjects: orders-value v2 (an optional field added) only in staging, which prod would
	// accept; payments-value v2 (id becomes an int) only in staging, under NONE there, which
	// prod (BACKWARD) would reject; refunds-value v1 is another schema in each.
	staging.subject(t, s(p+"orders-value"), "", record(fieldID), record(fieldID, fieldNote))
	prod.subject(t, p+"orders-value", "", record(fieldID))
	staging.subject(t, s(p+"payments-value"), "NONE", record(fieldID), record(fieldIDAsInt))
	prod.subject(t, p+"payments-value", "", record(fieldID))
	staging.subject(t, s(p+"refunds-value"), "", record(fieldID))
	prod.subject(t, p+"refunds-value", "", record(fieldID, fieldAmount))
	// The registries' own verdicts, that the site's candidates must match.
	require.True(t, prod.wouldAccept(t, p+"orders-value", record(fieldID, fieldNote)))
	require.False(t, prod.wouldAccept(t, p+"payments-value", record(fieldIDAsInt)))

	// kdocs: snapshot both environments live, then build the site.
	dir := t.TempDir()
	yaml := fmt.Sprintf(`title: Two environments
clusters:
  - name: acme-staging
    environment: staging
    bootstrap: [%s]
    schemaRegistry: {url: %q}
  - name: acme-prod
    environment: prod
    bootstrap: [%s]
    schemaRegistry: {url: %q}
environments:
  order: [staging, prod]
  names:
    staging: {topics: "stg.{name}"}
  expectedDrift: [retention.bytes]
`, strings.Join(stagingBrokers, ", "), stagingRegistry, strings.Join(prodBrokers, ", "), prodRegistry)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(yaml), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)

	var snaps []*snapshot.Snapshot
	deadline := time.Now().Add(60 * time.Second)
	for {
		outcomes := collect.Run(ctx, cfg, collect.Options{Kafka: kafka.Collect, Registry: registry.CollectConfig, Version: "test"})
		snaps = snaps[:0]
		for _, o := range outcomes {
			require.NoError(t, o.Err, "snapshot %s", o.Cluster)
			loaded, err := snapshot.Load(o.Path)
			require.NoError(t, err)
			snaps = append(snaps, loaded)
		}
		// A broker still applying a new topic may answer one request with an error: read again.
		if seeded(snaps[0], s(p+"orders"), s(p+"audit"), group) && seeded(snaps[1], p+"orders", p+"payments", "") &&
			transactional(snaps[0], txnStaging) && transactional(snaps[1], txnProd) {
			break
		}
		require.False(t, time.Now().After(deadline), "the snapshots did not show the seeded topics and group within 60s")
		time.Sleep(time.Second)
	}

	// The comparison, against the clusters' real configs and the registries' real versions.
	c := environments.Compare([]environments.Input{{Environment: "staging", Snapshot: snaps[0]}, {Environment: "prod", Snapshot: snaps[1]}},
		cfg.Environments, environments.Options{})
	topic := func(name string) *environments.Topic { return logicalTopic(t, c, name) }
	orders := topic(p + "orders")
	drift := driftValues(orders)
	assert.Equal(t, []string{"3", "6"}, drift[environments.PropPartitions])
	assert.Equal(t, []string{"3600000", "604800000"}, drift[environments.PropConfig+"retention.ms"])
	assert.Equal(t, []string{group[len("stg."):], ""}, drift[environments.PropGroups], "the group, by its logical id, only in staging")
	assert.NotContains(t, drift, environments.PropConfig+"max.message.bytes", "set alike in both: no drift")
	assert.NotContains(t, drift, environments.PropReplication)
	require.Len(t, orders.Expected, 1)
	assert.Equal(t, environments.PropConfig+"retention.bytes", orders.Expected[0].Property)
	assert.Contains(t, drift, environments.PropValue, "v2 in staging, v1 in prod")
	assert.False(t, hasNonSchemaDrift(topic(p+"payments")), "payments differs only in its value schema")
	for i, st := range orders.In {
		assert.Equal(t, []string{"transactional id " + p + "orders-svc"}, st.Writers, "%s: the environment's naming and the instance number taken off", st.Environment)
		if a := snaps[i].ACLs; a == nil || !a.Available {
			assert.NotEmpty(t, st.ACLsUnknown, "%s: no ACLs, and it says why", st.Environment)
		}
	}
	assert.NotContains(t, drift, environments.PropWriters)
	assert.NotContains(t, drift, environments.PropWritePrincipals, "ACLs not known on clusters without an authorizer: not drift")
	assert.Equal(t, "staging", topic(p+"audit").Only())

	var promoted []string
	for _, pr := range c.Promotions {
		if strings.HasPrefix(pr.Subject, p) {
			promoted = append(promoted, fmt.Sprintf("%s v%d → %s (latest %d)", pr.Subject, pr.Version.Number, pr.ToSubject, pr.ToLatest))
			assert.Equal(t, environments.StatusNotChecked, pr.Verdict.Status, "no verdict before the registry is asked")
		}
	}
	assert.Equal(t, []string{
		p + "orders-value v2 → " + p + "orders-value (latest 1)",
		p + "payments-value v2 → " + p + "payments-value (latest 1)",
		p + "refunds-value v1 → " + p + "refunds-value (latest 1)",
	}, promoted)
	// Promotion readiness, asked of prod's real registry through kdocs' own call
	// (registry.CheckCompatibility) and compared with the registry's plain answer.
	// kdocs snapshot makes this same call (cmd/kdocs/promote.go) and keeps the answers for
	// kdocs build in the next environment's snapshot.
	environments.Check(ctx, c, func(ctx context.Context, to, subject string, v environments.Version) (bool, []string, error) {
		require.Equal(t, "prod", to)
		verdict, err := registry.CheckCompatibility(ctx, registry.Options{URL: prodRegistry}, subject, "latest",
			snapshot.SchemaVersion{Schema: v.Schema, Type: v.Type, References: v.References})
		if err != nil {
			return false, nil, err
		}
		assert.Equal(t, prod.wouldAccept(t, subject, v.Schema), verdict.Status == snapshot.VerdictCompatible, subject)
		return verdict.Status == snapshot.VerdictCompatible, verdict.Messages, nil
	})
	status := map[string]string{}
	for _, pr := range c.Promotions {
		status[pr.Subject] = pr.Verdict.Status
		if pr.Subject == p+"payments-value" {
			assert.NotEmpty(t, pr.Verdict.Messages, "the registry says why it would reject")
			t.Logf("prod's registry on %s v%d: %q", pr.Subject, pr.Version.Number, pr.Verdict.Messages)
		}
	}
	assert.Equal(t, environments.StatusReady, status[p+"orders-value"], "prod accepts the optional field")
	assert.Equal(t, environments.StatusRejected, status[p+"payments-value"], "prod rejects id becoming an int")
	assert.Equal(t, environments.StatusReady, status[p+"refunds-value"], "staging's v1 drops prod's amount: a reader without it reads old data (BACKWARD)")
	for _, sj := range c.Subjects {
		if sj.Name == p+"refunds-value" {
			assert.Equal(t, []int{1}, sj.Conflicts, "version 1 is another schema in each registry")
		}
		if sj.Name == p+"orders-value" {
			assert.Empty(t, sj.Conflicts, "version 1 is the same schema, under other ids")
		}
	}

	// The site: the matrix, the logical topic's page, the topic pages' links.
	out := filepath.Join(dir, "public")
	_, err = pipeline.Run(ctx, cfg, pipeline.Options{Output: out})
	require.NoError(t, err)
	matrix := read(t, out, "environments/index.html")
	row := tableRow(t, matrix, "topics/"+p+"orders.html")
	assert.Contains(t, row, "3 × 2</a> ⚠")
	assert.Contains(t, row, "6 × 2</a> ⚠")
	assert.Contains(t, row, "partitions, config retention.ms, value subject, consumer groups")
	assert.Contains(t, row, "expected: config retention.bytes")
	assert.Contains(t, tableRow(t, matrix, "topics/"+p+"audit.html"), "<strong>absent</strong>")
	assert.Contains(t, matrix, p+"payments-value")
	logical := read(t, out, "environments/topics/"+p+"orders.html")
	assert.Contains(t, logical, "604800000")
	assert.Contains(t, logical, "../../clusters/acme-staging/topics/stg."+p+"orders.html")
	stagingPage := read(t, out, "clusters/acme-staging/topics/stg."+p+"orders.html")
	assert.Contains(t, stagingPage, "../../acme-prod/topics/"+p+"orders.html", "the staging topic links its prod sibling")
	subjects := read(t, out, "environments/subjects.html")
	assert.Contains(t, tableRow(t, subjects, p+"refunds-value"), "<strong>1</strong>", "the conflicting version")
}

// logicalTopic returns the comparison's (mapped) logical topic name, failing the test without it.
func logicalTopic(t *testing.T, c *environments.Comparison, name string) *environments.Topic {
	t.Helper()
	for _, tp := range c.Topics {
		if tp.Name == name && !tp.Unmapped {
			return tp
		}
	}
	t.Fatalf("no logical topic %s", name)
	return nil
}

// driftValues maps each drifting property of the topic to its values per environment.
func driftValues(tp *environments.Topic) map[string][]string {
	out := map[string][]string{}
	for _, d := range tp.Drift {
		out[d.Property] = d.Values
	}
	return out
}

// seeded reports whether the snapshot holds the topics, read without errors, and the group.
func seeded(s *snapshot.Snapshot, a, b, group string) bool {
	for _, name := range []string{a, b} {
		if tp := s.Topic(name); tp == nil || len(tp.Configs) == 0 {
			return false
		}
	}
	for _, e := range s.Errors {
		if strings.Contains(e.Resource+e.Message, a) || strings.Contains(e.Resource+e.Message, b) {
			return false
		}
	}
	return group == "" || s.Group(group) != nil
}

// transactional reports whether the snapshot lists the transactional id.
func transactional(s *snapshot.Snapshot, id string) bool {
	return s.Transactions != nil && slices.ContainsFunc(s.Transactions.Entries, func(tx snapshot.Transaction) bool { return tx.TransactionalID == id })
}

func hasNonSchemaDrift(t *environments.Topic) bool {
	for _, d := range t.Drift {
		if d.Property != environments.PropValue && d.Property != environments.PropKey {
			return true
		}
	}
	return false
}

// tableRow returns the HTML table row that holds needle.
func tableRow(t *testing.T, page, needle string) string {
	t.Helper()
	i := strings.Index(page, needle)
	require.GreaterOrEqual(t, i, 0, "no %q in the page", needle)
	start := strings.LastIndex(page[:i], "<tr>")
	end := strings.Index(page[i:], "</tr>")
	require.True(t, start >= 0 && end >= 0, "%q is in no table row", needle)
	return page[start : i+end]
}
