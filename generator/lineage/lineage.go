// Package lineage is the estate's graph of who writes and reads each topic, each edge with the
// evidence that shows it, and the MirrorMaker 2 flows between clusters. It is a pure function of
// snapshots: discovered facts (Kafka Connect's connectors and their KIP-558 topics, MirrorMaker
// 2's connectors and the remote topics present, transactions, producer state and ACLs in
// writers.go) are kept apart from declared ones, and nothing is guessed from a topic's name here.
package lineage

import (
	"cmp"
	"slices"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Evidence names what shows an edge.
const (
	// EvidenceConnectTopics: the connector's KIP-558 active topics (GET /connectors/{name}/topics):
	// it really wrote or read the topic.
	EvidenceConnectTopics = "connect-topics"
	// EvidenceConnectConfig: a sink's topics or topics.regex names the topic: it is configured to read it.
	EvidenceConnectConfig = "connect-config"
	// EvidenceGroup: a consumer group commits offsets on the topic or is assigned its partitions.
	EvidenceGroup = "group"
	// EvidenceAnnotation: the topic's annotation names a producer (declared, not observed).
	EvidenceAnnotation = "annotation"
)

// Describe says an evidence in words.
func Describe(evidence string) string {
	switch evidence {
	case EvidenceConnectTopics:
		return "Kafka Connect's active topics (KIP-558)"
	case EvidenceConnectConfig:
		return "the sink's topics / topics.regex config"
	case EvidenceGroup:
		return "the group's committed offsets or assigned partitions"
	case EvidenceAnnotation:
		return "the topic's annotation"
	case EvidenceStreamsNames:
		return "its internal topics' names"
	case EvidenceStreamsTopology:
		return "the streams group's topology (KIP-1071)"
	case EvidenceTransaction:
		return "a transaction coordinator (DescribeTransactions)"
	case EvidenceProducerState:
		return "the partition leaders' producer state (DescribeProducers)"
	case EvidenceACL:
		return "an ACL allows it (permission, not proof of use)"
	}
	return evidence
}

// ConnectorEdge says that a connector writes (a source) or reads (a sink) a topic.
type ConnectorEdge struct {
	Topic string
	// Connect is the Connect cluster's name, Connector the connector's.
	Connect, Connector string
	// Write: the connector writes the topic; else it reads it.
	Write bool
	// State is the connector's state, FAILED when any task failed.
	State string
	// Class is the connector's class; Mirror is its MirrorMaker 2 role ("" for others).
	Class, Mirror string
	// Evidence lists what shows the edge, sorted.
	Evidence []string
}

// State is a connector's state for a reader: FAILED when the connector or any task failed,
// else the connector's.
func State(k *snapshot.Connector) string {
	for _, t := range k.Tasks {
		if t.State == "FAILED" {
			return "FAILED"
		}
	}
	return k.State
}

// Connectors returns the edges between the snapshot's connectors and its topics, sorted by
// topic, Connect cluster, connector. A source writes its active topics; a sink reads its
// active topics and the topics its config names. Only topics of the snapshot take part: a
// connector of this Connect cluster that reads another Kafka cluster (MirrorMaker 2's source
// side) has no edge to it here.
func Connectors(snap *snapshot.Snapshot) []ConnectorEdge {
	topics := map[string]bool{}
	for _, t := range snap.Topics {
		topics[t.Name] = true
	}
	var out []ConnectorEdge
	for _, cc := range snap.Connect {
		for i := range cc.Connectors {
			k := &cc.Connectors[i]
			by := map[string][]string{}
			for _, t := range k.Topics {
				by[t] = append(by[t], EvidenceConnectTopics)
			}
			if k.Type == "sink" {
				for _, t := range k.SinkTopics {
					by[t] = append(by[t], EvidenceConnectConfig)
				}
			}
			mirror := ""
			if k.MirrorMaker != nil {
				mirror = k.MirrorMaker.Role
			}
			for t, ev := range by {
				if !topics[t] {
					continue
				}
				slices.Sort(ev)
				out = append(out, ConnectorEdge{Topic: t, Connect: cc.Name, Connector: k.Name, Write: k.Type != "sink",
					State: State(k), Class: k.Class, Mirror: mirror, Evidence: slices.Compact(ev)})
			}
		}
	}
	slices.SortFunc(out, func(a, b ConnectorEdge) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Connect, b.Connect), cmp.Compare(a.Connector, b.Connector))
	})
	return out
}

// ByTopic groups edges by topic.
func ByTopic(edges []ConnectorEdge) map[string][]ConnectorEdge {
	out := map[string][]ConnectorEdge{}
	for _, e := range edges {
		out[e.Topic] = append(out[e.Topic], e)
	}
	return out
}
