package site

import (
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// The types below are the Data of generated pages, one per template. Paths in them are page
// paths (see Page.Path); the renderer turns them into relative links. Strings are raw,
// untrusted text: templates escape them for the format they write.

// Cluster is one documented cluster: its identity, health and counts, and its pages.
type Cluster struct {
	Name        string
	Environment string
	ID          string
	Slug        string
	// Path is the overview page; TopicsPath, GroupsPath and SubjectsPath the lists
	// (SubjectsPath is empty when the cluster has no Schema Registry); FlowsPath the data flows,
	// ACLsPath the ACLs and quotas, BrokersPath the brokers; TopicConfigsPath the values its
	// topics share for the configs they do not set (empty when the snapshot lists only overrides);
	// ActivityPath the activity read from the history (empty until AddActivity).
	Path, TopicsPath, GroupsPath, SubjectsPath, FlowsPath, ACLsPath, BrokersPath, TopicConfigsPath, ActivityPath string
	// SnapshotFile is where the site publishes the snapshot, relative to the site root:
	// snapshots/<slug>.json.gz (gzip-compressed, see SnapshotGzip) unless site.yaml says
	// otherwise; empty when it is not published.
	SnapshotFile string
	TakenAt      time.Time
	Health       health.Report
	Brokers      int
	Topics       int
	Groups       int
	Subjects     int
	Partial      bool
	Errors       []snapshot.Error
	// Drift is the producers the annotations declare set against the writers the snapshot
	// shows (lineage.DriftOf); the flows page lists it.
	Drift lineage.Drift

	pages        []*Page
	topicPaths   map[string]string // page path by topic name
	subjectPaths map[string]string // page path by subject name (schemas.go)
	warnings     []string          // problems found while building the cluster's pages
	connectNav   []NavItem         // the Connect clusters' pages (connect.go)
	// connectorPaths: connector page by Connect cluster and connector name (connect.go).
	connectorPaths map[[2]string]string
	groupPaths     map[string]string // page path by group id
	// notes are the cluster's annotations, for the owners of topics deleted since (changes.go).
	notes *annotations
}

// nodePage is the page of what a diagram's node names in this cluster, "" for none: the links
// of the diagram's table.
func (c *Cluster) nodePage(n diagram.Node) string {
	switch n.Kind {
	case diagram.KindTopic:
		return c.topicPaths[n.Name]
	case diagram.KindGroup, diagram.KindStreamsApp:
		return c.groupPaths[n.Name]
	case diagram.KindConnector:
		return c.connectorPaths[[2]string{n.Scope, n.Name}]
	case diagram.KindCluster:
		if n.Name == c.Name {
			return c.Path
		}
	}
	return ""
}

// HealthStatus is "healthy", "degraded" or "down".
func (c *Cluster) HealthStatus() string { return c.Health.Status.String() }

// SnapshotGzip reports whether the published snapshot is gzip-compressed (.json.gz).
func (c *Cluster) SnapshotGzip() bool { return strings.HasSuffix(c.SnapshotFile, ".gz") }

// HomeData is the home page: the estate at a glance.
type HomeData struct {
	Title    string
	Clusters []*Cluster
	Content  []Link
	// Replication links the replication page; nil when there is none.
	Replication *Link
	// Changes are the clusters' latest changes from the snapshot history (changes.go).
	Changes []ClusterChanges
	// Environments is the environments comparison's summary; nil without one.
	Environments *EnvironmentsSummary
}

// ClusterData is a cluster's overview page.
type ClusterData struct {
	Cluster      *Cluster
	ControllerID int32
	Brokers      []snapshot.Broker
	// Controllers is the KRaft quorum read from the brokers' configs; nil when unknown.
	Controllers []ControllerRow
	// Quorum is the KRaft quorum as DescribeQuorum answered it; nil in older snapshots.
	Quorum *QuorumData
	// Diagram is the Mermaid architecture: brokers by rack, controllers, registry, Connect, ksqlDB.
	Diagram  diagram.Diagram
	Registry *RegistryInfo
	// Connect and KsqlDB are declared in site.yaml; Discovered links the Connect clusters kdocs
	// read (their pages).
	Discovered []NavItem
	Connect    []Service
	KsqlDB     []Service
}

// RegistryInfo summarizes the Schema Registry serving a cluster.
type RegistryInfo struct {
	URL           string
	Compatibility string
	Mode          string
}

// TopicsData is a cluster's topic catalog.
type TopicsData struct {
	Cluster *Cluster
	Topics  []TopicRow // this part's
	// Total counts the topics of every part; Pager is nil when the list is one page.
	Total int
	Pager *Pager
}

// TopicRow is one line of the topic catalog.
type TopicRow struct {
	Link
	// Domain is the name's prefix before the first '.', the owning domain by the naming
	// convention ("orders" for orders.order-placed.v1); empty when the name has no '.'.
	Domain string
	// Owner is the annotation's owner, else its team; empty without an annotation.
	Owner             string
	Internal          bool
	Partitions        int
	ReplicationFactor int
	Messages          int64
	// Overrides counts the configs set on the topic itself (see ConfigRow.Override).
	Overrides int
	// UnderReplicated, Offline and NotPreferred count partitions with that problem.
	UnderReplicated int
	Offline         int
	NotPreferred    int
	Consumers       int
}

// TopicData is a topic's page.
type TopicData struct {
	Cluster           *Cluster
	Name              string
	Internal          bool
	ReplicationFactor int
	Partitions        []PartitionRow
	Messages          int64
	Configs           []ConfigRow
	Consumers         []ConsumerRow
	// Connectors are the Kafka Connect connectors writing or reading the topic (connect.go).
	Connectors []TopicConnector
	// Lineage is who writes and who reads the topic, writers first: connectors, the Kafka
	// Streams application it is internal to, annotated producers; then connectors, Streams
	// applications and consumer groups reading it. Each row says whether it is discovered or
	// declared, and by what.
	Lineage []LineageRow
	// Observed is what the brokers show of the topic's writers (transactions, producer state,
	// ACLs: lineage.Writers); nil when the snapshot records none of it for the topic.
	// WriterNotes say which of those sections the snapshot lacks, and why.
	Observed    *lineage.TopicWriters
	WriterNotes []string
	// StreamsApp is the Kafka Streams application (its group) the topic is internal to, and
	// StreamsRole what the topic is to it; nil when it is none's.
	StreamsApp  *Link
	StreamsRole string
	// TotalLag is the consumers' lag on this topic, summed over groups.
	TotalLag int64
	// Problems counts partitions with a Status.
	Problems int
	// Diagram is the Mermaid data flow: producers → topic → consumer groups.
	Diagram diagram.Diagram
	// Annotation is what content/topics/<topic>.md says about the topic, or nil.
	Annotation *Annotation
	// Schemas are the subjects of the topic's key and value under its subject name strategy
	// (keys first); KeySchema and ValueSchema the first of each, when the registry holds them.
	Schemas                []TopicSchema
	KeySchema, ValueSchema *SchemaRef
	// Sampled is what the topic's latest records show of their framing (site.yaml's sample:),
	// nil when they were not sampled; SampleWarnings the schema ids in them that are not the
	// subjects of Schemas.
	Sampled        *lineage.SampledTopic
	SampleWarnings []string
	// Environments is the topic in the other environments; nil unless site.yaml compares them.
	Environments *TopicEnvironments
	// Activity is when the topic's end offsets last moved, from the history; nil without one
	// of two snapshots or more (activity.go).
	Activity *TopicActivity
	// ReplicaOf is the topic this one is a MirrorMaker 2 copy of, ReplicatedTo its copies on
	// other clusters: only flows discovered from MirrorMaker's connectors (replication.go).
	ReplicaOf    *TopicReplica
	ReplicatedTo []TopicReplica
}

// TopicReplica is the other end of a MirrorMaker 2 copy of a topic: the other cluster, the
// topic there, and the source connector that copies it (on Connect, a Connect cluster).
type TopicReplica struct {
	Cluster, Topic, Connector Link
	Connect                   string
}

// PartitionRow is one partition of a topic.
type PartitionRow struct {
	ID              int32
	Leader          int32
	Replicas        []int32
	ISR             []int32
	OfflineReplicas []int32
	EarliestOffset  int64
	LatestOffset    int64
	Messages        int64
	// PreferredLeader is the first replica: the broker that should lead.
	PreferredLeader int32
	// UnderReplicated: fewer in-sync replicas than replicas. Offline: no leader (-1).
	// NotPreferred: led by a broker other than the preferred leader.
	UnderReplicated bool
	Offline         bool
	NotPreferred    bool
	// Status names the problems in words ("under-replicated, not on preferred leader"); empty
	// for a healthy partition.
	Status string
}

// ConfigRow is one topic config. Snapshots list every config of a topic; older ones only
// those that differ from Kafka's defaults.
type ConfigRow struct {
	Name      string
	Value     string
	Sensitive bool
	// Source is Kafka's config source (DYNAMIC_TOPIC_CONFIG …); Origin says it in words.
	Source string
	Origin string
	// Override marks a value set on the topic itself (DYNAMIC_TOPIC_CONFIG); Default one at
	// Kafka's default (DEFAULT_CONFIG). Neither: inherited from the brokers' configuration.
	Override bool
	Default  bool
	// Shared marks a value not set on the topic that is the cluster's topic config default
	// (topicconfigs.go): the topic page links to it rather than lists it.
	Shared bool
}

// ConsumerRow is a consumer group reading a topic.
type ConsumerRow struct {
	Group      Link
	State      string
	Partitions int
	Lag        int64
}

// SchemaRef points at a subject's latest version.
type SchemaRef struct {
	Subject Link
	Version int
	ID      int
	Type    string
}

// GroupsData is a cluster's consumer group list.
type GroupsData struct {
	Cluster *Cluster
	Groups  []GroupRow // this part's
	// Total counts the groups of every part; Pager is nil when the list is one page.
	Total int
	Pager *Pager
}

// GroupRow is one line of the consumer group list.
type GroupRow struct {
	Link
	// Owner is the annotation's owner, else its team.
	Owner    string
	Type     string
	State    string
	Members  int
	Topics   int
	TotalLag int64
}

// GroupData is a consumer group's page.
type GroupData struct {
	Cluster      *Cluster
	ID           string
	State        string
	ProtocolType string
	Protocol     string
	Kind         GroupKind
	Members      []MemberRow
	Offsets      []OffsetRow
	// Uncommitted is, by topic, the partitions the group reads without a committed offset:
	// where it would start from its auto.offset.reset policy, not from a position.
	Uncommitted []Assignment
	TotalLag    int64
	// Annotation is what content/groups/<group>.md says about the group, or nil.
	Annotation *Annotation
	// Streams is set when the group is a Kafka Streams application (its internal topics exist).
	Streams *StreamsInfo
	// Connector is the sink connector whose group this is (connect-<name>), when there is one.
	Connector *Link
}

// Writers counts the topic's writers, discovered or declared.
func (d *TopicData) Writers() int {
	n := 0
	for _, r := range d.Lineage {
		if r.Write {
			n++
		}
	}
	return n
}

// ObservedWriters counts the producers the brokers saw writing the topic, which its data-flow
// diagram draws beside the declared ones.
func (d *TopicData) ObservedWriters() int { return len(observedProducers(d.Observed)) }

// LineageRow is one writer or reader of a topic, for its "Written by / read by" table.
type LineageRow struct {
	// Who is the connector, application or group (Path empty for an annotated producer).
	Who   Link
	Write bool
	// Kind says what it is ("source connector", "Kafka Streams application", "consumer group",
	// "producer"); Where the Kafka Connect cluster of a connector.
	Kind, Where string
	State       string
	// Declared: from an annotation, not observed; else discovered.
	Declared bool
	Evidence string
}

// StreamsInfo is what Kafka shows of a Kafka Streams application.
type StreamsInfo struct {
	Inputs, Changelogs, Repartitions []Link
	Stores                           []string
	// Topology: recognised from the streams group's own description (KIP-1071), not from
	// its internal topics' names.
	Topology bool
}

// MemberRow is one member of a group.
type MemberRow struct {
	ID          string
	ClientID    string
	Host        string
	Assignments []Assignment
	Kind        MemberKind
}

// Assignment is the partitions of one topic assigned to a member.
type Assignment struct {
	Topic      Link // Path is empty when the topic is not in the snapshot
	Partitions []int32
}

// OffsetRow is a group's position on one partition.
type OffsetRow struct {
	Topic        Link
	Partition    int32
	Committed    int64
	LatestOffset int64
	Lag          int64
}
