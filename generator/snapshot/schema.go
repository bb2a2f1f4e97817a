package snapshot

// The JSON Schema of the snapshot file, derived from the Go types so that it cannot drift from
// what Encode writes: one definition per struct, one property per json tag, required when the
// field has no omitempty (the encoder always writes it), no other properties (Decode refuses
// unknown fields). The descriptions live in fieldDocs below; a test fails when a field has none,
// so a new field cannot reach the schema undocumented. docs/snapshot.schema.json is this output,
// and docs/snapshot-format.md the prose around it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// SchemaID is the $id of the generated schema: where the committed copy lives.
const SchemaID = "https://github.com/kdocs/kdocs/blob/main/docs/snapshot.schema.json"

// JSONSchema returns the JSON Schema (draft 2020-12) of a Format file, indented and
// newline-terminated. The output is deterministic: properties follow the fields' order.
func JSONSchema() []byte {
	g := &schemaGen{defs: map[string]object{}}
	root := g.structSchema(reflect.TypeFor[Snapshot]())
	doc := object{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"$id", SchemaID},
		{"title", Format},
	}
	doc = append(doc, root...)
	var defs object
	for _, name := range g.order {
		defs = append(defs, member{name, g.defs[name]})
	}
	doc = append(doc, member{"$defs", defs})

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		// Only values built above are encoded: failing here is a bug in this file.
		panic(fmt.Sprintf("encode the snapshot JSON Schema: %v", err))
	}
	return buf.Bytes()
}

// alwaysList names the lists that Normalize turns from nil into [], so that they are never null
// in a file. Every other list without omitempty may be null when empty (a hand-written file, or
// one from an early kdocs).
var alwaysList = map[string]bool{
	"Snapshot.topics":         true,
	"Snapshot.consumerGroups": true,
	"Cluster.brokers":         true,
}

// enums lists the closed sets of values; anything else is a string the cluster or registry names.
var enums = map[string][]any{
	"Snapshot.format":    {Format},
	"SchemaVersion.type": {"AVRO", "PROTOBUF", "JSON"},
	"Verdict.status":     {VerdictCompatible, VerdictIncompatible, VerdictUnavailable},
	"QuotaEntity.type":   {"user", "client-id", "ip"},
}

