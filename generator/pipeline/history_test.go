package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// archiveAt saves s as the site's current snapshot of prod, taken at t, and archives it as
// `kdocs snapshot` does.
func archiveAt(t *testing.T, cfg *config.Site, s *snapshot.Snapshot, at time.Time) {
	t.Helper()
	s.TakenAt = at
	cur := cfg.SnapshotPath(cfg.Clusters[0])
	require.NoError(t, snapshot.Save(cur, s))
	_, err := AppendHistory(cfg, "prod", cur, at)
	require.NoError(t, err)
}

func TestChangesPageFromHistory(t *testing.T) {
	cfg := newSite(t)
	cfg.History.Keep = 2
	cfg.History.Read = 2
	base, err := snapshot.Load(cfg.SnapshotPath(cfg.Clusters[0]))
	require.NoError(t, err)
	day := func(d int) time.Time { return time.Date(2025, 1, d, 3, 0, 0, 0, time.UTC) }

	// Day 1: the base. Day 2: nothing changes. Day 3: a topic appears, orders.created grows a
	// partition and loses a replica, a config changes, the group's lag jumps and a schema
	// version is added.
	archiveAt(t, cfg, base, day(1))
	archiveAt(t, cfg, base, day(2))
	next, err := snapshot.Load(cfg.SnapshotPath(cfg.Clusters[0]))
	require.NoError(t, err)
	next.Topics = append(next.Topics, snapshot.Topic{Name: "payments.settled", ReplicationFactor: 2,
		Partitions: []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1, 2}, ISR: []int32{1, 2}}}})
	orders := next.Topic("orders.created")
	orders.Partitions = append(orders.Partitions, snapshot.Partition{ID: 2, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}})
	orders.ReplicationFactor = 1
	orders.Configs = append(orders.Configs, snapshot.Config{Name: "retention.ms", Value: "3600000", Source: "DYNAMIC_TOPIC_CONFIG"})
	next.Groups[0].TotalLag += 50000
	next.Groups[0].Offsets[0].Lag += 50000
	sub := next.Subject("orders.created-value")
	sub.Versions = append(sub.Versions, snapshot.SchemaVersion{Version: 2, ID: 9, Schema: `{"type":"string"}`})
	next.Normalize()
	archiveAt(t, cfg, next, day(3))
	// A damaged history file is named in a warning, not a failed build.
	dir := filepath.Join(cfg.HistoryDir(), "prod")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "20240101T000000Z.json"), []byte("{not json"), 0o644))

	files, err := historyFiles(dir)
	require.NoError(t, err)
	assert.Len(t, files, 3, "keep: 2 pruned day 1 when day 3 came; the damaged file came after")
	assert.Equal(t, "20250102T030000Z.json", filepath.Base(files[1]))

	res, err := Run(context.Background(), cfg, Options{})
	require.NoError(t, err)
	assert.Empty(t, res.Warnings, "read: 2 reads only days 2 and 3, never the damaged oldest file")

	page, err := os.ReadFile(filepath.Join(cfg.Output, "clusters", "prod", "changes.html"))
	require.NoError(t, err)
	html := string(page)
	assert.Contains(t, html, "Changes in prod")
	assert.Contains(t, html, "2025-01-02 03:00 UTC → 2025-01-03 03:00 UTC")
	text := strings.Join(strings.Fields(stripTags(html)), " ")
	assert.Contains(t, text, "over the last 2 snapshots")
	assert.Contains(t, text, `topic "payments.settled"`)
	assert.Contains(t, text, "topic created with 1 partition and replication factor 2")
	assert.Contains(t, text, "partitions went from 2 to 3")
	assert.Contains(t, text, "replication factor went from 2 to 1")
	assert.Contains(t, text, "total lag grew by 50000")
	assert.Contains(t, text, "retention.ms")
	assert.Contains(t, text, "3600000")
	assert.Contains(t, text, `subject "orders.created-value" version 2 registered`)
	assert.Contains(t, html, `href="topics/payments.settled.html"`, "a resource that still exists is linked")

	home, err := os.ReadFile(filepath.Join(cfg.Output, "index.html"))
	require.NoError(t, err)
	homeText := strings.Join(strings.Fields(stripTags(string(home))), " ")
	assert.Contains(t, homeText, "Latest changes")
	assert.Regexp(t, `prod\s*, 2025-01-02 03:00 UTC → 2025-01-03 03:00 UTC: 6 changes`, homeText)
	assert.Contains(t, homeText, `topic "payments.settled" : topic created`)
	assert.Contains(t, string(home), `href="clusters/prod/changes.html"`)
	assert.Contains(t, homeText, "and 1 more")

	// Day 2 → day 3 only: the damaged file and day 1 were not read.
	assert.NotContains(t, text, "2025-01-01")

	t.Run("history off", func(t *testing.T) {
		cfg.History.Keep = -1
		kept, err := AppendHistory(cfg, "prod", cfg.SnapshotPath(cfg.Clusters[0]), day(4))
		require.NoError(t, err)
		assert.Empty(t, kept)
		assert.NoFileExists(t, filepath.Join(dir, "20250104T030000Z.json"))
	})
	t.Run("damaged file read", func(t *testing.T) {
		cfg.History.Read = 10
		res, err := Run(context.Background(), cfg, Options{})
		require.NoError(t, err)
		require.Len(t, res.Warnings, 1)
		assert.Contains(t, res.Warnings[0], `history of cluster "prod"`)
		assert.Contains(t, res.Warnings[0], "20240101T000000Z.json left out")
	})
}

