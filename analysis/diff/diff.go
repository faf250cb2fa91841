// Package diff compares two analyses of an estate, a baseline and a current
// one, and reports what grew: identities that are new, that can now
// administer a scope, that reach more identities or resources, or whose
// blast radius score rose. Rules (rule.go) turn a report into a gate for CI.
//
// Identities are matched by ID. The comparison is only as good as what both
// analyses could see, so the report lists the gaps of both sides and notes
// scopes that only one side analyzed.
package diff

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

// Kind names a kind of finding. Kinds are stable: they are the ruleId of the
// SARIF report and the "kind" of the JSON report.
type Kind string

// The kinds of finding.
const (
	// KindNewIdentity: an identity the baseline does not have.
	KindNewIdentity Kind = "new-identity"
	// KindNewAdmin: an identity can now administer a scope (admin_of gained
	// it), through a chain whose every step is certain. A new identity that
	// is administrator gets one as well.
	KindNewAdmin Kind = "new-admin"
	// KindGainedResources: an identity reaches resources it did not reach,
	// or reaches one at a higher access level (certain reach only).
	KindGainedResources Kind = "gained-resources"
	// KindGainedIdentities: an identity can become identities it could not.
	KindGainedIdentities Kind = "gained-identities"
	// KindScoreIncrease: an identity's blast radius score rose.
	KindScoreIncrease Kind = "score-increase"
	// KindNewConditionalAdmin: an identity can administer a new scope only
	// through a step whose condition the analysis cannot decide. Informative.
	KindNewConditionalAdmin Kind = "new-conditional-admin"
)

// Kinds returns every kind, most severe first.
func Kinds() []Kind {
	return []Kind{KindNewAdmin, KindGainedIdentities, KindGainedResources, KindScoreIncrease, KindNewIdentity, KindNewConditionalAdmin}
}

// Severity ranks findings: high, medium, low, info.
type Severity string

// Severities, most severe first.
const (
	SeverityHigh   Severity = "high"
	SeverityMedium Severity = "medium"
	SeverityLow    Severity = "low"
	SeverityInfo   Severity = "info"
)

// Rank orders severities: high 0, medium 1, low 2, info 3, anything else 4.
func (s Severity) Rank() int {
	switch s {
	case SeverityHigh:
		return 0
	case SeverityMedium:
		return 1
	case SeverityLow:
		return 2
	case SeverityInfo:
		return 3
	}
	return 4
}

// Severity is the severity of every finding of kind k.
func (k Kind) Severity() Severity {
	switch k {
	case KindNewAdmin:
		return SeverityHigh
	case KindGainedIdentities, KindGainedResources, KindScoreIncrease:
		return SeverityMedium
	case KindNewIdentity:
		return SeverityLow
	}
	return SeverityInfo
}

// Summary says in one line what a finding of kind k means.
func (k Kind) Summary() string {
	switch k {
	case KindNewIdentity:
		return "An identity that the baseline does not have."
	case KindNewAdmin:
		return "An identity can now obtain administrator of a scope through a chain of certain steps."
	case KindGainedResources:
		return "An identity can now reach resources, or a higher access level on them, that it could not reach before."
	case KindGainedIdentities:
		return "An identity can now become identities that it could not become before."
	case KindScoreIncrease:
		return "An identity's blast radius score rose."
	case KindNewConditionalAdmin:
		return "An identity can now obtain administrator of a scope through a step whose condition the analysis cannot decide."
	}
	return string(k)
}

// IdentityRef names the identity a finding is about.
type IdentityRef struct {
	ID       string              `json:"id"`
	Name     string              `json:"name"`
	Kind     graphmodel.NodeKind `json:"kind"`
	Provider graphmodel.Provider `json:"provider"`
	NonHuman bool                `json:"non_human"`
}

// ScoreChange is a blast radius score before and after. Percent is the rise
// relative to Before; it is nil when Before is 0 (a rise from zero, or a new
// identity), which no percentage expresses.
type ScoreChange struct {
	Before  float64  `json:"before"`
	After   float64  `json:"after"`
	Percent *float64 `json:"percent"`
}

