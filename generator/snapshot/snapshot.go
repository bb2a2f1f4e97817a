// Package snapshot is the contract between collecting and building: the types of one cluster's
// snapshot file, and their deterministic encoding. Everything left of it talks to networks;
// everything right of it reads only these files.
package snapshot

import "time"

// Format names the version of the file layout. A reader refuses any other value with a message
// naming it, so an old kdocs never half-reads a newer file.
const Format = "kdocs.snapshot/v1"

// Snapshot is the state of one cluster (and its Schema Registry, when configured) at TakenAt.
type Snapshot struct {
	Format       string    `json:"format"`
	KdocsVersion string    `json:"kdocsVersion"`
	TakenAt      time.Time `json:"takenAt"`
	Cluster      Cluster   `json:"cluster"`
	Topics       []Topic   `json:"topics"`
	Groups       []Group   `json:"consumerGroups"`
	Registry     *Registry `json:"schemaRegistry,omitempty"`
	// ACLs holds the cluster's access control lists, or says why they could not be read.
	// Nil in snapshots taken before kdocs read ACLs.
	ACLs *ACLSection `json:"acls,omitempty"`
	// Quotas holds the client quotas (KIP-546), or says why they could not be read. Nil in
	// snapshots taken before kdocs read quotas.
	Quotas *QuotaSection `json:"quotas,omitempty"`
	// Transactions holds the transactional producers the coordinators know, or says why they
	// could not be read (writers.go). Nil in snapshots taken before kdocs read them.
	Transactions *TransactionSection `json:"transactions,omitempty"`
	// Producers holds the producer state of each partition (DescribeProducers, KIP-664), or
	// says why it could not be read (writers.go). Nil in snapshots taken before kdocs read it.
	Producers *ProducerSection `json:"producers,omitempty"`
	// Samples holds what the latest records of each topic show of their framing (samples.go),
	// when site.yaml's sample: asks for it. Nil otherwise, and in older snapshots.
	Samples *SampleSection `json:"samples,omitempty"`
	// Connect holds the Kafka Connect clusters site.yaml lists beside the cluster (connect.go).
	// Nil when none is configured, and in snapshots taken before kdocs read Connect.
	Connect []ConnectCluster `json:"connect,omitempty"`
	// Promotions are this environment's registry's answers on earlier environments' latest
	// versions (promotions.go). Nil without an environments: block, and in older snapshots.
	Promotions []Promotion `json:"promotions,omitempty"`
	// Errors lists what could not be read. A snapshot with errors is partial and says so;
	// it is never silently thin.
	Errors []Error `json:"errors,omitempty"`
}

// Cluster identifies the cluster and lists its brokers.
type Cluster struct {
	Name        string `json:"name"`
	Environment string `json:"environment"`
	ID          string `json:"id"`
	// ControllerID is the active controller on ZooKeeper-era clusters, and -1 on KRaft, where
	// Metadata names a random broker on each answer; the KRaft leader is in Quorum.
	ControllerID int32    `json:"controllerId"`
	Brokers      []Broker `json:"brokers"`
	// ExpectedBrokers is how many brokers site.yaml says the cluster has (expectedBrokers);
	// zero when it says nothing. Fewer brokers in Brokers means some are missing.
	ExpectedBrokers int `json:"expectedBrokers,omitempty"`
	// Quorum is the KRaft controller quorum as DescribeQuorum answers it, or why it could not
	// be read. Nil in snapshots taken before kdocs asked.
	Quorum *Quorum `json:"quorum,omitempty"`
	// QuorumMaxLag is site.yaml's quorumMaxLag: a voter further behind the leader's log end
	// than this many records makes the cluster degraded. Zero: the default (DefaultQuorumMaxLag).
	QuorumMaxLag int64 `json:"quorumMaxLag,omitempty"`
	// Features lists the optional APIs kdocs asked the brokers for and whether they offer
	// them, by name (ListGroups.v5, ConsumerGroupDescribe, ShareGroupDescribe,
	// DescribeShareGroupOffsets, StreamsGroupDescribe, DescribeQuorum), sorted by name. A
	// feature the brokers lack is a fact about their version, not an error. Nil in older
	// snapshots.
	Features []Feature `json:"features,omitempty"`
}

