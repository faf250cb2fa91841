package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// organizationsClient returns the Organizations client (a global service,
// called in the home region).
func (r *liveRun) organizationsClient() *organizations.Client {
	return organizations.NewFromConfig(r.cfg, func(o *organizations.Options) { o.Region = r.home })
}

// organizations describes the account's organization
// (organizations:DescribeOrganization; an account in none is no gap) and,
// from the management account or with --org, reads its tree: the roots
// (organizations:ListRoots), the organizational units and accounts under
// each root and unit (organizations:ListOrganizationalUnitsForParent,
// organizations:ListAccountsForParent), the service and resource control
// policies (organizations:ListPolicies), their documents
// (organizations:DescribePolicy) and targets
// (organizations:ListTargetsForPolicy). Account e-mail addresses are never
// kept.
func (r *liveRun) organizations(ctx context.Context, res *Resources) error {
	const describe = "organizations:DescribeOrganization"
	c := r.organizationsClient()
	out, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if isCode(err, "AWSOrganizationsNotInUseException") {
		return nil
	}
	if err != nil {
		return r.failed(ctx, describe, "", "", err)
	}
	o := out.Organization
	if o == nil {
		return nil
	}
	v := Organization{
		ID: str(o.Id), Arn: str(o.Arn), FeatureSet: string(o.FeatureSet),
		MasterAccountArn: str(o.MasterAccountArn), MasterAccountID: str(o.MasterAccountId),
	}
	for _, p := range o.AvailablePolicyTypes {
		v.AvailablePolicyTypes = append(v.AvailablePolicyTypes, OrganizationsPolicyTypeSummary{Type: string(p.Type), Status: string(p.Status)})
	}
	res.Organization = append(res.Organization, Output[OrganizationsDescribeOrganizationOutput]{
		Where: r.where(describe, ""), Value: OrganizationsDescribeOrganizationOutput{Organization: v},
	})
	// Member accounts cannot list the tree; a delegated administrator can.
	if v.MasterAccountID != r.account && !r.opts.Org {
		return nil
	}
	if err := r.orgTree(ctx, c, res); err != nil {
		return err
	}
	return r.orgPolicies(ctx, c, res)
}

// orgTree reads the roots and, breadth first, the units and accounts
// under each.
func (r *liveRun) orgTree(ctx context.Context, c *organizations.Client, res *Resources) error {
	const roots, units, accounts = "organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent", "organizations:ListAccountsForParent"
	rv := OrganizationsListRootsOutput{Roots: []OrganizationsRoot{}}
	rp := organizations.NewListRootsPaginator(c, &organizations.ListRootsInput{})
	if err := listPages(ctx, r, roots, "", "", rp.HasMorePages, rp.NextPage,
		func(o *organizations.ListRootsOutput) *string { return o.NextToken },
		func(page *organizations.ListRootsOutput) {
			for _, ro := range page.Roots {
				root := OrganizationsRoot{ID: str(ro.Id), Arn: str(ro.Arn), Name: str(ro.Name)}
				for _, p := range ro.PolicyTypes {
					root.PolicyTypes = append(root.PolicyTypes, OrganizationsPolicyTypeSummary{Type: string(p.Type), Status: string(p.Status)})
				}
				rv.Roots = append(rv.Roots, root)
			}
		}); err != nil {
		return err
	}
	res.OrgRoots = append(res.OrgRoots, Output[OrganizationsListRootsOutput]{Where: r.where(roots, ""), Value: rv})
	var parents []string
	for _, ro := range rv.Roots {
		parents = append(parents, ro.ID)
	}
	seen := map[string]bool{}
	for len(parents) > 0 {
		parent := parents[0]
		parents = parents[1:]
		if seen[parent] {
			continue
		}
		seen[parent] = true
		item := "parent " + parent
		uv := OrganizationsUnitsForParent{ParentID: parent, OrganizationalUnits: []OrganizationalUnit{}}
		up := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
		if err := listPages(ctx, r, units, "", item, up.HasMorePages, up.NextPage,
			func(o *organizations.ListOrganizationalUnitsForParentOutput) *string { return o.NextToken },
			func(page *organizations.ListOrganizationalUnitsForParentOutput) {
				for _, u := range page.OrganizationalUnits {
					uv.OrganizationalUnits = append(uv.OrganizationalUnits, OrganizationalUnit{ID: str(u.Id), Arn: str(u.Arn), Name: str(u.Name)})
					parents = append(parents, str(u.Id))
				}
			}); err != nil {
			return err
		}
		res.OrgUnits = append(res.OrgUnits, Output[OrganizationsUnitsForParent]{Where: r.where(units, ""), Value: uv})

		av := OrganizationsAccountsForParent{ParentID: parent, Accounts: []OrganizationsAccount{}}
		ap := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
		if err := listPages(ctx, r, accounts, "", item, ap.HasMorePages, ap.NextPage,
			func(o *organizations.ListAccountsForParentOutput) *string { return o.NextToken },
			func(page *organizations.ListAccountsForParentOutput) {
				for _, a := range page.Accounts {
					av.Accounts = append(av.Accounts, liveOrgAccount(a))
				}
			}); err != nil {
			return err
		}
		res.OrgAccounts = append(res.OrgAccounts, Output[OrganizationsAccountsForParent]{Where: r.where(accounts, ""), Value: av})
	}
	return nil
}

