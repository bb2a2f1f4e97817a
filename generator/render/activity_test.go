package render

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/activity"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// activitySite is the fixture with n daily snapshots of history: orders.created written every
// day, billing-service committing until the second, a size on payments.settled, producer state
// unknown (the fixture predates it).
func activitySite(t *testing.T, n int) *site.Site {
	t.Helper()
	var h []*snapshot.Snapshot
	for i := range n {
		s, err := snapshot.Load("testdata/prod.json")
		require.NoError(t, err)
		s.TakenAt = time.Date(2025, 3, 10+i, 9, 0, 0, 0, time.UTC)
		for j := range s.Topics {
			tp := &s.Topics[j]
			switch tp.Name {
			case "orders.created":
				tp.Partitions[0].LatestOffset += int64(100 * i)
			case "payments.settled":
				sz := int64(3 << 20)
				tp.SizeBytes = &sz
			}
		}
		if g := s.Group("billing-service"); g != nil {
			g.Offsets[0].Committed += int64(min(i, 1))
		}
		h = append(h, s)
	}
	s := fixtureSite(t)
	site.AddActivity(s, map[string]*activity.Report{"prod": activity.Compute(h, activity.Options{IdleAfter: 3})})
	return s
}

func TestGoldenActivity(t *testing.T) {
	r := newRenderer(t)
	s := activitySite(t, 4)
	md, err := r.Markdown(s, s.Page("clusters/prod/activity"))
	require.NoError(t, err)
	golden(t, "activity.md", md)

	topic, err := r.Markdown(s, s.Page("clusters/prod/topics/orders.created"))
	require.NoError(t, err)
	assert.Contains(t, string(topic), "Last write: end offsets last moved 2025-03-13 09:00 UTC, 300 records over the last 4 snapshots · [Activity](../activity.md)")
	idle, err := r.Markdown(s, s.Page("clusters/prod/topics/payments.settled"))
	require.NoError(t, err)
	assert.Contains(t, string(idle), "Last write: **idle for 4 snapshots**, end offsets did not move within the history")
	cluster, err := r.Markdown(s, s.Page("clusters/prod/index"))
	require.NoError(t, err)
	assert.Contains(t, string(cluster), "[Activity](activity.md)")

	none := activitySite(t, 1)
	md, err = r.Markdown(none, none.Page("clusters/prod/activity"))
	require.NoError(t, err)
	golden(t, "activity-no-history.md", md)
	assert.Contains(t, string(md), "needs a history of at least 2 snapshots")
	topic, err = r.Markdown(none, none.Page("clusters/prod/topics/orders.created"))
	require.NoError(t, err)
	assert.False(t, strings.Contains(string(topic), "Last write"))
}
