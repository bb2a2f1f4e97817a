package site

// The changes pages: what changed in each cluster from one snapshot to the next, read from the
// snapshot history (snapshots/history/<cluster>/*.json, which `kdocs snapshot` and the nightly
// workflow keep). The build hands the history in after BuildEstate; the model only compares,
// and links the parties each breaking change affects (lineage.BlastRadius) to their pages.

import (
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// TemplateChanges renders a cluster's changes page.
const TemplateChanges = "changes"

// HomeChangesLimit is how many of a cluster's latest changes the home page lists.
const HomeChangesLimit = 5

// AffectedLimit is how many parties the changes page lists beside a breaking change, and
// HomeAffectedLimit how many the home page does; the topic pages list them all.
const (
	AffectedLimit     = 10
	HomeAffectedLimit = 3
)

// ChangesData is a cluster's changes page.
type ChangesData struct {
	Cluster *Cluster
	// Entries are the comparisons of consecutive snapshots, newest first; an entry without
	// changes is kept, so the page shows when nothing changed.
	Entries []ChangeEntry // this part's
	// Pager is nil when the page is one; a split page continues a long entry on the next part.
	Pager *Pager
	// Snapshots counts the snapshots compared; Oldest is when the first of them was taken.
	Snapshots int
	Oldest    time.Time
}

// ChangeEntry is what changed between two snapshots.
type ChangeEntry struct {
	From, To time.Time
	Changes  []ChangeRow
	// Total, Breaking and Warnings count the entry's changes, all and of those severities;
	// Continued marks an entry that began on the part before.
	Total, Breaking, Warnings int
	Continued                 bool
}

// ChangeRow is one change, its resource linked when the page still exists.
type ChangeRow struct {
	diff.Change
	Link Link
	// Blast is whom a breaking change on a topic or subject affects; nil for other changes.
	Blast *BlastRow
}

// BlastRow is the parties a breaking change affects, cut to a limit.
type BlastRow struct {
	// Topics are the topics the change concerns (a subject's, by the naming strategy).
	Topics []Link
	// Parties are the first ones, linked to their pages; More counts those left off.
	Parties []AffectedRow
	More    int
}

// AffectedRow is one party a change affects.
type AffectedRow struct {
	// Who is the party, linked to its page when the site has one (groups, Streams
	// applications, connectors, the replication page for a MirrorMaker 2 flow, the ACLs page for
	// a principal).
	Who Link
	// Kind is the lineage party kind; Where the Connect cluster; Access "reads", "writes, reads" …
	Kind, Where, Access string
	// Topic is the topic through which a subject's change affects it; empty for a topic's change.
	Topic    Link
	Declared bool
}

// ClusterChanges is one cluster's block on the home page: the newest entry, cut to
// HomeChangesLimit changes, and a link to the whole page.
type ClusterChanges struct {
	Cluster *Cluster
	Path    string
	Latest  ChangeEntry
	// Total counts the latest entry's changes; More those left off the home page.
	Total, More int
}

// AddChanges adds a changes page to every cluster that has a history: history maps a cluster's
// name to its snapshots, oldest first, the current one last (the caller appends it when it is
// newer than the newest kept). A cluster with fewer than two snapshots gets no page. The home
// page lists each cluster's latest changes.
func AddChanges(s *Site, history map[string][]*snapshot.Snapshot, opts diff.Options) {
	var blocks []ClusterChanges
	for _, c := range s.Clusters {
		snaps := history[c.Name]
		if len(snaps) < 2 {
			continue
		}
		data := &ChangesData{Cluster: c, Snapshots: len(snaps), Oldest: snaps[0].TakenAt}
		pages := c.pagesByKind()
		blastOpts := c.blastOptions()
		for i := len(snaps) - 1; i > 0; i-- {
			e := ChangeEntry{From: snaps[i-1].TakenAt, To: snaps[i].TakenAt}
			changes := diff.Compare(snaps[i-1], snaps[i], opts)
			blasts := lineage.BlastRadius(snaps[i-1], snaps[i], changes, blastOpts)
			for j, ch := range changes {
				switch ch.Severity {
				case diff.Breaking:
					e.Breaking++
				case diff.Warning:
					e.Warnings++
				}
				row := ChangeRow{Change: ch, Link: resourceLink(pages, ch.Resource)}
				if b := blasts[j]; b != nil {
					row.Blast = c.blastRow(s, ch, b, AffectedLimit)
				}
				e.Changes = append(e.Changes, row)
			}
			e.Total = len(e.Changes)
			data.Entries = append(data.Entries, e)
		}
		p := &Page{Path: path.Join(Dir(c.Path), "changes"), Title: "Changes in " + c.Name, Template: TemplateChanges,
			Crumbs: []Link{{Title: "Home", Path: HomePath}, {Title: c.Name, Path: c.Path}}}
		p.Section = p.Path
		for _, part := range data.pages(p) {
			s.insertAfterCluster(c, part)
		}
		for i := range s.Nav {
			if s.Nav[i].Path == c.Path {
				s.Nav[i].Children = append(s.Nav[i].Children, NavItem{Title: "Changes", Path: p.Path})
			}
		}
		latest := data.Entries[0]
		block := ClusterChanges{Cluster: c, Path: p.Path, Latest: latest, Total: len(latest.Changes)}
		if n := len(latest.Changes); n > HomeChangesLimit {
			block.Latest.Changes, block.More = latest.Changes[:HomeChangesLimit], n-HomeChangesLimit
		}
		block.Latest.Changes = slices.Clone(block.Latest.Changes)
		for i, row := range block.Latest.Changes {
			if b := row.Blast; b != nil && len(b.Parties) > HomeAffectedLimit {
				cut := *b
				cut.Parties, cut.More = b.Parties[:HomeAffectedLimit], b.More+len(b.Parties)-HomeAffectedLimit
				block.Latest.Changes[i].Blast = &cut
			}
		}
		blocks = append(blocks, block)
	}
	if home := s.Page(HomePath); home != nil {
		if d, ok := home.Data.(*HomeData); ok {
			d.Changes = blocks
		}
	}
}

// pages splits the changes page into parts of PerPage changes; an entry without changes
// counts as one row, so that it still says so.
func (d *ChangesData) pages(first *Page) []*Page {
	lengths := make([]int, len(d.Entries))
	total := 0
	for i, e := range d.Entries {
		lengths[i] = max(1, len(e.Changes))
		total += lengths[i]
	}
	return paginate(first, total, PerPage, func(lo, hi int, pg *Pager) any {
		if pg == nil {
			return d
		}
		part := *d
		part.Pager, part.Entries = pg, nil
		for _, sp := range spans(lengths, lo, hi) {
			e := d.Entries[sp.Section]
			e.Changes = e.Changes[min(sp.Lo, len(e.Changes)):min(sp.Hi, len(e.Changes))]
			e.Continued = sp.Lo > 0
			part.Entries = append(part.Entries, e)
		}
		return &part
	})
}

// insertAfterCluster puts p after the last page of cluster c, so the book reads it with the
// cluster.
func (s *Site) insertAfterCluster(c *Cluster, p *Page) {
	prefix := Dir(c.Path) + "/"
	at := len(s.Pages)
	for i, q := range s.Pages {
		if strings.HasPrefix(q.Path, prefix) {
			at = i + 1
		}
	}
	s.Pages = slices.Insert(s.Pages, at, p)
	s.byPath[p.Path] = p
}

// pagesByKind maps "topic "+name (and group, subject) to the cluster's page of it.
func (c *Cluster) pagesByKind() map[string]string {
	dir := Dir(c.Path) + "/"
	m := map[string]string{}
	for _, p := range c.pages {
		rest, ok := strings.CutPrefix(p.Path, dir)
		if !ok || strings.HasSuffix(rest, "/index") {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "topics/"):
			m["topic "+p.Title] = p.Path
		case strings.HasPrefix(rest, "groups/"):
			m["group "+p.Title] = p.Path
		case strings.HasPrefix(rest, "schemas/"):
			m["subject "+p.Title] = p.Path
		}
	}
	return m
}

