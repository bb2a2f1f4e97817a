package kafka

// The groups that are not classic groups, which kafka-go cannot describe: KIP-848 consumer groups
// (ConsumerGroupDescribe, API 69), KIP-932 share groups (ShareGroupDescribe, API 77, and their
// start offsets through DescribeShareGroupOffsets, API 90) and KIP-1071 streams groups
// (StreamsGroupDescribe, API 89), all as kmsg requests on kdocs' own connections (kmsg.go).
//
// A broker that lacks the API a group's type needs leaves the group undescribed with the reason
// (snapshot.Group.NotDescribed): a fact about the broker's version, not a gap in the snapshot.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// describeNewGroups describes the groups ids of type typ that coordinator coordinates.
func (c *collector) describeNewGroups(ctx context.Context, typ string, coordinator int32, ids []string, group func(id string) *snapshot.Group) {
	var (
		req    kmsg.Request
		res    kmsg.Response
		answer func() map[string]bool
	)
	switch typ {
	case snapshot.GroupConsumer:
		q, r := kmsg.NewPtrConsumerGroupDescribeRequest(), kmsg.NewPtrConsumerGroupDescribeResponse()
		q.Groups = ids
		req, res = q, r
		answer = func() map[string]bool {
			seen := map[string]bool{}
			for _, dg := range r.Groups {
				if g := pick(ids, dg.Group, group, seen); g != nil {
					if msg := groupError(dg.ErrorCode, dg.ErrorMessage); msg != "" {
						g.NotDescribed = "ConsumerGroupDescribe: " + msg
						continue
					}
					consumerGroupOf(g, dg)
				}
			}
			return seen
		}
	case snapshot.GroupShare:
		q, r := kmsg.NewPtrShareGroupDescribeRequest(), kmsg.NewPtrShareGroupDescribeResponse()
		q.GroupIDs = ids
		req, res = q, r
		answer = func() map[string]bool {
			seen := map[string]bool{}
			for _, dg := range r.Groups {
				if g := pick(ids, dg.GroupID, group, seen); g != nil {
					if msg := groupError(dg.ErrorCode, dg.ErrorMessage); msg != "" {
						g.NotDescribed = "ShareGroupDescribe: " + msg
						continue
					}
					shareGroupOf(g, dg)
				}
			}
			return seen
		}
	case snapshot.GroupStreams:
		q, r := kmsg.NewPtrStreamsGroupDescribeRequest(), kmsg.NewPtrStreamsGroupDescribeResponse()
		q.Groups = ids
		req, res = q, r
		answer = func() map[string]bool {
			seen := map[string]bool{}
			for _, dg := range r.Groups {
				if g := pick(ids, dg.Group, group, seen); g != nil {
					if msg := groupError(dg.ErrorCode, dg.ErrorMessage); msg != "" {
						g.NotDescribed = "StreamsGroupDescribe: " + msg
						continue
					}
					streamsGroupOf(g, dg)
				}
			}
			return seen
		}
	default:
		for _, id := range ids {
			group(id).NotDescribed = fmt.Sprintf("kdocs does not know how to describe a group of type %q", typ)
		}
		return
	}
	name := kmsg.NameForKey(req.Key())
	err := c.brokers.use(ctx, coordinator, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
	if err != nil {
		reason := fmt.Sprintf("%s: %v", name, err)
		var unsupported *unsupportedError
		if errors.As(err, &unsupported) {
			reason = fmt.Sprintf("not available on this Kafka version: %s", unsupported.Error())
		}
		for _, id := range ids {
			group(id).NotDescribed = reason
		}
		return
	}
	seen := answer()
	for _, id := range ids {
		if !seen[id] {
			group(id).NotDescribed = fmt.Sprintf("%s: coordinator %d did not answer for it", name, coordinator)
		}
	}
}

// pick returns the group answered as id when it is one of ids, noting it in seen.
func pick(ids []string, id string, group func(string) *snapshot.Group, seen map[string]bool) *snapshot.Group {
	if !slices.Contains(ids, id) {
		return nil
	}
	seen[id] = true
	return group(id)
}

// groupError is a group's error in a describe answer, "" for none.
func groupError(code int16, msg *string) string {
	if code == 0 {
		return ""
	}
	if msg != nil && *msg != "" {
		return kafkaError(code) + ": " + *msg
	}
	return kafkaError(code)
}

func consumerGroupOf(g *snapshot.Group, dg kmsg.ConsumerGroupDescribeResponseGroup) {
	g.State = dg.State
	g.GroupEpoch, g.AssignmentEpoch = ptr(dg.Epoch), ptr(dg.AssignmentEpoch)
	g.Assignor = dg.AssignorName
	g.ProtocolType = consumerProtocol
	for _, m := range dg.Members {
		g.Members = append(g.Members, snapshot.Member{
			ID:                   m.MemberID,
			InstanceID:           deref(m.InstanceID),
			ClientID:             m.ClientID,
			Host:                 strings.TrimPrefix(m.ClientHost, "/"),
			Rack:                 deref(m.RackID),
			MemberEpoch:          ptr(m.MemberEpoch),
			SubscribedTopics:     slices.Clone(m.SubscribedTopics),
			SubscribedTopicRegex: deref(m.SubscribedTopicRegex),
			Assignments:          assigned(m.Assignment.TopicPartitions),
			TargetAssignments:    assigned(m.TargetAssignment.TopicPartitions),
		})
	}
}

func assigned(tps []kmsg.AssignmentTopicPartition) []snapshot.TopicPartitions {
	var out []snapshot.TopicPartitions
	for _, tp := range tps {
		out = append(out, snapshot.TopicPartitions{Topic: tp.Topic, Partitions: nonNil(slices.Clone(tp.Partitions))})
	}
	return out
}

func shareGroupOf(g *snapshot.Group, dg kmsg.ShareGroupDescribeResponseGroup) {
	g.State = dg.GroupState
	g.GroupEpoch, g.AssignmentEpoch = ptr(dg.GroupEpoch), ptr(dg.AssignmentEpoch)
	g.Assignor = dg.Assignor
	for _, m := range dg.Members {
		member := snapshot.Member{
			ID:               m.MemberID,
			ClientID:         m.ClientID,
			Host:             strings.TrimPrefix(m.ClientHost, "/"),
			Rack:             deref(m.RackID),
			MemberEpoch:      ptr(m.MemberEpoch),
			SubscribedTopics: slices.Clone(m.SubscribedTopicNames),
		}
		for _, tp := range m.Assignment.TopicPartitions {
			member.Assignments = append(member.Assignments, snapshot.TopicPartitions{Topic: tp.Topic, Partitions: nonNil(slices.Clone(tp.Partitions))})
		}
		g.Members = append(g.Members, member)
	}
}

func streamsGroupOf(g *snapshot.Group, dg kmsg.StreamsGroupDescribeResponseGroup) {
	g.State = dg.State
	g.GroupEpoch, g.AssignmentEpoch = ptr(dg.Epoch), ptr(dg.AssignmentEpoch)
	g.Assignor = deref(dg.AssignorName)
	// Subtopology id → the topics its tasks read, to name the partitions a member's active tasks
	// are assigned: its source topics and its repartition source topics, which the broker lists
	// apart (a sub-topology that reads only a repartition topic has no source topic).
	sources := map[string][]string{}
	if t := dg.Topology; t != nil {
		g.Streams = &snapshot.StreamsTopology{Epoch: t.Epoch}
		for _, st := range t.Subtopologies {
			sources[st.SubtopologyID] = append(slices.Clone(st.SourceTopics), topicNamesOf(st.RepartitionSourceTopics)...)
			g.Streams.Subtopologies = append(g.Streams.Subtopologies, snapshot.Subtopology{
				ID:                 st.SubtopologyID,
				SourceTopics:       slices.Sorted(slices.Values(st.SourceTopics)),
				RepartitionSinks:   slices.Sorted(slices.Values(st.RepartitionSinkTopics)),
				Changelogs:         topicNamesOf(st.StateChangelogTopics),
				RepartitionSources: topicNamesOf(st.RepartitionSourceTopics),
			})
		}
	}
	for _, m := range dg.Members {
		member := snapshot.Member{
			ID:          m.MemberID,
			InstanceID:  deref(m.InstanceID),
			ClientID:    m.ClientID,
			Host:        strings.TrimPrefix(m.ClientHost, "/"),
			Rack:        deref(m.RackID),
			MemberEpoch: ptr(m.MemberEpoch),
			Tasks: &snapshot.StreamsTasks{
				ProcessID: m.ProcessID,
				Active:    tasksOf(m.Assignment.ActiveTasks),
				Standby:   tasksOf(m.Assignment.StandbyTasks),
				Warmup:    tasksOf(m.Assignment.WarmupTasks),
			},
		}
		// An active task p of a sub-topology reads partition p of each of its source and
		// repartition source topics: the member's consumer is assigned them.
		byTopic := map[string][]int32{}
		for _, task := range m.Assignment.ActiveTasks {
			for _, topic := range sources[task.SubtopologyID] {
				byTopic[topic] = append(byTopic[topic], task.Partitions...)
			}
		}
		for _, topic := range slices.Sorted(maps.Keys(byTopic)) {
			parts := byTopic[topic]
			slices.Sort(parts)
			member.Assignments = append(member.Assignments, snapshot.TopicPartitions{Topic: topic, Partitions: slices.Compact(parts)})
		}
		g.Members = append(g.Members, member)
	}
}

func tasksOf(ids []kmsg.TaskIDs) []snapshot.TaskGroup {
	var out []snapshot.TaskGroup
	for _, t := range ids {
		out = append(out, snapshot.TaskGroup{Subtopology: t.SubtopologyID, Partitions: nonNil(slices.Clone(t.Partitions))})
	}
	return out
}

func topicNamesOf(infos []kmsg.TopicInfo) []string {
	var out []string
	for _, t := range infos {
		out = append(out, t.Topic)
	}
	slices.Sort(out)
	return out
}

// shareOffsets reads a share group's start offsets (the first record it has not yet
// acknowledged, per partition) as its committed offsets. A broker without
// DescribeShareGroupOffsets leaves them unread, with the reason on the group.
func (c *collector) shareOffsets(ctx context.Context, r groupRef, g *snapshot.Group) ([]snapshot.GroupOffset, unreadOffsets) {
	req, res := kmsg.NewPtrDescribeShareGroupOffsetsRequest(), kmsg.NewPtrDescribeShareGroupOffsetsResponse()
	req.Groups = []kmsg.DescribeShareGroupOffsetsRequestGroup{{GroupID: r.id}} // Topics nil: all
	err := c.brokers.use(ctx, r.coordinator, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
	var unsupported *unsupportedError
	if errors.As(err, &unsupported) {
		g.OffsetsNotRead = "not available on this Kafka version: " + unsupported.Error()
		return nil, unreadOffsets{}
	}
	if err != nil {
		c.record("groups", r.id, "describe the share offsets of group %q: %v", r.id, err)
		return nil, unreadOffsets{}
	}
	var out []snapshot.GroupOffset
	unread := unreadOffsets{read: true}
	failed := newPartitionErrors()
	for _, dg := range res.Groups {
		if dg.GroupID != r.id {
			continue
		}
		if msg := groupError(dg.ErrorCode, dg.ErrorMessage); msg != "" {
			c.record("groups", r.id, "describe the share offsets of group %q: %s", r.id, msg)
			return nil, unreadOffsets{}
		}
		for _, t := range dg.Topics {
			for _, p := range t.Partitions {
				switch {
				case p.ErrorCode != 0:
					failed.add(t.Topic, p.Partition, groupError(p.ErrorCode, p.ErrorMessage))
					if unread.failed == nil {
						unread.failed = map[topicPartition]bool{}
					}
					unread.failed[topicPartition{t.Topic, p.Partition}] = true
				case p.StartOffset >= 0: // -1: the group has not started on it
					out = append(out, snapshot.GroupOffset{Topic: t.Topic, Partition: p.Partition, Committed: p.StartOffset})
					if res.Version >= 1 && p.Lag >= 0 {
						// From v1 (Kafka 4.2, KIP-1226) the broker says the lag itself: the records
						// after the start offset not yet acknowledged nor in flight, which
						// kafka-share-groups prints. lag keeps it.
						c.setShareLag(r.id, topicPartition{t.Topic, p.Partition}, p.Lag)
					}
				}
			}
		}
	}
	for topic, byMsg := range failed {
		for msg, parts := range byMsg {
			slices.Sort(parts)
			c.record("groups", r.id, "share offsets of group %q on topic %q, %s: %s", r.id, topic, partitionList(parts), msg)
		}
	}
	return out, unread
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// setShareLag records the lag the broker reported for a share group's partition.
func (c *collector) setShareLag(group string, tp topicPartition, lag int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shareLags == nil {
		c.shareLags = map[string]map[topicPartition]int64{}
	}
	if c.shareLags[group] == nil {
		c.shareLags[group] = map[topicPartition]int64{}
	}
	c.shareLags[group][tp] = lag
}
