package snapshot

// The connect section: the Kafka Connect clusters beside a Kafka cluster, as their REST told
// kdocs, with every secret redacted before it reaches these types (generator/connect). MirrorMaker
// 2, run as connectors, is recognised from their classes and keeps its settings in MirrorMaker.

import (
	"cmp"
	"slices"
)

// ConnectCluster is one Kafka Connect cluster (site.yaml's connect: entry) as its REST answered.
// When it could not be read at all, Connectors is empty and errors (scope connect, resource the
// URL) say why.
type ConnectCluster struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Version, Commit and KafkaClusterID are the answer of GET / on the worker kdocs asked.
	Version        string `json:"version,omitempty"`
	Commit         string `json:"commit,omitempty"`
	KafkaClusterID string `json:"kafkaClusterId,omitempty"`
	// Plugins are the connector plugins installed on the workers (GET /connector-plugins).
	Plugins    []ConnectPlugin `json:"plugins,omitempty"`
	Connectors []Connector     `json:"connectors"`
}

// ConnectPlugin is one installed connector plugin.
type ConnectPlugin struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}

// Connector is one connector with its tasks, topics and redacted config.
type Connector struct {
	Name string `json:"name"`
	// Type is "source" or "sink" (Connect's own word; "unknown" when the worker did not know).
	Type  string `json:"type"`
	Class string `json:"class"`
	// PluginVersion is the version of Class among the cluster's plugins; empty when not listed.
	PluginVersion string `json:"pluginVersion,omitempty"`
	// State is the connector's state: RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED, RESTARTING.
	State    string `json:"state"`
	WorkerID string `json:"workerId,omitempty"`
	// Trace is the first line of a failed connector's stack trace.
	Trace string          `json:"trace,omitempty"`
	Tasks []ConnectorTask `json:"tasks,omitempty"`
	// Topics are the topics the connector has used since it was created or its topics were last
	// reset (KIP-558: GET /connectors/{name}/topics): what it really wrote or read. Nil when
	// the worker does not track them (topic.tracking.enable=false) or could not say.
	Topics []string `json:"topics,omitempty"`
	// SinkTopics are, for a sink, the topics of this snapshot its topics list names or its
	// topics.regex matches: what it is configured to read.
	SinkTopics []string `json:"sinkTopics,omitempty"`
	// Config is the connector's config with secrets redacted, sorted by name.
	Config []ConnectorConfig `json:"config,omitempty"`
	// MirrorMaker holds the MirrorMaker 2 settings of a Mirror*Connector; nil for others.
	MirrorMaker *MirrorMaker `json:"mirrorMaker,omitempty"`
}

// ConnectorTask is one task of a connector.
type ConnectorTask struct {
	ID       int    `json:"id"`
	State    string `json:"state"`
	WorkerID string `json:"workerId,omitempty"`
	// Trace is the first line of a failed task's stack trace.
	Trace string `json:"trace,omitempty"`
}

// Redaction reasons of a ConnectorConfig.
const (
	// RedactedPassword: the plugin's config definition gives the key type PASSWORD.
	RedactedPassword = "password-type"
	// RedactedName: the key's name says secret (password, secret, token, key, credentials,
	// sasl.jaas.config, …).
	RedactedName = "key-name"
	// RedactedURLPassword: the value holds a URL with a password, replaced by "redacted"; the
	// rest of the value is kept.
	RedactedURLPassword = "url-password"
)

// ConnectorConfig is one config entry of a connector. A secret keeps its name, never its value:
// Value is empty and Redacted says why. A value made only of config-provider references
// (${file:…}, ${vault:…}) is no secret and is kept as written.
type ConnectorConfig struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Redacted string `json:"redacted,omitempty"`
}

// MirrorMaker roles, from the connector's class.
const (
	MirrorSource     = "source"
	MirrorCheckpoint = "checkpoint"
	MirrorHeartbeat  = "heartbeat"
)