// stripTags drops HTML tags, leaving the text.
func stripTags(html string) string {
	var b strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&rarr;", "→", "&gt;", ">", "&lt;", "<", "&amp;", "&").Replace(b.String())
}

// TestActivityPageFromHistory: without a history the activity page says what it needs; with
// three days in which orders.created is written on the third, its topic page says when, and
// the other topics stood still.
func TestActivityPageFromHistory(t *testing.T) {
	cfg := newSite(t)
	cfg.Activity.IdleAfter = 2
	read := func(parts ...string) string {
		page, err := os.ReadFile(filepath.Join(append([]string{cfg.Output}, parts...)...))
		require.NoError(t, err)
		return strings.Join(strings.Fields(stripTags(string(page))), " ")
	}
	_, err := Run(context.Background(), cfg, Options{})
	require.NoError(t, err)
	assert.Contains(t, read("clusters", "prod", "activity.html"), "needs a history of at least 2 snapshots")

	base, err := snapshot.Load(cfg.SnapshotPath(cfg.Clusters[0]))
	require.NoError(t, err)
	day := func(d int) time.Time { return time.Date(2025, 1, d, 3, 0, 0, 0, time.UTC) }
	archiveAt(t, cfg, base, day(1))
	archiveAt(t, cfg, base, day(2))
	next, err := snapshot.Load(cfg.SnapshotPath(cfg.Clusters[0]))
	require.NoError(t, err)
	next.Topic("orders.created").Partitions[0].LatestOffset += 25
	archiveAt(t, cfg, next, day(3))

	_, err = Run(context.Background(), cfg, Options{})
	require.NoError(t, err)
	text := read("clusters", "prod", "activity.html")
	assert.Contains(t, text, "Activity in prod")
	assert.Contains(t, text, "What the last 3 snapshots of cluster prod")
	assert.Contains(t, text, "orders.created 2025-01-03 03:00 UTC 25")
	assert.Contains(t, read("clusters", "prod", "topics", "orders.created.html"),
		"Last write: end offsets last moved 2025-01-03 03:00 UTC, 25 records over the last 3 snapshots")
	assert.Contains(t, read("clusters", "prod", "index.html"), "Activity")
}