// DefaultQuorumMaxLag is the voter lag, in records of the metadata log, beyond which a cluster
// is degraded when site.yaml sets no quorumMaxLag. The active controller appends a record at
// least every 500 ms (metadata.max.idle.interval.ms), so a voter that keeps up lags by a
// handful; a thousand is a voter that stopped fetching, or one far behind.
const DefaultQuorumMaxLag = 1000

// Feature is one optional API and whether the brokers offer it in a version kdocs speaks.
type Feature struct {
	Name      string `json:"name"`
	Available bool   `json:"available"`
	// Version is the version kdocs speaks with the brokers, when available.
	Version int16 `json:"version"`
	// Reason says why not, when not available.
	Reason string `json:"reason,omitempty"`
}

// Quorum is the KRaft quorum of the cluster's metadata log (__cluster_metadata, partition 0).
// When Available is false, Reason says why (a ZooKeeper cluster, a broker without
// DescribeQuorum, not authorized) and the other fields are empty.
type Quorum struct {
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	// LeaderID is the active controller, -1 when the quorum has no leader.
	LeaderID      int32           `json:"leaderId"`
	LeaderEpoch   int32           `json:"leaderEpoch"`
	HighWatermark int64           `json:"highWatermark"`
	Voters        []QuorumReplica `json:"voters,omitempty"`
	Observers     []QuorumReplica `json:"observers,omitempty"`
}

// QuorumReplica is one voter or observer of the quorum as the leader sees it. Lag is the
// leader's log end offset minus this replica's (0 for the leader). The times are the leader's
// wall clock, milliseconds since the epoch; nil when the leader does not know them (the leader
// itself, a voter that never fetched, brokers before DescribeQuorum v1).
type QuorumReplica struct {
	ID             int32  `json:"id"`
	LogEndOffset   int64  `json:"logEndOffset"`
	Lag            int64  `json:"lag"`
	LastFetchMs    *int64 `json:"lastFetchMs,omitempty"`
	LastCaughtUpMs *int64 `json:"lastCaughtUpMs,omitempty"`
}

// Broker is one broker as the cluster's metadata describes it.
type Broker struct {
	ID   int32  `json:"id"`
	Host string `json:"host"`
	Port int    `json:"port"`
	Rack string `json:"rack,omitempty"`
	// Configs holds the broker's configs that differ from Kafka's defaults (static ones from
	// its properties file and dynamic ones), sorted by name. Sensitive values are blanked.
	Configs []Config `json:"configs,omitempty"`
	// LogDirs lists the broker's log directories, sorted by path.
	LogDirs []LogDir `json:"logDirs,omitempty"`
}

