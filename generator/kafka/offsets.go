package kafka

// Partition offsets: ListOffsets to each partition leader, one request for the earliest and one
// for the latest offsets of all the partitions it leads. Kafka refuses a partition twice in one
// request, hence two requests rather than one.
//
// ListOffsets is a kmsg request (kmsg.go): at 100,000 topics of 10 partitions each leader's
// answer lists a third of a million partitions, and kafka-go's reflection decoder, with a map
// entry per partition and answer, cost more CPU than any other section of the snapshot. The
// ranges are kept in slices by topic and partition id instead.

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/twmb/franz-go/pkg/kmsg"

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

// unreadOffset marks an offset no leader answered.
const unreadOffset = math.MinInt64

// offsetTable holds the offset ranges read, by topic and partition id.
type offsetTable struct {
	index  map[string]int  // topic → its entry in ranges
	ranges [][]offsetRange // by partition id; unreadOffset where not read
}

// get returns the offset range of a partition whose leader answered both requests.
func (t offsetTable) get(topic string, partition int32) (offsetRange, bool) {
	i, ok := t.index[topic]
	if !ok || partition < 0 || int(partition) >= len(t.ranges[i]) {
		return offsetRange{}, false
	}
	r := t.ranges[i][partition]
	return r, r.earliest != unreadOffset && r.latest != unreadOffset
}

// leaderPartitions are the partitions one broker leads: topics[k] by index into the table.
type leaderPartitions struct {
	topics     []int
	partitions [][]int32
	n          int
}

// offsets returns the offset ranges of the partitions that have a leader and whose leader
// answered both requests.
func (c *collector) offsets(ctx context.Context, topics []snapshot.Topic) offsetTable {
	table := offsetTable{index: make(map[string]int, len(topics)), ranges: make([][]offsetRange, len(topics))}
	byLeader := map[int32]*leaderPartitions{}
	leaderless := newPartitionErrors()
	for i, t := range topics {
		table.index[t.Name] = i
		size := 0
		for _, p := range t.Partitions {
			size = max(size, int(p.ID)+1)
		}
		table.ranges[i] = make([]offsetRange, size)
		for j := range table.ranges[i] {
			table.ranges[i][j] = offsetRange{unreadOffset, unreadOffset}
		}
		for _, p := range t.Partitions {
			if p.Leader < 0 {
				leaderless.add(t.Name, p.ID, "no leader")
				continue
			}
			lp := byLeader[p.Leader]
			if lp == nil {
				lp = &leaderPartitions{}
				byLeader[p.Leader] = lp
			}
			if k := len(lp.topics) - 1; k < 0 || lp.topics[k] != i {
				lp.topics = append(lp.topics, i)
				lp.partitions = append(lp.partitions, nil)
			}
			k := len(lp.partitions) - 1
			lp.partitions[k] = append(lp.partitions[k], p.ID)
			lp.n++
		}
	}
	leaderless.record(c, "offsets", "offsets unknown")

	leaders := slices.Sorted(maps.Keys(byLeader))
	timestamps := []int64{earliestTimestamp, latestTimestamp}
	// Job i asks leader i/2 for timestamp i%2; each writes only its own field of the partitions
	// its leader leads.
	c.each(ctx, 2*len(leaders), func(i int) {
		c.listOffsets(ctx, leaders[i/2], topics, byLeader[leaders[i/2]], timestamps[i%2], table)
	})
	return table
}

func (c *collector) listOffsets(ctx context.Context, leader int32, topics []snapshot.Topic, lp *leaderPartitions, timestamp int64, table offsetTable) {
	which, field := "latest", func(r *offsetRange) *int64 { return &r.latest }
	if timestamp == earliestTimestamp {
		which, field = "earliest", func(r *offsetRange) *int64 { return &r.earliest }
	}
	req, res := kmsg.NewPtrListOffsetsRequest(), kmsg.NewPtrListOffsetsResponse() // ReplicaID -1: an ordinary client
	req.TimeoutMillis = int32(min(c.brokers.timeout.Milliseconds(), math.MaxInt32))
	req.Topics = make([]kmsg.ListOffsetsRequestTopic, len(lp.topics))
	for k, i := range lp.topics {
		rt := &req.Topics[k]
		rt.Topic = topics[i].Name
		rt.Partitions = make([]kmsg.ListOffsetsRequestTopicPartition, len(lp.partitions[k]))
		for j, p := range lp.partitions[k] {
			rp := kmsg.NewListOffsetsRequestTopicPartition() // CurrentLeaderEpoch -1: unchecked
			rp.Partition, rp.Timestamp = p, timestamp
			rt.Partitions[j] = rp
		}
	}
	err := c.brokers.use(ctx, leader, func(ctx context.Context, bc *brokerConn) error {
		if r, ok := bc.ranges[protocol.ListOffsets]; ok && r[1] < 1 {
			// v0 answers a list of old-style offsets instead of one.
			return &unsupportedError{fmt.Sprintf("broker accepts %s v%d–v%d, kdocs speaks v1 and later", protocol.ListOffsets, r[0], r[1])}
		}
		return bc.kmsgExchange(ctx, req, res)
	})
	if err != nil {
		c.record("offsets", fmt.Sprintf("broker %d", leader), "list %s offsets of the %d partitions broker %d leads: %v", which, lp.n, leader, err)
		return
	}
	failed := newPartitionErrors()
	// The answered topic's place in lp; only partitions asked for are written.
	asked := askedTopics{n: len(lp.topics), name: func(k int) string { return topics[lp.topics[k]].Name }}
	for k, t := range res.Topics {
		at := asked.find(k, t.Topic)
		for _, p := range t.Partitions {
			if p.ErrorCode != 0 {
				failed.add(t.Topic, p.Partition, kafkaError(p.ErrorCode))
				continue
			}
			if at < 0 {
				continue
			}
			if _, asked := slices.BinarySearch(lp.partitions[at], p.Partition); asked {
				*field(&table.ranges[lp.topics[at]][p.Partition]) = p.Offset
			}
		}
	}
	for k, i := range lp.topics {
		for _, p := range lp.partitions[k] {
			if *field(&table.ranges[i][p]) == unreadOffset && !failed.has(topics[i].Name, p) {
				failed.add(topics[i].Name, p, fmt.Sprintf("broker %d did not answer for it", leader))
			}
		}
	}
	failed.record(c, "offsets", "list "+which+" offsets")
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
