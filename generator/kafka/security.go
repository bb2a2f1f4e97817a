package kafka

// ACLs (DescribeAcls) and client quotas (DescribeClientQuotas): one request each, to one broker.
// Either section may simply not apply to a cluster (no authorizer configured), be hidden from
// kdocs (its principal lacks the permission) or be unknown to an old broker. Those are facts,
// recorded as the section being unavailable with the reason, and the snapshot is not partial
// for them. Only a failure to ask at all (no broker answered) is also an entry in Errors.
//
// Both go through the broker pool rather than kafka.Client: Client.DescribeClientQuotas drops
// the response's error code, so "not authorized" would read as "no quotas", and the Client
// sends version 0 of an API the broker does not offer instead of saying that it does not.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/segmentio/kafka-go/protocol/describeacls"
	"github.com/segmentio/kafka-go/protocol/describeclientquotas"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Kafka error codes that make a section unavailable rather than failed.
const (
	errClusterAuthorizationFailed = 31
	errSecurityDisabled           = 54
)

// The enums of ACL bindings, by their Java names (org.apache.kafka.common.acl and .resource).
// 1 is ANY in each, the wildcard of a filter.
const aclAny = 1

var (
	aclResourceTypes = map[int8]string{2: "TOPIC", 3: "GROUP", 4: "CLUSTER", 5: "TRANSACTIONAL_ID", 6: "DELEGATION_TOKEN", 7: "USER"}
	aclPatternTypes  = map[int8]string{3: "LITERAL", 4: "PREFIXED"}
	aclOperations    = map[int8]string{
		2: "ALL", 3: "READ", 4: "WRITE", 5: "CREATE", 6: "DELETE", 7: "ALTER", 8: "DESCRIBE",
		9: "CLUSTER_ACTION", 10: "DESCRIBE_CONFIGS", 11: "ALTER_CONFIGS", 12: "IDEMPOTENT_WRITE",
		13: "CREATE_TOKENS", 14: "DESCRIBE_TOKENS", 15: "TWO_PHASE_COMMIT",
	}
	aclPermissions = map[int8]string{2: "DENY", 3: "ALLOW"}
)

// acls reads every ACL binding of the cluster.
func (c *collector) acls(ctx context.Context, brokerIDs []int32) *snapshot.ACLSection {
	req := &describeacls.Request{Filter: describeacls.ACLFilter{
		// Empty name, principal and host encode as null: match any.
		ResourceTypeFilter:        aclAny,
		ResourcePatternTypeFilter: aclAny,
		Operation:                 aclAny,
		PermissionType:            aclAny,
	}}
	r, err := c.askAny(ctx, brokerIDs, req)
	if err != nil {
		return &snapshot.ACLSection{Reason: c.unreadable("acls", "describe ACLs", err)}
	}
	res := r.(*describeacls.Response)
	switch res.ErrorCode {
	case 0:
	case errSecurityDisabled:
		return &snapshot.ACLSection{Reason: "no authorizer configured"}
	case errClusterAuthorizationFailed:
		return &snapshot.ACLSection{Reason: "not authorized: kdocs' principal lacks DESCRIBE on the cluster"}
	default:
		msg := errorText(res.ErrorCode, res.ErrorMessage)
		c.record("acls", "", "describe ACLs: %s", msg)
		return &snapshot.ACLSection{Reason: msg}
	}
	out := &snapshot.ACLSection{Available: true}
	for _, rs := range res.Resources {
		for _, a := range rs.ACLs {
			out.Entries = append(out.Entries, snapshot.ACL{
				ResourceType: enumName(aclResourceTypes, rs.ResourceType),
				ResourceName: rs.ResourceName,
				PatternType:  enumName(aclPatternTypes, rs.PatternType),
				Principal:    a.Principal,
				Host:         a.Host,
				Operation:    enumName(aclOperations, a.Operation),
				Permission:   enumName(aclPermissions, a.PermissionType),
			})
		}
	}
	return out
}

// quotas reads every client quota of the cluster.
func (c *collector) quotas(ctx context.Context, brokerIDs []int32) *snapshot.QuotaSection {
	// No components and not strict: every entity, whatever its type.
	r, err := c.askAny(ctx, brokerIDs, &describeclientquotas.Request{})
	if err != nil {
		return &snapshot.QuotaSection{Reason: c.unreadable("quotas", "describe client quotas", err)}
	}
	res := r.(*describeclientquotas.Response)
	switch res.ErrorCode {
	case 0:
	case errClusterAuthorizationFailed:
		return &snapshot.QuotaSection{Reason: "not authorized: kdocs' principal lacks DESCRIBE_CONFIGS on the cluster"}
	default:
		msg := errorText(res.ErrorCode, res.ErrorMessage)
		c.record("quotas", "", "describe client quotas: %s", msg)
		return &snapshot.QuotaSection{Reason: msg}
	}
	out := &snapshot.QuotaSection{Available: true}
	for _, e := range res.Entries {
		q := snapshot.Quota{Entity: []snapshot.QuotaEntity{}, Values: []snapshot.QuotaValue{}}
		for _, en := range e.Entities {
			// kafka-go decodes the null name of a default entity as "", and Kafka refuses
			// an empty entity name, so "" can only mean the default.
			q.Entity = append(q.Entity, snapshot.QuotaEntity{Type: en.EntityType, Name: en.EntityName, Default: en.EntityName == ""})
		}
		for _, v := range e.Values {
			q.Values = append(q.Values, snapshot.QuotaValue{Key: v.Key, Value: v.Value})
		}
		out.Entries = append(out.Entries, q)
	}
	return out
}

// askAny sends msg to the brokers in turn, lowest id first, until one answers: any broker can
// answer for the whole cluster. A broker that does not offer the API ends the search, since
// the brokers of one cluster run one version.
func (c *collector) askAny(ctx context.Context, brokerIDs []int32, msg protocol.Message) (protocol.Message, error) {
	var failures []string
	for _, id := range brokerIDs {
		r, err := c.brokers.roundTrip(ctx, id, msg)
		if err == nil {
			return r, nil
		}
		var unsupported *unsupportedError
		if errors.As(err, &unsupported) || ctx.Err() != nil {
			return nil, err
		}
		failures = append(failures, err.Error())
	}
	if len(failures) == 0 {
		return nil, errors.New("no broker to ask")
	}
	return nil, errors.New(strings.Join(failures, "; "))
}

// unreadable returns the reason a section could not be asked for. An API the brokers lack is a
// fact about them; any other failure is also recorded in the snapshot's errors.
func (c *collector) unreadable(scope, what string, err error) string {
	var unsupported *unsupportedError
	if errors.As(err, &unsupported) {
		return "not supported by the brokers: " + unsupported.Error()
	}
	c.record(scope, "", "%s: %v", what, err)
	return fmt.Sprintf("could not be read: %v", err)
}

func enumName(names map[int8]string, v int8) string {
	if n, ok := names[v]; ok {
		return n
	}
	return fmt.Sprintf("UNKNOWN_%d", v)
}
