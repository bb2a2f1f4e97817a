package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/kdocs/kdocs/generator/collect"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/connect"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/registry"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func snapshotFormat() string { return snapshot.Format }

func snapshotCommand() command {
	return command{name: "snapshot", summary: "Read every live cluster (and its Schema Registry) into one JSON snapshot per cluster.\nFiles go to the snapshot directory of site.yaml, with a copy in its history for the changes\npages; a cluster that cannot be read keeps its previous file.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			failOn := fs.String("fail-on", "", "exit 1 when any cluster's health is at least this bad: degraded or down")
			return func(ctx context.Context) error {
				var threshold *health.Status
				if *failOn != "" {
					st, err := health.ParseStatus(*failOn)
					if err != nil || st == health.Healthy {
						return usageError{fmt.Sprintf("--fail-on %q: want degraded or down", *failOn)}
					}
					threshold = &st
				}
				site, err := e.loadConfig()
				if err != nil {
					return err
				}
				outcomes, err := takeSnapshots(ctx, e, site, true)
				if err != nil {
					return err
				}
				var failed int
				for _, o := range outcomes {
					if o.Err != nil {
						failed++
						fmt.Fprintf(e.stdout, "%-20s FAILED  %v\n", o.Cluster, o.Err)
						continue
					}
					partial := ""
					if o.Partial {
						partial = " (partial)"
					}
					fmt.Fprintf(e.stdout, "%-20s %-8s %s%s in %s\n", o.Cluster, o.Health.Status, o.Path, partial, o.Duration.Round(1e6))
					for _, r := range o.Health.Reasons {
						fmt.Fprintf(e.stdout, "%-20s          - %s\n", "", r)
					}
				}
				if failed > 0 {
					return fmt.Errorf("%d of %d clusters could not be read", failed, len(outcomes))
				}
				if threshold != nil {
					for _, o := range outcomes {
						if o.Health.Status >= *threshold {
							return fmt.Errorf("cluster %q is %s (--fail-on %s)", o.Cluster, o.Health.Status, *failOn)
						}
					}
				}
				return nil
			}
		}}
}

// takeSnapshots snapshots every live cluster of site and keeps each new snapshot in the
// history; `kdocs snapshot` and `kdocs serve --snapshot-every` share it. A cluster whose
// snapshot cannot be archived counts as failed. bar shows a progress report per cluster.
func takeSnapshots(ctx context.Context, e *env, site *config.Site, bar bool) ([]collect.Outcome, error) {
	live := 0
	for _, c := range site.Clusters {
		if c.Live() {
			live++
		}
	}
	if live == 0 {
		return nil, fmt.Errorf("%s: no live cluster (with bootstrap servers) to snapshot", site.Path)
	}
	step := func(string) {}
	if bar {
		b := e.progress("snapshot", live)
		defer b.Finish()
		step = b.Step
	}
	outcomes := collect.Run(ctx, site, collect.Options{
		Kafka: func(ctx context.Context, c config.Cluster) (*snapshot.Snapshot, error) {
			s, err := kafka.Collect(ctx, c)
			step(c.Name)
			return s, err
		},
		Registry: registry.CollectConfig,
		Connect:  connect.CollectConfig,
		Version:  version(), Logger: e.log,
	})
	askPromotions(ctx, site, outcomes, registryCompatibility, e.log)
	for i, o := range outcomes {
		if o.Err != nil {
			continue
		}
		kept, err := archive(site, o)
		if err != nil {
			outcomes[i].Err = err
			continue
		}
		if kept != "" {
			e.log.Debug("snapshot kept in the history", "cluster", o.Cluster, "file", kept)
		}
	}
	return outcomes, nil
}

// archive keeps a copy of a cluster's new snapshot in the history, for the changes pages.
func archive(site *config.Site, o collect.Outcome) (string, error) {
	snap, err := snapshot.Load(o.Path)
	if err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	return pipeline.AppendHistory(site, o.Cluster, o.Path, snap.TakenAt)
}
