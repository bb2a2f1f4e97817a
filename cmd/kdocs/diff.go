package main

// kdocs diff: what changed between two snapshots of one cluster, and whom each breaking change
// reaches (lineage.BlastRadius), as text for people, JSON for tools or Markdown for a
// pull-request comment (diff_format.go), and as an exit code for pull-request checks.

import (
	"context"
	"fmt"
	"strings"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func diffCommand() command {
	return command{name: "diff", args: "OLD.json NEW.json", output: true, flagsFirst: true,
		short: "Print what changed between two snapshots of the same cluster, grouped by resource.",
		long: `Print what changed between two snapshots of the same cluster, grouped by resource, as text
for people, JSON for tools or Markdown for a pull-request comment. Each breaking change on a
topic or a subject names the parties it affects: the consumer groups, connectors, MirrorMaker
2 flows, Streams applications and writers (transactional ids, producer ids, ACL principals)
of the topic, or of the topics the subject serves (TopicNameStrategy); a deleted topic's are
read from the old snapshot. With --exit-code it exits 1 when anything changed, like git diff
--exit-code. Flags go before the files.

With --from and --to instead of files, it compares two environments of site.yaml's
environments: block (their clusters' snapshots): topics and subjects that drift, and the
versions waiting to be promoted with the registry's answer kdocs snapshot recorded; --fail-on
drift then exits 3 on any difference that is not expected drift or a version ready to promote.`,
		example: `  kdocs diff snapshots/history/prod/20261126T031700Z.json snapshots/prod.json
  kdocs diff --format json old.json new.json | jq '.[] | select(.severity == "breaking")'
  kdocs diff --format markdown old.json new.json > comment.md    # for a pull request
  kdocs diff --exit-code old.json new.json || echo "the estate changed"
  kdocs diff --from staging --to prod                           # environments: drift and promotion readiness
  kdocs diff --from staging --to prod --fail-on drift --format markdown`,
		complete: func(c *cobra.Command) {
			completeValues(c, "format", "text", "json", "markdown")
			c.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
				if len(args) >= 2 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return []string{"json"}, cobra.ShellCompDirectiveFilterFileExt
			}
		},
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			format := fs.StringP("format", "f", "text", "how to print the changes: text, json (an array of {kind, severity, resource, old, new, message, affected}) or markdown (a pull-request comment)")
			asJSON := fs.Bool("json", false, "the same as --format json")
			exitCode := fs.Bool("exit-code", false, "exit 1 when there are changes, 0 when there are none")
			lagJump := fs.Int64("lag-jump", diff.DefaultLagJump, "report a group whose total lag grew by at least this many records (negative: never)")
			from := fs.String("from", "", "compare two environments of site.yaml's environments: block instead of two files: the earlier one")
			to := fs.String("to", "", "with --from: the later environment (promotion goes from --from to --to)")
			failOn := fs.String("fail-on", "", "with --from/--to: exit 3 when the environments drift (drift)")
			return func(context.Context) error {
				write, ok := changeWriters[*format]
				if !ok {
					return usageError{fmt.Sprintf("--format %q: want text, json or markdown", *format)}
				}
				if *asJSON {
					if fs.Changed("format") && *format != "json" {
						return usageError{fmt.Sprintf("--json and --format %s: choose one", *format)}
					}
					write = writeChangesJSON
				}
				if *from != "" || *to != "" {
					return diffEnvironments(e, write, *from, *to, *failOn, *exitCode)
				}
				if *failOn != "" {
					return usageError{"--fail-on drift compares environments: give --from and --to"}
				}
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
				// Two files know no site.yaml: subjects reach topics by TopicNameStrategy (and
				// TopicRecordNameStrategy), and annotations' owners are the site's to add.
				blasts := lineage.BlastRadius(before, after, changes, lineage.BlastOptions{})
				if err := write(e.stdout, changes, blasts); err != nil {
					return fmt.Errorf("write changes: %w", err)
				}
				if *exitCode && len(changes) > 0 {
					return fmt.Errorf("%d %s (--exit-code)", len(changes), diffPlural(len(changes), "change", "changes"))
				}
				return nil
			}
		}}
}

// diffEnvironments is kdocs diff --from ENV --to ENV.
func diffEnvironments(e *env, write changeWriter, from, to, failOn string, exitCode bool) error {
	if from == "" || to == "" {
		return usageError{"--from and --to go together: name two environments of site.yaml's environments: block"}
	}
	if len(e.args) > 0 {
		return usageError{"--from/--to compare site.yaml's environments: give no snapshot files"}
	}
	if failOn != "" && failOn != failOnDriftReason {
		return usageError{fmt.Sprintf("--fail-on %q: with --from/--to, want drift", failOn)}
	}
	site, err := e.loadConfig()
	if err != nil {
		return err
	}
	changes, err := environmentChanges(site, from, to)
	if err != nil {
		return err
	}
	if err := write(e.stdout, changes, nil); err != nil {
		return fmt.Errorf("write changes: %w", err)
	}
	if n := driftFound(changes); failOn != "" && n > 0 {
		return failOnError{fmt.Sprintf("%s and %s drift: %d %s (--fail-on drift)", from, to, n, diffPlural(n, "difference", "differences"))}
	}
	if exitCode && len(changes) > 0 {
		return fmt.Errorf("%d %s (--exit-code)", len(changes), diffPlural(len(changes), "change", "changes"))
	}
	return nil
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

func diffPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
