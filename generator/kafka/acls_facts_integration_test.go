package kafka

// ACLs on a private cluster with StandardAuthorizer (scripts/kafka.sh with
// KDOCS_KAFKA_AUTHORIZER=1, on the writers' private port base), compared with Kafka's own
// AclCommand (kafka-acls --list), and resolved per topic into the principals allowed to write
// and read it (lineage.Writers). kdocs connects over PLAINTEXT, as User:ANONYMOUS, a super user.

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// aclPortBase is this test's private cluster (TEAM.md gives the writers 28091 and up).
const aclPortBase = 28091

func TestFactsACLsMatchAclCommand(t *testing.T) {
	pk := testenv.StartPrivateKafka(t, aclPortBase, "KDOCS_KAFKA_AUTHORIZER=1")
	ctx := context.Background()
	cl, err := kgo.NewClient(kgo.SeedBrokers(pk.Bootstrap...))
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)

	suffix := fmt.Sprint(time.Now().UnixNano())
	orders, other := "orders.placed-"+suffix, "payments-"+suffix
	testenv.CreateTopic(ctx, t, cl, orders, 1, 3, nil)
	testenv.CreateTopic(ctx, t, cl, other, 1, 3, nil)

	acl := func(principal string, op kadm.ACLOperation, deny bool) *kadm.ACLBuilder {
		b := kadm.NewACLs().ResourcePatternType(kadm.ACLPatternLiteral)
		if deny {
			b = b.Deny(principal).DenyHosts("*")
		} else {
			b = b.Allow(principal).AllowHosts("*")
		}
		return b.Operations(op)
	}
	builders := []*kadm.ACLBuilder{
		acl("User:alice", kadm.OpWrite, false).Topics(orders),                                              // literal WRITE
		acl("User:bob", kadm.OpRead, false).Topics("orders.").ResourcePatternType(kadm.ACLPatternPrefixed), // prefixed READ
		acl("User:carol", kadm.OpAll, false).Topics("*"),                                                   // ALL on every topic
		acl("User:carol", kadm.OpWrite, true).Topics(other),                                                // but not WRITE on other
	}
	for _, b := range builders {
		res, err := adm.CreateACLs(ctx, b)
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
	}

	c := config.Cluster{Name: "acls", Bootstrap: pk.Bootstrap, Timeout: config.Duration(10 * time.Second)}
	var s *snapshot.Snapshot
	// StandardAuthorizer applies new ACLs when each broker replays the metadata record.
	require.Eventually(t, func() bool {
		s, err = Collect(ctx, c)
		return err == nil && s.ACLs != nil && len(s.ACLs.Entries) == 4
	}, 30*time.Second, 200*time.Millisecond, "the snapshot never held the 4 ACLs")
	require.True(t, s.ACLs.Available, s.ACLs.Reason)
	for _, e := range s.Errors {
		assert.NotEqual(t, "acls", e.Scope, "%+v", e)
	}

	tool, out := aclCommandList(t, pk.Bootstrap[0])
	assert.Equal(t, tool, s.ACLs.Entries, "kafka-acls --list:\n%s", out)

	// Resolved per topic: literal, prefixed and * patterns, the DENY from any host.
	w := lineage.Writers(s)
	access := func(topic string) []string {
		var got []string
		if tw := w[topic]; tw != nil {
			for _, e := range tw.Writers {
				if e.Kind == lineage.WriterPrincipal {
					got = append(got, e.Name+" "+e.Access())
				}
			}
		}
		return got
	}
	assert.Equal(t, []string{"User:alice allowed to write", "User:carol allowed to write", "User:bob allowed to read", "User:carol allowed to read"}, access(orders))
	assert.Equal(t, []string{"User:carol allowed to read"}, access(other))

	t.Run("sampling records as a principal that may read one topic", func(t *testing.T) {
		// Over mutual TLS kdocs is User:CN=kdocs, no super user: it may describe the cluster
		// and every topic, and read orders only.
		const sampler = "User:CN=kdocs"
		for _, b := range []*kadm.ACLBuilder{
			kadm.NewACLs().Allow(sampler).AllowHosts("*").Operations(kadm.OpDescribe).Clusters(),
			kadm.NewACLs().Allow(sampler).AllowHosts("*").Operations(kadm.OpDescribe).Topics("*").ResourcePatternType(kadm.ACLPatternLiteral),
			kadm.NewACLs().Allow(sampler).AllowHosts("*").Operations(kadm.OpRead).Topics(orders).ResourcePatternType(kadm.ACLPatternLiteral),
		} {
			res, err := adm.CreateACLs(ctx, b)
			require.NoError(t, err)
			for _, r := range res {
				require.NoError(t, r.Err)
			}
		}
		for _, topic := range []string{orders, other} {
			for i := range 5 {
				require.NoError(t, cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte{0, 0, 0, 0, byte(i + 1), 'p'}}).FirstErr())
			}
		}
		tls := filepath.Join(pk.Dir, "tls")
		var mtls []string
		for n := 1; n <= 3; n++ {
			mtls = append(mtls, fmt.Sprintf("127.0.0.1:%d", aclPortBase+300+n))
		}
		mc := config.Cluster{Name: "acls-mtls", Bootstrap: mtls, Timeout: config.Duration(10 * time.Second), DialTimeout: config.Duration(5 * time.Second),
			Security: &config.Security{Protocol: config.ProtocolSSL, TLS: &config.TLS{CAFile: filepath.Join(tls, "ca.pem"),
				CertFile: filepath.Join(tls, "client.crt"), KeyFile: filepath.Join(tls, "client.key")}},
			Sample: &config.Sample{Records: 20, MaxBytes: config.DefaultSampleMaxBytes}}
		var read, denied snapshot.TopicSample
		require.Eventually(t, func() bool {
			s, err := Collect(ctx, mc)
			if err != nil || s.Samples == nil {
				return false
			}
			read, denied = snapshot.TopicSample{}, snapshot.TopicSample{}
			for _, ts := range s.Samples.Topics {
				switch ts.Topic {
				case orders:
					read = ts
				case other:
					denied = ts
				}
			}
			return read.Records == 5 && denied.Error != ""
		}, 30*time.Second, 300*time.Millisecond, "the sample never read %s and was refused %s: %+v %+v", orders, other, read, denied)
		require.Len(t, read.Value.Schemas, 5)
		assert.Empty(t, read.Error)
		assert.Contains(t, denied.Error, "TOPIC_AUTHORIZATION_FAILED")
		assert.Zero(t, denied.Records)
	})
}

func compareACLs(a, b snapshot.ACL) int {
	for _, p := range [][2]string{{a.ResourceType, b.ResourceType}, {a.ResourceName, b.ResourceName}, {a.PatternType, b.PatternType},
		{a.Principal, b.Principal}, {a.Host, b.Host}, {a.Operation, b.Operation}, {a.Permission, b.Permission}} {
		if p[0] != p[1] {
			if p[0] < p[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// aclCommandList runs kafka-acls --list on the cluster of bootstrap and reads what it prints per
// resource pattern, its entries, as kdocs orders ACLs; out is the tool's output.
func aclCommandList(t *testing.T, bootstrap string) (acls []snapshot.ACL, out string) {
	t.Helper()
	out = kafkaToolAt(t, bootstrap, "kafka-acls", "--list")
	acls = testenv.ParseACLs(out)
	slices.SortFunc(acls, compareACLs)
	return acls, out
}
