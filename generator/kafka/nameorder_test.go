package kafka

import (
	"cmp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// nameOrder sorts like Normalize, for lists in one order, another, and of another length.
func TestNameOrderSortsLikeNormalize(t *testing.T) {
	var o nameOrder
	for _, names := range [][]string{
		{"segment.ms", "cleanup.policy", "retention.ms", "flush.ms"},
		{"segment.ms", "cleanup.policy", "retention.ms", "flush.ms"},
		{"retention.ms", "flush.ms", "segment.ms", "cleanup.policy"},
		{"b", "a"},
		{},
	} {
		cfgs := make([]snapshot.Config, len(names))
		for i, n := range names {
			cfgs[i] = snapshot.Config{Name: n, Value: n + "-value"}
		}
		want := slices.Clone(cfgs)
		slices.SortFunc(want, func(a, b snapshot.Config) int { return cmp.Compare(a.Name, b.Name) })
		o.sort(cfgs)
		assert.Equal(t, want, cfgs, "%v", names)
	}
}
