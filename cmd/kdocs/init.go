package main

// `kdocs init`: set up a documentation repository from the embedded scaffold (see
// generator/scaffold), then say what to do next.

import (
	"context"
	"flag"
	"fmt"

	"github.com/kdocs/kdocs/generator/scaffold"
)

func initCommand() command {
	return command{name: "init", summary: "Set up a documentation repository: site.yaml, content/getting-started.md, .gitignore lines\nand .github/workflows/kdocs.yml, a nightly GitHub Actions job that publishes the site to Pages.\nExisting files are left alone unless --force; .gitignore only gains the lines it lacks.",
		setup: func(fs *flag.FlagSet, e *env) func(context.Context) error {
			dir := fs.String("dir", ".", "directory to set up (created if missing)")
			force := fs.Bool("force", false, "overwrite files that already exist")
			return func(context.Context) error {
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
