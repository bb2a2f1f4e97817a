package kafka

// Broker details: each broker's non-default configs (DescribeConfigs) and its log directories
// with the size of every replica in them (DescribeLogDirs), then partition and topic sizes
// derived from the leaders' replicas.
//
// Both requests go to each broker itself, through the broker pool: a broker describes only its
// own configs (Kafka answers "Unexpected broker id" for another's) and only its own log dirs.
// So one request per broker is the floor. kafka.Client.DescribeConfigs would split a request
// for all brokers the same way but fail whole when one broker fails; here a broker that does
// not answer costs only its own details.

import (
	"context"
	"fmt"
	"strconv"

	"github.com/segmentio/kafka-go/protocol/describeconfigs"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// resourceTypeBroker is the BROKER resource type of DescribeConfigs.
const resourceTypeBroker = 4

// brokerDetails is what the brokers told about themselves.
type brokerDetails struct {
	configs map[int32][]snapshot.Config
	logDirs map[int32][]snapshot.LogDir
	// sizes holds the size of each partition's leader replica, as its leader reported it, by
	// topic (index) and partition id; -1 where unknown. Future replicas (being moved between
	// two log dirs of a broker) are left out: they are copies in the making, not the replica.
	index map[string]int
	sizes [][]int64
	// complete marks the brokers whose every log dir was read, so that a replica missing from
	// such an answer can be told from one on a broker or dir that failed (already recorded).
	complete map[int32]bool
}

// topicSizes are a topic's leader replica sizes by partition id, -1 where unknown.
func (d brokerDetails) topicSizes(topic string) []int64 {
	if i, ok := d.index[topic]; ok {
		return d.sizes[i]
	}
	return nil
}

// describeBrokers asks every broker for its configs and log dirs, two requests per broker.
// Only the leaders' replica sizes are kept (a third of them at RF 3), since only they make
// partition and topic sizes; followers count in their log dirs' totals.
func (c *collector) describeBrokers(ctx context.Context, ids []int32, topics []snapshot.Topic) brokerDetails {
	d := brokerDetails{
		configs:  make(map[int32][]snapshot.Config, len(ids)),
		logDirs:  make(map[int32][]snapshot.LogDir, len(ids)),
		index:    make(map[string]int, len(topics)),
		sizes:    make([][]int64, len(topics)),
		complete: make(map[int32]bool, len(ids)),
	}
	leaders := make([][]int32, len(topics)) // by topic index and partition id
	for i, t := range topics {
		d.index[t.Name] = i
		n := 0
		for _, p := range t.Partitions {
			n = max(n, int(p.ID)+1)
		}
		leaders[i], d.sizes[i] = make([]int32, n), make([]int64, n)
		for j := range n {
			leaders[i][j], d.sizes[i][j] = -1, -1
		}
		for _, p := range t.Partitions {
			leaders[i][p.ID] = p.Leader
		}
	}
	configs := make([][]snapshot.Config, len(ids))
	dirs := make([]*kmsg.DescribeLogDirsResponse, len(ids))
	// Job i asks broker i/2 for its configs (even i) or its log dirs (odd i).
	c.each(ctx, 2*len(ids), func(i int) {
		id := ids[i/2]
		if i%2 == 0 {
			configs[i/2] = c.brokerConfigs(ctx, id)
		} else {
			dirs[i/2] = c.describeLogDirs(ctx, id)
		}
	})
	for i, id := range ids {
		if configs[i] != nil {
			d.configs[id] = configs[i]
		}
		if dirs[i] == nil {
			continue
		}
		d.complete[id] = true
		for _, r := range dirs[i].Dirs {
			dir := snapshot.LogDir{Path: r.Dir}
			if r.ErrorCode != 0 {
				// An offline directory (KafkaStorageException) is a fact about the broker, kept
				// with the directory; its replicas' sizes stay unknown.
				dir.Error = kafkaError(r.ErrorCode)
				d.complete[id] = false
				c.record("brokers", fmt.Sprintf("broker %d", id), "log dir %s of broker %d: %s", r.Dir, id, dir.Error)
			}
			for _, t := range r.Topics {
				ti, known := d.index[t.Topic]
				for _, p := range t.Partitions {
					dir.SizeBytes += p.Size
					if known && !p.IsFuture && p.Partition >= 0 && int(p.Partition) < len(leaders[ti]) && leaders[ti][p.Partition] == id {
						d.sizes[ti][p.Partition] = p.Size
					}
				}
			}
			d.logDirs[id] = append(d.logDirs[id], dir)
		}
	}
	return d
}

// brokerConfigs returns the broker's non-default configs, or nil when they could not be read.
func (c *collector) brokerConfigs(ctx context.Context, id int32) []snapshot.Config {
	name := strconv.Itoa(int(id))
	req := &describeconfigs.Request{Resources: []describeconfigs.RequestResource{{ResourceType: resourceTypeBroker, ResourceName: name}}}
	r, err := c.brokers.roundTrip(ctx, id, req)
	if err != nil {
		c.record("brokers", fmt.Sprintf("broker %d", id), "describe configs of broker %d: %v", id, err)
		return nil
	}
	for _, res := range r.(*describeconfigs.Response).Resources {
		if res.ResourceType != resourceTypeBroker || res.ResourceName != name {
			continue
		}
		if res.ErrorCode != 0 {
			c.record("brokers", fmt.Sprintf("broker %d", id), "describe configs of broker %d: %s", id, errorText(res.ErrorCode, res.ErrorMessage))
			return nil
		}
		cfgs := []snapshot.Config{}
		for _, e := range res.ConfigEntries {
			if cfg, ok := nonDefault(e.ConfigName, e.ConfigValue, e.ConfigSource, e.IsDefault, e.IsSensitive); ok {
				cfgs = append(cfgs, cfg)
			}
		}
		return cfgs
	}
	c.record("brokers", fmt.Sprintf("broker %d", id), "describe configs of broker %d: the broker did not answer for itself", id)
	return nil
}

// describeLogDirs returns the broker's answer for all its log dirs, or nil when it gave none.
// It is a kmsg request: the answer lists every replica on the broker (a million at 100,000
// topics of 10 partitions, RF 3, on 3 brokers), which kafka-go's reflection decodes several
// times slower.
func (c *collector) describeLogDirs(ctx context.Context, id int32) *kmsg.DescribeLogDirsResponse {
	// Topics nil asks for every replica in every log dir.
	req, res := kmsg.NewPtrDescribeLogDirsRequest(), kmsg.NewPtrDescribeLogDirsResponse()
	err := c.brokers.use(ctx, id, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
	if err != nil {
		c.record("brokers", fmt.Sprintf("broker %d", id), "describe log dirs of broker %d: %v", id, err)
		return nil
	}
	if res.ErrorCode != 0 {
		// v3+: the whole request failed, CLUSTER_AUTHORIZATION_FAILED most likely.
		c.record("brokers", fmt.Sprintf("broker %d", id), "describe log dirs of broker %d: %s", id, kafkaError(res.ErrorCode))
		return nil
	}
	return res
}

// applyBrokerDetails fills brokers' configs and log dirs, each partition's size (its leader's
// replica) and each topic's size (the sum, when every partition's size is known). A partition
// whose leader read all its log dirs but did not list it is recorded; one whose leader or log
// dir failed is already covered by that failure's error.
func (c *collector) applyBrokerDetails(s *snapshot.Snapshot, d brokerDetails) {
	for i := range s.Cluster.Brokers {
		b := &s.Cluster.Brokers[i]
		b.Configs = d.configs[b.ID]
		b.LogDirs = d.logDirs[b.ID]
	}
	for i := range s.Topics {
		t := &s.Topics[i]
		var total int64
		known := len(t.Partitions) > 0
		missing := newPartitionErrors()
		sizes := d.topicSizes(t.Name)
		for j := range t.Partitions {
			p := &t.Partitions[j]
			if p.ID < 0 || int(p.ID) >= len(sizes) || sizes[p.ID] < 0 {
				known = false
				if p.Leader >= 0 && d.complete[p.Leader] {
					missing.add(t.Name, p.ID, fmt.Sprintf("leader %d listed no replica of it in its log dirs", p.Leader))
				}
				continue
			}
			size := sizes[p.ID]
			p.SizeBytes = &size
			total += size
		}
		missing.record(c, "brokers", "size")
		if known {
			t.SizeBytes = &total
		}
	}
}

// errorText names a Kafka error with the broker's own message when it gave one.
func errorText(code int16, msg string) string {
	if msg == "" {
		return kafkaError(code)
	}
	return fmt.Sprintf("%s: %s", kafkaError(code), msg)
}
