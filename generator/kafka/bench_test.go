package kafka

// Benchmarks of one snapshot of a large synthetic estate on kfake, and of kcat listing the same
// estate's metadata as a baseline: `make bench` prints both, and the kcat benchmark reports the
// ratio snapshot/kcat when it runs after the snapshot one (as it does, in file order).
//
// The estate: KDOCS_BENCH_TOPICS topics (default 10,000) of 10 partitions, RF 3 on 3 brokers,
// and one group per 10 topics (1,000 by default), each committed on all partitions of one topic
// whose partitions hold 2 records. It is built once per test process, in large batches, and
// shared. The kfake brokers run in a child process (this test binary again, told so by
// kfakeServeEnv), as a real cluster would: their own heap then stays out of the peak heap the
// snapshot benchmark reports, and they do not compete with it for the garbage collector.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

const benchPartitions = 10

type benchEstate struct {
	cluster *kfake.Cluster // in the process that serves it
	stop    func()         // in the process that benchmarks it: ends the serving child
	addrs   []string
	topics  int
	groups  int
	built   time.Duration
}

// kfakeServeEnv makes the test binary serve the benchmark estate instead of running tests: it
// builds the estate, prints "addrs <a,b,c> built <duration>" and serves until its stdin closes.
const kfakeServeEnv = "KDOCS_BENCH_KFAKE_SERVE"

var (
	benchOnce sync.Once
	bench     *benchEstate
	benchErr  error
	// collectNsPerOp is BenchmarkCollectKfake's result, for the kcat benchmark's ratio.
	collectNsPerOp float64
)

// TestMain serves the benchmark estate when asked to (kfakeServeEnv), and otherwise runs the
// tests and ends the estate's process, if a benchmark started one.
func TestMain(m *testing.M) {
	if os.Getenv(kfakeServeEnv) != "" {
		os.Exit(serveBenchEstate())
	}
	code := m.Run()
	if bench != nil {
		bench.stop()
	}
	os.Exit(code)
}

func serveBenchEstate() int {
	e, err := buildBenchEstate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer e.cluster.Close()
	fmt.Printf("addrs %s built %s\n", strings.Join(e.addrs, ","), e.built)
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it, or exits
	return 0
}

// startBenchEstate runs the estate in a child process and returns it once it serves.
func startBenchEstate() (*benchEstate, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), kfakeServeEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() { stdin.Close(); _ = cmd.Wait() }
	line, err := bufio.NewReader(stdout).ReadString('\n')
	var addrs, built string
	if err == nil {
		_, err = fmt.Sscanf(line, "addrs %s built %s", &addrs, &built)
	}
	if err != nil {
		stop()
		return nil, fmt.Errorf("the estate process did not start (%q): %w", line, err)
	}
	d, err := time.ParseDuration(built)
	if err != nil {
		stop()
		return nil, err
	}
	e := &benchEstate{stop: stop, addrs: strings.Split(addrs, ","), built: d}
	e.topics, err = benchTopics()
	e.groups = e.topics / 10
	return e, err
}

func benchmarkEstate(b *testing.B) *benchEstate {
	b.Helper()
	benchOnce.Do(func() { bench, benchErr = startBenchEstate() })
	if benchErr != nil {
		b.Fatalf("build the benchmark estate: %v", benchErr)
	}
	return bench
}

// benchTopics is the estate's number of topics: KDOCS_BENCH_TOPICS, 10,000 by default.
func benchTopics() (int, error) {
	if v := os.Getenv("KDOCS_BENCH_TOPICS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 10 {
			return 0, fmt.Errorf("KDOCS_BENCH_TOPICS=%q: want a number of topics, 10 or more", v)
		}
		return n, nil
	}
	return 10_000, nil
}

