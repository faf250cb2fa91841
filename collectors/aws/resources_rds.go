package aws

// RDSDescribeDBInstancesOutput is the output of aws rds describe-db-instances.
type RDSDescribeDBInstancesOutput struct {
	DBInstances []RDSDBInstance `json:"DBInstances"`
	Marker      string          `json:"Marker,omitempty"`
}

// RDSDBInstance is a database instance (the master user name is not decoded).
type RDSDBInstance struct {
	DBInstanceIdentifier             string              `json:"DBInstanceIdentifier"`
	DBInstanceClass                  string              `json:"DBInstanceClass,omitempty"`
	Engine                           string              `json:"Engine,omitempty"`
	EngineVersion                    string              `json:"EngineVersion,omitempty"`
	DBInstanceStatus                 string              `json:"DBInstanceStatus,omitempty"`
	Endpoint                         *RDSEndpoint        `json:"Endpoint,omitempty"`
	InstanceCreateTime               Timestamp           `json:"InstanceCreateTime,omitempty"`
	AvailabilityZone                 string              `json:"AvailabilityZone,omitempty"`
	MultiAZ                          bool                `json:"MultiAZ,omitempty"`
	PubliclyAccessible               bool                `json:"PubliclyAccessible,omitempty"`
	StorageEncrypted                 bool                `json:"StorageEncrypted,omitempty"`
	KmsKeyID                         string              `json:"KmsKeyId,omitempty"`
	DbiResourceID                    string              `json:"DbiResourceId,omitempty"`
	DBClusterIdentifier              string              `json:"DBClusterIdentifier,omitempty"`
	DBInstanceArn                    string              `json:"DBInstanceArn"`
	IAMDatabaseAuthenticationEnabled bool                `json:"IAMDatabaseAuthenticationEnabled,omitempty"`
	DeletionProtection               bool                `json:"DeletionProtection,omitempty"`
	AssociatedRoles                  []RDSDBInstanceRole `json:"AssociatedRoles,omitempty"`
	TagList                          []Tag               `json:"TagList,omitempty"`
}

// RDSEndpoint is where a database instance listens.
type RDSEndpoint struct {
	Address      string `json:"Address"`
	Port         int    `json:"Port"`
	HostedZoneID string `json:"HostedZoneId,omitempty"`
}

// RDSDBInstanceRole is a role associated with a database instance for a feature.
type RDSDBInstanceRole struct {
	RoleArn     string `json:"RoleArn"`
	FeatureName string `json:"FeatureName"`
	Status      string `json:"Status"`
}

func (c *converter) rds(r *Resources) error {
	for _, o := range r.RDSInstances {
		for j, db := range o.Value.DBInstances {
			l := o.loc().in("DBInstances", j, "db instance", db.DBInstanceIdentifier)
			if _, err := c.resource(l.field("DBInstanceArn"), resourceSpec{
				arn: db.DBInstanceArn, name: db.DBInstanceIdentifier, service: "rds", typ: "db", tags: tags(db.TagList),
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
