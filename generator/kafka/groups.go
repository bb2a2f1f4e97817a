package kafka

// Groups: ListGroups on every broker (each lists the groups it coordinates, and from v5 their
// type, KIP-848), then one describe per coordinator, group type and batch of groups (classic groups
// through kafka-go's DescribeGroups, the others through kmsg in groupkinds.go) and one OffsetFetch
// per coordinator and batch of groups (a kmsg request, v8+, KIP-709; one per group through
// kafka-go to brokers older than Kafka 3.0; DescribeShareGroupOffsets, one per share group), all
// sent to the coordinator that ListGroups named. Lag is computed last, from the partitions'
// latest offsets.

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/segmentio/kafka-go/protocol/consumer"
	"github.com/segmentio/kafka-go/protocol/describegroups"
	"github.com/segmentio/kafka-go/protocol/offsetfetch"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// consumerProtocol is the protocol type of groups whose member assignments use Kafka's
// consumer protocol encoding; other types (connect, …) encode theirs differently.
const consumerProtocol = "consumer"

// Group states: unknownState for a group that was listed but could not be described,
// deadState as brokers report it.
const (
	unknownState = "Unknown"
	deadState    = "Dead"
)

type groupRef struct {
	id           string
	typ          string // snapshot.GroupClassic, …
	coordinator  int32
	protocolType string
}

// groups lists, describes and fetches the committed offsets of every group. Lag and the
// partitions without a commit are left for lag and uncommitted, once topics and offsets are
// known; unread[i] holds the partitions whose commit (or lack of one) group i could not tell:
// all of them (nil map, false ok) when its offsets could not be fetched at all.
func (c *collector) groups(ctx context.Context, brokerIDs []int32) (out []snapshot.Group, unread []unreadOffsets) {
	refs := c.listGroups(ctx, brokerIDs)
	out = make([]snapshot.Group, len(refs))
	unread = make([]unreadOffsets, len(refs))
	for i, r := range refs {
		out[i] = snapshot.Group{ID: r.id, Type: r.typ, State: unknownState, ProtocolType: r.protocolType}
	}
	index := make(map[string]int, len(refs))
	type key struct {
		typ         string
		coordinator int32
	}
	byCoordinator := map[key][]string{}
	for i, r := range refs {
		index[r.id] = i
		k := key{r.typ, r.coordinator}
		byCoordinator[k] = append(byCoordinator[k], r.id)
	}

	// Describe: one request per coordinator, group type and batch of groups. Each job writes
	// only the groups of its own batch.
	type batch struct {
		key
		ids []string
	}
	var batches []batch
	keys := slices.SortedFunc(maps.Keys(byCoordinator), func(a, b key) int {
		return cmp.Or(strings.Compare(a.typ, b.typ), cmp.Compare(a.coordinator, b.coordinator))
	})
	for _, k := range keys {
		for _, ids := range chunks(byCoordinator[k], c.o.groupBatch) {
			batches = append(batches, batch{k, ids})
		}
	}
	c.each(ctx, len(batches), func(i int) {
		b := batches[i]
		group := func(id string) *snapshot.Group { return &out[index[id]] }
		switch b.typ {
		case snapshot.GroupClassic:
			c.describeGroups(ctx, b.coordinator, b.ids, group)
		default:
			c.describeNewGroups(ctx, b.typ, b.coordinator, b.ids, group)
		}
	})

	c.committedOffsets(ctx, refs, out, unread)
	return out, unread
}

