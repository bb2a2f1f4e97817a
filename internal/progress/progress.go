// Package progress reports how far a long command is: a bar redrawn in place on a terminal,
// plain lines anywhere else (a pipe, a file, CI logs), where redrawing would leave a mess.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Interactive reports whether w is a terminal a bar may redraw: a character device, and not
// under CI (CI runners often give a pseudo-terminal whose logs keep every redraw).
func Interactive(w io.Writer, getenv func(string) string) bool {
	if v := getenv("CI"); v != "" && v != "false" && v != "0" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Bar counts the steps of one task out of a known total. It is safe for concurrent use (the
// snapshot collects clusters in parallel).
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int
	done  int
	tty   bool
	start time.Time
	width int // of the last line drawn, to blank it on a shorter redraw
}

// New starts a bar for label out of total steps, writing to w; tty chooses the redrawn bar
// over plain lines (see Interactive).
func New(w io.Writer, label string, total int, tty bool) *Bar {
	b := &Bar{w: w, label: label, total: total, tty: tty, start: time.Now()}
	if tty {
		b.draw("")
	}
	return b
}

// Step records one finished step, described by item.
func (b *Bar) Step(item string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done++
	if b.tty {
		b.draw(item)
		return
	}
	fmt.Fprintf(b.w, "%s: %d/%d %s (%s)\n", b.label, b.done, b.total, item, time.Since(b.start).Round(time.Millisecond))
}

// Finish ends the bar's line on a terminal; plain output needs nothing.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty {
		fmt.Fprintln(b.w)
	}
}

const barCells = 24

// draw redraws the bar's line in place. Called with mu held.
func (b *Bar) draw(item string) {
	filled := 0
	if b.total > 0 {
		filled = min(barCells, b.done*barCells/b.total)
	}
	line := fmt.Sprintf("%s [%s%s] %d/%d %s", b.label, strings.Repeat("#", filled), strings.Repeat(".", barCells-filled), b.done, b.total, item)
	pad := max(0, b.width-len(line))
	b.width = len(line)
	fmt.Fprintf(b.w, "\r%s%s", line, strings.Repeat(" ", pad))
}
