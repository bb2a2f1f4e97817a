package environments_test

// The two-environment test's ACL half: two real clusters with StandardAuthorizer
// (testenv.StartPrivateKafka with KDOCS_KAFKA_AUTHORIZER=1: staging on the writers' shared,
// locked port base 28091, prod on 29091), each with ACLs and writers of its own, named the way
// each environment names them (User:<name>-staging, User:<name>-prod). kdocs snapshots both
// through its real collector and compares them; the drift must be what each cluster itself says
// of each topic (kafka-acls --list --resource-pattern-type match, which resolves literal,
// prefixed and * patterns), mapped by site.yaml's principals template. kdocs connects over
// PLAINTEXT as User:ANONYMOUS, a super user.

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/environments"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// Port bases of the two clusters with an authorizer (TEAM.md gives the writers 28091 and up).
const (
	aclStagingBase = 28091
	aclProdBase    = 29091
)

// aclEnv is one environment's cluster with an authorizer.
type aclEnv struct {
	name      string
	bootstrap []string
	cl        *kgo.Client
	adm       *kadm.Client
}

func startACLEnv(t *testing.T, name string, base int) *aclEnv {
	t.Helper()
	pk := testenv.StartPrivateKafka(t, base, "KDOCS_KAFKA_AUTHORIZER=1")
	cl, err := kgo.NewClient(kgo.SeedBrokers(pk.Bootstrap...))
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	return &aclEnv{name: name, bootstrap: pk.Bootstrap, cl: cl, adm: kadm.NewClient(cl)}
}

func (e *aclEnv) acls(ctx context.Context, t *testing.T, builders ...*kadm.ACLBuilder) {
	t.Helper()
	for _, b := range builders {
		res, err := e.adm.CreateACLs(ctx, b)
		require.NoError(t, err, e.name)
		for _, r := range res {
			require.NoError(t, r.Err, e.name)
		}
	}
}

func (e *aclEnv) transact(ctx context.Context, t *testing.T, id, topic string) {
	t.Helper()
	transact(ctx, t, e.bootstrap, id, topic)
}

// transact writes one record to topic in a committed transaction of transactional id id.
func transact(ctx context.Context, t *testing.T, bootstrap []string, id, topic string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap...), kgo.TransactionalID(id), kgo.DefaultProduceTopic(topic))
	require.NoError(t, err)
	defer cl.Close()
	require.NoError(t, cl.BeginTransaction())
	require.NoError(t, cl.ProduceSync(ctx, &kgo.Record{Value: []byte("x")}).FirstErr(), "%s on %v", id, bootstrap)
	require.NoError(t, cl.EndTransaction(ctx, kgo.TryCommit), "%s on %v", id, bootstrap)
}

func literal(principal string, op kadm.ACLOperation, topic string) *kadm.ACLBuilder {
	return kadm.NewACLs().Allow(principal).AllowHosts("*").Operations(op).Topics(topic).ResourcePatternType(kadm.ACLPatternLiteral)
}