// resourceLink links a change's resource (`topic "orders"`, `group "billing"`) to its page when
// the cluster still has it; otherwise it is plain text.
func resourceLink(pages map[string]string, resource string) Link {
	l := Link{Title: resource}
	kind, quoted, ok := strings.Cut(resource, " ")
	if !ok {
		return l
	}
	if name, err := strconv.Unquote(quoted); err == nil {
		l.Path = pages[kind+" "+name]
	}
	return l
}

// blastOptions gives lineage.BlastRadius what the site knows beyond the snapshots: the topics
// each subject serves by the cluster's naming strategy (site.yaml), read from the subject pages,
// and the topics' annotations' owners and producers, read from the annotations themselves so
// that a topic deleted since still names its owner while its annotation is kept.
func (c *Cluster) blastOptions() lineage.BlastOptions {
	subjects := map[string][]string{}
	for _, p := range c.pages {
		if d, ok := p.Data.(*SubjectData); ok {
			subjects[d.Name] = []string{} // known, if no topic uses it
			for _, u := range d.Topics {
				subjects[d.Name] = append(subjects[d.Name], u.Topic.Title)
			}
		}
	}
	matter := func(topic string) *annotationMatter {
		if c.notes == nil || c.notes.topics[topic] == nil {
			return nil
		}
		return &c.notes.topics[topic].matter
	}
	// A subject without a page (deleted since, or a cluster without a registry now) is left to
	// lineage's reading of its name.
	return lineage.BlastOptions{
		SubjectTopics: func(subject string) ([]string, bool) {
			topics, ok := subjects[subject]
			return topics, ok
		},
		Owners: func(topic string) []string {
			var out []string
			if m := matter(topic); m != nil {
				for _, o := range []string{strings.TrimSpace(m.Owner), strings.TrimSpace(m.Team)} {
					if o != "" && !slices.Contains(out, o) {
						out = append(out, o)
					}
				}
			}
			return out
		},
		Producers: func(topic string) []string {
			if m := matter(topic); m != nil {
				return m.Producers
			}
			return nil
		},
	}
}

