package pipeline

// The snapshot history: <history dir>/<cluster>/<UTC time>.json, one file per snapshot taken,
// written by `kdocs snapshot` (AppendHistory) or by the nightly workflow, and read by the build
// for the changes and activity pages (loadHistory, activityReports). File names sort in time
// order.

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/activity"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// HistoryStamp is the file name (without .json) of a snapshot taken at t: the same UTC
// basic-format time the nightly workflow's `date -u +%Y%m%dT%H%M%SZ` writes.
func HistoryStamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// AppendHistory copies the snapshot file of cluster, taken at takenAt, into the history and
// removes the oldest files beyond the site's history.keep. It returns the file written, or ""
// when the history is turned off.
func AppendHistory(cfg *config.Site, cluster, file string, takenAt time.Time) (string, error) {
	keep := cfg.HistoryKeep()
	if keep == 0 {
		return "", nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("history of cluster %q: %w", cluster, err)
	}
	dir := filepath.Join(cfg.HistoryDir(), cluster)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("history of cluster %q: %w", cluster, err)
	}
	target := filepath.Join(dir, HistoryStamp(takenAt)+".json")
	tmp, err := os.CreateTemp(dir, ".history-*")
	if err != nil {
		return "", fmt.Errorf("history of cluster %q: %w", cluster, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("history of cluster %q: write %s: %w", cluster, target, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("history of cluster %q: %w", cluster, err)
	}
	files, err := historyFiles(dir)
	if err != nil {
		return target, err
	}
	for _, old := range files[:max(0, len(files)-keep)] {
		if err := os.Remove(old); err != nil {
			return target, fmt.Errorf("history of cluster %q: prune: %w", cluster, err)
		}
	}
	return target, nil
}

// historyFiles lists a cluster's history files, oldest first.
func historyFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history %s: %w", dir, err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(e.Name(), ".json") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(files)
	return files, nil
}

// loadHistory reads the newest history.read snapshots of each cluster, oldest first, and ends
// each list with the cluster's current snapshot when it is newer than the newest kept (a
// replayed or freshly taken snapshot not archived yet). A history file that cannot be read is
// left out with a warning naming it: one damaged night must not stop the site.
func loadHistory(cfg *config.Site, snaps []*snapshot.Snapshot, log *slog.Logger) (map[string][]*snapshot.Snapshot, []string, error) {
	history := map[string][]*snapshot.Snapshot{}
	var warnings []string
	for i, c := range cfg.Clusters {
		files, err := historyFiles(filepath.Join(cfg.HistoryDir(), c.Name))
		if err != nil {
			return nil, nil, err
		}
		files = files[max(0, len(files)-cfg.HistoryRead()):]
		var list []*snapshot.Snapshot
		for _, f := range files {
			s, err := snapshot.Load(f)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("history of cluster %q: %s left out: %v", c.Name, display(cfg.Dir, f), err))
				continue
			}
			s.Cluster.Name = c.Name
			if c.Environment != "" {
				s.Cluster.Environment = c.Environment
			}
			s.Normalize()
			list = append(list, s)
		}
		if cur := snaps[i]; len(list) == 0 || cur.TakenAt.After(list[len(list)-1].TakenAt) {
			list = append(list, cur)
		}
		log.Debug("history read", "cluster", c.Name, "snapshots", len(list))
		history[c.Name] = list
	}
	return history, warnings, nil
}

// activityReports reads each cluster's history into its activity report (generator/activity),
// with site.yaml's activity.idleAfter.
func activityReports(cfg *config.Site, history map[string][]*snapshot.Snapshot) map[string]*activity.Report {
	reports := make(map[string]*activity.Report, len(history))
	opts := activity.Options{IdleAfter: cfg.ActivityIdleAfter()}
	for name, snaps := range history {
		reports[name] = activity.Compute(snaps, opts)
	}
	return reports
}
