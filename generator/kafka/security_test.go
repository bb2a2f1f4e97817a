package kafka

// ACLs and client quotas: read when the cluster lets kdocs read them, otherwise the section says
// why it is unavailable and the collection goes on.

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestACLsAndQuotasFake: kfake without an authorizer stores ACLs and quotas and describes them
// to anyone; both sections come back complete, in Kafka's names, in canonical order.
func TestACLsAndQuotasFake(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 1})
	ctx := context.Background()
	for _, b := range []*kadm.ACLBuilder{
		kadm.NewACLs().Topics("orders").Allow("User:billing").AllowHosts("*").Operations(kadm.OpRead, kadm.OpDescribe).ResourcePatternType(kadm.ACLPatternLiteral),
		kadm.NewACLs().Groups("billing-").Deny("User:mallory").DenyHosts("10.0.0.9").Operations(kadm.OpRead).ResourcePatternType(kadm.ACLPatternPrefixed),
	} {
		res, err := f.adm.CreateACLs(ctx, b)
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
	}
	alice, etl := "alice", "etl"
	altered, err := f.adm.AlterClientQuotas(ctx, []kadm.AlterClientQuotaEntry{
		{Entity: kadm.ClientQuotaEntity{{Type: "user", Name: &alice}, {Type: "client-id"}}, Ops: []kadm.AlterClientQuotaOp{{Key: "producer_byte_rate", Value: 1048576}, {Key: "consumer_byte_rate", Value: 2097152}}},
		{Entity: kadm.ClientQuotaEntity{{Type: "client-id", Name: &etl}}, Ops: []kadm.AlterClientQuotaOp{{Key: "request_percentage", Value: 50}}},
	})
	require.NoError(t, err)
	for _, a := range altered {
		require.NoError(t, a.Err)
	}

	s, err := Collect(ctx, f.config("fake"))
	require.NoError(t, err)
	assert.Empty(t, s.Errors)
	assert.Equal(t, &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{
		{ResourceType: "GROUP", ResourceName: "billing-", PatternType: "PREFIXED", Principal: "User:mallory", Host: "10.0.0.9", Operation: "READ", Permission: "DENY"},
		{ResourceType: "TOPIC", ResourceName: "orders", PatternType: "LITERAL", Principal: "User:billing", Host: "*", Operation: "DESCRIBE", Permission: "ALLOW"},
		{ResourceType: "TOPIC", ResourceName: "orders", PatternType: "LITERAL", Principal: "User:billing", Host: "*", Operation: "READ", Permission: "ALLOW"},
	}}, s.ACLs)
	assert.Equal(t, &snapshot.QuotaSection{Available: true, Entries: []snapshot.Quota{
		// The default client id sorts before named ones.
		{Entity: []snapshot.QuotaEntity{{Type: "client-id", Default: true}, {Type: "user", Name: "alice"}},
			Values: []snapshot.QuotaValue{{Key: "consumer_byte_rate", Value: 2097152}, {Key: "producer_byte_rate", Value: 1048576}}},
		{Entity: []snapshot.QuotaEntity{{Type: "client-id", Name: "etl"}}, Values: []snapshot.QuotaValue{{Key: "request_percentage", Value: 50}}},
	}}, s.Quotas)
}

