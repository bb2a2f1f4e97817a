package environments_test

// The cost of comparing two 10,000-topic environments (internal/synth's estate), against the
// same two-cluster site without environments: (target: ≤ 20% more build time and peak heap).
//
//	go test -run '^$' -bench Environments -benchtime 1x -count 2 ./generator/environments/

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/environments"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/heappeak"
	"github.com/kdocs/kdocs/internal/synth"
)

// benchEstate writes staging and prod, synth's estate each, prod drifting on every tenth topic
// (one partition more) and lacking every hundredth, and returns the site.yaml with and without
// the environments: block. With access, both also hold writers: ACLs and transactions (access).
func benchEstate(b testing.TB, access bool) (with, without *config.Site) {
	b.Helper()
	dir := b.TempDir()
	staging := synth.Estate(synth.Options{Cluster: "staging"})
	staging.Cluster.Environment = "staging"
	prod := synth.Estate(synth.Options{Cluster: "prod"})
	prod.Cluster.Environment = "prod"
	if access {
		addAccess(staging, "staging")
		addAccess(prod, "prod")
	}
	var kept []snapshot.Topic
	for i, t := range prod.Topics {
		if i%100 == 99 {
			continue
		}
		if i%10 == 0 {
			p := t.Partitions[0]
			p.ID = int32(len(t.Partitions))
			t.Partitions = append(t.Partitions, p)
		}
		kept = append(kept, t)
	}
	prod.Topics = kept
	require.NoError(b, snapshot.Save(filepath.Join(dir, "staging.json"), staging))
	require.NoError(b, snapshot.Save(filepath.Join(dir, "prod.json"), prod))
	clusters := "title: Bench\nclusters:\n  - {name: staging, environment: staging, snapshot: staging.json}\n" +
		"  - {name: prod, environment: prod, snapshot: prod.json}\n"
	load := func(name, text string) *config.Site {
		p := filepath.Join(dir, name)
		require.NoError(b, os.WriteFile(p, []byte(text), 0o644))
		cfg, err := config.Load(p)
		require.NoError(b, err)
		return cfg
	}
	return load("with.yaml", clusters+"environments:\n  order: [staging, prod]\n  principals: \"{name}-{env}\"\n"), load("without.yaml", clusters)
}

// addAccess gives the estate the writers a large cluster has: per topic a principal allowed to
// write it and one to read it (literal), a reader per domain (prefixed), an admin on every topic
// (*), and a transactional producer with state on every fifth topic; prod's principals allow
// one more writer on every fiftieth topic. Principals are named <service>-<env>.
func addAccess(s *snapshot.Snapshot, env string) {
	acl := func(principal, op, pattern, resource string) snapshot.ACL {
		return snapshot.ACL{ResourceType: "TOPIC", ResourceName: resource, PatternType: pattern, Principal: principal,
			Host: "*", Operation: op, Permission: "ALLOW"}
	}
	s.ACLs = &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{acl("User:admin", "ALL", "LITERAL", "*")}}
	s.Transactions = &snapshot.TransactionSection{Available: true}
	s.Producers = &snapshot.ProducerSection{Available: true}
	domains := map[string]bool{}
	for i, t := range s.Topics {
		svc := fmt.Sprintf("svc-%03d-%s", i%300, env)
		s.ACLs.Entries = append(s.ACLs.Entries, acl("User:"+svc, "WRITE", "LITERAL", t.Name),
			acl(fmt.Sprintf("User:reader-%03d-%s", i%500, env), "READ", "LITERAL", t.Name))
		if env == "prod" && i%50 == 0 {
			s.ACLs.Entries = append(s.ACLs.Entries, acl("User:audit-"+env, "WRITE", "LITERAL", t.Name))
		}
		if d, _, ok := strings.Cut(t.Name, "."); ok && !domains[d] {
			domains[d] = true
			s.ACLs.Entries = append(s.ACLs.Entries, acl("User:analytics-"+d+"-"+env, "READ", "PREFIXED", d+"."))
		}
		if i%5 == 0 {
			pid := int64(1000 + i)
			s.Transactions.Entries = append(s.Transactions.Entries, snapshot.Transaction{TransactionalID: fmt.Sprintf("%s-%d", svc, i%3),
				ProducerID: pid, State: "CompleteCommit"})
			s.Producers.Topics = append(s.Producers.Topics, snapshot.TopicProducers{Topic: t.Name, Partitions: []snapshot.PartitionProducers{
				{Partition: 0, Producers: []snapshot.ActiveProducer{{ProducerID: pid, LastTimestampMs: 1_700_000_000_000}}}}})
		}
	}
}

