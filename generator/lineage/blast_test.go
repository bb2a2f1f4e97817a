package lineage

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// blastEstate is one cluster whose topic orders.placed every kind of party touches: a consumer
// group, a Streams application (its group and its changelog), a sink connector, a
// transactional producer and ACL principals; eu.orders.paid is MirrorMaker 2's copy; the
// registry serves orders.placed-value.
func blastEstate() *snapshot.Snapshot {
	s := writersSnapshot() // orders.placed, orders.shipped, payments: transactions, producer state, ACLs
	s.Cluster = snapshot.Cluster{Name: "us", ID: "c1"}
	est := estate() // eu.* remote topics, files, a MirrorMaker 2 flow eu → us, connectors on "main"
	s.Topics = append(s.Topics, est.Topics...)
	s.Topics = append(s.Topics, snapshot.Topic{Name: "totals-counts-changelog"})
	for i := range s.Topics {
		s.Topics[i].Partitions = []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}
	}
	s.Connect = est.Connect
	s.Connect[0].Connectors = append(s.Connect[0].Connectors, snapshot.Connector{Name: "orders-to-s3", Type: "sink", State: "RUNNING",
		Topics: []string{"orders.placed"}, SinkTopics: []string{"orders.placed"}})
	s.Groups = append(est.Groups,
		snapshot.Group{ID: "shipping", State: "Stable", Offsets: []snapshot.GroupOffset{{Topic: "orders.placed", Partition: 0}}},
		snapshot.Group{ID: "totals", State: "Stable", Offsets: []snapshot.GroupOffset{{Topic: "orders.placed", Partition: 0}}},
	)
	s.Registry = &snapshot.Registry{URL: "http://registry", Subjects: []snapshot.Subject{
		{Name: "orders.placed-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 1, Type: "AVRO"}}},
		{Name: "orders.placed-com.acme.Shipped", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 2, Type: "AVRO"}}},
	}}
	return s
}

// ordersPlaced is every party of orders.placed in blastEstate, in order: writers (transactional
// and idempotent producers), the connector and the Streams application, the group, then the
// principals the ACLs allow.
func ordersPlaced() []Party {
	return []Party{
		{Kind: WriterIdempotent, Name: "producer id 3", Topic: "orders.placed", Access: []string{AccessWrites}, Evidence: []string{EvidenceProducerState}},
		{Kind: WriterTransactional, Name: "checkout-1", Topic: "orders.placed", Access: []string{AccessWrites}, Evidence: []string{EvidenceProducerState, EvidenceTransaction}},
		{Kind: PartyConnector, Name: "orders-to-s3", Connect: "main", Topic: "orders.placed", Access: []string{AccessReads}, Evidence: []string{EvidenceConnectConfig, EvidenceConnectTopics}},
		{Kind: PartyStreams, Name: "totals", Topic: "orders.placed", Access: []string{AccessReads}, Evidence: []string{EvidenceGroup, EvidenceStreamsNames}},
		{Kind: PartyGroup, Name: "shipping", Topic: "orders.placed", Access: []string{AccessReads}, Evidence: []string{EvidenceGroup}},
		{Kind: WriterPrincipal, Name: "User:audit", Topic: "orders.placed", Access: []string{AccessAllowedRead}, Evidence: []string{EvidenceACL}},
		{Kind: WriterPrincipal, Name: "User:checkout", Topic: "orders.placed", Access: []string{AccessAllowedWrite, AccessAllowedRead}, Evidence: []string{EvidenceACL}},
	}
}

func only(t *testing.T, changes diff.Changes, blasts []*Blast) (diff.Change, *Blast) {
	t.Helper()
	require.Len(t, blasts, len(changes))
	var c diff.Change
	var b *Blast
	for i := range changes {
		if changes[i].Severity == diff.Breaking {
			require.Nil(t, b, "one breaking change: %v", changes)
			c, b = changes[i], blasts[i]
			require.NotNil(t, b, "a breaking change on a topic or subject has a blast: %v", c)
		} else {
			assert.Nil(t, blasts[i], "no blast for %v", changes[i])
		}
	}
	require.NotNil(t, b, "a breaking change: %v", changes)
	return c, b
}

