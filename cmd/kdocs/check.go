package main

// `kdocs check`: validate site.yaml and content/ without touching Kafka (generator/check).

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdocs/kdocs/generator/check"
)

func checkCommand() command {
	return command{name: "check", output: true,
		short: "Validate site.yaml and the annotations of content/ without touching Kafka.",
		long: `Validate site.yaml and the annotations of content/ without touching Kafka: unknown keys (with
the key probably meant), values of the wrong type, undefined ${ENV} variables, files that cannot
be read, and every rule kdocs build and kdocs snapshot apply to the configuration. Each problem
is printed as file:line:column: message, the way editors and CI annotations read them.

Exit status: 0 when the site is valid, 1 when a problem was found, 2 for a wrong command line.`,
		example: `  kdocs check                              # site.yaml and content/ here
  kdocs check -c docs/site.yaml            # another site
  kdocs check --format json | jq -r '.[].message'`,
		complete: func(c *cobra.Command) { completeValues(c, "format", "text", "json") },
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			format := fs.StringP("format", "f", "text", "how to print the problems: text (file:line:column: message) or json (an array of {file, line, column, message})")
			return func(context.Context) error {
				if *format != "text" && *format != "json" {
					return usageError{fmt.Sprintf("--format %q: want text or json", *format)}
				}
				problems := check.Site(e.configPath, check.Options{})
				if *format == "json" {
					if problems == nil {
						problems = []check.Problem{}
					}
					if err := writeJSON(e.stdout, problems); err != nil {
						return err
					}
				} else {
					for _, p := range problems {
						fmt.Fprintln(e.stdout, p)
					}
				}
				if len(problems) > 0 {
					return fmt.Errorf("%d %s", len(problems), diffPlural(len(problems), "problem", "problems"))
				}
				if *format == "text" && !e.quiet {
					fmt.Fprintf(e.stderr, "%s: ok\n", e.configPath)
				}
				return nil
			}
		}}
}
