package aws

import (
	"fmt"
	"strings"
)

// awsManagedAccount is the account field of AWS-managed policy ARNs
// (arn:aws:iam::aws:policy/ReadOnlyAccess).
const awsManagedAccount = "aws"

// arnFields are the six colon-separated fields of an ARN.
type arnFields struct {
	Partition, Service, Region, Account, Resource string
}

// splitARN splits s into its fields; ok is false when s is not shaped like
// an ARN (arn:partition:service:region:account:resource).
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

// iamARN checks that s is the ARN of an IAM object whose resource starts
// with typ + "/" (user, group, role, instance-profile, policy) and returns
// its account field. AWS-managed policies have the account "aws"; allowAWS
// says whether that is acceptable here.
func iamARN(s, typ string, allowAWS bool) (account string, err error) {
	f, ok := splitARN(s)
	switch {
	case !ok || f.Service != "iam" || f.Region != "":
	case !strings.HasPrefix(f.Resource, typ+"/") || len(f.Resource) == len(typ)+1:
	case isAccountID(f.Account), allowAWS && f.Account == awsManagedAccount:
		return f.Account, nil
	}
	return "", fmt.Errorf("%q is not an IAM %s ARN (want arn:aws:iam::<12-digit account>:%s/<path><name>)", s, typ, typ)
}

// isAWSManaged reports whether a policy ARN names an AWS-managed policy.
func isAWSManaged(policyARN string) bool {
	f, ok := splitARN(policyARN)
	return ok && f.Account == awsManagedAccount
}

// resourceOf returns the resource field of an ARN ("" when it is not one).
func resourceOf(arn string) string {
	f, _ := splitARN(arn)
	return f.Resource
}
