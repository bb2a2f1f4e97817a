package kafka

// Integration tests of TLS and SASL against the SASL_SSL and mutual-TLS listeners that
// scripts/kafka.sh gives every node of the shared test cluster (testenv.KafkaSASL). A snapshot
// taken through them must equal in substance one taken over PLAINTEXT: the metadata path
// (kafka.Transport) and the broker pool (conn.go) both authenticate, or the pool's sections
// would land in Errors.

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/protocol/describeclientquotas"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	runner "github.com/kdocs/kdocs/generator/collect"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

func saslCluster(env testenv.SASL, mechanism, password string, tls *config.TLS) config.Cluster {
	return config.Cluster{
		Name:        "acme-sasl",
		Environment: "integration",
		Bootstrap:   env.Bootstrap,
		Timeout:     config.Duration(10 * time.Second),
		DialTimeout: config.Duration(5 * time.Second),
		Security: &config.Security{
			Protocol: config.ProtocolSASLSSL,
			SASL:     &config.SASL{Mechanism: mechanism, Username: env.Username, Password: password},
			TLS:      tls,
		},
	}
}

// requireSeededSnapshot checks what each road to the brokers delivered: metadata (topics,
// brokers on the secured port), the pool (log dirs, offsets, groups) and kafka.Client (configs).
func requireSeededSnapshot(t *testing.T, s *snapshot.Snapshot, port int) {
	t.Helper()
	// Not "no errors at all": other tests create and delete topics on the shared cluster
	// meanwhile. But no request to a broker may have failed (the pool's errors name it so).
	for _, e := range s.Errors {
		assert.NotRegexp(t, `broker \d+ \(127\.0\.0\.1:\d+\)|authentication|tls`, e.Message, "every request must pass the secured listener")
	}
	require.Len(t, s.Cluster.Brokers, 3)
	for i, b := range s.Cluster.Brokers {
		assert.Equal(t, port+i, b.Port, "metadata names the listener asked")
		require.Len(t, b.LogDirs, 1, "broker %d: log dirs come through the pool", b.ID)
	}
	topic := s.Topic("orders.order-placed.v1")
	require.NotNil(t, topic, "the seeded estate is in the snapshot")
	assert.NotEmpty(t, topic.Configs, "topic configs come through kafka.Client")
	var records int64
	for _, p := range topic.Partitions {
		records += p.LatestOffset - p.EarliestOffset
	}
	assert.Positive(t, records, "offsets come through the pool")
	assert.NotEmpty(t, s.Groups, "groups come through the pool")
}

func TestSASLSSLRealCluster(t *testing.T) {
	env := testenv.KafkaSASL(t)
	ca := &config.TLS{CAFile: env.CAFile}
	for _, mech := range []string{config.MechanismSCRAMSHA512, config.MechanismSCRAMSHA256, config.MechanismPlain} {
		t.Run(mech, func(t *testing.T) {
			start := time.Now()
			s, err := Collect(context.Background(), saslCluster(env, mech, env.Password, ca))
			require.NoError(t, err)
			t.Logf("%s over TLS: %d topics, %d groups in %s", mech, len(s.Topics), len(s.Groups), time.Since(start).Round(time.Millisecond))
			requireSeededSnapshot(t, s, testenv.KafkaPortBase()+201)
		})
	}
}

func TestSASLWrongPasswordRealCluster(t *testing.T) {
	env := testenv.KafkaSASL(t)
	const wrong = "not-the-kdocs-password-4711"
	for _, mech := range []string{config.MechanismSCRAMSHA512, config.MechanismSCRAMSHA256, config.MechanismPlain} {
		t.Run(mech, func(t *testing.T) {
			_, err := Collect(context.Background(), saslCluster(env, mech, wrong, &config.TLS{CAFile: env.CAFile}))
			require.Error(t, err)
			msg := err.Error()
			t.Log(msg)
			assert.Contains(t, msg, `cluster "acme-sasl"`)
			assert.Contains(t, msg, env.Bootstrap[0]+": authentication failed (SASL_SSL, "+mech+` as user "kdocs"): `)
			assert.NotContains(t, msg, wrong)
			assert.NotContains(t, msg, env.Password)
			assert.Equal(t, 1, strings.Count(msg, "authentication failed"), "a refused login is not retried on the next broker")
		})
	}
}

