package site

// A cluster's brokers page: each broker with its share of the partitions (leaders and
// replicas, from the topics' metadata), the size of its log directories, and the configs it
// runs with that differ from Kafka's defaults, each with where it was set.

import (
	"slices"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// TemplateBrokers is the brokers page's template.
const TemplateBrokers = "brokers"

// BrokersData is a cluster's brokers page.
type BrokersData struct {
	Cluster *Cluster
	// ControllerID is the active controller as the metadata names it; -1 on KRaft clusters,
	// whose brokers never are.
	ControllerID int32
	Brokers      []BrokerRow
	// Partitions counts every partition of the cluster, Replicas every replica.
	Partitions, Replicas int
	// LogDirsRecorded and ConfigsRecorded say whether the snapshot holds any broker's log
	// directories or configs at all (older snapshots and brokers that refused do not).
	LogDirsRecorded, ConfigsRecorded bool
}

// BrokerRow is one broker.
type BrokerRow struct {
	ID   int32
	Host string
	Port int
	Rack string
	// Controller marks the active controller the metadata names (ZooKeeper clusters);
	// Voter a node that is also a KRaft controller (process.roles=broker,controller).
	Controller, Voter bool
	// Leaders and Replicas count the partitions the broker leads and holds a replica of.
	Leaders, Replicas int
	LogDirs           []snapshot.LogDir
	// LogDirBytes sums LogDirs' sizes; LogDirErrors counts the directories it could not read.
	LogDirBytes  int64
	LogDirErrors int
	Configs      []BrokerConfigRow
}

// BrokerConfigRow is one non-default config of a broker.
type BrokerConfigRow struct {
	Name, Value string
	Sensitive   bool
	// Source is Kafka's name for where it was set (STATIC_BROKER_CONFIG …); Origin says it in words.
	Source, Origin string
}

// buildBrokers counts each broker's partitions and lists its log directories and configs.
func buildBrokers(c *Cluster, snap *snapshot.Snapshot) *BrokersData {
	d := &BrokersData{Cluster: c, ControllerID: snap.Cluster.ControllerID}
	leaders, replicas := map[int32]int{}, map[int32]int{}
	for _, t := range snap.Topics {
		for _, p := range t.Partitions {
			d.Partitions++
			if p.Leader >= 0 {
				leaders[p.Leader]++
			}
			for _, r := range p.Replicas {
				replicas[r]++
				d.Replicas++
			}
		}
	}
	voters := map[int32]bool{}
	for _, c := range controllers(snap.Cluster.Brokers) {
		voters[c.ID] = c.Broker
	}
	for _, b := range snap.Cluster.Brokers {
		row := BrokerRow{Voter: voters[b.ID], ID: b.ID, Host: b.Host, Port: b.Port, Rack: b.Rack, Controller: b.ID == snap.Cluster.ControllerID,
			Leaders: leaders[b.ID], Replicas: replicas[b.ID], LogDirs: b.LogDirs}
		for _, l := range b.LogDirs {
			row.LogDirBytes += l.SizeBytes
			if l.Error != "" {
				row.LogDirErrors++
			}
		}
		for _, cfg := range b.Configs {
			row.Configs = append(row.Configs, BrokerConfigRow{Name: cfg.Name, Value: cfg.Value, Sensitive: cfg.Sensitive,
				Source: cfg.Source, Origin: brokerConfigOrigin(cfg.Source)})
		}
		d.LogDirsRecorded = d.LogDirsRecorded || len(b.LogDirs) > 0
		d.ConfigsRecorded = d.ConfigsRecorded || len(b.Configs) > 0
		d.Brokers = append(d.Brokers, row)
	}
	slices.SortFunc(d.Brokers, func(a, b BrokerRow) int { return int(a.ID) - int(b.ID) })
	return d
}

// brokerConfigOrigin says where a broker's config was set.
func brokerConfigOrigin(source string) string {
	switch source {
	case "STATIC_BROKER_CONFIG":
		return "server.properties"
	case "DYNAMIC_BROKER_CONFIG":
		return "dynamic, this broker"
	case "DYNAMIC_DEFAULT_BROKER_CONFIG":
		return "dynamic, cluster-wide default"
	case "DYNAMIC_BROKER_LOGGER_CONFIG":
		return "dynamic, logger"
	case "DEFAULT_CONFIG":
		return "Kafka default"
	case "":
		return "unknown"
	}
	return source
}
