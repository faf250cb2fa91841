package diff

import (
	"reflect"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
)

func TestParseRule(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "increase", want: "increase"},
		{in: "new-admin", want: "new-admin"},
		{in: "new-identity", want: "new-identity"},
		{in: "score-pct=50", want: "score-pct=50"},
		{in: "score-pct=12.5", want: "score-pct=12.5"},
		{in: "score-pct", err: "needs a percentage"},
		{in: "score-pct=", err: "positive number"},
		{in: "score-pct=0", err: "positive number"},
		{in: "score-pct=-5", err: "positive number"},
		{in: "score-pct=NaN", err: "positive number"},
		{in: "score-pct=Inf", err: "positive number"},
		{in: "score-pct=ten", err: "positive number"},
		{in: "", err: "unknown rule"},
		{in: "New-Admin", err: "unknown rule"},
		{in: "new-conditional-admin", err: "want increase, new-admin, new-identity, score-pct=N"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			r, err := ParseRule(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseRule(%q) = %v, %v; want an error with %q", tc.in, r, err, tc.err)
				}
				return
			}
			if err != nil || r.String() != tc.want {
				t.Fatalf("ParseRule(%q) = %q, %v; want %q", tc.in, r, err, tc.want)
			}
		})
	}
}

// gateReport has one finding of every kind but score-increase, plus score
// increases of 50%, 10% and from zero.
func gateReport() *Report {
	baseline := result(
		ident(app, 0, nil),
		ident(alice, 10, nil),
		ident(bob, 10, nil),
		ident(ops, 0, nil),
	)
	current := result(
		ident(app, 0, func(i *analysis.Identity) { i.ConditionalAdminOf = []string{other} }),
		ident(alice, 15, nil),
		ident(bob, 11, func(i *analysis.Identity) { i.ReachableIdentities = []string{app} }),
		ident(ops, 10, func(i *analysis.Identity) { i.AdminOf = []string{acct} }),
		ident("arn:aws:iam::111111111111:role/new", 0, nil),
	)
	return Compare(baseline, current)
}

func TestRuleFires(t *testing.T) {
	rep := gateReport()
	tests := []struct {
		rule string
		want []string
	}{
		{"new-admin", []string{"new-admin " + ops + " " + acct}},
		{"new-identity", []string{"new-identity arn:aws:iam::111111111111:role/new"}},
		{"score-pct=50", []string{"score-increase " + ops, "score-increase " + alice}},
		{"score-pct=10", []string{"score-increase " + ops, "score-increase " + alice, "score-increase " + bob}},
		{"score-pct=50.1", []string{"score-increase " + ops}},
		{"increase", []string{
			"new-admin " + ops + " " + acct,
			"score-increase " + ops,
			"score-increase " + alice,
			"gained-identities " + bob,
			"score-increase " + bob,
			"new-identity arn:aws:iam::111111111111:role/new",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			r, err := ParseRule(tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			if got := shorts(r.Fires(rep)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fires on\n %q\nwant %q", got, tc.want)
			}
		})
	}

	quiet := Compare(result(ident(app, 1, nil)), result(ident(app, 1, nil)))
	for _, name := range []string{"increase", "new-admin", "new-identity", "score-pct=1"} {
		r, _ := ParseRule(name)
		if got := r.Fires(quiet); len(got) != 0 {
			t.Errorf("%s fires on an unchanged estate: %q", name, shorts(got))
		}
	}
	if got := (Rule{}).Fires(rep); len(got) != 0 {
		t.Errorf("the zero rule fires: %q", shorts(got))
	}
	if got := (Rule{name: RuleIncrease}).Fires(nil); got != nil {
		t.Errorf("a rule fires on a nil report: %q", shorts(got))
	}
}

func TestGate(t *testing.T) {
	rep := gateReport()
	var rules []Rule
	for _, s := range []string{"new-admin", "score-pct=1000"} {
		r, err := ParseRule(s)
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, r)
	}
	got := Gate(rep, rules)
	want := []Verdict{{Rule: "new-admin", Fired: true, Findings: 1}, {Rule: "score-pct=1000", Fired: true, Findings: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Gate = %+v, want %+v (ops rose from zero, which any percentage covers)", got, want)
	}
	if !Failed(got) {
		t.Error("Failed = false")
	}
	if Failed(Gate(rep, nil)) || Failed([]Verdict{{Rule: "new-admin"}}) {
		t.Error("Failed without a fired verdict")
	}
}

// FuzzParseRule: ParseRule never panics, and every rule it accepts reads
// back from its String form as the same rule.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"increase", "new-admin", "new-identity", "score-pct=50", "score-pct=1e2", "score-pct=-1", "score-pct=0x1p3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			return
		}
		back, err := ParseRule(r.String())
		if err != nil || back != r {
			t.Fatalf("ParseRule(%q) = %v; its String %q reads back as %v, %v", s, r, r.String(), back, err)
		}
	})
}
