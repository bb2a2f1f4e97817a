package testenv

import (
	"regexp"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

var (
	aclResource = regexp.MustCompile(`ResourcePattern\(resourceType=(\w+), name=(\S+), patternType=(\w+)\)`)
	aclEntry    = regexp.MustCompile(`\(principal=(\S+), host=(\S+), operation=(\w+), permissionType=(\w+)\)`)
)

// ParseACLs reads what Kafka's AclCommand (kafka-acls --list) prints: a "Current ACLs for
// resource `ResourcePattern(…)`" line per resource pattern, then one line per entry. The ACLs
// come in the tool's order, the reference kdocs' ACLs are checked against.
func ParseACLs(out string) []snapshot.ACL {
	var acls []snapshot.ACL
	var cur []string
	for _, line := range strings.Split(out, "\n") {
		if m := aclResource.FindStringSubmatch(line); m != nil {
			cur = m[1:]
			continue
		}
		if m := aclEntry.FindStringSubmatch(line); m != nil && cur != nil {
			acls = append(acls, snapshot.ACL{ResourceType: cur[0], ResourceName: cur[1], PatternType: cur[2],
				Principal: m[1], Host: m[2], Operation: m[3], Permission: m[4]})
		}
	}
	return acls
}
