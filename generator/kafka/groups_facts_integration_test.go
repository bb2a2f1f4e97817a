package kafka

// Facts of every kind of group and of the KRaft quorum, compared with what Kafka's own tools print
// on the same cluster (run from the version's jars through scripts/kafka.sh tool):
// kafka-consumer-groups --describe --state / --members (ConsumerGroupCommand), kafka-share-groups
// (ShareGroupCommand), kafka-streams-groups (StreamsGroupCommand, with the test estate's Kafka
// Streams app) and kafka-metadata-quorum describe --status / --replication
// (MetadataQuorumCommand). What a version cannot answer is checked to be "not available", not an
// error.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// kafkaTool runs one of Kafka's tools against the test cluster and returns its standard output.
func kafkaTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	return kafkaToolAt(t, testenv.KafkaBootstrap()[0], name, args...)
}

// kafkaToolAt runs one of Kafka's tools against the cluster of bootstrap (a private one).
func kafkaToolAt(t *testing.T, bootstrap, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("java"); err != nil {
		if testenv.Strict() {
			t.Fatalf("java is required in CI to run Kafka's %s: %v", name, err)
		}
		t.Skipf("java not found: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "kafka.sh"))
	require.NoError(t, err)
	args = append([]string{"tool", name, "--bootstrap-server", bootstrap}, args...)
	if name == "kafka-consumer-groups" || name == "kafka-share-groups" {
		// Their admin calls time out after 5 s by default, short for a loaded CI machine.
		args = append(args, "--timeout", "30000")
	}
	// A tool that timed out prints the error and may still exit 0: try it up to three times.
	var out []byte
	var stderr string
	for range 3 {
		var err error
		out, err = exec.CommandContext(ctx, script, args...).Output()
		stderr = ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		if err == nil && !strings.Contains(string(out), "TimeoutException") {
			return string(out)
		}
		t.Logf("%s %v failed, trying again: %v %s %s", name, args, err, out, stderr)
	}
	t.Fatalf("%s %v: %s %s", name, args, out, stderr)
	return ""
}

// toolTables reads the tables the group commands print: a header line of upper-case column
// names, rows below it, a blank line between tables. "COORDINATOR (ID)" is one column, and its
// value "host:port  (id)" one cell. Lines that are not tables ("Consumer group 'x' has no active
// members.") are skipped.
func toolTables(out string) []map[string]string {
	var rows []map[string]string
	var header []string
	for _, line := range strings.Split(out, "\n") {
		fields := mergeParens(strings.Fields(line))
		switch {
		case len(fields) == 0:
			header = nil
		case fields[0] == "GROUP" || fields[0] == "NodeId":
			header = fields
		case header != nil && len(fields) == len(header):
			row := map[string]string{}
			for i, h := range header {
				row[h] = fields[i]
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// mergeParens joins "(ID)" and a "(3)" field, a coordinator's id, to the one before it
// ("COORDINATOR", its host:port); 3.9's "(0,1,2)" assignments stay cells of their own.
func mergeParens(fields []string) []string {
	var out []string
	for _, f := range fields {
		_, err := strconv.Atoi(strings.Trim(f, "()"))
		if (f == "(ID)" || err == nil) && strings.HasPrefix(f, "(") && strings.HasSuffix(f, ")") && len(out) > 0 {
			out[len(out)-1] += " " + f
			continue
		}
		out = append(out, f)
	}
	return out
}

// toolAssignment renders assignments as ConsumerGroupCommand prints them: "topic:0,1,2",
// topics joined by ",", "-" for none.
func toolAssignment(tps []snapshot.TopicPartitions) string {
	var parts []string
	for _, tp := range tps {
		var ps []string
		for _, p := range tp.Partitions {
			ps = append(ps, strconv.Itoa(int(p)))
		}
		parts = append(parts, tp.Topic+":"+strings.Join(ps, ","))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

func epochString(e *int32) string {
	if e == nil {
		return "-"
	}
	return strconv.Itoa(int(*e))
}

// pollUntilClosed polls cl in the background until the test ends.
func pollUntilClosed(t *testing.T, cl *kgo.Client) {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			cl.PollFetches(ctx)
		}
	}()
	t.Cleanup(func() { stop(); <-done; cl.Close() })
}

// TestFactsGroupsMatchConsumerGroupCommand runs a classic consumer group and, on Kafka 4, a
// KIP-848 consumer group (group.protocol=consumer) with one member each, and compares what the
// snapshot says of them with ConsumerGroupCommand's --describe --state --verbose and --members
// --verbose and its committed offsets. On 3.9 a client asking for the consumer protocol falls back
// to the classic one, and the group is recorded as classic.
func TestFactsGroupsMatchConsumerGroupCommand(t *testing.T) {
	c := realCluster(t)
	ctx := context.Background()
	testenv.Settled(ctx, t, c.Bootstrap)
	// The manual partitioner: records go to the partition they name.
	admCl, err := kgo.NewClient(kgo.SeedBrokers(c.Bootstrap...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	require.NoError(t, err)
	t.Cleanup(admCl.Close)
	adm := kadm.NewClient(admCl)

	suffix := fmt.Sprint(time.Now().UnixNano())
	topic := "kdocs-test-kinds-" + suffix
	classic, nextGen := "kdocs-test-classic-"+suffix, "kdocs-test-848-"+suffix
	testenv.CreateTopic(ctx, t, admCl, topic, 3, 1, nil)
	t.Cleanup(func() { dropTopic(t, c, adm, topic, classic, nextGen) })
	// Two records on every partition, for the members to read and commit.
	for p := range int32(3) {
		for range 2 {
			require.NoError(t, admCl.ProduceSync(ctx, &kgo.Record{Topic: topic, Partition: p, Value: []byte("x")}).FirstErr())
		}
	}
	testenv.Ready(ctx, t, admCl, testenv.Want{Groups: []string{classic, nextGen}})

	join := func(group, clientID string, opts ...kgo.Opt) *kgo.Client {
		opts = append([]kgo.Opt{kgo.SeedBrokers(c.Bootstrap...), kgo.ClientID(clientID), kgo.ConsumerGroup(group),
			kgo.ConsumeTopics(topic), kgo.Balancers(kgo.RangeBalancer()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, opts...)
		cl, err := kgo.NewClient(opts...)
		require.NoError(t, err)
		pollUntilClosed(t, cl)
		return cl
	}
	join(classic, "kdocs-classic-client")
	join(nextGen, "kdocs-848-client", kgo.ServerSideBalancer())

	nextGenType := snapshot.GroupClassic
	if testenv.KafkaAtLeast(4, 0) {
		nextGenType = snapshot.GroupConsumer
	}
	s := waitGroups(t, c, func(s *snapshot.Snapshot) bool {
		for _, id := range []string{classic, nextGen} {
			g := s.Group(id)
			if g == nil || g.State != "Stable" || len(g.Members) != 1 || len(g.Members[0].Assignments) != 1 || len(g.Offsets) != 3 {
				return false
			}
			for _, o := range g.Offsets {
				if o.Committed != 2 {
					return false
				}
			}
		}
		return true
	}, "the groups never showed Stable with their member assigned and every record committed", classic, nextGen)

	cg, ng := s.Group(classic), s.Group(nextGen)
	assert.Equal(t, snapshot.GroupClassic, cg.Type)
	assert.Equal(t, nextGenType, ng.Type)
	assert.Empty(t, cg.NotDescribed)
	assert.Empty(t, ng.NotDescribed)
	assert.Equal(t, health.Healthy, health.Evaluate(s).Status, "%v", health.Evaluate(s).Reasons)
	if nextGenType == snapshot.GroupConsumer {
		m := ng.Members[0]
		require.NotNil(t, ng.GroupEpoch)
		require.NotNil(t, ng.AssignmentEpoch)
		require.NotNil(t, m.MemberEpoch)
		assert.Equal(t, []string{topic}, m.SubscribedTopics)
		assert.Equal(t, m.Assignments, m.TargetAssignments, "a stable member owns its target assignment")
		assert.NotEmpty(t, ng.Assignor)
		assert.Empty(t, ng.Protocol)
	} else {
		assert.Nil(t, ng.GroupEpoch)
		assert.Equal(t, "range", ng.Protocol)
	}

	// The tool's view, read after the snapshot: both groups are settled, so the two agree.
	groupArgs := []string{"--describe", "--group", classic, "--group", nextGen}
	statesOut := kafkaTool(t, "kafka-consumer-groups", append(groupArgs, "--state", "--verbose")...)
	membersOut := kafkaTool(t, "kafka-consumer-groups", append(groupArgs, "--members", "--verbose")...)
	offsetsOut := kafkaTool(t, "kafka-consumer-groups", groupArgs...)
	states, members, offsets := toolTables(statesOut), toolTables(membersOut), toolTables(offsetsOut)

	require.Len(t, states, 2, "one state line per group:\n%s", statesOut)
	for _, row := range states {
		g := s.Group(row["GROUP"])
		require.NotNil(t, g, row["GROUP"])
		assert.Equal(t, row["STATE"], g.State, g.ID)
		assert.Equal(t, row["#MEMBERS"], strconv.Itoa(len(g.Members)), g.ID)
		assert.Equal(t, row["ASSIGNMENT-STRATEGY"], cmpOr(g.Assignor, g.Protocol, "-"), g.ID)
		if _, ok := row["GROUP-EPOCH"]; ok { // 4.0+
			assert.Equal(t, row["GROUP-EPOCH"], epochString(g.GroupEpoch), g.ID)
			assert.Equal(t, row["TARGET-ASSIGNMENT-EPOCH"], epochString(g.AssignmentEpoch), g.ID)
		}
	}
	require.Len(t, members, 2, "one member line per group:\n%s", membersOut)
	for _, row := range members {
		g := s.Group(row["GROUP"])
		require.NotNil(t, g, row["GROUP"])
		require.Len(t, g.Members, 1)
		m := g.Members[0]
		assert.Equal(t, row["CONSUMER-ID"], m.ID, g.ID)
		assert.Equal(t, row["HOST"], "/"+m.Host, g.ID)
		assert.Equal(t, row["CLIENT-ID"], m.ClientID, g.ID)
		assert.Equal(t, row["#PARTITIONS"], "3", g.ID)
		if a, ok := row["ASSIGNMENT"]; ok && strings.HasPrefix(a, "(") {
			// 3.9 prints the partitions of a one-topic assignment alone: "(0,1,2)".
			require.Len(t, m.Assignments, 1)
			assert.Equal(t, a, "("+strings.TrimPrefix(toolAssignment(m.Assignments), m.Assignments[0].Topic+":")+")", g.ID)
		} else if ok {
			assert.Equal(t, a, toolAssignment(m.Assignments), g.ID)
		}
		if a, ok := row["CURRENT-ASSIGNMENT"]; ok && g.Type == snapshot.GroupConsumer {
			assert.Equal(t, a, toolAssignment(m.Assignments), g.ID)
			assert.Equal(t, row["TARGET-ASSIGNMENT"], toolAssignment(m.TargetAssignments), g.ID)
			assert.Equal(t, row["CURRENT-EPOCH"], epochString(m.MemberEpoch), g.ID)
			assert.Equal(t, row["TARGET-EPOCH"], epochString(g.AssignmentEpoch), g.ID)
		}
	}
	require.Len(t, offsets, 6, "three partitions per group:\n%s", offsetsOut)
	for _, row := range offsets {
		g := s.Group(row["GROUP"])
		require.NotNil(t, g, row["GROUP"])
		p, err := strconv.Atoi(row["PARTITION"])
		require.NoError(t, err)
		i := slices.IndexFunc(g.Offsets, func(o snapshot.GroupOffset) bool { return o.Topic == row["TOPIC"] && o.Partition == int32(p) })
		require.GreaterOrEqual(t, i, 0, "%s has no offset on %s/%d", g.ID, row["TOPIC"], p)
		o := g.Offsets[i]
		assert.Equal(t, row["CURRENT-OFFSET"], strconv.FormatInt(o.Committed, 10), g.ID)
		assert.Equal(t, row["LOG-END-OFFSET"], strconv.FormatInt(o.LatestOffset, 10), g.ID)
		assert.Equal(t, row["LAG"], strconv.FormatInt(o.Lag, 10), g.ID)
		assert.Equal(t, row["CONSUMER-ID"], g.Members[0].ID, g.ID)
	}
}

// dropTopic deletes the test's groups and topic and waits until a snapshot no longer lists the
// topic nor names it in errors: brokers drop a deleted topic a moment after the controller, and
// later tests assert on clean snapshots. Cleanups run after the members closed.
func dropTopic(t *testing.T, c config.Cluster, adm *kadm.Client, topic string, groups ...string) {
	_, _ = adm.DeleteGroups(context.Background(), groups...)
	_, _ = adm.DeleteTopic(context.Background(), topic)
	assert.Eventually(t, func() bool {
		s, err := Collect(context.Background(), c)
		return err == nil && s.Topic(topic) == nil && !slices.ContainsFunc(s.Errors, func(e snapshot.Error) bool {
			return strings.Contains(e.Resource+e.Message, topic)
		})
	}, 30*time.Second, 200*time.Millisecond, "topic %s was not deleted", topic)
}

// waitGroups collects the cluster until ok holds of the snapshot (60 s at most), and fails
// showing the groups ids as last collected when it never does.
func waitGroups(t *testing.T, c config.Cluster, ok func(*snapshot.Snapshot) bool, msg string, ids ...string) *snapshot.Snapshot {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s, err := Collect(context.Background(), c)
		require.NoError(t, err)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			var groups []snapshot.Group
			for _, id := range ids {
				if g := s.Group(id); g != nil {
					groups = append(groups, *g)
				}
			}
			b, _ := json.MarshalIndent(groups, "", "  ")
			t.Fatalf("%s; last seen:\n%s\nerrors: %v", msg, b, s.Errors)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// TestFactsFeaturesPerVersion: the optional APIs each tested Kafka version offers, as the
// snapshot records them (docs/kafka-versions.md is this table in prose).
func TestFactsFeaturesPerVersion(t *testing.T) {
	s, err := Collect(context.Background(), realCluster(t))
	require.NoError(t, err)
	got := map[string]bool{}
	for _, f := range s.Cluster.Features {
		got[f.Name] = f.Available
		if f.Available {
			assert.Empty(t, f.Reason, f.Name)
		} else {
			assert.NotEmpty(t, f.Reason, f.Name)
		}
	}
	want := map[string]bool{
		"ListGroups":     true,
		"DescribeQuorum": true,
		// 3.9 offers the API (KIP-848's preview) though its brokers do not enable the consumer
		// protocol unless group.coordinator.rebalance.protocols says so.
		"ConsumerGroupDescribe":     true,
		"ShareGroupDescribe":        testenv.KafkaAtLeast(4, 1),
		"DescribeShareGroupOffsets": testenv.KafkaAtLeast(4, 1),
		"StreamsGroupDescribe":      testenv.KafkaAtLeast(4, 2),
		// KIP-664, Kafka 3.0: every tested version.
		"ListTransactions":     true,
		"DescribeTransactions": true,
		"DescribeProducers":    true,
	}
	assert.Equal(t, want, got, "Kafka %s", testenv.KafkaVersion())
}

// TestFactsQuorumMatchesMetadataQuorumCommand compares the snapshot's quorum with
// kafka-metadata-quorum describe --status and --replication. The metadata log grows by a record
// every half second, so offsets are checked to lie between the tool's answers before and after
// the snapshot; the leader, its epoch and the voter set must be equal.
func TestFactsQuorumMatchesMetadataQuorumCommand(t *testing.T) {
	c := realCluster(t)
	testenv.Settled(context.Background(), t, c.Bootstrap)
	before := quorumStatus(t)
	beforeRepl := toolTables(kafkaTool(t, "kafka-metadata-quorum", "describe", "--replication"))
	s, err := Collect(context.Background(), c)
	require.NoError(t, err)
	after := quorumStatus(t)

	q := s.Cluster.Quorum
	require.NotNil(t, q)
	require.True(t, q.Available, q.Reason)
	assert.Equal(t, before["LeaderId"], strconv.Itoa(int(q.LeaderID)))
	assert.Equal(t, after["LeaderId"], strconv.Itoa(int(q.LeaderID)), "no election during the test")
	assert.Equal(t, before["LeaderEpoch"], strconv.Itoa(int(q.LeaderEpoch)))
	hwBefore, _ := strconv.ParseInt(before["HighWatermark"], 10, 64)
	hwAfter, _ := strconv.ParseInt(after["HighWatermark"], 10, 64)
	assert.GreaterOrEqual(t, q.HighWatermark, hwBefore)
	assert.LessOrEqual(t, q.HighWatermark, hwAfter)

	var voters []int32
	for _, v := range q.Voters {
		voters = append(voters, v.ID)
	}
	assert.Equal(t, []int32{1, 2, 3}, voters, "scripts/kafka.sh's three combined nodes vote")
	assert.Empty(t, q.Observers, "combined nodes all vote: no observer")
	assert.Equal(t, "[]", before["CurrentObservers"])
	for _, id := range voters {
		assert.Contains(t, before["CurrentVoters"], fmt.Sprintf(`"id": %d`, id))
	}

	require.Len(t, beforeRepl, 3)
	for _, row := range beforeRepl {
		id, err := strconv.Atoi(row["NodeId"])
		require.NoError(t, err)
		i := slices.IndexFunc(q.Voters, func(v snapshot.QuorumReplica) bool { return v.ID == int32(id) })
		require.GreaterOrEqual(t, i, 0, "node %d", id)
		v := q.Voters[i]
		leo, _ := strconv.ParseInt(row["LogEndOffset"], 10, 64)
		assert.GreaterOrEqual(t, v.LogEndOffset, leo, "node %d: the log only grows", id)
		assert.LessOrEqual(t, v.LogEndOffset, hwAfter+100, "node %d", id)
		assert.Equal(t, row["Status"] == "Leader", v.ID == q.LeaderID, "node %d", id)
		if v.ID == q.LeaderID {
			assert.Equal(t, int64(0), v.Lag)
		}
		assert.Less(t, v.Lag, int64(snapshot.DefaultQuorumMaxLag), "node %d keeps up", id)
		// The tool prints -1 for an unknown time, kdocs leaves it out.
		if row["LastFetchTimestamp"] != "-1" {
			require.NotNil(t, v.LastFetchMs, "node %d", id)
			ts, _ := strconv.ParseInt(row["LastFetchTimestamp"], 10, 64)
			assert.GreaterOrEqual(t, *v.LastFetchMs, ts, "node %d", id)
		}
	}
	assert.Equal(t, health.Healthy, health.Evaluate(s).Status, "%v", health.Evaluate(s).Reasons)
}

// quorumStatus reads kafka-metadata-quorum describe --status: "Key: value" lines.
func quorumStatus(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(kafkaTool(t, "kafka-metadata-quorum", "describe", "--status"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	require.NotEmpty(t, out["LeaderId"], "kafka-metadata-quorum printed no leader")
	return out
}

// TestFactsShareGroup runs a share group (KIP-932) with one member on the versions that have
// them and compares the snapshot with kafka-share-groups --describe (start offsets), --state
// and --members. On 4.1 share groups are a preview, enabled here with the share.version feature;
// on 3.9 and 4.0 the snapshot says ShareGroupDescribe is not available.
func TestFactsShareGroup(t *testing.T) {
	c := realCluster(t)
	if !testenv.KafkaAtLeast(4, 1) {
		s, err := Collect(context.Background(), c)
		require.NoError(t, err)
		i := slices.IndexFunc(s.Cluster.Features, func(f snapshot.Feature) bool { return f.Name == "ShareGroupDescribe" })
		require.GreaterOrEqual(t, i, 0)
		assert.False(t, s.Cluster.Features[i].Available, "Kafka %s has no share groups", testenv.KafkaVersion())
		return
	}
	ctx := context.Background()
	testenv.Settled(ctx, t, c.Bootstrap)
	// The manual partitioner: records go to the partition they name.
	admCl, err := kgo.NewClient(kgo.SeedBrokers(c.Bootstrap...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	require.NoError(t, err)
	t.Cleanup(admCl.Close)
	adm := kadm.NewClient(admCl)
	enableShareGroups(t)

	suffix := fmt.Sprint(time.Now().UnixNano())
	topic, group := "kdocs-test-share-"+suffix, "kdocs-test-share-"+suffix
	testenv.CreateTopic(ctx, t, admCl, topic, 2, 1, nil)
	t.Cleanup(func() { dropTopic(t, c, adm, topic, group) })
	// Start from the earliest record, so the member reads what is produced before it joins.
	setGroupConfig(ctx, t, admCl, group, "share.auto.offset.reset", "earliest")
	for p := range int32(2) {
		for range 3 {
			require.NoError(t, admCl.ProduceSync(ctx, &kgo.Record{Topic: topic, Partition: p, Value: []byte("x")}).FirstErr())
		}
	}
	member, err := kgo.NewClient(kgo.SeedBrokers(c.Bootstrap...), kgo.ClientID("kdocs-share-client"), kgo.ShareGroup(group),
		kgo.ConsumeTopics(topic))
	require.NoError(t, err)
	// Accept every record polled, so the start offsets move past them.
	pollCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for pollCtx.Err() == nil {
			if member.PollFetches(pollCtx).NumRecords() > 0 {
				member.MarkAcks(kgo.AckAccept)
				_ = member.FlushAcks(pollCtx)
			}
		}
	}()
	t.Cleanup(func() { stop(); <-done; member.Close() })

	s := waitGroups(t, c, func(s *snapshot.Snapshot) bool {
		g := s.Group(group)
		// The start offsets are compared with the tool's below, wherever they stand: a share
		// member's acknowledgements move them at the broker's pace.
		return g != nil && g.State == "Stable" && len(g.Members) == 1 && len(g.Members[0].Assignments) == 1 && len(g.Offsets) == 2
	}, "the share group never showed Stable with its member assigned and its start offsets", group)
	g := s.Group(group)
	assert.Equal(t, snapshot.GroupShare, g.Type)
	assert.Empty(t, g.NotDescribed)
	assert.Empty(t, g.OffsetsNotRead)
	assert.Equal(t, health.Healthy, health.Evaluate(s).Status, "%v", health.Evaluate(s).Reasons)
	m := g.Members[0]
	assert.Equal(t, []string{topic}, m.SubscribedTopics)
	assert.Equal(t, []snapshot.TopicPartitions{{Topic: topic, Partitions: []int32{0, 1}}}, m.Assignments)

	states := toolTables(kafkaTool(t, "kafka-share-groups", "--describe", "--group", group, "--state", "--verbose"))
	require.Len(t, states, 1)
	assert.Equal(t, states[0]["STATE"], g.State)
	assert.Equal(t, states[0]["#MEMBERS"], "1")
	if e, ok := states[0]["GROUP-EPOCH"]; ok {
		assert.Equal(t, e, epochString(g.GroupEpoch))
	}
	if e, ok := states[0]["ASSIGNMENT-EPOCH"]; ok {
		assert.Equal(t, e, epochString(g.AssignmentEpoch))
	}
	if a, ok := states[0]["ASSIGNOR"]; ok {
		assert.Equal(t, a, g.Assignor)
	}
	members := toolTables(kafkaTool(t, "kafka-share-groups", "--describe", "--group", group, "--members", "--verbose"))
	require.Len(t, members, 1)
	assert.Equal(t, members[0]["CONSUMER-ID"], m.ID)
	assert.Equal(t, members[0]["HOST"], "/"+m.Host)
	assert.Equal(t, members[0]["CLIENT-ID"], m.ClientID)
	if e, ok := members[0]["MEMBER-EPOCH"]; ok {
		assert.Equal(t, e, epochString(m.MemberEpoch))
	}
	offsets := toolTables(kafkaTool(t, "kafka-share-groups", "--describe", "--group", group))
	require.Len(t, offsets, 2)
	for _, row := range offsets {
		p, _ := strconv.Atoi(row["PARTITION"])
		i := slices.IndexFunc(g.Offsets, func(o snapshot.GroupOffset) bool { return o.Topic == row["TOPIC"] && o.Partition == int32(p) })
		require.GreaterOrEqual(t, i, 0, "%s/%d", row["TOPIC"], p)
		assert.Equal(t, row["START-OFFSET"], strconv.FormatInt(g.Offsets[i].Committed, 10))
		if l, ok := row["LAG"]; ok {
			assert.Equal(t, l, strconv.FormatInt(g.Offsets[i].Lag, 10))
		}
	}
}

// enableShareGroups turns on share groups where they are a preview (Kafka 4.1: the
// share.version feature is 0 on a new cluster); on later versions it is already on.
func enableShareGroups(t *testing.T) {
	out := kafkaTool(t, "kafka-features", "describe")
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "Feature: share.version") && !strings.Contains(line, "FinalizedVersionLevel: 0") {
			return
		}
	}
	kafkaTool(t, "kafka-features", "upgrade", "--feature", "share.version=1")
}

// setGroupConfig sets one group config through IncrementalAlterConfigs (resource type GROUP).
func setGroupConfig(ctx context.Context, t *testing.T, cl *kgo.Client, group, name, value string) {
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	req.Resources = []kmsg.IncrementalAlterConfigsRequestResource{{
		ResourceType: kmsg.ConfigResourceTypeGroupConfig,
		ResourceName: group,
		Configs:      []kmsg.IncrementalAlterConfigsRequestResourceConfig{{Name: name, Op: kmsg.IncrementalAlterConfigOpSet, Value: &value}},
	}}
	res, err := req.RequestWith(ctx, cl)
	require.NoError(t, err)
	for _, r := range res.Resources {
		require.Zero(t, r.ErrorCode, "set %s of group %s: %v", name, group, r.ErrorMessage)
	}
}

// TestFactsStreamsGroup runs the test estate's Kafka Streams app (testdata/streams/AcmeStreams.java)
// under an application id of its own with group.protocol=streams (KIP-1071) on the versions that
// have streams groups, and compares the snapshot with kafka-streams-groups --describe --state
// --verbose, --members --verbose (tasks per sub-topology) and --offsets --verbose, and its
// topology with the app's. On 3.9 to 4.1 the snapshot says StreamsGroupDescribe is not
// available (4.1's early access is off: its brokers do not offer the API).
func TestFactsStreamsGroup(t *testing.T) {
	c := realCluster(t)
	if !testenv.KafkaAtLeast(4, 2) {
		s, err := Collect(context.Background(), c)
		require.NoError(t, err)
		i := slices.IndexFunc(s.Cluster.Features, func(f snapshot.Feature) bool { return f.Name == "StreamsGroupDescribe" })
		require.GreaterOrEqual(t, i, 0)
		assert.False(t, s.Cluster.Features[i].Available, "Kafka %s has no streams groups", testenv.KafkaVersion())
		return
	}
	ctx := context.Background()
	testenv.Settled(ctx, t, c.Bootstrap)
	admCl, err := kgo.NewClient(kgo.SeedBrokers(c.Bootstrap...))
	require.NoError(t, err)
	t.Cleanup(admCl.Close)
	adm := kadm.NewClient(admCl)
	enableStreamsGroups(ctx, t, admCl)

	id := fmt.Sprint("kdocs-test-streams-", time.Now().UnixNano())
	app := testenv.NewStreamsApp(id, id+"-stats", "streams")
	// Registered before the app starts, so it runs after the app has stopped.
	t.Cleanup(func() { dropStreamsApp(t, c, adm, app) })
	app.Start(t)

	var inputParts int
	s := waitGroups(t, c, func(s *snapshot.Snapshot) bool {
		g, in := s.Group(id), s.Topic(app.Input)
		if g == nil || in == nil || g.State != "Stable" || len(g.Members) != 1 || g.Members[0].Tasks == nil || len(g.Members[0].Tasks.Active) != 2 {
			return false
		}
		inputParts = len(in.Partitions)
		// Every input record processed and committed, and every record of the repartition topic:
		// a partition without a commit has no record.
		for _, u := range g.Uncommitted {
			topic := s.Topic(u.Topic)
			if topic == nil {
				return false
			}
			for _, p := range topic.Partitions {
				if slices.Contains(u.Partitions, p.ID) && p.LatestOffset != 0 {
					return false
				}
			}
		}
		inputs := 0
		for _, o := range g.Offsets {
			if o.Lag != 0 {
				return false
			}
			if o.Topic == app.Input {
				inputs++
			}
		}
		return inputs == inputParts
	}, "the streams group never showed Stable with its member's tasks and every input record committed", id)

	g := s.Group(id)
	assert.Equal(t, snapshot.GroupStreams, g.Type)
	assert.Empty(t, g.NotDescribed)
	assert.Empty(t, g.OffsetsNotRead)
	assert.Equal(t, health.Healthy, health.Evaluate(s).Status, "%v", health.Evaluate(s).Reasons)
	require.NotNil(t, g.GroupEpoch)
	require.NotNil(t, g.AssignmentEpoch)
	assert.NotEmpty(t, g.Assignor)

	// The app's topology: sub-topology 0 reads the input and re-keys it into the repartition
	// topic; sub-topology 1 reads that and counts in a store with a changelog. The output topic is
	// not internal: the broker's topology does not name it.
	require.NotNil(t, g.Streams)
	assert.Equal(t, []snapshot.Subtopology{
		{ID: "0", SourceTopics: []string{app.Input}, RepartitionSinks: []string{app.Repartition}},
		{ID: "1", Changelogs: []string{app.Changelog}, RepartitionSources: []string{app.Repartition}},
	}, g.Streams.Subtopologies)
	// The broker created the internal topics, the repartition topic with as many partitions as
	// the input.
	require.NotNil(t, s.Topic(app.Repartition), "the repartition topic")
	assert.Len(t, s.Topic(app.Repartition).Partitions, inputParts)
	require.NotNil(t, s.Topic(app.Changelog), "the changelog topic")
	require.NotNil(t, s.Topic(app.Output), "the output topic")

	m := g.Members[0]
	all := make([]int32, inputParts)
	for p := range all {
		all[p] = int32(p)
	}
	assert.Equal(t, app.ClientID+"-StreamThread-1-consumer", m.ClientID)
	require.NotNil(t, m.MemberEpoch)
	assert.NotEmpty(t, m.Tasks.ProcessID)
	assert.Equal(t, []snapshot.TaskGroup{{Subtopology: "0", Partitions: all}, {Subtopology: "1", Partitions: all}}, sortedTasks(m.Tasks.Active))
	assert.Empty(t, m.Tasks.Standby)
	assert.Empty(t, m.Tasks.Warmup)
	// Its active tasks read every partition of the input and of the repartition topic.
	assert.ElementsMatch(t, []snapshot.TopicPartitions{{Topic: app.Input, Partitions: all}, {Topic: app.Repartition, Partitions: all}}, m.Assignments)

	states := toolTables(kafkaTool(t, "kafka-streams-groups", "--describe", "--group", id, "--state", "--verbose"))
	require.Len(t, states, 1)
	st := states[0]
	assert.Equal(t, st["STATE"], g.State)
	assert.Equal(t, st["#MEMBERS"], "1")
	assert.Equal(t, st["ASSIGNOR"], g.Assignor)
	assert.Equal(t, st["GROUP-EPOCH"], epochString(g.GroupEpoch))
	assert.Equal(t, st["TARGET-ASSIGNMENT-EPOCH"], epochString(g.AssignmentEpoch))

	membersOut := kafkaTool(t, "kafka-streams-groups", "--describe", "--group", id, "--members", "--verbose")
	members := streamsMemberRows(membersOut)
	require.Len(t, members, 1, membersOut)
	mr := members[0]
	assert.Equal(t, mr["MEMBER"], m.ID)
	assert.Equal(t, mr["PROCESS"], m.Tasks.ProcessID)
	assert.Equal(t, mr["CLIENT-ID"], m.ClientID)
	assert.Equal(t, mr["MEMBER-EPOCH"], epochString(m.MemberEpoch))
	assert.Equal(t, mr["TARGET-ASSIGNMENT-EPOCH"], epochString(g.AssignmentEpoch))
	assert.Equal(t, mr["TOPOLOGY-EPOCH"], strconv.Itoa(int(g.Streams.Epoch)))
	assert.Equal(t, mr["MEMBER-PROTOCOL"], "streams")
	tasks := toolTasks(mr["ASSIGNMENTS"])
	assert.Equal(t, tasks["ACTIVE"], sortedTasks(m.Tasks.Active), mr["ASSIGNMENTS"])
	assert.Equal(t, tasks["STANDBY"], sortedTasks(m.Tasks.Standby), mr["ASSIGNMENTS"])
	assert.Equal(t, tasks["WARMUP"], sortedTasks(m.Tasks.Warmup), mr["ASSIGNMENTS"])
	// kdocs does not keep a streams member's target tasks: a stable member runs them.
	assert.Equal(t, tasks["TARGET-ACTIVE"], tasks["ACTIVE"], mr["ASSIGNMENTS"])

	offsetsOut := kafkaTool(t, "kafka-streams-groups", "--describe", "--group", id, "--offsets", "--verbose")
	offsets := toolTables(offsetsOut)
	// A row per partition of the topics the group reads: the input's, and the repartition
	// topic's, where partitions no record was re-keyed to have no commit ("-").
	require.Len(t, offsets, 2*inputParts, offsetsOut)
	for _, row := range offsets {
		p, err := strconv.Atoi(row["PARTITION"])
		require.NoError(t, err)
		i := slices.IndexFunc(g.Offsets, func(o snapshot.GroupOffset) bool { return o.Topic == row["TOPIC"] && o.Partition == int32(p) })
		if row["CURRENT-OFFSET"] == "-" {
			assert.Less(t, i, 0, "%s/%d: the tool sees no commit", row["TOPIC"], p)
			assert.True(t, slices.ContainsFunc(g.Uncommitted, func(u snapshot.TopicPartitions) bool {
				return u.Topic == row["TOPIC"] && slices.Contains(u.Partitions, int32(p))
			}), "%s/%d is uncommitted: %v", row["TOPIC"], p, g.Uncommitted)
			continue
		}
		require.GreaterOrEqual(t, i, 0, "%s has no offset on %s/%d", id, row["TOPIC"], p)
		o := g.Offsets[i]
		assert.Equal(t, row["CURRENT-OFFSET"], strconv.FormatInt(o.Committed, 10), "%s/%d", o.Topic, p)
		assert.Equal(t, row["LOG-END-OFFSET"], strconv.FormatInt(o.LatestOffset, 10), "%s/%d", o.Topic, p)
		assert.Equal(t, row["OFFSET-LAG"], strconv.FormatInt(o.Lag, 10), "%s/%d", o.Topic, p)
	}
}

// enableStreamsGroups turns on streams groups where the streams.version feature is finalized at
// 0 (Kafka 4.4 finalizes it at 1 on a new cluster), read from ApiVersions' finalized features.
func enableStreamsGroups(ctx context.Context, t *testing.T, cl *kgo.Client) {
	res, err := kmsg.NewPtrApiVersionsRequest().RequestWith(ctx, cl)
	require.NoError(t, err)
	for _, f := range res.FinalizedFeatures {
		if f.Name == "streams.version" && f.MaxVersionLevel >= 1 {
			return
		}
	}
	kafkaTool(t, "kafka-features", "upgrade", "--feature", "streams.version=1")
}

// streamsMemberRows reads kafka-streams-groups --describe --members: its last column,
// ASSIGNMENTS, holds spaces ("ACTIVE: 0:[0,1]; 1:[0,1]; ").
func streamsMemberRows(out string) []map[string]string {
	var rows []map[string]string
	var header []string
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
			header = nil
		case fields[0] == "GROUP":
			header = fields
		case header != nil && len(fields) >= len(header):
			row := map[string]string{}
			for i, h := range header[:len(header)-1] {
				row[h] = fields[i]
			}
			row[header[len(header)-1]] = strings.Join(fields[len(header)-1:], " ")
			rows = append(rows, row)
		}
	}
	return rows
}

// toolTasks reads an ASSIGNMENTS cell, "ACTIVE: 0:[0,1]; 1:[0,1]; TARGET-ACTIVE: 0:[0,1]; …",
// into the tasks under each label, sorted as sortedTasks does.
func toolTasks(cell string) map[string][]snapshot.TaskGroup {
	out := map[string][]snapshot.TaskGroup{}
	label := ""
	for _, f := range strings.Fields(cell) {
		if strings.HasSuffix(f, ":") && strings.ToUpper(f) == f {
			label = strings.TrimSuffix(f, ":")
			continue
		}
		sub, parts, ok := strings.Cut(strings.TrimSuffix(f, ";"), ":")
		if !ok {
			continue
		}
		tg := snapshot.TaskGroup{Subtopology: sub, Partitions: []int32{}}
		for _, p := range strings.Split(strings.Trim(parts, "[]"), ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
				tg.Partitions = append(tg.Partitions, int32(n))
			}
		}
		out[label] = append(out[label], tg)
	}
	for l, ts := range out {
		out[l] = sortedTasks(ts)
	}
	return out
}

// sortedTasks orders tasks by sub-topology and their partitions; nil for none.
func sortedTasks(ts []snapshot.TaskGroup) []snapshot.TaskGroup {
	if len(ts) == 0 {
		return nil
	}
	out := make([]snapshot.TaskGroup, len(ts))
	for i, tg := range ts {
		out[i] = snapshot.TaskGroup{Subtopology: tg.Subtopology, Partitions: slices.Sorted(slices.Values(tg.Partitions))}
	}
	slices.SortFunc(out, func(a, b snapshot.TaskGroup) int { return strings.Compare(a.Subtopology, b.Subtopology) })
	return out
}

// dropStreamsApp deletes a stopped streams app's group, internal topics and output topic, and
// waits until a snapshot no longer shows them. The group is deleted once its member has left
// (a streams app that closes leaves at once).
func dropStreamsApp(t *testing.T, c config.Cluster, adm *kadm.Client, app *testenv.StreamsApp) {
	ctx := context.Background()
	assert.Eventually(t, func() bool {
		res, err := adm.DeleteGroups(ctx, app.ID)
		if err != nil {
			return false
		}
		r := res[app.ID]
		return r.Err == nil || errors.Is(r.Err, kerr.GroupIDNotFound)
	}, 60*time.Second, time.Second, "streams group %s was not deleted", app.ID)
	topics := []string{app.Repartition, app.Changelog, app.Output}
	_, _ = adm.DeleteTopics(ctx, topics...)
	assert.Eventually(t, func() bool {
		s, err := Collect(ctx, c)
		if err != nil || s.Group(app.ID) != nil {
			return false
		}
		for _, topic := range topics {
			if s.Topic(topic) != nil || slices.ContainsFunc(s.Errors, func(e snapshot.Error) bool { return strings.Contains(e.Resource+e.Message, topic) }) {
				return false
			}
		}
		return true
	}, 30*time.Second, 200*time.Millisecond, "the topics of streams app %s were not deleted", app.ID)
}