func TestTwoRealEnvironmentsACLs(t *testing.T) {
	staging := startACLEnv(t, "staging", aclStagingBase)
	prod := startACLEnv(t, "prod", aclProdBase)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	p := randomPrefix(t)
	s := func(name string) string { return "stg." + name }
	for _, name := range []string{"orders", "payments"} {
		testenv.CreateTopic(ctx, t, staging.cl, s(p+name), 1, 3, nil)
		testenv.CreateTopic(ctx, t, prod.cl, p+name, 1, 3, nil)
	}

	// orders-svc may write orders in both; fraud only in prod (an ACL present in one only).
	// analytics may read everything of the test in both (prefixed), except payments in staging
	// (a DENY from every host). admin may do anything anywhere (literal *), in both.
	staging.acls(ctx, t,
		literal("User:orders-svc-staging", kadm.OpWrite, s(p+"orders")),
		kadm.NewACLs().Allow("User:analytics-staging").AllowHosts("*").Operations(kadm.OpRead).Topics(s(p)).ResourcePatternType(kadm.ACLPatternPrefixed),
		kadm.NewACLs().Deny("User:analytics-staging").DenyHosts("*").Operations(kadm.OpRead).Topics(s(p+"payments")).ResourcePatternType(kadm.ACLPatternLiteral),
		literal("User:admin", kadm.OpAll, "*"),
	)
	prod.acls(ctx, t,
		literal("User:orders-svc-prod", kadm.OpWrite, p+"orders"),
		literal("User:fraud-prod", kadm.OpWrite, p+"orders"),
		kadm.NewACLs().Allow("User:analytics-prod").AllowHosts("*").Operations(kadm.OpRead).Topics(p).ResourcePatternType(kadm.ACLPatternPrefixed),
		literal("User:admin", kadm.OpAll, "*"),
	)
	// Writers: orders-svc, one instance in staging and two in prod, writes orders in
	// transactions; in prod a settlement job also writes payments in one; an idempotent
	// producer writes payments in prod only (never compared).
	staging.transact(ctx, t, s("orders-svc-0"), s(p+"orders"))
	prod.transact(ctx, t, "orders-svc-0", p+"orders")
	prod.transact(ctx, t, "orders-svc-1", p+"orders")
	prod.transact(ctx, t, "settlement", p+"payments")
	require.NoError(t, prod.cl.ProduceSync(ctx, &kgo.Record{Topic: p + "payments", Value: []byte("y")}).FirstErr())

	cfg, err := config.Parse([]byte(fmt.Sprintf(`title: ACLs across environments
clusters:
  - {name: acme-staging, environment: staging, bootstrap: [%s]}
  - {name: acme-prod, environment: prod, bootstrap: [%s]}
environments:
  order: [staging, prod]
  principals: "{name}-{env}"
  names:
    staging: {topics: "stg.{name}"}
`, strings.Join(staging.bootstrap, ", "), strings.Join(prod.bootstrap, ", "))), func(string) (string, bool) { return "", false })
	require.NoError(t, err)

	// StandardAuthorizer applies new ACLs as each broker replays the metadata record, and the
	// coordinators list a transactional id once its transaction ended: read until both show.
	snaps := make([]*snapshot.Snapshot, 2)
	for i, want := range []struct{ acls, txns int }{{4, 1}, {4, 3}} {
		c := cfg.Clusters[i]
		c.Timeout = config.Duration(10 * time.Second)
		require.Eventually(t, func() bool {
			got, err := kafka.Collect(ctx, c)
			if err != nil || got.ACLs == nil || len(got.ACLs.Entries) != want.acls || got.Transactions == nil || got.Producers == nil {
				return false
			}
			txns := 0
			for _, tx := range got.Transactions.Entries {
				if strings.HasPrefix(tx.TransactionalID, "stg.orders-svc") || strings.HasPrefix(tx.TransactionalID, "orders-svc") || tx.TransactionalID == "settlement" {
					txns++
				}
			}
			snaps[i] = got
			return txns == want.txns
		}, time.Minute, 500*time.Millisecond, "%s: the snapshot never held its %d ACLs and %d transactional ids", c.Name, want.acls, want.txns)
		require.True(t, snaps[i].ACLs.Available, snaps[i].ACLs.Reason)
		require.True(t, snaps[i].Transactions.Available, snaps[i].Transactions.Reason)
		require.True(t, snaps[i].Producers.Available, snaps[i].Producers.Reason)
	}

	c := environments.Compare([]environments.Input{{Environment: "staging", Snapshot: snaps[0]}, {Environment: "prod", Snapshot: snaps[1]}},
		cfg.Environments, environments.Options{})
	logical := func(name string) *environments.Topic { return logicalTopic(t, c, name) }
	drift := driftValues

	// The clusters' own answer, per topic: the principals allowed to write and to read it, with
	// the environment's suffix taken off as site.yaml's principals template says.
	clusterSays := func(e *aclEnv, topic, op string) string {
		var allowed, denied []string
		for _, a := range aclsMatching(t, e.bootstrap[0], topic) {
			if a.Operation != op && a.Operation != "ALL" {
				continue
			}
			name := strings.TrimSuffix(a.Principal, "-"+e.name)
			switch {
			case a.Permission == "ALLOW":
				allowed = append(allowed, name)
			case a.Host == "*":
				denied = append(denied, name)
			}
		}
		allowed = slices.DeleteFunc(allowed, func(n string) bool { return slices.Contains(denied, n) })
		slices.Sort(allowed)
		if len(allowed) == 0 {
			return "none"
		}
		return strings.Join(slices.Compact(allowed), ", ")
	}
	for _, name := range []string{"orders", "payments"} {
		tp := logical(p + name)
		d := drift(tp)
		for _, prop := range []struct{ name, op string }{{environments.PropWritePrincipals, "WRITE"}, {environments.PropReadPrincipals, "READ"}} {
			want := []string{clusterSays(staging, s(p+name), prop.op), clusterSays(prod, p+name, prop.op)}
			if want[0] == want[1] {
				assert.NotContains(t, d, prop.name, "%s: the clusters agree on %s: %v", name, prop.name, want)
			} else {
				assert.Equal(t, want, d[prop.name], "%s: %s as each cluster says", name, prop.name)
			}
		}
	}
	// And what that is, spelled out: fraud may write orders in prod only; analytics may read
	// payments in prod only.
	assert.Equal(t, map[string][]string{
		environments.PropWritePrincipals: {"User:admin, User:orders-svc", "User:admin, User:fraud, User:orders-svc"},
	}, drift(logical(p+"orders")), "orders-svc's two prod instances and its staging one are the same writer")
	payments := logical(p + "payments")
	assert.Equal(t, map[string][]string{
		environments.PropReadPrincipals: {"User:admin", "User:admin, User:analytics"},
		environments.PropWriters:        {"none", "transactional id settlement"},
	}, drift(payments))
	assert.Equal(t, 0, payments.In[0].ActiveProducers)
	assert.Equal(t, 1, payments.In[1].ActiveProducers, "the idempotent producer: counted, not compared")
	require.Len(t, c.Pairs, 1)
	assert.GreaterOrEqual(t, c.Pairs[0].Topics, 2)
}

// aclsMatching is Kafka's own AclCommand on the ACLs that apply to topic: kafka-acls --list
// --topic T --resource-pattern-type match (literal T, literal *, and prefixes of T).
func aclsMatching(t *testing.T, bootstrap, topic string) []snapshot.ACL {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "kafka.sh"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, script, "tool", "kafka-acls", "--bootstrap-server", bootstrap,
		"--list", "--topic", topic, "--resource-pattern-type", "match").Output()
	if ee, ok := err.(*exec.ExitError); ok {
		require.NoError(t, err, "kafka-acls: %s", ee.Stderr)
	}
	require.NoError(t, err, "kafka-acls")
	acls := testenv.ParseACLs(string(out))
	require.NotEmpty(t, acls, "kafka-acls listed nothing for %s:\n%s", topic, out)
	return acls
}
