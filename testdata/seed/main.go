// Command seed creates the fictional "Acme" Kafka estate that kdocs'
// integration tests document: topics, records, consumer groups with committed
// offsets, schema registry subjects, and the evidence of writers kdocs reads
// (values in the Confluent wire format, an idempotent and a transactional
// producer, ACLs on a cluster with an authorizer: writers.go). The estate is
// defined as data in estate.go; README.md lists the facts tests can rely on.
//
//	go run ./testdata/seed [-bootstrap 127.0.0.1:9092,...] [-registry http://127.0.0.1:8081] [-wait 3m]
//
// The defaults follow the services' own scripts: the cluster on KDOCS_KAFKA_PORT_BASE (default
// 9091, so 127.0.0.1:9092-9094), the registry on KDOCS_REGISTRY_PORT (default 8081). The seed
// first waits, up to -wait, until Kafka lists its three brokers and the registry answers, so
// `make -j2 infra-up seed` works while the services are still starting.
//
// It is idempotent: whatever already matches the definition is kept, whatever
// differs (or, with -reset, everything) is deleted and created again, and
// topics, groups and subjects under the owned prefixes that the definition does
// not list are deleted. Running it twice gives the same state.
//
// Other modes: -facts prints README's fact tables from the definition (no
// cluster needed); -check only verifies the live estate and exits 1 if it
// differs.
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/internal/testenv"
)

func main() {
	bootstrap := flag.String("bootstrap", strings.Join(testenv.KafkaBootstrap(), ","), "Kafka bootstrap servers")
	registry := flag.String("registry", testenv.RegistryURL(), "schema registry URL (empty: skip the registry)")
	wait := flag.Duration("wait", 3*time.Minute, "how long to wait for Kafka and the registry to answer")
	reset := flag.Bool("reset", false, "delete and recreate everything, even what already matches")
	check := flag.Bool("check", false, "only verify the live estate against the definition")
	facts := flag.Bool("facts", false, "print the fact tables of README.md and exit")
	timeout := flag.Duration("timeout", 4*time.Minute, "overall timeout")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("seed: ")

	if *facts {
		printFacts(os.Stdout)
		return
	}

	s := &seeder{
		seeds:    strings.Split(*bootstrap, ","),
		registry: strings.TrimRight(*registry, "/"),
		reset:    *reset,
		http:     &http.Client{Timeout: 20 * time.Second},
		ids:      map[string]int{},
	}
	if s.registry == "" {
		// Without a registry there are no ids to frame values with: every value is JSON, as on
		// the Kafka-only clusters of scripts/test.sh's versions step, whose facts tests read
		// writers and offsets, not schemas.
		topics = unframed(topics)
		log.Print("no schema registry (-registry \"\"): every value is JSON, none in the wire format")
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.seeds...), kgo.ClientID("acme-seed-admin"))
	if err != nil {
		log.Fatal(err)
	}
	defer cl.Close()
	s.kcl = cl
	s.adm = kadm.NewClient(cl)
	if err := s.waitForServices(context.Background(), *wait); err != nil {
		log.Fatal(err)
	}
	// -timeout bounds the seeding itself, not the wait for the services.
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	start := time.Now()

	if *check {
		problems := s.checkAll(ctx)
		for _, p := range problems {
			log.Print("MISMATCH: ", p)
		}
		if len(problems) > 0 {
			os.Exit(1)
		}
		log.Print("estate matches the definition")
		return
	}

	// The registry first: framed records carry the ids it gives.
	if s.registry != "" {
		if err := s.seedRegistry(ctx); err != nil {
			log.Fatal("registry: ", err)
		}
	}
	if err := s.seedTopics(ctx); err != nil {
		log.Fatal("topics: ", err)
	}
	if err := s.seedGroups(ctx); err != nil {
		log.Fatal("groups: ", err)
	}
	if err := s.seedACLs(ctx); err != nil {
		log.Fatal("acls: ", err)
	}
	if problems := s.checkAll(ctx); len(problems) > 0 {
		for _, p := range problems {
			log.Print("MISMATCH: ", p)
		}
		log.Fatal("the estate does not match its definition after seeding")
	}
	s.summary(ctx, os.Stdout)
	log.Printf("done in %.1fs", time.Since(start).Seconds())
}