// ResourceChange is a resource an identity gained, or reaches at a higher
// access level: Before is "" when it was not reached (with certainty).
type ResourceChange struct {
	ID     string            `json:"id"`
	Before graphmodel.Access `json:"before,omitempty"`
	After  graphmodel.Access `json:"after"`
	Via    string            `json:"via,omitempty"`
}

// Finding is one increase of one identity.
type Finding struct {
	Kind     Kind        `json:"kind"`
	Severity Severity    `json:"severity"`
	Identity IdentityRef `json:"identity"`
	// Target is the scope of a new-admin or new-conditional-admin finding
	// (one finding per scope); empty for the other kinds.
	Target string `json:"target,omitempty"`
	// Identities are the identities gained (gained-identities), sorted.
	Identities []string `json:"identities,omitempty"`
	// Resources are the resources gained (gained-resources), highest access first.
	Resources []ResourceChange `json:"resources,omitempty"`
	// Score is the score before and after (score-increase; new-identity has
	// Before 0 and no percent).
	Score *ScoreChange `json:"score,omitempty"`
	// Paths prove Target hop by hop (new-admin, new-conditional-admin).
	Paths []analysis.Escalation `json:"paths,omitempty"`
	// Partial is true when either side's lists of this identity were cut
	// (--detail summary): the finding may be incomplete.
	Partial bool `json:"partial,omitempty"`
}

// Key is what identifies a finding across runs: its kind, identity and
// target. It does not change when the details (paths, lists, scores) do.
func (f Finding) Key() string {
	return string(f.Kind) + "\x00" + f.Identity.ID + "\x00" + f.Target
}

// Fingerprint is a stable hash of Key: 32 hexadecimal digits that name the
// finding across runs (SARIF partialFingerprints, the JSON "fingerprint").
func (f Finding) Fingerprint() string {
	sum := sha256.Sum256([]byte(f.Key()))
	return hex.EncodeToString(sum[:16])
}

// Message describes the finding in one sentence.
func (f Finding) Message() string {
	id := f.Identity.ID
	switch f.Kind {
	case KindNewIdentity:
		score := 0.0
		if f.Score != nil {
			score = f.Score.After
		}
		return fmt.Sprintf("New identity %s (%s) with blast radius score %.1f.", id, f.Identity.Kind, score)
	case KindNewAdmin:
		return fmt.Sprintf("%s can now obtain administrator of %s%s.", id, f.Target, pathNote(f.Paths))
	case KindNewConditionalAdmin:
		return fmt.Sprintf("%s can now obtain administrator of %s through a conditional step%s.", id, f.Target, pathNote(f.Paths))
	case KindGainedIdentities:
		return fmt.Sprintf("%s can now become %d more %s: %s.", id, len(f.Identities), plural(len(f.Identities), "identity", "identities"), listSome(f.Identities, 3))
	case KindGainedResources:
		names := make([]string, len(f.Resources))
		for i, r := range f.Resources {
			names[i] = r.String()
		}
		return fmt.Sprintf("%s gained access to %d %s: %s.", id, len(f.Resources), plural(len(f.Resources), "resource", "resources"), listSome(names, 3))
	case KindScoreIncrease:
		if f.Score == nil {
			return fmt.Sprintf("%s: blast radius score rose.", id)
		}
		return fmt.Sprintf("%s: blast radius score rose from %.1f to %.1f (%s).", id, f.Score.Before, f.Score.After, f.Score.Rise())
	}
	return fmt.Sprintf("%s: %s", id, f.Kind)
}

// Rise renders the relative rise: "+50%", or "from zero".
func (s *ScoreChange) Rise() string {
	if s.Percent == nil {
		return "from zero"
	}
	return fmt.Sprintf("+%.0f%%", *s.Percent)
}

// String renders a change: "id (admin)" or "id (read→admin)".
func (r ResourceChange) String() string {
	if r.Before == "" {
		return fmt.Sprintf("%s (%s)", r.ID, r.After)
	}
	return fmt.Sprintf("%s (%s→%s)", r.ID, r.Before, r.After)
}

// pathNote describes the first path: " (2 hops: sts-001, iam-001)".
func pathNote(paths []analysis.Escalation) string {
	if len(paths) == 0 || len(paths[0].Path) == 0 {
		return ""
	}
	techs := make([]string, len(paths[0].Path))
	for i, h := range paths[0].Path {
		techs[i] = h.Technique
	}
	n := len(techs)
	return fmt.Sprintf(" (%d %s: %s)", n, plural(n, "hop", "hops"), strings.Join(techs, ", "))
}

