package site

// A topic's configs in the three groups its page shows them in: set on the topic, inherited
// from the brokers, and at Kafka's default. Each keeps the snapshot's order (by name).

// OwnConfigs are the configs set on the topic itself: its overrides.
func (d *TopicData) OwnConfigs() []ConfigRow {
	return d.configsWhere(func(r ConfigRow) bool { return r.Override })
}

// InheritedConfigs are the configs whose value comes from the brokers' configuration (static,
// dynamic per broker, or dynamic cluster-wide): shared by every topic that does not set them.
func (d *TopicData) InheritedConfigs() []ConfigRow {
	return d.configsWhere(func(r ConfigRow) bool { return !r.Override && !r.Default })
}

// DefaultConfigs are the configs at Kafka's default value. Empty for snapshots that predate
// recording defaults.
func (d *TopicData) DefaultConfigs() []ConfigRow {
	return d.configsWhere(func(r ConfigRow) bool { return r.Default })
}

func (d *TopicData) configsWhere(keep func(ConfigRow) bool) []ConfigRow {
	var out []ConfigRow
	for _, r := range d.Configs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}
