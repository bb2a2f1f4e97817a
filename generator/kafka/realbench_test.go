package kafka

// Benchmarks on the real, shared 3-node Kafka 4.1 cluster (scripts/kafka.sh): one snapshot of an
// estate of 2,000 extra topics, and `kcat -L -J` listing the same estate as the baseline; the
// kcat benchmark reports the ratio snapshot/kcat, as the kfake pair in bench_test.go does. Unlike
// kfake, this measures a real broker's answers: log dirs with real sizes, configs resolved by
// Kafka, and the network stack.
//
// The estate is kdocs-bench-0000 … kdocs-bench-1999 with 1–3 partitions and RF 1–3 (topic n:
// 1+n%3 partitions, RF 1+(n/3)%3), created in large CreateTopics batches, once per process, and
// deleted when the last benchmark of this file that the -bench pattern selects ends. Topics left
// by an interrupted run are reused rather than created again. Benchmarks run only with -bench
// (`make bench`), never in `go test`.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

const (
	realBenchTopics = 2000
	realBenchPrefix = "kdocs-bench-"
	// realBenchBatch topics go in one CreateTopics or DeleteTopics request.
	realBenchBatch = 500
)

var (
	realBenchMu      sync.Mutex
	realBenchBuilt   bool
	realBenchServers []string
	// realCollectNsPerOp is BenchmarkCollectReal2000Topics' result, for the kcat ratio.
	realCollectNsPerOp float64
)

func realBenchTopic(n int) string { return fmt.Sprintf("%s%04d", realBenchPrefix, n) }

// realBenchEstate makes sure the 2,000 topics exist on the shared cluster and registers their
// deletion when this is the last selected benchmark of the pair (last in file order).
func realBenchEstate(b *testing.B, last bool) []string {
	b.Helper()
	servers := testenv.Kafka(b)
	if last {
		b.Cleanup(func() { deleteRealBenchEstate(b, servers) })
	}
	realBenchMu.Lock()
	defer realBenchMu.Unlock()
	if realBenchBuilt {
		return realBenchServers
	}
	start := time.Now()
	created, err := createRealBenchEstate(b, servers)
	if err != nil {
		b.Fatalf("build the 2,000-topic estate on %s: %v", strings.Join(servers, ","), err)
	}
	b.Logf("estate: %d topics %s… on %s (%d created now) in %s", realBenchTopics, realBenchPrefix, strings.Join(servers, ","), created, time.Since(start).Round(time.Millisecond))
	realBenchBuilt, realBenchServers = true, servers
	return servers
}

