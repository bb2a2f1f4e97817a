package config

import (
	"fmt"
	"path/filepath"
)

// History configures the snapshot history behind the changes pages: `kdocs snapshot` keeps a
// copy of every snapshot it takes at <dir>/<cluster>/<UTC time>.json, and `kdocs build` compares
// the newest of them.
type History struct {
	// Dir holds the history (default <snapshots>/history), relative to site.yaml.
	Dir string `yaml:"dir"`
	// Keep is how many snapshots per cluster `kdocs snapshot` keeps (default 90); -1 turns the
	// history off.
	Keep int `yaml:"keep"`
	// Read is how many of the newest snapshots per cluster a build compares (default 30), which
	// keeps builds fast however long the history grows.
	Read int `yaml:"read"`
}

// Defaults of the history.
const (
	DefaultHistoryKeep = 90
	DefaultHistoryRead = 30
)

// HistoryDir is where the snapshot history lives.
func (s *Site) HistoryDir() string {
	if s.History.Dir == "" {
		return filepath.Join(s.Snapshots, "history")
	}
	return s.resolve(s.History.Dir)
}

// HistoryKeep is how many snapshots per cluster to keep; 0 means no history is written.
func (s *Site) HistoryKeep() int {
	switch {
	case s.History.Keep < 0:
		return 0
	case s.History.Keep == 0:
		return DefaultHistoryKeep
	}
	return s.History.Keep
}

// HistoryRead is how many of the newest snapshots per cluster a build reads.
func (s *Site) HistoryRead() int {
	if s.History.Read <= 0 {
		return DefaultHistoryRead
	}
	return s.History.Read
}

func (h History) validate() error {
	if h.Keep < -1 {
		return fmt.Errorf("history.keep: %d: want a number of snapshots, or -1 to keep no history", h.Keep)
	}
	if h.Read < 0 {
		return fmt.Errorf("history.read: %d: want a number of snapshots", h.Read)
	}
	return nil
}
