// Package aws collects the IAM facts of one AWS account: users, groups,
// roles, instance profiles and their inline and managed policies.
//
// # Offline directory
//
// The offline reader (NewOffline, "collect aws --from-dir DIR") reads a
// directory of AWS CLI outputs:
//
//	DIR/gaad.json                   aws iam get-account-authorization-details > gaad.json (required)
//	DIR/<service>-<operation>.json  e.g. s3-list-buckets.json (resources; not read yet)
//
// gaad.json is one JSON object with the keys UserDetailList, GroupDetailList,
// RoleDetailList, Policies, IsTruncated and Marker; pages of a paginated
// export must be merged into one object first. Policy documents may be JSON
// objects (as the CLI prints them) or URL-encoded strings (as the API returns
// them). Unknown fields are ignored. Every other file is logged and ignored.
// An export with IsTruncated true is read and recorded as a gap.
//
// # Nodes
//
// Every node has Provider "aws" and Scope "aws:account:<id>" unless said
// otherwise; the account id is taken from the ARNs, which must all name one
// account.
//
//	account           aws:account:<id>, kind aws.account, Name <id>, Scope ""
//	user              ARN, aws.user, UserName; path, user_id, create_date; Tags
//	group             ARN, aws.group, GroupName; path, group_id, create_date
//	role              ARN, aws.role, RoleName; Documents["trust"]; path, role_id,
//	                  create_date, last_used, last_used_region, service_linked
//	                  ("true" when the path starts with /aws-service-role/); Tags
//	inline policy     <owner ARN>#inline:<PolicyName>, aws.inline_policy, PolicyName;
//	                  owner; Documents["policy"]
//	managed policy    ARN, aws.managed_policy, PolicyName; path, policy_id,
//	                  default_version, attachment_count, is_attachable,
//	                  aws_managed, create_date, update_date;
//	                  Documents[<VersionId>] for every version;
//	                  Scope "" for AWS-managed policies
//	instance profile  ARN, aws.instance_profile, InstanceProfileName
//
// Properties are strings; dates are kept as the export gives them. Documents
// are stored decoded, as compact JSON objects.
//
// # Edges
//
//	user -member_of-> group                     (GroupList names resolved to ARNs)
//	user|group|role -attached_policy-> managed policy ARN
//	user|group|role -inline_policy-> inline policy
//	user|role -permissions_boundary-> managed policy ARN
//	instance profile -carries_role-> role
//
// # Errors and gaps
//
// Input that cannot be used is a *badinput.Error naming the file and the
// place: malformed JSON (line and column), a field of the wrong type, a
// policy document that does not parse (the list item, then the place inside
// the document), an ARN that is not one, principals of two accounts, an
// object defined twice. A reference to something the export does not define
// is a gap: an unknown group name (no edge is written) or managed policy
// ARN (the edge is written; analysis may know AWS-managed policies by ARN).
package aws
