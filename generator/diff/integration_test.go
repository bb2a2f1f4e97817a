package diff_test

// Integration test against the real 3-node Kafka 4.1 cluster (internal/testenv): snapshots
// taken by the real collector before and after real admin operations must show them as changes.
// The cluster is shared with other tests running at the same time, so this test touches only
// its own topic (kdocs-test-diff-<random>) and asserts only on the changes of that topic.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

func TestCompareRealCluster(t *testing.T) {
	brokers := testenv.Kafka(t)
	cluster := config.Cluster{Name: "it", Bootstrap: brokers, Timeout: config.Duration(10 * time.Second)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	require.NoError(t, err)
	t.Cleanup(cl.Close) // cleanups run last-in first-out: after the topic's deletion below
	adm := kadm.NewClient(cl)

	topic := "kdocs-test-diff-" + randomSuffix(t)
	res := `topic "` + topic + `"`
	t.Cleanup(func() {
		// The test's context may have ended; deleting the topic must not depend on it.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		resp, err := adm.DeleteTopics(ctx, topic)
		if err == nil {
			err = resp.Error()
		}
		if err != nil {
			t.Errorf("delete topic %s: %v", topic, err)
		}
	})

	// First pair: the topic is created between the snapshots.
	before := collectUntil(ctx, t, cluster, "the cluster", func(*snapshot.Snapshot) bool { return true })
	require.Nil(t, before.Topic(topic))
	testenv.CreateTopic(ctx, t, cl, topic, 1, 2, map[string]*string{"retention.ms": ptr("86400000")})
	created := collectUntil(ctx, t, cluster, "the new topic with its config", func(s *snapshot.Snapshot) bool {
		tp := s.Topic(topic)
		return tp != nil && len(tp.Partitions) == 1 && configValue(tp, "retention.ms") == "86400000" && !hasErrors(s, topic)
	})
	changes := only(diff.Compare(before, created, diff.Options{}), res)
	require.Len(t, changes, 1, "%+v", changes)
	assert.Equal(t, diff.TopicAdded, changes[0].Kind)
	assert.Equal(t, diff.Info, changes[0].Severity)
	assert.Equal(t, "topic created with 1 partition and replication factor 2", changes[0].Message)

	// Second pair: partitions added and retention lowered.
	parts, err := adm.CreatePartitions(ctx, 2, topic)
	require.NoError(t, err)
	require.NoError(t, parts.Error(), "add partitions to %s", topic)
	testenv.Ready(ctx, t, cl, testenv.Want{Topics: map[string]int{topic: 3}})
	alter, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: ptr("3600000")}}, topic)
	require.NoError(t, err)
	for _, r := range alter {
		require.NoError(t, r.Err, "alter configs of %s: %s", topic, r.ErrMessage)
	}
	altered := collectUntil(ctx, t, cluster, "3 partitions and the new retention", func(s *snapshot.Snapshot) bool {
		tp := s.Topic(topic)
		return tp != nil && len(tp.Partitions) == 3 && configValue(tp, "retention.ms") == "3600000" && !hasErrors(s, topic)
	})
	changes = only(diff.Compare(created, altered, diff.Options{}), res)
	var got []diff.Change
	for _, c := range changes {
		c.Message = ""
		got = append(got, c)
	}
	assert.Equal(t, []diff.Change{
		{Kind: diff.ConfigChanged, Severity: diff.Warning, Resource: res, Old: "86400000", New: "3600000"},
		{Kind: diff.PartitionsAdded, Severity: diff.Warning, Resource: res, Old: "1", New: "3"},
	}, got)
	require.Len(t, changes, 2)
	assert.Equal(t, "retention.ms changed from 86400000 to 3600000: records are deleted sooner", changes[0].Message)
}

// collectUntil snapshots the cluster until cond holds: metadata reaches the brokers one by one,
// so a snapshot right after an admin call may not show it yet.
func collectUntil(ctx context.Context, t *testing.T, c config.Cluster, what string, cond func(*snapshot.Snapshot) bool) *snapshot.Snapshot {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, err := kafka.Collect(ctx, c)
		require.NoError(t, err, "collect cluster")
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the snapshot did not show %s within 30s", what)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// hasErrors reports whether the snapshot could not read part of the topic: a broker that was
// still applying its creation answered one request with an error.
func hasErrors(s *snapshot.Snapshot, topic string) bool {
	return slices.ContainsFunc(s.Errors, func(e snapshot.Error) bool {
		return strings.Contains(e.Resource+" "+e.Message, topic)
	})
}

// only keeps the changes of one resource: other tests change the shared cluster meanwhile.
func only(cs diff.Changes, resource string) diff.Changes {
	var out diff.Changes
	for _, c := range cs {
		if c.Resource == resource {
			out = append(out, c)
		}
	}
	return out
}

func configValue(t *snapshot.Topic, name string) string {
	for _, c := range t.Configs {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 6)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b) + "-" + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
}

func ptr(s string) *string { return &s }
