// Package collect runs one snapshot of every live cluster in site.yaml: each cluster
// concurrently, its registry attached, its file written atomically. One cluster failing never
// stops the others, and never overwrites that cluster's previous snapshot.
package collect

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/connect"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// KafkaFunc reads one cluster. It fails only when the cluster cannot be read at all; partial
// failures are recorded in the snapshot's Errors.
type KafkaFunc func(ctx context.Context, c config.Cluster) (*snapshot.Snapshot, error)

// RegistryFunc reads one Schema Registry. It may return a partial Registry together with an
// error for what it could not read; its errors never quote the registry's credentials.
type RegistryFunc func(ctx context.Context, r config.Registry) (*snapshot.Registry, error)

// ConnectFunc reads one Kafka Connect cluster: what it could read (never nil) and what it
// could not, as snapshot errors. It never returns a secret of a connector's config.
type ConnectFunc func(ctx context.Context, c config.Connect) (*snapshot.ConnectCluster, []snapshot.Error)

// Options wires the collectors and the environment of a run.
type Options struct {
	Kafka    KafkaFunc
	Registry RegistryFunc
	// Connect reads the cluster's connect: entries that have a url; nil leaves them out.
	Connect ConnectFunc
	// Version is recorded in every snapshot as kdocsVersion.
	Version string
	// Now stamps takenAt; tests fix it to prove byte-identical output.
	Now    func() time.Time
	Logger *slog.Logger
}

// Outcome is what happened to one cluster.
type Outcome struct {
	Cluster string
	// Path is the snapshot file written; empty when Err is set.
	Path     string
	Health   health.Report
	Partial  bool
	Err      error
	Duration time.Duration
}

// Run snapshots every live cluster of the site. Replayed clusters (snapshot: in site.yaml)
// are left alone. Outcomes are in site.yaml order.
func Run(ctx context.Context, site *config.Site, opts Options) []Outcome {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	var live []config.Cluster
	for _, c := range site.Clusters {
		if c.Live() {
			live = append(live, c)
		} else {
			opts.Logger.Info("skipping replayed cluster", "cluster", c.Name, "snapshot", c.Snapshot)
		}
	}
	out := make([]Outcome, len(live))
	var wg sync.WaitGroup
	for i, c := range live {
		wg.Go(func() {
			start := time.Now()
			out[i] = one(ctx, site, c, opts)
			out[i].Duration = time.Since(start)
		})
	}
	wg.Wait()
	return out
}

func one(ctx context.Context, site *config.Site, c config.Cluster, opts Options) Outcome {
	res := Outcome{Cluster: c.Name}
	log := opts.Logger.With("cluster", c.Name)
	log.Info("snapshot started", "bootstrap", c.Bootstrap)
	for _, w := range c.Warnings() {
		// Weakened security (insecureSkipVerify, PLAIN in clear) is said on every run.
		log.Warn(w)
	}
	snap, err := opts.Kafka(ctx, c)
	if err != nil {
		res.Err = err
		res.Health = health.Report{Status: health.Down, Reasons: []string{err.Error()}}
		log.Error("snapshot failed; previous snapshot kept", "error", err)
		return res
	}
	if c.SchemaRegistry != nil {
		// A registry may answer in part (some subjects failed): keep what it gave and record the
		// rest. The cluster's facts stay useful without schemas, so this never fails the run.
		reg, err := opts.Registry(ctx, *c.SchemaRegistry)
		if reg != nil {
			snap.Registry = reg
		}
		if err != nil {
			snap.Errors = append(snap.Errors, snapshot.Error{Scope: "registry", Resource: c.SchemaRegistry.URL, Message: err.Error()})
			log.Warn("schema registry not fully read", "url", c.SchemaRegistry.URL, "error", err)
		}
	}
	// Only the registry says which schema ids are Protobuf; the bytes after any other id are
	// the payload's, and never reach the file.
	protobuf := snap.Registry.ProtobufIDs()
	snap.Samples.KeepMessageIndexes(func(id int) bool { return protobuf[id] })
	if opts.Connect != nil {
		collectConnect(ctx, c, snap, opts.Connect, log)
	}
	snap.Format = snapshot.Format
	snap.KdocsVersion = opts.Version
	snap.TakenAt = opts.Now().UTC()
	snap.Cluster.Name = c.Name
	snap.Cluster.Environment = c.Environment
	path := site.SnapshotPath(c)
	if err := snapshot.Save(path, snap); err != nil {
		res.Err = fmt.Errorf("cluster %q: %w", c.Name, err)
		return res
	}
	res.Path = path
	res.Partial = snap.Partial()
	res.Health = health.Evaluate(snap)
	log.Info("snapshot written", "path", path, "topics", len(snap.Topics), "groups", len(snap.Groups), "health", res.Health.Status.String())
	return res
}

// collectConnect reads the cluster's Connect clusters one after another (each bounds its own
// requests) and resolves their sinks' topics against the cluster's topics. A Connect cluster
// that cannot be read is recorded in errors; the cluster's snapshot is kept.
func collectConnect(ctx context.Context, c config.Cluster, snap *snapshot.Snapshot, read ConnectFunc, log *slog.Logger) {
	for _, k := range c.Connect {
		if !k.Collected() {
			continue
		}
		cc, errs := read(ctx, k)
		if cc == nil {
			cc = &snapshot.ConnectCluster{Name: k.Name, URL: k.URL}
		}
		connect.ResolveSinkTopics(cc, snap.Topics)
		snap.Connect = append(snap.Connect, *cc)
		snap.Errors = append(snap.Errors, errs...)
		if len(errs) > 0 {
			log.Warn("kafka connect not fully read", "connect", k.Name, "url", k.URL, "errors", len(errs), "first", errs[0].Message)
		} else {
			log.Info("kafka connect read", "connect", k.Name, "url", k.URL, "connectors", len(cc.Connectors))
		}
	}
}
