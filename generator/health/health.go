// Package health derives a cluster's health (healthy, degraded, down) and the reasons for it
// from a snapshot alone, so the site and `kdocs snapshot --fail-on` agree by construction.
package health

import (
	"fmt"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Status orders from best to worst, so statuses compare with < and >.
type Status int

const (
	Healthy Status = iota
	Degraded
	Down
)

func (s Status) String() string {
	switch s {
	case Healthy:
		return "healthy"
	case Degraded:
		return "degraded"
	default:
		return "down"
	}
}

// ParseStatus reads "healthy", "degraded" or "down".
func ParseStatus(v string) (Status, error) {
	for _, s := range []Status{Healthy, Degraded, Down} {
		if s.String() == v {
			return s, nil
		}
	}
	return Down, fmt.Errorf("unknown health %q (want healthy, degraded or down)", v)
}

// Report is a status and the facts that led to it, one sentence each.
type Report struct {
	Status  Status
	Reasons []string
}

// Evaluate derives the health of one snapshot.
func Evaluate(s *snapshot.Snapshot) Report {
	var r Report
	worse := func(st Status, format string, args ...any) {
		r.Status = max(r.Status, st)
		r.Reasons = append(r.Reasons, fmt.Sprintf(format, args...))
	}
	for _, e := range s.Errors {
		if e.Scope == "cluster" {
			worse(Down, "cluster unreachable: %s", e.Message)
		}
	}
	if len(s.Cluster.Brokers) == 0 && r.Status < Down {
		worse(Down, "no broker answered")
	}
	var offline, under int
	for _, t := range s.Topics {
		for _, p := range t.Partitions {
			switch {
			case p.Leader < 0:
				offline++
			case len(p.ISR) < len(p.Replicas):
				under++
			}
		}
	}
	if offline > 0 {
		worse(Degraded, "%d offline partition%s (no leader)", offline, plural(offline))
	}
	if under > 0 {
		worse(Degraded, "%d under-replicated partition%s", under, plural(under))
	}
	if n := len(s.Errors); n > 0 && r.Status == Healthy {
		worse(Degraded, "snapshot is partial: %d section%s could not be read", n, plural(n))
	}
	return r
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
