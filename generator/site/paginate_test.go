package site

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaginate(t *testing.T) {
	type part struct {
		lo, hi int
		pg     *Pager
	}
	mk := func(lo, hi int, pg *Pager) any { return part{lo, hi, pg} }

	one := paginate(&Page{Path: "clusters/c/topics/index", Title: "Topics"}, 3, 3, mk)
	require.Len(t, one, 1)
	assert.Equal(t, part{0, 3, nil}, one[0].Data, "a list that fits one page has no pager")

	pages := paginate(&Page{Path: "clusters/c/topics/index", Title: "Topics", Section: "clusters/c/topics/index"}, 7, 3, mk)
	require.Len(t, pages, 3)
	var paths []string
	for _, p := range pages {
		paths = append(paths, p.Path)
		assert.Equal(t, "clusters/c/topics/index", p.Section, "every part belongs to the list's entry")
	}
	assert.Equal(t, []string{"clusters/c/topics/index", "clusters/c/topics/pages/2", "clusters/c/topics/pages/3"}, paths)
	assert.Equal(t, "Topics (2 of 3)", pages[1].Title)
	last := pages[2].Data.(part)
	assert.Equal(t, 6, last.lo)
	assert.Equal(t, 7, last.hi)
	assert.Equal(t, Pager{Part: 3, Parts: 3, First: 7, Last: 7, Total: 7, Links: last.pg.Links, Prev: &last.pg.Links[1]}, *last.pg)
	assert.Equal(t, "clusters/c/topics/pages/2", pages[0].Data.(part).pg.Next.Path)
	assert.Equal(t, "clusters/c/flows/2", partPath("clusters/c/flows", 2), "a list that is not an index continues below its own name")
}

func TestSpans(t *testing.T) {
	assert.Equal(t, []sectionSpan{{0, 2, 3}, {1, 0, 2}}, spans([]int{3, 4, 5}, 2, 5))
	assert.Equal(t, []sectionSpan{{2, 1, 5}}, spans([]int{3, 0, 5}, 4, 9), "an empty section is skipped")
}
