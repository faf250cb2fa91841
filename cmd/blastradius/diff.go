package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/providers"
	"github.com/blastradius/blastradius/report"
)

// diffOptions are the options of "diff".
type diffOptions struct {
	// Providers are the providers whose analyses run.
	Providers []providers.Provider
	// Baseline and Current are the snapshot files compared; one may be "-" (stdin).
	Baseline, Current string
	// Rules are the --fail-on rules; any that fires makes the run exit 1.
	Rules []diff.Rule
	// Format is the report format.
	Format report.Format
	// Output is the report path; "" or "-" is stdout.
	Output string
	// Sensitivity is the path of a sensitivity file for both analyses; ""
	// means the defaults.
	Sensitivity string
	// Now is the analysis time; zero means the current time.
	Now    time.Time
	Stdin  io.Reader
	Stdout io.Writer
}

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "compare two snapshots and gate on what grew",
		UsageText: "blastradius diff BASELINE CURRENT [--fail-on RULE]... [--format table|json|markdown|sarif|html] [-o FILE]",
		Description: `Analyzes two snapshots of the same estate (written by "blastradius collect"),
BASELINE (e.g. the default branch) and CURRENT (e.g. a pull request), and
reports, identity by identity (matched by id), what grew:

   new-admin              admin_of gained a scope (a new path to administrator)
   gained-identities      it can become identities it could not
   gained-resources       it reaches new resources, or old ones at a higher level
   score-increase         its blast radius score rose
   new-identity           the baseline does not have it
   new-conditional-admin  a new admin scope only through an undecidable condition
                          (informative)

Each new admin scope comes with the path that proves it, hop by hop. The
gaps of both snapshots are listed: a gap can hide an increase.

--fail-on RULE (repeatable, or comma-separated) makes the run fail when
the rule fires:
   increase      any finding but new-conditional-admin
   new-admin     a new path to administrator
   new-identity  a new identity
   score-pct=N   a score rose by N percent or more (or rose from zero)

Formats: table (default), json (schema_version 1), markdown (a pull-request
comment), sarif (SARIF 2.1.0 for GitHub code scanning: results are located
in the CURRENT file, at the line of the identity), html (one self-contained
page with the new paths drawn, to attach to a pull request).

Examples:
   blastradius diff base.snap.json pr.snap.json
   blastradius diff base.snap.json pr.snap.json --fail-on new-admin
   blastradius diff base.snap.json pr.snap.json --fail-on new-admin --format sarif -o results.sarif
   blastradius diff base.snap.json pr.snap.json --fail-on increase,score-pct=25 --format markdown -o comment.md
   blastradius collect aws --from-dir ./export | blastradius diff base.snap.json -

Exit codes: 0 when no --fail-on rule fires; 1 when one fires (the report is
written first); 2 on bad usage or a missing or malformed snapshot (nothing
is written then).`,
		Flags: withLogFlags(
			&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 1 when `RULE` fires: " + diff.RuleSyntax + " (repeatable)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "report `FORMAT`: " + diffFormatNames()},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write the report to `FILE` (- is standard output)"},
			&cli.StringFlag{Name: "sensitivity", Usage: "rate resources for both scores from `FILE` (YAML or JSON; as for analyze)"},
		),
		Action: func(cCtx *cli.Context) error {
			opts, err := diffOptionsFrom(cCtx)
			if err != nil {
				return err
			}
			return runDiff(cCtx.Context, opts)
		},
	}
}

