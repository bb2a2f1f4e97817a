// Package heappeak measures, for benchmarks, how far the heap in use grows while a function
// runs: testing's B/op counts bytes allocated, not the most held at once, which is what
// decides whether a big estate fits in memory.
package heappeak

import (
	"runtime"
	"sync"
	"time"
)

// During runs fn and returns the peak of runtime.MemStats.HeapInuse above its value before fn,
// sampled every interval (a shorter interval catches shorter peaks, at more cost).
func During(interval time.Duration, fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	// The last sample may predate fn's end; one more read keeps a peak held to the end.
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapInuse)
	return peak - base
}
