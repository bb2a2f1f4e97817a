package main

// kdocs diff: what changed between two snapshots of one cluster, as text for people or JSON
// for tools, and as an exit code for pull-request checks.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/snapshot"
)

func diffCommand() command {
	return command{name: "diff", args: "OLD.json NEW.json",
		summary: "Print what changed between two snapshots of the same cluster, grouped by resource.\n" +
			"With --exit-code it exits 1 when anything changed, like git diff --exit-code. Flags go before the files.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			asJSON := fs.Bool("json", false, "print the changes as a JSON array of {kind, severity, resource, old, new, message}")
			exitCode := fs.Bool("exit-code", false, "exit 1 when there are changes, 0 when there are none")
			lagJump := fs.Int64("lag-jump", diff.DefaultLagJump, "report a group whose total lag grew by at least this many records (negative: never)")
			return func(context.Context) error {
				if err := checkDiffArgs(e.args); err != nil {
					return err
				}
				before, err := snapshot.Load(e.args[0])
				if err != nil {
					return fmt.Errorf("old snapshot: %w", err)
				}
				after, err := snapshot.Load(e.args[1])
				if err != nil {
					return fmt.Errorf("new snapshot: %w", err)
				}
				changes := diff.Compare(before, after, diff.Options{LagJump: *lagJump})
				if *asJSON {
					err = writeChangesJSON(e.stdout, changes)
				} else {
					err = writeChangesText(e.stdout, changes)
				}
				if err != nil {
					return fmt.Errorf("write changes: %w", err)
				}
				if *exitCode && len(changes) > 0 {
					return fmt.Errorf("%d %s (--exit-code)", len(changes), diffPlural(len(changes), "change", "changes"))
				}
				return nil
			}
		}}
}

// checkDiffArgs wants exactly two files. The flag package stops at the first file, so a flag
// after them arrives here as a file: say so rather than fail to open "--json".
func checkDiffArgs(args []string) error {
	for _, a := range args {
		if strings.HasPrefix(a, "-") && a != "-" {
			return usageError{fmt.Sprintf("flag %s after the files: flags go before OLD.json NEW.json", a)}
		}
	}
	if len(args) != 2 {
		return usageError{fmt.Sprintf("want two snapshot files, OLD.json NEW.json; got %d argument%s", len(args), diffPlural(len(args), "", "s"))}
	}
	return nil
}

func writeChangesJSON(w io.Writer, changes diff.Changes) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Names and messages are untrusted text, but this is JSON, not HTML: keep them readable.
	enc.SetEscapeHTML(false)
	return enc.Encode(changes)
}

// writeChangesText prints one block per resource, in the order of changes (sorted by
// resource), and a count by severity.
func writeChangesText(w io.Writer, changes diff.Changes) error {
	var b strings.Builder
	if len(changes) == 0 {
		b.WriteString("no changes\n")
	}
	counts := map[string]int{}
	for i, c := range changes {
		if i == 0 || changes[i-1].Resource != c.Resource {
			fmt.Fprintf(&b, "%s\n", c.Resource)
		}
		fmt.Fprintf(&b, "  %-8s %-22s %s\n", c.Severity, c.Kind, c.Message)
		counts[c.Severity]++
	}
	if len(changes) > 0 {
		var parts []string
		for _, s := range []string{diff.Breaking, diff.Warning, diff.Info} {
			if n := counts[s]; n > 0 {
				label := s
				if s == diff.Warning {
					label = diffPlural(n, "warning", "warnings")
				}
				parts = append(parts, fmt.Sprintf("%d %s", n, label))
			}
		}
		fmt.Fprintf(&b, "\n%d %s: %s\n", len(changes), diffPlural(len(changes), "change", "changes"), strings.Join(parts, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func diffPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