func buildBenchEstate() (*benchEstate, error) {
	topics, err := benchTopics()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	c, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		return nil, err
	}
	e := &benchEstate{cluster: c, addrs: c.ListenAddrs(), topics: topics, groups: topics / 10}
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.addrs...), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	if err != nil {
		c.Close()
		return nil, err
	}
	defer cl.Close()
	ctx := context.Background()

	// Topics, 1,000 per CreateTopics request.
	for first := 0; first < topics; first += 1000 {
		req := kmsg.NewPtrCreateTopicsRequest()
		req.TimeoutMillis = 60_000
		for i := first; i < min(first+1000, topics); i++ {
			t := kmsg.NewCreateTopicsRequestTopic()
			t.Topic, t.NumPartitions, t.ReplicationFactor = benchTopic(i), benchPartitions, 3
			req.Topics = append(req.Topics, t)
		}
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("create topics %d…: %w", first, err)
		}
		for _, t := range resp.Topics {
			if t.ErrorCode != 0 {
				c.Close()
				return nil, fmt.Errorf("create topic %s: error %d", t.Topic, t.ErrorCode)
			}
		}
	}

	// Records: 2 per partition of every topic a group reads (topic 10·g for group g).
	var recs []*kgo.Record
	for g := range e.groups {
		for p := range int32(benchPartitions) {
			for range 2 {
				recs = append(recs, &kgo.Record{Topic: benchTopic(10 * g), Partition: p, Value: []byte("x")})
			}
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		c.Close()
		return nil, fmt.Errorf("produce: %w", err)
	}

	// Commits: each group commits offset 1 on every partition of its topic (lag 1 each),
	// many groups at a time.
	adm := kadm.NewClient(cl)
	errs := make(chan error, e.groups)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for g := range e.groups {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			var offs kadm.Offsets
			for p := range int32(benchPartitions) {
				offs.AddOffset(benchTopic(10*g), p, 1, -1)
			}
			res, err := adm.CommitOffsets(ctx, fmt.Sprintf("bench-group-%04d", g), offs)
			if err == nil {
				err = res.Error()
			}
			if err != nil {
				errs <- fmt.Errorf("commit group %d: %w", g, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		c.Close()
		return nil, err
	}
	e.built = time.Since(start)
	return e, nil
}

func benchTopic(i int) string { return fmt.Sprintf("bench-topic-%05d", i) }

// BenchmarkCollectKfake takes whole snapshots of the estate. Besides time and allocations it
// reports the requests one snapshot sends (ApiVersions excluded: they follow connections, not
// the estate) and the peak growth of the heap in use while it runs.
func BenchmarkCollectKfake(b *testing.B) {
	e := benchmarkEstate(b)
	b.Logf("estate: %d topics × %d partitions, %d groups; built in %s", e.topics, benchPartitions, e.groups, e.built.Round(time.Millisecond))
	c := config.Cluster{Name: "bench", Bootstrap: e.addrs, Timeout: config.Duration(2 * time.Minute)}
	ctx := context.Background()

	var requests, peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, n := measuredCollect(b, ctx, c, &peak)
		if len(s.Errors) > 0 {
			b.Fatalf("%d errors, first: %+v", len(s.Errors), s.Errors[0])
		}
		if len(s.Topics) != e.topics || len(s.Groups) != e.groups {
			b.Fatalf("snapshot has %d topics and %d groups, want %d and %d", len(s.Topics), len(s.Groups), e.topics, e.groups)
		}
		requests = n
		b.StartTimer()
	}
	b.StopTimer()
	collectNsPerOp = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(float64(requests), "requests/snapshot")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// measuredCollect runs one timed collection with a fresh request counter and a heap sampler,
// and returns with the timer stopped: the caller checks the snapshot untimed, then restarts it.
// peak keeps the largest heap growth seen across calls.
func measuredCollect(b *testing.B, ctx context.Context, c config.Cluster, peak *uint64) (*snapshot.Snapshot, uint64) {
	b.Helper()
	b.StopTimer()
	runtime.GC()
	wire := newWireCounter()
	o := defaultOptions()
	o.dial = wire.dial
	stop := sampleHeap(heapInUse(), peak)
	b.StartTimer()

	s, err := collect(ctx, c, o)

	b.StopTimer()
	stop()
	if err != nil {
		b.Fatal(err)
	}
	return s, uint64(wire.total())
}

// heapInUse is runtime.MemStats.HeapInuse (the bytes of in-use heap spans) read through
// runtime/metrics, which, unlike runtime.ReadMemStats, does not stop the world: sampling every
// millisecond must not slow down the collection it measures.
func heapInUse() uint64 {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(samples)
	return samples[0].Value.Uint64() + samples[1].Value.Uint64()
}

// sampleHeap records, every millisecond until stop is called, how far the heap in use has
// grown above base, keeping the maximum in peak.
func sampleHeap(base uint64, peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if inUse := heapInUse(); inUse > base && inUse-base > *peak {
				*peak = inUse - base
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// BenchmarkKcatMetadata runs `kcat -L -J` (one Metadata request, printed as JSON) on the same
// estate: the least any tool that lists the cluster does. kcat is required in CI.
func BenchmarkKcatMetadata(b *testing.B) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		if testenv.Strict() {
			b.Fatalf("kcat is required in CI: %v", err)
		}
		b.Skipf("kcat not found (%v); install it with `apt-get install -y kcat` to run this baseline", err)
	}
	e := benchmarkEstate(b)
	// kcat's bootstrap list is comma-separated host:port.
	servers := ""
	for i, a := range e.addrs {
		if _, _, err := net.SplitHostPort(a); err != nil {
			b.Fatal(err)
		}
		if i > 0 {
			servers += ","
		}
		servers += a
	}
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(kcat, "-L", "-J", "-b", servers, "-m", "60")
		cmd.Stdout = io.Discard
		out, err := cmd.StderrPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		msg, _ := io.ReadAll(out)
		if err := cmd.Wait(); err != nil {
			b.Fatalf("kcat: %v: %s", err, msg)
		}
	}
	b.StopTimer()
	if collectNsPerOp > 0 {
		kcatNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(collectNsPerOp/kcatNs, "snapshot/kcat")
	}
}
