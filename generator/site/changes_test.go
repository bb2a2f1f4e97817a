package site

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// The changes page lists beside each breaking change the parties it affects, linked to their
// pages: a deleted topic's from the snapshot before, a subject's through the topics it serves.
func TestChangesListTheAffectedParties(t *testing.T) {
	after := fixture()
	after.TakenAt = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	v := &after.Registry.Subjects[1].Versions[1] // orders.created-value (sorted after common/Money)
	require.Equal(t, "orders.created-value", after.Registry.Subjects[1].Name)
	v.Verdict = &snapshot.Verdict{Against: 1, Level: "NONE", Status: snapshot.VerdictIncompatible}
	s, err := Build("Acme", []*snapshot.Snapshot{after}, []Content{
		{Path: "topics/orders.created.md", File: "c/t", FrontMatter: "owner: team-orders\nproducers: [checkout]\n"},
		{Path: "topics/legacy.orders.md", File: "c/l", FrontMatter: "team: team-legacy\n"},
	})
	require.NoError(t, err)

	before := fixture()
	before.TakenAt = after.TakenAt.Add(-24 * time.Hour)
	before.Registry.Subjects[1].Versions = before.Registry.Subjects[1].Versions[:1]
	before.Topics = append(before.Topics, snapshot.Topic{Name: "legacy.orders", ReplicationFactor: 1})
	before.Groups[0].Offsets = append(before.Groups[0].Offsets, snapshot.GroupOffset{Topic: "legacy.orders"})
	before.Groups = append(before.Groups, snapshot.Group{ID: "archiver", Offsets: []snapshot.GroupOffset{{Topic: "legacy.orders"}}})
	before.Normalize()
	AddChanges(s, map[string][]*snapshot.Snapshot{"prod": {before, after}}, diff.Options{})

	c := s.Clusters[0]
	page := s.Page("clusters/prod/changes")
	require.NotNil(t, page)
	rows := map[string]*BlastRow{}
	for _, r := range page.Data.(*ChangesData).Entries[0].Changes {
		if r.Severity == diff.Breaking {
			rows[r.Resource+" "+r.Kind] = r.Blast
		} else {
			assert.Nil(t, r.Blast, "%s %s", r.Resource, r.Kind)
		}
	}
	billing := Link{Title: "billing", Path: c.groupPaths["billing"]}
	require.NotEmpty(t, billing.Path)
	orders := Link{Title: "orders.created", Path: c.topicPaths["orders.created"]}
	assert.Equal(t, map[string]*BlastRow{
		`topic "legacy.orders" topic-removed`: {Topics: []Link{{Title: "legacy.orders"}}, Parties: []AffectedRow{
			{Who: Link{Title: "team-legacy"}, Kind: lineage.PartyOwner, Access: lineage.AccessOwns, Declared: true}, // its annotation is kept
			{Who: Link{Title: "archiver"}, Kind: lineage.PartyGroup, Access: lineage.AccessReads},                   // no page: gone since
			{Who: billing, Kind: lineage.PartyGroup, Access: lineage.AccessReads},
		}},
		// The site's naming strategy maps the subject to its topic, and the topic's annotation
		// names its owner and producer.
		`subject "orders.created-value" schema-version-added`: {Topics: []Link{orders}, Parties: []AffectedRow{
			{Who: Link{Title: "team-orders"}, Kind: lineage.PartyOwner, Access: lineage.AccessOwns, Topic: orders, Declared: true},
			{Who: Link{Title: "checkout"}, Kind: lineage.PartyProducer, Access: lineage.AccessWrites, Topic: orders, Declared: true},
			{Who: billing, Kind: lineage.PartyGroup, Access: lineage.AccessReads, Topic: orders},
		}},
	}, rows)

	// The home page lists them too, cut to HomeAffectedLimit.
	home := s.Page(HomePath).Data.(*HomeData)
	require.Len(t, home.Changes, 1)
	var found bool
	for _, r := range home.Changes[0].Latest.Changes {
		if r.Kind == diff.SchemaVersionAdded {
			found = true
			assert.Len(t, r.Blast.Parties, 3)
		}
	}
	assert.True(t, found, "the home page's latest changes: %v", home.Changes[0].Latest.Changes)
}

func TestBlastRowCutsAtTheLimit(t *testing.T) {
	c := &Cluster{ACLsPath: "clusters/prod/acls", groupPaths: map[string]string{}, topicPaths: map[string]string{}}
	b := &lineage.Blast{Topics: []string{"t"}}
	for _, n := range []string{"User:a", "User:b", "User:c"} {
		b.Parties = append(b.Parties, lineage.Party{Kind: lineage.WriterPrincipal, Name: n, Topic: "t", Access: []string{lineage.AccessAllowedRead}})
	}
	row := c.blastRow(&Site{byPath: map[string]*Page{}}, diff.Change{Resource: `topic "t"`}, b, 2)
	assert.Equal(t, 1, row.More)
	require.Len(t, row.Parties, 2)
	assert.Equal(t, Link{Title: "User:a", Path: "clusters/prod/acls"}, row.Parties[0].Who, "a principal links to the ACLs page")
}
