package tfplan

import (
	"strings"
)

// arnFields are the six colon-separated fields of an ARN.
type arnFields struct {
	partition, service, region, account, resource string
}

// splitARN splits s into its fields; ok is false when s is not shaped like
// an ARN.
func splitARN(s string) (f arnFields, ok bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return arnFields{}, false
	}
	return arnFields{parts[1], parts[2], parts[3], parts[4], parts[5]}, true
}

// isAccountID reports whether s is a 12-digit AWS account id.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// iamPath returns an IAM path as ARNs hold it: "/" when empty, with the
// slashes IAM requires at both ends.
func iamPath(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// iamARN builds the ARN of an IAM entity of the plan's account:
// arn:aws:iam::<account>:<typ><path><name>.
func (a *applier) iamARN(typ, path, name string) string {
	return a.arn("iam", "", a.account, typ+iamPath(path)+name)
}

// lastSegment returns what follows the last "/" of s.
func lastSegment(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}
