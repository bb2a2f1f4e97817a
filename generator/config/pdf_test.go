package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]ByteSize{
		"2GiB": 2 << 30, "2G": 2 << 30, "1536MiB": 1536 << 20, "1.5 GiB": 1536 << 20, "512MB": 512e6,
		"1073741824": 1 << 30, "64k": 64 << 10, "3TiB": 3 << 40,
	} {
		got, err := ParseByteSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "lots", "-1GiB", "0", "GiB", "2 parsecs"} {
		_, err := ParseByteSize(bad)
		assert.ErrorContains(t, err, "is not a size", bad)
	}
	assert.Equal(t, "2GiB", ByteSize(2<<30).String())
	assert.Equal(t, "1536MiB", ByteSize(1536<<20).String())
}

func TestPDFMemoryBudgetKey(t *testing.T) {
	s, err := Parse([]byte("title: Acme\nclusters:\n  - {name: a, snapshot: a.json}\npdf:\n  memoryBudget: 4GiB\n"), env(nil))
	require.NoError(t, err)
	assert.Equal(t, ByteSize(4<<30), s.PDF.MemoryBudget)

	_, err = Parse([]byte("title: Acme\nclusters:\n  - {name: a, snapshot: a.json}\npdf:\n  memoryBudget: plenty\n"), env(nil))
	assert.ErrorContains(t, err, `line 5: "plenty" is not a size`)
	_, err = Parse([]byte("title: Acme\nclusters:\n  - {name: a, snapshot: a.json}\npdf:\n  budget: 4GiB\n"), env(nil))
	assert.ErrorContains(t, err, "budget")
}
