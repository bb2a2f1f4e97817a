package kafka

// Metadata → snapshot: the cluster's identity, its brokers, and every topic's partitions.

import (
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func clusterOf(c config.Cluster, md *kmsg.MetadataResponse) snapshot.Cluster {
	out := snapshot.Cluster{
		Name:         c.Name,
		Environment:  c.Environment,
		ID:           deref(md.ClusterID),
		ControllerID: md.ControllerID,
		Brokers:      make([]snapshot.Broker, 0, len(md.Brokers)),
		// Kept with the snapshot so that its health can be judged from the file alone.
		ExpectedBrokers: c.ExpectedBrokers,
		QuorumMaxLag:    c.QuorumMaxLag,
	}
	for _, b := range md.Brokers {
		out.Brokers = append(out.Brokers, snapshot.Broker{ID: b.NodeID, Host: b.Host, Port: int(b.Port), Rack: deref(b.Rack)})
	}
	return out
}

// topicsOf lists every topic, internal ones included and flagged, by name. Partitions keep the
// replica order the cluster reports (the first replica is the preferred leader).
func topicsOf(md *kmsg.MetadataResponse) []snapshot.Topic {
	topics := make([]snapshot.Topic, 0, len(md.Topics))
	for _, mt := range md.Topics {
		t := snapshot.Topic{
			Name:       deref(mt.Topic),
			Internal:   mt.IsInternal,
			Partitions: make([]snapshot.Partition, 0, len(mt.Partitions)),
		}
		for _, mp := range mt.Partitions {
			t.Partitions = append(t.Partitions, snapshot.Partition{
				ID:              mp.Partition,
				Leader:          mp.Leader,
				Replicas:        nonNil(mp.Replicas),
				ISR:             nonNil(mp.ISR),
				OfflineReplicas: nilIfEmpty(mp.OfflineReplicas),
			})
		}
		slices.SortFunc(t.Partitions, func(a, b snapshot.Partition) int { return int(a.ID) - int(b.ID) })
		// The replication factor is partition 0's replica count: partitions differ only while
		// a reassignment runs, and then the first partition is as good a witness as any.
		if len(t.Partitions) > 0 {
			t.ReplicationFactor = len(t.Partitions[0].Replicas)
		}
		topics = append(topics, t)
	}
	slices.SortFunc(topics, func(a, b snapshot.Topic) int { return strings.Compare(a.Name, b.Name) })
	return topics
}

func topicNames(topics []snapshot.Topic) []string {
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = t.Name
	}
	slices.Sort(names)
	return names
}

// nonNil copies ids so that an empty list encodes as [] rather than null.
func nonNil(ids []int32) []int32 {
	return append(make([]int32, 0, len(ids)), ids...)
}

func nilIfEmpty(ids []int32) []int32 {
	if len(ids) == 0 {
		return nil
	}
	return slices.Clone(ids)
}
