package kafka

// Faults of a real cluster: a private 3-node Kafka 4.1 cluster that this test starts for itself
// (testenv.StartPrivateKafka, port base 18091), never the shared one, loses broker 3 before a
// snapshot (a controlled shutdown), during one, and by a crash (SIGKILL), and then all of its
// brokers (frozen by SIGSTOP, then stopped). The snapshot must describe a degraded cluster as
// degraded, say what it could not read, never hang, and never replace a good snapshot file with a
// failure. Each fault path logs how long it took.
//
// It needs java and the Kafka jars (scripts/kafka.sh fetch); it is skipped with -short, and
// outside CI when those are missing.

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	collectrun "github.com/kdocs/kdocs/generator/collect"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

const (
	// faultPortBase puts the private cluster's brokers on 18092-18094, controllers on
	// 18192-18194. Not 19091, scripts/kafka.sh's documented example of a private cluster, which
	// people also start by hand.
	faultPortBase = 18091
	// rf3Topic has 6 partitions on all three brokers; rf1Topic 2 partitions on broker 3 alone.
	rf3Topic = "kdocs-test-fault-rf3"
	rf1Topic = "kdocs-test-fault-rf1"
	// faultGroup commits on both topics, so that lag depends on broker 3 too.
	faultGroup = "kdocs-test-fault-group"

	faultTimeout     = 3 * time.Second
	faultDialTimeout = 1 * time.Second
	// faultBound is the longest any one collection may take with these timeouts: metadata
	// from each of three bootstrap servers, then a few rounds of requests that each cost at most
	// a dial timeout and a request timeout. Far below it in practice; a hang exceeds it.
	faultBound = 15 * time.Second
)

func TestFaultsOnPrivateCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private 3-node Kafka cluster; run without -short")
	}
	pk := testenv.StartPrivateKafka(t, faultPortBase)
	broker3 := pk.Bootstrap[2]

	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf(`title: Faults
clusters:
  - name: fault
    environment: test
    bootstrap: [%s]
    timeout: %s
    dialTimeout: %s
    expectedBrokers: 3
`, strings.Join(pk.Bootstrap, ", "), faultTimeout, faultDialTimeout)), 0o644))
	site, err := config.Load(cfgPath)
	require.NoError(t, err)
	c := site.Clusters[0]
	snapPath := site.SnapshotPath(c)

	adm := seedFaultCluster(t, pk.Bootstrap)
	times := map[string]time.Duration{}
	defer func() {
		var lines []string
		for _, k := range slices.Sorted(maps.Keys(times)) {
			lines = append(lines, fmt.Sprintf("  %-42s %s", k, times[k].Round(time.Millisecond)))
		}
		t.Logf("fault path timings:\n%s", strings.Join(lines, "\n"))
	}()

	// A healthy baseline: the state the faults below degrade.
	testenv.Settled(context.Background(), t, pk.Bootstrap)
	start := time.Now()
	out := snapshotRun(t, site)
	times["0 baseline snapshot"] = time.Since(start)
	require.NoError(t, out.Err)
	assert.Equal(t, health.Healthy, out.Health.Status, "%v", out.Health.Reasons)

	t.Run("node 3 stopped before the snapshot", func(t *testing.T) {
		start := time.Now()
		pk.StopNode(t, 3, 30*time.Second)
		times["a1 stop node 3 (controlled shutdown)"] = time.Since(start)

		// The controller fences the broker and moves leadership; wait until the metadata says
		// so, so that the snapshot sees the settled state rather than a race.
		start = time.Now()
		waitForMetadata(t, adm, func(md kadm.Metadata) bool {
			for _, p := range md.Topics[rf1Topic].Partitions {
				if p.Leader != -1 {
					return false
				}
			}
			for _, p := range md.Topics[rf3Topic].Partitions {
				if slices.Contains(p.ISR, 3) || p.Leader == 3 {
					return false
				}
			}
			return true
		})
		times["a2 metadata reflects it"] = time.Since(start)

		start = time.Now()
		out := snapshotRun(t, site)
		times["a3 snapshot without node 3"] = time.Since(start)
		require.NoError(t, out.Err)
		assert.Less(t, out.Duration, faultBound)
		s, err := snapshot.Load(snapPath)
		require.NoError(t, err)
		t.Logf("health %s: %s", out.Health.Status, strings.Join(out.Health.Reasons, "; "))
		for _, e := range s.Errors {
			t.Logf("error: %s / %s: %s", e.Scope, e.Resource, e.Message)
		}

		assert.Equal(t, health.Degraded, out.Health.Status)
		assert.Equal(t, health.Evaluate(s), out.Health, "the health derives from the file alone")
		assert.True(t, out.Partial)

		// The RF-1 topic lives on broker 3 alone: both partitions are offline, their offsets
		// and sizes unknown.
		rf1 := s.Topic(rf1Topic)
		require.NotNil(t, rf1)
		for _, p := range rf1.Partitions {
			assert.Equal(t, int32(-1), p.Leader, "partition %d", p.ID)
			assert.Equal(t, []int32{3}, p.Replicas, "partition %d", p.ID)
			assert.Nil(t, p.SizeBytes, "partition %d", p.ID)
		}
		assert.Nil(t, rf1.SizeBytes, "a topic with an offline partition has no known size")
		// The RF-3 topic is read in full, under-replicated: its ISR lacks broker 3.
		rf3 := s.Topic(rf3Topic)
		require.NotNil(t, rf3)
		for _, p := range rf3.Partitions {
			assert.NotContains(t, p.ISR, int32(3), "partition %d", p.ID)
			assert.Less(t, len(p.ISR), len(p.Replicas), "partition %d", p.ID)
			assert.Equal(t, int64(5), p.LatestOffset, "partition %d", p.ID)
			assert.NotNil(t, p.SizeBytes, "partition %d", p.ID)
		}
		assert.Contains(t, out.Health.Reasons, "2 offline partitions (no leader)")
		assert.True(t, slices.ContainsFunc(out.Health.Reasons, func(r string) bool { return strings.HasSuffix(r, "under-replicated partitions") }), "%v", out.Health.Reasons)

		// What could not be read because of broker 3 is recorded: the offline partitions'
		// offsets, the lag the group has on them, and broker 3 itself if metadata still
		// listed it (then its configs and log dirs failed) or, once it is fenced, its absence
		// against expectedBrokers.
		assert.Contains(t, s.Errors, snapshot.Error{Scope: "offsets", Resource: rf1Topic,
			Message: fmt.Sprintf("offsets unknown of topic %q, partitions 0, 1: no leader", rf1Topic)})
		assert.True(t, slices.ContainsFunc(s.Errors, func(e snapshot.Error) bool {
			return e.Scope == "groups" && e.Resource == faultGroup && strings.Contains(e.Message, rf1Topic)
		}), "the group's lag on the offline topic is recorded as unknown: %v", s.Errors)
		if slices.ContainsFunc(s.Cluster.Brokers, func(b snapshot.Broker) bool { return b.ID == 3 }) {
			assert.True(t, slices.ContainsFunc(s.Errors, func(e snapshot.Error) bool {
				return e.Scope == "brokers" && e.Resource == "broker 3" && strings.Contains(e.Message, broker3)
			}), "broker 3 is listed, so its configs and log dirs must be recorded as unread: %v", s.Errors)
		} else {
			assert.Contains(t, out.Health.Reasons, "2 of 3 expected brokers in the cluster (1 missing)")
		}
		for _, b := range s.Cluster.Brokers {
			if b.ID != 3 {
				assert.NotEmpty(t, b.LogDirs, "broker %d is described", b.ID)
				assert.NotEmpty(t, b.Configs, "broker %d is described", b.ID)
			}
		}
	})

	t.Run("node 3 stopped during the snapshot", func(t *testing.T) {
		start := time.Now()
		pk.StartNode(t, 3)
		times["b1 start node 3 again"] = time.Since(start)
		waitForMetadata(t, adm, func(md kadm.Metadata) bool {
			for _, p := range md.Topics[rf1Topic].Partitions {
				if p.Leader != 3 {
					return false
				}
			}
			return true
		})

		// The first collection is held at its first connection to broker 3 until node 3's
		// shutdown has begun: the fault lands after metadata named broker 3 and while the
		// requests to brokers 1 and 2 are in flight. Later collections run back to back
		// until the node is gone, each bounded.
		stopping := make(chan struct{})
		var gateOnce sync.Once
		reached := make(chan struct{})
		o := defaultOptions()
		o.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == broker3 {
				gateOnce.Do(func() { close(reached) })
				select {
				case <-stopping:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}

		type result struct {
			s    *snapshot.Snapshot
			err  error
			took time.Duration
		}
		results := make(chan result, 64)
		stopped := make(chan struct{})
		go func() {
			defer close(results)
			last := false
			for {
				start := time.Now()
				s, err := collect(context.Background(), c, o)
				results <- result{s, err, time.Since(start)}
				if last {
					return
				}
				select {
				case <-stopped:
					last = true // one more once the node is gone, then done
				default:
				}
			}
		}()

		select {
		case <-reached:
		case <-time.After(faultBound):
			t.Fatal("the collection never dialled broker 3")
		}
		stopStart := time.Now()
		go func() {
			// Release the held dial once TERM has reached node 3 and it is shutting down.
			time.Sleep(300 * time.Millisecond)
			close(stopping)
		}()
		pk.StopNode(t, 3, 30*time.Second)
		times["b2 stop node 3 (controlled shutdown)"] = time.Since(stopStart)
		close(stopped)

		var n, withBroker3Errors, failed int
		var longest time.Duration
		timeout := time.After(2 * faultBound)
		for {
			var r result
			var ok bool
			select {
			case r, ok = <-results:
			case <-timeout:
				t.Fatalf("a collection did not return within %s: it hangs", 2*faultBound)
			}
			if !ok {
				break
			}
			n++
			longest = max(longest, r.took)
			assert.Less(t, r.took, faultBound, "collection %d", n)
			if r.err != nil {
				// A clear error names the cluster; it happens only if no bootstrap server
				// answered metadata, which node 1 always does here.
				failed++
				assert.Contains(t, r.err.Error(), `cluster "fault"`)
				t.Logf("collection %d failed after %s: %v", n, r.took.Round(time.Millisecond), r.err)
				continue
			}
			require.NotNil(t, r.s)
			if slices.ContainsFunc(r.s.Errors, func(e snapshot.Error) bool { return strings.Contains(e.Message, "broker 3") }) {
				withBroker3Errors++
			}
			if n == 1 {
				t.Logf("first collection (held at broker 3 until its shutdown began): %s, %d errors", r.took.Round(time.Millisecond), len(r.s.Errors))
				for _, e := range r.s.Errors {
					t.Logf("  error: %s / %s: %s", e.Scope, e.Resource, e.Message)
				}
				times["b3 first collection, node 3 stopping"] = r.took
			}
		}
		times["b4 longest of the collections during the stop"] = longest
		t.Logf("%d collections while node 3 stopped: %d failed, %d recorded errors about broker 3, the longest took %s", n, failed, withBroker3Errors, longest.Round(time.Millisecond))
		assert.GreaterOrEqual(t, n, 2)
		assert.Zero(t, failed, "node 1 answers metadata throughout: no collection may fail whole")
	})

	t.Run("node 3 killed", func(t *testing.T) {
		// A crash, not a shutdown: until its session times out (broker.session.timeout.ms,
		// 9s) the controller still lists broker 3 and its leaderships, so the collector asks
		// it and is refused. What it could not read from broker 3 is in Errors.
		pk.StartNode(t, 3)
		waitForMetadata(t, adm, func(md kadm.Metadata) bool {
			for _, p := range md.Topics[rf1Topic].Partitions {
				if p.Leader != 3 {
					return false
				}
			}
			return true
		})
		pk.Signal(t, syscall.SIGKILL, 3)
		start := time.Now()
		out := snapshotRun(t, site)
		times["c1 snapshot right after node 3 was killed"] = time.Since(start)
		require.NoError(t, out.Err)
		s, err := snapshot.Load(snapPath)
		require.NoError(t, err)
		t.Logf("health %s: %s", out.Health.Status, strings.Join(out.Health.Reasons, "; "))
		for _, e := range s.Errors {
			t.Logf("error: %s / %s: %s", e.Scope, e.Resource, e.Message)
		}
		if !slices.ContainsFunc(s.Cluster.Brokers, func(b snapshot.Broker) bool { return b.ID == 3 }) {
			t.Skip("the controller had already fenced broker 3: this machine was too slow to snapshot within its session timeout")
		}
		assert.Equal(t, health.Degraded, out.Health.Status)
		refused := func(scope, what string) bool {
			return slices.ContainsFunc(s.Errors, func(e snapshot.Error) bool {
				return e.Scope == scope && e.Resource == "broker 3" && strings.Contains(e.Message, what) &&
					strings.Contains(e.Message, "broker 3 ("+broker3+")") && connectionLost.MatchString(e.Message)
			})
		}
		assert.True(t, refused("brokers", "describe configs of broker 3"), "%v", s.Errors)
		assert.True(t, refused("brokers", "describe log dirs of broker 3"), "%v", s.Errors)
		assert.True(t, refused("offsets", "partitions broker 3 leads"), "%v", s.Errors)
		for _, b := range s.Cluster.Brokers {
			if b.ID == 3 {
				assert.Empty(t, b.Configs)
				assert.Empty(t, b.LogDirs)
			} else {
				assert.NotEmpty(t, b.Configs, "broker %d", b.ID)
				assert.NotEmpty(t, b.LogDirs, "broker %d", b.ID)
			}
		}
		for _, p := range s.Topic(rf1Topic).Partitions {
			assert.Nil(t, p.SizeBytes, "partition %d: its leader's log dirs are unknown", p.ID)
		}
	})

	t.Run("all brokers down", func(t *testing.T) {
		// A good snapshot file from the subtests above; whatever happens next must leave it
		// byte for byte.
		before, err := os.ReadFile(snapPath)
		require.NoError(t, err)

		checkFailed := func(t *testing.T, what string) time.Duration {
			t.Helper()
			start := time.Now()
			out := snapshotRun(t, site)
			took := time.Since(start)
			t.Logf("%s: failed after %s: %v", what, took.Round(time.Millisecond), out.Err)
			require.Error(t, out.Err)
			assert.Less(t, took, faultBound, "bounded by timeout %s and dialTimeout %s", faultTimeout, faultDialTimeout)
			msg := out.Err.Error()
			assert.True(t, strings.HasPrefix(msg, `cluster "fault" (`+strings.Join(pk.Bootstrap, ",")+`): metadata: `), msg)
			for _, addr := range pk.Bootstrap {
				assert.Contains(t, msg, addr+": ", "the error says what each bootstrap server did")
			}
			assert.Equal(t, health.Down, out.Health.Status)
			after, err := os.ReadFile(snapPath)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the previous snapshot is kept byte for byte")
			entries, err := os.ReadDir(filepath.Dir(snapPath))
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file is left beside the snapshot")
			return took
		}

		// Frozen brokers (SIGSTOP: a hung JVM, a paused VM) accept connections and never
		// answer; each costs the dial timeout. Node 3 is already stopped: connection refused.
		pk.Signal(t, syscall.SIGSTOP, 1, 2)
		took := checkFailed(t, "brokers 1 and 2 frozen, 3 stopped")
		pk.Signal(t, syscall.SIGCONT, 1, 2)
		times["d1 snapshot fails: 2 frozen + 1 stopped"] = took
		assert.GreaterOrEqual(t, took, 2*faultDialTimeout, "each frozen broker costs its dial timeout")

		// Stopped brokers refuse connections at once. Node 2 is the last voter: no quorum is
		// left for its controlled shutdown, so it is killed after a short wait.
		start := time.Now()
		pk.StopNode(t, 1, 5*time.Second)
		pk.StopNode(t, 2, 3*time.Second)
		times["d2 stop nodes 1 and 2"] = time.Since(start)
		times["d3 snapshot fails: all 3 stopped"] = checkFailed(t, "all brokers stopped")
	})
}

