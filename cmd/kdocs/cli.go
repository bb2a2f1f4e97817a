package main

// The command line: spf13/cobra, with the conventions of the Go CLIs people know (gh, Hugo,
// kubectl): --long and -s flags, `kdocs help <command>`, `kdocs completion <shell>`. Each
// command lives in its own file as a command value: its help text and a setup function that
// registers its flags and returns the function that runs it. This file turns those values into
// cobra commands and cobra's outcome into kdocs' exit codes.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdocs/kdocs/generator/config"
)

// Exit codes: scripts and nightly CI rely on them (docs/cli.md lists them).
const (
	exitOK = 0
	// exitFail: the command failed (a file could not be read, a cluster could not be
	// snapshotted, `kdocs check` found problems), or `kdocs diff --exit-code` found changes,
	// as git diff --exit-code does.
	exitFail = 1
	// exitUsage: the command line is wrong: an unknown command or flag, a bad flag value, a
	// missing argument.
	exitUsage = 2
	// exitFailOn: the command did its work, and a --fail-on threshold was reached.
	exitFailOn = 3
)

// command is one subcommand. Each lives in its own file with its options.
type command struct {
	name string
	// args names the positional arguments the command takes, for its usage line ("OLD.json
	// NEW.json"); the command checks them itself, from env.args. Empty: it takes none, and any
	// is a usage error.
	args string
	// short is one full sentence for the command list; long is the whole description.
	short, long string
	// example: command lines with a comment each, shown in the command's help.
	example string
	// output: stdout is the command's product (a diff, a version), kept under --quiet; the
	// other commands' stdout is a report that --quiet silences.
	output bool
	// flagsFirst: flags must come before the positional arguments (the rest are files).
	flagsFirst bool
	// setup registers flags and returns the function that runs the command.
	setup func(fs *pflag.FlagSet, e *env) func(ctx context.Context) error
	// complete, when set, adds shell completions for the command's arguments and flag values.
	complete func(c *cobra.Command)
}

// env is what every command shares: output streams, the logger and the config path.
type env struct {
	stdout, stderr io.Writer
	// product is stdout even under --quiet, for output that is the command's product
	// (snapshot --json-summary).
	product        io.Writer
	log            *slog.Logger
	configPath     string
	verbose, quiet bool
	// args are the positional arguments, for commands that declare some.
	args []string
}

func (e *env) loadConfig() (*config.Site, error) {
	return config.Load(e.configPath)
}

// usageError marks errors that are the caller's fault: they exit 2, not 1.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// failOnError is a --fail-on threshold that was reached: it exits 3.
type failOnError struct{ msg string }

func (e failOnError) Error() string { return e.msg }

func commands() []command {
	return []command{initCommand(), checkCommand(), snapshotCommand(), buildCommand(), diffCommand(), pdfCommand(), exportCommand(), serveCommand(), versionCommand()}
}

const rootLong = `kdocs turns a live Kafka estate into a static documentation site: it reads the clusters,
their Schema Registry and Kafka Connect into JSON snapshots, then builds HTML pages, PDF books
and exports from those files alone.`

// helpTemplate is cobra's help, in kdocs' words: the description, the usage line, examples,
// the commands or flags.
const helpTemplate = `{{with (or .Long .Short)}}{{. | trimTrailingWhitespaces}}

{{end}}usage: {{if .Runnable}}{{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}{{if .Runnable}}
       {{end}}{{.CommandPath}} <command> [flags]{{end}}{{if .HasExample}}

examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

global flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Run '{{.CommandPath}} help <command>' for a command's flags and examples.{{end}}
`

// newRoot builds the command tree around e; ran is set once a command's own code starts, so
// that an error before it (cobra's: unknown command, bad flag) is known as a usage error.
func newRoot(ctx context.Context, e *env, ran *bool) *cobra.Command {
	// The command list in the order of the work: init, snapshot, build, …
	cobra.EnableCommandSorting = false
	root := &cobra.Command{
		Use:           "kdocs",
		Short:         "Document a Kafka estate as a static site.",
		Long:          rootLong,
		Example:       rootExample,
		SilenceErrors: true,
		SilenceUsage:  true,
		// Root-level flags are global: every command reads site.yaml through --config.
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			if e.verbose && e.quiet {
				return usageError{"--verbose and --quiet: choose one"}
			}
			level := slog.LevelInfo
			switch {
			case e.verbose:
				level = slog.LevelDebug
			case e.quiet:
				level = slog.LevelWarn
			}
			e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			return nil
		},
	}
	root.SetContext(ctx)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetHelpTemplate(helpTemplate)
	root.SetUsageTemplate(helpTemplate)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err.Error()} })
	pf := root.PersistentFlags()
	pf.StringVarP(&e.configPath, "config", "c", "site.yaml", "path to the site configuration")
	pf.BoolVarP(&e.verbose, "verbose", "v", false, "log debug detail on stderr")
	pf.BoolVarP(&e.quiet, "quiet", "q", false, "print only warnings and errors (a command's product, such as a diff, still goes to stdout)")
	_ = root.RegisterFlagCompletionFunc("config", yamlFiles)

	for _, cmd := range commands() {
		root.AddCommand(cobraCommand(cmd, e, ran))
	}
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Short = "Show the help of kdocs or of one command, with its flags and examples."
			c.Example = "  kdocs help            # the commands\n  kdocs help build      # build's flags and examples"
		case "completion":
			c.Short = "Print the shell completion script for bash, zsh, fish or powershell."
			c.Example = completionExample
			// A shell cobra has no script for is a usage error, not the help and success.
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					_ = c.Help()
					return usageError{"name a shell: bash, zsh, fish or powershell"}
				}
				return usageError{fmt.Sprintf("no completion for %q: want bash, zsh, fish or powershell", args[0])}
			}
			for _, sh := range c.Commands() {
				sh.Short = fmt.Sprintf("Print the completion script for %s.", sh.Name())
				sh.Example = fmt.Sprintf("  kdocs completion %s > kdocs.%s   # then load it as the help above says", sh.Name(), sh.Name())
			}
		}
	}
	return root
}

