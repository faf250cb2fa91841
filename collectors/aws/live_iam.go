package aws

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/blastradius/blastradius/awspolicy"
)

// authorizationDetails reads every page of
// iam:GetAccountAuthorizationDetails and merges them into one export. It
// is the one IAM call the collection cannot do without: its failure is an
// error, not a gap.
func (r *liveRun) authorizationDetails(ctx context.Context) (*AuthorizationDetails, error) {
	d := &AuthorizationDetails{}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(r.iam, &iam.GetAccountAuthorizationDetailsInput{})
	err := sdkPages(ctx, p.HasMorePages, p.NextPage,
		func(o *iam.GetAccountAuthorizationDetailsOutput) *string { return o.Marker },
		func(page *iam.GetAccountAuthorizationDetailsOutput) { mergeDetails(d, liveAuthorizationDetails(page)) })
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", GAADCall, r.place(""), err)
	}
	return d, nil
}

// mergeDetails appends a page of the export to d.
func mergeDetails(d, page *AuthorizationDetails) {
	d.UserDetailList = append(d.UserDetailList, page.UserDetailList...)
	d.GroupDetailList = append(d.GroupDetailList, page.GroupDetailList...)
	d.RoleDetailList = append(d.RoleDetailList, page.RoleDetailList...)
	d.Policies = append(d.Policies, page.Policies...)
}

// liveAuthorizationDetails maps one page of GetAccountAuthorizationDetails
// to the raw export, field for field; IsTruncated and Marker are dropped
// since the pages are merged.
func liveAuthorizationDetails(o *iam.GetAccountAuthorizationDetailsOutput) *AuthorizationDetails {
	d := &AuthorizationDetails{}
	for _, u := range o.UserDetailList {
		d.UserDetailList = append(d.UserDetailList, UserDetail{
			Path: str(u.Path), UserName: str(u.UserName), UserID: str(u.UserId), Arn: str(u.Arn),
			CreateDate:              string(cliTime(u.CreateDate)),
			UserPolicyList:          livePolicyDetails(u.UserPolicyList),
			GroupList:               u.GroupList,
			AttachedManagedPolicies: liveAttachedPolicies(u.AttachedManagedPolicies),
			PermissionsBoundary:     liveBoundary(u.PermissionsBoundary),
			Tags:                    liveIAMTags(u.Tags),
		})
	}
	for _, g := range o.GroupDetailList {
		d.GroupDetailList = append(d.GroupDetailList, GroupDetail{
			Path: str(g.Path), GroupName: str(g.GroupName), GroupID: str(g.GroupId), Arn: str(g.Arn),
			CreateDate:              string(cliTime(g.CreateDate)),
			GroupPolicyList:         livePolicyDetails(g.GroupPolicyList),
			AttachedManagedPolicies: liveAttachedPolicies(g.AttachedManagedPolicies),
		})
	}
	for _, ro := range o.RoleDetailList {
		rd := RoleDetail{
			Path: str(ro.Path), RoleName: str(ro.RoleName), RoleID: str(ro.RoleId), Arn: str(ro.Arn),
			CreateDate:               string(cliTime(ro.CreateDate)),
			AssumeRolePolicyDocument: liveDocument(ro.AssumeRolePolicyDocument),
			RolePolicyList:           livePolicyDetails(ro.RolePolicyList),
			AttachedManagedPolicies:  liveAttachedPolicies(ro.AttachedManagedPolicies),
			PermissionsBoundary:      liveBoundary(ro.PermissionsBoundary),
			Tags:                     liveIAMTags(ro.Tags),
			RoleLastUsed:             liveRoleLastUsed(ro.RoleLastUsed),
		}
		for _, ip := range ro.InstanceProfileList {
			rd.InstanceProfileList = append(rd.InstanceProfileList, liveInstanceProfile(ip))
		}
		d.RoleDetailList = append(d.RoleDetailList, rd)
	}
	for _, p := range o.Policies {
		isAttachable := p.IsAttachable
		mp := ManagedPolicyDetail{
			PolicyName: str(p.PolicyName), PolicyID: str(p.PolicyId), Arn: str(p.Arn), Path: str(p.Path),
			DefaultVersionID:              str(p.DefaultVersionId),
			AttachmentCount:               intPtr(p.AttachmentCount),
			PermissionsBoundaryUsageCount: intPtr(p.PermissionsBoundaryUsageCount),
			IsAttachable:                  &isAttachable,
			Description:                   str(p.Description),
			CreateDate:                    string(cliTime(p.CreateDate)),
			UpdateDate:                    string(cliTime(p.UpdateDate)),
		}
		for _, v := range p.PolicyVersionList {
			mp.PolicyVersionList = append(mp.PolicyVersionList, PolicyVersion{
				Document: liveDocument(v.Document), VersionID: str(v.VersionId),
				IsDefaultVersion: v.IsDefaultVersion, CreateDate: string(cliTime(v.CreateDate)),
			})
		}
		if mp.PolicyName == "" {
			mp.PolicyName = policyNameOfARN(mp.Arn)
		}
		d.Policies = append(d.Policies, mp)
	}
	return d
}

