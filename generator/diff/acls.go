package diff

// ACLs: who may do what. Compared only when both snapshots could read them.

import (
	"fmt"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func (d *differ) acls() {
	b, a := d.before.ACLs, d.after.ACLs
	if b == nil || a == nil || !b.Available || !a.Available {
		return
	}
	before, after := aclSet(b.Entries), aclSet(a.Entries)
	for _, key := range union(before, after) {
		_, inBefore := before[key]
		acl, inAfter := after[key]
		switch {
		case !inBefore:
			d.add(ACLAdded, Info, aclResource(acl), "", aclRule(acl), "ACL added: %s", aclRule(acl))
		case !inAfter:
			acl = before[key]
			d.add(ACLRemoved, Warning, aclResource(acl), aclRule(acl), "",
				"ACL removed: %s; clients that relied on it are refused", aclRule(acl))
		}
	}
}

// aclSet indexes ACLs by every field: an ACL has no identity but its content.
func aclSet(acls []snapshot.ACL) map[string]snapshot.ACL {
	m := make(map[string]snapshot.ACL, len(acls))
	for _, a := range acls {
		m[fmt.Sprintf("%q", []string{a.ResourceType, a.PatternType, a.ResourceName, a.Principal, a.Host, a.Operation, a.Permission})] = a
	}
	return m
}

// aclRule reads "User:alice ALLOW READ from host *".
func aclRule(a snapshot.ACL) string {
	return fmt.Sprintf("%q %s %s from host %q", a.Principal, a.Permission, a.Operation, a.Host)
}
