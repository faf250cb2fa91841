package diff

import (
	"fmt"
	"strconv"
	"strings"
)

// Rule names of --fail-on.
const (
	// RuleIncrease fires on any increase: a new identity, a new admin scope,
	// gained identities or resources, or a higher score. Conditional admin
	// scopes alone (new-conditional-admin) do not fire it.
	RuleIncrease = "increase"
	// RuleNewAdmin fires on new-admin findings.
	RuleNewAdmin = "new-admin"
	// RuleNewIdentity fires on new-identity findings.
	RuleNewIdentity = "new-identity"
	// RuleScorePct is the prefix of "score-pct=N": it fires on score-increase
	// findings whose score rose by N percent or more, or rose from zero.
	RuleScorePct = "score-pct"
)

// RuleSyntax lists the accepted rules, for help texts and errors.
const RuleSyntax = "increase, new-admin, new-identity, score-pct=N"

// Rule is a gate over a report: it fires when the report has findings it
// selects. The zero Rule selects nothing; build rules with ParseRule.
type Rule struct {
	name    string
	percent float64
}

// ParseRule reads a --fail-on value: "increase", "new-admin",
// "new-identity" or "score-pct=N" with N a positive number (a percentage).
func ParseRule(s string) (Rule, error) {
	switch s {
	case RuleIncrease, RuleNewAdmin, RuleNewIdentity:
		return Rule{name: s}, nil
	case RuleScorePct:
		return Rule{}, fmt.Errorf("rule %q needs a percentage: %s=N, e.g. %s=50", s, RuleScorePct, RuleScorePct)
	}
	if v, ok := strings.CutPrefix(s, RuleScorePct+"="); ok {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || !finite(n) || n <= 0 {
			return Rule{}, fmt.Errorf("rule %q: the percentage must be a positive number, e.g. %s=50", s, RuleScorePct)
		}
		return Rule{name: RuleScorePct, percent: n}, nil
	}
	return Rule{}, fmt.Errorf("unknown rule %q (want %s)", s, RuleSyntax)
}

// String returns the rule as ParseRule reads it.
func (r Rule) String() string {
	if r.name == RuleScorePct {
		return RuleScorePct + "=" + strconv.FormatFloat(r.percent, 'f', -1, 64)
	}
	return r.name
}

// Fires returns the findings of rep that make the rule fire, in report
// order; none when it does not fire.
func (r Rule) Fires(rep *Report) []Finding {
	if rep == nil {
		return nil
	}
	var out []Finding
	for _, f := range rep.Findings {
		if r.selects(&f) {
			out = append(out, f)
		}
	}
	return out
}

func (r Rule) selects(f *Finding) bool {
	switch r.name {
	case RuleIncrease:
		return f.Kind != KindNewConditionalAdmin
	case RuleNewAdmin:
		return f.Kind == KindNewAdmin
	case RuleNewIdentity:
		return f.Kind == KindNewIdentity
	case RuleScorePct:
		if f.Kind != KindScoreIncrease || f.Score == nil {
			return false
		}
		return f.Score.Percent == nil || *f.Score.Percent >= r.percent-epsilon
	}
	return false
}

// Verdict is the outcome of one rule over a report.
type Verdict struct {
	Rule     string `json:"rule"`
	Fired    bool   `json:"fired"`
	Findings int    `json:"findings"`
}

// Gate evaluates every rule over rep, in the order given.
func Gate(rep *Report, rules []Rule) []Verdict {
	out := make([]Verdict, 0, len(rules))
	for _, r := range rules {
		n := len(r.Fires(rep))
		out = append(out, Verdict{Rule: r.String(), Fired: n > 0, Findings: n})
	}
	return out
}

// Failed reports whether any verdict fired.
func Failed(verdicts []Verdict) bool {
	for _, v := range verdicts {
		if v.Fired {
			return true
		}
	}
	return false
}