// liveOrgAccount maps an account; its e-mail address is left out.
func liveOrgAccount(a orgtypes.Account) OrganizationsAccount {
	return OrganizationsAccount{
		ID: str(a.Id), Arn: str(a.Arn), Name: str(a.Name), Status: string(a.Status), State: string(a.State),
		JoinedMethod: string(a.JoinedMethod), JoinedTimestamp: cliTime(a.JoinedTimestamp),
	}
}

// orgPolicies reads the service and resource control policies, the
// document and the targets of each.
func (r *liveRun) orgPolicies(ctx context.Context, c *organizations.Client, res *Resources) error {
	const list, describe, targets = "organizations:ListPolicies", "organizations:DescribePolicy", "organizations:ListTargetsForPolicy"
	for _, filter := range []orgtypes.PolicyType{orgtypes.PolicyTypeServiceControlPolicy, orgtypes.PolicyTypeResourceControlPolicy} {
		item := "filter " + string(filter)
		pv := OrganizationsPoliciesForFilter{Filter: string(filter), Policies: []OrganizationsPolicySummary{}}
		pp := organizations.NewListPoliciesPaginator(c, &organizations.ListPoliciesInput{Filter: filter})
		if err := listPages(ctx, r, list, "", item, pp.HasMorePages, pp.NextPage,
			func(o *organizations.ListPoliciesOutput) *string { return o.NextToken },
			func(page *organizations.ListPoliciesOutput) {
				for _, p := range page.Policies {
					pv.Policies = append(pv.Policies, liveOrgPolicySummary(p))
				}
			}); err != nil {
			return err
		}
		res.OrgPolicies = append(res.OrgPolicies, Output[OrganizationsPoliciesForFilter]{Where: r.where(list, ""), Value: pv})
		for _, p := range pv.Policies {
			item := "policy " + p.ID
			d, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(p.ID)})
			switch {
			case err != nil:
				if err := r.failed(ctx, describe, "", item, err); err != nil {
					return err
				}
			case d.Policy != nil:
				v := OrganizationsPolicy{Content: livePolicyText(d.Policy.Content)}
				if s := d.Policy.PolicySummary; s != nil {
					v.PolicySummary = liveOrgPolicySummary(*s)
				}
				res.OrgPolicyTexts = append(res.OrgPolicyTexts, Output[OrganizationsDescribePolicyOutput]{
					Where: r.where(describe, ""), Value: OrganizationsDescribePolicyOutput{Policy: v},
				})
			}
			tv := OrganizationsTargetsForPolicy{PolicyID: p.ID, Targets: []OrganizationsPolicyTargetSummary{}}
			tp := organizations.NewListTargetsForPolicyPaginator(c, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(p.ID)})
			if err := listPages(ctx, r, targets, "", item, tp.HasMorePages, tp.NextPage,
				func(o *organizations.ListTargetsForPolicyOutput) *string { return o.NextToken },
				func(page *organizations.ListTargetsForPolicyOutput) {
					for _, t := range page.Targets {
						tv.Targets = append(tv.Targets, OrganizationsPolicyTargetSummary{
							TargetID: str(t.TargetId), Arn: str(t.Arn), Name: str(t.Name), Type: string(t.Type),
						})
					}
				}); err != nil {
				return err
			}
			res.OrgTargets = append(res.OrgTargets, Output[OrganizationsTargetsForPolicy]{Where: r.where(targets, ""), Value: tv})
		}
	}
	return nil
}

func liveOrgPolicySummary(p orgtypes.PolicySummary) OrganizationsPolicySummary {
	return OrganizationsPolicySummary{
		ID: str(p.Id), Arn: str(p.Arn), Name: str(p.Name), Description: str(p.Description),
		Type: string(p.Type), AwsManaged: p.AwsManaged,
	}
}
