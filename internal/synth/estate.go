// Package synth builds the synthetic estate that benchmarks and scale tests share: topics named
// domain.entity-event.vN as a naming convention would give them, consumer groups with lag and
// Avro value subjects of ten documented fields. One generator keeps the search, build and
// browser measurements comparable: they all describe the same 10,000-topic estate.
package synth

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Options size the estate. Zero values take the defaults below.
type Options struct {
	Cluster    string // default "big"
	Topics     int    // default 10,000
	Partitions int    // per topic, default 1
	Brokers    int    // default 1; replication factor is min(3, Brokers)
	// SubjectEvery and GroupEvery give one value subject per that many topics (default 5) and
	// one consumer group, reading every partition of a topic, per that many (default 10).
	SubjectEvery, GroupEvery int
	// Versions is how many versions each subject has (default 1); each adds an optional field,
	// so the registry's BACKWARD verdict holds between them.
	Versions int
}

var (
	domains = strings.Fields("orders payments inventory shipping customers marketing analytics fraud catalog billing " +
		"accounts pricing search reviews loyalty notifications returns warehouse logistics identity")
	entities = strings.Fields("order payment stock parcel customer campaign session score product invoice account price " +
		"query review points email refund bin route user cart coupon address shipment ledger")
	events = strings.Fields("created updated deleted placed cancelled shipped reserved released audited snapshot changed " +
		"requested approved rejected expired completed failed scheduled archived merged")
	fields = strings.Fields("id createdAt updatedAt customerId amountMinor currency status source correlationId version " +
		"tenantId region channel reasonCode externalRef note")
)

// Estate returns the synthetic cluster's snapshot, normalized. The same options give the same
// snapshot.
func Estate(o Options) *snapshot.Snapshot {
	o = o.withDefaults()
	s := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "synth", TakenAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		Cluster:  snapshot.Cluster{Name: o.Cluster, ID: "synth-" + o.Cluster, ControllerID: 1},
		Registry: &snapshot.Registry{URL: "http://registry:8081", Compatibility: "BACKWARD"}}
	brokers := int32(o.Brokers)
	for b := int32(1); b <= brokers; b++ {
		s.Cluster.Brokers = append(s.Cluster.Brokers, snapshot.Broker{ID: b, Host: fmt.Sprintf("kafka-%d", b), Port: 9092, Rack: fmt.Sprintf("rack-%d", b)})
	}
	rf := min(3, o.Brokers)
	perName := len(domains) * len(entities) * len(events)
	for i := range o.Topics {
		d, e, ev := domains[i%len(domains)], entities[(i/len(domains))%len(entities)], events[(i/(len(domains)*len(entities)))%len(events)]
		name := fmt.Sprintf("%s.%s-%s.v%d", d, e, ev, 1+i/perName)
		t := snapshot.Topic{Name: name, ReplicationFactor: rf}
		for p := range int32(o.Partitions) {
			var reps []int32
			for r := range int32(rf) {
				reps = append(reps, 1+(int32(i)+p+r)%brokers)
			}
			t.Partitions = append(t.Partitions, snapshot.Partition{ID: p, Leader: reps[0], Replicas: reps, ISR: reps,
				EarliestOffset: int64(i), LatestOffset: latest(i, p)})
		}
		t.Configs = []snapshot.Config{
			{Name: "cleanup.policy", Value: "delete", Source: "DEFAULT_CONFIG"},
			{Name: "min.insync.replicas", Value: "2", Source: "DYNAMIC_TOPIC_CONFIG"},
			{Name: "retention.ms", Value: strconv.Itoa(86_400_000 * (1 + i%14)), Source: "DYNAMIC_TOPIC_CONFIG"},
			{Name: "segment.bytes", Value: "1073741824", Source: "DEFAULT_CONFIG"},
		}
		s.Topics = append(s.Topics, t)
		if i%o.SubjectEvery == 0 {
			var fs []string
			for f := range 10 {
				fs = append(fs, fmt.Sprintf(`{"name":"%s%d","type":"string","doc":"The %s of the %s."}`,
					fields[(i/5+f)%len(fields)], f, fields[(i+f)%len(fields)], e))
			}
			sub := snapshot.Subject{Name: name + "-value"}
			for v := range o.Versions {
				if v > 0 {
					fs = append(fs, fmt.Sprintf(`{"name":"added%d","type":["null","string"],"default":null,"doc":"Added in version %d."}`, v, v+1))
				}
				sub.Versions = append(sub.Versions, snapshot.SchemaVersion{Version: v + 1, ID: i*o.Versions + v + 1, Type: "AVRO",
					Schema: fmt.Sprintf(`{"type":"record","name":"R%d","namespace":"com.acme.%s","fields":[%s]}`, i, d, strings.Join(fs, ","))})
			}
			s.Registry.Subjects = append(s.Registry.Subjects, sub)
		}
		if i%o.GroupEvery == 0 {
			g := snapshot.Group{ID: fmt.Sprintf("%s-%s-consumer-%d", d, e, i/o.GroupEvery), State: "Stable", ProtocolType: "consumer", Protocol: "range"}
			for p := range int32(o.Partitions) {
				g.Offsets = append(g.Offsets, snapshot.GroupOffset{Topic: name, Partition: p, Committed: latest(i, p) - 3, LatestOffset: latest(i, p), Lag: 3})
				g.TotalLag += 3
			}
			s.Groups = append(s.Groups, g)
		}
	}
	s.Normalize()
	return s
}

func latest(topic int, p int32) int64 { return int64(topic*100 + int(p)*7) }

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.Cluster == "" {
		o.Cluster = "big"
	}
	def(&o.Topics, 10_000)
	def(&o.Partitions, 1)
	def(&o.Brokers, 1)
	def(&o.SubjectEvery, 5)
	def(&o.GroupEvery, 10)
	def(&o.Versions, 1)
	return o
}