// LogDir is one log directory of a broker. SizeBytes is the size of every partition replica
// in it (future replicas of a move between directories included): its share of the disk.
// Error is set, and SizeBytes zero, when the broker could not read the directory.
type LogDir struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"sizeBytes"`
	Error     string `json:"error,omitempty"`
}

// Topic is one topic with its partitions and its configs.
type Topic struct {
	Name              string      `json:"name"`
	Internal          bool        `json:"internal,omitempty"`
	ReplicationFactor int         `json:"replicationFactor"`
	Partitions        []Partition `json:"partitions"`
	// Configs holds every config of the topic with its effective value and source, Kafka's
	// defaults (DEFAULT_CONFIG) included, sorted by name. Snapshots written before kdocs kept
	// defaults list only the others: there an absent config has its default value.
	Configs []Config `json:"configs,omitempty"`
	// SizeBytes is the sum of the partitions' SizeBytes: the topic's data, one copy of it
	// (about ReplicationFactor times this lies on disk). Nil when any partition's size is
	// unknown, since a partial sum would understate it.
	SizeBytes *int64 `json:"sizeBytes,omitempty"`
}

// Partition is one partition's placement and offsets.
type Partition struct {
	ID              int32   `json:"id"`
	Leader          int32   `json:"leader"`
	Replicas        []int32 `json:"replicas"`
	ISR             []int32 `json:"isr"`
	OfflineReplicas []int32 `json:"offlineReplicas,omitempty"`
	EarliestOffset  int64   `json:"earliestOffset"`
	LatestOffset    int64   `json:"latestOffset"`
	// SizeBytes is the size on disk of the leader's replica. Nil when unknown: no leader, its
	// log dirs could not be read, or the snapshot predates sizes.
	SizeBytes *int64 `json:"sizeBytes,omitempty"`
}

// PreferredLeader is the broker that should lead the partition: its first replica, or -1
// when it has no replicas.
func (p Partition) PreferredLeader() int32 {
	if len(p.Replicas) == 0 {
		return -1
	}
	return p.Replicas[0]
}

// Config is one configuration entry. Sensitive entries keep their name but never their value.
type Config struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	Source    string `json:"source,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Group types as ListGroups v5+ names them (KIP-848).
const (
	GroupClassic  = "classic"  // JoinGroup/SyncGroup: consumers, Connect workers, older Streams
	GroupConsumer = "consumer" // KIP-848 consumer groups (group.protocol=consumer)
	GroupShare    = "share"    // KIP-932 share groups
	GroupStreams  = "streams"  // KIP-1071 streams groups (group.protocol=streams)
)

// Group is one group with its members, committed offsets and lag.
type Group struct {
	ID string `json:"id"`
	// Type is classic, consumer, share or streams (the Group* constants). Empty in snapshots
	// taken before kdocs read it, where every group was read as classic.
	Type         string `json:"type,omitempty"`
	State        string `json:"state"`
	ProtocolType string `json:"protocolType,omitempty"`
	// Protocol is a classic group's protocol (the assignor of a consumer group).
	Protocol string `json:"protocol,omitempty"`
	// GroupEpoch and AssignmentEpoch are a consumer, share or streams group's epochs: the
	// group's and that of the target assignment the members converge to. Nil for classic groups.
	GroupEpoch      *int32 `json:"groupEpoch,omitempty"`
	AssignmentEpoch *int32 `json:"assignmentEpoch,omitempty"`
	// Assignor is the server-side assignor of a consumer, share or streams group.
	Assignor string `json:"assignor,omitempty"`
	// NotDescribed says why kdocs could not describe the group (its state is then Unknown and
	// it has no members): the API its type needs is not available on the brokers' version, or
	// the describe failed. A fact about the group, kept on it: it alone does not make the
	// snapshot partial.
	NotDescribed string `json:"notDescribed,omitempty"`
	// OffsetsNotRead says why a share group's offsets were not read: the brokers' version has
	// no DescribeShareGroupOffsets. Other failures to read offsets are the snapshot's errors.
	OffsetsNotRead string `json:"offsetsNotRead,omitempty"`
	// Streams is a streams group's topology, when the broker described it.
	Streams  *StreamsTopology `json:"streams,omitempty"`
	Members  []Member         `json:"members,omitempty"`
	Offsets  []GroupOffset    `json:"offsets,omitempty"`
	TotalLag int64            `json:"totalLag"`
	// Uncommitted lists the partitions of the topics the group reads (commits on, or has a
	// member assigned to) that have no committed offset, by topic, sorted. Nil when there are
	// none, when the offsets could not be read, and in snapshots that predate it.
	Uncommitted []TopicPartitions `json:"uncommitted,omitempty"`
}

