// Package kafka collects one live Kafka cluster into the snapshot contract through kafka-go's
// connections and protocol, with franz-go kmsg requests on the same connections where kafka-go
// lacks an API or decodes a large answer too slowly.
//
// Collect fails only when the cluster cannot be reached at all. Whatever fails after the first
// metadata answer (configs, offsets, groups, broker details) is recorded in Snapshot.Errors and
// collection goes on: a partial snapshot says what it lacks. ACLs and quotas that the cluster
// does not offer or kdocs may not see are sections marked unavailable, with the reason.
//
// Requests are batched so that their number grows with brokers, topics/100, groups/100 and
// partitions/1,000 (DescribeProducers), never with partitions. For one snapshot:
//
//	Metadata              1                        the first bootstrap server that answers
//	DescribeConfigs       1 per 100 topics         the brokers in turn (configs.go)
//	DescribeConfigs       1 per broker             its own configs (brokers.go)
//	DescribeLogDirs       1 per broker             its own log dirs and replica sizes
//	ListOffsets           2 per partition leader   earliest and latest, to the leader
//	ListGroups            1 per broker
//	DescribeGroups        1 per group coordinator  for up to 100 groups
//	OffsetFetch           1 per group coordinator  for up to 100 groups (v8+, KIP-709; one per
//	                                               group to brokers before Kafka 3.0)
//	DescribeAcls          1                        the first broker that answers (security.go)
//	DescribeClientQuotas  1                        likewise
//	DescribeQuorum        1                        likewise (quorum.go)
//	ListTransactions      1 per broker             writers.go
//	DescribeTransactions  1 per coordinator        for up to 100 transactional ids
//	DescribeProducers     1 per partition leader   for up to 1,000 partitions (KIP-664)
//
// plus one ApiVersions per connection. The requests whose answers grow with topics or partitions
// (Metadata, topic DescribeConfigs, DescribeLogDirs, ListOffsets, DescribeProducers) are kmsg
// requests: kafka-go's reflection decoders cost several times more CPU on them (docs/benchmarks.md,
// the 100,000-topic snapshot). So are those kafka-go lacks: ListGroups v5+, OffsetFetch v8+, the
// describes of consumer, share and streams groups (ConsumerGroupDescribe, ShareGroupDescribe,
// StreamsGroupDescribe, one per coordinator, type and 100 groups), DescribeShareGroupOffsets (one
// per share group) and the rest of writers.go and quorum.go. conn.go says why the requests to single brokers bypass
// kafka.Client. No kafka-go type leaves this package.
package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

const (
	// clientID names kdocs in the brokers' request logs and quotas.
	clientID = "kdocs"
	// noController is the ControllerID of a KRaft cluster: no broker is the controller, the
	// quorum is; its leader is in the snapshot's quorum (DescribeQuorum).
	noController = -1
)

// options are the knobs of one collection; tests turn them, Collect uses the defaults.
type options struct {
	dial        dialFunc
	configBatch int  // topics per DescribeConfigs request
	groupBatch  int  // groups per DescribeGroups request
	offsetBatch int  // groups per OffsetFetch request (v8+); 1: one group per request, as before v8
	parallel    int  // requests in flight at once, across all brokers; 0: perBroker per broker
	perBroker   int  // connections, so requests in flight, per broker
	noWriters   bool // skip transactions and producer state (benchmarks measure their cost)
}

func defaultOptions() options {
	return options{
		dial:        (&net.Dialer{}).DialContext, // bounded by each request's context
		configBatch: 100,
		groupBatch:  100,
		offsetBatch: 100,
		// Four requests in flight per broker, one per request thread of a broker with
		// num.io.threads=4 (scripts/kafka.sh). On the real 2,000-topic bench estate
		// (realfloor_test.go) 2, 3 and 4 per broker, and batches of 50 to 200 topics, were
		// within the noise of a shared 2-core machine; 4 never starves a broker's threads.
		perBroker: 4,
	}
}

// Collect reads cluster c: its brokers with their non-default configs and log dirs, topics with
// partitions, offsets, sizes and every config with its source, and its consumer groups with members,
// committed offsets and lag; and its ACLs and client quotas, or why they could not be read. Each request is bounded by
// c.Timeout (10s when zero) and by ctx. The ControllerID of a KRaft cluster is -1: there the
// quorum, not a broker, is the controller.
//
// The error is non-nil only when no broker answered the first metadata request (it names the
// cluster and its bootstrap servers) or when ctx ended; everything else is in the snapshot's
// Errors. Format, TakenAt and KdocsVersion are left for the caller to fill.
func Collect(ctx context.Context, c config.Cluster) (*snapshot.Snapshot, error) {
	return collect(ctx, c, defaultOptions())
}

