package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderArgs moves the flags given to the command being run ahead of its
// positional arguments, so that "analyze a.json --format json" works:
// urfave/cli v2, like package flag, stops reading flags at the first
// positional argument. Arguments after "--" stay positional. Commands and
// flags it does not know are left where they are for the parser to reject.
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	flags, cmds := app.Flags, app.Commands
	for {
		// The flags of this level, then a command name.
		i := 0
		for i < len(rest) && isFlagArg(rest[i]) {
			if rest[i] == "--" {
				return append(out, rest[i:]...)
			}
			n := 1
			if needsValue(flags, rest[i]) && i+1 < len(rest) {
				n = 2
			}
			out = append(out, rest[i:i+n]...)
			i += n
		}
		rest = rest[i:]
		if len(rest) == 0 {
			return out
		}
		cmd := findCommand(cmds, rest[0])
		if cmd == nil {
			return append(out, rest...)
		}
		out = append(out, rest[0])
		rest = rest[1:]
		flags, cmds = cmd.Flags, cmd.Subcommands
		if len(cmds) == 0 {
			break
		}
	}

	var flagArgs, positional []string
	dashdash := false
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			dashdash = true
			positional = append(positional, rest[i+1:]...)
			break
		}
		if !isFlagArg(a) {
			positional = append(positional, a)
			continue
		}
		flagArgs = append(flagArgs, a)
		if needsValue(flags, a) && i+1 < len(rest) {
			flagArgs = append(flagArgs, rest[i+1])
			i++
		}
	}
	out = append(out, flagArgs...)
	if dashdash {
		out = append(out, "--")
	}
	return append(out, positional...)
}

// isFlagArg reports whether a looks like a flag ("-x", "--name", "--name=v",
// "--"); a lone "-" is an argument (standard input or output).
func isFlagArg(a string) bool { return len(a) > 1 && a[0] == '-' }

// needsValue reports whether the flag arg is a known flag that takes a value
// given as the next argument (not "--name=value").
func needsValue(flags []cli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, f := range flags {
		if !slices.Contains(f.Names(), name) {
			continue
		}
		if df, ok := f.(cli.DocGenerationFlag); ok {
			return df.TakesValue()
		}
		return false
	}
	return false
}

// findCommand returns the command named (or aliased) name, or nil.
func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
