package crosscloud

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// TechGitHubActionsWIF: a GitHub repository's workflows exchange their
// OIDC token at sts.googleapis.com through a workload identity pool
// provider of token.actions.githubusercontent.com whose attribute
// condition admits them, and become the pool member its attribute mapping
// makes them.
const TechGitHubActionsWIF = "github-actions-wif"

// GitHubIssuer is the issuer of GitHub Actions OIDC tokens.
const GitHubIssuer = "https://token.actions.githubusercontent.com"

// GitHubActions is the bridge of GitHub Actions into GCP: from a GitHub
// repository (graphmodel.GitHubRepoNode, the node analysis/aws gives the
// repositories its OIDC trusts admit) to the principals and principal
// sets of a workload identity pool whose GitHub provider admits its
// tokens. What those members may do is the GCP analysis's to decide.
type GitHubActions struct{}

// Name returns "github-actions".
func (GitHubActions) Name() string { return "github-actions" }

// Techniques returns the bridge's catalogue.
func (GitHubActions) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{{ID: TechGitHubActionsWIF, Name: "GitHub Actions workload identity federation", Category: "federation", Attack: "T1078.004",
		Description: "a workflow of a GitHub repository exchanges its OIDC token at sts.googleapis.com through a workload identity pool provider of token.actions.githubusercontent.com whose attribute condition admits it, and becomes the pool principal its attribute mapping makes it (principal://…/subject/SUB, principalSet://…/attribute.repository/OWNER/REPO, the whole pool): roles/iam.workloadIdentityUser on a GCP service account, or any role, granted to those"}}
}

// The claims of a GitHub Actions token the bridge reasons about. The
// repository fixes repository and repository_owner; a workflow of the
// repository chooses the others of chosenClaims (the branch or tag it
// runs on and its protection, its environment, the event, the workflow,
// the audience it asks for). Any other claim the provider reads
// (repository_id, repository_owner_id, actor, …) is unknown: what depends
// on it is conditional.
var chosenClaims = map[string]bool{
	"sub": true, "ref": true, "ref_type": true, "ref_protected": true, "environment": true, "event_name": true,
	"workflow": true, "workflow_ref": true, "job_workflow_ref": true, "base_ref": true, "head_ref": true,
	"runner_environment": true, "aud": true,
}

// Values standing for "any other": a repository, an owner, a branch, a
// value no trust names.
const (
	anyOwner = "blastradius-any-owner"
	anyRepo  = "blastradius-any-repository"
	anyRef   = "refs/heads/blastradius-any-branch"
	anyValue = "blastradius-any-value"
)

// Bounds of the search for a token a repository's workflow can present.
const (
	maxOwners, maxRepos = 64, 256
	maxLiterals         = 32
	maxWitnesses        = 4096
)