// listSome joins the first n items and says how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Side describes one of the two analyses compared.
type Side struct {
	// File is the snapshot file the analysis read; the command sets it.
	File string `json:"file,omitempty"`
	// Identities is how many identities the analysis found.
	Identities int `json:"identities"`
	// Snapshots are the analysis's sources, each with its gaps.
	Snapshots []analysis.SnapshotInfo `json:"snapshots"`
}

// GapPresence says which side of a comparison recorded a gap.
type GapPresence string

// Where a gap was recorded.
const (
	// GapInBoth: both snapshots have the gap.
	GapInBoth GapPresence = "both"
	// GapInBaseline: only the baseline has it (it was closed since): an
	// apparent increase may be something the baseline could not see.
	GapInBaseline GapPresence = "baseline"
	// GapInCurrent: only the current snapshot has it: it may hide an increase.
	GapInCurrent GapPresence = "current"
)

// GapEntry is a gap of either side.
type GapEntry struct {
	In       GapPresence         `json:"in"`
	Provider graphmodel.Provider `json:"provider"`
	Scope    string              `json:"scope"`
	graphmodel.Gap
}

// Report is the outcome of Compare.
type Report struct {
	Baseline Side `json:"baseline"`
	Current  Side `json:"current"`
	// Findings are sorted by severity, identity ID, kind and target.
	Findings []Finding `json:"findings"`
	// Removed are the baseline identities the current analysis lacks, by ID.
	Removed []IdentityRef `json:"removed_identities"`
	// Gaps are the gaps of both sides: current-only first, then baseline-only,
	// then those of both; each group by scope, then what.
	Gaps []GapEntry `json:"gaps"`
	// Notes are limits of the comparison (scopes only one side analyzed,
	// lists cut by --detail summary).
	Notes []string `json:"notes"`
}

// Count returns how many findings are of kind k.
func (r *Report) Count(k Kind) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Kind == k {
			n++
		}
	}
	return n
}

// CountSeverity returns how many findings have severity s.
func (r *Report) CountSeverity(s Severity) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Severity == s {
			n++
		}
	}
	return n
}

// epsilon absorbs float rounding in score comparisons.
const epsilon = 1e-9

// Compare compares the baseline analysis with the current one. Either may be
// nil (no identities). Compare expects results analyzed with --detail full:
// with summary results, lists may be cut, and findings of an identity whose
// lists were cut are marked Partial and noted.
func Compare(baseline, current *analysis.Result) *Report {
	baseline, current = orEmpty(baseline), orEmpty(current)
	rep := &Report{
		Baseline: side(baseline),
		Current:  side(current),
		Findings: []Finding{},
		Removed:  []IdentityRef{},
		Notes:    []string{},
	}
	before := make(map[string]*analysis.Identity, len(baseline.Identities))
	for i := range baseline.Identities {
		id := &baseline.Identities[i]
		if _, dup := before[id.ID]; !dup {
			before[id.ID] = id
		}
	}
	seen := make(map[string]bool, len(current.Identities))
	partial := 0
	for i := range current.Identities {
		c := &current.Identities[i]
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		b, ok := before[c.ID]
		if !ok {
			rep.Findings = append(rep.Findings, newIdentity(c)...)
			continue
		}
		found := compareIdentity(b, c)
		if b.Truncated || c.Truncated {
			for j := range found {
				found[j].Partial = true
			}
			partial++
		}
		rep.Findings = append(rep.Findings, found...)
	}
	for i := range baseline.Identities {
		b := &baseline.Identities[i]
		if !seen[b.ID] {
			seen[b.ID] = true
			rep.Removed = append(rep.Removed, ref(b))
		}
	}
	sort.Slice(rep.Removed, func(i, j int) bool { return rep.Removed[i].ID < rep.Removed[j].ID })
	sortFindings(rep.Findings)
	rep.Gaps = compareGaps(baseline, current)
	rep.Notes = append(rep.Notes, scopeNotes(baseline, current)...)
	if partial > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf(
			"%d %s had lists cut at %d entries (--detail summary) in either analysis: their findings may be incomplete; compare analyses made with --detail full",
			partial, plural(partial, "identity", "identities"), analysis.SummaryLimit))
	}
	return rep
}

