package main

// `kdocs init`: set up a documentation repository from the embedded scaffold (see
// generator/scaffold), then say what to do next.

import (
	"context"
	"fmt"
	"github.com/spf13/pflag"

	"github.com/kdocs/kdocs/generator/scaffold"
)

func initCommand() command {
	return command{name: "init",
		short: "Set up a documentation repository: site.yaml, a first page and a nightly CI workflow.",
		long: `Set up a documentation repository: site.yaml, content/getting-started.md, .gitignore lines
and .github/workflows/kdocs.yml, a nightly GitHub Actions job that snapshots the clusters,
keeps the snapshot history on the kdocs-history branch and publishes the site to Pages. Existing files are left alone
unless --force; .gitignore only gains the lines it lacks.`,
		example: `  kdocs init                     # in the current directory
  kdocs init --dir docs          # in docs/, created if missing
  kdocs init --force             # overwrite the files kdocs wrote before
  kdocs init --ci github         # the same: the GitHub Actions workflow is the one kdocs writes`,
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			dir := fs.String("dir", ".", "directory to set up (created if missing)")
			force := fs.Bool("force", false, "overwrite files that already exist")
			ci := fs.String("ci", "github", "the CI workflow to write: github (GitHub Actions, publishing to Pages, history on the kdocs-history branch)")
			return func(context.Context) error {
				if *ci != "github" {
					return usageError{fmt.Sprintf("--ci %q: want github (docs/publishing.md shows GitLab and S3 jobs to copy)", *ci)}
				}
				written, err := scaffold.Write(*dir, *force)
				for _, w := range written {
					fmt.Fprintf(e.stdout, "%-11s %s\n", w.Action, w.Path)
				}
				if err != nil {
					return err
				}
				fmt.Fprint(e.stdout, `
Next:
  1. Edit site.yaml: the title, the cluster's name; uncomment schemaRegistry if you have one.
  2. Try it: KAFKA_BOOTSTRAP=host:9092 kdocs snapshot && kdocs build && kdocs serve
  3. On GitHub: set Pages' source to "GitHub Actions" and add the repository secret
     KAFKA_BOOTSTRAP (and SCHEMA_REGISTRY_URL, KAFKA_USER, KAFKA_PASSWORD as needed).
`)
				return nil
			}
		}}
}