// Member is one member of a group and the partitions assigned to it.
type Member struct {
	ID string `json:"id"`
	// InstanceID is the static member's group.instance.id.
	InstanceID string `json:"instanceId,omitempty"`
	ClientID   string `json:"clientId"`
	Host       string `json:"host"`
	Rack       string `json:"rack,omitempty"`
	// MemberEpoch is a consumer, share or streams group member's epoch.
	MemberEpoch *int32 `json:"memberEpoch,omitempty"`
	// SubscribedTopics and SubscribedTopicRegex are what a consumer or share group member
	// subscribed to (sorted names, or a regex).
	SubscribedTopics     []string `json:"subscribedTopics,omitempty"`
	SubscribedTopicRegex string   `json:"subscribedTopicRegex,omitempty"`
	// Assignments are the partitions the member owns, by topic. TargetAssignments, for a
	// consumer group member, the ones the group's target assignment gives it: they differ while
	// the member reconciles.
	Assignments       []TopicPartitions `json:"assignments,omitempty"`
	TargetAssignments []TopicPartitions `json:"targetAssignments,omitempty"`
	// Tasks is a streams group member's process and tasks.
	Tasks *StreamsTasks `json:"tasks,omitempty"`
}

// StreamsTopology is a streams group's topology as the broker holds it.
type StreamsTopology struct {
	Epoch         int32         `json:"epoch"`
	Subtopologies []Subtopology `json:"subtopologies,omitempty"`
}

// Subtopology is one sub-topology of a Kafka Streams application: the topics it reads and
// writes through the group.
type Subtopology struct {
	ID                 string   `json:"id"`
	SourceTopics       []string `json:"sourceTopics,omitempty"`
	RepartitionSinks   []string `json:"repartitionSinkTopics,omitempty"`
	Changelogs         []string `json:"stateChangelogTopics,omitempty"`
	RepartitionSources []string `json:"repartitionSourceTopics,omitempty"`
}

// StreamsTasks is what a streams group member runs: its process, and its active, standby and
// warm-up tasks (a task is a sub-topology and a partition).
type StreamsTasks struct {
	ProcessID string      `json:"processId,omitempty"`
	Active    []TaskGroup `json:"active,omitempty"`
	Standby   []TaskGroup `json:"standby,omitempty"`
	Warmup    []TaskGroup `json:"warmup,omitempty"`
}

// TaskGroup is the tasks of one sub-topology: its id and the partitions.
type TaskGroup struct {
	Subtopology string  `json:"subtopology"`
	Partitions  []int32 `json:"partitions"`
}

// TopicPartitions names partitions of one topic.
type TopicPartitions struct {
	Topic      string  `json:"topic"`
	Partitions []int32 `json:"partitions"`
}

// GroupOffset is a group's committed offset on one partition and the lag behind its end.
type GroupOffset struct {
	Topic        string `json:"topic"`
	Partition    int32  `json:"partition"`
	Committed    int64  `json:"committed"`
	LatestOffset int64  `json:"latestOffset"`
	Lag          int64  `json:"lag"`
}

// ACLSection is the cluster's ACLs when they could be read. When they could not (no authorizer,
// not authorized, an old broker), Available is false and Reason says why: the snapshot is not
// partial for it, the section simply does not apply or is not visible to kdocs.
type ACLSection struct {
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	Entries   []ACL  `json:"entries,omitempty"`
}

// ACL is one access control entry, with Kafka's names for its enums: ResourceType TOPIC, GROUP,
// CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN, USER; PatternType LITERAL or PREFIXED; Operation
// READ, WRITE, …, ALL; Permission ALLOW or DENY.
type ACL struct {
	ResourceType string `json:"resourceType"`
	ResourceName string `json:"resourceName"`
	PatternType  string `json:"patternType"`
	Principal    string `json:"principal"`
	Host         string `json:"host"`
	Operation    string `json:"operation"`
	Permission   string `json:"permission"`
}

// QuotaSection is the cluster's client quotas when they could be read; otherwise Available is
// false and Reason says why.
type QuotaSection struct {
	Available bool    `json:"available"`
	Reason    string  `json:"reason,omitempty"`
	Entries   []Quota `json:"entries,omitempty"`
}

// Quota is the quota values set for one entity: a user, a client id, a user and client id
// together, or an IP.
type Quota struct {
	Entity []QuotaEntity `json:"entity"`
	Values []QuotaValue  `json:"values"`
}

