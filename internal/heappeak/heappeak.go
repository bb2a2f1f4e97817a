// Package heappeak measures, for benchmarks, how far the heap in use grows while a function
// runs: testing's B/op counts bytes allocated, not the most held at once, which is what
// decides whether a big estate fits in memory.
package heappeak

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// During runs fn and returns the peak of runtime.MemStats.HeapInuse above its value before fn,
// sampled every interval (a shorter interval catches shorter peaks, at more cost).
func During(interval time.Duration, fn func()) uint64 {
	inuse, _ := Measure(interval, fn)
	return inuse
}

// Measure runs fn and returns, above their values before fn, the peak of HeapInuse (what
// During returns) and the peak live heap: the bytes the garbage collector last found reachable
// (/gc/heap/live:bytes). HeapInuse also holds the garbage not collected yet, so it varies
// with when the collector happens to run; the live heap is what the program holds, and varies
// far less from run to run.
func Measure(interval time.Duration, fn func()) (inuse, live uint64) {
	runtime.GC()
	heapInuse := func() uint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	base, liveBase := heapInuse(), liveHeap()
	peak, livePeak := base, liveBase
	sampled(interval, fn, func() {
		peak = max(peak, heapInuse())
		livePeak = max(livePeak, liveHeap())
	})
	return peak - base, livePeak - liveBase
}

// liveHeap is the bytes the collector last found reachable.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// sampled runs fn, calling sample every interval while it runs and once after it: the last
// tick may predate fn's end, and a peak held to the end must be seen.
func sampled(interval time.Duration, fn, sample func()) {
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
				sample()
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	sample()
}

// Held runs fn and returns the peak of the bytes it holds: every interval it forces a
// collection and reads what stays reachable. Measure's live peak is read at the collections
// the program happens to run, which land anywhere between two peaks, so two runs of the same
// build differ by a fifth; Held's differ far less, at the cost of a collection per interval:
// run it on its own, not in a run that is timed.
func Held(interval time.Duration, fn func()) uint64 {
	held := func() uint64 {
		runtime.GC()
		return liveHeap()
	}
	base := held()
	peak := base
	sampled(interval, fn, func() { peak = max(peak, held()) })
	return peak - base
}
