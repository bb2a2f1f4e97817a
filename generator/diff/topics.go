package diff

// Topics and configs: what producers and consumers of a topic depend on.

import (
	"strconv"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func (d *differ) topics() {
	before, after := topicsByName(d.before.Topics), topicsByName(d.after.Topics)
	for _, name := range union(before, after) {
		b, inBefore := before[name]
		a, inAfter := after[name]
		res := topicResource(name)
		switch {
		case !inBefore:
			d.add(TopicAdded, Info, res, "", "", "topic created with %d %s and replication factor %d",
				len(a.Partitions), plural(len(a.Partitions), "partition", "partitions"), a.ReplicationFactor)
		case !inAfter:
			d.add(TopicRemoved, Breaking, res, "", "", "topic deleted (it had %d %s): its producers and consumers fail",
				len(b.Partitions), plural(len(b.Partitions), "partition", "partitions"))
		default:
			d.topic(res, b, a)
		}
	}
}

func (d *differ) topic(res string, b, a snapshot.Topic) {
	switch nb, na := len(b.Partitions), len(a.Partitions); {
	case na > nb:
		d.add(PartitionsAdded, Warning, res, strconv.Itoa(nb), strconv.Itoa(na),
			"partitions went from %d to %d: records with a given key may now go to another partition, so their order across the change is lost", nb, na)
	case na < nb:
		// Kafka cannot remove partitions: the topic was deleted and created again.
		d.add(PartitionsRemoved, Breaking, res, strconv.Itoa(nb), strconv.Itoa(na),
			"partitions went from %d to %d: the topic was deleted and created again, so committed offsets point into other data", nb, na)
	}
	switch rb, ra := b.ReplicationFactor, a.ReplicationFactor; {
	case ra < rb:
		d.add(ReplicationChanged, Warning, res, strconv.Itoa(rb), strconv.Itoa(ra),
			"replication factor went from %d to %d: fewer brokers can fail before data is lost", rb, ra)
	case ra > rb:
		d.add(ReplicationChanged, Info, res, strconv.Itoa(rb), strconv.Itoa(ra),
			"replication factor went from %d to %d", rb, ra)
	}
	// Only non-default configs are recorded, so a topic whose configs could not be read would
	// seem to have lost its overrides.
	if !d.unreadable("configs", a.Name) {
		d.configs(res, b.Configs, a.Configs)
	}
}

func topicsByName(ts []snapshot.Topic) map[string]snapshot.Topic {
	m := make(map[string]snapshot.Topic, len(ts))
	for _, t := range ts {
		m[t.Name] = t
	}
	return m
}