// A deleted topic's parties are the before snapshot's: the after snapshot has none of them.
func TestBlastRadiusOfADeletedTopic(t *testing.T) {
	before, after := blastEstate(), blastEstate()
	after.Topics = slices.DeleteFunc(after.Topics, func(t snapshot.Topic) bool { return t.Name == "orders.placed" })
	after.Groups = after.Groups[:2] // shipping and totals went with it
	after.Producers, after.Transactions = nil, nil
	owners := func(topic string) []string {
		if topic == "orders.placed" {
			return []string{"team-orders"}
		}
		return nil
	}
	changes := diff.Compare(before, after, diff.Options{})
	c, b := only(t, changes, BlastRadius(before, after, changes, BlastOptions{Owners: owners,
		Producers: func(string) []string { return []string{"checkout-service"} }}))
	assert.Equal(t, diff.TopicRemoved, c.Kind)
	assert.Equal(t, []string{"orders.placed"}, b.Topics)
	// Owners first, then writers (by kind: idempotent, declared, transactional), then readers.
	want := ordersPlaced()
	want = slices.Insert(want, 1, Party{Kind: PartyProducer, Name: "checkout-service", Topic: "orders.placed", Access: []string{AccessWrites},
		Evidence: []string{EvidenceAnnotation}, Declared: true})
	want = slices.Insert(want, 0, Party{Kind: PartyOwner, Name: "team-orders", Topic: "orders.placed", Access: []string{AccessOwns},
		Evidence: []string{EvidenceAnnotation}, Declared: true})
	assert.Equal(t, want, b.Parties)
}

// Partitions removed (deleted and created again): the union of both snapshots' parties, since
// the groups' offsets went with the old topic.
func TestBlastRadiusOfRemovedPartitions(t *testing.T) {
	before, after := blastEstate(), blastEstate()
	before.Topics[0].Partitions = append(before.Topics[0].Partitions, snapshot.Partition{ID: 1, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}})
	after.Groups = slices.DeleteFunc(after.Groups, func(g snapshot.Group) bool { return g.ID == "shipping" })
	after.Groups = append(after.Groups, snapshot.Group{ID: "newcomer", Members: []snapshot.Member{{ID: "m",
		Assignments: []snapshot.TopicPartitions{{Topic: "orders.placed", Partitions: []int32{0}}}}}})
	changes := diff.Compare(before, after, diff.Options{})
	c, b := only(t, changes, BlastRadius(before, after, changes, BlastOptions{}))
	assert.Equal(t, diff.PartitionsRemoved, c.Kind)
	var groups []string
	for _, p := range b.Parties {
		if p.Kind == PartyGroup {
			groups = append(groups, p.Name)
		}
	}
	assert.Equal(t, []string{"newcomer", "shipping"}, groups, "the group that left and the one that came")
	assert.Len(t, b.Parties, len(ordersPlaced())+1)
}

