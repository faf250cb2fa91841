package gcppolicy

import (
	"strings"
	"testing"
)

// githubMapping is the attribute mapping Google's documentation gives for
// GitHub Actions.
var githubMapping = map[string]string{
	"google.subject":             "assertion.sub",
	"attribute.repository":       "assertion.repository",
	"attribute.repository_owner": "assertion.repository_owner",
	"attribute.ref":              "assertion.ref",
	"attribute.actor":            "assertion.actor",
}

func TestFederationAdmits(t *testing.T) {
	app := Claims{"repository": "acme/app", "repository_owner": "acme"}
	other := Claims{"repository": "acme/other", "repository_owner": "acme"}
	main := Claims{"repository": "acme/app", "repository_owner": "acme", "ref": "refs/heads/main"}
	tests := []struct {
		name, condition string
		claims          Claims
		want            Tri
		reason          string
	}{
		{"no condition admits every token", "", Claims{}, Yes, ""},
		{"one repository, that one", `assertion.repository == 'acme/app'`, app, Yes, ""},
		{"one repository, another", `assertion.repository == 'acme/app'`, other, No, ""},
		{"one repository, unknown", `assertion.repository == 'acme/app'`, Claims{}, Maybe, "assertion.repository"},
		{"an owner", `assertion.repository_owner == 'acme'`, other, Yes, ""},
		{"a list", `assertion.repository in ['acme/app', 'acme/web']`, other, No, ""},
		{"a prefix", `assertion.repository.startsWith('acme/')`, other, Yes, ""},
		{"a branch, not known", `assertion.repository == 'acme/app' && assertion.ref == 'refs/heads/main'`, app, Maybe, "assertion.ref"},
		{"a branch, known", `assertion.repository == 'acme/app' && assertion.ref == 'refs/heads/main'`, main, Yes, ""},
		{"another repository decides without the branch", `assertion.repository == 'acme/app' && assertion.ref == 'refs/heads/main'`, other, No, ""},
		{"through a mapped attribute", `attribute.repository_owner == 'acme'`, other, Yes, ""},
		{"through a mapped attribute, unknown", `attribute.ref == 'refs/heads/main'`, app, Maybe, "attribute.ref"},
		{"through the subject", `google.subject.startsWith('repo:acme/app:')`, Claims{"sub": "repo:acme/app:ref:refs/heads/dev"}, Yes, ""},
		{"an unmapped attribute cannot be decided", `attribute.workflow == 'deploy'`, app, Maybe, "cannot be decided"},
		{"does not compile", `assertion.repository ==`, app, Maybe, "cannot be compiled"},
		{"not a bool", `assertion.repository`, app, Maybe, "not a bool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Federation{Mapping: githubMapping, Condition: tt.condition}
			got := f.Admits(tt.claims)
			if got.Verdict != tt.want || !strings.Contains(got.Reason, tt.reason) || (got.Verdict == Maybe) != (got.Reason != "") {
				t.Errorf("Admits(%v) = %+v, want %v with reason %q", tt.claims, got, tt.want, tt.reason)
			}
		})
	}
}

func TestFederationSelects(t *testing.T) {
	const pool = "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/"
	member := func(s string) Member {
		m, err := ParseMember(s)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	app := Claims{"repository": "acme/app", "repository_owner": "acme"}
	tests := []struct {
		name    string
		mapping map[string]string
		member  string
		claims  Claims
		want    Tri
	}{
		{"the whole pool", githubMapping, pool + "*", Claims{}, Yes},
		{"a repository's set, that repository", githubMapping, pool + "attribute.repository/acme/app", app, Yes},
		{"a repository's set, another", githubMapping, pool + "attribute.repository/acme/web", app, No},
		{"a repository's set, unknown", githubMapping, pool + "attribute.repository/acme/app", Claims{}, Maybe},
		{"an owner's set", githubMapping, pool + "attribute.repository_owner/acme", app, Yes},
		{"an attribute the mapping does not set", githubMapping, pool + "attribute.environment/prod", app, No},
		{"a subject", githubMapping, "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/subject/repo:acme/app:ref:refs/heads/main",
			Claims{"sub": "repo:acme/app:ref:refs/heads/main"}, Yes},
		{"a subject, another branch", githubMapping, "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/subject/repo:acme/app:ref:refs/heads/main",
			Claims{"sub": "repo:acme/app:ref:refs/heads/dev"}, No},
		{"a subject, the branch unknown", githubMapping, "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/subject/repo:acme/app:ref:refs/heads/main",
			app, Maybe},
		{"a composed attribute", map[string]string{"google.subject": "assertion.sub", "attribute.repo_ref": "assertion.repository + '@' + assertion.ref"},
			pool + "attribute.repo_ref/acme/app@refs/heads/main", Claims{"repository": "acme/app", "ref": "refs/heads/main"}, Yes},
		{"a group of a list mapping", map[string]string{"google.subject": "assertion.sub", "google.groups": "['deployers', assertion.repository_owner]"},
			pool + "group/acme", app, Yes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Federation{Mapping: tt.mapping}
			if got := f.Selects(member(tt.member), tt.claims); got.Verdict != tt.want || (got.Verdict == Maybe) != (got.Reason != "") {
				t.Errorf("Selects = %+v, want %v", got, tt.want)
			}
		})
	}
}

func TestFederationReadsAndLiterals(t *testing.T) {
	f := &Federation{Mapping: githubMapping,
		Condition: `assertion.repository_owner == "acme" && assertion['ref'] in ['refs/heads/main', 'refs/heads/release'] && attribute.actor != 'bot'`}
	if got := strings.Join(f.Reads(), ","); got != "actor,ref,repository,repository_owner,sub" {
		t.Errorf("Reads = %s", got)
	}
	if got := strings.Join(f.Literals(), ","); got != "acme,bot,refs/heads/main,refs/heads/release" {
		t.Errorf("Literals = %s", got)
	}
}

// FuzzFederation: any condition and mapping evaluate without panicking to a
// verdict, with a reason whenever it is Maybe.
func FuzzFederation(f *testing.F) {
	for _, s := range [][2]string{
		{`assertion.repository == 'acme/app'`, "assertion.sub"},
		{`attribute.ref.startsWith('refs/heads/') && google.subject != ''`, "assertion.repository + ':' + assertion.ref"},
		{`assertion['repository_owner'] in ['acme', 'example']`, "assertion.sub.extract('repo:{r}:')"},
		{"", ""},
	} {
		f.Add(s[0], s[1])
	}
	claims := Claims{"repository": "acme/app", "repository_owner": "acme", "sub": "repo:acme/app:ref:refs/heads/main"}
	set, _ := ParseMember("principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/attribute.x/acme/app")
	f.Fuzz(func(t *testing.T, condition, mapping string) {
		fed := &Federation{Condition: condition, Mapping: map[string]string{"google.subject": mapping, "attribute.x": mapping}}
		for _, out := range []Outcome{fed.Admits(claims), fed.Admits(Claims{}), fed.Selects(set, claims), fed.Selects(set, Claims{})} {
			if out.Verdict > Yes || (out.Verdict == Maybe && out.Reason == "") {
				t.Fatalf("%q / %q: %+v", condition, mapping, out)
			}
		}
		fed.Reads()
		fed.Literals()
	})
}
