package synth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestProfile100kTotals(t *testing.T) {
	topics, partitions, groups, subjects, versions := Profile100k().Totals()
	assert.Equal(t, []int{100_000, 600_000, 50_000, 20_000, 60_000}, []int{topics, partitions, groups, subjects, versions})
}

func TestScaleWritesASite(t *testing.T) {
	dir := t.TempDir()
	p := Scale(200)
	siteYAML, err := p.WriteSite(dir, "public")
	require.NoError(t, err)
	yaml, err := os.ReadFile(siteYAML)
	require.NoError(t, err)
	assert.Equal(t, 10, strings.Count(string(yaml), "tags: [synthetic"), "5% of 200 topics are annotated")
	topics, _, groups, subjects, versions := p.Totals()
	var got [4]int
	for _, c := range []string{"east", "west"} {
		s, err := snapshot.Load(filepath.Join(dir, c+".json"))
		require.NoError(t, err)
		got[0] += len(s.Topics)
		got[1] += len(s.Groups)
		got[2] += len(s.Registry.Subjects)
		for _, sub := range s.Registry.Subjects {
			got[3] += len(sub.Versions)
		}
	}
	assert.Equal(t, [4]int{topics, groups, subjects, versions}, got)
}
