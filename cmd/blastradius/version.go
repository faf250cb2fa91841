package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

// versionOptions are the options of "version".
type versionOptions struct {
	Stdout io.Writer
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:      "version",
		Usage:     "print the version of blastradius",
		UsageText: "blastradius version",
		Flags:     withLogFlags(),
		Action: func(cCtx *cli.Context) error {
			return runVersion(cCtx.Context, versionOptions{Stdout: cCtx.App.Writer})
		},
	}
}

// runVersion prints "blastradius <version> (<revision>, <go version>)".
func runVersion(_ context.Context, opts versionOptions) error {
	v, rev := version, ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = s.Value[:12]
			}
		}
	}
	extra := runtime.Version()
	if rev != "" {
		extra = rev + ", " + extra
	}
	_, err := fmt.Fprintf(opts.Stdout, "blastradius %s (%s)\n", v, extra)
	return err
}