func collect(ctx context.Context, c config.Cluster, o options) (*snapshot.Snapshot, error) {
	where := fmt.Sprintf("cluster %q (%s)", c.Name, strings.Join(c.Bootstrap, ","))
	if len(c.Bootstrap) == 0 {
		return nil, fmt.Errorf("cluster %q: no bootstrap servers to collect from", c.Name)
	}
	sec, err := newSecurity(c.Security)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	timeout, dialTimeout := time.Duration(c.Timeout), time.Duration(c.DialTimeout)
	if timeout <= 0 {
		timeout = config.DefaultTimeout
	}
	if dialTimeout <= 0 {
		dialTimeout = config.DefaultDialTimeout
	}
	// The metadata comes from the bootstrap servers themselves, through a pool of its own: their
	// ids are not known until it answers.
	bootstrap := newBrokerPool(o.dial, clientID, timeout, dialTimeout, nil, 1, sec)
	md, err := readMetadata(ctx, bootstrap, c.Bootstrap)
	if err != nil {
		return nil, fmt.Errorf("%s: metadata: %w", where, err)
	}
	s := &snapshot.Snapshot{
		Cluster: clusterOf(c, md),
		Topics:  topicsOf(md),
	}
	addrs := make(map[int32]string, len(md.Brokers))
	brokerIDs := make([]int32, 0, len(md.Brokers))
	for _, b := range md.Brokers {
		addrs[b.NodeID] = net.JoinHostPort(b.Host, fmt.Sprint(b.Port))
		brokerIDs = append(brokerIDs, b.NodeID)
	}
	slices.Sort(brokerIDs)

	col := &collector{
		o:       o,
		brokers: newBrokerPool(o.dial, clientID, timeout, dialTimeout, addrs, o.perBroker, sec),
		sem:     make(chan struct{}, cmp.Or(o.parallel, o.perBroker*max(1, len(brokerIDs)))),
	}
	defer col.brokers.close()
	for _, t := range md.Topics {
		if t.ErrorCode != 0 {
			name := deref(t.Topic)
			col.record("topics", name, "metadata for topic %q: %s", name, kafkaError(t.ErrorCode))
		}
	}

	// The sections are independent until lag is computed, so they run side by side;
	// the shared semaphore bounds the requests in flight.
	var (
		wg      sync.WaitGroup
		configs map[string][]snapshot.Config
		offsets offsetTable
		groups  []snapshot.Group
		unread  []unreadOffsets
		details brokerDetails
		acls    *snapshot.ACLSection
		quotas  *snapshot.QuotaSection
		quorum  *snapshot.Quorum
		txns    *snapshot.TransactionSection
		prods   *snapshot.ProducerSection
	)
	wg.Go(func() { configs = col.configs(ctx, topicNames(s.Topics), brokerIDs) })
	wg.Go(func() { details = col.describeBrokers(ctx, brokerIDs, s.Topics) })
	wg.Go(func() { acls = col.acls(ctx, brokerIDs) })
	wg.Go(func() { quotas = col.quotas(ctx, brokerIDs) })
	wg.Go(func() { offsets = col.offsets(ctx, s.Topics) })
	wg.Go(func() { groups, unread = col.groups(ctx, brokerIDs) })
	wg.Go(func() { quorum = col.quorum(ctx, brokerIDs) })
	if !o.noWriters {
		wg.Go(func() { txns = col.transactions(ctx, brokerIDs) })
		wg.Go(func() { prods = col.producers(ctx, s.Topics) })
	}
	wg.Wait()

	if err := ctx.Err(); err != nil {
		// The caller stopped the collection; a snapshot full of "context canceled" would
		// describe the caller, not the cluster.
		return nil, fmt.Errorf("%s: %w", where, err)
	}

	for i := range s.Topics {
		t := &s.Topics[i]
		t.Configs = configs[t.Name]
		for j := range t.Partitions {
			p := &t.Partitions[j]
			if r, ok := offsets.get(t.Name, p.ID); ok {
				p.EarliestOffset, p.LatestOffset = r.earliest, r.latest
			}
		}
	}
	if c.Sample != nil {
		// After the offsets: the latest N records start N before each partition's end.
		s.Samples = col.sample(ctx, s.Topics, *c.Sample)
	}
	if known, kraft := col.brokers.kraft(); known && kraft {
		// In KRaft mode Metadata names a random live broker as "controller" (brokers forward
		// controller requests to the quorum), a different one from one request to the next.
		// Reporting it would be false and would make two snapshots of one state differ.
		s.Cluster.ControllerID = noController
	}
	s.Cluster.Quorum = quorum
	s.Cluster.Features = col.brokers.features()
	col.applyBrokerDetails(s, details)
	col.lag(groups, s.Topics, offsets)
	uncommitted(groups, s.Topics, unread)
	s.Groups = groups
	s.ACLs, s.Quotas = acls, quotas
	s.Transactions, s.Producers = txns, prods
	col.dropVanished(ctx, s, brokerIDs)
	s.Errors = col.errs
	s.Normalize()
	return s, nil
}

