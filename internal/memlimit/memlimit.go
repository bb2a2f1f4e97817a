// Package memlimit keeps a build inside its memory budget. Go's collector lets the heap grow to
// twice what it last found live (GOGC=100), so a build that holds 1.3 GB at its peak reached a
// 2.7 GB heap at 100,000 topics: the garbage, not the site, broke a 2 GiB budget. A soft memory
// limit makes the collector run sooner as the heap nears it, and costs nothing until then.
package memlimit

import (
	"math"
	"runtime/debug"
)

// Share is the part of the budget given to the Go runtime's limit, which counts the heap,
// stacks and the runtime's own structures: the rest is the binary and what the kernel counts
// beside them.
const Share = 0.9

// Apply sets the runtime's soft memory limit to Share of budget and returns it, unless the
// environment's GOMEMLIMIT already set one (the operator's word wins; getenv is os.Getenv) or
// budget is 0: then it returns the limit in effect (math.MaxInt64 when none). Past the limit
// the collector does not stop the program: it runs more often, up to about half the CPU, and
// the heap grows beyond it rather than failing.
func Apply(budget uint64, getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") != "" || budget == 0 {
		return debug.SetMemoryLimit(-1)
	}
	limit := int64(math.Min(float64(budget)*Share, math.MaxInt64))
	debug.SetMemoryLimit(limit)
	return limit
}
