package site

// What site.yaml declares about the estate beyond the snapshots (Kafka Connect clusters,
// ksqlDB servers, replication flows), and the KRaft controller quorum as the brokers'
// configs describe it. The build passes the declarations in; the model takes them as given.

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/diagram"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/schema"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Estate is what site.yaml declares beyond the snapshots. The zero value declares nothing.
type Estate struct {
	// Services are each cluster's declared companions, by cluster name.
	Services map[string]Services
	// Replication lists the declared replication flows, in site.yaml order.
	Replication []DeclaredReplication
	// Schemas say how each cluster's topics name their schema subjects, by cluster name.
	Schemas map[string]SchemaNaming
	// Annotations are site.yaml's annotations, by cluster name (see annotation.go).
	Annotations map[string]DeclaredAnnotations
	// PublishSnapshots is how the site publishes each snapshot (Cluster.SnapshotFile):
	// SnapshotsGzip (the default when empty), SnapshotsJSON or SnapshotsNone.
	PublishSnapshots string
	// ParseSchema parses one schema version; nil means schema.Parse. A build hands in one that
	// keeps the previous build's parses (parsing is most of the model's work on a large
	// registry), and it must answer as schema.Parse would.
	ParseSchema SchemaParser
}

// SchemaParser parses schema text as schema.Parse does. It is called from several goroutines.
type SchemaParser func(kind schema.Kind, text string, refs map[string]string) (*schema.Tree, error)

// The ways a site publishes its snapshots (site.yaml's publishSnapshots).
const (
	SnapshotsGzip = "gzip"
	SnapshotsJSON = "json"
	SnapshotsNone = "none"
)

// snapshotFile is where a cluster's snapshot is published, "" when it is not.
func (e Estate) snapshotFile(slug string) string {
	switch e.PublishSnapshots {
	case SnapshotsNone:
		return ""
	case SnapshotsJSON:
		return "snapshots/" + slug + ".json"
	}
	return "snapshots/" + slug + ".json.gz"
}

// Services are the declared Kafka Connect clusters and ksqlDB servers of one cluster.
type Services struct {
	Connect []Service
	KsqlDB  []Service
}

// Service is a declared Kafka Connect cluster or ksqlDB server; URL may be empty.
type Service struct {
	Name string
	URL  string
}

// DeclaredReplication is a replication flow named in site.yaml: From's topics matching Topics
// (a regular expression) are copied to To, and back too when Mode is "active-active".
type DeclaredReplication struct {
	From, To string
	Topics   string
	Mode     string
}

// ControllerRow is one voter of a KRaft controller quorum.
type ControllerRow struct {
	// ID is the voter's node id; -1 when the quorum is known only by its bootstrap servers.
	ID   int32
	Host string
	Port int
	// Broker marks a node that is also a broker (process.roles=broker,controller).
	Broker bool
}

// controllers reads the KRaft quorum from the brokers' configs: the voters of
// controller.quorum.voters ("1@host:9093,2@host:9093"), else the servers of
// controller.quorum.bootstrap.servers (a dynamic quorum, KIP-853, whose voters' ids the
// configs do not name). A voter is a broker too when a broker of that node id has
// process.roles with both roles. Nil when no broker's configs mention a quorum (a ZooKeeper
// cluster, or configs not readable).
func controllers(brokers []snapshot.Broker) []ControllerRow {
	var voters, bootstrap string
	combined := map[int32]bool{}
	for _, b := range brokers {
		for _, c := range b.Configs {
			switch c.Name {
			case "controller.quorum.voters":
				voters = cmp.Or(voters, c.Value)
			case "controller.quorum.bootstrap.servers":
				bootstrap = cmp.Or(bootstrap, c.Value)
			case "process.roles":
				roles := strings.Split(strings.ReplaceAll(c.Value, " ", ""), ",")
				if slices.Contains(roles, "broker") && slices.Contains(roles, "controller") {
					combined[b.ID] = true
				}
			}
		}
	}
	var out []ControllerRow
	if voters != "" {
		for _, v := range strings.Split(voters, ",") {
			id, addr, ok := strings.Cut(strings.TrimSpace(v), "@")
			n, err := strconv.ParseInt(id, 10, 32)
			if !ok || err != nil {
				continue
			}
			host, port := splitHostPort(addr)
			out = append(out, ControllerRow{ID: int32(n), Host: host, Port: port, Broker: combined[int32(n)]})
		}
		return out
	}
	for _, addr := range strings.Split(bootstrap, ",") {
		if addr = strings.TrimSpace(addr); addr != "" {
			host, port := splitHostPort(addr)
			out = append(out, ControllerRow{ID: -1, Host: host, Port: port})
		}
	}
	return out
}

// splitHostPort splits "host:9093" and "[::1]:9093"; a missing or bad port is 0.
func splitHostPort(addr string) (string, int) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return addr, 0
	}
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil {
		return addr, 0
	}
	return strings.TrimSuffix(strings.TrimPrefix(addr[:i], "["), "]"), port
}

// architecture gathers what the overview's architecture diagram draws.
func architecture(snap *snapshot.Snapshot, d *ClusterData) diagram.Architecture {
	a := diagram.Architecture{Cluster: snap.Cluster.Name, Brokers: snap.Cluster.Brokers, ControllerID: snap.Cluster.ControllerID}
	if snap.Registry != nil {
		a.Registry = snap.Registry.URL
	}
	for _, c := range d.Controllers {
		a.Controllers = append(a.Controllers, diagram.Controller{ID: c.ID, Host: c.Host, Port: c.Port, Broker: c.Broker})
	}
	// The Connect clusters kdocs read, then those site.yaml declares that it did not.
	read := map[string]bool{}
	for i := range snap.Connect {
		cc := &snap.Connect[i]
		read[cc.Name] = true
		a.Connect = append(a.Connect, diagram.Service{Name: cc.Name, URL: cc.URL, Detail: connectDetail(cc)})
	}
	for _, s := range d.Connect {
		if !read[s.Name] {
			a.Connect = append(a.Connect, diagram.Service{Name: s.Name, URL: s.URL, Detail: "declared in site.yaml", Declared: true})
		}
	}
	for _, s := range d.KsqlDB {
		a.KsqlDB = append(a.KsqlDB, diagram.Service{Name: s.Name, URL: s.URL, Detail: "declared in site.yaml", Declared: true})
	}
	return a
}

// connectDetail says what kdocs read of a Connect cluster, for the architecture diagram:
// "discovered · Connect 4.1.1 · 1 worker · 6 connectors, 1 failed" (the workers are those running
// a connector or a task), or "not readable" when nothing answered.
func connectDetail(cc *snapshot.ConnectCluster) string {
	if cc.Version == "" {
		return "discovered: not readable (see errors)"
	}
	failed := 0
	workers := map[string]bool{}
	for i := range cc.Connectors {
		k := &cc.Connectors[i]
		if lineage.State(k) == "FAILED" {
			failed++
		}
		if k.WorkerID != "" {
			workers[k.WorkerID] = true
		}
		for _, t := range k.Tasks {
			if t.WorkerID != "" {
				workers[t.WorkerID] = true
			}
		}
	}
	text := "discovered · Connect " + cc.Version + " · "
	if len(workers) > 0 {
		text += strconv.Itoa(len(workers)) + " worker"
		if len(workers) > 1 {
			text += "s"
		}
		text += " · "
	}
	text += strconv.Itoa(len(cc.Connectors)) + " connectors"
	if failed > 0 {
		text += ", " + strconv.Itoa(failed) + " failed"
	}
	return text
}