// policyNameOfARN returns the name of a managed policy from its ARN
// (arn:aws:iam::<account>:policy/<path><name>). AWS always gives the name;
// some emulators (moto 5.2) leave it out of GetAccountAuthorizationDetails,
// and the name is exactly the ARN's last segment.
func policyNameOfARN(arn string) string {
	f, ok := splitARN(arn)
	if !ok || !strings.HasPrefix(f.Resource, "policy/") {
		return ""
	}
	return f.Resource[strings.LastIndexByte(f.Resource, '/')+1:]
}

// liveDocument turns a policy document as the API returns it (URL-encoded
// JSON) into the JSON object the AWS CLI prints. A document that does not
// decode to a JSON object is kept as the string the API gave, for the
// converter to report where it is.
func liveDocument(s *string) json.RawMessage {
	if s == nil {
		return nil
	}
	raw := jsonString(*s)
	text, err := awspolicy.Decode(raw)
	if err != nil || !json.Valid(text) || len(text) == 0 || text[0] != '{' {
		return raw
	}
	return json.RawMessage(text)
}

// livePolicyText keeps a resource policy as the string the API returns, as
// the AWS CLI prints it ("Policy": "{…}"); nil when there is none.
func livePolicyText(s *string) json.RawMessage {
	if s == nil {
		return nil
	}
	return jsonString(*s)
}

func livePolicyDetails(list []iamtypes.PolicyDetail) []PolicyDetail {
	var out []PolicyDetail
	for _, p := range list {
		out = append(out, PolicyDetail{PolicyName: str(p.PolicyName), PolicyDocument: liveDocument(p.PolicyDocument)})
	}
	return out
}

func liveAttachedPolicies(list []iamtypes.AttachedPolicy) []AttachedPolicy {
	var out []AttachedPolicy
	for _, p := range list {
		out = append(out, AttachedPolicy{PolicyName: str(p.PolicyName), PolicyArn: str(p.PolicyArn)})
	}
	return out
}

func liveBoundary(b *iamtypes.AttachedPermissionsBoundary) *AttachedPermissionsBoundary {
	if b == nil {
		return nil
	}
	return &AttachedPermissionsBoundary{
		PermissionsBoundaryType: string(b.PermissionsBoundaryType),
		PermissionsBoundaryArn:  str(b.PermissionsBoundaryArn),
	}
}

func liveIAMTags(list []iamtypes.Tag) []Tag {
	return liveTags(list, func(t iamtypes.Tag) (*string, *string) { return t.Key, t.Value })
}

func liveRoleLastUsed(u *iamtypes.RoleLastUsed) *RoleLastUsed {
	if u == nil {
		return nil
	}
	return &RoleLastUsed{LastUsedDate: string(cliTime(u.LastUsedDate)), Region: str(u.Region)}
}

