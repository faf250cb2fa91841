package aws

import "github.com/blastradius/blastradius/graphmodel"

// CloudFormationDescribeStacksOutput is the output of aws cloudformation describe-stacks.
type CloudFormationDescribeStacksOutput struct {
	Stacks    []CloudFormationStack `json:"Stacks"`
	NextToken string                `json:"NextToken,omitempty"`
}

// CloudFormationStack is a stack. Parameters and Outputs are deliberately
// not decoded: they may hold secrets.
type CloudFormationStack struct {
	StackID                     string    `json:"StackId"`
	StackName                   string    `json:"StackName"`
	ChangeSetID                 string    `json:"ChangeSetId,omitempty"`
	Description                 string    `json:"Description,omitempty"`
	CreationTime                Timestamp `json:"CreationTime,omitempty"`
	LastUpdatedTime             Timestamp `json:"LastUpdatedTime,omitempty"`
	StackStatus                 string    `json:"StackStatus,omitempty"`
	StackStatusReason           string    `json:"StackStatusReason,omitempty"`
	DisableRollback             *bool     `json:"DisableRollback,omitempty"`
	NotificationARNs            []string  `json:"NotificationARNs,omitempty"`
	Capabilities                []string  `json:"Capabilities,omitempty"`
	RoleARN                     string    `json:"RoleARN,omitempty"`
	Tags                        []Tag     `json:"Tags,omitempty"`
	EnableTerminationProtection *bool     `json:"EnableTerminationProtection,omitempty"`
	ParentID                    string    `json:"ParentId,omitempty"`
	RootID                      string    `json:"RootId,omitempty"`
}

// CloudFormationListStackSetsOutput is the output of aws cloudformation list-stack-sets.
type CloudFormationListStackSetsOutput struct {
	Summaries []CloudFormationStackSetSummary `json:"Summaries"`
	NextToken string                          `json:"NextToken,omitempty"`
}

// CloudFormationStackSetSummary is a stack set as list-stack-sets
// describes it: without ARN or roles.
type CloudFormationStackSetSummary struct {
	StackSetName    string `json:"StackSetName"`
	StackSetID      string `json:"StackSetId"`
	Description     string `json:"Description,omitempty"`
	Status          string `json:"Status,omitempty"`
	PermissionModel string `json:"PermissionModel,omitempty"`
	DriftStatus     string `json:"DriftStatus,omitempty"`
}

// CloudFormationDescribeStackSetOutput is the output of aws cloudformation
// describe-stack-set.
type CloudFormationDescribeStackSetOutput struct {
	StackSet CloudFormationStackSet `json:"StackSet"`
}

// CloudFormationStackSet is a stack set with its roles. TemplateBody and
// Parameters are deliberately not decoded: they may hold secrets.
type CloudFormationStackSet struct {
	StackSetName          string   `json:"StackSetName"`
	StackSetID            string   `json:"StackSetId"`
	Description           string   `json:"Description,omitempty"`
	Status                string   `json:"Status,omitempty"`
	Capabilities          []string `json:"Capabilities,omitempty"`
	Tags                  []Tag    `json:"Tags,omitempty"`
	StackSetARN           string   `json:"StackSetARN"`
	AdministrationRoleARN string   `json:"AdministrationRoleARN,omitempty"`
	ExecutionRoleName     string   `json:"ExecutionRoleName,omitempty"`
	PermissionModel       string   `json:"PermissionModel,omitempty"`
	OrganizationalUnitIDs []string `json:"OrganizationalUnitIds,omitempty"`
	Regions               []string `json:"Regions,omitempty"`
}

func (c *converter) cloudFormation(r *Resources) error {
	for _, o := range r.CloudFormationStacks {
		for j, s := range o.Value.Stacks {
			l := o.loc().in("Stacks", j, "stack", s.StackName)
			n, err := c.resource(l.field("StackId"), resourceSpec{
				arn: s.StackID, name: s.StackName, service: "cloudformation", typ: "stack", tags: tags(s.Tags),
			})
			if err != nil {
				return err
			}
			if err := c.carriesRole(l.field("RoleARN"), n.ID, s.RoleARN); err != nil {
				return err
			}
		}
	}
	// describe-stack-set gives the ARN; list-stack-sets only the id.
	byID := map[string]*graphmodel.Node{}
	for _, o := range r.CloudFormationStackSetDetails {
		s := o.Value.StackSet
		l := o.loc().field("StackSet").named("stack set", s.StackSetName)
		arn := s.StackSetARN
		if arn == "" {
			arn = c.stackSetARN(c.regionOf(o.Region), s.StackSetID)
		}
		if arn == "" {
			c.noRegion(l, "cloudformation stack set "+s.StackSetName)
			continue
		}
		n, err := c.resource(l.field("StackSetARN"), resourceSpec{
			arn: arn, name: s.StackSetName, service: "cloudformation", typ: "stackset", tags: tags(s.Tags),
		})
		if err != nil {
			return err
		}
		if s.StackSetID != "" {
			byID[s.StackSetID] = n
		}
		n.SetProp(graphmodel.PropAWSExecutionRoleName, s.ExecutionRoleName)
		if err := c.carriesRole(l.field("AdministrationRoleARN"), n.ID, s.AdministrationRoleARN); err != nil {
			return err
		}
	}
	for _, o := range r.CloudFormationStackSets {
		for j, s := range o.Value.Summaries {
			l := o.loc().in("Summaries", j, "stack set", s.StackSetName)
			if byID[s.StackSetID] != nil {
				continue
			}
			arn := c.stackSetARN(c.regionOf(o.Region), s.StackSetID)
			if arn == "" {
				c.noRegion(l, "cloudformation stack set "+s.StackSetName)
				continue
			}
			if _, err := c.resource(l, resourceSpec{
				arn: arn, name: s.StackSetName, service: "cloudformation", typ: "stackset",
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

// stackSetARN builds the ARN of a stack set from its id (<name>:<uuid>);
// "" when the region or id is unknown.
func (c *converter) stackSetARN(region, id string) string {
	if region == "" || id == "" {
		return ""
	}
	return c.arn("cloudformation", region, c.account, "stackset/"+id)
}