func BenchmarkEnvironments(b *testing.B) {
	with, without := benchEstate(b, false)
	withAccess, withoutAccess := benchEstate(b, true)
	outputs := b.TempDir()
	for _, bc := range []struct {
		name string
		cfg  *config.Site
	}{{"without", without}, {"with", with}, {"acls/without", withoutAccess}, {"acls/with", withAccess}} {
		b.Run(bc.name, func(b *testing.B) {
			var res pipeline.Result
			var peak, live uint64
			var cpu time.Duration
			for b.Loop() {
				out := freshOutput(b, outputs)
				cpu0 := cpuTime()
				inuse, held := heappeak.Measure(10*time.Millisecond, func() {
					var err error
					res, err = pipeline.Run(context.Background(), bc.cfg, pipeline.Options{Output: out})
					require.NoError(b, err)
				})
				cpu += cpuTime() - cpu0
				peak, live = max(peak, inuse), max(live, held)
			}
			// CPU seconds (user and system) per build: less at the mercy of a loaded machine than
			// the wall time.
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			// What the build holds at its peak, from one more build, untimed, collected every
			// 250 ms (heappeak.Held): the steadiest of the three memory figures.
			b.StopTimer()
			out := freshOutput(b, outputs)
			held := heappeak.Held(250*time.Millisecond, func() {
				_, err := pipeline.Run(context.Background(), bc.cfg, pipeline.Options{Output: out})
				require.NoError(b, err)
			})
			b.ReportMetric(float64(held)/(1<<20), "held-MiB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			// The live heap's peak: what the build holds, without the garbage HeapInuse counts
			// until the collector runs (peak-MiB varies ±15% between runs, this far less).
			b.ReportMetric(float64(live)/(1<<20), "live-MiB")
			b.ReportMetric(float64(res.Pages), "pages")
		})
	}
}

// BenchmarkCompare is the comparison alone, on the two 10,000-topic environments, with and
// without their ACLs and writers.
func BenchmarkCompare(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchCompare(b, false) })
	b.Run("acls", func(b *testing.B) { benchCompare(b, true) })
}

func benchCompare(b *testing.B, access bool) {
	staging := synth.Estate(synth.Options{Cluster: "staging"})
	prod := synth.Estate(synth.Options{Cluster: "prod"})
	if access {
		addAccess(staging, "staging")
		addAccess(prod, "prod")
	}
	for i := range prod.Topics {
		if i%10 == 0 {
			prod.Topics[i].ReplicationFactor++
		}
	}
	cfg := &config.Environments{Order: []string{"staging", "prod"}, Principals: "{name}-{env}"}
	in := []environments.Input{{Environment: "staging", Snapshot: staging}, {Environment: "prod", Snapshot: prod}}
	var c *environments.Comparison
	for b.Loop() {
		c = environments.Compare(in, cfg, environments.Options{})
	}
	b.ReportMetric(float64(c.Drifting), "drifting")
}

// freshOutput returns a new output directory under outputs, which holds every build's site
// until the benchmark ends, and syncs the page cache. A build into a used directory would
// delete the previous site, and a deleted tree, on this machine's journal-less ext4, makes the
// next build's file creation slow (docs/benchmarks.md, "Site build against Hugo"): the second
// of two builds paid for the first's cleanup, +20% CPU whatever it built.
func freshOutput(b *testing.B, outputs string) string {
	b.Helper()
	dir, err := os.MkdirTemp(outputs, "public-")
	require.NoError(b, err)
	syscall.Sync()
	return filepath.Join(dir, "public")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