func liveInstanceProfile(ip iamtypes.InstanceProfile) InstanceProfile {
	out := InstanceProfile{
		Path: str(ip.Path), InstanceProfileName: str(ip.InstanceProfileName),
		InstanceProfileID: str(ip.InstanceProfileId), Arn: str(ip.Arn),
		CreateDate: string(cliTime(ip.CreateDate)), Tags: liveIAMTags(ip.Tags),
	}
	for _, ro := range ip.Roles {
		role := Role{
			Path: str(ro.Path), RoleName: str(ro.RoleName), RoleID: str(ro.RoleId), Arn: str(ro.Arn),
			CreateDate:               string(cliTime(ro.CreateDate)),
			AssumeRolePolicyDocument: liveDocument(ro.AssumeRolePolicyDocument),
			Description:              str(ro.Description),
			PermissionsBoundary:      liveBoundary(ro.PermissionsBoundary),
			Tags:                     liveIAMTags(ro.Tags),
			RoleLastUsed:             liveRoleLastUsed(ro.RoleLastUsed),
		}
		if ro.MaxSessionDuration != nil {
			role.MaxSessionDuration = intPtr(ro.MaxSessionDuration)
		}
		out.Roles = append(out.Roles, role)
	}
	return out
}

// intPtr converts an SDK *int32 to the raw types' *int.
func intPtr(p *int32) *int {
	if p == nil {
		return nil
	}
	v := int(*p)
	return &v
}

// Defaults of the credential report wait.
const (
	defaultReportWait   = 2 * time.Minute
	defaultPollInterval = 2 * time.Second
)

// credentialReport asks IAM to generate the credential report
// (iam:GenerateCredentialReport) until it is complete, then reads it
// (iam:GetCredentialReport). Nothing but the report's own columns is read,
// and the converter keeps only the columns it documents.
func (r *liveRun) credentialReport(ctx context.Context, res *Resources) error {
	const gen, get = "iam:GenerateCredentialReport", "iam:GetCredentialReport"
	wait, every := r.opts.ReportWait, r.opts.PollInterval
	if wait <= 0 {
		wait = defaultReportWait
	}
	if every <= 0 {
		every = defaultPollInterval
	}
	c := r.iam
	deadline := time.Now().Add(wait)
	for {
		out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return r.failed(ctx, gen, "", "", err)
		}
		if out.State == iamtypes.ReportStateTypeComplete {
			break
		}
		if time.Now().After(deadline) {
			return r.failed(ctx, get, "", "", fmt.Errorf("report still %s after %s", out.State, wait))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
	out, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		return r.failed(ctx, get, "", "", err)
	}
	res.CredentialReports = append(res.CredentialReports, Output[IAMGetCredentialReportOutput]{
		Where: r.where(get, ""),
		Value: IAMGetCredentialReportOutput{
			Content:       base64.StdEncoding.EncodeToString(out.Content),
			ReportFormat:  string(out.ReportFormat),
			GeneratedTime: cliTime(out.GeneratedTime),
		},
	})
	return nil
}

// oidcProviders lists the account's OIDC identity providers
// (iam:ListOpenIDConnectProviders).
func (r *liveRun) oidcProviders(ctx context.Context, res *Resources) error {
	const call = "iam:ListOpenIDConnectProviders"
	out, err := r.iam.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return r.failed(ctx, call, "", "", err)
	}
	v := IAMListOpenIDConnectProvidersOutput{OpenIDConnectProviderList: []IAMOpenIDConnectProviderListEntry{}}
	for _, p := range out.OpenIDConnectProviderList {
		v.OpenIDConnectProviderList = append(v.OpenIDConnectProviderList, IAMOpenIDConnectProviderListEntry{Arn: str(p.Arn)})
	}
	res.OIDCProviders = append(res.OIDCProviders, Output[IAMListOpenIDConnectProvidersOutput]{Where: r.where(call, ""), Value: v})
	return nil
}

// samlProviders lists the account's SAML identity providers
// (iam:ListSAMLProviders). Their metadata documents are not read.
func (r *liveRun) samlProviders(ctx context.Context, res *Resources) error {
	const call = "iam:ListSAMLProviders"
	out, err := r.iam.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	if err != nil {
		return r.failed(ctx, call, "", "", err)
	}
	v := IAMListSAMLProvidersOutput{SAMLProviderList: []IAMSAMLProviderListEntry{}}
	for _, p := range out.SAMLProviderList {
		v.SAMLProviderList = append(v.SAMLProviderList, IAMSAMLProviderListEntry{
			Arn: str(p.Arn), ValidUntil: cliTime(p.ValidUntil), CreateDate: cliTime(p.CreateDate),
		})
	}
	res.SAMLProviders = append(res.SAMLProviders, Output[IAMListSAMLProvidersOutput]{Where: r.where(call, ""), Value: v})
	return nil
}
