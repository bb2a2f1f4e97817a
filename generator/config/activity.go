package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Activity configures the activity pages, read from the snapshot history: when each topic was
// last written, idle topics, groups that stopped committing.
type Activity struct {
	// IdleAfter is how many of the newest snapshots (the current one included) a topic's end
	// offsets must stand still across, with no producer holding state on it, to be idle; and
	// a group's committed offsets, while its topics move on, to have stopped committing
	// (default 7, at most history.read).
	IdleAfter int `yaml:"idleAfter"`

	line int // of idleAfter in site.yaml, for errors
}

// DefaultIdleAfter is activity.idleAfter when site.yaml does not set it: a week of nightly
// snapshots.
const DefaultIdleAfter = 7

// ActivityIdleAfter is the activity.idleAfter in effect: site.yaml's, else the default, never
// more than the snapshots a build reads.
func (s *Site) ActivityIdleAfter() int {
	if s.Activity.IdleAfter > 0 {
		return s.Activity.IdleAfter
	}
	return min(DefaultIdleAfter, s.HistoryRead())
}

func (s *Site) validateActivity() error {
	n := s.Activity.IdleAfter
	at := "activity.idleAfter"
	if s.Activity.line > 0 {
		at = fmt.Sprintf("line %d: %s", s.Activity.line, at)
	}
	switch {
	case n == 0: // not set
	case n < 2:
		return fmt.Errorf("%s: %d: want a number of snapshots, 2 or more (one comparison needs two)", at, n)
	case n > s.HistoryRead():
		return fmt.Errorf("%s: %d is more than the %d snapshots a build reads (history.read): raise history.read or lower idleAfter", at, n, s.HistoryRead())
	}
	return nil
}

// activityLine finds the line of activity.idleAfter in the document.
func activityLine(root *yaml.Node) int {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "activity" {
			continue
		}
		m := doc.Content[i+1]
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == "idleAfter" {
				return m.Content[j+1].Line
			}
		}
		return m.Line
	}
	return 0
}