func orEmpty(res *analysis.Result) *analysis.Result {
	if res == nil {
		return &analysis.Result{}
	}
	return res
}

func side(res *analysis.Result) Side {
	s := Side{Identities: len(res.Identities), Snapshots: make([]analysis.SnapshotInfo, len(res.Snapshots))}
	for i, snap := range res.Snapshots {
		snap.Gaps = append([]graphmodel.Gap{}, snap.Gaps...)
		s.Snapshots[i] = snap
	}
	return s
}

func ref(id *analysis.Identity) IdentityRef {
	return IdentityRef{ID: id.ID, Name: id.Name, Kind: id.Kind, Provider: id.Provider, NonHuman: id.NonHuman}
}

// newIdentity reports an identity the baseline lacks, with its admin scopes.
func newIdentity(c *analysis.Identity) []Finding {
	r := ref(c)
	out := []Finding{{
		Kind: KindNewIdentity, Severity: KindNewIdentity.Severity(), Identity: r,
		Score: &ScoreChange{After: c.BlastRadius.Score},
	}}
	for _, s := range dedupe(c.AdminOf) {
		out = append(out, adminFinding(KindNewAdmin, c, s))
	}
	admin := setOf(c.AdminOf)
	for _, s := range dedupe(c.ConditionalAdminOf) {
		if !admin[s] {
			out = append(out, adminFinding(KindNewConditionalAdmin, c, s))
		}
	}
	return out
}

// compareIdentity reports what identity c gained over its baseline b.
func compareIdentity(b, c *analysis.Identity) []Finding {
	var out []Finding
	wasAdmin := setOf(b.AdminOf)
	for _, s := range dedupe(c.AdminOf) {
		if !wasAdmin[s] {
			out = append(out, adminFinding(KindNewAdmin, c, s))
		}
	}
	wasCond := setOf(b.ConditionalAdminOf)
	isAdmin := setOf(c.AdminOf)
	for _, s := range dedupe(c.ConditionalAdminOf) {
		// A scope administered before, certainly or not, is no gain; nor is
		// one now administered with certainty (reported as new-admin).
		if !wasAdmin[s] && !wasCond[s] && !isAdmin[s] {
			out = append(out, adminFinding(KindNewConditionalAdmin, c, s))
		}
	}
	r := ref(c)
	couldBecome := setOf(b.ReachableIdentities)
	var gained []string
	for _, id := range dedupe(c.ReachableIdentities) {
		if !couldBecome[id] {
			gained = append(gained, id)
		}
	}
	if len(gained) > 0 {
		out = append(out, Finding{Kind: KindGainedIdentities, Severity: KindGainedIdentities.Severity(), Identity: r, Identities: gained})
	}
	if res := gainedResources(b, c); len(res) > 0 {
		out = append(out, Finding{Kind: KindGainedResources, Severity: KindGainedResources.Severity(), Identity: r, Resources: res})
	}
	if before, after := b.BlastRadius.Score, c.BlastRadius.Score; after > before+epsilon {
		sc := &ScoreChange{Before: before, After: after}
		if before > epsilon {
			p := (after - before) / before * 100
			sc.Percent = &p
		}
		out = append(out, Finding{Kind: KindScoreIncrease, Severity: KindScoreIncrease.Severity(), Identity: r, Score: sc})
	}
	return out
}