// QuotaEntity is one part of a quota's entity: Type is "user", "client-id" or "ip". Default
// marks the default entity of that type (Kafka's <default>), which has no Name.
type QuotaEntity struct {
	Type    string `json:"type"`
	Name    string `json:"name,omitempty"`
	Default bool   `json:"default,omitempty"`
}

// QuotaValue is one quota setting, such as producer_byte_rate.
type QuotaValue struct {
	Key   string  `json:"key"`
	Value float64 `json:"value"`
}

// Registry is the Schema Registry that serves the cluster's schemas.
type Registry struct {
	URL           string    `json:"url"`
	Compatibility string    `json:"compatibility,omitempty"`
	Mode          string    `json:"mode,omitempty"`
	Subjects      []Subject `json:"subjects"`
}

// Subject is one registry subject with every version.
type Subject struct {
	Name          string          `json:"name"`
	Compatibility string          `json:"compatibility,omitempty"`
	Versions      []SchemaVersion `json:"versions"`
}

// SchemaVersion is one registered version of a subject.
type SchemaVersion struct {
	Version    int         `json:"version"`
	ID         int         `json:"id"`
	Type       string      `json:"type"` // AVRO, PROTOBUF or JSON
	Schema     string      `json:"schema"`
	References []Reference `json:"references,omitempty"`
	Deleted    bool        `json:"deleted,omitempty"`
	// Verdict is the registry's own answer to whether this version is compatible with the one
	// before it; nil for the first version and in snapshots taken before kdocs asked.
	Verdict *Verdict `json:"verdict,omitempty"`
}

// Verdict statuses.
const (
	VerdictCompatible   = "compatible"
	VerdictIncompatible = "incompatible"
	VerdictUnavailable  = "unavailable"
)

// Verdict is the registry's answer to POST /compatibility/subjects/{subject}/versions/{against}
// with a version's schema, asked read-only under the subject's effective level.
type Verdict struct {
	// Against is the version the registry compared with: the previous one.
	Against int `json:"against"`
	// Level is the compatibility level in effect (the subject's, else the registry's).
	Level string `json:"level,omitempty"`
	// Status is VerdictCompatible, VerdictIncompatible or VerdictUnavailable.
	Status string `json:"status"`
	// Messages are the registry's reasons (verbose answers), as it wrote them.
	Messages []string `json:"messages,omitempty"`
	// Reason says why the registry gave no verdict (Status unavailable).
	Reason string `json:"reason,omitempty"`
}

// Reference points from a schema to another subject's version.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Error records a part of the cluster that could not be read. Scope is the section
// ("cluster", "brokers", "topics", "configs", "groups", "offsets", "quorum", "acls", "quotas",
// "transactions", "producers", "registry", "connect"), Resource the object.
type Error struct {
	Scope    string `json:"scope"`
	Resource string `json:"resource,omitempty"`
	Message  string `json:"message"`
}

// Partial reports whether anything could not be read.
func (s *Snapshot) Partial() bool { return len(s.Errors) > 0 }

// Topic returns the named topic, or nil.
func (s *Snapshot) Topic(name string) *Topic {
	for i := range s.Topics {
		if s.Topics[i].Name == name {
			return &s.Topics[i]
		}
	}
	return nil
}

// Group returns the named consumer group, or nil.
func (s *Snapshot) Group(id string) *Group {
	for i := range s.Groups {
		if s.Groups[i].ID == id {
			return &s.Groups[i]
		}
	}
	return nil
}

// Subject returns the named registry subject, or nil.
func (s *Snapshot) Subject(name string) *Subject {
	if s.Registry == nil {
		return nil
	}
	for i := range s.Registry.Subjects {
		if s.Registry.Subjects[i].Name == name {
			return &s.Registry.Subjects[i]
		}
	}
	return nil
}

// Latest returns the newest version that is not deleted, or nil.
func (s *Subject) Latest() *SchemaVersion {
	for i := len(s.Versions) - 1; i >= 0; i-- {
		if !s.Versions[i].Deleted {
			return &s.Versions[i]
		}
	}
	return nil
}
