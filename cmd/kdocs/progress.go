package main

import (
	"io"
	"os"

	"github.com/kdocs/kdocs/internal/progress"
)

// progress starts a progress report on stderr: a bar on a terminal, plain lines otherwise.
func (e *env) progress(label string, total int) *progress.Bar {
	if e.quiet {
		return progress.New(io.Discard, label, total, false)
	}
	return progress.New(e.stderr, label, total, progress.Interactive(e.stderr, os.Getenv))
}
