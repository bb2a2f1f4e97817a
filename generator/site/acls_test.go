package site

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestACLsPage(t *testing.T) {
	snap := flowsSnapshot()
	snap.ACLs = &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{
		{ResourceType: "TOPIC", ResourceName: "orders.placed", PatternType: "LITERAL", Principal: "User:billing", Host: "*", Operation: "READ", Permission: "ALLOW"},
		{ResourceType: "TOPIC", ResourceName: "orders.", PatternType: "PREFIXED", Principal: "User:x", Host: "*", Operation: "WRITE", Permission: "DENY"},
		{ResourceType: "GROUP", ResourceName: "ledger", PatternType: "LITERAL", Principal: "User:billing", Host: "10.0.0.1", Operation: "READ", Permission: "ALLOW"},
	}}
	snap.Quotas = &snapshot.QuotaSection{Available: true, Entries: []snapshot.Quota{
		{Entity: []snapshot.QuotaEntity{{Type: "user", Name: "alice"}, {Type: "client-id", Name: "app"}},
			Values: []snapshot.QuotaValue{{Key: "producer_byte_rate", Value: 1048576}, {Key: "request_percentage", Value: 12.5}}},
		{Entity: []snapshot.QuotaEntity{{Type: "user", Default: true}}, Values: []snapshot.QuotaValue{{Key: "consumer_byte_rate", Value: 2e6}}},
	}}
	s, err := Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	d := s.Page("clusters/prod/acls").Data.(*ACLsData)
	assert.True(t, d.ACLsRecorded && d.ACLsAvailable)
	require.Len(t, d.ACLs, 3)
	byName := map[string]Link{}
	for _, a := range d.ACLs {
		byName[a.Resource.Title] = a.Resource
	}
	assert.Equal(t, "clusters/prod/topics/orders.placed", byName["orders.placed"].Path)
	assert.Equal(t, "", byName["orders."].Path, "a prefix is no page")
	assert.Equal(t, "clusters/prod/groups/ledger", byName["ledger"].Path)
	assert.Equal(t, []QuotaRow{
		{Entity: "user alice, client-id app", Values: []QuotaSetting{{"producer_byte_rate", "1,048,576"}, {"request_percentage", "12.5"}}},
		{Entity: "default user", Values: []QuotaSetting{{"consumer_byte_rate", "2,000,000"}}},
	}, d.Quotas)

	// Not readable, or not recorded at all: the page says which.
	snap = flowsSnapshot()
	snap.ACLs = &snapshot.ACLSection{Reason: "no authorizer configured"}
	s, err = Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	d = s.Page("clusters/prod/acls").Data.(*ACLsData)
	assert.True(t, d.ACLsRecorded)
	assert.False(t, d.ACLsAvailable)
	assert.Equal(t, "no authorizer configured", d.ACLsReason)
	assert.False(t, d.QuotasRecorded)
}
