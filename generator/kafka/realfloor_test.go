package kafka

// The floor under BenchmarkCollectReal2000Topics: each kind of request of a snapshot, alone, on
// the same 2,000-topic estate of the shared cluster, sent once by franz-go (kmsg on pre-dialled
// connections, an independent client whose decoding costs little) and once by kdocs' own
// section code. Every sub-benchmark reports its time as a multiple of `kcat -L -J` measured first
// in the same run (x-kcat), so a loaded machine shifts both sides alike. Run with
//
//	go test -run '^$' -bench RealFloor ./generator/kafka/

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func BenchmarkRealFloor2000Topics(b *testing.B) {
	servers := realBenchEstate(b, true)
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		b.Fatalf("kcat: %v", err)
	}
	ctx := context.Background()
	var kcatNs float64
	report := func(b *testing.B) {
		if kcatNs > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/kcatNs, "x-kcat")
		}
	}
	b.Run("kcat", func(b *testing.B) {
		for b.Loop() {
			out, err := exec.Command(kcat, "-L", "-J", "-b", strings.Join(servers, ","), "-m", "60").Output()
			if err != nil || len(out) == 0 {
				b.Fatalf("kcat: %v", err)
			}
		}
		kcatNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})

	// franz-go: conns clients, so up to conns connections (requests the broker works on at
	// once) per broker; each is dialled before the timer starts.
	const conns = 4
	clients := make([]*kgo.Client, conns)
	for i := range clients {
		cl, err := kgo.NewClient(kgo.SeedBrokers(servers...))
		if err != nil {
			b.Fatal(err)
		}
		defer cl.Close()
		clients[i] = cl
	}
	mdReq := kmsg.NewPtrMetadataRequest()
	md, err := mdReq.RequestWith(ctx, clients[0])
	if err != nil {
		b.Fatal(err)
	}
	var ids []int32
	for _, br := range md.Brokers {
		ids = append(ids, br.NodeID)
	}
	slices.Sort(ids)
	var names []string
	byLeader := map[int32]map[string][]int32{}
	for _, t := range md.Topics {
		names = append(names, *t.Topic)
		for _, p := range t.Partitions {
			if byLeader[p.Leader] == nil {
				byLeader[p.Leader] = map[string][]int32{}
			}
			byLeader[p.Leader][*t.Topic] = append(byLeader[p.Leader][*t.Topic], p.Partition)
		}
	}
	slices.Sort(names)
	for _, cl := range clients {
		for _, id := range ids {
			if _, err := kmsg.NewPtrApiVersionsRequest().RequestWith(ctx, cl.Broker(int(id))); err != nil {
				b.Fatal(err)
			}
		}
	}
	// parallel runs job(0) … job(n-1), job i on client i/len(ids) % conns and broker i%len(ids).
	parallel := func(b *testing.B, n int, job func(cl *kgo.Broker, i int) error) {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = job(clients[(i/len(ids))%conns].Broker(int(ids[i%len(ids)])), i)
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}

	b.Run("franz/Metadata", func(b *testing.B) {
		for b.Loop() {
			if _, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, clients[0].Broker(int(ids[0]))); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	// describeConfigs sends the configs of all topics in batches of batch topics, the batches to
	// the brokers in turn, with at most inflight at a time per broker.
	describeConfigs := func(batch, inflight int) error {
		batches := chunks(names, batch)
		errs := make(chan error, len(batches))
		var wg sync.WaitGroup
		for bi, id := range ids {
			queue := make(chan []string, len(batches))
			for i := bi; i < len(batches); i += len(ids) {
				queue <- batches[i]
			}
			close(queue)
			for w := range inflight {
				wg.Go(func() {
					for group := range queue {
						req := kmsg.NewPtrDescribeConfigsRequest()
						for _, name := range group {
							r := kmsg.NewDescribeConfigsRequestResource()
							r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, name
							req.Resources = append(req.Resources, r)
						}
						if _, err := req.RequestWith(ctx, clients[w%conns].Broker(int(id))); err != nil {
							errs <- err
						}
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		return <-errs
	}
	// A few points of the sweep that found the best setting (25–2,000 topics a request, 1–4 in
	// flight per broker): one request for everything, and the neighbourhood of kdocs' own choice.
	for _, batch := range []int{100, 250, 2000} {
		for _, inflight := range []int{1, 4} {
			if batch == 2000 && inflight > 1 {
				continue
			}
			b.Run(fmt.Sprintf("franz/DescribeConfigs/batch=%d/inflight=%d", batch, inflight), func(b *testing.B) {
				for b.Loop() {
					if err := describeConfigs(batch, inflight); err != nil {
						b.Fatal(err)
					}
				}
				report(b)
			})
		}
	}
	b.Run("franz/ListOffsets", func(b *testing.B) {
		leaders := slices.Sorted(maps.Keys(byLeader))
		for b.Loop() {
			var wg sync.WaitGroup
			for li, leader := range leaders {
				for ti, ts := range []int64{-2, -1} {
					wg.Go(func() {
						req := kmsg.NewPtrListOffsetsRequest()
						req.ReplicaID = -1
						for topic, parts := range byLeader[leader] {
							rt := kmsg.NewListOffsetsRequestTopic()
							rt.Topic = topic
							for _, p := range parts {
								rp := kmsg.NewListOffsetsRequestTopicPartition()
								rp.Partition, rp.Timestamp = p, ts
								rt.Partitions = append(rt.Partitions, rp)
							}
							req.Topics = append(req.Topics, rt)
						}
						if _, err := req.RequestWith(ctx, clients[(li+ti)%conns].Broker(int(leader))); err != nil {
							b.Error(err)
						}
					})
				}
			}
			wg.Wait()
		}
		report(b)
	})
	b.Run("franz/DescribeLogDirs", func(b *testing.B) {
		for b.Loop() {
			parallel(b, len(ids), func(br *kgo.Broker, _ int) error {
				_, err := kmsg.NewPtrDescribeLogDirsRequest().RequestWith(ctx, br)
				return err
			})
		}
		report(b)
	})

	b.Run("franz/all-at-once", func(b *testing.B) {
		leaders := slices.Sorted(maps.Keys(byLeader))
		for b.Loop() {
			if _, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, clients[0].Broker(int(ids[0]))); err != nil {
				b.Fatal(err)
			}
			var wg sync.WaitGroup
			wg.Go(func() {
				if err := describeConfigs(100, 2); err != nil {
					b.Error(err)
				}
			})
			for li, leader := range leaders {
				for _, ts := range []int64{-2, -1} {
					wg.Go(func() {
						req := kmsg.NewPtrListOffsetsRequest()
						for topic, parts := range byLeader[leader] {
							rt := kmsg.NewListOffsetsRequestTopic()
							rt.Topic = topic
							for _, p := range parts {
								rp := kmsg.NewListOffsetsRequestTopicPartition()
								rp.Partition, rp.Timestamp = p, ts
								rt.Partitions = append(rt.Partitions, rp)
							}
							req.Topics = append(req.Topics, rt)
						}
						if _, err := req.RequestWith(ctx, clients[(li+2)%conns].Broker(int(leader))); err != nil {
							b.Error(err)
						}
					})
				}
			}
			for _, id := range ids {
				wg.Go(func() {
					if _, err := kmsg.NewPtrDescribeLogDirsRequest().RequestWith(ctx, clients[3].Broker(int(id))); err != nil {
						b.Error(err)
					}
				})
			}
			wg.Wait()
		}
		report(b)
	})

	// kdocs: each section of collect alone, on a warm connection pool.
	c := config.Cluster{Name: "bench-real", Bootstrap: servers, Timeout: config.Duration(2 * time.Minute)}
	col, topics, brokerIDs, closePool := benchCollector(b, ctx, c)
	defer closePool()
	b.Run("kdocs/Metadata", func(b *testing.B) {
		for b.Loop() {
			if _, err := readMetadata(ctx, benchBootstrap(), servers[:1]); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("kdocs/Metadata+topicsOf", func(b *testing.B) {
		for b.Loop() {
			md, err := readMetadata(ctx, benchBootstrap(), servers[:1])
			if err != nil {
				b.Fatal(err)
			}
			_ = topicsOf(md)
		}
		report(b)
	})
	b.Run("kdocs/configs", func(b *testing.B) {
		for b.Loop() {
			if got := col.configs(ctx, topicNames(topics), brokerIDs); len(got) < realBenchTopics {
				b.Fatalf("configs of %d topics", len(got))
			}
		}
		report(b)
	})
	for _, batch := range []int{50, 100} {
		for _, perBroker := range []int{2, 3, 4} {
			b.Run(fmt.Sprintf("kdocs/configs/batch=%d/perBroker=%d", batch, perBroker), func(b *testing.B) {
				o := defaultOptions()
				o.configBatch, o.perBroker = batch, perBroker
				col := &collector{o: o, brokers: newBrokerPool(o.dial, clientID, time.Minute, time.Minute, col.brokers.addrs, o.perBroker, nil),
					sem: make(chan struct{}, perBroker*len(brokerIDs))}
				defer col.brokers.close()
				for b.Loop() {
					if got := col.configs(ctx, topicNames(topics), brokerIDs); len(got) < realBenchTopics {
						b.Fatalf("configs of %d topics", len(got))
					}
				}
				report(b)
			})
		}
	}
	for _, step := range []struct {
		name string
		run  func()
	}{
		{"kdocs/offsets", func() { col.offsets(ctx, topics) }},
		{"kdocs/brokers+logdirs", func() { col.describeBrokers(ctx, brokerIDs, topics) }},
		{"kdocs/groups", func() { col.groups(ctx, brokerIDs) }},
		{"kdocs/acls+quotas", func() { col.acls(ctx, brokerIDs); col.quotas(ctx, brokerIDs) }},
	} {
		b.Run(step.name, func(b *testing.B) {
			for b.Loop() {
				step.run()
			}
			report(b)
		})
	}
	b.Run("kdocs/Collect", func(b *testing.B) {
		for b.Loop() {
			if _, err := Collect(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	for _, v := range []struct{ batch, perBroker, parallel int }{{100, 3, 9}, {100, 4, 12}, {50, 4, 12}, {100, 2, 6}, {200, 4, 12}} {
		b.Run(fmt.Sprintf("kdocs/Collect/batch=%d/perBroker=%d/parallel=%d", v.batch, v.perBroker, v.parallel), func(b *testing.B) {
			o := defaultOptions()
			o.configBatch, o.perBroker, o.parallel = v.batch, v.perBroker, v.parallel
			for b.Loop() {
				if _, err := collect(ctx, c, o); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
		})
	}
	b.Run("kcat-again", func(b *testing.B) {
		for b.Loop() {
			if _, err := exec.Command(kcat, "-L", "-J", "-b", strings.Join(servers, ","), "-m", "60").Output(); err != nil {
				b.Fatalf("kcat: %v", err)
			}
		}
		report(b)
	})
}

// benchCollector is a collector on the cluster with the default options, and the topics of one
// metadata answer.
func benchCollector(b *testing.B, ctx context.Context, c config.Cluster) (*collector, []snapshot.Topic, []int32, func()) {
	md, err := readMetadata(ctx, benchBootstrap(), c.Bootstrap)
	if err != nil {
		b.Fatal(err)
	}
	o := defaultOptions()
	addrs := map[int32]string{}
	var ids []int32
	for _, br := range md.Brokers {
		addrs[br.NodeID] = net.JoinHostPort(br.Host, fmt.Sprint(br.Port))
		ids = append(ids, br.NodeID)
	}
	slices.Sort(ids)
	col := &collector{o: o, brokers: newBrokerPool(o.dial, clientID, time.Minute, time.Minute, addrs, o.perBroker, nil),
		sem: make(chan struct{}, o.perBroker*len(ids))}
	return col, topicsOf(md), ids, col.brokers.close
}

// benchBootstrap is the pool readMetadata connects through, without TLS or SASL.
func benchBootstrap() *brokerPool {
	return newBrokerPool(defaultOptions().dial, clientID, time.Minute, time.Minute, nil, 1, nil)
}