// A breaking config change (cleanup.policy) reaches the topic's parties, and so does a
// MirrorMaker 2 remote topic's reach its flow and the group reading the copy.
func TestBlastRadiusOfABreakingConfigChange(t *testing.T) {
	before, after := blastEstate(), blastEstate()
	for i := range after.Topics {
		if after.Topics[i].Name == "eu.orders.paid" {
			after.Topics[i].Configs = []snapshot.Config{{Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"}}
		}
	}
	changes := diff.Compare(before, after, diff.Options{})
	c, b := only(t, changes, BlastRadius(before, after, changes, BlastOptions{}))
	assert.Equal(t, diff.ConfigAdded, c.Kind)
	assert.Equal(t, []Party{
		{Kind: PartyMirror, Name: "eu → us", Connect: "main", Topic: "eu.orders.paid", Access: []string{AccessWrites}, Evidence: []string{EvidenceConnectConfig}},
		{Kind: PartyGroup, Name: "billing", Topic: "eu.orders.paid", Access: []string{AccessReads}, Evidence: []string{EvidenceGroup}},
		{Kind: WriterPrincipal, Name: "User:audit", Topic: "eu.orders.paid", Access: []string{AccessAllowedRead}, Evidence: []string{EvidenceACL}},
	}, b.Parties)
}

// A schema version the registry finds incompatible reaches the topics its subject serves by
// the naming strategy: TopicName by default, TopicRecordName too, or the caller's.
func TestBlastRadiusOfABreakingSchemaVersion(t *testing.T) {
	before, after := blastEstate(), blastEstate()
	for i := range after.Registry.Subjects {
		s := &after.Registry.Subjects[i]
		s.Versions = append(s.Versions, snapshot.SchemaVersion{Version: 2, ID: 10 + i, Type: "AVRO",
			Verdict: &snapshot.Verdict{Against: 1, Level: "NONE", Status: snapshot.VerdictIncompatible}})
	}
	changes := diff.Compare(before, after, diff.Options{})
	blasts := BlastRadius(before, after, changes, BlastOptions{})
	require.Len(t, changes, 2)
	for i, c := range changes {
		assert.Equal(t, diff.SchemaVersionAdded, c.Kind)
		assert.Equal(t, diff.Breaking, c.Severity)
		assert.Equal(t, []string{"orders.placed"}, blasts[i].Topics, "%s", c.Resource)
		assert.Equal(t, ordersPlaced(), blasts[i].Parties)
	}

	// The site's naming strategy (site.yaml) decides when it is given.
	blasts = BlastRadius(before, after, changes, BlastOptions{SubjectTopics: func(subject string) ([]string, bool) {
		if subject == "orders.placed-value" {
			return []string{"payments", "files", "payments"}, true
		}
		return nil, false
	}})
	require.Equal(t, `subject "orders.placed-value"`, changes[1].Resource)
	assert.Equal(t, []string{"files", "payments"}, blasts[1].Topics)
	assert.Equal(t, "files", blasts[1].Parties[0].Topic)
	assert.Equal(t, "payments", blasts[1].Parties[len(blasts[1].Parties)-1].Topic)
	assert.Equal(t, []string{"orders.placed"}, blasts[0].Topics, "a subject the site does not know falls back to its name")

	// A subject no topic uses reaches nobody, and says so with empty lists.
	blasts = BlastRadius(before, after, changes, BlastOptions{SubjectTopics: func(string) ([]string, bool) { return nil, true }})
	assert.Empty(t, blasts[0].Topics)
	assert.NotNil(t, blasts[0].Parties)
}

// Only breaking changes on topics and subjects, and warnings on a topic its readers and writers
// feel (partitions added, retention shortened), have a blast; an info change has none; the same
// input gives the same answer.
func TestBlastRadiusSkipsOtherChanges(t *testing.T) {
	changes := diff.Changes{
		{Kind: diff.ClusterIDChanged, Severity: diff.Breaking, Resource: `cluster "us"`},
		{Kind: diff.ConfigChanged, Severity: diff.Info, Resource: `topic "orders.placed"`},
		{Kind: diff.TopicRemoved, Severity: diff.Breaking, Resource: `topic "orders.placed"`},
		{Kind: diff.TopicRemoved, Severity: diff.Breaking, Resource: `topic "never there"`},
	}
	s := blastEstate()
	blasts := BlastRadius(s, nil, changes, BlastOptions{})
	assert.Nil(t, blasts[0])
	assert.Nil(t, blasts[1])
	assert.Equal(t, ordersPlaced(), blasts[2].Parties)
	assert.Equal(t, &Blast{Topics: []string{"never there"}, Parties: []Party{}}, blasts[3])
	assert.Equal(t, blasts, BlastRadius(blastEstate(), nil, changes, BlastOptions{}))

	warned := diff.Changes{
		{Kind: diff.PartitionsAdded, Severity: diff.Warning, Resource: `topic "orders.placed"`},
		{Kind: diff.ConfigChanged, Severity: diff.Warning, Resource: `topic "orders.placed"`, Message: "retention.ms changed from 604800000 to 3600000: records are deleted sooner"},
		{Kind: diff.GroupStateChanged, Severity: diff.Warning, Resource: `group "shipping"`},
	}
	blasts = BlastRadius(s, s, warned, BlastOptions{})
	assert.Equal(t, ordersPlaced(), blasts[0].Parties)
	assert.Equal(t, ordersPlaced(), blasts[1].Parties)
	assert.Nil(t, blasts[2], "a warning about a group has no blast of its own")
}

// A Streams application's internal topic: it writes and reads it.
func TestBlastRadiusOfAStreamsChangelog(t *testing.T) {
	s := blastEstate()
	changes := diff.Changes{{Kind: diff.TopicRemoved, Severity: diff.Breaking, Resource: `topic "totals-counts-changelog"`}}
	b := BlastRadius(s, s, changes, BlastOptions{})[0]
	assert.Equal(t, []Party{
		{Kind: PartyStreams, Name: "totals", Topic: "totals-counts-changelog", Access: []string{AccessWrites, AccessReads}, Evidence: []string{EvidenceStreamsNames}},
		{Kind: WriterPrincipal, Name: "User:audit", Topic: "totals-counts-changelog", Access: []string{AccessAllowedRead}, Evidence: []string{EvidenceACL}},
	}, b.Parties)
}