// waitForServices returns once the cluster lists all its brokers and the registry (when there
// is one) answers, or fails after wait naming what did not answer and how to start it.
func (s *seeder) waitForServices(ctx context.Context, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var last error
	err := poll(ctx, wait, func() (bool, error) {
		bs, err := s.adm.ListBrokers(ctx)
		if err != nil {
			last = err
			return false, nil
		}
		if len(bs) < len(brokers) {
			last = fmt.Errorf("%d of %d brokers registered", len(bs), len(brokers))
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("Kafka at %s did not answer with %d brokers within %s (start it with `make kafka-up`): %v",
			strings.Join(s.seeds, ","), len(brokers), wait, cmp.Or(last, err))
	}
	if s.registry == "" {
		return nil
	}
	err = poll(ctx, wait, func() (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.registry+"/subjects", nil)
		if err != nil {
			return false, err
		}
		resp, err := s.http.Do(req)
		if err != nil {
			last = err
			return false, nil
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			last = fmt.Errorf("GET /subjects: %s", resp.Status)
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("the schema registry at %s did not answer within %s (start it with `make registry-up`): %v", s.registry, wait, cmp.Or(last, err))
	}
	return nil
}

type seeder struct {
	seeds    []string
	registry string
	reset    bool
	kcl      *kgo.Client
	adm      *kadm.Client
	http     *http.Client
	ids      map[string]int // schema ids by "subject/version", as the registry answered this run
}

// ------------------------------------------------------------------ derived facts

func ms(v int64) string { return strconv.FormatInt(v, 10) }

func topicByName(name string) (int, topicSpec) {
	for i, t := range topics {
		if t.Name == name {
			return i, t
		}
	}
	panic("unknown topic " + name)
}

// recordsIn is the number of records in partition p.
func (t topicSpec) recordsIn(p int32) int64 {
	n := int64(t.Records / int(t.Partitions))
	if int(p) < t.Records%int(t.Partitions) {
		n++
	}
	return n
}

// endOffset of partition p: its records, then the commit marker of a transaction.
func (t topicSpec) endOffset(p int32) int64 {
	n := t.recordsIn(p)
	if t.TransactionalID != "" && n > 0 {
		n++
	}
	return n
}

// replicas of partition p of the topic at index ti.
func replicas(ti int, t topicSpec, p int32) []int32 {
	out := make([]int32, t.RF)
	for k := range out {
		out[k] = brokers[(ti+int(p)+k)%len(brokers)]
	}
	return out
}

func (g groupTopic) committed(p int32) int64 {
	_, t := topicByName(g.Topic)
	return t.recordsIn(p) * int64(g.Num) / int64(g.Den)
}

func owned(name string) bool {
	for _, p := range ownedPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// ------------------------------------------------------------------ topics

func (s *seeder) seedTopics(ctx context.Context) error {
	existing, err := s.adm.ListTopics(ctx)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, t := range topics {
		want[t.Name] = true
	}
	var stale []string
	for _, name := range existing.Names() {
		if owned(name) && !want[name] {
			stale = append(stale, name)
		}
	}
	if len(stale) > 0 {
		log.Printf("deleting topics not in the estate: %v", stale)
		if err := s.deleteTopics(ctx, stale); err != nil {
			return err
		}
	}

	var recreate, create []string
	var kept int
	for ti, t := range topics {
		if !existing.Has(t.Name) {
			create = append(create, t.Name)
			continue
		}
		if s.reset {
			recreate = append(recreate, t.Name)
			continue
		}
		if problems := s.checkTopic(ctx, ti, t); len(problems) > 0 {
			log.Printf("topic %s differs (%s): recreating", t.Name, strings.Join(problems, "; "))
			recreate = append(recreate, t.Name)
			continue
		}
		kept++
	}
	if len(recreate) > 0 {
		if err := s.deleteTopics(ctx, recreate); err != nil {
			return err
		}
		create = append(create, recreate...)
	}
	log.Printf("topics: %d kept, %d to create", kept, len(create))
	if len(create) == 0 {
		return nil
	}
	if err := s.createTopics(ctx, create); err != nil {
		return err
	}
	return s.produce(ctx, create)
}

func (s *seeder) deleteTopics(ctx context.Context, names []string) error {
	resps, err := s.adm.DeleteTopics(ctx, names...)
	if err != nil {
		return err
	}
	for _, r := range resps.Sorted() {
		if r.Err != nil && !errors.Is(r.Err, kerr.UnknownTopicOrPartition) {
			return fmt.Errorf("delete %s: %w", r.Topic, r.Err)
		}
	}
	// Wait until no broker lists them any more.
	return poll(ctx, 30*time.Second, func() (bool, error) {
		md, err := s.adm.ListTopics(ctx, names...)
		if err != nil {
			return false, nil
		}
		for _, d := range md {
			if d.Err == nil {
				return false, nil
			}
		}
		return true, nil
	})
}

func (s *seeder) createTopics(ctx context.Context, names []string) error {
	todo := map[string]bool{}
	for _, n := range names {
		todo[n] = true
	}
	// A topic that was just deleted may still be "already existing" for a
	// moment: retry those.
	return poll(ctx, 60*time.Second, func() (bool, error) {
		req := kmsg.NewPtrCreateTopicsRequest()
		req.TimeoutMillis = 30000
		for ti, t := range topics {
			if !todo[t.Name] {
				continue
			}
			rt := kmsg.NewCreateTopicsRequestTopic()
			rt.Topic = t.Name
			rt.NumPartitions = -1
			rt.ReplicationFactor = -1
			for p := int32(0); p < t.Partitions; p++ {
				ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
				ra.Partition = p
				ra.Replicas = replicas(ti, t, p)
				rt.ReplicaAssignment = append(rt.ReplicaAssignment, ra)
			}
			for _, k := range sortedKeys(t.Configs) {
				c := kmsg.NewCreateTopicsRequestTopicConfig()
				c.Name = k
				c.Value = kmsg.StringPtr(t.Configs[k])
				rt.Configs = append(rt.Configs, c)
			}
			req.Topics = append(req.Topics, rt)
		}
		resp, err := req.RequestWith(ctx, s.kcl)
		if err != nil {
			return false, err
		}
		for _, rt := range resp.Topics {
			err := kerr.ErrorForCode(rt.ErrorCode)
			switch {
			case err == nil:
				delete(todo, rt.Topic)
			case errors.Is(err, kerr.TopicAlreadyExists):
				// still being deleted: retry
			default:
				msg := ""
				if rt.ErrorMessage != nil {
					msg = ": " + *rt.ErrorMessage
				}
				return false, fmt.Errorf("create %s: %w%s", rt.Topic, err, msg)
			}
		}
		if len(todo) == 0 {
			return true, nil
		}
		return false, nil
	})
}

func (s *seeder) produce(ctx context.Context, names []string) error {
	// Every broker must serve the new topics before records and, later, group commits use them.
	want := testenv.Want{Topics: map[string]int{}}
	for _, n := range names {
		_, t := topicByName(n)
		want.Topics[n] = int(t.Partitions)
	}
	if err := testenv.Await(ctx, s.kcl, want, time.Minute); err != nil {
		return fmt.Errorf("new topics: %w", err)
	}

	// Idempotent: franz-go's default with acks=all.
	cl, err := s.producer("acme-seed-producer")
	if err != nil {
		return err
	}
	defer cl.Close()
	total := 0
	for _, n := range names {
		_, t := topicByName(n)
		recs := make([]*kgo.Record, 0, t.Records)
		for i := 0; i < t.Records; i++ {
			r, err := s.record(ctx, t, i)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
		switch {
		case len(recs) == 0:
			continue
		case t.TransactionalID != "":
			err = s.produceTransaction(ctx, t, recs)
		default:
			err = cl.ProduceSync(ctx, recs...).FirstErr()
		}
		if err != nil {
			return fmt.Errorf("produce to %s: %w", t.Name, err)
		}
		total += len(recs)
	}
	log.Printf("produced %d records to %d topics", total, len(names))
	return nil
}

// checkTopic compares a live topic with its definition.
func (s *seeder) checkTopic(ctx context.Context, ti int, t topicSpec) []string {
	var problems []string
	md, err := s.adm.ListTopics(ctx, t.Name)
	if err != nil {
		return []string{err.Error()}
	}
	d, ok := md[t.Name]
	if !ok || d.Err != nil {
		return []string{"missing"}
	}
	if got := int32(len(d.Partitions)); got != t.Partitions {
		problems = append(problems, fmt.Sprintf("%d partitions, want %d", got, t.Partitions))
	}
	for _, p := range d.Partitions.Sorted() {
		if p.Partition >= t.Partitions {
			continue
		}
		if want := replicas(ti, t, p.Partition); !slices.Equal(p.Replicas, want) {
			problems = append(problems, fmt.Sprintf("p%d replicas %v, want %v", p.Partition, p.Replicas, want))
		}
	}
	rc, err := s.adm.DescribeTopicConfigs(ctx, t.Name)
	if err != nil {
		return append(problems, err.Error())
	}
	got := map[string]string{}
	for _, r := range rc {
		for _, c := range r.Configs {
			if c.Source == kmsg.ConfigSourceDynamicTopicConfig && c.Value != nil {
				got[c.Key] = *c.Value
			}
		}
	}
	want := t.Configs
	if want == nil {
		want = map[string]string{}
	}
	if !mapsEqual(got, want) {
		problems = append(problems, fmt.Sprintf("configs %v, want %v", got, want))
	}
	ends, err := s.adm.ListEndOffsets(ctx, t.Name)
	if err != nil {
		return append(problems, err.Error())
	}
	startOffs, err := s.adm.ListStartOffsets(ctx, t.Name)
	if err != nil {
		return append(problems, err.Error())
	}
	for p := int32(0); p < t.Partitions; p++ {
		e, ok := ends.Lookup(t.Name, p)
		if !ok || e.Err != nil || e.Offset != t.endOffset(p) {
			problems = append(problems, fmt.Sprintf("p%d end offset %d, want %d", p, e.Offset, t.endOffset(p)))
		}
		st, ok := startOffs.Lookup(t.Name, p)
		if !ok || st.Err != nil || st.Offset != 0 {
			problems = append(problems, fmt.Sprintf("p%d start offset %d, want 0", p, st.Offset))
		}
	}
	if len(problems) > 0 {
		return problems
	}
	problems = append(problems, s.checkTransaction(ctx, t)...)
	return append(problems, s.checkRecords(ctx, t)...)
}

// ------------------------------------------------------------------ groups

func (s *seeder) seedGroups(ctx context.Context) error {
	listed, err := s.adm.ListGroups(ctx)
	if err != nil {
		return err
	}
	var todo []groupSpec
	for _, g := range groups {
		if !s.reset {
			if problems := s.checkGroup(ctx, g); len(problems) == 0 {
				continue
			} else if _, exists := listed[g.Name]; exists {
				log.Printf("group %s differs (%s): recreating", g.Name, strings.Join(problems, "; "))
			}
		}
		todo = append(todo, g)
	}
	log.Printf("groups: %d kept, %d to create", len(groups)-len(todo), len(todo))
	var names []string
	for _, g := range todo {
		names = append(names, g.Name)
	}
	if err := s.deleteGroups(ctx, names); err != nil {
		return err
	}
	if err := testenv.Await(ctx, s.kcl, testenv.Want{Groups: names}, time.Minute); err != nil {
		return fmt.Errorf("group coordinators: %w", err)
	}
	// The groups consume concurrently: each joins, reads, commits and leaves.
	var wg sync.WaitGroup
	errs := make([]error, len(todo))
	for i, g := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.consume(ctx, g)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// Wait until every group is empty (its member left).
	return poll(ctx, 30*time.Second, func() (bool, error) {
		dg, err := s.adm.DescribeGroups(ctx, names...)
		if err != nil {
			return false, nil
		}
		for _, n := range names {
			if d, ok := dg[n]; !ok || d.Err != nil || d.State != "Empty" {
				return false, nil
			}
		}
		return true, nil
	})
}

func (s *seeder) deleteGroups(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return nil
	}
	// A member left over from an interrupted run keeps its group non-empty
	// until its session times out: retry until then.
	return poll(ctx, 60*time.Second, func() (bool, error) {
		resps, err := s.adm.DeleteGroups(ctx, names...)
		if err != nil {
			return false, nil
		}
		for _, r := range resps {
			switch {
			case r.Err == nil, errors.Is(r.Err, kerr.GroupIDNotFound):
			case errors.Is(r.Err, kerr.NonEmptyGroup), errors.Is(r.Err, kerr.CoordinatorLoadInProgress),
				errors.Is(r.Err, kerr.NotCoordinator), errors.Is(r.Err, kerr.CoordinatorNotAvailable):
				return false, nil
			default:
				return false, fmt.Errorf("delete group %s: %w", r.Group, r.Err)
			}
		}
		return true, nil
	})
}

// consume really joins the group, reads each partition at least up to the
// offset the group is meant to commit, commits exactly those offsets and leaves.
func (s *seeder) consume(ctx context.Context, g groupSpec) error {
	target := map[string]map[int32]int64{}
	var ts []string
	for _, gt := range g.Topics {
		_, t := topicByName(gt.Topic)
		ts = append(ts, t.Name)
		target[t.Name] = map[int32]int64{}
		for p := int32(0); p < t.Partitions; p++ {
			target[t.Name][p] = gt.committed(p)
		}
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(s.seeds...),
		kgo.ClientID("acme-"+g.Name),
		kgo.ConsumerGroup(g.Name),
		kgo.ConsumeTopics(ts...),
		kgo.DisableAutoCommit(),
		kgo.SessionTimeout(10*time.Second),
		kgo.FetchMaxWait(200*time.Millisecond),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		return err
	}
	defer cl.Close() // leaves the group

	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	seen := map[string]map[int32]int64{} // next offset to read
	done := func() bool {
		for t, ps := range target {
			for p, off := range ps {
				if seen[t][p] < off {
					return false
				}
			}
		}
		return true
	}
	read := 0
	for !done() {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("group %s: consuming: %w (seen %v)", g.Name, err, seen)
		}
		for _, fe := range fs.Errors() {
			return fmt.Errorf("group %s: fetch %s[%d]: %w", g.Name, fe.Topic, fe.Partition, fe.Err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			read++
			if seen[r.Topic] == nil {
				seen[r.Topic] = map[int32]int64{}
			}
			if r.Offset+1 > seen[r.Topic][r.Partition] {
				seen[r.Topic][r.Partition] = r.Offset + 1
			}
		})
	}
	commit := map[string]map[int32]kgo.EpochOffset{}
	for t, ps := range target {
		commit[t] = map[int32]kgo.EpochOffset{}
		for p, off := range ps {
			commit[t][p] = kgo.EpochOffset{Epoch: -1, Offset: off}
		}
	}
	var commitErr error
	cl.CommitOffsetsSync(ctx, commit, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			commitErr = err
			return
		}
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
					commitErr = fmt.Errorf("%s[%d]: %w", t.Topic, p.Partition, err)
				}
			}
		}
	})
	if commitErr != nil {
		return fmt.Errorf("group %s: commit: %w", g.Name, commitErr)
	}
	if err := cl.LeaveGroupContext(ctx); err != nil {
		return fmt.Errorf("group %s: leave: %w", g.Name, err)
	}
	log.Printf("group %s: read %d records, committed offsets on %d topics, left", g.Name, read, len(ts))
	return nil
}

