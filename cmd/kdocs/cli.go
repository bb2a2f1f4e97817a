package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/kdocs/kdocs/generator/config"
)

// Exit codes: scripts and nightly CI rely on them.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// command is one subcommand: its flags are registered on fs, and run does the work once the
// flags are parsed. Each lives in its own file with its options struct.
type command struct {
	name    string
	summary string
	// args names the positional arguments the command takes, for its usage line ("OLD.json
	// NEW.json"); the command checks them itself, from env.args. Empty: it takes none, and any
	// is a usage error.
	args string
	// setup registers flags and returns the function that runs the command.
	setup func(fs *flag.FlagSet, env *env) func(ctx context.Context) error
}

// env is what every command shares: output streams, the logger and the config path.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	configPath     string
	// args are the positional arguments, for commands that declare some.
	args []string
}

func (e *env) loadConfig() (*config.Site, error) {
	return config.Load(e.configPath)
}

// usageError marks errors that are the caller's fault: they exit 2, not 1.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func commands() []command {
	return []command{initCommand(), snapshotCommand(), buildCommand(), diffCommand(), pdfCommand(), exportCommand(), serveCommand(), versionCommand()}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == args[0] {
			cmd = &c
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "kdocs: unknown command %q\n\n", args[0])
		printUsage(stderr)
		return exitUsage
	}
	e := &env{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("kdocs "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&e.configPath, "config", "site.yaml", "path to the site configuration")
	verbose := fs.Bool("v", false, "log debug detail")
	do := cmd.setup(fs, e)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kdocs %s [flags]%s\n\n%s\n\nflags:\n", cmd.name, strings.TrimRight(" "+cmd.args, " "), cmd.summary)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		return exitUsage
	}
	if cmd.args == "" && fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kdocs %s: unexpected argument %q\n", cmd.name, fs.Arg(0))
		return exitUsage
	}
	e.args = fs.Args()
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	e.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := do(ctx); err != nil {
		fmt.Fprintf(stderr, "kdocs %s: %v\n", cmd.name, err)
		var ue usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitFail
	}
	return exitOK
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "kdocs turns a live Kafka estate into a static documentation site.")
	fmt.Fprintln(w, "\nusage: kdocs <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, strings.SplitN(c.summary, "\n", 2)[0])
	}
	fmt.Fprintln(w, "\nRun 'kdocs <command> --help' for a command's flags.")
}

// version is the module version kdocs was built as, or "dev" for a source build.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func versionCommand() command {
	return command{name: "version", summary: "Print the kdocs version.",
		setup: func(_ *flag.FlagSet, e *env) func(context.Context) error {
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
