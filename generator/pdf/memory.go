package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kdocs/kdocs/internal/numfmt"
)

// The run-time guard: while a book loads, lays out and prints, the memory of this process and
// every process under it (Chromium's browser, zygotes, renderers, GPU and utility processes) is
// watched, and the print is aborted, the browser killed, when the sum crosses
// Options.MemoryBudget. An estimate that was wrong then ends in a clear error instead of the
// kernel's OOM killer.

// guardInterval is how often the guard samples the process tree. Chromium grows by at most a
// few hundred MB a second while laying out a book, so a quarter of a second leaves the budget's
// margin to act before the machine runs out.
const guardInterval = 250 * time.Millisecond

// TreeMemory returns the memory in use by process pid and all its descendants, in bytes, and
// that of the descendants of sub (itself included; 0 when sub is 0 or not under pid): the sum of
// their proportional set sizes (PSS, /proc/<pid>/smaps_rollup, which shares a page among the
// processes mapping it, so the browser's shared libraries count once), or of their resident set
// sizes where smaps_rollup is not readable, which counts shared pages once per process and so
// overstates. Linux only; elsewhere it returns an error.
func TreeMemory(pid, sub int) (total, subtree uint64, err error) {
	pids, parent, err := descendants(pid)
	if err != nil {
		return 0, 0, err
	}
	for _, p := range pids {
		m := processMemory(p) // a process that just ended counts 0
		total += m
		for q := p; sub != 0 && q != 0; q = parent[q] {
			if q == sub {
				subtree += m
				break
			}
			if q == pid {
				break
			}
		}
	}
	return total, subtree, nil
}

// descendants lists pid and every process whose parent chain leads to it, and every process's
// parent.
func descendants(pid int) ([]int, map[int]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, nil, fmt.Errorf("process memory: %w", err)
	}
	children := map[int][]int{}
	parent := map[int]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := parentOf(p); ok {
			children[pp] = append(children[pp], p)
			parent[p] = pp
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, parent, nil
}

// parentOf reads the parent pid from /proc/<pid>/stat, whose second field (the command, in
// parentheses) may itself hold spaces and parentheses: the fields after the last ')' are fixed.
func parentOf(pid int) (int, bool) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(data[i+1:])) // state, ppid, …
	if len(f) < 2 {
		return 0, false
	}
	pp, err := strconv.Atoi(f[1])
	return pp, err == nil
}

// processMemory is one process's PSS, or its RSS when smaps_rollup cannot be read, in bytes.
func processMemory(pid int) uint64 {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	if pss, ok := procField(filepath.Join(dir, "smaps_rollup"), "Pss:"); ok {
		return pss
	}
	rss, _ := procField(filepath.Join(dir, "status"), "VmRSS:")
	return rss
}

// procField reads the "Name:  1234 kB" line of a /proc file, in bytes.
func procField(file, name string) (uint64, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, name); ok {
			return kB(v), true
		}
	}
	return 0, false
}

// kB parses "  1234 kB" as bytes.
func kB(v string) uint64 {
	n, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
	return n << 10
}

// memoryGuard samples a process tree (and the browser's subtree in it) until stopped, keeps the
// peaks, and calls over once when the tree crosses budget (0: never; the peaks are still kept).
type memoryGuard struct {
	pid, browser int
	budget       uint64
	over         func(used uint64)
	stop         chan struct{}
	done         chan struct{}

	mu       sync.Mutex
	peak     Memory
	exceeded uint64 // the sample that crossed the budget, 0 while none has
}

// Memory is the most memory a print used, as its guard sampled it.
type Memory struct {
	// Total is kdocs' process tree: kdocs itself and Chromium. Chromium is the browser's tree
	// alone. Each is its own peak; they need not be of the same sample.
	Total, Chromium uint64
}

func watchMemory(pid, browser int, budget uint64, over func(used uint64)) *memoryGuard {
	g := &memoryGuard{pid: pid, browser: browser, budget: budget, over: over, stop: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g
}

func (g *memoryGuard) run() {
	defer close(g.done)
	t := time.NewTicker(guardInterval)
	defer t.Stop()
	for {
		g.sample()
		select {
		case <-g.stop:
			return
		case <-t.C:
		}
	}
}

func (g *memoryGuard) sample() {
	used, browser, err := TreeMemory(g.pid, g.browser)
	if err != nil {
		return
	}
	g.mu.Lock()
	g.peak.Total = max(g.peak.Total, used)
	g.peak.Chromium = max(g.peak.Chromium, browser)
	crossed := g.budget > 0 && used > g.budget && g.exceeded == 0
	if crossed {
		g.exceeded = used
	}
	g.mu.Unlock()
	if crossed {
		g.over(used)
	}
}

// state returns the peak so far and the sample that crossed the budget (0 while none has).
func (g *memoryGuard) state() (peak Memory, exceeded uint64) {
	if g == nil {
		return Memory{}, 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak, g.exceeded
}

// close stops the guard after one last sample and returns the peak and, when the budget was
// crossed, the sample that crossed it.
func (g *memoryGuard) close() (peak Memory, exceeded uint64) {
	if g == nil {
		return Memory{}, 0
	}
	close(g.stop)
	<-g.done
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak, g.exceeded
}

// HTMLSize formats a size of HTML for messages: "812 KiB" under 10 MiB, else as MiB does.
func HTMLSize(b uint64) string {
	if b < 10<<20 {
		return numfmt.Thousands(int64((b+(1<<9))>>10)) + " KiB"
	}
	return MiB(b)
}

// MiB formats a byte count for messages, as "1,234 MiB".
func MiB(b uint64) string {
	return numfmt.Thousands(int64((b+(1<<19))>>20)) + " MiB"
}

// SelfPeak is this process's peak resident set size so far (VmHWM), 0 when unknown.
func SelfPeak() uint64 {
	peak, _ := procField("/proc/self/status", "VmHWM:")
	return peak
}
