// Package health derives a cluster's health (healthy, degraded, down) and the reasons for it
// from a snapshot alone, so the site and `kdocs snapshot --fail-on` agree by construction.
package health

import (
	"fmt"
	"strconv"
	"strings"

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

// Evaluate derives the health of one snapshot. Each reason below makes it degraded unless
// said otherwise:
//   - the cluster could not be reached, or no broker answered: down;
//   - fewer brokers than site.yaml's expectedBrokers;
//   - offline partitions (no leader);
//   - under-replicated partitions (ISR smaller than the replicas);
//   - partitions whose ISR is below the topic's effective min.insync.replicas, where producers
//     with acks=all are refused;
//   - partitions not led by their preferred leader (the first replica): leadership is
//     imbalanced, some brokers carry more leaders than planned;
//   - a KRaft quorum without a leader, or a voter more records behind the leader than the
//     snapshot's quorumMaxLag (site.yaml; default snapshot.DefaultQuorumMaxLag);
//   - a partial snapshot, when nothing else already says the cluster is unwell. A group kdocs
//     could not describe is kept on the group, not among the errors, and does not count.
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
	brokers, expected := len(s.Cluster.Brokers), s.Cluster.ExpectedBrokers
	switch {
	case brokers == 0 && r.Status < Down && expected > 0:
		worse(Down, "no broker answered (%d expected)", expected)
	case brokers == 0 && r.Status < Down:
		worse(Down, "no broker answered")
	case brokers > 0 && brokers < expected:
		worse(Degraded, "%d of %d expected brokers in the cluster (%d missing)", brokers, expected, expected-brokers)
	}
	brokerMinISR := brokerMinISRs(s.Cluster.Brokers)
	var offline, under, belowMinISR, notPreferred int
	for _, t := range s.Topics {
		own, inherited := topicMinISR(t.Configs)
		for _, p := range t.Partitions {
			if p.Leader < 0 {
				offline++
				continue
			}
			if len(p.Replicas) == 0 {
				// No replica list (a hand-written or truncated snapshot): nothing to say about
				// its replication or its preferred leader.
				continue
			}
			if len(p.ISR) < len(p.Replicas) {
				under++
			}
			// The leader enforces the minimum: the topic's own setting, else the leader's
			// broker setting, else what the broker that described the topic inherits.
			minISR := 1
			if b, ok := brokerMinISR[p.Leader]; ok {
				minISR = b
			} else if inherited > 0 {
				minISR = inherited
			}
			if own > 0 {
				minISR = own
			}
			if len(p.ISR) < minISR {
				belowMinISR++
			}
			if p.Leader != p.PreferredLeader() {
				notPreferred++
			}
		}
	}
	if offline > 0 {
		worse(Degraded, "%d offline partition%s (no leader)", offline, plural(offline))
	}
	if under > 0 {
		worse(Degraded, "%d under-replicated partition%s", under, plural(under))
	}
	if belowMinISR > 0 {
		worse(Degraded, "%d partition%s with fewer in-sync replicas than min.insync.replicas (producers with acks=all are refused)", belowMinISR, plural(belowMinISR))
	}
	if notPreferred > 0 {
		worse(Degraded, "%d partition%s not led by %s preferred leader (leadership imbalanced)", notPreferred, plural(notPreferred), pluralThe(notPreferred))
	}
	if q := s.Cluster.Quorum; q != nil && q.Available {
		limit := s.Cluster.QuorumMaxLag
		if limit <= 0 {
			limit = snapshot.DefaultQuorumMaxLag
		}
		if q.LeaderID < 0 {
			worse(Degraded, "the KRaft quorum has no leader")
		}
		for _, v := range q.Voters {
			if v.Lag > limit {
				worse(Degraded, "KRaft voter %d is %d records behind the quorum leader (more than %d)", v.ID, v.Lag, limit)
			}
		}
	}
	// A failed connector or task: data that should flow does not. Named, so the reason is useful.
	for _, cc := range s.Connect {
		for _, k := range cc.Connectors {
			if k.State == "FAILED" {
				worse(Degraded, "Kafka Connect %s: connector %s FAILED", cc.Name, k.Name)
			}
			var failed []string
			for _, t := range k.Tasks {
				if t.State == "FAILED" {
					failed = append(failed, strconv.Itoa(t.ID))
				}
			}
			if len(failed) > 0 {
				worse(Degraded, "Kafka Connect %s: connector %s has FAILED task%s %s", cc.Name, k.Name, plural(len(failed)), strings.Join(failed, ", "))
			}
		}
	}
	if n := len(s.Errors); n > 0 && r.Status == Healthy {
		worse(Degraded, "snapshot is partial: %d section%s could not be read", n, plural(n))
	}
	return r
}

const minISRConfig = "min.insync.replicas"

// topicMinISR reads a topic's min.insync.replicas: own when set on the topic itself, inherited
// when the topic lists the value it takes from the brokers or Kafka's default (0 when unknown).
// Snapshots list every topic config with its source; older ones only the non-default ones,
// some without a source, which counts as set on the topic.
func topicMinISR(cfgs []snapshot.Config) (own, inherited int) {
	for _, c := range cfgs {
		if c.Name != minISRConfig || c.Sensitive {
			continue
		}
		v, err := strconv.Atoi(c.Value)
		if err != nil {
			return 0, 0
		}
		if c.Source == "DYNAMIC_TOPIC_CONFIG" || c.Source == "" {
			return v, 0
		}
		return 0, v
	}
	return 0, 0
}

// brokerMinISRs reads each broker's min.insync.replicas where the broker lists it (brokers list
// only their non-default configs, and older snapshots no broker configs at all). A topic that
// does not set its own takes its leader's: the describing broker's view in the topic's configs
// may differ from the leader's when brokers are configured differently.
func brokerMinISRs(brokers []snapshot.Broker) map[int32]int {
	out := map[int32]int{}
	for _, b := range brokers {
		if v, ok := configInt(b.Configs, minISRConfig); ok {
			out[b.ID] = v
		}
	}
	return out
}

// configInt reads an integer config by name; a sensitive or unparsable value counts as unset.
func configInt(cfgs []snapshot.Config, name string) (int, bool) {
	for _, c := range cfgs {
		if c.Name == name && !c.Sensitive {
			v, err := strconv.Atoi(c.Value)
			return v, err == nil
		}
	}
	return 0, false
}

func pluralThe(n int) string {
	if n == 1 {
		return "its"
	}
	return "their"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
