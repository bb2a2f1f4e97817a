package diff

// Kafka Connect: connectors added and removed, their state and tasks' failures, their class.
// A Connect cluster is compared only when both snapshots read it (it answered GET /), so an
// unreachable worker never shows up as every connector removed.

import (
	"fmt"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Kinds of Connect change (part of `kdocs diff --json`).
const (
	ConnectorAdded        = "connector-added"
	ConnectorRemoved      = "connector-removed"
	ConnectorStateChanged = "connector-state-changed"
	ConnectorClassChanged = "connector-class-changed"
)

func (d *differ) connect() {
	read := func(list []snapshot.ConnectCluster) map[string]*snapshot.ConnectCluster {
		m := map[string]*snapshot.ConnectCluster{}
		for i := range list {
			if list[i].Version != "" {
				m[list[i].Name] = &list[i]
			}
		}
		return m
	}
	before, after := read(d.before.Connect), read(d.after.Connect)
	for _, name := range union(before, after) {
		b, a := before[name], after[name]
		if b == nil || a == nil {
			continue // added to or removed from site.yaml, or unreadable on one side
		}
		bk, ak := connectorsByName(b), connectorsByName(a)
		for _, k := range union(bk, ak) {
			old, now := bk[k], ak[k]
			res := fmt.Sprintf("connector %q on %q", k, name)
			switch {
			case old == nil:
				d.add(ConnectorAdded, Info, res, "", now.Class, "connector added: %s (%s), %s", k, now.Class, strings.ToLower(connectorState(now)))
			case now == nil:
				d.add(ConnectorRemoved, Warning, res, old.Class, "", "connector removed: %s (%s); the topics it wrote or read no longer flow through it", k, old.Class)
			default:
				if old.Class != now.Class {
					d.add(ConnectorClassChanged, Warning, res, old.Class, now.Class, "connector class changed from %s to %s", old.Class, now.Class)
				}
				if s0, s1 := connectorState(old), connectorState(now); s0 != s1 {
					sev := Info
					if s1 == "FAILED" {
						sev = Warning
					}
					d.add(ConnectorStateChanged, sev, res, s0, s1, "connector %s went from %s to %s", k, s0, s1)
				}
			}
		}
	}
}

func connectorsByName(cc *snapshot.ConnectCluster) map[string]*snapshot.Connector {
	m := make(map[string]*snapshot.Connector, len(cc.Connectors))
	for i := range cc.Connectors {
		m[cc.Connectors[i].Name] = &cc.Connectors[i]
	}
	return m
}

// connectorState is FAILED when the connector or any task failed, else the connector's state.
func connectorState(k *snapshot.Connector) string {
	for _, t := range k.Tasks {
		if t.State == "FAILED" {
			return "FAILED"
		}
	}
	return k.State
}