// MirrorMaker is what a MirrorMaker 2 connector's config says about the flow it serves, with
// MirrorMaker's defaults filled in where the config is silent.
type MirrorMaker struct {
	// Role is source (MirrorSourceConnector: replicates topics), checkpoint
	// (MirrorCheckpointConnector: translates group offsets) or heartbeat (MirrorHeartbeatConnector).
	Role        string `json:"role"`
	SourceAlias string `json:"sourceAlias"`
	TargetAlias string `json:"targetAlias"`
	// Topics and TopicsExclude are the comma-separated patterns of the topics replicated (source);
	// Groups and GroupsExclude those of the groups checkpointed (checkpoint).
	Topics        string `json:"topics,omitempty"`
	TopicsExclude string `json:"topicsExclude,omitempty"`
	Groups        string `json:"groups,omitempty"`
	GroupsExclude string `json:"groupsExclude,omitempty"`
	// ReplicationPolicy is the policy class; Separator its separator (DefaultReplicationPolicy:
	// remote topics are <source alias><separator><topic>; IdentityReplicationPolicy keeps names).
	ReplicationPolicy string `json:"replicationPolicy"`
	Separator         string `json:"separator"`
	// OffsetSyncsTopicLocation is where the offset-syncs topic lives: source or target.
	OffsetSyncsTopicLocation string `json:"offsetSyncsTopicLocation,omitempty"`
	// SyncGroupOffsets: the checkpoint connector also writes translated offsets to the target's groups.
	SyncGroupOffsets bool `json:"syncGroupOffsets,omitempty"`
}

// normalizeConnect sorts the connect section into its canonical order.
func normalizeConnect(list []ConnectCluster) {
	slices.SortFunc(list, func(a, b ConnectCluster) int { return cmp.Compare(a.Name, b.Name) })
	for i := range list {
		c := &list[i]
		slices.SortFunc(c.Plugins, func(a, b ConnectPlugin) int {
			return cmp.Or(cmp.Compare(a.Class, b.Class), cmp.Compare(a.Version, b.Version))
		})
		slices.SortFunc(c.Connectors, func(a, b Connector) int { return cmp.Compare(a.Name, b.Name) })
		if c.Connectors == nil {
			c.Connectors = []Connector{}
		}
		for j := range c.Connectors {
			k := &c.Connectors[j]
			slices.SortFunc(k.Tasks, func(a, b ConnectorTask) int { return cmp.Compare(a.ID, b.ID) })
			slices.Sort(k.Topics)
			slices.Sort(k.SinkTopics)
			slices.SortFunc(k.Config, func(a, b ConnectorConfig) int { return cmp.Compare(a.Name, b.Name) })
		}
	}
}

// ConnectorsOf lists every connector of the snapshot's Connect clusters with its cluster's name.
func (s *Snapshot) ConnectorsOf() []ConnectorRef {
	var out []ConnectorRef
	for i := range s.Connect {
		for j := range s.Connect[i].Connectors {
			out = append(out, ConnectorRef{Cluster: s.Connect[i].Name, Connector: &s.Connect[i].Connectors[j]})
		}
	}
	return out
}

// ConnectorRef is a connector and the Connect cluster it runs on.
type ConnectorRef struct {
	Cluster   string
	Connector *Connector
}

func init() {
	fieldDocs["Snapshot.connect"] = "The Kafka Connect clusters site.yaml lists beside the cluster (connect: entries with a url), sorted by name, " +
		"as their REST answered, secrets redacted. Absent when none is configured, and in snapshots taken before kdocs read Connect."
	for k, v := range connectDocs {
		fieldDocs[k] = v
	}
	enums["Connector.type"] = []any{"source", "sink", "unknown"}
	enums["ConnectorConfig.redacted"] = []any{RedactedPassword, RedactedName, RedactedURLPassword}
	enums["MirrorMaker.role"] = []any{MirrorSource, MirrorCheckpoint, MirrorHeartbeat}
	enums["MirrorMaker.offsetSyncsTopicLocation"] = []any{"source", "target"}
}

