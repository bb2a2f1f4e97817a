package memlimit

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestApply(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	debug.SetMemoryLimit(math.MaxInt64)
	noEnv := func(string) string { return "" }
	budget := uint64(2 << 30)
	want := int64(Share * float64(budget))

	if got := Apply(budget, noEnv); got != want || debug.SetMemoryLimit(-1) != got {
		t.Fatalf("Apply(2 GiB) = %d, runtime limit %d; want 90%% of 2 GiB", got, debug.SetMemoryLimit(-1))
	}
	// GOMEMLIMIT set: the runtime already read it; Apply leaves it.
	debug.SetMemoryLimit(1 << 30)
	if got := Apply(2<<30, func(k string) string { return map[string]string{"GOMEMLIMIT": "1GiB"}[k] }); got != 1<<30 {
		t.Fatalf("with GOMEMLIMIT: Apply = %d, want the limit in effect, 1 GiB", got)
	}
	// No budget: nothing changes.
	if got := Apply(0, noEnv); got != 1<<30 {
		t.Fatalf("Apply(0) = %d, want the limit in effect", got)
	}
}
