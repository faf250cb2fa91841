package graphmodel

import "strings"

// GitHub Actions OIDC subjects. A repository (or a pattern of
// repositories) whose workflows a trust admits is one node whichever cloud
// the trust is in: an AWS role's trust of token.actions.githubusercontent.com
// (analysis/aws) or a GCP workload identity pool provider of that issuer
// (analysis/crosscloud). Both build it with GitHubRepoNode, so that the
// node has the same ID, kind, name and properties.

// GitHubAnyRepo is the repository pattern of any repository on GitHub.
const GitHubAnyRepo = "*"

// GitHubRepoOfSubject returns the repository pattern of a GitHub Actions
// OIDC subject as a trust writes it: "repo:acme/app:ref:refs/heads/main" →
// "acme/app", "repo:acme/*:*" → "acme/*"; anything that names no
// repository ("*", "", another format) is GitHubAnyRepo.
func GitHubRepoOfSubject(sub string) string {
	rest, ok := strings.CutPrefix(sub, "repo:")
	if !ok {
		return GitHubAnyRepo
	}
	if i := strings.Index(rest, ":"); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" || rest == "*" {
		return GitHubAnyRepo
	}
	return rest
}

// GitHubSubjectBroad reports whether a subject pattern admits more than
// one branch or ref of one repository: any repository ("*"), any of an
// owner's ("repo:acme/*:*"), any ref of one ("repo:acme/app:*",
// "repo:acme/app:ref:refs/heads/*"). A subject pinned to a branch, a tag,
// an environment or pull requests ("repo:acme/app:pull_request") is not.
func GitHubSubjectBroad(sub string) bool { return sub == "" || strings.Contains(sub, "*") }

// GitHubRepoName returns how reports name a repository pattern: "GitHub
// repository acme/app", "any GitHub repository of acme" (acme/*), "any
// GitHub repository" (*).
func GitHubRepoName(pattern string) string {
	switch {
	case pattern == GitHubAnyRepo:
		return "any GitHub repository"
	case strings.HasSuffix(pattern, "/*") && !strings.Contains(strings.TrimSuffix(pattern, "/*"), "*"):
		return "any GitHub repository of " + strings.TrimSuffix(pattern, "/*")
	}
	return "GitHub repository " + pattern
}

// GitHubRepoNode returns the node of a repository pattern as an OIDC
// subject: ID github:repo:<pattern>, kind github.repo, provider github,
// named by GitHubRepoName. subject is the subject pattern of the trust
// that admits it (PropFederatedSubject, in the syntax of GitHub's sub
// claim: "repo:acme/app:ref:refs/heads/main", "repo:acme/app:*", "*");
// broadTrust, when the trust admits more than one branch or repository,
// names the trust and what it admits (PropFederatedBroadTrust), else "".
func GitHubRepoNode(pattern, subject, broadTrust string) Node {
	n := Node{ID: GitHubRepo(pattern), Kind: KindGitHubRepo, Provider: ProviderGitHub, Name: GitHubRepoName(pattern),
		Properties: map[string]string{PropFederatedSubject: subject}}
	if broadTrust != "" {
		n.Properties[PropFederatedBroadTrust] = broadTrust
	}
	return n
}
