package testenv

// Waiting for what a test created. A KRaft controller acknowledges CreateTopics and
// CreatePartitions once the change is in its log; each broker applies it when it has replicated
// that log, a moment later. Meanwhile a broker that has not yet answers UNKNOWN_TOPIC_OR_PARTITION
// to requests about the topic: a group coordinator refuses an OffsetCommit for it, a leader
// refuses ListOffsets, DescribeConfigs fails. Under CI's package parallelism "a moment" is long
// enough to fail a test that uses a topic right after creating it, so every test that creates a
// topic or a group waits here, the one way.

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// readyTimeout bounds every wait of this file: far longer than a healthy cluster needs, short
// enough that a broken one fails the test with a message rather than its timeout.
const readyTimeout = 60 * time.Second

// CreateTopic creates topic with the given partitions, replication factor and configs (nil for
// none) through cl, and returns once it is Ready: every broker serves it.
func CreateTopic(ctx context.Context, t testing.TB, cl *kgo.Client, topic string, partitions int32, replicationFactor int16, configs map[string]*string) {
	t.Helper()
	res, err := kadm.NewClient(cl).CreateTopic(ctx, partitions, replicationFactor, configs, topic)
	if err == nil {
		err = res.Err
	}
	if err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	Ready(ctx, t, cl, Want{Topics: map[string]int{topic: int(partitions)}})
}

// Want is what Ready waits for.
type Want struct {
	// Topics maps each topic to the number of partitions every broker must serve.
	Topics map[string]int
	// Groups must each have a coordinator that answers an OffsetFetch without error.
	Groups []string
}

// Ready returns once every broker of cl's cluster serves each topic of w in its own metadata,
// with w's number of partitions, each with a leader that is in sync, and each group of w has a
// coordinator that answers for it (the offsets topic created and loaded). It fails the test
// after a minute, naming what was still missing.
func Ready(ctx context.Context, t testing.TB, cl *kgo.Client, w Want) {
	t.Helper()
	if err := Await(ctx, cl, w, readyTimeout); err != nil {
		t.Fatal(err)
	}
}

// Await is Ready for programs that are not tests (the seed): it waits up to timeout and
// returns an error naming what was still missing.
func Await(ctx context.Context, cl *kgo.Client, w Want, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		missing := notReady(ctx, cl, w)
		if missing == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready within %s: %s", timeout, missing)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// notReady says what of w is not there yet, or "" when all of it is.
func notReady(ctx context.Context, cl *kgo.Client, w Want) string {
	if len(w.Topics) > 0 {
		brokers, err := kadm.NewClient(cl).ListBrokers(ctx)
		if err != nil {
			return fmt.Sprintf("list brokers: %v", err)
		}
		if len(brokers) == 0 {
			return "the cluster lists no brokers"
		}
		for _, b := range brokers {
			req := kmsg.NewPtrMetadataRequest()
			for topic := range w.Topics {
				rt := kmsg.NewMetadataRequestTopic()
				rt.Topic = kmsg.StringPtr(topic)
				req.Topics = append(req.Topics, rt)
			}
			resp, err := req.RequestWith(ctx, cl.Broker(int(b.NodeID)))
			if err != nil {
				return fmt.Sprintf("metadata from broker %d: %v", b.NodeID, err)
			}
			for topic, partitions := range w.Topics {
				if why := serves(resp, topic, partitions); why != "" {
					return fmt.Sprintf("broker %d: topic %s: %s", b.NodeID, topic, why)
				}
			}
		}
	}
	for _, group := range w.Groups {
		if why := coordinatorAnswers(ctx, cl, group); why != "" {
			return fmt.Sprintf("group %s: %s", group, why)
		}
	}
	return ""
}

// serves says why one broker's metadata answer does not yet serve topic with partitions.
func serves(resp *kmsg.MetadataResponse, topic string, partitions int) string {
	for _, rt := range resp.Topics {
		if rt.Topic == nil || *rt.Topic != topic {
			continue
		}
		if err := kerr.ErrorForCode(rt.ErrorCode); err != nil {
			return err.Error()
		}
		if len(rt.Partitions) != partitions {
			return fmt.Sprintf("%d of %d partitions", len(rt.Partitions), partitions)
		}
		for _, p := range rt.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return fmt.Sprintf("partition %d: %v", p.Partition, err)
			}
			if p.Leader < 0 || !slices.Contains(p.ISR, p.Leader) {
				return fmt.Sprintf("partition %d has no leader in sync", p.Partition)
			}
		}
		return ""
	}
	return "not in the answer"
}

