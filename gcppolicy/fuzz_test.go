package gcppolicy

import (
	"testing"
	"time"
)

// FuzzParseMember: any string parses or fails with ErrMember, and a parsed
// member's Key is stable under reparsing its native spelling.
func FuzzParseMember(f *testing.F) {
	for _, s := range []string{
		"user:a@example.com", "serviceAccount:p.svc.id.goog[ns/sa]", "deleted:group:g@x.com?uid=1",
		"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/attribute.repository/o/r",
		"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p.svc.id.goog/subject/ns/a/sa/b",
		"principal://goog/subject/x@y", "principalSet://goog/public:all", "domain:x.com", "projectOwner:p",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMember(s)
		if err != nil {
			return
		}
		if m.Kind == MemberAllUsers || m.Kind == MemberAllAuthenticatedUsers {
			return
		}
		back, err := ParseMember(m.Native())
		if err != nil {
			t.Fatalf("native spelling %q of %q does not parse: %v", m.Native(), s, err)
		}
		if back.Key() != m.Key() {
			t.Fatalf("key %q, reparsed %q", m.Key(), back.Key())
		}
	})
}

// FuzzEvalCondition: any expression evaluates without panicking to a
// verdict, with a reason whenever it is Maybe.
func FuzzEvalCondition(f *testing.F) {
	for _, s := range []string{condExpired, condPrefix, condType, condTag, condAccessLvl, condGrants, condWorkHours, condExtract, "", "1/0 == 1"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := ResourceFromAsset("//storage.googleapis.com/projects/_/buckets/b", "storage.googleapis.com/Bucket")
	f.Fuzz(func(t *testing.T, expr string) {
		out := EvalCondition(&Expr{Expression: expr}, Context{Now: now, Resource: res})
		if out.Verdict > Yes || (out.Verdict == Maybe && out.Reason == "") {
			t.Fatalf("%q: %+v", expr, out)
		}
	})
}