// readMetadata asks the bootstrap servers, one after the other, for the whole cluster's
// metadata, and returns the first answer. One at a time, each on a connection of its own: a
// server that accepts the connection and then stays silent costs its dial timeout, and the next
// one is asked, turning a broken bootstrap server into a slower snapshot, not a failed one. The
// error names every server and what it did. A refused login ends the search at once: every
// broker of a cluster checks the same credentials.
//
// Metadata is a kmsg request (kmsg.go). kafka-go's kafka.Transport, which kdocs asked before,
// decodes the answer by reflection and then builds a routing table of every partition that kdocs
// never uses: at 100,000 topics of 10 partitions that was over a second of CPU and half a
// gigabyte of allocations before any other request could start. kafka.Client.Metadata would
// also drop offline replicas and turn replicas on a stopped broker into broker 0.
func readMetadata(ctx context.Context, bootstrap *brokerPool, servers []string) (*kmsg.MetadataResponse, error) {
	var failures []string
	for _, server := range servers {
		start := time.Now()
		md, err := askMetadata(ctx, bootstrap, server)
		if err == nil {
			return md, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err() // the caller's deadline or cancellation, not the server's
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
			// The connection's deadline (dial, TLS, ApiVersions and SASL) is the only one
			// shorter than the request's.
			which, d := "request timeout", bootstrap.timeout
			if time.Since(start) < bootstrap.timeout {
				which, d = "dial timeout", bootstrap.dialTimeout
			}
			err = fmt.Errorf("no answer within the %s (%s): %w", which, d, err)
		}
		var auth *authError
		if errors.As(err, &auth) {
			return nil, fmt.Errorf("%s: %w", server, err)
		}
		failures = append(failures, fmt.Sprintf("%s: %v", server, err))
	}
	return nil, errors.New(strings.Join(failures, "; "))
}

// askMetadata connects to server (bounded by the dial timeout) and asks it for every topic
// (bounded by the request timeout, the connection included).
func askMetadata(ctx context.Context, bootstrap *brokerPool, server string) (*kmsg.MetadataResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, bootstrap.timeout)
	defer cancel()
	dialCtx, cancelDial := context.WithTimeout(ctx, bootstrap.dialTimeout)
	bc, err := bootstrap.handshake(dialCtx, server) // its errors say what to check already
	cancelDial()
	if err != nil {
		return nil, err
	}
	defer bc.close()
	// Topics nil: every topic. AllowAutoTopicCreation stays false.
	req, res := kmsg.NewPtrMetadataRequest(), kmsg.NewPtrMetadataResponse()
	if err := bc.kmsgExchange(ctx, req, res); err != nil {
		return nil, bootstrap.sec.explain(err)
	}
	if res.ErrorCode != 0 { // v13+ (KIP-1102)
		return nil, fmt.Errorf("%s: %s", protocol.Metadata, kafkaError(res.ErrorCode))
	}
	return res, nil
}

// collector holds what the sections of one collection share: clients, the bound on requests in
// flight, and the errors recorded so far.
type collector struct {
	o       options
	brokers *brokerPool
	sem     chan struct{}

	mu   sync.Mutex
	errs []snapshot.Error
	// shareLags holds the lags brokers report for share groups' partitions (DescribeShareGroupOffsets
	// v1+), by group: lag uses them rather than latest − start offset.
	shareLags map[string]map[topicPartition]int64
}

// record notes that part of the cluster could not be read.
func (c *collector) record(scope, resource, format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, snapshot.Error{Scope: scope, Resource: resource, Message: fmt.Sprintf(format, args...)})
}

// each runs fn(0) … fn(n-1) concurrently, never more at once than the collector's bound
// (shared by all sections), and waits for all of them.
func (c *collector) each(ctx context.Context, n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return
		}
		wg.Go(func() {
			defer func() { <-c.sem }()
			fn(i)
		})
	}
	wg.Wait()
}

// chunks splits items into consecutive slices of at most size.
func chunks[T any](items []T, size int) [][]T {
	var out [][]T
	for len(items) > size {
		out = append(out, items[:size])
		items = items[size:]
	}
	if len(items) > 0 {
		out = append(out, items)
	}
	return out
}