func (s *seeder) checkGroup(ctx context.Context, g groupSpec) []string {
	dg, err := s.adm.DescribeGroups(ctx, g.Name)
	if err != nil {
		return []string{err.Error()}
	}
	d, ok := dg[g.Name]
	if !ok || d.Err != nil || d.State == "Dead" {
		return []string{"missing"}
	}
	var problems []string
	if d.State != "Empty" || len(d.Members) != 0 {
		problems = append(problems, fmt.Sprintf("state %s with %d members, want Empty", d.State, len(d.Members)))
	}
	if d.ProtocolType != "consumer" {
		problems = append(problems, fmt.Sprintf("protocol type %q, want consumer", d.ProtocolType))
	}
	offs, err := s.adm.FetchOffsets(ctx, g.Name)
	if err != nil {
		return append(problems, err.Error())
	}
	want := map[string]int64{}
	for _, gt := range g.Topics {
		_, t := topicByName(gt.Topic)
		for p := int32(0); p < t.Partitions; p++ {
			want[fmt.Sprintf("%s[%d]", t.Name, p)] = gt.committed(p)
		}
	}
	got := map[string]int64{}
	offs.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 {
			got[fmt.Sprintf("%s[%d]", o.Topic, o.Partition)] = o.At
		}
	})
	if !mapsEqual(got, want) {
		problems = append(problems, fmt.Sprintf("committed %v, want %v", got, want))
	}
	return problems
}

