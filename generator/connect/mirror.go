package connect

// MirrorMaker 2 run as connectors: the three classes, and their settings with MirrorMaker's
// defaults (Kafka's MirrorSourceConfig, MirrorCheckpointConfig, MirrorConnectorConfig).

import (
	"regexp"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

const mirrorPackage = "org.apache.kafka.connect.mirror."

var mirrorRoles = map[string]string{
	"MirrorSourceConnector":     snapshot.MirrorSource,
	"MirrorCheckpointConnector": snapshot.MirrorCheckpoint,
	"MirrorHeartbeatConnector":  snapshot.MirrorHeartbeat,
}

// MirrorMaker's defaults.
const (
	DefaultReplicationPolicy = mirrorPackage + "DefaultReplicationPolicy"
	DefaultSeparator         = "."
	DefaultTopics            = ".*"
	DefaultTopicsExclude     = `.*[\-\.]internal, .*\.replica, __.*`
	DefaultGroups            = ".*"
	DefaultGroupsExclude     = "console-consumer-.*, connect-.*, __.*"
)

// Mirror returns the MirrorMaker 2 settings of a connector of class, or nil when it is not one
// of MirrorMaker's. Only the class's simple name is compared, so a relocated or shaded copy of
// the classes is recognised too.
func Mirror(class string, cfg map[string]string) *snapshot.MirrorMaker {
	simple := class[strings.LastIndexByte(class, '.')+1:]
	role := mirrorRoles[simple]
	if role == "" {
		return nil
	}
	get := func(key, def string) string {
		if v, ok := cfg[key]; ok {
			return v
		}
		return def
	}
	m := &snapshot.MirrorMaker{
		Role:              role,
		SourceAlias:       get("source.cluster.alias", ""),
		TargetAlias:       get("target.cluster.alias", "target"),
		ReplicationPolicy: get("replication.policy.class", DefaultReplicationPolicy),
		Separator:         get("replication.policy.separator", DefaultSeparator),
	}
	switch role {
	case snapshot.MirrorSource:
		m.Topics = get("topics", DefaultTopics)
		m.TopicsExclude = get("topics.exclude", get("topics.blacklist", DefaultTopicsExclude))
		m.OffsetSyncsTopicLocation = get("offset-syncs.topic.location", "source")
	case snapshot.MirrorCheckpoint:
		m.Groups = get("groups", DefaultGroups)
		m.GroupsExclude = get("groups.exclude", get("groups.blacklist", DefaultGroupsExclude))
		m.OffsetSyncsTopicLocation = get("offset-syncs.topic.location", "source")
		m.SyncGroupOffsets = strings.EqualFold(get("sync.group.offsets.enabled", "false"), "true")
	}
	return m
}

// ResolveSinkTopics sets, on every sink connector, the topics of the snapshot its topics list
// names or its topics.regex matches (a full match, as Connect's Java Pattern.matches). A regex
// Go cannot compile matches nothing here; the config still shows it.
func ResolveSinkTopics(cc *snapshot.ConnectCluster, topics []snapshot.Topic) {
	for i := range cc.Connectors {
		k := &cc.Connectors[i]
		if k.Type != "sink" {
			continue
		}
		var list, pattern string
		for _, e := range k.Config {
			switch e.Name {
			case "topics":
				list = e.Value
			case "topics.regex":
				pattern = e.Value
			}
		}
		named := map[string]bool{}
		for _, t := range strings.Split(list, ",") {
			if t = strings.TrimSpace(t); t != "" {
				named[t] = true
			}
		}
		var re *regexp.Regexp
		if pattern != "" {
			re, _ = regexp.Compile(`^(?:` + pattern + `)$`)
		}
		k.SinkTopics = nil
		for _, t := range topics {
			if named[t.Name] || (re != nil && re.MatchString(t.Name)) {
				k.SinkTopics = append(k.SinkTopics, t.Name)
			}
		}
		slices.Sort(k.SinkTopics)
	}
}
