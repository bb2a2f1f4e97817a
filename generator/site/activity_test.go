package site

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/activity"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// activityHistory is n days of the fixture: orders.created written every day, billing
// committing until day 1, index never written.
func activityHistory(t *testing.T, n int) []*snapshot.Snapshot {
	t.Helper()
	data, err := json.Marshal(fixture())
	require.NoError(t, err)
	var out []*snapshot.Snapshot
	for i := range n {
		var s snapshot.Snapshot
		require.NoError(t, json.Unmarshal(data, &s))
		s.TakenAt = time.Date(2026, 11, 1+i, 2, 0, 0, 0, time.UTC)
		s.Producers = &snapshot.ProducerSection{Available: true}
		s.Topics[1].Partitions[0].LatestOffset += int64(10 * i) // orders.created, after index
		s.Groups[0].Offsets[0].Committed += int64(min(i, 1))
		out = append(out, &s)
	}
	return out
}

// TestActivityPage: the cluster's activity page lists the idle topic and the group that
// stopped committing, links them, is in the nav and on the cluster page; a topic page says when
// its end offsets last moved.
func TestActivityPage(t *testing.T) {
	h := activityHistory(t, 4)
	s, err := Build("Acme", []*snapshot.Snapshot{h[len(h)-1]}, nil)
	require.NoError(t, err)
	AddActivity(s, map[string]*activity.Report{"prod": activity.Compute(h, activity.Options{IdleAfter: 3})})

	c := s.Clusters[0]
	assert.Equal(t, "clusters/prod/activity", c.ActivityPath)
	p := s.Page("clusters/prod/activity")
	require.NotNil(t, p)
	assert.Equal(t, TemplateActivity, p.Template)
	d := p.Data.(*ActivityData)
	assert.True(t, d.First)
	require.Len(t, d.Idle, 1)
	assert.Equal(t, Link{Title: "index", Path: "clusters/prod/topics/index-1bc04b52"}, d.Idle[0].Link, "a topic named index has its own slug")
	require.Len(t, d.Stopped, 1)
	assert.Equal(t, Link{Title: "billing", Path: "clusters/prod/groups/billing"}, d.Stopped[0].Link)
	assert.Equal(t, []Link{{Title: "orders.created", Path: "clusters/prod/topics/orders.created"}}, d.Stopped[0].Topics)
	assert.Len(t, d.Topics, 2)
	assert.Equal(t, 2, d.Total)

	var nav []string
	for _, n := range s.Nav {
		if n.Path == c.Path {
			for _, ch := range n.Children {
				nav = append(nav, ch.Title)
			}
		}
	}
	assert.Contains(t, nav, "Activity")

	td := s.Page("clusters/prod/topics/orders.created").Data.(*TopicData)
	require.NotNil(t, td.Activity)
	assert.Equal(t, time.Date(2026, 11, 4, 2, 0, 0, 0, time.UTC), td.Activity.LastMoved)
	assert.Equal(t, int64(30), td.Activity.Added)
	assert.Equal(t, 4, td.Activity.Window)
	assert.Equal(t, "clusters/prod/activity", td.Activity.Page)
}

// TestActivityWithoutHistory: one snapshot gives a page that says what it needs, and no line
// on the topic pages; a cluster without a report too.
func TestActivityWithoutHistory(t *testing.T) {
	h := activityHistory(t, 1)
	for _, reports := range []map[string]*activity.Report{{"prod": activity.Compute(h, activity.Options{})}, nil} {
		s, err := Build("Acme", h, nil)
		require.NoError(t, err)
		AddActivity(s, reports)
		p := s.Page("clusters/prod/activity")
		require.NotNil(t, p)
		d := p.Data.(*ActivityData)
		assert.False(t, d.Report.Enough())
		assert.Empty(t, d.Topics)
		assert.Nil(t, s.Page("clusters/prod/topics/orders.created").Data.(*TopicData).Activity)
	}
}

// TestActivityListsAreCut: a first part lists at most PerPage idle topics, the largest.
func TestActivityListsAreCut(t *testing.T) {
	r := &activity.Report{Snapshots: 9, IdleAfter: 7}
	for i := range PerPage + 5 {
		r.Topics = append(r.Topics, activity.Topic{Name: fmt.Sprintf("t%05d", i), Idle: true, Still: 9})
	}
	for i := range r.Topics {
		r.Idle = append(r.Idle, &r.Topics[i])
	}
	s, err := Build("Acme", []*snapshot.Snapshot{fixture()}, nil)
	require.NoError(t, err)
	AddActivity(s, map[string]*activity.Report{"prod": r})
	d := s.Page("clusters/prod/activity").Data.(*ActivityData)
	assert.Len(t, d.Idle, PerPage)
	assert.Equal(t, 5, d.IdleMore)
	assert.Len(t, d.Topics, PerPage)
	require.NotNil(t, d.Pager)
	assert.Equal(t, 2, d.Pager.Parts)
	part := s.Page("clusters/prod/activity/2").Data.(*ActivityData)
	assert.False(t, part.First)
	assert.Len(t, part.Topics, 5)
}
