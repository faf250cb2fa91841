package awspolicy

import (
	"testing"
	"time"
)

// Conditions on a moment of the attacker's choosing (SetFrom) hold when some
// moment from now on satisfies them: at once when one does now, Maybe when
// only a later one does (a window that opens in the future).
func TestEvalFrom(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	past, future := "2025-01-01T00:00:00Z", "2027-06-01T00:00:00Z"
	facts := NewFacts().SetFrom("aws:CurrentTime", now).SetFrom("aws:EpochTime", now).SetAbsent("aws:TokenIssueTime")
	tests := []struct {
		op, key, value string
		want           Tri
	}{
		{"DateLessThan", "aws:CurrentTime", future, Yes},
		{"DateLessThan", "aws:CurrentTime", past, No},
		{"DateLessThanEquals", "aws:currenttime", past, No},
		{"DateGreaterThan", "aws:CurrentTime", past, Yes},
		{"DateGreaterThan", "aws:CurrentTime", future, Maybe},
		{"DateGreaterThanEquals", "aws:CurrentTime", future, Maybe},
		{"DateEquals", "aws:CurrentTime", future, Maybe},
		{"DateEquals", "aws:CurrentTime", past, No},
		{"DateNotEquals", "aws:CurrentTime", past, Yes},
		{"NumericLessThan", "aws:EpochTime", "1735689600", No},       // 2025-01-01
		{"NumericGreaterThan", "aws:EpochTime", "1735689600", Yes},   // 2025-01-01
		{"NumericGreaterThan", "aws:EpochTime", "1900000000", Maybe}, // 2030
		{"DateLessThan", "aws:EpochTime", future, Yes},
		{"StringLike", "aws:CurrentTime", "2026-*", Yes}, // other operators see now
		{"StringLike", "aws:CurrentTime", "2025-*", No},
		// A user's long-term keys carry no session token issue time.
		{"DateGreaterThan", "aws:TokenIssueTime", past, No},
		{"DateGreaterThanIfExists", "aws:TokenIssueTime", past, Yes},
		{"DateLessThan", "aws:CurrentTime", "not a date", No},
	}
	for _, tc := range tests {
		c := Condition{Operator: tc.op, Key: tc.key, Values: []string{tc.value}}
		if got := c.Eval(facts); got != tc.want {
			t.Errorf("%s %s %s = %v, want %v", tc.op, tc.key, tc.value, got, tc.want)
		}
	}
	// A variable on a moment is not one value.
	c := Condition{Operator: "StringEquals", Key: "aws:username", Values: []string{"${aws:CurrentTime}"}}
	if got := c.Eval(NewFacts().SetFrom("aws:CurrentTime", now).Set("aws:username", "x")); got != Maybe {
		t.Errorf("variable on a moment = %v, want Maybe", got)
	}
}