// createRealBenchEstate creates the topics the cluster lacks and waits until the brokers serve
// them all, so that the snapshots measure a settled cluster. A snapshot is the judge of both:
// brokers apply new (and deleted) topics some time after the controller accepts them, and
// meanwhile they list deleted topics, or answer ListOffsets and DescribeLogDirs for new ones with
// errors. So it loops: snapshot, create what is missing, until a snapshot has every estate topic
// and no error about any.
func createRealBenchEstate(tb testing.TB, servers []string) (created int, err error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(servers...))
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := config.Cluster{Name: "bench-real", Bootstrap: servers, Timeout: config.Duration(2 * time.Minute)}
	for {
		s, err := Collect(ctx, c)
		if err != nil {
			return created, err
		}
		var missing []int
		for n := range realBenchTopics {
			if s.Topic(realBenchTopic(n)) == nil {
				missing = append(missing, n)
			}
		}
		unsettled := slices.ContainsFunc(s.Errors, func(e snapshot.Error) bool {
			return strings.Contains(e.Resource+e.Message, realBenchPrefix)
		})
		if len(missing) == 0 && !unsettled {
			return created, nil
		}
		for _, batch := range chunks(missing, realBenchBatch) {
			n, err := createRealBenchTopics(ctx, cl, batch)
			created += n
			if err != nil {
				return created, err
			}
			want := testenv.Want{Topics: map[string]int{}}
			for _, n := range batch {
				want.Topics[realBenchTopic(n)] = 1 + n%3
			}
			testenv.Ready(ctx, tb, cl, want)
		}
		select {
		case <-ctx.Done():
			return created, fmt.Errorf("the brokers did not all serve the estate in time (%d topics missing, errors: %v): %w", len(missing), unsettled, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

// createRealBenchTopics creates the estate topics numbered in batch, in one request.
func createRealBenchTopics(ctx context.Context, cl *kgo.Client, batch []int) (created int, err error) {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 120_000
	for _, n := range batch {
		t := kmsg.NewCreateTopicsRequestTopic()
		t.Topic = realBenchTopic(n)
		t.NumPartitions, t.ReplicationFactor = int32(1+n%3), int16(1+(n/3)%3)
		req.Topics = append(req.Topics, t)
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return 0, fmt.Errorf("create topics %s…: %w", realBenchTopic(batch[0]), err)
	}
	for _, t := range resp.Topics {
		switch t.ErrorCode {
		case 0:
			created++
		case 36:
			// TOPIC_ALREADY_EXISTS: it exists, or its deletion is still under way; the next
			// snapshot tells.
		default:
			return created, fmt.Errorf("create topic %s: %s", t.Topic, kafkaError(t.ErrorCode))
		}
	}
	return created, nil
}

// deleteRealBenchEstate deletes every estate topic. Kafka removes their data in the background.
func deleteRealBenchEstate(b *testing.B, servers []string) {
	realBenchMu.Lock()
	defer realBenchMu.Unlock()
	start := time.Now()
	cl, err := kgo.NewClient(kgo.SeedBrokers(servers...))
	if err != nil {
		b.Errorf("delete the estate: %v", err)
		return
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	existing, err := adm.ListTopics(ctx)
	if err != nil {
		b.Errorf("delete the estate: list topics: %v", err)
		return
	}
	var names []string
	for _, name := range existing.Names() {
		if strings.HasPrefix(name, realBenchPrefix) {
			names = append(names, name)
		}
	}
	for _, batch := range chunks(names, realBenchBatch) {
		res, err := adm.DeleteTopics(ctx, batch...)
		if err != nil {
			b.Errorf("delete topics %s…: %v", batch[0], err)
			return
		}
		if err := res.Error(); err != nil {
			b.Errorf("delete topics %s…: %v", batch[0], err)
		}
	}
	realBenchBuilt = false
	b.Logf("deleted %d estate topics in %s", len(names), time.Since(start).Round(time.Millisecond))
}

// benchSelected reports whether the -bench pattern selects the top-level benchmark name.
func benchSelected(name string) bool {
	f := flag.Lookup("test.bench")
	if f == nil || f.Value.String() == "" {
		return false
	}
	// The pattern's first slash-separated element applies to top-level benchmarks.
	pattern, _, _ := strings.Cut(f.Value.String(), "/")
	re, err := regexp.Compile(pattern)
	return err == nil && re.MatchString(name)
}

// BenchmarkCollectReal2000Topics takes whole snapshots of the shared cluster with the 2,000-topic
// estate. Besides time and allocations it reports the requests one snapshot sends (ApiVersions
// excluded) and the peak growth of the heap in use while it runs.
func BenchmarkCollectReal2000Topics(b *testing.B) {
	servers := realBenchEstate(b, !benchSelected("BenchmarkKcatReal2000Topics"))
	c := config.Cluster{Name: "bench-real", Bootstrap: servers, Timeout: config.Duration(2 * time.Minute)}
	ctx := context.Background()

	var requests, peak uint64
	var topics int
	var errs []snapshot.Error
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, n := measuredCollect(b, ctx, c, &peak)
		topics, errs = 0, s.Errors
		for _, t := range s.Topics {
			if strings.HasPrefix(t.Name, realBenchPrefix) {
				topics++
			}
		}
		if topics != realBenchTopics {
			b.Fatalf("the snapshot has %d estate topics, want %d", topics, realBenchTopics)
		}
		requests = n
		b.StartTimer()
	}
	b.StopTimer()
	// Other tests share the cluster: their topics and groups come and go, and may leave an
	// error (a topic deleted between two requests); it is logged, not fatal.
	b.Logf("last snapshot: %d estate topics, %d errors%s", topics, len(errs), errorSummary(errs))
	realCollectNsPerOp = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(float64(requests), "requests/snapshot")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkKcatReal2000Topics runs `kcat -L -J` (one Metadata request, printed as JSON) on the
// same estate: the least any tool that lists the cluster does. kcat is required in CI.
func BenchmarkKcatReal2000Topics(b *testing.B) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		if testenv.Strict() {
			b.Fatalf("kcat is required in CI: %v", err)
		}
		// The estate is deleted all the same, when this is the last benchmark.
		realBenchEstateCleanupOnly(b)
		b.Skipf("kcat not found (%v); install it with `apt-get install -y kcat` to run this baseline", err)
	}
	servers := realBenchEstate(b, true)
	first := true
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(kcat, "-L", "-J", "-b", strings.Join(servers, ","), "-m", "60")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		var listed int
		if first {
			// The first run also checks that kcat lists the same estate; decoding costs
			// little beside kcat's own run.
			var md struct {
				Topics []struct {
					Topic string `json:"topic"`
				} `json:"topics"`
			}
			if err := json.NewDecoder(out).Decode(&md); err != nil {
				b.Fatalf("kcat's JSON: %v", err)
			}
			for _, t := range md.Topics {
				if strings.HasPrefix(t.Topic, realBenchPrefix) {
					listed++
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
		if err := cmd.Wait(); err != nil {
			b.Fatalf("kcat: %v: %s", err, stderr.String())
		}
		if first && listed != realBenchTopics {
			b.Fatalf("kcat listed %d estate topics, want %d", listed, realBenchTopics)
		}
		first = false
	}
	b.StopTimer()
	if realCollectNsPerOp > 0 {
		kcatNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(realCollectNsPerOp/kcatNs, "snapshot/kcat")
	}
}

// realBenchEstateCleanupOnly deletes an estate the collect benchmark built and left for this one.
func realBenchEstateCleanupOnly(b *testing.B) {
	realBenchMu.Lock()
	built := realBenchBuilt
	servers := realBenchServers
	realBenchMu.Unlock()
	if built {
		b.Cleanup(func() { deleteRealBenchEstate(b, servers) })
	}
}

// errorSummary counts errors by scope and quotes the first of each.
func errorSummary(errs []snapshot.Error) string {
	count := map[string]int{}
	first := map[string]string{}
	for _, e := range errs {
		if count[e.Scope]++; count[e.Scope] == 1 {
			first[e.Scope] = e.Resource + ": " + e.Message
		}
	}
	var out strings.Builder
	for _, scope := range slices.Sorted(maps.Keys(count)) {
		fmt.Fprintf(&out, "\n  %s: %d, first: %s", scope, count[scope], first[scope])
	}
	return out.String()
}