// fieldDocs describes every type ("Type") and field ("Type.jsonName") of the file. Units are
// part of each description; "absent" says when an optional field is left out.
var fieldDocs = map[string]string{
	"Snapshot":              "One Kafka cluster (and the Schema Registry that serves it) as kdocs read it at takenAt. One file per cluster; the same cluster state encodes to the same bytes.",
	"Snapshot.format":       "The version of this layout. A kdocs refuses any other value, naming it, rather than half-reading a file it does not know.",
	"Snapshot.kdocsVersion": "The version of the kdocs that wrote the file (\"dev\" for an unreleased build).",
	"Snapshot.takenAt":      "When the snapshot was taken: RFC 3339, always UTC.",
	"Snapshot.cluster":      "The cluster's identity and brokers.",
	"Snapshot.topics":       "Every topic, internal ones included, sorted by name.",
	"Snapshot.consumerGroups": "Every consumer group the brokers coordinate, sorted by id, with committed offsets and lag. " +
		"Producers are not visible to Kafka and are not recorded here.",
	"Snapshot.promotions": "Promotion readiness (site.yaml environments:): this environment's registry's read-only answers on whether it would accept earlier environments' latest versions of subjects it holds, " +
		"asked with POST /compatibility/subjects/{toSubject}/versions/latest when the snapshot was taken. Absent without an environments: block or when nothing was asked.",
	"Promotion":               "One question to this environment's registry: would it accept version `version` of `subject` in environment `from` as the next version of `toSubject`? Nothing is ever registered.",
	"Promotion.from":          "The earlier environment (site.yaml's environments.order) that holds the version.",
	"Promotion.subject":       "The logical subject: its name with site.yaml's environments.subjects template taken off (the name itself without a template).",
	"Promotion.toSubject":     "The subject's name in this environment (environments.subjects template).",
	"Promotion.version":       "The earlier environment's version number.",
	"Promotion.fingerprint":   "The fingerprint of that version's schema, as the environments comparison computes it: a build uses the answer only for the version with this fingerprint.",
	"Promotion.verdict":       "The registry's answer against its latest version of toSubject.",
	"Snapshot.schemaRegistry": "The Schema Registry configured for the cluster. Absent when site.yaml configures none.",
	"Snapshot.acls":           "The cluster's ACLs, or why they could not be read. Absent in snapshots taken before kdocs read ACLs.",
	"Snapshot.quotas":         "The client quotas (KIP-546), or why they could not be read. Absent in snapshots taken before kdocs read quotas.",
	"Snapshot.transactions":   "The transactional producers the coordinators know (ListTransactions, DescribeTransactions), or why they could not be read. Absent in snapshots taken before kdocs read transactions.",
	"Snapshot.producers":      "The producers each partition leader keeps state for (DescribeProducers, KIP-664), or why they could not be read. Absent in snapshots taken before kdocs read producer state.",
	"Snapshot.samples":        "What the latest records of each topic show of their framing (schema ids, header names), never their payloads. Absent unless site.yaml's sample: asks for it, and in snapshots taken before kdocs sampled records.",
	"Snapshot.errors": "What could not be read, sorted by scope, resource and message. Absent when everything was read; " +
		"a snapshot with errors is partial and says so rather than being silently thin.",

	"Cluster":             "The cluster's identity, from site.yaml and from the cluster's metadata.",
	"Cluster.name":        "The cluster's name in site.yaml (also the snapshot's file name, name.json).",
	"Cluster.environment": "The environment site.yaml assigns to the cluster (dev, prod, …); may be empty.",
	"Cluster.id":          "The cluster id Kafka reports in its metadata.",
	"Cluster.controllerId": "The active controller's broker id on ZooKeeper-era clusters; -1 on KRaft, where the quorum " +
		"is the controller and metadata names a random broker on each answer. The KRaft leader is quorum.leaderId.",
	"Cluster.brokers":         "The brokers the cluster's metadata lists (live, unfenced ones), sorted by id.",
	"Cluster.expectedBrokers": "How many brokers site.yaml says the cluster has. Absent when it says nothing; fewer entries in brokers mean some are missing.",
	"Cluster.quorum":          "The KRaft controller quorum as DescribeQuorum answers it, or why it could not be read. Absent in snapshots taken before kdocs asked.",
	"Cluster.quorumMaxLag": "site.yaml's quorumMaxLag: a voter more records behind the quorum leader than this makes the cluster degraded. " +
		"Absent when site.yaml says nothing: the default, 1000 records, applies.",
	"Cluster.features": "The optional APIs kdocs asks the brokers for (ListGroups v5+ for group types, ConsumerGroupDescribe, ShareGroupDescribe, " +
		"DescribeShareGroupOffsets, StreamsGroupDescribe, DescribeQuorum) and whether the brokers offer them, sorted by name. " +
		"A feature the brokers lack is a fact about their version, not an error. Absent in older snapshots, or when no broker answered ApiVersions.",

	"Feature":           "One optional API and whether the brokers offer it in a version kdocs speaks.",
	"Feature.name":      "The API's name in Kafka's protocol, e.g. ConsumerGroupDescribe.",
	"Feature.available": "True when the brokers offer a version of the API that kdocs speaks (and, for ListGroups, v5 or later).",
	"Feature.version":   "The version kdocs speaks with the brokers: the highest both know. 0 when not available.",
	"Feature.reason":    "Why the API is not available: the brokers do not offer it, or only too old a version. Absent when available.",

	"Quorum":               "The KRaft quorum of the metadata log (__cluster_metadata, partition 0), as its leader sees it.",
	"Quorum.available":     "True when DescribeQuorum answered. False on ZooKeeper-mode clusters and brokers without the API (reason says so), or when it failed (also in errors, scope quorum).",
	"Quorum.reason":        "Why the quorum is not known. Absent when available.",
	"Quorum.leaderId":      "The node id of the active controller; -1 when the quorum has no leader (the cluster is then degraded).",
	"Quorum.leaderEpoch":   "The leader's epoch: how many elections the quorum has held.",
	"Quorum.highWatermark": "The metadata log's high watermark: the offset up to which a majority of voters has the log.",
	"Quorum.voters":        "The voters, sorted by id, the leader among them. Absent when not available.",
	"Quorum.observers":     "The observers (brokers that replicate the log without voting), sorted by id. Absent when none, as on combined-mode nodes that all vote.",

	"QuorumReplica":                "One voter or observer of the quorum, as the leader sees it.",
	"QuorumReplica.id":             "The replica's node id.",
	"QuorumReplica.logEndOffset":   "The replica's last known log end offset; -1 when unknown.",
	"QuorumReplica.lag":            "The leader's log end offset minus this replica's, in records (0 for the leader), as kafka-metadata-quorum describe --replication prints it.",
	"QuorumReplica.lastFetchMs":    "When the replica last fetched from the leader, in milliseconds since the Unix epoch on the leader's clock. Absent for the leader, a voter that never fetched, or before DescribeQuorum v1.",
	"QuorumReplica.lastCaughtUpMs": "The leader's append time of the offset the replica last fetched up to, in milliseconds since the Unix epoch. Absent as lastFetchMs.",

	"Broker":      "One broker as the cluster's metadata describes it, with what it told about itself.",
	"Broker.id":   "The broker's node id.",
	"Broker.host": "The host the broker advertises to clients.",
	"Broker.port": "The port the broker advertises to clients.",
	"Broker.rack": "The broker's rack (broker.rack). Absent when it has none.",
	"Broker.configs": "The broker's configs that differ from Kafka's defaults (static and dynamic), sorted by name; " +
		"sensitive values are blanked. Absent when the broker's configs could not be read (see errors, scope brokers) or in older snapshots.",
	"Broker.logDirs": "The broker's log directories, sorted by path. Absent when they could not be read (see errors, scope brokers) or in older snapshots.",

	"LogDir":           "One log directory of a broker.",
	"LogDir.path":      "The directory's path on the broker's host.",
	"LogDir.sizeBytes": "Bytes of every partition replica in the directory (future replicas of a move between directories included): its share of the disk. 0 when error is set.",
	"LogDir.error":     "The error the broker reported for the directory, an offline disk most often. Absent when it was read.",

	"Topic":                   "One topic with its partitions and its configs.",
	"Topic.name":              "The topic's name, exactly as Kafka reports it (untrusted text: escape it before display).",
	"Topic.internal":          "True for Kafka's internal topics (__consumer_offsets, __transaction_state, …). Absent when false.",
	"Topic.replicationFactor": "The number of replicas of partition 0 (partitions differ only while a reassignment runs). 0 when the topic has no partitions.",
	"Topic.partitions":        "The topic's partitions, sorted by id.",
	"Topic.configs": "Every config of the topic with its effective value and source, Kafka's defaults included (source DEFAULT_CONFIG), sorted by name; " +
		"only DYNAMIC_TOPIC_CONFIG entries are set on the topic itself. Older snapshots list only the configs not at Kafka's default: there an absent config has its default. " +
		"Absent when they could not be read (see errors, scope configs).",
	"Topic.sizeBytes": "Bytes of one copy of the topic's data: the sum of its partitions' sizeBytes (about replicationFactor times this lies on disk). " +
		"Absent when any partition's size is unknown, since a partial sum would understate it.",

	"Partition":                 "One partition's placement and offsets.",
	"Partition.id":              "The partition's index.",
	"Partition.leader":          "The broker id of the partition's leader; -1 when it has none (the partition is offline).",
	"Partition.replicas":        "The broker ids of the replicas, in the cluster's order: the first is the preferred leader. May be null in hand-written or early snapshots.",
	"Partition.isr":             "The broker ids of the in-sync replicas, sorted. Fewer than replicas: under-replicated. May be null in hand-written or early snapshots.",
	"Partition.offlineReplicas": "The broker ids of replicas on offline log dirs or brokers, sorted. Absent when none.",
	"Partition.earliestOffset":  "The log start offset. 0 when unknown (no leader, or the leader did not answer: see errors, scope offsets).",
	"Partition.latestOffset":    "The high watermark: the offset the next record will get. 0 when unknown, as earliestOffset.",
	"Partition.sizeBytes":       "Bytes of the leader's replica on disk. Absent when unknown: no leader, its log dirs could not be read, or the snapshot predates sizes.",

	"Config":       "One configuration entry.",
	"Config.name":  "The config's name, e.g. retention.ms.",
	"Config.value": "The config's value as Kafka reports it, a string whatever its type; empty for sensitive entries.",
	"Config.source": "Where the value comes from, in Kafka's names: DYNAMIC_TOPIC_CONFIG (set on the topic), DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, " +
		"STATIC_BROKER_CONFIG (the brokers' settings), DEFAULT_CONFIG (Kafka's default; topics only), …. Absent when the broker did not say (older snapshots).",
	"Config.sensitive": "True when Kafka marks the entry sensitive: the name is kept, never the value. Absent when false.",

	"Group":    "One group (classic, KIP-848 consumer, share or streams) with its members, committed offsets and lag.",
	"Group.id": "The group id (untrusted text: escape it before display).",
	"Group.type": "classic, consumer (KIP-848, group.protocol=consumer), share (KIP-932) or streams (KIP-1071), as ListGroups v5+ names it; " +
		"from brokers before v5, classic (or share/streams when the protocol type says so). Absent in snapshots taken before kdocs read types.",
	"Group.state": "The group's state as its coordinator reports it: classic groups Stable, Empty, PreparingRebalance, CompletingRebalance, Dead; " +
		"consumer, share and streams groups Empty, Assigning, Reconciling, Stable, NotReady, Dead; Unknown when kdocs could not describe the group (see notDescribed).",
	"Group.protocolType":    "The group's protocol type, \"consumer\" for consumer groups (classic or KIP-848), \"connect\" for Connect workers. Absent when empty.",
	"Group.protocol":        "The partition assignor of an active classic group, e.g. range or cooperative-sticky. Absent when the group has no members, and for other types (see assignor).",
	"Group.groupEpoch":      "A consumer, share or streams group's epoch, bumped on every change of members or subscriptions. Absent for classic groups and undescribed ones.",
	"Group.assignmentEpoch": "The epoch of the group's target assignment; below groupEpoch while the assignor has not yet caught up. Absent as groupEpoch.",
	"Group.assignor":        "The server-side assignor of a consumer, share or streams group, e.g. uniform, range, simple, sticky. Absent for classic groups.",
	"Group.notDescribed": "Why kdocs could not describe the group: the describe API its type needs is not available on the brokers' version, or the request failed. " +
		"state is then Unknown and members absent. A fact about the group: it does not make the snapshot partial. Absent when described.",
	"Group.offsetsNotRead": "Why a share group's offsets were not read: the brokers have no DescribeShareGroupOffsets. Absent otherwise (other failures are in errors).",
	"Group.streams":        "A streams group's topology as the broker holds it. Absent for other types.",
	"Group.members":        "The group's members, sorted by client id then member id. Absent when it has none.",
	"Group.offsets":        "The group's committed offsets, sorted by topic then partition. Absent when it has none.",
	"Group.totalLag":       "The sum of lag over offsets, in records; partitions whose latest offset is unknown are left out (and recorded in errors).",
	"Group.uncommitted": "The partitions of the topics the group reads (commits on, or has a member assigned to) that have no committed offset, by topic, sorted; " +
		"a consumer starts there from its auto.offset.reset. Absent when there are none, when the group's offsets could not be read, or in older snapshots.",

	"Member":                      "One member of a group.",
	"Member.id":                   "The member id the coordinator assigned.",
	"Member.clientId":             "The client.id of the member's consumer.",
	"Member.host":                 "The address the member connected from, as the coordinator saw it (often /ip).",
	"Member.instanceId":           "The static member's group.instance.id. Absent for dynamic members.",
	"Member.rack":                 "The member's client.rack. Absent when it set none, and for classic groups.",
	"Member.memberEpoch":          "A consumer, share or streams group member's epoch. Absent for classic groups.",
	"Member.subscribedTopics":     "The topics a consumer or share group member subscribed to, sorted. Absent for classic groups (their subscription is in the client) and regex subscriptions.",
	"Member.subscribedTopicRegex": "The regex (RE2/J) a consumer group member subscribed with. Absent when it subscribed by name.",
	"Member.assignments": "The partitions assigned to the member, by topic sorted by name; for a streams member, the partitions of the source and repartition source topics its active tasks read. " +
		"Absent when none.",
	"Member.targetAssignments": "A consumer group member's target assignment, by topic: what the group's assignor gives it. Differs from assignments while the member reconciles. Absent when empty.",
	"Member.tasks":             "A streams group member's process and tasks. Absent for other types.",

	"StreamsTopology":               "A streams group's topology as the broker holds it.",
	"StreamsTopology.epoch":         "The topology's epoch.",
	"StreamsTopology.subtopologies": "The sub-topologies, sorted by id. Absent when none.",

	"Subtopology":                         "One sub-topology of a Kafka Streams application.",
	"Subtopology.id":                      "The sub-topology's id, as Kafka Streams numbers them (\"0\", \"1\", …).",
	"Subtopology.sourceTopics":            "The topics it reads, sorted. Absent when none.",
	"Subtopology.repartitionSinkTopics":   "The repartition topics it writes, sorted. Absent when none.",
	"Subtopology.stateChangelogTopics":    "The changelog topics of its state stores, sorted. Absent when none.",
	"Subtopology.repartitionSourceTopics": "The repartition topics it reads, sorted. Absent when none.",

	"StreamsTasks":           "What one streams group member runs.",
	"StreamsTasks.processId": "The Kafka Streams process (one per application instance, several members per process). Absent when empty.",
	"StreamsTasks.active":    "Its active tasks, by sub-topology. Absent when none.",
	"StreamsTasks.standby":   "Its standby tasks (state-store replicas), by sub-topology. Absent when none.",
	"StreamsTasks.warmup":    "Its warm-up tasks, by sub-topology. Absent when none.",

	"TaskGroup":             "The tasks of one sub-topology: a task is a sub-topology and a partition.",
	"TaskGroup.subtopology": "The sub-topology's id.",
	"TaskGroup.partitions":  "The tasks' partitions, sorted.",

	"TopicPartitions":            "Some partitions of one topic.",
	"TopicPartitions.topic":      "The topic's name.",
	"TopicPartitions.partitions": "Partition ids, sorted.",

	"GroupOffset":              "A group's committed offset on one partition, and how far it lags.",
	"GroupOffset.topic":        "The topic's name.",
	"GroupOffset.partition":    "The partition id.",
	"GroupOffset.committed":    "The committed offset: the next record the group will read. For a share group, its start offset: the first record not yet acknowledged.",
	"GroupOffset.latestOffset": "The partition's high watermark when the snapshot was taken. 0 when it could not be read (see errors, scope groups).",
	"GroupOffset.lag": "latestOffset minus committed, in records, never below 0 (a commit past the end follows a truncated log). 0 when latestOffset is unknown. " +
		"For a share group on Kafka 4.2+ the broker's own lag (DescribeShareGroupOffsets v1, KIP-1226: records neither acknowledged nor in flight).",

	"SampleSection":          "The sampling of the cluster's records: what was asked and, per topic, what was seen.",
	"SampleSection.records":  "How many of the latest offsets of each partition were read.",
	"SampleSection.maxBytes": "The bound on the bytes fetched per partition (a first batch larger than it is returned whole, KIP-74).",
	"SampleSection.headers":  "The header names whose values are kept (site.yaml's sample.headers). Absent when none.",
	"SampleSection.topics":   "The sampled topics, sorted by name; internal topics and topics without records are not sampled. Absent when none.",

	"TopicSample":            "What the latest records of one topic's partitions show.",
	"TopicSample.topic":      "The topic.",
	"TopicSample.partitions": "The number of its partitions that were read.",
	"TopicSample.records":    "The records seen.",
	"TopicSample.bytes":      "The bytes the brokers returned for those partitions.",
	"TopicSample.key":        "How the records' keys are framed.",
	"TopicSample.value":      "How the records' values are framed.",
	"TopicSample.headers":    "The header names seen, sorted by name, with the values of those site.yaml lists. Absent when none.",
	"TopicSample.error":      "Why some or all of its partitions could not be read (not authorized, leader moved); the counts are of those that were. Absent when all were read.",

	"Framing":           "How the keys or the values of the sampled records are framed.",
	"Framing.schemas":   "The Confluent wire-format schema ids seen, sorted by id. Absent when none.",
	"Framing.null":      "Records without a key (or a value: tombstones). Absent when zero.",
	"Framing.notFramed": "Records whose key or value is not in the Confluent wire format (too short, or not starting with the zero magic byte). Absent when zero.",

	"SchemaUse":                "One schema id seen in the framing of sampled records.",
	"SchemaUse.id":             "The schema id (the registry's global id).",
	"SchemaUse.messageIndexes": "For a Protobuf schema, the message indexes after the id ([0]: the file's first message). Absent for Avro and JSON Schema, and when the registry did not say the id is Protobuf.",
	"SchemaUse.records":        "The records framed with it.",

	"HeaderUse":         "One header name seen on sampled records.",
	"HeaderUse.name":    "The header's name.",
	"HeaderUse.records": "The records that carry it.",
	"HeaderUse.values":  "Its values, sorted, for the headers site.yaml's sample.headers lists; a value that is not text is \"(N bytes, not text)\". Absent for the others.",

	"HeaderValue":         "One value of a kept header.",
	"HeaderValue.value":   "The value, as text.",
	"HeaderValue.records": "The records that carry it.",

	"TransactionSection":           "The transactional producers, or why they are not known.",
	"TransactionSection.available": "True when every broker answered ListTransactions.",
	"TransactionSection.reason":    "Why the transactions are not available: not available on this Kafka version, or could not be read. Absent when available.",
	"TransactionSection.entries":   "The transactional ids kdocs may describe (ListTransactions leaves out the others), sorted by id. Absent when none.",

	"Transaction":                 "One transactional id as its coordinator describes it.",
	"Transaction.transactionalId": "The producer's transactional.id.",
	"Transaction.coordinator":     "The broker that coordinates it (leads its __transaction_state partition).",
	"Transaction.producerId":      "Its producer id.",
	"Transaction.producerEpoch":   "Its producer epoch; -1 when the describe failed (error).",
	"Transaction.state":           "Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence or Dead.",
	"Transaction.timeoutMs":       "Its transaction.timeout.ms.",
	"Transaction.startTimeMs":     "When the open transaction started, ms since the epoch on the coordinator's clock. Absent when none is open.",
	"Transaction.partitions":      "The partitions in the open transaction, by topic, sorted. Absent when none is open: the coordinator forgets them once a transaction completes.",
	"Transaction.error":           "Why its coordinator could not describe it (it moved, the id expired); the other fields are then ListTransactions'. Absent when described.",

	"ProducerSection":           "The producer state of each partition, or why it is not known.",
	"ProducerSection.available": "True when the partition leaders answered DescribeProducers.",
	"ProducerSection.reason":    "Why the producer state is not available: not available on this Kafka version, or could not be read. Absent when available.",
	"ProducerSection.topics":    "The topics with at least one producer with state, sorted by name. Absent when none.",

	"TopicProducers":            "The partitions of one topic that have producer state.",
	"TopicProducers.topic":      "The topic.",
	"TopicProducers.partitions": "Its partitions with producer state, sorted by id.",

	"PartitionProducers":           "The producers one partition's leader keeps state for: those that wrote with a producer id within producer.id.expiration.ms.",
	"PartitionProducers.partition": "The partition id.",
	"PartitionProducers.producers": "Sorted by producer id.",

	"ActiveProducer":                  "One producer's state on one partition, as DescribeProducers answers it.",
	"ActiveProducer.producerId":       "The producer id; a transaction's producerId names its transactional id.",
	"ActiveProducer.producerEpoch":    "Its epoch.",
	"ActiveProducer.lastSequence":     "The sequence number of its last record on the partition.",
	"ActiveProducer.lastTimestampMs":  "The max timestamp of its last batch, ms since the epoch (the producer's clock unless the topic uses LogAppendTime).",
	"ActiveProducer.coordinatorEpoch": "The epoch of the transaction coordinator that last wrote a marker for it; -1 when it never used transactions.",
	"ActiveProducer.txnStartOffset":   "The first offset of its open transaction on the partition. Absent when none is open.",

	"ACLSection":           "The cluster's ACLs, or why they are not known.",
	"ACLSection.available": "True when the ACLs were read. False when the cluster has no authorizer, kdocs may not describe them, or the broker is too old: reason says which.",
	"ACLSection.reason":    "Why the ACLs are not available. Absent when available.",
	"ACLSection.entries":   "The access control entries, sorted by every field in order. Absent when none.",

	"ACL":              "One access control entry, with Kafka's names for its enums.",
	"ACL.resourceType": "TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN or USER.",
	"ACL.resourceName": "The resource's name, or its prefix when patternType is PREFIXED.",
	"ACL.patternType":  "LITERAL or PREFIXED.",
	"ACL.principal":    "The principal, e.g. User:alice.",
	"ACL.host":         "The host the entry applies to, * for any.",
	"ACL.operation":    "READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, CREATE_TOKENS, DESCRIBE_TOKENS or ALL.",
	"ACL.permission":   "ALLOW or DENY.",

	"QuotaSection":           "The cluster's client quotas, or why they are not known.",
	"QuotaSection.available": "True when the quotas were read; otherwise reason says why not.",
	"QuotaSection.reason":    "Why the quotas are not available. Absent when available.",
	"QuotaSection.entries":   "The quotas, one per entity, sorted by entity. Absent when none are set.",

	"Quota":        "The quota values set for one entity.",
	"Quota.entity": "The parts of the entity (a user, a client id, both, or an IP), sorted by type.",
	"Quota.values": "The quota settings, sorted by key.",

	"QuotaEntity":         "One part of a quota's entity.",
	"QuotaEntity.type":    "user, client-id or ip.",
	"QuotaEntity.name":    "The user, client id or IP. Absent for the default entity.",
	"QuotaEntity.default": "True for the default entity of the type (Kafka's <default>). Absent when false.",

	"QuotaValue":       "One quota setting.",
	"QuotaValue.key":   "The setting, e.g. producer_byte_rate (bytes/s), consumer_byte_rate (bytes/s), request_percentage (percent of a thread), connection_creation_rate (connections/s).",
	"QuotaValue.value": "The setting's value, in the key's unit.",

	"Registry":               "The Schema Registry that serves the cluster's schemas.",
	"Registry.url":           "The registry's URL, without credentials.",
	"Registry.compatibility": "The registry's global compatibility level (BACKWARD, FULL_TRANSITIVE, NONE, …). Absent when the registry reported none.",
	"Registry.mode":          "The registry's global mode (READWRITE, READONLY, IMPORT). Absent when the registry has no mode API or it could not be read (see errors, scope registry).",
	"Registry.subjects":      "Every subject, soft-deleted versions included, sorted by name. May be null in hand-written or early snapshots.",

	"Subject":               "One registry subject with every version.",
	"Subject.name":          "The subject's name, e.g. orders-value (untrusted text: escape it before display).",
	"Subject.compatibility": "The subject's own compatibility level, when it overrides the global one. Absent otherwise.",
	"Subject.versions":      "Every version of the subject, soft-deleted ones included, sorted by version. May be null in hand-written or early snapshots.",

	"SchemaVersion":            "One registered version of a subject.",
	"SchemaVersion.version":    "The version number within the subject, from 1.",
	"SchemaVersion.id":         "The registry-wide schema id.",
	"SchemaVersion.type":       "The schema's type: AVRO, PROTOBUF or JSON.",
	"SchemaVersion.schema":     "The schema's text, exactly as registered.",
	"SchemaVersion.references": "The other subjects' versions this schema imports, sorted by name, subject and version. Absent when none.",
	"SchemaVersion.deleted":    "True when the version is soft-deleted: still readable, no longer used for new registrations. Absent when false.",
	"SchemaVersion.verdict": "The registry's own compatibility verdict on this version against the previous one, asked read-only when the snapshot was taken. " +
		"Absent for a subject's first version and in snapshots taken before kdocs asked the registry.",

	"Verdict": "The registry's answer to POST /compatibility/subjects/{subject}/versions/{against}?verbose=true with this version's schema and references: " +
		"would it accept this version on top of the previous one, under the subject's effective level.",
	"Verdict.against": "The version compared with: the previous version of the subject.",
	"Verdict.level":   "The compatibility level in effect when asked: the subject's own, else the registry's global level. Absent when the registry reported none.",
	"Verdict.status": "compatible or incompatible as the registry answered; unavailable when it gave no verdict " +
		"(level NONE, the previous version soft-deleted, an error answer, a registry without the endpoint): reason says which.",
	"Verdict.messages": "The registry's reasons, verbatim, when it gave any (verbose answers; a registry answering null or [] gives none). Absent otherwise.",
	"Verdict.reason":   "Why the registry gave no verdict. Absent unless status is unavailable.",

	"Reference":         "A reference from a schema to another subject's version.",
	"Reference.name":    "The name the schema imports it by (a Protobuf file name, an Avro full name, a JSON Schema URL).",
	"Reference.subject": "The referenced subject.",
	"Reference.version": "The referenced version.",

	"Error": "Something that could not be read.",
	"Error.scope": "The section it belongs to: cluster, brokers, topics, configs, offsets, groups, acls, quotas or registry " +
		"(docs/snapshot-format.md says what each covers).",
	"Error.resource": "The object concerned: a topic, a group, \"broker N\", a registry URL, …. Absent when the whole scope failed.",
	"Error.message":  "What went wrong, with the object it concerns. Never contains credentials.",
}

