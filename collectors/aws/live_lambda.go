package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// lambda lists the functions of a region (lambda:ListFunctions, every
// page) and reads each function's resource policy (lambda:GetPolicy). A
// function without a policy is no gap. Function code and environment
// variables are never read.
func (r *liveRun) lambda(ctx context.Context, region string, res *Resources) error {
	const list, get = "lambda:ListFunctions", "lambda:GetPolicy"
	c := lambda.NewFromConfig(r.cfg, func(o *lambda.Options) { o.Region = region })
	v := LambdaListFunctionsOutput{Functions: []LambdaFunctionConfiguration{}}
	p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *lambda.ListFunctionsOutput) *string { return o.NextMarker },
		func(page *lambda.ListFunctionsOutput) {
			for _, f := range page.Functions {
				v.Functions = append(v.Functions, liveFunction(f))
			}
		}); err != nil {
		return err
	}
	res.LambdaFunctions = append(res.LambdaFunctions, Output[LambdaListFunctionsOutput]{
		Where: r.where(list, region), Region: region, Value: v,
	})
	for _, f := range v.Functions {
		out, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: &f.FunctionArn})
		if isCode(err, "ResourceNotFoundException") {
			continue
		}
		if err != nil {
			if err := r.failed(ctx, get, region, "function "+f.FunctionArn, err); err != nil {
				return err
			}
			continue
		}
		res.LambdaPolicies = append(res.LambdaPolicies, Output[LambdaFunctionPolicy]{
			Where: r.where(get, region), Region: region,
			Value: LambdaFunctionPolicy{FunctionName: f.FunctionArn, Policy: livePolicyText(out.Policy), RevisionID: str(out.RevisionId)},
		})
	}
	return nil
}

// liveFunction maps a function configuration to the raw type, which
// leaves out the environment on purpose.
func liveFunction(f lambdatypes.FunctionConfiguration) LambdaFunctionConfiguration {
	out := LambdaFunctionConfiguration{
		FunctionName: str(f.FunctionName), FunctionArn: str(f.FunctionArn), Runtime: string(f.Runtime),
		Role: str(f.Role), Handler: str(f.Handler), CodeSize: f.CodeSize, Description: str(f.Description),
		LastModified: Timestamp(str(f.LastModified)), CodeSha256: str(f.CodeSha256), Version: str(f.Version),
		KMSKeyArn: str(f.KMSKeyArn), RevisionID: str(f.RevisionId), PackageType: string(f.PackageType),
	}
	if f.Timeout != nil {
		out.Timeout = int(*f.Timeout)
	}
	if f.MemorySize != nil {
		out.MemorySize = int(*f.MemorySize)
	}
	for _, a := range f.Architectures {
		out.Architectures = append(out.Architectures, string(a))
	}
	return out
}