// TestSecretsStayOutOfSnapshotAndLog runs collect.Run, as `kdocs snapshot` does, once with the
// right password and once with a wrong one, and greps everything it wrote.
func TestSecretsStayOutOfSnapshotAndLog(t *testing.T) {
	env := testenv.KafkaSASL(t)
	const wrong = "wrong-password-0815"
	for _, password := range []string{env.Password, wrong} {
		dir := t.TempDir()
		c := saslCluster(env, config.MechanismSCRAMSHA512, password, &config.TLS{CAFile: env.CAFile})
		site := &config.Site{Title: "t", Snapshots: dir, Clusters: []config.Cluster{c}}
		var logged bytes.Buffer
		out := runner.Run(context.Background(), site, runner.Options{
			Kafka:  Collect,
			Logger: slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})),
		})
		require.Len(t, out, 1)
		written := logged.String()
		if out[0].Err != nil {
			written += out[0].Err.Error() + strings.Join(out[0].Health.Reasons, "\n")
		}
		if password == wrong {
			require.Error(t, out[0].Err)
			assert.Contains(t, written, "authentication failed")
		} else {
			require.NoError(t, out[0].Err)
			data, err := os.ReadFile(filepath.Join(dir, "acme-sasl.json"))
			require.NoError(t, err)
			require.Contains(t, string(data), "orders.order-placed.v1")
			written += string(data)
		}
		assert.NotContains(t, written, password)
	}
}

func TestTLSVerificationRealCluster(t *testing.T) {
	env := testenv.KafkaSASL(t)
	t.Run("without the CA", func(t *testing.T) {
		_, err := Collect(context.Background(), saslCluster(env, config.MechanismSCRAMSHA512, env.Password, nil))
		require.Error(t, err)
		t.Log(err)
		assert.Contains(t, err.Error(), `cluster "acme-sasl"`)
		assert.Contains(t, err.Error(), "TLS: the broker's certificate is not trusted")
		assert.Contains(t, err.Error(), "certificate signed by unknown authority")
	})
	t.Run("insecureSkipVerify", func(t *testing.T) {
		s, err := Collect(context.Background(), saslCluster(env, config.MechanismSCRAMSHA512, env.Password, &config.TLS{InsecureSkipVerify: true}))
		require.NoError(t, err)
		requireSeededSnapshot(t, s, testenv.KafkaPortBase()+201)
	})
	t.Run("wrong protocol", func(t *testing.T) {
		// TLS to a PLAINTEXT listener: the broker hangs up on the TLS hello.
		c := saslCluster(env, config.MechanismSCRAMSHA512, env.Password, &config.TLS{CAFile: env.CAFile})
		c.Bootstrap = testenv.Kafka(t)[:1]
		_, err := Collect(context.Background(), c)
		require.Error(t, err)
		t.Log(err)
		assert.Contains(t, err.Error(), "does security.protocol SASL_SSL match its listener?")
	})
}

func TestMutualTLSRealCluster(t *testing.T) {
	env := testenv.KafkaSASL(t)
	c := config.Cluster{
		Name: "acme-mtls", Bootstrap: env.MTLSBootstrap,
		Timeout: config.Duration(10 * time.Second), DialTimeout: config.Duration(5 * time.Second),
		Security: &config.Security{Protocol: config.ProtocolSSL, TLS: &config.TLS{CAFile: env.CAFile, CertFile: env.ClientCert, KeyFile: env.ClientKey}},
	}
	if testenv.KafkaAuthorizer() {
		allowMTLSPrincipal(t)
	}
	s, err := Collect(context.Background(), c)
	require.NoError(t, err)
	requireSeededSnapshot(t, s, testenv.KafkaPortBase()+301)

	c.Security.TLS.CertFile, c.Security.TLS.KeyFile = "", ""
	_, err = Collect(context.Background(), c)
	require.Error(t, err, "the SSL listener requires a client certificate")
	t.Log(err)
	assert.Contains(t, err.Error(), `cluster "acme-mtls"`)
	assert.Contains(t, err.Error(), "TLS: the broker refused kdocs' client certificate, or wants one")
}

