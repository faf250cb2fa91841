// Command blastradius answers, for every identity in a cloud estate: if this
// identity is compromised, what can an attacker reach, and by which path?
//
// It collects facts into snapshots (collect), derives the attack graph and
// ranks identities by blast radius (analyze). Run "blastradius --help" for
// the commands and their exit codes.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/internal/memlimit"
	"github.com/blastradius/blastradius/providers"
)

func main() {
	memlimit.Apply() // a soft heap limit unless GOMEMLIMIT says otherwise
	stopProfile := startCPUProfile(os.Getenv("BLASTRADIUS_CPUPROFILE"))
	code := run(context.Background(), os.Args, os.Stdout, os.Stderr)
	stopProfile()
	os.Exit(code)
}

// startCPUProfile writes a CPU profile of the whole run to path when it is
// not empty (BLASTRADIUS_CPUPROFILE, for "go tool pprof"), and returns what
// ends it. A profile that cannot start is reported and the run goes on.
func startCPUProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "blastradius: BLASTRADIUS_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// run executes the command line args (args[0] is the program name) and
// returns the exit code. Errors are printed on stderr as "blastradius: <message>".
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	return runWith(ctx, args, stdout, stderr, providers.All())
}

// runWith is run with a provider list of the caller's (a test's own
// provider beside the real ones).
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, list []providers.Provider) int {
	setupLogging(stderr, false, false)
	app := newAppWith(stdout, stderr, list)
	err := app.RunContext(ctx, reorderArgs(app, args))
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "blastradius: %v\n", err)
	return exitCode(err)
}

const rootDescription = `For every identity in an estate (AWS IAM roles and users first) blastradius
answers: if this identity is compromised, what can an attacker reach, and by
which path? It ranks identities by blast radius and proves every claim with a
hop-by-hop path whose hops cite the policy statement that allows them.

Collect once, analyze many times: "collect" writes a snapshot of facts,
"analyze" derives the attack graph from one or more snapshots.

Examples:
   blastradius analyze --demo
   blastradius paths --demo --from arn:aws:iam::111122223333:user/carol.diaz --to-admin
   blastradius diff base.snap.json pr.snap.json --fail-on new-admin --format sarif -o results.sarif
   blastradius plan-diff base.snap.json plan.json --fail-on new-admin   # terraform show -json plan.out
   blastradius collect aws --from-dir ./export -o aws.snap.json
   blastradius analyze aws.snap.json --format json -o report.json
   blastradius techniques list          # what every hop of a path may cite

Exit codes:
   0  success
   1  a gate failed (diff or plan-diff --fail-on)
   2  bad usage or bad input (unknown flag or format, missing argument,
      unreadable or malformed file); the message names the file and place
   3  collection failed (with --strict: any gap)

Memory:
   blastradius runs with a soft heap limit of 1.75 GiB: past it the Go
   garbage collector works harder instead of letting the heap double, and
   nothing fails. GOMEMLIMIT overrides it (e.g. GOMEMLIMIT=8GiB for speed
   on a large machine).`

// newApp builds the command tree with every provider of this build.
func newApp(stdout, stderr io.Writer) *cli.App {
	return newAppWith(stdout, stderr, providers.All())
}

// newAppWith builds the command tree for the providers of list: their
// collect commands, analyses and demo data. Output goes to stdout, help to
// stdout, diagnostics to stderr.
func newAppWith(stdout, stderr io.Writer, list []providers.Provider) *cli.App {
	mustDefineKinds(list)
	app := &cli.App{
		Metadata:  map[string]any{providersKey: list},
		Name:      "blastradius",
		Usage:     "rank identities by what an attacker reaches when they are compromised",
		UsageText: "blastradius [--verbose|--debug] COMMAND [options] [arguments...]",
		// HideVersion: -v is --verbose here; the version is a command.
		HideVersion:          true,
		Description:          rootDescription,
		Writer:               stdout,
		ErrWriter:            stderr,
		Flags:                logFlags(),
		EnableBashCompletion: false,
		Commands: []*cli.Command{
			collectCommand(list),
			analyzeCommand(),
			pathsCommand(),
			whoCanCommand(),
			diffCommand(),
			planDiffCommand(),
			vizCommand(),
			exportCommand(),
			queriesCommand(),
			collectorsCommand(),
			techniquesCommand(),
			versionCommand(),
		},
		Before: configureLogging,
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("unknown command %q (run 'blastradius --help')", cCtx.Args().First())
			}
			return cli.ShowAppHelp(cCtx)
		},
		// Errors are printed once, by run; urfave must not exit or print.
		ExitErrHandler: func(*cli.Context, error) {},
	}
	prepareCommands(app.Commands)
	app.OnUsageError = onUsageError
	return app
}

// onUsageError turns a flag parsing error into bad usage (exit 2) with a
// pointer to the help.
func onUsageError(cCtx *cli.Context, err error, _ bool) error {
	name := "blastradius"
	if cCtx.Command != nil && cCtx.Command.HelpName != "" {
		name = cCtx.Command.HelpName
	}
	return usageErrorf("%v (run '%s --help')", err, name)
}

// prepareCommands gives every command the usage-error mapping and every
// leaf command the logging setup (its own --verbose/--debug are parsed only
// when it runs).
func prepareCommands(cmds []*cli.Command) {
	for _, c := range cmds {
		c.OnUsageError = onUsageError
		if len(c.Subcommands) == 0 && c.Before == nil {
			c.Before = configureLogging
		}
		prepareCommands(c.Subcommands)
	}
}

// logFlags are accepted by the root and by every command, so that
// "blastradius -v analyze …" and "blastradius analyze … -v" both work.
func logFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log progress (level info) on stderr"},
		&cli.BoolFlag{Name: "debug", Usage: "log everything (level debug) on stderr"},
	}
}

// withLogFlags appends the logging flags to a command's own flags.
func withLogFlags(flags ...cli.Flag) []cli.Flag {
	return append(flags, logFlags()...)
}

// configureLogging sets the log level from --verbose and --debug given at
// any level of the command line.
func configureLogging(cCtx *cli.Context) error {
	var verbose, debug bool
	for _, c := range cCtx.Lineage() {
		verbose = verbose || c.Bool("verbose")
		debug = debug || c.Bool("debug")
	}
	setupLogging(cCtx.App.ErrWriter, verbose, debug)
	return nil
}

// setupLogging installs the default slog logger: text on w, level warn by
// default, info with verbose, debug with debug. Nothing logged may carry
// credentials: callers log names, counts and paths only.
func setupLogging(w io.Writer, verbose, debug bool) {
	level := slog.LevelWarn
	switch {
	case debug:
		level = slog.LevelDebug
	case verbose:
		level = slog.LevelInfo
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})))
}