// object is a JSON object that keeps its keys in the order they were added.
type object []member

type member struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, fmt.Errorf("schema key %q: %w", m.key, err)
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

type schemaGen struct {
	defs  map[string]object
	order []string // definition names in the order first met
}

// ref returns a reference to the definition of struct type t, generating it on first use.
func (g *schemaGen) ref(t reflect.Type) object {
	name := t.Name()
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = nil // placeholder: a type that refers to itself must not recurse forever
		g.order = append(g.order, name)
		g.defs[name] = g.structSchema(t)
	}
	return object{{"$ref", "#/$defs/" + name}}
}

// structSchema describes a struct: its properties from json tags, in field order.
func (g *schemaGen) structSchema(t reflect.Type) object {
	var required []any
	var propsObj object
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		omitempty := strings.Contains(","+opts+",", ",omitempty,")
		path := t.Name() + "." + name
		s := g.typeSchema(f.Type, !omitempty && !alwaysList[path])
		if vs, ok := enums[path]; ok {
			if len(vs) == 1 {
				s = append(s, member{"const", vs[0]})
			} else {
				s = append(s, member{"enum", vs})
			}
		}
		if d, ok := fieldDocs[path]; ok {
			s = append(object{{"description", d}}, s...)
		}
		propsObj = append(propsObj, member{name, s})
		if !omitempty {
			required = append(required, name)
		}
	}
	out := object{}
	if d, ok := fieldDocs[t.Name()]; ok {
		out = append(out, member{"description", d})
	}
	out = append(out, member{"type", "object"})
	if len(required) > 0 {
		out = append(out, member{"required", required})
	}
	out = append(out, member{"properties", propsObj}, member{"additionalProperties", false})
	return out
}

// typeSchema describes a field's Go type. nullable says that the encoder may write null for it:
// a nil slice or pointer without omitempty.
func (g *schemaGen) typeSchema(t reflect.Type, nullable bool) object {
	orNull := func(typ string) any {
		if nullable {
			return []any{typ, "null"}
		}
		return typ
	}
	if t == reflect.TypeFor[time.Time]() {
		return object{{"type", "string"}, {"format", "date-time"}}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := g.typeSchema(t.Elem(), false)
		if nullable {
			return object{{"anyOf", []any{inner, object{{"type", "null"}}}}}
		}
		return inner
	case reflect.Slice:
		return object{{"type", orNull("array")}, {"items", g.typeSchema(t.Elem(), false)}}
	case reflect.Struct:
		return g.ref(t)
	case reflect.String:
		return object{{"type", "string"}}
	case reflect.Bool:
		return object{{"type", "boolean"}}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return object{{"type", "integer"}}
	case reflect.Float32, reflect.Float64:
		return object{{"type", "number"}}
	}
	// A new field of a kind not handled above must be handled, not guessed.
	panic(fmt.Sprintf("snapshot JSON Schema: no mapping for Go type %s", t))
}
