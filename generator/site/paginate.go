package site

// List pages that grow with the estate (topics, groups, subjects, flows, orphans, changes,
// ACLs) are split into parts of at most a fixed number of rows, so that no page of a large
// estate outgrows what a browser opens comfortably (the 100k estate's topic list would be
// 36 MB whole). The first part keeps the list's path, so every link to the list still lands
// on it; part k (k ≥ 2) is at <list>/<k> (<dir>/pages/<k> for a list at <dir>/index), a
// directory no slug can take: a slug names a file (<slug>.html), never a directory. Every
// part links to every other through its Pager. A list that fits one part has no Pager and
// renders as before.

import (
	"fmt"
	"strconv"
	"strings"
)

// Rows per part of each kind of list: sized so a part stays well under 1 MB with the widest
// rows kdocs writes (a flows row lists up to maxListed groups).
const (
	PerPage      = 1_000
	PerFlowsPage = 500
)

// Pager places one part of a split list among the others.
type Pager struct {
	Part, Parts int // 1-based
	// First and Last are the 1-based numbers of the part's first and last rows, of Total.
	First, Last, Total int
	// Parts lists every part, this one included, titled by its number.
	Links      []Link
	Prev, Next *Link
}

// partPath is where part k (1-based) of the list at base lives.
func partPath(base string, k int) string {
	if k == 1 {
		return base
	}
	if d, ok := strings.CutSuffix(base, "/index"); ok {
		return d + "/pages/" + strconv.Itoa(k)
	}
	return base + "/" + strconv.Itoa(k)
}

// paginate splits the list page first, of total rows, into parts of per rows: part makes the
// data of the part holding rows [lo, hi), given its Pager (nil when the list fits one part).
// It returns the parts in order, first (with its data set) among them.
func paginate(first *Page, total, per int, part func(lo, hi int, pg *Pager) any) []*Page {
	if total <= per {
		first.Data = part(0, total, nil)
		return []*Page{first}
	}
	n := (total + per - 1) / per
	links := make([]Link, n)
	for k := range n {
		links[k] = Link{Title: strconv.Itoa(k + 1), Path: partPath(first.Path, k+1)}
	}
	pages := make([]*Page, n)
	for k := range n {
		lo, hi := k*per, min(total, (k+1)*per)
		pg := &Pager{Part: k + 1, Parts: n, First: lo + 1, Last: hi, Total: total, Links: links}
		if k > 0 {
			pg.Prev = &links[k-1]
		}
		if k < n-1 {
			pg.Next = &links[k+1]
		}
		p := first
		if k > 0 {
			cp := *first
			p = &cp
			p.Path = links[k].Path
			p.Title = fmt.Sprintf("%s (%d of %d)", first.Title, k+1, n)
		}
		p.Data = part(lo, hi, pg)
		pages[k] = p
	}
	return pages
}

// sectionSpan is rows [Lo, Hi) of one section (by index) of a list made of sections.
type sectionSpan struct{ Section, Lo, Hi int }

// spans returns the pieces of sections (given by their lengths, in order) that rows [lo, hi)
// of their concatenation cover: a split list made of sections (the flows page's domains)
// continues a long section over the parts that follow.
func spans(lengths []int, lo, hi int) []sectionSpan {
	var out []sectionSpan
	start := 0
	for s, n := range lengths {
		a, b := max(lo, start), min(hi, start+n)
		if a < b {
			out = append(out, sectionSpan{Section: s, Lo: a - start, Hi: b - start})
		}
		start += n
	}
	return out
}
