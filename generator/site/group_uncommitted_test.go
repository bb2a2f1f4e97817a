package site_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/render"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/templates"
	"github.com/kdocs/kdocs/themes"
)

// A group's partitions without a committed offset are on its page, linked to their topics; a
// group without any has no such section.
func TestGroupPageShowsUncommitted(t *testing.T) {
	snap := &snapshot.Snapshot{
		Cluster: snapshot.Cluster{Name: "prod", Brokers: []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092}}},
		Topics: []snapshot.Topic{{Name: "payments", ReplicationFactor: 1, Partitions: []snapshot.Partition{
			{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 9},
			{ID: 1, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 4},
			{ID: 2, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 3},
		}}},
		Groups: []snapshot.Group{
			{ID: "ledger", State: "Empty", TotalLag: 1,
				Offsets:     []snapshot.GroupOffset{{Topic: "payments", Partition: 0, Committed: 8, LatestOffset: 9, Lag: 1}},
				Uncommitted: []snapshot.TopicPartitions{{Topic: "payments", Partitions: []int32{2, 1}}, {Topic: "gone", Partitions: []int32{0}}}},
			{ID: "audit", State: "Empty"},
		},
	}
	snap.Normalize()
	s, err := site.Build("Acme", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	d := s.Page("clusters/prod/groups/ledger").Data.(*site.GroupData)
	assert.Equal(t, []site.Assignment{
		{Topic: site.Link{Title: "gone"}, Partitions: []int32{0}},
		{Topic: site.Link{Title: "payments", Path: "clusters/prod/topics/payments"}, Partitions: []int32{1, 2}},
	}, d.Uncommitted)

	theme, err := fs.Sub(themes.FS, "default")
	require.NoError(t, err)
	r, err := render.New(render.Options{Theme: theme, Templates: templates.FS, BaseURL: "/"})
	require.NoError(t, err)
	md, err := r.Markdown(s, s.Page("clusters/prod/groups/ledger"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Partitions without a committed offset")
	assert.Regexp(t, `\| \[payments\]\([^)]*topics/payments[^)]*\) \| 1, 2 \|`, string(md))
	assert.Contains(t, string(md), "| gone | 0 |")

	md, err = r.Markdown(s, s.Page("clusters/prod/groups/audit"))
	require.NoError(t, err)
	assert.NotContains(t, string(md), "without a committed offset")
}