// connectionLost matches what a request to a killed broker fails with: refused once its socket
// is closed, reset when the connection was accepted just before the process died.
var connectionLost = regexp.MustCompile(`connection (refused|reset by peer)`)

// snapshotRun takes one snapshot of the site's only cluster the way `kdocs snapshot` does.
func snapshotRun(t *testing.T, site *config.Site) collectrun.Outcome {
	t.Helper()
	outs := collectrun.Run(context.Background(), site, collectrun.Options{Kafka: Collect, Version: "fault-test"})
	require.Len(t, outs, 1)
	return outs[0]
}

// seedFaultCluster creates the two topics, writes 5 records to every partition, and has
// faultGroup commit offset 2 everywhere.
func seedFaultCluster(t *testing.T, bootstrap []string) *kadm.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		// Metadata requests must notice the stopped broker quickly.
		kgo.MetadataMinAge(100*time.Millisecond), kgo.RequestTimeoutOverhead(2*time.Second))
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)

	testenv.CreateTopic(ctx, t, cl, rf3Topic, 6, 3, nil)

	// kadm cannot place replicas; the raw request can.
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 30_000
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = rf1Topic, -1, -1
	for p := range int32(2) {
		a := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
		a.Partition, a.Replicas = p, []int32{3}
		rt.ReplicaAssignment = append(rt.ReplicaAssignment, a)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	require.NoError(t, err)
	for _, tr := range resp.Topics {
		require.Zero(t, tr.ErrorCode, "create %s: %s", tr.Topic, kafkaError(tr.ErrorCode))
	}
	testenv.Ready(ctx, t, cl, testenv.Want{Topics: map[string]int{rf1Topic: 2}, Groups: []string{faultGroup}})

	var recs []*kgo.Record
	offs := kadm.Offsets{}
	for topic, parts := range map[string]int32{rf3Topic: 6, rf1Topic: 2} {
		for p := range parts {
			for i := range 5 {
				recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: fmt.Appendf(nil, "record %d", i)})
			}
			offs.AddOffset(topic, p, 2, -1)
		}
	}
	require.NoError(t, cl.ProduceSync(ctx, recs...).FirstErr())
	cr, err := adm.CommitOffsets(ctx, faultGroup, offs)
	require.NoError(t, err)
	require.NoError(t, cr.Error())
	return adm
}

// waitForMetadata polls the cluster's metadata until ok holds, for at most a minute.
func waitForMetadata(t *testing.T, adm *kadm.Client, ok func(kadm.Metadata) bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var last string
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		md, err := adm.Metadata(ctx, rf1Topic, rf3Topic)
		cancel()
		if err == nil && len(md.Topics[rf1Topic].Partitions) == 2 && len(md.Topics[rf3Topic].Partitions) == 6 && ok(md) {
			return
		}
		last = fmt.Sprintf("%v %+v", err, md.Topics)
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the cluster's metadata did not reach the expected state within a minute; last: %s", last)
}
