package lineage

// MirrorMaker 2 flows, read from its connectors on the Connect clusters beside a Kafka cluster.
// In Connect, MirrorMaker's connectors write to the workers' own Kafka cluster: the target of a
// flow is the snapshot's cluster, whatever alias target.cluster.alias gives it. The remote topics
// are the ones present on it that the replication policy names after the source alias, and those
// the source connector reports using (KIP-558), never topics that merely look alike.

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Flow is one MirrorMaker 2 replication, source alias → the snapshot's cluster, as one Connect
// cluster runs it.
type Flow struct {
	// Cluster is the target: the snapshot's cluster. Connect is the Connect cluster running it.
	Cluster, Connect         string
	SourceAlias, TargetAlias string
	// Topics and TopicsExclude are the source connector's patterns; Policy and Separator its
	// replication policy.
	Topics, TopicsExclude, Policy, Separator string
	// Identity: the policy keeps topic names (IdentityReplicationPolicy).
	Identity bool
	// Connectors are the flow's MirrorMaker connectors (source, checkpoint, heartbeat), by role.
	Connectors []FlowConnector
	// Remote are the replicated topics present on the target, sorted by name.
	Remote []RemoteTopic
	// Checkpoints and Heartbeats are MirrorMaker's topics for the flow found on the target ("" when absent).
	Checkpoints, Heartbeats string
	// SyncGroupOffsets: the checkpoint connector writes translated offsets to the target's groups.
	SyncGroupOffsets bool
	// Groups are the checkpoint connector's group patterns.
	Groups string
	// OffsetGroups are the target's groups with committed offsets on the remote topics, sorted:
	// with SyncGroupOffsets, the checkpoint connector's translated offsets (or consumers that
	// failed over already).
	OffsetGroups []string
}

// FlowConnector is one MirrorMaker connector of a flow.
type FlowConnector struct {
	Name, Role, State string
}

// RemoteTopic is a topic on the target copied from Source on the source cluster.
type RemoteTopic struct {
	Name, Source string
	// Evidence: the policy's name for a topic present (connect-config), the connector's active
	// topics (connect-topics), or both.
	Evidence []string
}

// IsIdentityPolicy reports whether a replication policy class keeps topic names.
func IsIdentityPolicy(class string) bool {
	return strings.HasSuffix(class, "IdentityReplicationPolicy")
}

// MirrorFlows returns the MirrorMaker 2 flows run by the snapshot's Connect clusters, sorted by
// Connect cluster, source alias, target alias.
func MirrorFlows(snap *snapshot.Snapshot) []Flow {
	present := map[string]bool{}
	for _, t := range snap.Topics {
		present[t.Name] = true
	}
	var out []*Flow
	for _, cc := range snap.Connect {
		byKey := map[[2]string]*Flow{}
		for i := range cc.Connectors {
			k := &cc.Connectors[i]
			m := k.MirrorMaker
			if m == nil {
				continue
			}
			key := [2]string{m.SourceAlias, m.TargetAlias}
			f := byKey[key]
			if f == nil {
				f = &Flow{Cluster: snap.Cluster.Name, Connect: cc.Name, SourceAlias: m.SourceAlias, TargetAlias: m.TargetAlias,
					Policy: m.ReplicationPolicy, Separator: m.Separator}
				byKey[key] = f
				out = append(out, f)
			}
			f.Connectors = append(f.Connectors, FlowConnector{Name: k.Name, Role: m.Role, State: State(k)})
			switch m.Role {
			case snapshot.MirrorSource:
				f.Topics, f.TopicsExclude, f.Policy, f.Separator = m.Topics, m.TopicsExclude, m.ReplicationPolicy, m.Separator
				f.remote(k.Topics, present)
			case snapshot.MirrorCheckpoint:
				f.Groups, f.SyncGroupOffsets = m.Groups, m.SyncGroupOffsets
			}
		}
		for _, f := range byKey {
			f.Identity = IsIdentityPolicy(f.Policy)
			if !f.Identity {
				f.prefixed(snap.Topics)
			}
			sep := cmp.Or(f.Separator, ".")
			if t := f.SourceAlias + sep + "checkpoints" + sep + "internal"; present[t] {
				f.Checkpoints = t
			} else if t := f.SourceAlias + ".checkpoints.internal"; present[t] {
				f.Checkpoints = t
			}
			if present["heartbeats"] {
				f.Heartbeats = "heartbeats"
			}
			slices.SortFunc(f.Connectors, func(a, b FlowConnector) int {
				return cmp.Or(cmp.Compare(roleRank(a.Role), roleRank(b.Role)), cmp.Compare(a.Name, b.Name))
			})
			slices.SortFunc(f.Remote, func(a, b RemoteTopic) int { return cmp.Compare(a.Name, b.Name) })
			remote := map[string]bool{}
			for _, r := range f.Remote {
				remote[r.Name] = true
			}
			for _, g := range snap.Groups {
				for _, o := range g.Offsets {
					if remote[o.Topic] {
						f.OffsetGroups = append(f.OffsetGroups, g.ID)
						break
					}
				}
			}
			slices.Sort(f.OffsetGroups)
		}
	}
	slices.SortFunc(out, func(a, b *Flow) int {
		return cmp.Or(cmp.Compare(a.Connect, b.Connect), cmp.Compare(a.SourceAlias, b.SourceAlias), cmp.Compare(a.TargetAlias, b.TargetAlias))
	})
	flows := make([]Flow, len(out))
	for i, f := range out {
		flows[i] = *f
	}
	return flows
}

func roleRank(role string) int {
	switch role {
	case snapshot.MirrorSource:
		return 0
	case snapshot.MirrorCheckpoint:
		return 1
	}
	return 2
}

// internalOf reports whether a topic is one of MirrorMaker's own, not a replicated one.
func internalOf(name string) bool {
	return name == "heartbeats" || strings.HasSuffix(name, ".heartbeats") || strings.HasSuffix(name, ".internal")
}

// remote adds the source connector's active topics present on the target.
func (f *Flow) remote(active []string, present map[string]bool) {
	for _, t := range active {
		if !present[t] || internalOf(t) {
			continue
		}
		f.add(t, EvidenceConnectTopics)
	}
}

// prefixed adds the topics the policy names after the source alias: <alias><separator><topic>.
func (f *Flow) prefixed(topics []snapshot.Topic) {
	if f.SourceAlias == "" {
		return
	}
	prefix := f.SourceAlias + cmp.Or(f.Separator, ".")
	for _, t := range topics {
		if rest, ok := strings.CutPrefix(t.Name, prefix); ok && rest != "" && !internalOf(t.Name) {
			f.add(t.Name, EvidenceConnectConfig)
		}
	}
}

func (f *Flow) add(name, evidence string) {
	for i := range f.Remote {
		if f.Remote[i].Name == name {
			if !slices.Contains(f.Remote[i].Evidence, evidence) {
				f.Remote[i].Evidence = append(f.Remote[i].Evidence, evidence)
				slices.Sort(f.Remote[i].Evidence)
			}
			return
		}
	}
	source := name
	if !IsIdentityPolicy(f.Policy) {
		source = strings.TrimPrefix(name, f.SourceAlias+cmp.Or(f.Separator, "."))
	}
	f.Remote = append(f.Remote, RemoteTopic{Name: name, Source: source, Evidence: []string{evidence}})
}