// ------------------------------------------------------------------ registry

type srError struct {
	Status int
	Code   int    `json:"error_code"`
	Msg    string `json:"message"`
}

func (e *srError) Error() string {
	return fmt.Sprintf("HTTP %d, error %d: %s", e.Status, e.Code, e.Msg)
}

func (s *seeder) sr(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.registry+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json, application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		e := &srError{Status: resp.StatusCode}
		_ = json.Unmarshal(b, e)
		if e.Msg == "" {
			e.Msg = strings.TrimSpace(string(b))
		}
		return fmt.Errorf("%s %s: %w", method, path, e)
	}
	if out != nil {
		// This registry answers null where Confluent answers [].
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decoding %q: %w", method, path, b, err)
		}
	}
	return nil
}

func isStatus(err error, status int) bool {
	var e *srError
	return errors.As(err, &e) && e.Status == status
}

type registerReq struct {
	Schema     string      `json:"schema"`
	SchemaType string      `json:"schemaType,omitempty"`
	References []schemaRef `json:"references,omitempty"`
}

func (sp subjectSpec) request(v int) registerReq {
	r := registerReq{Schema: sp.Versions[v], References: sp.References}
	if sp.Type != "AVRO" {
		r.SchemaType = sp.Type
	}
	return r
}

func subjPath(subject string) string { return "/subjects/" + url.PathEscape(subject) }

