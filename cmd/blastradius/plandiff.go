package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
	"github.com/blastradius/blastradius/providers"
	"github.com/blastradius/blastradius/report"
	"github.com/blastradius/blastradius/tfplan"
)

// planDiffOptions are the options of "plan-diff".
type planDiffOptions struct {
	Providers []providers.Provider
	// Baseline is the snapshot file, Plan the JSON of `terraform show
	// -json PLANFILE`; one may be "-" (stdin).
	Baseline, Plan string
	Rules          []diff.Rule
	Format         report.Format
	Output         string
	Sensitivity    string
	Now            time.Time
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// plan-diff rather than diff --plan: diff compares two snapshots, and a
// flag that changed what its second argument is would make one command
// with two contracts; plan-diff reads as what it does, beside diff.
func planDiffCommand() *cli.Command {
	return &cli.Command{
		Name:      "plan-diff",
		Usage:     "gate a Terraform or OpenTofu plan on the blast radius it would add",
		UsageText: "blastradius plan-diff BASELINE PLAN.json [--fail-on RULE]... [--format table|json|markdown|sarif|html] [-o FILE]",
		Description: `Applies a Terraform or OpenTofu plan to a snapshot of the deployed estate and
compares the result with the snapshot, as "diff" compares two snapshots: the
same findings, rules, formats and exit codes, before the plan is applied.

PLAN.json is what "terraform show -json PLANFILE" (or "tofu show -json")
prints for a plan saved with "terraform plan -out PLANFILE". Its
resource_changes are applied to a copy of BASELINE: creations and updates
assert the planned values, deletions retract the prior ones, a replacement
does both. The IAM resources (roles and their trust, users, groups,
policies and their versions, inline policies, attachments, memberships,
boundaries, instance profiles, OIDC providers), resource policies (S3, KMS,
Secrets Manager, Lambda permissions, SQS, SNS, ECR), the compute that runs
as a role (Lambda, EC2 instances and launch templates, ECS task
definitions, CodeBuild, Glue, SageMaker, CloudFormation), EKS access entries
and pod identity associations, and Organizations policies and attachments
are applied; resources of other providers are ignored with a notice.

A value the plan knows only after apply (an ARN, an ID) is resolved by
resource address (a policy attached to a role the same plan creates); a
value that stays unknown makes the steps it decides conditional, with the
address named in the evidence, or, when it says who receives a fact, is a
gap. Both snapshots are analyzed by the same build.

--fail-on RULE (repeatable, or comma-separated):
   increase      any finding but new-conditional-admin
   new-admin     a new path to administrator
   new-identity  a new identity
   score-pct=N   a score rose by N percent or more (or rose from zero)

Formats: table (default), json (schema_version 1), markdown (a pull-request
comment), sarif (SARIF 2.1.0: each result is located in PLAN.json at the
address of the resource change that gives the identity what it gained),
html.

Examples:
   terraform plan -out plan.out && terraform show -json plan.out > plan.json
   blastradius plan-diff base.snap.json plan.json --fail-on new-admin
   blastradius plan-diff base.snap.json plan.json --fail-on new-admin --format sarif -o results.sarif
   terraform show -json plan.out | blastradius plan-diff base.snap.json - --format markdown -o comment.md

Exit codes: 0 when no --fail-on rule fires; 1 when one fires (the report is
written first); 2 on bad usage, a missing or malformed snapshot or plan (the
message names the file and the place), or a plan for an account the
snapshot does not hold (nothing is written then).`,
		Flags: withLogFlags(
			&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 1 when `RULE` fires: " + diff.RuleSyntax + " (repeatable)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "report `FORMAT`: " + diffFormatNames()},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write the report to `FILE` (- is standard output)"},
			&cli.StringFlag{Name: "sensitivity", Usage: "rate resources for both scores from `FILE` (YAML or JSON; as for analyze)"},
		),
		Action: func(cCtx *cli.Context) error {
			opts, err := planDiffOptionsFrom(cCtx)
			if err != nil {
				return err
			}
			return runPlanDiff(cCtx.Context, opts)
		},
	}
}