var connectDocs = map[string]string{
	"ConnectCluster":                "One Kafka Connect cluster as its REST answered. When it could not be read, connectors is empty and errors (scope connect, resource its URL) say why.",
	"ConnectCluster.name":           "The Connect cluster's name in site.yaml.",
	"ConnectCluster.url":            "The REST URL kdocs read, without credentials.",
	"ConnectCluster.version":        "The worker's Kafka Connect version (GET /). Absent when the worker did not answer.",
	"ConnectCluster.commit":         "The worker's build commit (GET /). Absent when not given.",
	"ConnectCluster.kafkaClusterId": "The id of the Kafka cluster the workers use (GET /); compare with cluster.id. Absent when not given.",
	"ConnectCluster.plugins":        "The connector plugins installed on the workers (GET /connector-plugins), sorted by class. Absent when they could not be read.",
	"ConnectCluster.connectors":     "The connectors (GET /connectors?expand=status&expand=info), sorted by name.",

	"ConnectPlugin":         "One installed connector plugin.",
	"ConnectPlugin.class":   "The plugin's class.",
	"ConnectPlugin.type":    "source or sink (Connect's word; other plugin types are not listed by this endpoint).",
	"ConnectPlugin.version": "The plugin's version. Absent when it has none.",

	"Connector":               "One connector with its tasks, topics and redacted config (untrusted text: escape it before display).",
	"Connector.name":          "The connector's name.",
	"Connector.type":          "source (writes topics) or sink (reads them); unknown when the worker could not say.",
	"Connector.class":         "The connector's class (connector.class).",
	"Connector.pluginVersion": "The version of the class among the cluster's plugins. Absent when the class is not listed.",
	"Connector.state":         "The connector's state: RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED or RESTARTING.",
	"Connector.workerId":      "The worker running the connector (host:port). Absent when unassigned.",
	"Connector.trace":         "The first line of a failed connector's stack trace, with any secret of its config cut out. Absent when not failed.",
	"Connector.tasks":         "The connector's tasks, sorted by id. Absent when it has none.",
	"Connector.topics": "The topics the connector has used since it was created or its topics were reset (KIP-558, GET /connectors/{name}/topics), sorted: " +
		"what it really wrote (source) or read (sink). Absent when none, or when the worker does not track topics.",
	"Connector.sinkTopics": "For a sink: the topics of this snapshot its topics config names or its topics.regex matches, sorted: what it is configured to read. Absent for sources and when none match.",
	"Connector.config": "The connector's config, sorted by name. Secrets keep their name, never their value: a key the plugin defines as type PASSWORD " +
		"(PUT /connector-plugins/{class}/config/validate) or whose name says secret. Values made only of config-provider references (${file:…}) are kept as written.",
	"Connector.mirrorMaker": "The MirrorMaker 2 settings of a MirrorSourceConnector, MirrorCheckpointConnector or MirrorHeartbeatConnector. Absent for other classes.",

	"ConnectorTask":          "One task of a connector.",
	"ConnectorTask.id":       "The task's number.",
	"ConnectorTask.state":    "The task's state: RUNNING, PAUSED, FAILED, UNASSIGNED, RESTARTING.",
	"ConnectorTask.workerId": "The worker running the task (host:port). Absent when unassigned.",
	"ConnectorTask.trace":    "The first line of a failed task's stack trace, with any secret of the connector's config cut out. Absent when not failed.",

	"ConnectorConfig":          "One config entry of a connector.",
	"ConnectorConfig.name":     "The config key.",
	"ConnectorConfig.value":    "The value as written; empty when redacted.",
	"ConnectorConfig.redacted": "Why the value was left out: password-type (the plugin defines the key as PASSWORD), key-name (its name says secret), or url-password (a URL's password in it was replaced by \"redacted\", the rest kept). Absent when the value is kept whole.",

	"MirrorMaker":                          "What a MirrorMaker 2 connector's config says about its flow, MirrorMaker's defaults filled in.",
	"MirrorMaker.role":                     "source (MirrorSourceConnector: replicates topics), checkpoint (MirrorCheckpointConnector: translates group offsets) or heartbeat (MirrorHeartbeatConnector).",
	"MirrorMaker.sourceAlias":              "The source cluster's alias (source.cluster.alias).",
	"MirrorMaker.targetAlias":              "The target cluster's alias (target.cluster.alias).",
	"MirrorMaker.topics":                   "The topics replicated: comma-separated patterns (topics). Source role only.",
	"MirrorMaker.topicsExclude":            "The topics never replicated (topics.exclude). Source role only.",
	"MirrorMaker.groups":                   "The groups whose offsets are checkpointed (groups). Checkpoint role only.",
	"MirrorMaker.groupsExclude":            "The groups never checkpointed (groups.exclude). Checkpoint role only.",
	"MirrorMaker.replicationPolicy":        "The replication policy class (replication.policy.class): DefaultReplicationPolicy prefixes remote topics with the source alias, IdentityReplicationPolicy keeps their names.",
	"MirrorMaker.separator":                "The separator between alias and topic in remote topic names (replication.policy.separator).",
	"MirrorMaker.offsetSyncsTopicLocation": "Where the offset-syncs topic lives: source or target. Absent for heartbeat connectors.",
	"MirrorMaker.syncGroupOffsets":         "True when the checkpoint connector also writes translated offsets to the target's groups (sync.group.offsets.enabled). Absent when false.",
}
