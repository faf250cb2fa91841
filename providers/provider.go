// Package providers is the provider list: one entry per provider (AWS, and
// the others as they arrive), each saying its name and tags, the flags and
// collectors of "blastradius collect <name>", its analysis (a Deriver), the
// node kinds it defines, its part of the embedded demo estate and how it
// brings snapshots of earlier builds up to date. The command line builds
// every provider-specific thing it offers from this list, and this package
// is the only one besides the command that imports providers: shared
// packages (collectors, analysis, graphmodel, the sinks) name none.
package providers

import (
	"context"
	"errors"
	"fmt"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// Mode is how a collector reads its source.
type Mode string

// The collection modes.
const (
	// Live reads the provider's API.
	Live Mode = "live"
	// Offline reads files the provider's own tools exported.
	Offline Mode = "offline"
)

// FlagKind is the type of a flag's value.
type FlagKind int

// The flag kinds.
const (
	// StringFlag takes one value.
	StringFlag FlagKind = iota
	// StringsFlag may be given several times (or as a comma-separated list
	// where the provider says so); Options.Strings returns every value.
	StringsFlag
	// BoolFlag is a switch.
	BoolFlag
	// IntFlag takes an integer.
	IntFlag
)

// Flag is one flag of "collect <provider>".
type Flag struct {
	// Name is the long name without dashes ("from-dir").
	Name string
	// Kind is the type of its value.
	Kind FlagKind
	// Usage says what it does; a word in backquotes names its value in
	// --help (`DIR`).
	Usage string
	// Default is the value when the flag is not given (a string, bool or int
	// as Kind says; nil for none).
	Default any
	// Modes are the modes the flag belongs to; empty means every mode. A
	// flag of one mode given in the other is bad usage.
	Modes []Mode
}

// Options are the values of a provider's flags in one run.
type Options interface {
	String(name string) string
	Strings(name string) []string
	Bool(name string) bool
	Int(name string) int
	// IsSet reports whether the flag was given on the command line.
	IsSet(name string) bool
}

// Env is what a collector factory may use besides its options.
type Env struct {
	// Progress, when not nil, receives the collection's progress events;
	// the command renders them on a terminal.
	Progress collectors.ProgressFunc
}

// Provider is one entry of the provider list.
type Provider struct {
	// Name is the name of "blastradius collect <name>" ("aws").
	Name string
	// Tags classify the provider ("aws", "cloud", "saas", …).
	Tags []string
	// Summary says in one line what its collector reads.
	Summary string
	// Usage is the synopsis of "collect <name>" without the common options,
	// and Description its --help text (options, examples, exit codes).
	Usage, Description string
	// Flags are the provider's own flags of "collect <name>" (the command
	// adds -o, --strict and the logging flags).
	Flags []Flag
	// OfflineFlag is the flag whose presence selects offline mode
	// ("from-dir", "from-file"); without it the collection is live.
	OfflineFlag string
	// Live and Offline return the collectors of one collection (nil when the
	// provider has no such mode). A bad option is reported with Usagef (exit
	// 2); bad input files with internal/badinput; any other error means the
	// source could not be reached (exit 3).
	Live    func(ctx context.Context, opts Options, env Env) ([]collectors.Collector, error)
	Offline func(ctx context.Context, opts Options, env Env) ([]collectors.Collector, error)
	// Kinds are the node kinds the provider defines beyond graphmodel's
	// built-in list, facts and analysis artefacts alike.
	Kinds []graphmodel.KindSpec
	// Deriver returns the provider's analysis; nil when it has none.
	Deriver func() analysis.Deriver
	// Demo returns the collectors of the provider's part of the embedded
	// demo estate (no files, no credentials); nil when it has none.
	Demo func() []collectors.Collector
	// Upgrade brings the provider's nodes of a snapshot written by an
	// earlier build to the current model, in place; nil when nothing
	// changed. It must leave current nodes as they are.
	Upgrade func(*graphmodel.Snapshot)
}

// Modes lists the modes p supports.
func (p Provider) Modes() []Mode {
	var modes []Mode
	if p.Live != nil {
		modes = append(modes, Live)
	}
	if p.Offline != nil {
		modes = append(modes, Offline)
	}
	return modes
}

// ErrUsage marks a provider's error as bad usage (exit code 2).
var ErrUsage = errors.New("bad usage")

// usageError is an error that errors.Is reports as ErrUsage.
type usageError struct{ err error }

func (e usageError) Error() string        { return e.err.Error() }
func (e usageError) Unwrap() error        { return e.err }
func (e usageError) Is(target error) bool { return target == ErrUsage }

// Usagef returns a bad-usage error (a flag's value is wrong, two flags
// exclude each other).
func Usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// concurrencyOf reads the --concurrency flag of a live collection: 1 to 64.
func concurrencyOf(opts Options) (int, error) {
	n := opts.Int("concurrency")
	if n < 1 || n > 64 {
		return 0, Usagef("--concurrency %d: want 1 to 64", n)
	}
	return n, nil
}