// TestACLsAndQuotasUnavailable: refused, disabled and unsupported sections say why, and none
// of that makes the snapshot partial.
func TestACLsAndQuotasUnavailable(t *testing.T) {
	answer := func(f *fake, key kmsg.Key, code int16) {
		f.cluster.ControlKey(int16(key), func(kr kmsg.Request) (kmsg.Response, error, bool) {
			f.cluster.KeepControl()
			switch resp := kr.ResponseKind().(type) {
			case *kmsg.DescribeACLsResponse:
				resp.ErrorCode = code
				return resp, nil, true
			case *kmsg.DescribeClientQuotasResponse:
				resp.ErrorCode = code
				return resp, nil, true
			}
			return nil, nil, false
		})
	}

	t.Run("not authorized", func(t *testing.T) {
		f := newFake(t, fakeTopic{name: "orders", partitions: 1})
		answer(f, kmsg.DescribeACLs, 31)
		answer(f, kmsg.DescribeClientQuotas, 31)
		s, err := Collect(context.Background(), f.config("fake"))
		require.NoError(t, err)
		assert.Empty(t, s.Errors)
		assert.Equal(t, &snapshot.ACLSection{Reason: "not authorized: kdocs' principal lacks DESCRIBE on the cluster"}, s.ACLs)
		assert.Equal(t, &snapshot.QuotaSection{Reason: "not authorized: kdocs' principal lacks DESCRIBE_CONFIGS on the cluster"}, s.Quotas)
		assert.NotNil(t, s.Topic("orders"), "the rest is collected")
	})

	t.Run("no authorizer", func(t *testing.T) {
		f := newFake(t)
		answer(f, kmsg.DescribeACLs, 54)
		s, err := Collect(context.Background(), f.config("fake"))
		require.NoError(t, err)
		assert.Empty(t, s.Errors)
		assert.Equal(t, &snapshot.ACLSection{Reason: "no authorizer configured"}, s.ACLs)
		assert.True(t, s.Quotas.Available)
	})

	t.Run("other errors are failures", func(t *testing.T) {
		f := newFake(t)
		answer(f, kmsg.DescribeClientQuotas, 7) // REQUEST_TIMED_OUT
		s, err := Collect(context.Background(), f.config("fake"))
		require.NoError(t, err)
		assert.False(t, s.Quotas.Available)
		assert.Equal(t, "Request Timed Out (error 7)", s.Quotas.Reason)
		require.Len(t, s.Errors, 1)
		assert.Equal(t, snapshot.Error{Scope: "quotas", Message: "describe client quotas: Request Timed Out (error 7)"}, s.Errors[0])
	})

	t.Run("unsupported", func(t *testing.T) {
		// Brokers that predate both APIs (or hide them): kfake stops advertising them.
		v := kversion.V4_1_0()
		v.SetMaxKeyVersion(int16(kmsg.DescribeACLs), -1)
		v.SetMaxKeyVersion(int16(kmsg.DescribeClientQuotas), -1)
		c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.MaxVersions(v))
		require.NoError(t, err)
		t.Cleanup(c.Close)
		s, err := Collect(context.Background(), config.Cluster{Name: "old", Bootstrap: c.ListenAddrs(), Timeout: config.Duration(5 * time.Second)})
		require.NoError(t, err)
		assert.Empty(t, s.Errors)
		assert.Equal(t, &snapshot.ACLSection{Reason: "not supported by the brokers: broker does not support the DescribeAcls API"}, s.ACLs)
		assert.Equal(t, &snapshot.QuotaSection{Reason: "not supported by the brokers: broker does not support the DescribeClientQuotas API"}, s.Quotas)
	})
}

// TestACLsUnreachable: when no broker answers the request at all, the section is unavailable
// and the snapshot is partial, naming every broker tried.
func TestACLsUnreachable(t *testing.T) {
	f := newFake(t)
	f.cluster.ControlKey(int16(kmsg.DescribeACLs), func(kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		return nil, nil, true // never answer
	})
	c := f.config("fake")
	c.Timeout = config.Duration(200 * time.Millisecond)
	s, err := Collect(context.Background(), c)
	require.NoError(t, err)
	assert.False(t, s.ACLs.Available)
	assert.Contains(t, s.ACLs.Reason, "could not be read: broker 0 (")
	assert.Contains(t, s.ACLs.Reason, "; broker 2 (")
	require.Len(t, s.Errors, 1)
	assert.Equal(t, "acls", s.Errors[0].Scope)
	assert.Contains(t, s.Errors[0].Message, "no answer within 200ms")
}
