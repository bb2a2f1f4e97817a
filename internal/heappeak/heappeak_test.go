package heappeak

import (
	"testing"
	"time"
)

// Held sees memory held for a few of its intervals, and not memory already let go before fn.
func TestHeldSeesWhatFnHolds(t *testing.T) {
	const size = 64 << 20
	before := make([]byte, size)
	before[0] = 1
	before = nil
	var keep []byte
	held := Held(5*time.Millisecond, func() {
		keep = make([]byte, size)
		for i := range keep {
			keep[i] = byte(i)
		}
		time.Sleep(50 * time.Millisecond)
		keep = nil
	})
	if held < size || held > size+size/4 {
		t.Fatalf("Held = %d MiB, want 64 MiB and a little", held>>20)
	}
	_ = before
}

// Measure sees the same memory in the heap in use and in the live heap (the 64 MiB allocation
// itself starts a collection while it is held).
func TestMeasureSeesWhatFnHolds(t *testing.T) {
	const size = 64 << 20
	var keep []byte
	inuse, live := Measure(5*time.Millisecond, func() {
		keep = make([]byte, size)
		for i := range keep {
			keep[i] = byte(i)
		}
		time.Sleep(50 * time.Millisecond)
		keep = nil
	})
	// A few MiB either way: spans the heap had free before fn count in HeapInuse's base.
	for name, got := range map[string]uint64{"heap in use": inuse, "live heap": live} {
		if got < size-8<<20 || got > size+size/4 {
			t.Fatalf("Measure: %s grew by %d MiB, want about 64", name, got>>20)
		}
	}
}