func (s *seeder) seedRegistry(ctx context.Context) error {
	var live []string
	if err := s.sr(ctx, "GET", "/subjects", nil, &live); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, sp := range subjects {
		want[sp.Subject] = true
	}
	for _, name := range live {
		if owned(name) && !want[name] {
			log.Printf("deleting subject not in the estate: %s", name)
			if err := s.deleteSubject(ctx, name); err != nil {
				return err
			}
		}
	}
	var kept, created int
	// Referencing subjects are deleted before the subjects they reference:
	// walk backwards to decide, forwards to register.
	redo := map[string]bool{}
	for i := len(subjects) - 1; i >= 0; i-- {
		sp := subjects[i]
		if !slices.Contains(live, sp.Subject) {
			redo[sp.Subject] = true
			continue
		}
		if !s.reset {
			if problems := s.checkSubject(ctx, sp); len(problems) == 0 {
				continue
			} else {
				log.Printf("subject %s differs (%s): recreating", sp.Subject, strings.Join(problems, "; "))
			}
		}
		redo[sp.Subject] = true
		// Whoever references it must go first.
		for j := len(subjects) - 1; j > i; j-- {
			for _, r := range subjects[j].References {
				if r.Subject == sp.Subject && slices.Contains(live, subjects[j].Subject) {
					redo[subjects[j].Subject] = true
					if err := s.deleteSubject(ctx, subjects[j].Subject); err != nil {
						return err
					}
				}
			}
		}
		if err := s.deleteSubject(ctx, sp.Subject); err != nil {
			return err
		}
	}
	for _, sp := range subjects {
		if !redo[sp.Subject] {
			kept++
			continue
		}
		if err := s.registerSubject(ctx, sp); err != nil {
			return err
		}
		created++
	}
	log.Printf("subjects: %d kept, %d created", kept, created)
	return nil
}

func (s *seeder) deleteSubject(ctx context.Context, subject string) error {
	err := s.sr(ctx, "DELETE", subjPath(subject), nil, nil)
	if err != nil && !isStatus(err, 404) {
		return err
	}
	err = s.sr(ctx, "DELETE", subjPath(subject)+"?permanent=true", nil, nil)
	if err != nil && !isStatus(err, 404) {
		return err
	}
	err = s.sr(ctx, "DELETE", "/config/"+url.PathEscape(subject), nil, nil)
	if err != nil && !isStatus(err, 404) {
		return err
	}
	return nil
}

func (s *seeder) registerSubject(ctx context.Context, sp subjectSpec) error {
	// The override comes first, so later versions are checked against it.
	setCompat := func(level string) error {
		if level == "" {
			return nil
		}
		return s.sr(ctx, "PUT", "/config/"+url.PathEscape(sp.Subject), map[string]string{"compatibility": level}, nil)
	}
	if err := setCompat(cmp.Or(sp.RegisterUnder, sp.Compatibility)); err != nil {
		return err
	}
	for v := range sp.Versions {
		var out struct {
			ID int `json:"id"`
		}
		if err := s.sr(ctx, "POST", subjPath(sp.Subject)+"/versions", sp.request(v), &out); err != nil {
			return fmt.Errorf("register %s v%d: %w", sp.Subject, v+1, err)
		}
	}
	if sp.RegisterUnder != "" {
		if err := setCompat(sp.Compatibility); err != nil {
			return err
		}
	}
	for _, v := range sp.SoftDeleted {
		if err := s.sr(ctx, "DELETE", fmt.Sprintf("%s/versions/%d", subjPath(sp.Subject), v), nil, nil); err != nil {
			return fmt.Errorf("soft-delete %s v%d: %w", sp.Subject, v, err)
		}
	}
	return nil
}

// liveVersions are the versions GET /versions lists: all but the soft-deleted ones.
func (sp subjectSpec) liveVersions() []int {
	var out []int
	for _, v := range seq(len(sp.Versions)) {
		if !slices.Contains(sp.SoftDeleted, v) {
			out = append(out, v)
		}
	}
	return out
}

func (s *seeder) checkSubject(ctx context.Context, sp subjectSpec) []string {
	var problems []string
	var versions []int
	if err := s.sr(ctx, "GET", subjPath(sp.Subject)+"/versions", nil, &versions); err != nil {
		return []string{err.Error()}
	}
	if want := sp.liveVersions(); !slices.Equal(versions, want) {
		problems = append(problems, fmt.Sprintf("versions %v, want %v", versions, want))
	}
	var all []int
	if err := s.sr(ctx, "GET", subjPath(sp.Subject)+"/versions?deleted=true", nil, &all); err != nil {
		return append(problems, err.Error())
	}
	if want := seq(len(sp.Versions)); !slices.Equal(all, want) {
		problems = append(problems, fmt.Sprintf("versions with soft-deleted ones %v, want %v", all, want))
	}
	for v := range sp.Versions {
		var out struct {
			Version    int         `json:"version"`
			SchemaType string      `json:"schemaType"`
			References []schemaRef `json:"references"`
		}
		lookup := subjPath(sp.Subject)
		if slices.Contains(sp.SoftDeleted, v+1) {
			lookup += "?deleted=true"
		}
		if err := s.sr(ctx, "POST", lookup, sp.request(v), &out); err != nil {
			problems = append(problems, fmt.Sprintf("v%d not found: %v", v+1, err))
			continue
		}
		if out.Version != v+1 {
			problems = append(problems, fmt.Sprintf("schema of v%d is version %d", v+1, out.Version))
		}
	}
	var cfg struct {
		Compatibility      string `json:"compatibility"`
		CompatibilityLevel string `json:"compatibilityLevel"`
	}
	err := s.sr(ctx, "GET", "/config/"+url.PathEscape(sp.Subject), nil, &cfg)
	got := cfg.CompatibilityLevel + cfg.Compatibility
	switch {
	case err != nil && !isStatus(err, 404):
		problems = append(problems, err.Error())
	case err != nil && sp.Compatibility != "":
		problems = append(problems, "no compatibility override, want "+sp.Compatibility)
	case err == nil && got != sp.Compatibility:
		problems = append(problems, fmt.Sprintf("compatibility override %q, want %q", got, sp.Compatibility))
	}
	return problems
}