const rootExample = `  kdocs init --dir docs           # a site.yaml, a first page and a nightly GitHub workflow
  kdocs check                     # validate site.yaml and content/ without a cluster
  kdocs snapshot                  # read the live clusters into snapshots/
  kdocs build && kdocs serve      # build the site and preview it on http://127.0.0.1:1313/`

const completionExample = `  source <(kdocs completion bash)                          # bash, this shell
  kdocs completion zsh > "${fpath[1]}/_kdocs"              # zsh, every new shell
  kdocs completion fish > ~/.config/fish/completions/kdocs.fish
  kdocs completion powershell | Out-String | Invoke-Expression`

// cobraCommand turns a command value into a cobra command.
func cobraCommand(cmd command, e *env, ran *bool) *cobra.Command {
	use := cmd.name
	if cmd.args != "" {
		use += " [flags] " + cmd.args
	}
	c := &cobra.Command{
		Use:     use,
		Short:   cmd.short,
		Long:    cmd.long,
		Example: cmd.example,
	}
	if c.Long == "" {
		c.Long = cmd.short
	}
	if cmd.args == "" {
		c.Args = func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Sprintf("unexpected argument %q", args[0])}
			}
			return nil
		}
		c.ValidArgsFunction = cobra.NoFileCompletions
	}
	if cmd.flagsFirst {
		c.Flags().SetInterspersed(false)
	}
	do := cmd.setup(c.Flags(), e)
	c.RunE = func(c *cobra.Command, args []string) error {
		*ran = true
		e.args = args
		if e.quiet && !cmd.output {
			e.stdout = io.Discard
		}
		return do(c.Context())
	}
	if cmd.complete != nil {
		cmd.complete(c)
	}
	return c
}

// yamlFiles completes a site configuration file name.
func yamlFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeValues completes a flag from a fixed list of values.
func completeValues(c *cobra.Command, flag string, values ...string) {
	_ = c.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, product: stdout}
	var ran bool
	root := newRoot(ctx, e, &ran)
	if len(args) == 0 {
		// No command: the list of commands, and the status of a wrong command line.
		root.SetOut(stderr)
		_ = root.Help()
		return exitUsage
	}
	args = legacyFlags(root, args, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	name := "kdocs"
	if cmd != nil && cmd != root {
		name = cmd.CommandPath()
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	var ue usageError
	var fo failOnError
	switch {
	case errors.As(err, &fo):
		return exitFailOn
	case errors.As(err, &ue) || !ran:
		if !ran {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", name)
		}
		return exitUsage
	}
	return exitFail
}

// legacyFlags rewrites the single-dash long flags of kdocs before cobra (-config, -out: Go's
// flag package took them) to their --long form, with a warning on stderr: they keep working
// for one release. Without this, pflag would read -config as -c onfig. A single-dash word that
// is no long flag of the command is left for cobra to judge; "--" ends the flags.
func legacyFlags(root *cobra.Command, args []string, stderr io.Writer) []string {
	sub, _, err := root.Find(args)
	if err != nil || sub == root {
		return args
	}
	lookup := func(name string) *pflag.Flag {
		if f := sub.Flags().Lookup(name); f != nil {
			return f
		}
		return root.PersistentFlags().Lookup(name)
	}
	out := make([]string, 0, len(args))
	skipValue := false
	for i, a := range args {
		if skipValue || !strings.HasPrefix(a, "-") || a == "-" {
			skipValue = false
			out = append(out, a)
			continue
		}
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		var f *pflag.Flag
		switch {
		case strings.HasPrefix(a, "--"):
			f = lookup(name)
		case len(name) > 1 && lookup(name) != nil:
			f = lookup(name)
			fmt.Fprintf(stderr, "kdocs: -%s is deprecated and stops working in the next release: use --%s\n", name, name)
			a = "-" + a
		default:
			f = sub.Flags().ShorthandLookup(name[:min(1, len(name))])
			if f == nil {
				f = root.PersistentFlags().ShorthandLookup(name[:min(1, len(name))])
			}
			hasValue = hasValue || len(name) > 1 // -ofile
		}
		skipValue = f != nil && !hasValue && f.NoOptDefVal == ""
		out = append(out, a)
	}
	return out
}

// version is the module version kdocs was built as, or "dev" for a source build.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func versionCommand() command {
	return command{name: "version", output: true,
		short:   "Print the kdocs version and the snapshot format it writes.",
		example: "  kdocs version",
		setup: func(_ *pflag.FlagSet, e *env) func(context.Context) error {
			return func(context.Context) error {
				fmt.Fprintf(e.stdout, "kdocs %s (snapshot format %s)\n", version(), snapshotFormat())
				return nil
			}
		}}
}

// fileExists is used by commands that pick optional inputs.
func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
