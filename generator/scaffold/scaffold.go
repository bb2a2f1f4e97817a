// Package scaffold holds the starter files that `kdocs init` writes into a new documentation
// repository: site.yaml, a first content page, .gitignore lines and the nightly GitHub Actions
// workflow. The files are embedded, so the binary alone can set up a repository.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

//go:embed files
var files embed.FS

// File is one scaffold file: where it goes, relative to the target directory, and its bytes.
type File struct {
	// Path is slash-separated, relative to the directory being initialised.
	Path string
	Data []byte
	// Append marks a file whose lines are added to an existing file rather than replacing it
	// (.gitignore: the user's own lines must survive).
	Append bool
}

// The embedded names differ from the targets on purpose: a real .gitignore or .github/ inside
// this source tree would act on this repository.
var layout = []struct {
	embedded, target string
	append           bool
}{
	{"site.yaml", "site.yaml", false},
	{"getting-started.md", "content/getting-started.md", false},
	{"gitignore", ".gitignore", true},
	{"kdocs.yml", ".github/workflows/kdocs.yml", false},
}

// Files returns the scaffold, in the order Write writes it.
func Files() []File {
	out := make([]File, 0, len(layout))
	for _, l := range layout {
		data, err := fs.ReadFile(files, "files/"+l.embedded)
		if err != nil {
			panic("scaffold: embedded file missing: " + l.embedded) // a build defect, not a user error
		}
		out = append(out, File{Path: l.target, Data: data, Append: l.append})
	}
	return out
}

// Action says what Write did with one file.
type Action string

const (
	Created   Action = "created"
	Overwrote Action = "overwrote"
	Appended  Action = "appended to"
	Unchanged Action = "unchanged"
)

// Written is one file Write handled.
type Written struct {
	Path   string // as written: dir joined with the file's path
	Action Action
}

// ExistsError is returned when a file to be written already exists and force is off.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists: use --force to overwrite it", e.Path)
}

// Write puts the scaffold into dir, creating it as needed. Without force it first checks every
// target and, if any exists, writes nothing at all and returns an *ExistsError naming it: a
// refused init never leaves a half-made scaffold. Files marked Append are never a conflict; an
// existing one gains only the lines it lacks.
func Write(dir string, force bool) ([]Written, error) {
	all := Files()
	plan := make([]Action, len(all))
	var conflicts []error
	for i, f := range all {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		_, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			plan[i] = Created
		case err != nil:
			return nil, fmt.Errorf("%s: %w", p, err)
		case f.Append:
			plan[i] = Appended
		case force:
			plan[i] = Overwrote
		default:
			conflicts = append(conflicts, &ExistsError{Path: p})
		}
	}
	if len(conflicts) > 0 {
		return nil, errors.Join(conflicts...)
	}

	var done []Written
	for i, f := range all {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return done, fmt.Errorf("create directory for %s: %w", p, err)
		}
		action := plan[i]
		var err error
		if action == Appended {
			action, err = appendMissingLines(p, f.Data)
		} else {
			err = os.WriteFile(p, f.Data, 0o644)
		}
		if err != nil {
			return done, fmt.Errorf("write %s: %w", p, err)
		}
		done = append(done, Written{Path: p, Action: action})
	}
	return done, nil
}

// appendMissingLines adds to the file at p those non-comment lines of add it does not already
// have, under add's comment lines, so running init twice changes nothing.
func appendMissingLines(p string, add []byte) (Action, error) {
	old, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(old), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	var comments, missing []string
	for _, l := range strings.Split(strings.TrimRight(string(add), "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "#"):
			comments = append(comments, l)
		case !have[strings.TrimSpace(l)]:
			missing = append(missing, l)
		}
	}
	if len(missing) == 0 {
		return Unchanged, nil
	}
	var buf bytes.Buffer
	buf.Write(old)
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		buf.WriteByte('\n')
	}
	if len(old) > 0 {
		buf.WriteByte('\n')
	}
	for _, l := range append(comments, missing...) {
		buf.WriteString(l + "\n")
	}
	return Appended, os.WriteFile(p, buf.Bytes(), 0o644)
}
