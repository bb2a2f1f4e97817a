package diff

// The cluster as a whole: its identity, its health and its brokers.

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func (d *differ) cluster() {
	name := d.after.Cluster.Name
	if name == "" {
		name = d.before.Cluster.Name
	}
	res := clusterResource(name)
	if a, b := d.before.Cluster.ID, d.after.Cluster.ID; a != "" && b != "" && a != b {
		d.add(ClusterIDChanged, Breaking, res, a, b,
			"cluster id changed from %s to %s: the cluster was recreated, or the snapshots are of different clusters", a, b)
	}
	// Health is compared by status only: its reasons carry counts that move with every
	// snapshot, and a changelog of "3 → 4 under-replicated partitions" would be noise.
	hb, ha := health.Evaluate(d.before), health.Evaluate(d.after)
	if hb.Status == ha.Status {
		return
	}
	severity := Info
	switch {
	case ha.Status == health.Down:
		severity = Breaking
	case ha.Status > hb.Status:
		severity = Warning
	}
	msg := fmt.Sprintf("health went from %s to %s", hb.Status, ha.Status)
	if len(ha.Reasons) > 0 {
		msg += ": " + strings.Join(ha.Reasons, "; ")
	}
	d.add(HealthChanged, severity, res, hb.Status.String(), ha.Status.String(), "%s", msg)
}

func (d *differ) brokers() {
	before, after := brokersByID(d.before.Cluster.Brokers), brokersByID(d.after.Cluster.Brokers)
	for _, id := range union(before, after) {
		b, inBefore := before[id]
		a, inAfter := after[id]
		res := brokerResource(id)
		switch {
		case !inBefore:
			d.add(BrokerAdded, Info, res, "", brokerAddress(a), "broker %d joined the cluster at %s", id, brokerAddress(a))
		case !inAfter:
			d.add(BrokerRemoved, Warning, res, brokerAddress(b), "",
				"broker %d left the cluster (it was at %s): its partitions have fewer replicas until it returns", id, brokerAddress(b))
		default:
			if brokerAddress(b) != brokerAddress(a) {
				d.add(BrokerChanged, Info, res, brokerAddress(b), brokerAddress(a),
					"broker %d moved from %s to %s", id, brokerAddress(b), brokerAddress(a))
			}
			// Only Kafka's non-default configs are recorded, so a broker whose configs could
			// not be read would seem to have lost them all.
			if !d.unreadable("brokers", res) {
				d.configs(res, b.Configs, a.Configs)
			}
		}
	}
}

func brokersByID(bs []snapshot.Broker) map[int32]snapshot.Broker {
	m := make(map[int32]snapshot.Broker, len(bs))
	for _, b := range bs {
		m[b.ID] = b
	}
	return m
}

// brokerAddress is where clients reach the broker, and its rack, which placement depends on.
func brokerAddress(b snapshot.Broker) string {
	addr := net.JoinHostPort(b.Host, strconv.Itoa(b.Port))
	if b.Rack != "" {
		addr += " rack " + strconv.Quote(b.Rack)
	}
	return addr
}