// gainedResources lists the resources c reaches with certainty at a higher
// access level than b did (not at all counts as below read). Resources
// reached only conditionally are not scored, so they are no gain.
func gainedResources(b, c *analysis.Identity) []ResourceChange {
	had := make(map[string]graphmodel.Access, len(b.ReachableResources))
	for _, r := range b.ReachableResources {
		if !r.Conditional && r.Access.Rank() > had[r.ID].Rank() {
			had[r.ID] = r.Access
		}
	}
	best := make(map[string]analysis.ResourceReach, len(c.ReachableResources))
	for _, r := range c.ReachableResources {
		if r.Conditional || r.Access.Rank() == 0 {
			continue
		}
		if cur, ok := best[r.ID]; !ok || r.Access.Rank() > cur.Access.Rank() {
			best[r.ID] = r
		}
	}
	var out []ResourceChange
	for id, r := range best {
		if r.Access.Rank() > had[id].Rank() {
			out = append(out, ResourceChange{ID: id, Before: had[id], After: r.Access, Via: r.Via})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].After.Rank(), out[j].After.Rank(); a != b {
			return a > b
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// adminFinding reports scope as newly administered by c, with the
// escalations of c that reach it (certain ones for new-admin, conditional
// ones for new-conditional-admin).
func adminFinding(kind Kind, c *analysis.Identity, scope string) Finding {
	cond := kind == KindNewConditionalAdmin
	var paths []analysis.Escalation
	for _, e := range c.Escalations {
		if e.Target == scope && e.Conditional == cond {
			e.Path = slices.Clone(e.Path)
			paths = append(paths, e)
		}
	}
	return Finding{Kind: kind, Severity: kind.Severity(), Identity: ref(c), Target: scope, Paths: paths}
}

// sortFindings orders by severity, identity ID, kind, then target.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		x, y := &fs[i], &fs[j]
		if a, b := x.Severity.Rank(), y.Severity.Rank(); a != b {
			return a < b
		}
		if x.Identity.ID != y.Identity.ID {
			return x.Identity.ID < y.Identity.ID
		}
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.Target < y.Target
	})
}

// compareGaps lists the gaps of both sides, each once, marked with where it
// was recorded.
func compareGaps(baseline, current *analysis.Result) []GapEntry {
	type key struct {
		provider  graphmodel.Provider
		scope     string
		what, why string
		where     string
	}
	collect := func(res *analysis.Result) (map[key]bool, []GapEntry) {
		set := map[key]bool{}
		var list []GapEntry
		for _, s := range res.Snapshots {
			for _, g := range s.Gaps {
				k := key{s.Provider, s.Scope, g.What, g.Reason, g.Where}
				if !set[k] {
					set[k] = true
					list = append(list, GapEntry{Provider: s.Provider, Scope: s.Scope, Gap: g})
				}
			}
		}
		return set, list
	}
	bset, blist := collect(baseline)
	cset, clist := collect(current)
	out := []GapEntry{}
	for _, e := range clist {
		e.In = GapInCurrent
		if bset[key{e.Provider, e.Scope, e.What, e.Reason, e.Where}] {
			e.In = GapInBoth
		}
		out = append(out, e)
	}
	for _, e := range blist {
		if !cset[key{e.Provider, e.Scope, e.What, e.Reason, e.Where}] {
			e.In = GapInBaseline
			out = append(out, e)
		}
	}
	order := map[GapPresence]int{GapInCurrent: 0, GapInBaseline: 1, GapInBoth: 2}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if order[x.In] != order[y.In] {
			return order[x.In] < order[y.In]
		}
		if x.Provider != y.Provider {
			return x.Provider < y.Provider
		}
		if x.Scope != y.Scope {
			return x.Scope < y.Scope
		}
		if x.What != y.What {
			return x.What < y.What
		}
		if x.Reason != y.Reason {
			return x.Reason < y.Reason
		}
		return x.Where < y.Where
	})
	return out
}

// scopeNotes notes the scopes that only one side analyzed.
func scopeNotes(baseline, current *analysis.Result) []string {
	scopes := func(res *analysis.Result) map[string]bool {
		m := map[string]bool{}
		for _, s := range res.Snapshots {
			m[string(s.Provider)+" "+s.Scope] = true
		}
		return m
	}
	b, c := scopes(baseline), scopes(current)
	var notes []string
	for _, s := range sortedKeys(c) {
		if !b[s] {
			notes = append(notes, fmt.Sprintf("%s is analyzed only in the current snapshot: its identities all appear new", s))
		}
	}
	for _, s := range sortedKeys(b) {
		if !c[s] {
			notes = append(notes, fmt.Sprintf("%s is analyzed only in the baseline: increases there cannot be seen", s))
		}
	}
	return notes
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

// dedupe returns list sorted without repeats (a copy).
func dedupe(list []string) []string {
	out := slices.Clone(list)
	sort.Strings(out)
	return slices.Compact(out)
}

// finite reports whether f is a usable number.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
