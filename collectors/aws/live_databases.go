package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// dynamoDB lists the tables of a region (dynamodb:ListTables, every page).
// No item is ever read.
func (r *liveRun) dynamoDB(ctx context.Context, region string, res *Resources) error {
	const call = "dynamodb:ListTables"
	c := dynamodb.NewFromConfig(r.cfg, func(o *dynamodb.Options) { o.Region = region })
	v := DynamoDBListTablesOutput{TableNames: []string{}}
	p := dynamodb.NewListTablesPaginator(c, &dynamodb.ListTablesInput{})
	if err := listPages(ctx, r, call, region, "", p.HasMorePages, p.NextPage,
		func(o *dynamodb.ListTablesOutput) *string { return o.LastEvaluatedTableName },
		func(page *dynamodb.ListTablesOutput) {
			v.TableNames = append(v.TableNames, page.TableNames...)
		}); err != nil {
		return err
	}
	res.DynamoDBTables = append(res.DynamoDBTables, Output[DynamoDBListTablesOutput]{Where: r.where(call, region), Region: region, Value: v})
	return nil
}

// rds describes the database instances of a region
// (rds:DescribeDBInstances, every page). The master user name is never
// kept.
func (r *liveRun) rds(ctx context.Context, region string, res *Resources) error {
	const call = "rds:DescribeDBInstances"
	c := rds.NewFromConfig(r.cfg, func(o *rds.Options) { o.Region = region })
	v := RDSDescribeDBInstancesOutput{DBInstances: []RDSDBInstance{}}
	p := rds.NewDescribeDBInstancesPaginator(c, &rds.DescribeDBInstancesInput{})
	if err := listPages(ctx, r, call, region, "", p.HasMorePages, p.NextPage,
		func(o *rds.DescribeDBInstancesOutput) *string { return o.Marker },
		func(page *rds.DescribeDBInstancesOutput) {
			for _, db := range page.DBInstances {
				v.DBInstances = append(v.DBInstances, liveDBInstance(db))
			}
		}); err != nil {
		return err
	}
	res.RDSInstances = append(res.RDSInstances, Output[RDSDescribeDBInstancesOutput]{Where: r.where(call, region), Region: region, Value: v})
	return nil
}

func liveDBInstance(db rdstypes.DBInstance) RDSDBInstance {
	out := RDSDBInstance{
		DBInstanceIdentifier: str(db.DBInstanceIdentifier), DBInstanceClass: str(db.DBInstanceClass),
		Engine: str(db.Engine), EngineVersion: str(db.EngineVersion), DBInstanceStatus: str(db.DBInstanceStatus),
		InstanceCreateTime: cliTime(db.InstanceCreateTime), AvailabilityZone: str(db.AvailabilityZone),
		MultiAZ: aws.ToBool(db.MultiAZ), PubliclyAccessible: aws.ToBool(db.PubliclyAccessible),
		StorageEncrypted: aws.ToBool(db.StorageEncrypted), KmsKeyID: str(db.KmsKeyId), DbiResourceID: str(db.DbiResourceId),
		DBClusterIdentifier: str(db.DBClusterIdentifier), DBInstanceArn: str(db.DBInstanceArn),
		IAMDatabaseAuthenticationEnabled: aws.ToBool(db.IAMDatabaseAuthenticationEnabled),
		DeletionProtection:               aws.ToBool(db.DeletionProtection),
		TagList:                          liveTags(db.TagList, func(t rdstypes.Tag) (*string, *string) { return t.Key, t.Value }),
	}
	if e := db.Endpoint; e != nil {
		out.Endpoint = &RDSEndpoint{Address: str(e.Address), Port: int32Value(e.Port), HostedZoneID: str(e.HostedZoneId)}
	}
	for _, ro := range db.AssociatedRoles {
		out.AssociatedRoles = append(out.AssociatedRoles, RDSDBInstanceRole{RoleArn: str(ro.RoleArn), FeatureName: str(ro.FeatureName), Status: str(ro.Status)})
	}
	return out
}
