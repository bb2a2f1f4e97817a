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
	// Metadata names a random broker on each answer and the quorum leader is not a broker fact.
	// The quorum's voters are in the brokers' configs (controller.quorum.voters); its leader and
	// lag need DescribeQuorum, which kafka-go lacks, so they are not recorded.
	ControllerID int32    `json:"controllerId"`
	Brokers      []Broker `json:"brokers"`
	// ExpectedBrokers is how many brokers site.yaml says the cluster has (expectedBrokers);
	// zero when it says nothing. Fewer brokers in Brokers means some are missing.
	ExpectedBrokers int `json:"expectedBrokers,omitempty"`
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

// Group is one consumer group with its committed offsets and lag.
type Group struct {
	ID           string        `json:"id"`
	State        string        `json:"state"`
	ProtocolType string        `json:"protocolType,omitempty"`
	Protocol     string        `json:"protocol,omitempty"`
	Members      []Member      `json:"members,omitempty"`
	Offsets      []GroupOffset `json:"offsets,omitempty"`
	TotalLag     int64         `json:"totalLag"`
	// Uncommitted lists the partitions of the topics the group reads (commits on, or has a
	// member assigned to) that have no committed offset, by topic, sorted. Nil when there are
	// none, when the offsets could not be read, and in snapshots that predate it.
	Uncommitted []TopicPartitions `json:"uncommitted,omitempty"`
}

// Member is one member of a group and the partitions assigned to it.
type Member struct {
	ID          string            `json:"id"`
	ClientID    string            `json:"clientId"`
	Host        string            `json:"host"`
	Assignments []TopicPartitions `json:"assignments,omitempty"`
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
// ("cluster", "brokers", "topics", "configs", "groups", "offsets", "acls", "quotas",
// "registry", "connect"), Resource the object.
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
