package browsertest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// kip848Site is a cluster with a KIP-848 consumer group whose member is reconciling, and a
// KRaft quorum.
func kip848Site(t *testing.T) *config.Site {
	t.Helper()
	dir := t.TempDir()
	i32 := func(v int32) *int32 { return &v }
	part := func(id int32) snapshot.Partition {
		return snapshot.Partition{ID: id, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 10}
	}
	snap := &snapshot.Snapshot{
		Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "next", ControllerID: -1, Brokers: []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092}},
			Quorum: &snapshot.Quorum{Available: true, LeaderID: 1, LeaderEpoch: 3, HighWatermark: 900,
				Voters: []snapshot.QuorumReplica{{ID: 1, LogEndOffset: 900}}}},
		Topics: []snapshot.Topic{{Name: "orders", ReplicationFactor: 1, Partitions: []snapshot.Partition{part(0), part(1)}}},
		Groups: []snapshot.Group{{ID: "billing", Type: snapshot.GroupConsumer, State: "Reconciling", ProtocolType: "consumer",
			GroupEpoch: i32(5), AssignmentEpoch: i32(5), Assignor: "uniform", TotalLag: 4,
			Members: []snapshot.Member{{ID: "m-1", InstanceID: "billing-0", ClientID: "billing-app", Host: "10.0.0.7", MemberEpoch: i32(4),
				SubscribedTopics:  []string{"orders"},
				Assignments:       []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0}}},
				TargetAssignments: []snapshot.TopicPartitions{{Topic: "orders", Partitions: []int32{0, 1}}}}},
			Offsets: []snapshot.GroupOffset{{Topic: "orders", Partition: 0, Committed: 6, LatestOffset: 10, Lag: 4}}}},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "next.json"), snap))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"),
		[]byte("title: Next-gen groups\nbaseURL: /\nclusters:\n  - name: next\n    snapshot: next.json\n"), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

// A KIP-848 group's page in the browser: its type, state, epochs and assignor, the member's epoch,
// subscription and target assignment, a working link to the topic; the catalog's type column.
func TestKIP848GroupPageInTheBrowser(t *testing.T) {
	ctx, home := browseSite(t, kip848Site(t), time.Minute)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/next/groups/billing.html")))
	type view struct {
		Text   string
		Header []string
		Row    []string
		Links  []string
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[view](`(() => {
		const members = [...document.querySelectorAll('.content table')].find((t) => t.innerText.includes('Target (reconciling)'));
		return {
			Text: document.querySelector('.content').innerText,
			Header: members ? [...members.querySelectorAll('thead th')].map((c) => c.innerText.trim()) : [],
			Row: members ? [...members.querySelectorAll('tbody tr:first-child td')].map((c) => c.innerText.trim()) : [],
			Links: members ? [...members.querySelectorAll('tbody a[href]')].map((a) => a.href) : [],
		};
	})()`))
	require.NoError(t, err)
	assert.Contains(t, v.Text, "consumer group (KIP-848)")
	assert.Contains(t, v.Text, "Reconciling")
	assert.Contains(t, v.Text, "assignor uniform · group epoch 5 · assignment epoch 5")
	assert.Equal(t, []string{"Client id", "Host", "Member id", "Instance id", "Epoch", "Subscribed to", "Assigned partitions", "Target (reconciling)"}, v.Header)
	assert.Equal(t, []string{"billing-app", "10.0.0.7", "m-1", "billing-0", "4", "orders", "orders 0", "orders 0, 1"}, v.Row)
	require.Len(t, v.Links, 2)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(v.Links[1])))
	title, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.content h1').innerText`))
	require.NoError(t, err)
	assert.Equal(t, "orders", title, "the target assignment links to the topic page")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/next/groups/index.html")))
	catalog, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.content table').innerText`))
	require.NoError(t, err)
	assert.Contains(t, catalog, "Type")
	assert.Contains(t, catalog, "consumer")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/next/index.html")))
	cluster, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.content').innerText`))
	require.NoError(t, err)
	assert.Contains(t, cluster, "KRaft quorum")
	assert.Contains(t, cluster, "leader 1 · epoch 3 · high watermark 900")
	assert.Empty(t, ConsoleErrors(ctx))
}