// ------------------------------------------------------------------ check & summary

func (s *seeder) checkAll(ctx context.Context) []string {
	var problems []string
	add := func(what string, ps []string) {
		for _, p := range ps {
			problems = append(problems, what+": "+p)
		}
	}
	for ti, t := range topics {
		add("topic "+t.Name, s.checkTopic(ctx, ti, t))
	}
	for _, g := range groups {
		add("group "+g.Name, s.checkGroup(ctx, g))
	}
	if s.registry != "" {
		for _, sp := range subjects {
			add("subject "+sp.Subject, s.checkSubject(ctx, sp))
		}
	}
	add("acls", s.checkACLs(ctx))
	return problems
}

func (s *seeder) summary(ctx context.Context, w io.Writer) {
	records := 0
	for _, t := range topics {
		records += t.Records
	}
	fmt.Fprintf(w, "Acme estate: %d topics, %d records, %d consumer groups, %d subjects\n",
		len(topics), records, len(groups), len(subjects))
	lags, err := s.adm.Lag(ctx, groupNames()...)
	if err != nil {
		fmt.Fprintf(w, "  (lag: %v)\n", err)
		return
	}
	for _, g := range groups {
		l := lags[g.Name]
		fmt.Fprintf(w, "  group %-17s state %-6s total lag %d\n", g.Name, l.State, l.Lag.Total())
		for _, gt := range g.Topics {
			var parts []string
			for _, pl := range l.Lag.Sorted() {
				if pl.Topic == gt.Topic {
					parts = append(parts, fmt.Sprintf("p%d %d/%d lag %d", pl.Partition, pl.Commit.At, pl.End.Offset, pl.Lag))
				}
			}
			fmt.Fprintf(w, "    %-32s %s\n", gt.Topic, strings.Join(parts, ", "))
		}
	}
	if s.registry == "" {
		return
	}
	for _, sp := range subjects {
		var ids []string
		for v := 1; v <= len(sp.Versions); v++ {
			var out struct {
				ID int `json:"id"`
			}
			if err := s.sr(ctx, "GET", fmt.Sprintf("%s/versions/%d", subjPath(sp.Subject), v), nil, &out); err == nil {
				ids = append(ids, fmt.Sprintf("v%d=id %d", v, out.ID))
			}
		}
		fmt.Fprintf(w, "  subject %-38s %-8s %s\n", sp.Subject, sp.Type, strings.Join(ids, ", "))
	}
}

func groupNames() []string {
	var out []string
	for _, g := range groups {
		out = append(out, g.Name)
	}
	return out
}

