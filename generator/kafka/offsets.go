package kafka

// Partition offsets: ListOffsets to each partition leader, one request for the earliest and one
// for the latest offsets of all the partitions it leads. Kafka refuses a partition twice in one
// request, hence two requests rather than one.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/segmentio/kafka-go/protocol/listoffsets"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Special timestamps of ListOffsets.
const (
	earliestTimestamp = -2
	latestTimestamp   = -1
)

type topicPartition struct {
	topic     string
	partition int32
}

// offsetRange is a partition's earliest and latest (high watermark) offsets.
type offsetRange struct{ earliest, latest int64 }

// offsets returns the offset range of every partition that has a leader and whose leader
// answered both requests.
func (c *collector) offsets(ctx context.Context, topics []snapshot.Topic) map[topicPartition]offsetRange {
	byLeader := map[int32]map[string][]int32{}
	leaderless := newPartitionErrors()
	for _, t := range topics {
		for _, p := range t.Partitions {
			if p.Leader < 0 {
				leaderless.add(t.Name, p.ID, "no leader")
				continue
			}
			if byLeader[p.Leader] == nil {
				byLeader[p.Leader] = map[string][]int32{}
			}
			byLeader[p.Leader][t.Name] = append(byLeader[p.Leader][t.Name], p.ID)
		}
	}
	leaderless.record(c, "offsets", "offsets unknown")

	leaders := slices.Sorted(maps.Keys(byLeader))
	timestamps := []int64{earliestTimestamp, latestTimestamp}
	// Job i asks leader i/2 for timestamp i%2.
	results := make([]map[topicPartition]int64, 2*len(leaders))
	c.each(ctx, len(results), func(i int) {
		results[i] = c.listOffsets(ctx, leaders[i/2], byLeader[leaders[i/2]], timestamps[i%2])
	})

	out := map[topicPartition]offsetRange{}
	for i := 0; i < len(results); i += 2 {
		for tp, earliest := range results[i] {
			if latest, ok := results[i+1][tp]; ok {
				out[tp] = offsetRange{earliest: earliest, latest: latest}
			}
		}
	}
	return out
}

func (c *collector) listOffsets(ctx context.Context, leader int32, partitions map[string][]int32, timestamp int64) map[topicPartition]int64 {
	which := "latest"
	if timestamp == earliestTimestamp {
		which = "earliest"
	}
	req := &listoffsets.Request{ReplicaID: -1} // -1: an ordinary client, not a follower
	n := 0
	for _, topic := range slices.Sorted(maps.Keys(partitions)) {
		rt := listoffsets.RequestTopic{Topic: topic}
		for _, p := range partitions[topic] {
			rt.Partitions = append(rt.Partitions, listoffsets.RequestPartition{Partition: p, CurrentLeaderEpoch: -1, Timestamp: timestamp})
			n++
		}
		req.Topics = append(req.Topics, rt)
	}
	r, err := c.brokers.roundTrip(ctx, leader, req)
	if err != nil {
		c.record("offsets", fmt.Sprintf("broker %d", leader), "list %s offsets of the %d partitions broker %d leads: %v", which, n, leader, err)
		return nil
	}
	out := make(map[topicPartition]int64, n)
	failed := newPartitionErrors()
	for _, t := range r.(*listoffsets.Response).Topics {
		for _, p := range t.Partitions {
			if p.ErrorCode != 0 {
				failed.add(t.Topic, p.Partition, kafkaError(p.ErrorCode))
				continue
			}
			out[topicPartition{t.Topic, p.Partition}] = p.Offset
		}
	}
	for topic, parts := range partitions {
		for _, p := range parts {
			if _, ok := out[topicPartition{topic, p}]; !ok && !failed.has(topic, p) {
				failed.add(topic, p, fmt.Sprintf("broker %d did not answer for it", leader))
			}
		}
	}
	failed.record(c, "offsets", "list "+which+" offsets")
	return out
}

// partitionErrors gathers per-partition failures so that each topic gets one error entry per
// distinct message, naming its partitions, rather than one entry per partition.
type partitionErrors map[string]map[string][]int32 // topic → message → partitions

func newPartitionErrors() partitionErrors { return partitionErrors{} }

func (pe partitionErrors) add(topic string, partition int32, msg string) {
	if pe[topic] == nil {
		pe[topic] = map[string][]int32{}
	}
	pe[topic][msg] = append(pe[topic][msg], partition)
}

func (pe partitionErrors) has(topic string, partition int32) bool {
	for _, parts := range pe[topic] {
		if slices.Contains(parts, partition) {
			return true
		}
	}
	return false
}

func (pe partitionErrors) record(c *collector, scope, what string) {
	for topic, byMsg := range pe {
		for msg, parts := range byMsg {
			slices.Sort(parts)
			c.record(scope, topic, "%s of topic %q, %s: %s", what, topic, partitionList(parts), msg)
		}
	}
}

// partitionList reads "partition 3" or "partitions 0, 1, 2".
func partitionList(parts []int32) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = fmt.Sprint(p)
	}
	if len(parts) == 1 {
		return "partition " + s[0]
	}
	return "partitions " + strings.Join(s, ", ")
}