// committedOffsets sets out[i].Offsets and unread[i] for every group refs[i]. A share group's
// start offsets take one DescribeShareGroupOffsets each. The other groups' committed offsets take
// one OffsetFetch per coordinator and batch of offsetBatch groups (v8+, KIP-709: Kafka 3.0 and
// later), or one per group to a coordinator that speaks only older versions, or when offsetBatch
// is 1. Each job writes only its own groups' entries.
func (c *collector) committedOffsets(ctx context.Context, refs []groupRef, out []snapshot.Group, unread []unreadOffsets) {
	type job struct {
		coordinator int32
		groups      []int // indexes into refs
	}
	var (
		shares   []int
		perGroup []int // fetched one group per request
	)
	byCoordinator := map[int32][]int{}
	for i, r := range refs {
		switch {
		case r.typ == snapshot.GroupShare:
			shares = append(shares, i)
		case c.o.offsetBatch <= 1:
			perGroup = append(perGroup, i)
		default:
			byCoordinator[r.coordinator] = append(byCoordinator[r.coordinator], i)
		}
	}
	var batches []job
	for _, id := range slices.Sorted(maps.Keys(byCoordinator)) {
		for _, groups := range chunks(byCoordinator[id], c.o.offsetBatch) {
			batches = append(batches, job{id, groups})
		}
	}

	// Batches and share groups first, side by side; then, one group per request, the groups of
	// the coordinators that turned out to predate v8.
	tooOld := make([]bool, len(batches))
	c.each(ctx, len(batches)+len(shares), func(j int) {
		if j >= len(batches) {
			i := shares[j-len(batches)]
			out[i].Offsets, unread[i] = c.shareOffsets(ctx, refs[i], &out[i])
			return
		}
		b := batches[j]
		gs := make([]groupRef, len(b.groups))
		for k, i := range b.groups {
			gs[k] = refs[i]
		}
		offsets, unreadOf, ok := c.fetchOffsetsBatch(ctx, b.coordinator, gs)
		if !ok {
			tooOld[j] = true
			return
		}
		for k, i := range b.groups {
			out[i].Offsets, unread[i] = offsets[k], unreadOf[k]
		}
	})
	for j, old := range tooOld {
		if old {
			perGroup = append(perGroup, batches[j].groups...)
		}
	}
	c.each(ctx, len(perGroup), func(j int) {
		i := perGroup[j]
		out[i].Offsets, unread[i] = c.fetchOffsets(ctx, refs[i])
	})
}

