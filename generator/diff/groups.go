package diff

// Consumer groups: who consumes, and how far behind.

import (
	"strconv"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// unknownState is what the collector records for a group it listed but could not describe.
const unknownState = "Unknown"

func (d *differ) groups() {
	before, after := groupsByID(d.before.Groups), groupsByID(d.after.Groups)
	for _, id := range union(before, after) {
		b, inBefore := before[id]
		a, inAfter := after[id]
		res := groupResource(id)
		switch {
		case !inBefore:
			// When the old snapshot could not list every group, this one may have been there.
			if !d.oldGaps.has("groups", "") {
				d.add(GroupAppeared, Info, res, "", a.State, "consumer group appeared (%s)", a.State)
			}
		case !inAfter:
			if !d.newGaps.has("groups", "") {
				d.add(GroupDisappeared, Warning, res, b.State, "",
					"consumer group is gone (it was %s): it was deleted, or its offsets expired after it stopped consuming", b.State)
			}
		case !d.unreadable("groups", id):
			d.group(res, b, a)
		}
	}
}

func (d *differ) group(res string, b, a snapshot.Group) {
	if b.State != a.State && b.State != unknownState && a.State != unknownState {
		severity := Info
		why := ""
		if idle(a.State) && !idle(b.State) {
			severity, why = Warning, ": no member consumes any more"
		}
		d.add(GroupStateChanged, severity, res, b.State, a.State, "state went from %s to %s%s", b.State, a.State, why)
	}
	if grew := a.TotalLag - b.TotalLag; d.opts.LagJump > 0 && grew >= d.opts.LagJump {
		d.add(LagJump, Warning, res, strconv.FormatInt(b.TotalLag, 10), strconv.FormatInt(a.TotalLag, 10),
			"total lag grew by %d, from %d to %d records: the group falls behind its topics", grew, b.TotalLag, a.TotalLag)
	}
}

// idle reports whether a group in this state has no members consuming.
func idle(state string) bool { return state == "Empty" || state == "Dead" }

func groupsByID(gs []snapshot.Group) map[string]snapshot.Group {
	m := make(map[string]snapshot.Group, len(gs))
	for _, g := range gs {
		m[g.ID] = g
	}
	return m
}