// planDiffOptionsFrom parses and validates the command line of "plan-diff".
func planDiffOptionsFrom(cCtx *cli.Context) (planDiffOptions, error) {
	opts := planDiffOptions{
		Providers: providerList(cCtx), Output: cCtx.String("output"), Sensitivity: cCtx.String("sensitivity"),
		Stdin: os.Stdin, Stdout: cCtx.App.Writer, Stderr: cCtx.App.ErrWriter,
	}
	args := cCtx.Args().Slice()
	if len(args) != 2 {
		return opts, usageErrorf("plan-diff: want a snapshot and a plan, BASELINE and PLAN.json, got %d arguments (run 'blastradius plan-diff --help')", len(args))
	}
	opts.Baseline, opts.Plan = args[0], args[1]
	if opts.Baseline == "-" && opts.Plan == "-" {
		return opts, usageErrorf("plan-diff: only one of BASELINE and PLAN.json can be standard input (-)")
	}
	rules, err := failOnRules("plan-diff", cCtx.StringSlice("fail-on"))
	if err != nil {
		return opts, err
	}
	opts.Rules = rules
	format, err := report.ParseDiffFormat(cCtx.String("format"))
	if err != nil {
		return opts, usageErrorf("plan-diff: --format: %w", err)
	}
	opts.Format = format
	return opts, nil
}

// runPlanDiff applies the plan to the baseline, analyzes both, compares
// them, writes the report and returns a gate error (exit 1) when a rule
// fired.
func runPlanDiff(ctx context.Context, opts planDiffOptions) error {
	sens, err := loadSensitivity(opts.Sensitivity)
	if err != nil {
		return fmt.Errorf("plan-diff: %w", err)
	}
	base, _, name, err := readSide("plan-diff", "baseline", opts.Baseline, opts.Stdin, opts.Providers)
	if err != nil {
		return err
	}
	planData, planName, err := readInput(opts.Plan, opts.Stdin)
	if err != nil {
		return usageError(fmt.Errorf("plan-diff: read plan: %w", err))
	}
	plan, err := tfplan.Read(planName, planData)
	if err != nil {
		return usageError(fmt.Errorf("plan-diff: %w", err))
	}
	applied, err := tfplan.Apply(base, plan)
	if err != nil {
		return usageError(fmt.Errorf("plan-diff: %w", err))
	}
	noticeIgnored(opts.Stderr, planName, applied)
	slog.InfoContext(ctx, "applied plan", "file", planName, "changes", len(applied.Changes), "gaps", len(applied.Gaps))

	baseline, err := analyzeSide(ctx, "plan-diff", "baseline", name, base, sens, opts.Providers, opts.Now)
	if err != nil {
		return err
	}
	current, err := analyzeSide(ctx, "plan-diff", "planned", planName, applied.Snapshot, sens, opts.Providers, opts.Now)
	if err != nil {
		return err
	}
	rep := diff.Compare(baseline, current)
	rep.Baseline.File, rep.Current.File = displayPath(opts.Baseline), displayPath(opts.Plan)
	notes := planNotes(displayPath(opts.Plan), displayPath(opts.Baseline), applied)
	rep.Notes = append(append(notes, adminDecreases(baseline, current)...), rep.Notes...)
	slog.InfoContext(ctx, "compared", "findings", len(rep.Findings), "gaps", len(rep.Gaps))

	var buf bytes.Buffer
	err = report.WriteDiff(&buf, rep, report.DiffOptions{
		Format:      opts.Format,
		Rules:       opts.Rules,
		ToolVersion: toolVersion(),
		Locations:   planLocations(displayPath(opts.Plan), rep, current, applied),
	})
	if err != nil {
		return fmt.Errorf("plan-diff: %w", err)
	}
	if err := writeOutput(opts.Output, buf.Bytes(), opts.Stdout); err != nil {
		return fmt.Errorf("plan-diff: %w", err)
	}
	return gateFailure("plan-diff", rep, opts.Rules)
}

// noticeIgnored tells on stderr which resource changes of other providers
// the plan holds: they are not applied.
func noticeIgnored(w io.Writer, plan string, applied *tfplan.Result) {
	if len(applied.OtherProviders) == 0 || w == nil {
		return
	}
	list := make([]string, 0, len(applied.OtherProviders))
	for _, s := range applied.OtherProviders {
		list = append(list, s.Address+" ("+s.Provider+")")
	}
	fmt.Fprintf(w, "blastradius: plan-diff: %s: ignored %d %s of other providers than AWS: %s\n",
		plan, len(list), pluralWord(len(list), "resource change", "resource changes"), strings.Join(list, ", "))
}

