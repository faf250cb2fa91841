package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/providers"
)

// providersKey is where the app keeps its provider list (App.Metadata).
const providersKey = "providers"

// providerList returns the provider list of the running app.
func providerList(cCtx *cli.Context) []providers.Provider {
	list, _ := cCtx.App.Metadata[providersKey].([]providers.Provider)
	return list
}

// cliFlag turns a provider's flag into a command-line flag.
func cliFlag(f providers.Flag) cli.Flag {
	switch f.Kind {
	case providers.BoolFlag:
		def, _ := f.Default.(bool)
		return &cli.BoolFlag{Name: f.Name, Usage: f.Usage, Value: def}
	case providers.IntFlag:
		def, _ := f.Default.(int)
		return &cli.IntFlag{Name: f.Name, Usage: f.Usage, Value: def}
	case providers.StringsFlag:
		return &cli.StringSliceFlag{Name: f.Name, Usage: f.Usage}
	default:
		def, _ := f.Default.(string)
		return &cli.StringFlag{Name: f.Name, Usage: f.Usage, Value: def}
	}
}

// cliOptions reads a provider's flags from the command line.
type cliOptions struct{ c *cli.Context }

func (o cliOptions) String(name string) string    { return o.c.String(name) }
func (o cliOptions) Strings(name string) []string { return o.c.StringSlice(name) }
func (o cliOptions) Bool(name string) bool        { return o.c.Bool(name) }
func (o cliOptions) Int(name string) int          { return o.c.Int(name) }
func (o cliOptions) IsSet(name string) bool       { return o.c.IsSet(name) }

// mustDefineKinds defines the node kinds of the list's providers; a
// conflict is a programming error of the list.
func mustDefineKinds(list []providers.Provider) {
	if err := providers.DefineKinds(list); err != nil {
		panic(fmt.Sprintf("provider list: %v", err))
	}
}
