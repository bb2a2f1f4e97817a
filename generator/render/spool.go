package render

import (
	"fmt"
	"os"
	"sync"
)

// spool is a scratch file that pages append their print-view chapters to while they render
// in parallel, for writePrint to read back in page order.
type spool struct {
	mu  sync.Mutex
	f   *os.File
	end int64
}

// spooled locates one chapter in the spool.
type spooled struct{ off, n int64 }

// newSpool creates the spool inside dir, the output being filled, so that it is on the same
// disk and goes with the output if the build fails.
func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, ".print-spool-")
	if err != nil {
		return nil, fmt.Errorf("print view: %w", err)
	}
	return &spool{f: f}, nil
}

func (s *spool) put(b []byte) (spooled, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := spooled{off: s.end, n: int64(len(b))}
	if _, err := s.f.WriteAt(b, s.end); err != nil {
		return spooled{}, fmt.Errorf("print view: spool: %w", err)
	}
	s.end += at.n
	return at, nil
}

// get reads a chapter back into buf's storage.
func (s *spool) get(at spooled, buf []byte) ([]byte, error) {
	if int64(cap(buf)) < at.n {
		buf = make([]byte, at.n)
	}
	buf = buf[:at.n]
	if _, err := s.f.ReadAt(buf, at.off); err != nil {
		return nil, fmt.Errorf("print view: spool: %w", err)
	}
	return buf, nil
}

// remove deletes the spool; it may be called more than once.
func (s *spool) remove() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	s.f.Close()
	s.f = nil
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("print view: remove spool: %w", err)
	}
	return nil
}