// TestPoolAuthenticatesRealCluster asks one broker through the pool alone: it must run SASL
// itself, and a refused login names the broker, not the password.
func TestPoolAuthenticatesRealCluster(t *testing.T) {
	env := testenv.KafkaSASL(t)
	addrs := map[int32]string{1: env.Bootstrap[0]}
	for _, tc := range []struct {
		password string
		ok       bool
	}{{env.Password, true}, {"pool-wrong-password", false}} {
		c := saslCluster(env, config.MechanismSCRAMSHA256, tc.password, &config.TLS{CAFile: env.CAFile})
		sec, err := newSecurity(c.Security)
		require.NoError(t, err)
		pool := newBrokerPool(defaultOptions().dial, clientID, 10*time.Second, 5*time.Second, addrs, 1, sec)
		_, err = pool.roundTrip(context.Background(), 1, &describeclientquotas.Request{})
		pool.close()
		if tc.ok {
			require.NoError(t, err)
			continue
		}
		require.Error(t, err)
		assert.Contains(t, err.Error(), "broker 1 ("+env.Bootstrap[0]+"): authentication failed (SASL_SSL, SCRAM-SHA-256 as user \"kdocs\"): ")
		assert.NotContains(t, err.Error(), tc.password)
	}
}

func TestInsecureSkipVerifyIsLoggedAsWarning(t *testing.T) {
	env := testenv.KafkaSASL(t)
	c := saslCluster(env, config.MechanismSCRAMSHA512, env.Password, &config.TLS{InsecureSkipVerify: true, Line: 9})
	var logged bytes.Buffer
	out := runner.Run(context.Background(), &config.Site{Title: "t", Snapshots: t.TempDir(), Clusters: []config.Cluster{c}}, runner.Options{
		Kafka:  Collect,
		Logger: slog.New(slog.NewTextHandler(&logged, nil)),
	})
	require.Len(t, out, 1)
	require.NoError(t, out[0].Err)
	assert.Contains(t, logged.String(), `level=WARN msg="line 9: cluster \"acme-sasl\": security.tls.insecureSkipVerify is true`)
	assert.NotContains(t, logged.String(), env.Password)
}

// allowMTLSPrincipal: on a cluster with an authorizer (KDOCS_KAFKA_AUTHORIZER=1) the client
// certificate's principal, User:CN=kdocs, is no super user (the ACL facts test relies on that),
// so this test lets it describe and read what a snapshot reads until the test ends. Granted
// over PLAINTEXT, as User:ANONYMOUS, a super user.
func allowMTLSPrincipal(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cl, err := kgo.NewClient(kgo.SeedBrokers(testenv.Kafka(t)...))
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)
	const principal = "User:CN=kdocs"
	grants := []*kadm.ACLBuilder{
		kadm.NewACLs().Allow(principal).AllowHosts("*").Operations(kadm.OpDescribe, kadm.OpDescribeConfigs).
			Clusters().Topics("*").ResourcePatternType(kadm.ACLPatternLiteral),
		kadm.NewACLs().Allow(principal).AllowHosts("*").Operations(kadm.OpRead).Topics("*").ResourcePatternType(kadm.ACLPatternLiteral),
		kadm.NewACLs().Allow(principal).AllowHosts("*").Operations(kadm.OpDescribe).
			Groups("*").TransactionalIDs("*").ResourcePatternType(kadm.ACLPatternLiteral),
	}
	for _, b := range grants {
		res, err := adm.CreateACLs(ctx, b)
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
	}
	t.Cleanup(func() {
		for _, b := range grants {
			if _, err := adm.DeleteACLs(ctx, b); err != nil {
				t.Logf("delete the ACLs of %s: %v", principal, err)
			}
		}
	})
	// Each broker applies new ACLs when it replays their metadata records.
	require.Eventually(t, func() bool {
		d, err := adm.DescribeACLs(ctx, kadm.NewACLs().Allow(principal).AllowHosts("*").
			Operations(kadm.OpAny).AnyResource().ResourcePatternType(kadm.ACLPatternAny))
		if err != nil {
			return false
		}
		n := 0
		for _, r := range d {
			n += len(r.Described)
		}
		return n >= 7 // 2 operations × 2 resources, 1, 1 × 2
	}, 30*time.Second, 200*time.Millisecond, "the ACLs of %s never listed", principal)
}
