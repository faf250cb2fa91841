package aws

import (
	"encoding/json"
	"strings"
)

// LambdaListFunctionsOutput is the output of aws lambda list-functions.
type LambdaListFunctionsOutput struct {
	Functions  []LambdaFunctionConfiguration `json:"Functions"`
	NextMarker string                        `json:"NextMarker,omitempty"`
}

// LambdaFunctionConfiguration is a function as list-functions describes it.
// Environment is deliberately not decoded: its variables may hold secrets.
type LambdaFunctionConfiguration struct {
	FunctionName  string    `json:"FunctionName"`
	FunctionArn   string    `json:"FunctionArn"`
	Runtime       string    `json:"Runtime,omitempty"`
	Role          string    `json:"Role"`
	Handler       string    `json:"Handler,omitempty"`
	CodeSize      int64     `json:"CodeSize,omitempty"`
	Description   string    `json:"Description,omitempty"`
	Timeout       int       `json:"Timeout,omitempty"`
	MemorySize    int       `json:"MemorySize,omitempty"`
	LastModified  Timestamp `json:"LastModified,omitempty"`
	CodeSha256    string    `json:"CodeSha256,omitempty"`
	Version       string    `json:"Version,omitempty"`
	KMSKeyArn     string    `json:"KMSKeyArn,omitempty"`
	RevisionID    string    `json:"RevisionId,omitempty"`
	PackageType   string    `json:"PackageType,omitempty"`
	Architectures []string  `json:"Architectures,omitempty"`
}

// LambdaFunctionPolicy is the output of aws lambda get-policy
// ({"Policy": "<JSON string>", "RevisionId": …}) with the FunctionName it
// was asked for (a function name or ARN) beside it.
type LambdaFunctionPolicy struct {
	FunctionName string          `json:"FunctionName"`
	Policy       json.RawMessage `json:"Policy"`
	RevisionID   string          `json:"RevisionId,omitempty"`
}

func (c *converter) lambda(r *Resources) error {
	for _, o := range r.LambdaFunctions {
		for j, f := range o.Value.Functions {
			l := o.loc().in("Functions", j, "function", f.FunctionName)
			n, err := c.resource(l.field("FunctionArn"), resourceSpec{
				arn: f.FunctionArn, name: f.FunctionName, service: "lambda", typ: "function",
			})
			if err != nil {
				return err
			}
			if err := c.carriesRole(l.field("Role"), n.ID, f.Role); err != nil {
				return err
			}
		}
	}
	for _, o := range r.LambdaPolicies {
		p := o.Value
		l := o.loc().named("function", p.FunctionName)
		if p.FunctionName == "" {
			return l.field("FunctionName").bad(`FunctionName is empty: give the function each policy belongs to ({"FunctionName": …, "Policy": …})`)
		}
		arn := c.policyOwner("lambda", "function", p.FunctionName, o.Region, "function:"+p.FunctionName)
		if arn == "" {
			c.noPolicyOwner(l, "lambda function "+p.FunctionName, "lambda-list-functions.json")
			continue
		}
		n, err := c.resource(l.field("FunctionName"), resourceSpec{
			arn: arn, name: lambdaName(arn), service: "lambda", typ: "function",
		})
		if err != nil {
			return err
		}
		if err := c.resourcePolicy(l.field("Policy"), n, p.Policy); err != nil {
			return err
		}
	}
	return nil
}

// policyOwner returns the ARN of the resource a policy of the outputs
// belongs to, given by name or ARN: the ARN itself, else the one resource
// of service and typ with that name (in region when given), else the ARN
// of resource in the account and the output's region (or --region); ""
// when there is no region.
func (c *converter) policyOwner(service, typ, name, region, resource string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	if n, ok := c.byName(service, typ, name, region); ok {
		return n.ID
	}
	if region := c.regionOf(region); region != "" {
		return c.arn(service, region, c.account, resource)
	}
	return ""
}

// noPolicyOwner records that the resource of a policy, what, is neither
// in the listing file nor has a region to name it by.
func (c *converter) noPolicyOwner(l loc, what, file string) {
	c.gapAt(l, what, "its policy is given but it is absent from "+file+" and no region is given (a Region beside the element, a DIR/<region>/ subdirectory or --region)")
}

// lambdaName returns the function name of a function ARN
// (…:function:<name>[:<qualifier>]).
func lambdaName(arn string) string {
	f, _ := splitARN(arn)
	name := strings.TrimPrefix(f.Resource, "function:")
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	return name
}
