package render

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// The changes page and the home page write the parties of a breaking change beside it, linked
// and escaped: the group "fraud|check *beta*" must not split the table's row.
func TestChangesPageListsTheAffectedParties(t *testing.T) {
	r := newRenderer(t)
	s := fixtureSite(t)
	after, err := snapshot.Load("testdata/prod.json")
	require.NoError(t, err)
	before, err := snapshot.Load("testdata/prod.json")
	require.NoError(t, err)
	before.TakenAt = after.TakenAt.Add(-time.Hour)
	for i := range before.Topics {
		if before.Topics[i].Name == "orders.created" {
			before.Topics[i].Configs = append(before.Topics[i].Configs, snapshot.Config{Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"})
		}
	}
	site.AddChanges(s, map[string][]*snapshot.Snapshot{"prod": {before, after}}, diff.Options{})

	md, err := r.Markdown(s, s.Page("clusters/prod/changes"))
	require.NoError(t, err)
	var row string
	for _, line := range strings.Split(string(md), "\n") {
		if strings.Contains(line, "cleanup.policy") {
			row = line
		}
	}
	require.NotEmpty(t, row, "%s", md)
	assert.Contains(t, row, "Orders \\<b\\>core\\</b\\> (owner); team-orders (owner); checkout-service (producer, writes, annotated)")
	assert.Contains(t, row, "[billing-service](groups/billing-service.md) (consumer group, reads)")
	assert.Contains(t, row, `[fraud\|check \*beta\*](groups/`)
	assert.Equal(t, 7, strings.Count(row, "|")-strings.Count(row, `\|`), "six cells: %s", row)

	home, err := r.Markdown(s, s.Page(site.HomePath))
	require.NoError(t, err)
	assert.Contains(t, string(home), "Affects Orders \\<b\\>core\\</b\\> (owner), team-orders (owner), checkout-service (producer) and 3 more")
}