// blastRow links a blast's parties to their pages, the first limit of them.
func (c *Cluster) blastRow(s *Site, ch diff.Change, b *lineage.Blast, limit int) *BlastRow {
	row := &BlastRow{More: max(0, len(b.Parties)-limit)}
	subject := strings.HasPrefix(ch.Resource, "subject ")
	topic := func(name string) Link { return Link{Title: name, Path: c.topicPaths[name]} }
	for _, t := range b.Topics {
		row.Topics = append(row.Topics, topic(t))
	}
	for _, p := range b.Parties[:min(limit, len(b.Parties))] {
		who := Link{Title: p.Name}
		switch p.Kind {
		case lineage.PartyGroup, lineage.PartyStreams:
			who.Path = c.groupPaths[p.Name]
		case lineage.PartyConnector:
			who.Path = c.connectorPaths[[2]string{p.Connect, p.Name}]
		case lineage.PartyMirror:
			if s.Page(ReplicationPath) != nil {
				who.Path = ReplicationPath
			}
		case lineage.WriterPrincipal:
			who.Path = c.ACLsPath
		}
		r := AffectedRow{Who: who, Kind: p.Kind, Where: p.Connect, Access: p.AccessText(), Declared: p.Declared}
		if subject {
			r.Topic = topic(p.Topic)
		}
		row.Parties = append(row.Parties, r)
	}
	return row
}
