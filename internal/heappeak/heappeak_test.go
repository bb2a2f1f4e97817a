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
