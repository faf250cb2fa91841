package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
)

// sageMaker lists the notebook instances of a region
// (sagemaker:ListNotebookInstances, every page) and describes each
// (sagemaker:DescribeNotebookInstance) for its role.
func (r *liveRun) sageMaker(ctx context.Context, region string, res *Resources) error {
	const list, describe = "sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance"
	c := sagemaker.NewFromConfig(r.cfg, func(o *sagemaker.Options) { o.Region = region })
	var names []string
	p := sagemaker.NewListNotebookInstancesPaginator(c, &sagemaker.ListNotebookInstancesInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *sagemaker.ListNotebookInstancesOutput) *string { return o.NextToken },
		func(page *sagemaker.ListNotebookInstancesOutput) {
			for _, nb := range page.NotebookInstances {
				names = append(names, str(nb.NotebookInstanceName))
			}
		}); err != nil {
		return err
	}
	for _, name := range names {
		d, err := c.DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String(name)})
		if err != nil {
			if err := r.failed(ctx, describe, region, "notebook instance "+name, err); err != nil {
				return err
			}
			continue
		}
		v := SageMakerDescribeNotebookInstanceOutput{
			NotebookInstanceArn: str(d.NotebookInstanceArn), NotebookInstanceName: str(d.NotebookInstanceName),
			NotebookInstanceStatus: string(d.NotebookInstanceStatus), FailureReason: str(d.FailureReason), URL: str(d.Url),
			InstanceType: string(d.InstanceType), SubnetID: str(d.SubnetId), SecurityGroups: d.SecurityGroups,
			RoleArn: str(d.RoleArn), KmsKeyID: str(d.KmsKeyId), NetworkInterfaceID: str(d.NetworkInterfaceId),
			LastModifiedTime: cliTime(d.LastModifiedTime), CreationTime: cliTime(d.CreationTime),
			NotebookInstanceLifecycleConfigName: str(d.NotebookInstanceLifecycleConfigName),
			DirectInternetAccess:                string(d.DirectInternetAccess), VolumeSizeInGB: int32Value(d.VolumeSizeInGB),
			DefaultCodeRepository: str(d.DefaultCodeRepository), RootAccess: string(d.RootAccess),
			PlatformIdentifier: str(d.PlatformIdentifier),
		}
		if m := d.InstanceMetadataServiceConfiguration; m != nil {
			v.InstanceMetadataServiceConfiguration = &SageMakerInstanceMetadataServiceConfig{
				MinimumInstanceMetadataServiceVersion: str(m.MinimumInstanceMetadataServiceVersion),
			}
		}
		res.SageMakerNotebooks = append(res.SageMakerNotebooks, Output[SageMakerDescribeNotebookInstanceOutput]{
			Where: r.where(describe, region), Region: region, Value: v,
		})
	}
	return nil
}