// printFacts prints README.md's fact tables, computed from the definition.
func printFacts(w io.Writer) {
	fmt.Fprintln(w, "### Topics")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| topic | partitions | RF | overridden configs | records | records per partition |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	for _, t := range topics {
		var cfgs []string
		for _, k := range sortedKeys(t.Configs) {
			cfgs = append(cfgs, fmt.Sprintf("`%s=%s`", k, t.Configs[k]))
		}
		var per []string
		for p := int32(0); p < t.Partitions; p++ {
			per = append(per, strconv.FormatInt(t.recordsIn(p), 10))
		}
		fmt.Fprintf(w, "| `%s` | %d | %d | %s | %d | %s |\n", t.Name, t.Partitions, t.RF,
			strings.Join(cfgs, " "), t.Records, strings.Join(per, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Replica assignment (first replica = preferred leader)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| topic | replicas of p0, p1, ... |")
	fmt.Fprintln(w, "| --- | --- |")
	for ti, t := range topics {
		var rs []string
		for p := int32(0); p < t.Partitions; p++ {
			var ids []string
			for _, b := range replicas(ti, t, p) {
				ids = append(ids, strconv.Itoa(int(b)))
			}
			rs = append(rs, "["+strings.Join(ids, ",")+"]")
		}
		fmt.Fprintf(w, "| `%s` | %s |\n", t.Name, strings.Join(rs, " "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Consumer groups (all Empty, protocol type `consumer`)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| group | topic | committed offset per partition | lag per partition | topic lag |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, g := range groups {
		var total int64
		for _, gt := range g.Topics {
			_, t := topicByName(gt.Topic)
			var cs, ls []string
			var sum int64
			for p := int32(0); p < t.Partitions; p++ {
				c := gt.committed(p)
				cs = append(cs, strconv.FormatInt(c, 10))
				ls = append(ls, strconv.FormatInt(t.recordsIn(p)-c, 10))
				sum += t.recordsIn(p) - c
			}
			total += sum
			fmt.Fprintf(w, "| `%s` | `%s` | %s | %s | %d |\n", g.Name, t.Name, strings.Join(cs, ", "), strings.Join(ls, ", "), sum)
		}
		fmt.Fprintf(w, "| `%s` | **total** | | | **%d** |\n", g.Name, total)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Schema registry subjects (registered in this order)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| subject | type | versions | schema ids on a fresh registry | references | compatibility |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	id := 0
	for _, sp := range subjects {
		var ids []string
		for range sp.Versions {
			id++
			ids = append(ids, strconv.Itoa(id))
		}
		var refs []string
		for _, r := range sp.References {
			refs = append(refs, fmt.Sprintf("`%s` → `%s` v%d", r.Name, r.Subject, r.Version))
		}
		c := sp.Compatibility
		if c == "" {
			c = "(global default BACKWARD)"
		} else {
			c = "**" + c + "** (subject override)"
			if sp.RegisterUnder != "" {
				c += ", versions registered under " + sp.RegisterUnder
			}
		}
		versions := strconv.Itoa(len(sp.Versions))
		for _, v := range sp.SoftDeleted {
			versions += fmt.Sprintf(" (v%d soft-deleted)", v)
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s | %s |\n", sp.Subject, sp.Type, versions,
			strings.Join(ids, ", "), strings.Join(refs, ", "), c)
	}
	printWriterFacts(w)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Subjects not named by TopicNameStrategy (site.yaml sets the topic's strategy)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| topic | role | strategy | subject |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	for _, sp := range subjects {
		if sp.Strategy != "" {
			fmt.Fprintf(w, "| `%s` | %s | %s | `%s` |\n", sp.Topic, sp.Role, sp.Strategy, sp.Subject)
		}
	}
}

// ------------------------------------------------------------------ events

var baseTime = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

var (
	currencies = []string{"EUR", "USD", "GBP"}
	warehouses = []string{"AMS1", "FRA1", "LHR2"}
	carriers   = []string{"DHL", "UPS", "PostNL"}
	cardBrands = []string{"VISA", "MASTERCARD", "AMEX"}
	channels   = []string{"web", "mobile", "store"}
	cities     = []struct{ city, postal, country string }{
		{"Amsterdam", "1012 AB", "NL"}, {"Berlin", "10115", "DE"}, {"London", "EC1A 1BB", "GB"},
		{"Paris", "75001", "FR"}, {"Madrid", "28013", "ES"},
	}
	categories = []string{"kitchen", "garden", "toys", "books", "electronics"}
)

// rnd is a deterministic pseudo-random number for (topic, record, salt).
func rnd(t topicSpec, i int, salt string, n int) int {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d/%s", t.Name, i, salt)
	return int(h.Sum64() % uint64(n))
}

func pick[T any](t topicSpec, i int, salt string, xs []T) T { return xs[rnd(t, i, salt, len(xs))] }

// record is record i of a topic: its event's key, value (JSON, or framed as t.Value says) and
// headers, on partition i % partitions.
func (s *seeder) record(ctx context.Context, t topicSpec, i int) (*kgo.Record, error) {
	key, fields, headers := event(t, i)
	var value []byte
	var err error
	if t.Value != nil {
		value, err = s.encodeValue(ctx, t, fields)
	} else {
		value, err = json.Marshal(fields)
	}
	if err != nil {
		return nil, err
	}
	return &kgo.Record{Topic: t.Name, Partition: int32(i % int(t.Partitions)), Key: key, Value: value, Headers: headers}, nil
}

// event returns the deterministic key, fields and headers of record i.
func event(t topicSpec, i int) (key []byte, fields map[string]any, headers []kgo.RecordHeader) {
	at := baseTime.Add(time.Duration(i) * 37 * time.Second).Format(time.RFC3339)
	order := fmt.Sprintf("ORD-%06d", 100000+i)
	sku := fmt.Sprintf("SKU-%05d", 10000+rnd(t, i, "sku", 25))
	v := map[string]any{
		"eventId":    fmt.Sprintf("%s-%06d", strings.TrimSuffix(t.Name, ".v1"), i),
		"eventType":  t.Event,
		"occurredAt": at,
	}
	k := order
	switch t.Event {
	case "OrderPlaced":
		v["orderId"] = order
		v["customerId"] = fmt.Sprintf("CUS-%05d", rnd(t, i, "customer", 5000))
		v["amountMinor"] = 500 + rnd(t, i, "amount", 50000)
		v["currency"] = pick(t, i, "currency", currencies)
		v["placedAt"] = at
		v["channel"] = pick(t, i, "channel", channels)
	case "OrderShipped":
		c := pick(t, i, "city", cities)
		v["orderId"] = order
		v["carrier"] = pick(t, i, "carrier", carriers)
		v["trackingNumber"] = fmt.Sprintf("TRK%010d", rnd(t, i, "trk", 1e9))
		v["shippedAt"] = at
		v["shipTo"] = map[string]any{"street": fmt.Sprintf("%d Market Street", 1+rnd(t, i, "street", 200)),
			"city": c.city, "postalCode": c.postal, "country": c.country}
	case "OrderCancelled":
		v["orderId"] = order
		v["reason"] = pick(t, i, "reason", []string{"CUSTOMER_REQUEST", "PAYMENT_FAILED", "OUT_OF_STOCK", "FRAUD_SUSPECTED"})
		v["cancelledAt"] = at
	case "OrderReturned":
		v["orderId"] = order
		v["sku"] = sku
		v["quantity"] = 1 + rnd(t, i, "qty", 3)
		v["reason"] = pick(t, i, "reason", []string{"DAMAGED", "WRONG_ITEM", "NOT_AS_DESCRIBED"})
	case "OrderStatusChanged":
		// 15 orders, each going through 3 statuses: compaction keeps the last.
		k = fmt.Sprintf("ORD-%06d", 100000+i%15)
		v["orderId"] = k
		v["status"] = []string{"PLACED", "PAID", "SHIPPED"}[i/15%3]
	case "DeadLetter":
		v["originalTopic"] = strings.TrimSuffix(t.Name, ".dlq")
		v["originalPartition"] = rnd(t, i, "p", 6)
		v["originalOffset"] = rnd(t, i, "o", 1000)
		v["error"] = pick(t, i, "err", []string{"SerializationException: unknown magic byte", "ValidationException: amountMinor must be >= 0"})
		headers = append(headers, kgo.RecordHeader{Key: "dlq.original.topic", Value: []byte(v["originalTopic"].(string))})
	case "CartEvent":
		k = fmt.Sprintf("CART-%05d", i%40)
		v["cartId"] = k
		v["action"] = pick(t, i, "action", []string{"ITEM_ADDED", "ITEM_REMOVED", "CHECKOUT_STARTED"})
		v["sku"] = sku
		v["quantity"] = 1 + rnd(t, i, "qty", 4)
	case "PaymentAuthorized", "PaymentCaptured", "PaymentFailed", "FraudScore":
		k = fmt.Sprintf("PAY-%06d", 500000+i)
		v["paymentId"] = k
		v["orderId"] = order
		switch t.Event {
		case "PaymentAuthorized":
			v["amountMinor"] = 500 + rnd(t, i, "amount", 50000)
			v["currency"] = pick(t, i, "currency", currencies)
			v["cardBrand"] = pick(t, i, "brand", cardBrands)
			v["merchantId"] = fmt.Sprintf("MER-%03d", rnd(t, i, "merchant", 12))
			v["authorizedAt"] = at
		case "PaymentCaptured":
			v["amountMinor"] = 500 + rnd(t, i, "amount", 50000)
			v["currency"] = pick(t, i, "currency", currencies)
			v["capturedAt"] = at
		case "PaymentFailed":
			v["errorCode"] = pick(t, i, "code", []string{"INSUFFICIENT_FUNDS", "CARD_EXPIRED", "DO_NOT_HONOR"})
		case "FraudScore":
			v["score"] = float64(rnd(t, i, "score", 1000)) / 1000
			v["model"] = "fraud-gbm-2025.02"
		}
	case "RefundIssued":
		k = fmt.Sprintf("REF-%06d", 700000+i)
		v["refundId"] = k
		v["paymentId"] = fmt.Sprintf("PAY-%06d", 500000+rnd(t, i, "pay", 150))
		v["orderId"] = order
		v["amountMinor"] = 100 + rnd(t, i, "amount", 20000)
		v["currency"] = pick(t, i, "currency", currencies)
		v["issuedAt"] = at
	case "LedgerEntry":
		k = fmt.Sprintf("ACC-%04d", i%20)
		v["accountId"] = k
		v["entryId"] = fmt.Sprintf("LE-%07d", i)
		v["direction"] = pick(t, i, "dir", []string{"DEBIT", "CREDIT"})
		v["amount"] = fmt.Sprintf("%d.%02d", rnd(t, i, "eur", 900), rnd(t, i, "ct", 100))
		v["currency"] = "EUR"
		v["balanceAfter"] = fmt.Sprintf("%d.%02d", 1000+rnd(t, i, "bal", 90000), rnd(t, i, "balct", 100))
	case "StockLevel":
		// 25 SKUs, 4 updates each.
		k = fmt.Sprintf("SKU-%05d", 10000+i%25)
		v["sku"] = k
		v["warehouse"] = warehouses[i%25%3]
		v["onHand"] = rnd(t, i, "onhand", 500)
		v["reserved"] = rnd(t, i, "reserved", 20)
		v["updatedAt"] = at
	case "StockReserved", "StockReleased":
		k = sku
		v["reservationId"] = fmt.Sprintf("RES-%06d", 300000+i)
		v["orderId"] = order
		v["sku"] = sku
		v["warehouse"] = pick(t, i, "wh", warehouses)
		v["quantity"] = 1 + rnd(t, i, "qty", 5)
	case "WarehouseTransfer":
		k = fmt.Sprintf("TRF-%05d", 20000+i)
		v["transferId"] = k
		v["sku"] = sku
		v["from"] = warehouses[i%3]
		v["to"] = warehouses[(i+1)%3]
		v["quantity"] = 10 * (1 + rnd(t, i, "qty", 10))
	case "Product":
		k = fmt.Sprintf("SKU-%05d", 10000+i)
		v["sku"] = k
		v["name"] = fmt.Sprintf("Acme %s item %d", categories[i%len(categories)], i)
		v["category"] = categories[i%len(categories)]
		v["priceMinor"] = 199 + rnd(t, i, "price", 20000)
		v["tags"] = []string{categories[i%len(categories)], "acme"}
	case "RestockRequested":
		k = sku
		v["sku"] = sku
		v["warehouse"] = pick(t, i, "wh", warehouses)
		v["quantity"] = 50 * (1 + rnd(t, i, "qty", 6))
	default:
		panic("no event generator for " + t.Event)
	}
	headers = append([]kgo.RecordHeader{
		{Key: "content-type", Value: []byte(contentType(t))},
		{Key: "event-type", Value: []byte(t.Event)},
		{Key: "source", Value: []byte("acme-" + strings.SplitN(t.Name, ".", 2)[0] + "-service")},
	}, headers...)
	return []byte(k), v, headers
}

// ------------------------------------------------------------------ helpers

// poll calls fn until it reports done, returns an error, or max elapses.
func poll(ctx context.Context, max time.Duration, fn func() (bool, error)) error {
	deadline := time.Now().Add(max)
	for {
		done, err := fn()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not done after %s", max)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mapsEqual[V comparable](a, b map[string]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}
