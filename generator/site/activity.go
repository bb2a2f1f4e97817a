package site

// The activity pages: each cluster's activity from its snapshot history (generator/activity
// computes it; the build hands the reports in after BuildEstate), and a line on each topic page
// saying when its end offsets last moved.

import (
	"path"

	"github.com/kdocs/kdocs/generator/activity"
)

// TemplateActivity renders a cluster's activity page.
const TemplateActivity = "activity"

// ActivityData is a cluster's activity page, or one part of it: the idle topics and the groups
// that stopped committing on the first part, the topics in name order split over the parts.
type ActivityData struct {
	Cluster *Cluster
	Report  *activity.Report
	// First marks the first part, which lists Idle, Stopped and Gone, each cut to PerPage
	// rows: IdleMore, StoppedMore and GoneMore count those left off (the topics table still
	// marks every idle topic).
	First                           bool
	Idle                            []ActivityTopic
	Stopped                         []ActivityGroup
	Gone                            []activity.GoneTopic
	IdleMore, StoppedMore, GoneMore int
	// Topics are this part's rows; Total counts them all.
	Topics []ActivityTopic
	Total  int
	Pager  *Pager
}

// ActivityTopic is a topic's activity, linked to its page.
type ActivityTopic struct {
	*activity.Topic
	Link Link
}

// ActivityGroup is a group that stopped committing, linked to its page and its topics'.
type ActivityGroup struct {
	activity.Group
	Link   Link
	Topics []Link
}

// TopicActivity is the activity line of a topic page.
type TopicActivity struct {
	*activity.Topic
	// Window counts the report's snapshots (Snapshots, the topic's: fewer when it was created
	// within the history); IdleAfter is the report's; Page is the cluster's activity page.
	Window, IdleAfter int
	Page              string
}

// AddActivity adds an activity page to every cluster, from reports by cluster name (nil or
// missing: no history), and the activity line to each topic page.
func AddActivity(s *Site, reports map[string]*activity.Report) {
	for _, c := range s.Clusters {
		r := reports[c.Name]
		if r == nil {
			r = &activity.Report{IdleAfter: activity.DefaultIdleAfter}
		}
		c.ActivityPath = path.Join(Dir(c.Path), "activity")
		topicLink := func(name string) Link { return Link{Title: name, Path: c.topicPaths[name]} }
		rows := make([]ActivityTopic, len(r.Topics))
		byName := make(map[string]*activity.Topic, len(r.Topics))
		for i := range r.Topics {
			rows[i] = ActivityTopic{Topic: &r.Topics[i], Link: topicLink(r.Topics[i].Name)}
			byName[r.Topics[i].Name] = &r.Topics[i]
		}
		first := &ActivityData{Cluster: c, Report: r, First: true, Total: len(rows),
			Gone: r.Gone[:min(len(r.Gone), PerPage)], GoneMore: max(0, len(r.Gone)-PerPage),
			IdleMore: max(0, len(r.Idle)-PerPage), StoppedMore: max(0, len(r.Stopped)-PerPage)}
		for _, t := range r.Idle[:min(len(r.Idle), PerPage)] {
			first.Idle = append(first.Idle, ActivityTopic{Topic: t, Link: topicLink(t.Name)})
		}
		for _, g := range r.Stopped[:min(len(r.Stopped), PerPage)] {
			row := ActivityGroup{Group: g, Link: Link{Title: g.ID, Path: c.groupPaths[g.ID]}}
			for _, t := range g.Topics {
				row.Topics = append(row.Topics, topicLink(t))
			}
			first.Stopped = append(first.Stopped, row)
		}
		p := &Page{Path: c.ActivityPath, Title: "Activity in " + c.Name, Template: TemplateActivity,
			Crumbs: []Link{{Title: "Home", Path: HomePath}, {Title: c.Name, Path: c.Path}}}
		p.Section = p.Path
		for _, part := range paginate(p, len(rows), PerPage, func(lo, hi int, pg *Pager) any {
			if lo == 0 {
				first.Topics, first.Pager = rows[lo:hi], pg
				return first
			}
			return &ActivityData{Cluster: c, Report: r, Topics: rows[lo:hi], Total: len(rows), Pager: pg}
		}) {
			s.insertAfterCluster(c, part)
		}
		for i := range s.Nav {
			if s.Nav[i].Path == c.Path {
				s.Nav[i].Children = append(s.Nav[i].Children, NavItem{Title: "Activity", Path: c.ActivityPath})
			}
		}
		if !r.Enough() {
			continue
		}
		for _, pg := range c.pages {
			if d, ok := pg.Data.(*TopicData); ok {
				if t := byName[d.Name]; t != nil {
					d.Activity = &TopicActivity{Topic: t, Window: r.Snapshots, IdleAfter: r.IdleAfter, Page: c.ActivityPath}
				}
			}
		}
	}
}
