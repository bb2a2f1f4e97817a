package kafka

// The KRaft quorum through DescribeQuorum (API 55, kmsg): brokers forward it to the active
// controller, which answers for the metadata log (__cluster_metadata, partition 0) with its
// leader, epoch, high watermark and every voter's and observer's log end offset and fetch times.
// Also the optional APIs the brokers offer, for the snapshot's features.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// metadataTopic is the KRaft metadata log, the one partition the quorum replicates.
const metadataTopic = "__cluster_metadata"

// quorum asks the brokers in turn, lowest id first, until one answers. A broker that lacks the
// API (a ZooKeeper-mode cluster, Kafka before 3.3) makes the quorum unavailable, not an error.
func (c *collector) quorum(ctx context.Context, brokerIDs []int32) *snapshot.Quorum {
	var failures []string
	for _, id := range brokerIDs {
		req, res := kmsg.NewPtrDescribeQuorumRequest(), kmsg.NewPtrDescribeQuorumResponse()
		req.Topics = []kmsg.DescribeQuorumRequestTopic{{Topic: metadataTopic, Partitions: []kmsg.DescribeQuorumRequestTopicPartition{{Partition: 0}}}}
		err := c.brokers.use(ctx, id, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
		var unsupported *unsupportedError
		if errors.As(err, &unsupported) {
			return &snapshot.Quorum{Reason: "not available on this Kafka version: " + unsupported.Error()}
		}
		if err == nil {
			if msg := groupError(res.ErrorCode, res.ErrorMessage); msg != "" {
				err = errors.New(msg)
			} else {
				return c.quorumOf(res)
			}
		}
		failures = append(failures, err.Error())
		if ctx.Err() != nil {
			break
		}
	}
	msg := strings.Join(failures, "; ")
	if len(failures) == 0 {
		msg = "no broker to ask"
	}
	c.record("quorum", "", "describe the KRaft quorum: %s", msg)
	return &snapshot.Quorum{Reason: "could not be read: " + msg}
}

func (c *collector) quorumOf(res *kmsg.DescribeQuorumResponse) *snapshot.Quorum {
	for _, t := range res.Topics {
		for _, p := range t.Partitions {
			if t.Topic != metadataTopic || p.Partition != 0 {
				continue
			}
			if msg := groupError(p.ErrorCode, p.ErrorMessage); msg != "" {
				c.record("quorum", "", "describe the KRaft quorum: %s", msg)
				return &snapshot.Quorum{Reason: "could not be read: " + msg}
			}
			q := &snapshot.Quorum{Available: true, LeaderID: p.LeaderID, LeaderEpoch: p.LeaderEpoch, HighWatermark: p.HighWatermark}
			// Lag as Kafka's MetadataQuorumCommand prints it: the leader's log end offset minus
			// the replica's.
			leaderEnd := int64(-1)
			for _, v := range p.CurrentVoters {
				if v.ReplicaID == p.LeaderID {
					leaderEnd = v.LogEndOffset
				}
			}
			replica := func(r kmsg.DescribeQuorumResponseTopicPartitionReplicaState) snapshot.QuorumReplica {
				out := snapshot.QuorumReplica{ID: r.ReplicaID, LogEndOffset: r.LogEndOffset}
				if leaderEnd >= 0 {
					out.Lag = max(0, leaderEnd-r.LogEndOffset)
				}
				if r.LastFetchTimestamp >= 0 {
					out.LastFetchMs = ptr(r.LastFetchTimestamp)
				}
				if r.LastCaughtUpTimestamp >= 0 {
					out.LastCaughtUpMs = ptr(r.LastCaughtUpTimestamp)
				}
				return out
			}
			for _, v := range p.CurrentVoters {
				q.Voters = append(q.Voters, replica(v))
			}
			for _, o := range p.Observers {
				q.Observers = append(q.Observers, replica(o))
			}
			return q
		}
	}
	c.record("quorum", "", "describe the KRaft quorum: the answer has no %s partition 0", metadataTopic)
	return &snapshot.Quorum{Reason: "could not be read: the answer has no " + metadataTopic + " partition 0"}
}

// optionalAPIs are the APIs whose presence says what a Kafka version can answer, with the
// lowest version kdocs needs (ListGroups names group types from v5) and what each gives.
var optionalAPIs = []struct {
	req  kmsg.Request
	min  int16
	what string
}{
	{kmsg.NewPtrListGroupsRequest(), 5, "group types (KIP-848)"},
	{kmsg.NewPtrConsumerGroupDescribeRequest(), 0, "KIP-848 consumer groups"},
	{kmsg.NewPtrShareGroupDescribeRequest(), 0, "KIP-932 share groups"},
	{kmsg.NewPtrDescribeShareGroupOffsetsRequest(), 0, "share group offsets"},
	{kmsg.NewPtrStreamsGroupDescribeRequest(), 0, "KIP-1071 streams groups"},
	{kmsg.NewPtrDescribeQuorumRequest(), 0, "the KRaft quorum"},
	{kmsg.NewPtrListTransactionsRequest(), 0, "the transactional producers"},
	{kmsg.NewPtrDescribeTransactionsRequest(), 0, "the transactions' state and partitions"},
	{kmsg.NewPtrDescribeProducersRequest(), 0, "the producers with state on each partition (KIP-664)"},
}

// features says which optional APIs the brokers offer in a version kdocs speaks; nil when no
// broker answered ApiVersions.
func (p *brokerPool) features() []snapshot.Feature {
	p.mu.Lock()
	apis := p.apis
	p.mu.Unlock()
	if apis == nil {
		return nil
	}
	var out []snapshot.Feature
	for _, a := range optionalAPIs {
		name := kmsg.NameForKey(a.req.Key())
		f := snapshot.Feature{Name: name}
		r, ok := apis[protocol.ApiKey(a.req.Key())]
		v := min(r[1], a.req.MaxVersion())
		switch {
		case !ok:
			f.Reason = fmt.Sprintf("the brokers do not offer %s, so kdocs cannot read %s", name, a.what)
		case v < max(r[0], a.min):
			f.Reason = fmt.Sprintf("the brokers offer %s v%d–v%d; %s needs v%d or later", name, r[0], r[1], a.what, max(r[0], a.min))
		default:
			f.Available, f.Version = true, v
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b snapshot.Feature) int { return cmp.Compare(a.Name, b.Name) })
	return out
}