// Derive emits, for every GitHub provider of a pool (neither disabled nor
// deleted, nor its pool) and every principal or principal set of the pool
// that the snapshot holds, an edge from each repository pattern whose
// workflows can present a token the provider admits and maps to that
// member: any repository (github:repo:*) when a repository no trust names
// can, else any of an owner's (github:repo:<owner>/*), else the
// repositories the condition, the mapping or the member name.
func (GitHubActions) Derive(ctx context.Context, e *Estate) ([]graphmodel.Node, []graphmodel.Edge, error) {
	var edges edgeSet
	nodes := map[string]*graphmodel.Node{}
	for _, prov := range e.gcp.providers {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if !isGitHubIssuer(prov.Prop(graphmodel.PropGCPIssuerURI)) || inactive(prov) {
			continue
		}
		poolID, _, ok := strings.Cut(prov.ID, "/providers/")
		if pool := e.gcp.pools[poolID]; !ok || (pool != nil && inactive(pool)) {
			continue
		}
		members := e.members(strings.TrimPrefix(poolID, "//iam.googleapis.com/"))
		if len(members) == 0 {
			continue
		}
		mapping, err := attributeMapping(prov)
		if err != nil {
			return nil, nil, err
		}
		fed := &gcppolicy.Federation{Mapping: mapping, Condition: prov.Prop(graphmodel.PropGCPAttributeCondition)}
		provLiterals := fed.Literals()
		cond := fed.Condition
		if strings.TrimSpace(cond) == "" {
			cond = "none"
		}
		for _, pm := range members {
			// The constants of the provider and of the member itself.
			literals := append(append([]string(nil), provLiterals...), pm.member.Value, pm.member.Subject)
			owners, repos := repoCandidates(literals)
			lits := claimLiterals(literals)
			certain := map[string]bool{} // patterns certainly admitted for pm
			for _, pattern := range append(append([]string{graphmodel.GitHubAnyRepo}, owners...), repos...) {
				if covered(certain, pattern) {
					continue
				}
				a := admit(fed, pm.member, pattern, lits)
				if a.t == gcppolicy.No {
					continue
				}
				if a.t == gcppolicy.Yes {
					certain[pattern] = true
				}
				broad := ""
				if a.broad && a.t == gcppolicy.Yes {
					broad = prov.ID + " admits " + a.subject + " as " + pm.member.Raw
				}
				n := graphmodel.GitHubRepoNode(pattern, a.subject, broad)
				keepNode(nodes, n)
				ev := graphmodel.Evidence{Source: prov.ID, Statement: -1,
					Note: "provider of " + prov.Prop(graphmodel.PropGCPIssuerURI) + " (attribute condition: " + cond + ") admits " + a.what +
						", and its attribute mapping makes it " + pm.member.Raw}
				edges.add(canBecome(n.ID, pm.node.ID, TechGitHubActionsWIF, a.t == gcppolicy.Maybe, a.reasons, ev))
			}
		}
	}
	out := make([]graphmodel.Node, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, edges.edges, nil
}

// isGitHubIssuer reports whether an OIDC issuer is GitHub Actions' (or its
// per-enterprise form, https://token.actions.githubusercontent.com/<slug>).
func isGitHubIssuer(issuer string) bool {
	issuer = strings.TrimSuffix(issuer, "/")
	return issuer == GitHubIssuer || strings.HasPrefix(issuer, GitHubIssuer+"/")
}

// inactive reports whether a pool or provider is disabled or deleted.
func inactive(n *graphmodel.Node) bool {
	state := n.Prop(graphmodel.PropGCPState)
	return n.Prop(graphmodel.PropGCPDisabled) == "true" || state == "DELETED" || state == "DISABLED"
}

// keepNode records a repository node; of several, the least subject and
// broad trust, so that the result does not depend on the order.
func keepNode(nodes map[string]*graphmodel.Node, n graphmodel.Node) {
	old, ok := nodes[n.ID]
	if !ok {
		nodes[n.ID] = &n
		return
	}
	for _, k := range []string{graphmodel.PropFederatedSubject, graphmodel.PropFederatedBroadTrust} {
		if v, set := n.Properties[k]; set {
			if cur, has := old.Properties[k]; !has || v < cur {
				old.Properties[k] = v
			}
		}
	}
}

// covered reports whether a broader pattern than p is certainly admitted.
func covered(certain map[string]bool, p string) bool {
	if p == graphmodel.GitHubAnyRepo {
		return false
	}
	if certain[graphmodel.GitHubAnyRepo] {
		return true
	}
	owner, _, _ := strings.Cut(p, "/")
	return !strings.HasSuffix(p, "/*") && certain[owner+"/*"]
}

var (
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	repoRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$`)
)

// repoCandidates returns the owner patterns ("acme/*") and repositories
// ("acme/app") the constants of a provider and its members may name,
// sorted, each bounded.
func repoCandidates(literals []string) (owners, repos []string) {
	os, rs := map[string]bool{}, map[string]bool{}
	for _, l := range literals {
		switch {
		case l == "":
		case strings.HasPrefix(l, "repo:"):
			if r := graphmodel.GitHubRepoOfSubject(l); repoRE.MatchString(r) {
				rs[r] = true
				os[strings.Split(r, "/")[0]] = true
			}
		case repoRE.MatchString(l):
			rs[l] = true
			os[strings.Split(l, "/")[0]] = true
		case strings.HasSuffix(l, "/") && nameRE.MatchString(strings.TrimSuffix(l, "/")):
			os[strings.TrimSuffix(l, "/")] = true
		case nameRE.MatchString(l):
			os[l] = true
		}
	}
	for o := range os {
		owners = append(owners, o+"/*")
	}
	for r := range rs {
		repos = append(repos, r)
	}
	sort.Strings(owners)
	sort.Strings(repos)
	if len(owners) > maxOwners {
		owners = owners[:maxOwners]
	}
	if len(repos) > maxRepos {
		repos = repos[:maxRepos]
	}
	return owners, repos
}

// claimLiterals returns the constants to try as the value of a chosen
// claim: sorted, each once, bounded.
func claimLiterals(literals []string) []string {
	set := map[string]bool{}
	for _, l := range literals {
		if l != "" {
			set[l] = true
		}
	}
	out := make([]string, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	sort.Strings(out)
	if len(out) > maxLiterals*4 {
		out = out[:maxLiterals*4]
	}
	return out
}

// admission is whether the workflows of a repository pattern can present a
// token a provider admits and maps to a member.
type admission struct {
	t gcppolicy.Tri
	// broad is true when the token may come from any branch or ref (or any
	// repository of the pattern): nothing but the repository is pinned.
	broad bool
	// subject is the subject pattern admitted, in the syntax of the sub
	// claim; what says it in words for the evidence.
	subject, what string
	// reasons say what leaves a Maybe undecided.
	reasons []string
}

// admit decides whether a workflow of the repositories of pattern ("*",
// "owner/*", "owner/repo") can present a token that fed admits and maps
// to m. The repository fixes repository and repository_owner (a pattern
// stands for a repository no constant names); the workflow chooses the
// claims of chosenClaims: when the verdict depends on them, a token is
// sought among the values the expressions compare them with (and one
// they name nowhere). A token that needs nothing but the repository
// admits any branch (broad).
func admit(fed *gcppolicy.Federation, m gcppolicy.Member, pattern string, literals []string) admission {
	repo, owner := pattern, strings.Split(pattern, "/")[0]
	switch {
	case pattern == graphmodel.GitHubAnyRepo:
		repo, owner = anyOwner+"/"+anyRepo, anyOwner
	case strings.HasSuffix(pattern, "/*"):
		repo = owner + "/" + anyRepo
	}
	base := gcppolicy.Claims{"repository": repo, "repository_owner": owner}
	decide := func(c gcppolicy.Claims) (gcppolicy.Tri, []string) {
		a, s := fed.Admits(c), fed.Selects(m, c)
		var reasons []string
		for _, o := range []gcppolicy.Outcome{a, s} {
			if o.Verdict == gcppolicy.Maybe {
				reasons = append(reasons, o.Reason)
			}
		}
		return a.Verdict.And(s.Verdict), reasons
	}
	single := pattern != graphmodel.GitHubAnyRepo && !strings.HasSuffix(pattern, "/*")
	describe := func(sub string) (string, string) {
		switch {
		case pattern == graphmodel.GitHubAnyRepo:
			return "*", "a workflow of any GitHub repository"
		case !single:
			return "repo:" + pattern + ":*", "a workflow of any repository of " + owner
		case sub == "":
			return "repo:" + pattern + ":*", "a workflow of " + pattern + " on any branch"
		}
		return sub, "a workflow of " + pattern + " (" + sub + ")"
	}
	anyBranch := func(t gcppolicy.Tri, reasons []string) admission {
		sub, what := describe("")
		return admission{t: t, broad: true, subject: sub, what: what, reasons: reasons}
	}
	t, reasons := decide(base)
	switch t {
	case gcppolicy.No:
		return admission{t: gcppolicy.No}
	case gcppolicy.Yes:
		return anyBranch(gcppolicy.Yes, nil)
	}
	// Maybe: the claims a workflow chooses may decide. A token whose
	// chosen claims are values no expression names (a new branch) is one
	// of any branch; else one is sought among the values named.
	var claims []string
	for _, c := range fed.Reads() {
		if chosenClaims[c] {
			claims = append(claims, c)
		}
	}
	values := make([][]string, len(claims))
	fresh := gcppolicy.Claims{"repository": repo, "repository_owner": owner}
	total := 1
	for i, c := range claims {
		values[i] = claimValues(c, repo, literals)
		fresh[c] = values[i][len(values[i])-1]
		total *= len(values[i])
	}
	vf, freshReasons := decide(fresh)
	if vf == gcppolicy.Yes {
		return anyBranch(gcppolicy.Yes, nil)
	}
	if total > maxWitnesses {
		return anyBranch(gcppolicy.Maybe, append(reasons, "too many combinations of "+strings.Join(claims, ", ")+" to decide"))
	}
	var maybe []string
	idx := make([]int, len(claims))
	for {
		c := gcppolicy.Claims{"repository": repo, "repository_owner": owner}
		for i, name := range claims {
			c[name] = values[i][idx[i]]
		}
		if consistent(c) {
			v, why := decide(c)
			if v == gcppolicy.Yes {
				sub, what := describe(subjectOf(c, repo))
				return admission{t: gcppolicy.Yes, broad: !single, subject: sub, what: what}
			}
			if v == gcppolicy.Maybe && maybe == nil {
				maybe = why
			}
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(values[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}
	switch {
	case vf == gcppolicy.Maybe:
		return anyBranch(gcppolicy.Maybe, freshReasons)
	case maybe == nil:
		return admission{t: gcppolicy.No}
	}
	sub, what := describe("")
	return admission{t: gcppolicy.Maybe, broad: !single, subject: sub, what: what, reasons: maybe}
}

// claimValues returns the values to try for a claim a workflow of repo
// chooses: the constants of its shape, and last the value of a new,
// unprotected branch (one no expression names).
func claimValues(claim, repo string, literals []string) []string {
	var refs []string
	for _, l := range literals {
		if strings.HasPrefix(l, "refs/") {
			refs = append(refs, l)
		}
		if _, ref, ok := strings.Cut(l, ":ref:"); ok && strings.HasPrefix(l, "repo:") && strings.HasPrefix(ref, "refs/") {
			refs = append(refs, ref)
		}
	}
	var out []string
	switch claim {
	case "ref", "base_ref", "head_ref":
		out = append(append(out, refs...), anyRef)
	case "ref_type":
		out = []string{"tag", "branch"}
	case "ref_protected":
		out = []string{"true", "false"}
	case "sub":
		prefix := "repo:" + repo + ":"
		for _, l := range literals {
			if strings.HasPrefix(l, prefix) {
				out = append(out, l)
			}
		}
		for _, r := range refs {
			out = append(out, prefix+"ref:"+r)
		}
		for _, l := range literals {
			if nameRE.MatchString(l) {
				out = append(out, prefix+"environment:"+l)
			}
		}
		out = append(out, prefix+"pull_request", prefix+"ref:"+anyRef)
	default:
		for _, l := range literals {
			if !strings.HasPrefix(l, "repo:") {
				out = append(out, l)
			}
		}
		out = append(out, anyValue)
	}
	return dedupeBounded(out)
}

// dedupeBounded returns list each value once, in order, at most
// maxLiterals of them plus the last (the value no expression names).
func dedupeBounded(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for i, s := range list {
		if seen[s] || (len(out) >= maxLiterals && i != len(list)-1) {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// consistent reports whether chosen claims can come together in one
// token: a subject of a branch or tag has it as its ref, one of an
// environment that environment.
func consistent(c gcppolicy.Claims) bool {
	sub, ok := c["sub"]
	if !ok {
		return true
	}
	parts := strings.SplitN(sub, ":", 4) // repo, <owner>/<repo>, ref|environment|pull_request, <value>
	if len(parts) == 4 && parts[2] == "ref" {
		if ref, set := c["ref"]; set && ref != parts[3] {
			return false
		}
	}
	if len(parts) == 4 && parts[2] == "environment" {
		if env, set := c["environment"]; set && env != parts[3] {
			return false
		}
	}
	return true
}

// subjectOf returns the subject pattern of an admitted token: its sub, or
// the branch or environment it names ("" when it pins neither).
func subjectOf(c gcppolicy.Claims, repo string) string {
	if sub, ok := c["sub"]; ok && !strings.Contains(sub, anyRef) {
		return sub
	}
	if ref, ok := c["ref"]; ok && ref != anyRef {
		return "repo:" + repo + ":ref:" + ref
	}
	if env, ok := c["environment"]; ok && env != anyValue {
		return "repo:" + repo + ":environment:" + env
	}
	var pinned []string
	for k, v := range c {
		if k != "repository" && k != "repository_owner" && v != anyValue && v != anyRef {
			pinned = append(pinned, k+"="+v)
		}
	}
	sort.Strings(pinned)
	if len(pinned) == 0 {
		return ""
	}
	return "repo:" + repo + ":" + strings.Join(pinned, ",")
}
