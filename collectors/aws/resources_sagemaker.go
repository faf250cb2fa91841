package aws

// SageMakerDescribeNotebookInstanceOutput is the output of aws sagemaker
// describe-notebook-instance, one per notebook instance.
type SageMakerDescribeNotebookInstanceOutput struct {
	NotebookInstanceArn                  string                                  `json:"NotebookInstanceArn"`
	NotebookInstanceName                 string                                  `json:"NotebookInstanceName"`
	NotebookInstanceStatus               string                                  `json:"NotebookInstanceStatus,omitempty"`
	FailureReason                        string                                  `json:"FailureReason,omitempty"`
	URL                                  string                                  `json:"Url,omitempty"`
	InstanceType                         string                                  `json:"InstanceType,omitempty"`
	SubnetID                             string                                  `json:"SubnetId,omitempty"`
	SecurityGroups                       []string                                `json:"SecurityGroups,omitempty"`
	RoleArn                              string                                  `json:"RoleArn"`
	KmsKeyID                             string                                  `json:"KmsKeyId,omitempty"`
	NetworkInterfaceID                   string                                  `json:"NetworkInterfaceId,omitempty"`
	LastModifiedTime                     Timestamp                               `json:"LastModifiedTime,omitempty"`
	CreationTime                         Timestamp                               `json:"CreationTime,omitempty"`
	NotebookInstanceLifecycleConfigName  string                                  `json:"NotebookInstanceLifecycleConfigName,omitempty"`
	DirectInternetAccess                 string                                  `json:"DirectInternetAccess,omitempty"`
	VolumeSizeInGB                       int                                     `json:"VolumeSizeInGB,omitempty"`
	DefaultCodeRepository                string                                  `json:"DefaultCodeRepository,omitempty"`
	RootAccess                           string                                  `json:"RootAccess,omitempty"`
	PlatformIdentifier                   string                                  `json:"PlatformIdentifier,omitempty"`
	InstanceMetadataServiceConfiguration *SageMakerInstanceMetadataServiceConfig `json:"InstanceMetadataServiceConfiguration,omitempty"`
}

// SageMakerInstanceMetadataServiceConfig is the IMDS setting of a notebook instance.
type SageMakerInstanceMetadataServiceConfig struct {
	MinimumInstanceMetadataServiceVersion string `json:"MinimumInstanceMetadataServiceVersion"`
}

func (c *converter) sageMaker(r *Resources) error {
	for _, o := range r.SageMakerNotebooks {
		nb := o.Value
		l := o.loc().named("notebook instance", nb.NotebookInstanceName)
		n, err := c.resource(l.field("NotebookInstanceArn"), resourceSpec{
			arn: nb.NotebookInstanceArn, name: nb.NotebookInstanceName, service: "sagemaker", typ: "notebook-instance",
		})
		if err != nil {
			return err
		}
		if err := c.carriesRole(l.field("RoleArn"), n.ID, nb.RoleArn); err != nil {
			return err
		}
	}
	return nil
}