// listGroups asks every broker for the groups it coordinates, with their type where the broker
// says it (ListGroups v5+, KIP-848). A group listed by two brokers (its coordinator moved
// meanwhile) is kept once, with the lower broker id.
func (c *collector) listGroups(ctx context.Context, brokerIDs []int32) []groupRef {
	lists := make([][]groupRef, len(brokerIDs))
	c.each(ctx, len(brokerIDs), func(i int) {
		id := brokerIDs[i]
		// No types filter: every group of every type (AdminClient's listConsumerGroups asks
		// for classic and consumer only).
		req, res := kmsg.NewPtrListGroupsRequest(), kmsg.NewPtrListGroupsResponse()
		err := c.brokers.use(ctx, id, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
		if err != nil {
			c.record("groups", fmt.Sprintf("broker %d", id), "list the groups broker %d coordinates: %v", id, err)
			return
		}
		if res.ErrorCode != 0 {
			c.record("groups", fmt.Sprintf("broker %d", id), "list the groups broker %d coordinates: %s", id, kafkaError(res.ErrorCode))
			return
		}
		for _, g := range res.Groups {
			lists[i] = append(lists[i], groupRef{id: g.Group, typ: groupType(g.GroupType, g.ProtocolType),
				coordinator: id, protocolType: g.ProtocolType})
		}
	})
	var refs []groupRef
	seen := map[string]bool{}
	for _, list := range lists {
		for _, g := range list {
			if seen[g.id] {
				continue
			}
			seen[g.id] = true
			refs = append(refs, g)
		}
	}
	slices.SortFunc(refs, func(a, b groupRef) int { return strings.Compare(a.id, b.id) })
	return refs
}

// groupType is a group's type as ListGroups v5+ names it, else as its protocol type implies:
// brokers before v5 have classic groups only, and a share or streams group's protocol type is
// its type.
func groupType(listed, protocolType string) string {
	switch t := strings.ToLower(listed); t {
	case snapshot.GroupClassic, snapshot.GroupConsumer, snapshot.GroupShare, snapshot.GroupStreams:
		return t
	}
	switch protocolType {
	case snapshot.GroupShare, snapshot.GroupStreams:
		return protocolType
	}
	return snapshot.GroupClassic
}

func (c *collector) describeGroups(ctx context.Context, coordinator int32, ids []string, group func(id string) *snapshot.Group) {
	r, err := c.brokers.roundTrip(ctx, coordinator, &describegroups.Request{Groups: ids})
	if err != nil {
		for _, id := range ids {
			group(id).NotDescribed = fmt.Sprintf("DescribeGroups: %v", err)
		}
		return
	}
	described := map[string]bool{}
	for _, dg := range r.(*describegroups.Response).Groups {
		if !slices.Contains(ids, dg.GroupID) {
			continue
		}
		described[dg.GroupID] = true
		g := group(dg.GroupID)
		if dg.ErrorCode != 0 {
			g.NotDescribed = "DescribeGroups: " + kafkaError(dg.ErrorCode)
			continue
		}
		if dg.GroupState == deadState && len(dg.Members) == 0 {
			// DescribeGroups up to v5 (kafka-go's highest) answers "Dead" without an error for a
			// group that is not a classic group. ListGroups v5+ names those types, so this is a
			// group that changed type between the two requests, or a broker that listed it
			// without its type: say so rather than report a live group as dead.
			g.NotDescribed = "DescribeGroups answers Dead for it without an error: it is most likely not a classic group " +
				"(a KIP-848 consumer, share or streams group) on a broker that did not say its type"
			continue
		}
		g.State = dg.GroupState
		g.ProtocolType = cmp.Or(dg.ProtocolType, g.ProtocolType)
		g.Protocol = dg.ProtocolData
		for _, m := range dg.Members {
			member := snapshot.Member{
				ID:       m.MemberID,
				ClientID: m.ClientID,
				// Brokers report the client's address as Java prints it, "/10.0.0.7".
				Host: strings.TrimPrefix(m.ClientHost, "/"),
			}
			if g.ProtocolType == consumerProtocol && len(m.MemberAssignment) > 0 {
				assignments, err := decodeAssignment(m.MemberAssignment)
				if err != nil {
					c.record("groups", dg.GroupID, "group %q, member %q: %v", dg.GroupID, m.MemberID, err)
				}
				member.Assignments = assignments
			}
			g.Members = append(g.Members, member)
		}
	}
	for _, id := range ids {
		if !described[id] {
			group(id).NotDescribed = fmt.Sprintf("DescribeGroups: coordinator %d did not answer for it", coordinator)
		}
	}
}

// decodeAssignment reads a consumer-protocol member assignment with kafka-go's own codec.
// All versions (0–3) of the assignment share the fields read here.
func decodeAssignment(b []byte) ([]snapshot.TopicPartitions, error) {
	var a consumer.Assignment
	if err := protocol.Unmarshal(b, consumer.MaxVersionSupported, &a); err != nil {
		return nil, fmt.Errorf("decode assignment: %w", err)
	}
	var out []snapshot.TopicPartitions
	for _, tp := range a.AssignedPartitions {
		parts := slices.Clone(tp.Partitions)
		slices.Sort(parts)
		out = append(out, snapshot.TopicPartitions{Topic: tp.Topic, Partitions: nonNil(parts)})
	}
	return out, nil
}

// unreadOffsets says which committed offsets of a group could not be read: all when !read, else
// the partitions in failed.
type unreadOffsets struct {
	read   bool
	failed map[topicPartition]bool
}

// maxBatchedOffsetFetch is the highest OffsetFetch version kdocs sends: v10 (Kafka 4.2) names
// topics by id in its answer, and kafka-go's metadata does not carry topic ids.
const maxBatchedOffsetFetch = 9

// fetchOffsetsBatch returns the committed offsets of groups gs, all coordinated by coordinator,
// from one OffsetFetch (v8–v9); entry k of each result is group gs[k]'s, as fetchOffsets returns
// it. ok is false, and nothing is fetched or recorded, when the coordinator speaks only versions
// before 8, which carry one group each.
func (c *collector) fetchOffsetsBatch(ctx context.Context, coordinator int32, gs []groupRef) (offsets [][]snapshot.GroupOffset, unread []unreadOffsets, ok bool) {
	req, res := kmsg.NewPtrOffsetFetchRequest(), kmsg.NewPtrOffsetFetchResponse()
	for _, g := range gs {
		// No member id and epoch -1: an admin's fetch, not a KIP-848 member's. Topics nil: every
		// partition the group has committed.
		rg := kmsg.NewOffsetFetchRequestGroup()
		rg.Group = g.id
		req.Groups = append(req.Groups, rg)
	}
	tooOld := false
	err := c.brokers.use(ctx, coordinator, func(ctx context.Context, bc *brokerConn) error {
		if r, ok := bc.ranges[protocol.OffsetFetch]; ok && r[1] < 8 {
			tooOld = true
			return nil
		}
		return bc.kmsgExchange(ctx, upTo{req, maxBatchedOffsetFetch}, res)
	})
	if tooOld {
		return nil, nil, false
	}
	offsets = make([][]snapshot.GroupOffset, len(gs))
	unread = make([]unreadOffsets, len(gs))
	if err != nil {
		for _, g := range gs {
			c.record("groups", g.id, "fetch committed offsets of group %q: %v", g.id, err)
		}
		return offsets, unread, true
	}
	answers := make(map[string]*kmsg.OffsetFetchResponseGroup, len(res.Groups))
	for i := range res.Groups {
		answers[res.Groups[i].Group] = &res.Groups[i]
	}
	for k, g := range gs {
		a := answers[g.id]
		switch {
		case a == nil:
			c.record("groups", g.id, "fetch committed offsets of group %q: coordinator %d did not answer for it", g.id, coordinator)
		case a.ErrorCode != 0:
			c.record("groups", g.id, "fetch committed offsets of group %q: %s", g.id, kafkaError(a.ErrorCode))
		default:
			offsets[k], unread[k] = c.committed(g.id, a.Topics)
		}
	}
	return offsets, unread, true
}

// fetchOffsets returns the group's committed offsets, one group per request as brokers before
// Kafka 3.0 (OffsetFetch v7 and older) need, through kafka-go, which speaks up to v5.
func (c *collector) fetchOffsets(ctx context.Context, g groupRef) ([]snapshot.GroupOffset, unreadOffsets) {
	// Topics nil asks for every partition the group has committed.
	r, err := c.brokers.roundTrip(ctx, g.coordinator, &offsetfetch.Request{GroupID: g.id})
	if err != nil {
		c.record("groups", g.id, "fetch committed offsets of group %q: %v", g.id, err)
		return nil, unreadOffsets{}
	}
	res := r.(*offsetfetch.Response)
	if res.ErrorCode != 0 {
		c.record("groups", g.id, "fetch committed offsets of group %q: %s", g.id, kafkaError(res.ErrorCode))
		return nil, unreadOffsets{}
	}
	// The shape of a v8+ answer's group, for committed.
	topics := make([]kmsg.OffsetFetchResponseGroupTopic, len(res.Topics))
	for i, t := range res.Topics {
		topics[i].Topic = t.Name
		topics[i].Partitions = make([]kmsg.OffsetFetchResponseGroupTopicPartition, len(t.Partitions))
		for j, p := range t.Partitions {
			topics[i].Partitions[j] = kmsg.OffsetFetchResponseGroupTopicPartition{Partition: p.PartitionIndex, Offset: p.CommittedOffset, ErrorCode: p.ErrorCode}
		}
	}
	return c.committed(g.id, topics)
}

// committed reads one group's answer to OffsetFetch: partitions without a commit are left out,
// and each topic's failed partitions make one error per distinct error code.
func (c *collector) committed(group string, topics []kmsg.OffsetFetchResponseGroupTopic) ([]snapshot.GroupOffset, unreadOffsets) {
	var out []snapshot.GroupOffset
	unread := unreadOffsets{read: true}
	failed := newPartitionErrors()
	for _, t := range topics {
		for _, p := range t.Partitions {
			switch {
			case p.ErrorCode != 0:
				failed.add(t.Topic, p.Partition, kafkaError(p.ErrorCode))
				if unread.failed == nil {
					unread.failed = map[topicPartition]bool{}
				}
				unread.failed[topicPartition{t.Topic, p.Partition}] = true
			case p.Offset >= 0: // -1: nothing committed
				out = append(out, snapshot.GroupOffset{Topic: t.Topic, Partition: p.Partition, Committed: p.Offset})
			}
		}
	}
	for topic, byMsg := range failed {
		for msg, parts := range byMsg {
			slices.Sort(parts)
			c.record("groups", group, "committed offsets of group %q on topic %q, %s: %s", group, topic, partitionList(parts), msg)
		}
	}
	return out, unread
}

// lag sets each committed offset's latest offset and lag (latest − committed, never below zero:
// a commit past the end only happens after the log was truncated), and each group's total.
// Where the latest offset is unknown, the lag is left out of the total and the gap recorded.
func (c *collector) lag(groups []snapshot.Group, topics []snapshot.Topic, offsets offsetTable) {
	exists := make(map[string]bool, len(topics))
	for _, t := range topics {
		exists[t.Name] = true
	}
	for i := range groups {
		g := &groups[i]
		g.TotalLag = 0
		missing := newPartitionErrors()
		for j := range g.Offsets {
			o := &g.Offsets[j]
			r, ok := offsets.get(o.Topic, o.Partition)
			if !ok {
				// A commit on a topic that no longer exists has no lag to speak of and is a
				// fact about the cluster, not a failure to read it.
				if exists[o.Topic] {
					missing.add(o.Topic, o.Partition, "its latest offset could not be read")
				}
				continue
			}
			o.LatestOffset = r.latest
			o.Lag = max(0, r.latest-o.Committed)
			if l, ok := c.shareLags[g.ID][topicPartition{o.Topic, o.Partition}]; ok && g.Type == snapshot.GroupShare {
				o.Lag = l
			}
			g.TotalLag += o.Lag
		}
		for topic, byMsg := range missing {
			for msg, parts := range byMsg {
				slices.Sort(parts)
				c.record("groups", g.ID, "lag of group %q on topic %q, %s unknown: %s", g.ID, topic, partitionList(parts), msg)
			}
		}
	}
}

// uncommitted lists, for each group, the partitions of the topics it reads (commits on, or has
// a member assigned to) that have no committed offset: where it would start from its
// auto.offset.reset. Partitions whose commit could not be read are not among them, and a group
// whose offsets could not be fetched at all gets none.
func uncommitted(groups []snapshot.Group, topics []snapshot.Topic, unread []unreadOffsets) {
	partitions := make(map[string][]int32, len(topics))
	for _, t := range topics {
		for _, p := range t.Partitions {
			partitions[t.Name] = append(partitions[t.Name], p.ID)
		}
	}
	for i := range groups {
		g := &groups[i]
		g.Uncommitted = nil
		if !unread[i].read {
			continue
		}
		committed := map[topicPartition]bool{}
		reads := map[string]bool{}
		for _, o := range g.Offsets {
			committed[topicPartition{o.Topic, o.Partition}] = true
			reads[o.Topic] = true
		}
		for _, m := range g.Members {
			for _, a := range m.Assignments {
				reads[a.Topic] = true
			}
		}
		for _, topic := range slices.Sorted(maps.Keys(reads)) {
			var none []int32
			for _, p := range partitions[topic] {
				tp := topicPartition{topic, p}
				if !committed[tp] && !unread[i].failed[tp] {
					none = append(none, p)
				}
			}
			if len(none) > 0 {
				g.Uncommitted = append(g.Uncommitted, snapshot.TopicPartitions{Topic: topic, Partitions: none})
			}
		}
	}
}
