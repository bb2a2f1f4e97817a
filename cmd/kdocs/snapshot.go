package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/kdocs/kdocs/generator/collect"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/connect"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/registry"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func snapshotFormat() string { return snapshot.Format }

func snapshotCommand() command {
	return command{name: "snapshot",
		short: "Read every live cluster and its Schema Registry into one JSON snapshot per cluster.",
		long: `Read every live cluster (and its Schema Registry and Kafka Connect) into one JSON snapshot
per cluster. Files go to the snapshot directory of site.yaml, with a copy in its history for
the changes pages; a cluster that cannot be read keeps its previous file.

Exit status: 0 when every cluster was read, 1 when one could not be, 2 for a wrong command
line, 3 when a cluster's health reached --fail-on (its snapshot is still written).`,
		example: `  kdocs snapshot                          # every cluster with bootstrap servers in site.yaml
  kdocs snapshot --fail-on degraded       # exit 3 when a cluster is degraded or down
  kdocs snapshot --json-summary | jq .    # one JSON object for a CI step to read`,
		complete: func(c *cobra.Command) { completeValues(c, "fail-on", "degraded", "down") },
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			failOn := fs.String("fail-on", "", "exit 3 when any cluster's health is at least this bad: degraded or down")
			jsonSummary := fs.Bool("json-summary", false, "print one JSON object on stdout instead of the text report: each cluster's status, file, reasons and error")
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
				sum := snapshotSummary{Clusters: []clusterSummary{}}
				for _, o := range outcomes {
					cs := clusterSummary{Cluster: o.Cluster, DurationMS: o.Duration.Milliseconds()}
					if o.Err != nil {
						failed++
						cs.Status, cs.Error = "failed", o.Err.Error()
						sum.Clusters = append(sum.Clusters, cs)
						if !*jsonSummary {
							fmt.Fprintf(e.stdout, "%-20s FAILED  %v\n", o.Cluster, o.Err)
						}
						continue
					}
					cs.Status, cs.Path, cs.Partial, cs.Reasons = o.Health.Status.String(), o.Path, o.Partial, o.Health.Reasons
					if threshold != nil && o.Health.Status >= *threshold {
						cs.FailOn = true
					}
					sum.Clusters = append(sum.Clusters, cs)
					if *jsonSummary {
						continue
					}
					partial := ""
					if o.Partial {
						partial = " (partial)"
					}
					fmt.Fprintf(e.stdout, "%-20s %-8s %s%s in %s\n", o.Cluster, o.Health.Status, o.Path, partial, o.Duration.Round(time.Millisecond))
					for _, r := range o.Health.Reasons {
						fmt.Fprintf(e.stdout, "%-20s          - %s\n", "", r)
					}
				}
				sum.Failed = failed
				if *jsonSummary {
					if err := writeJSON(e.product, sum); err != nil {
						return fmt.Errorf("write summary: %w", err)
					}
				}
				if failed > 0 {
					return fmt.Errorf("%d of %d clusters could not be read", failed, len(outcomes))
				}
				if threshold != nil {
					for _, o := range outcomes {
						if o.Health.Status >= *threshold {
							return failOnError{fmt.Sprintf("cluster %q is %s (--fail-on %s)", o.Cluster, o.Health.Status, *failOn)}
						}
					}
				}
				return nil
			}
		}}
}

// snapshotSummary is what --json-summary prints: the contract for CI steps that read it
// (docs/cli.md).
type snapshotSummary struct {
	Clusters []clusterSummary `json:"clusters"`
	// Failed counts the clusters that could not be read.
	Failed int `json:"failed"`
}

type clusterSummary struct {
	Cluster string `json:"cluster"`
	// Status is healthy, degraded, down, or failed (not read at all: see Error).
	Status     string   `json:"status"`
	Path       string   `json:"path,omitempty"`
	Partial    bool     `json:"partial,omitempty"`
	Reasons    []string `json:"reasons,omitempty"`
	Error      string   `json:"error,omitempty"`
	FailOn     bool     `json:"failOn,omitempty"`
	DurationMS int64    `json:"durationMs"`
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Names and messages are untrusted text, but this is JSON, not HTML: keep them readable.
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
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