// coordinatorAnswers finds group's coordinator and asks it for the group's offsets: the answer
// comes without error only once the coordinator has loaded its partition of __consumer_offsets.
func coordinatorAnswers(ctx context.Context, cl *kgo.Client, group string) string {
	fc := kmsg.NewPtrFindCoordinatorRequest()
	fc.CoordinatorKey = group
	fc.CoordinatorKeys = []string{group}
	fresp, err := fc.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Sprintf("find its coordinator: %v", err)
	}
	node, code := fresp.NodeID, fresp.ErrorCode
	if len(fresp.Coordinators) > 0 {
		node, code = fresp.Coordinators[0].NodeID, fresp.Coordinators[0].ErrorCode
	}
	if err := kerr.ErrorForCode(code); err != nil {
		return fmt.Sprintf("find its coordinator: %v", err)
	}
	of := kmsg.NewPtrOffsetFetchRequest()
	of.Group = group
	og := kmsg.NewOffsetFetchRequestGroup()
	og.Group = group
	of.Groups = []kmsg.OffsetFetchRequestGroup{og}
	oresp, err := of.RequestWith(ctx, cl.Broker(int(node)))
	if err != nil {
		return fmt.Sprintf("offsets from coordinator %d: %v", node, err)
	}
	code = oresp.ErrorCode
	if len(oresp.Groups) > 0 {
		code = oresp.Groups[0].ErrorCode
	}
	if err := kerr.ErrorForCode(code); err != nil {
		return fmt.Sprintf("offsets from coordinator %d: %v", node, err)
	}
	return ""
}

// Settled returns once the cluster at bootstrap is settled as kdocs' health judges it: every
// partition of every topic led by its preferred leader with all its replicas in sync. A test
// that asserts a shared cluster is "healthy" waits here first, because the cluster's history is
// not the test's: on a loaded machine a broker that misses its heartbeats for
// broker.session.timeout.ms is fenced, its leaderships move to the other replicas, and they stay
// there after it returns until the controller's next leader-imbalance check, minutes later.
// Settled asks for the preferred leaders then (ElectLeaders, what kafka-leader-election
// --election-type PREFERRED does) and logs that it did. It fails the test after a minute, naming
// what was still unsettled.
func Settled(ctx context.Context, t testing.TB, bootstrap []string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap...))
	if err != nil {
		t.Fatalf("settled: client for %v: %v", bootstrap, err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	start, elected := time.Now(), time.Time{}
	for {
		why, notPreferred := unsettled(ctx, adm)
		if why == "" {
			if !elected.IsZero() {
				t.Logf("testenv: the cluster at %v had partitions off their preferred leader; settled %s after electing them", bootstrap, time.Since(start).Round(time.Millisecond))
			}
			return
		}
		if notPreferred > 0 && time.Since(elected) > 5*time.Second {
			t.Logf("testenv: %s; electing preferred leaders", why)
			if _, err := adm.ElectLeaders(ctx, kadm.ElectPreferredReplica, nil); err != nil {
				t.Logf("testenv: elect preferred leaders: %v", err)
			}
			elected = time.Now()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the cluster at %v did not settle within %s: %s", bootstrap, readyTimeout, why)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// unsettled says what keeps the cluster from being settled ("" when nothing does) and how many
// partitions are led by another replica than their preferred one.
func unsettled(ctx context.Context, adm *kadm.Client) (why string, notPreferred int) {
	md, err := adm.Metadata(ctx)
	if err != nil {
		return fmt.Sprintf("metadata: %v", err), 0
	}
	var under, offline int
	for _, td := range md.Topics {
		if td.Err != nil {
			return fmt.Sprintf("topic %s: %v", td.Topic, td.Err), 0
		}
		for _, p := range td.Partitions {
			switch {
			case p.Leader < 0:
				offline++
			case len(p.Replicas) > 0 && p.Leader != p.Replicas[0]:
				notPreferred++
			}
			if len(p.ISR) < len(p.Replicas) {
				under++
			}
		}
	}
	if offline+under+notPreferred == 0 {
		return "", 0
	}
	return fmt.Sprintf("%d partitions off their preferred leader, %d under-replicated, %d offline", notPreferred, under, offline), notPreferred
}