// planNotes say what was applied and what was not, for every format.
func planNotes(plan, baseline string, applied *tfplan.Result) []string {
	counts := map[tfplan.Action]int{}
	for _, c := range applied.Changes {
		counts[c.Action]++
	}
	var parts []string
	for _, a := range []tfplan.Action{tfplan.ActionCreate, tfplan.ActionUpdate, tfplan.ActionReplace, tfplan.ActionDelete} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	summary := "no change"
	if len(parts) > 0 {
		summary = strings.Join(parts, ", ")
	}
	notes := []string{fmt.Sprintf("%s applied to %s (account %s): %d resource %s (%s)",
		plan, baseline, applied.Account, len(applied.Changes), pluralWord(len(applied.Changes), "change", "changes"), summary)}
	if n := len(applied.Unmodelled); n > 0 {
		notes = append(notes, fmt.Sprintf("%d AWS resource %s not applied: their types change no identity's reach as the snapshot models it (%s)",
			n, pluralWord(n, "change", "changes"), strings.Join(skippedTypes(applied.Unmodelled), ", ")))
	}
	if n := len(applied.OtherProviders); n > 0 {
		notes = append(notes, fmt.Sprintf("%d resource %s of other providers than AWS not applied (%s)",
			n, pluralWord(n, "change", "changes"), strings.Join(skippedTypes(applied.OtherProviders), ", ")))
	}
	return append(notes, applied.Notes...)
}

// adminDecreases notes the identities that lose a scope of admin_of:
// decreases are no findings and fail no gate, but a reviewer wants to
// know that the change removes a path to administrator.
func adminDecreases(baseline, current *analysis.Result) []string {
	after := make(map[string]map[string]bool, len(current.Identities))
	for _, id := range current.Identities {
		set := map[string]bool{}
		for _, s := range id.AdminOf {
			set[s] = true
		}
		after[id.ID] = set
	}
	lost := map[string][]string{} // scope → identities
	for _, id := range baseline.Identities {
		now, ok := after[id.ID]
		if !ok {
			continue // removed identities are listed apart
		}
		for _, s := range id.AdminOf {
			if !now[s] {
				lost[s] = append(lost[s], id.ID)
			}
		}
	}
	scopes := make([]string, 0, len(lost))
	for s := range lost {
		scopes = append(scopes, s)
	}
	sort.Strings(scopes)
	var notes []string
	for _, s := range scopes {
		ids := lost[s]
		sort.Strings(ids)
		shown := ids
		more := ""
		if len(shown) > 5 {
			shown, more = shown[:5], fmt.Sprintf(" and %d more", len(ids)-5)
		}
		notes = append(notes, fmt.Sprintf("decrease: %d %s can no longer obtain administrator of %s: %s%s",
			len(ids), pluralWord(len(ids), "identity", "identities"), s, strings.Join(shown, ", "), more))
	}
	return notes
}

// skippedTypes lists the types of skipped changes, sorted, once each.
func skippedTypes(list []tfplan.Skipped) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s.Type] {
			seen[s.Type] = true
			out = append(out, s.Type)
		}
	}
	sort.Strings(out)
	return out
}

// maxLocations bounds the plan resources a finding is located at.
const maxLocations = 10

// planLocations locates each finding at the resource changes of the plan
// that give its identity what it gained, in plan order (as Responsible
// returns them): those that
// touched a node or a policy on its new paths, else the identity itself,
// else the nodes and policies on its paths in the planned analysis, else
// what it gained. A finding none of them explains is left to
// the plan file's first line.
func planLocations(plan string, rep *diff.Report, current *analysis.Result, applied *tfplan.Result) map[string][]report.Location {
	byID := make(map[string]*analysis.Identity, len(current.Identities))
	for i := range current.Identities {
		byID[current.Identities[i].ID] = &current.Identities[i]
	}
	locs := map[string][]report.Location{}
	for _, f := range rep.Findings {
		found := applied.Responsible(hopsOf(f.Paths))
		if len(found) == 0 {
			found = applied.Responsible([]string{f.Identity.ID}, nil)
		}
		if id := byID[f.Identity.ID]; len(found) == 0 && id != nil {
			found = applied.Responsible(hopsOf(id.Escalations))
		}
		if len(found) == 0 {
			ids := append([]string{}, f.Identities...)
			for _, r := range f.Resources {
				ids = append(ids, r.ID, r.Via)
			}
			found = applied.Responsible(ids, nil)
		}
		if len(found) > maxLocations {
			found = found[:maxLocations]
		}
		for _, c := range found {
			locs[f.Key()] = append(locs[f.Key()], report.Location{File: plan, Line: c.Line, Column: c.Column, Name: c.Address})
		}
	}
	return locs
}

// hopsOf returns the ends and the evidence of every hop of paths.
func hopsOf(paths []analysis.Escalation) (ids, evidence []string) {
	for _, esc := range paths {
		for _, hop := range esc.Path {
			ids = append(ids, hop.From, hop.To)
			evidence = append(evidence, hop.Evidence)
		}
	}
	return ids, evidence
}
