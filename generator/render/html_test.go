package render

import (
	"testing"

	east "github.com/yuin/goldmark/extension/ast"

	"github.com/stretchr/testify/assert"
)

// TestColumnClasses names aligned columns from 1, and leaves those past maxAlignedColumn, which
// kdocs.css has no rule for, to a class on each cell.
func TestColumnClasses(t *testing.T) {
	aligns := make([]east.Alignment, maxAlignedColumn+2)
	for i := range aligns {
		aligns[i] = east.AlignNone
	}
	aligns[0], aligns[2], aligns[3] = east.AlignRight, east.AlignCenter, east.AlignLeft
	aligns[maxAlignedColumn] = east.AlignRight
	assert.Equal(t, "r1 c3 l4", columnClasses(aligns))
	assert.Equal(t, "", columnClasses([]east.Alignment{east.AlignNone, 0}), "none, or no alignment at all")
}