// diffFormatNames lists the diff report formats for help texts.
func diffFormatNames() string {
	names := make([]string, 0, 4)
	for _, f := range report.DiffFormats() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// diffOptionsFrom parses and validates the command line of "diff".
func diffOptionsFrom(cCtx *cli.Context) (diffOptions, error) {
	opts := diffOptions{Providers: providerList(cCtx), Output: cCtx.String("output"), Sensitivity: cCtx.String("sensitivity"), Stdin: os.Stdin, Stdout: cCtx.App.Writer}
	args := cCtx.Args().Slice()
	if len(args) != 2 {
		return opts, usageErrorf("diff: want two snapshots, BASELINE and CURRENT, got %d (run 'blastradius diff --help')", len(args))
	}
	opts.Baseline, opts.Current = args[0], args[1]
	if opts.Baseline == "-" && opts.Current == "-" {
		return opts, usageErrorf("diff: only one of BASELINE and CURRENT can be standard input (-)")
	}
	rules, err := failOnRules("diff", cCtx.StringSlice("fail-on"))
	if err != nil {
		return opts, err
	}
	opts.Rules = rules
	format, err := report.ParseDiffFormat(cCtx.String("format"))
	if err != nil {
		return opts, usageErrorf("diff: --format: %w", err)
	}
	opts.Format = format
	return opts, nil
}

// runDiff analyzes both snapshots, compares them, writes the report and
// returns a gate error (exit 1) when a rule fired.
func runDiff(ctx context.Context, opts diffOptions) error {
	sens, err := loadSensitivity(opts.Sensitivity)
	if err != nil {
		return fmt.Errorf("diff: %w", err)
	}
	baseline, _, err := analyzeSnapshotFile(ctx, "baseline", opts.Baseline, sens, opts)
	if err != nil {
		return err
	}
	current, currentData, err := analyzeSnapshotFile(ctx, "current", opts.Current, sens, opts)
	if err != nil {
		return err
	}
	rep := diff.Compare(baseline, current)
	rep.Baseline.File, rep.Current.File = displayPath(opts.Baseline), displayPath(opts.Current)
	slog.InfoContext(ctx, "compared", "findings", len(rep.Findings), "gaps", len(rep.Gaps))

	ids := make(map[string]bool, len(rep.Findings))
	for _, f := range rep.Findings {
		ids[f.Identity.ID] = true
	}
	var buf bytes.Buffer
	err = report.WriteDiff(&buf, rep, report.DiffOptions{
		Format:      opts.Format,
		Rules:       opts.Rules,
		ToolVersion: toolVersion(),
		Lines:       identityLines(currentData, ids),
	})
	if err != nil {
		return fmt.Errorf("diff: %w", err)
	}
	if err := writeOutput(opts.Output, buf.Bytes(), opts.Stdout); err != nil {
		return fmt.Errorf("diff: %w", err)
	}
	return gateFailure("diff", rep, opts.Rules)
}

// failOnRules parses the --fail-on values of cmd ("diff" or "plan-diff").
func failOnRules(cmd string, values []string) ([]diff.Rule, error) {
	var rules []diff.Rule
	for _, s := range values {
		r, err := diff.ParseRule(strings.TrimSpace(s))
		if err != nil {
			return nil, usageErrorf("%s: --fail-on: %w", cmd, err)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// gateFailure returns a gate error (exit 1) naming the rules that fire on
// rep, or nil when none does.
func gateFailure(cmd string, rep *diff.Report, rules []diff.Rule) error {
	var fired []string
	for _, v := range diff.Gate(rep, rules) {
		if v.Fired {
			fired = append(fired, fmt.Sprintf("%s (%d %s)", v.Rule, v.Findings, pluralWord(v.Findings, "finding", "findings")))
		}
	}
	if len(fired) > 0 {
		return gateError(fmt.Errorf("%s: gate failed: --fail-on %s", cmd, strings.Join(fired, ", ")))
	}
	return nil
}

// analyzeSnapshotFile reads one snapshot and analyzes it in full detail (the
// comparison needs every entry). It returns the file's bytes as well.
func analyzeSnapshotFile(ctx context.Context, label, path string, sens analysis.SensitivityFunc, opts diffOptions) (*analysis.Result, []byte, error) {
	snap, data, name, err := readSide("diff", label, path, opts.Stdin, opts.Providers)
	if err != nil {
		return nil, nil, err
	}
	res, err := analyzeSide(ctx, "diff", label, name, snap, sens, opts.Providers, opts.Now)
	if err != nil {
		return nil, nil, err
	}
	return res, data, nil
}

// readSide reads and decodes the snapshot of one side of a comparison of
// cmd ("diff" or "plan-diff") and brings it to the current model. It
// returns the file's bytes and name as well.
func readSide(cmd, label, path string, stdin io.Reader, provs []providers.Provider) (*graphmodel.Snapshot, []byte, string, error) {
	data, name, err := readInput(path, stdin)
	if err != nil {
		return nil, nil, "", usageError(fmt.Errorf("%s: read %s snapshot: %w", cmd, label, err))
	}
	snap, err := graphmodel.Decode(name, data)
	if err != nil {
		return nil, nil, "", usageError(fmt.Errorf("%s: %s: %w", cmd, label, err))
	}
	providers.Upgrade(provs, snap)
	return snap, data, name, nil
}

// analyzeSide analyzes one side of a comparison of cmd ("diff" or
// "plan-diff") in full detail with the providers' derivers.
func analyzeSide(ctx context.Context, cmd, label, name string, snap *graphmodel.Snapshot, sens analysis.SensitivityFunc, provs []providers.Provider, now time.Time) (*analysis.Result, error) {
	res, err := analysis.Analyze(ctx, snap, analysis.Options{Derivers: providers.Derivers(provs), Detail: analysis.DetailFull, Now: now, Sensitivity: sens})
	if err != nil {
		err = fmt.Errorf("%s: analyze %s %s: %w", cmd, label, name, err)
		if isInputError(err) {
			return nil, usageError(err)
		}
		return nil, err
	}
	slog.InfoContext(ctx, "analyzed", "side", label, "file", name, "identities", len(res.Identities))
	return res, nil
}

// displayPath names a snapshot argument in reports.
func displayPath(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	return path
}

// identityLines maps each identity in ids to the line of the snapshot that
// defines it: the first line of the form `"id": "<ID>"` (snapshots are
// indented JSON, one field a line). Identities not found are left out.
func identityLines(data []byte, ids map[string]bool) map[string]int {
	lines := make(map[string]int, len(ids))
	if len(ids) == 0 {
		return lines
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), len(data)+1)
	for n := 1; sc.Scan(); n++ {
		rest, ok := bytes.CutPrefix(bytes.TrimSpace(sc.Bytes()), []byte(`"id":`))
		if !ok {
			continue
		}
		var id string
		if json.Unmarshal(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(",")), &id) != nil {
			continue
		}
		if ids[id] && lines[id] == 0 {
			lines[id] = n
			if len(lines) == len(ids) {
				break
			}
		}
	}
	return lines
}

// toolVersion is the version reported in SARIF: the -ldflags version, else
// the module version of the build, else "dev".
func toolVersion() string {
	if version != "dev" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return version
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
