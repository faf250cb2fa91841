package aws

import "encoding/json"

// S3ListBucketsOutput is the output of aws s3api list-buckets.
type S3ListBucketsOutput struct {
	Buckets           []S3Bucket `json:"Buckets"`
	Owner             *S3Owner   `json:"Owner,omitempty"`
	ContinuationToken string     `json:"ContinuationToken,omitempty"`
	Prefix            string     `json:"Prefix,omitempty"`
}

// S3Bucket is a bucket as list-buckets describes it.
type S3Bucket struct {
	Name         string    `json:"Name"`
	CreationDate Timestamp `json:"CreationDate,omitempty"`
	BucketRegion string    `json:"BucketRegion,omitempty"`
}

// S3Owner is the owner of the listed buckets.
type S3Owner struct {
	DisplayName string `json:"DisplayName,omitempty"`
	ID          string `json:"ID"`
}

// S3BucketPolicy is the output of aws s3api get-bucket-policy
// ({"Policy": "<JSON string>"}) with the Bucket it was asked for beside it.
type S3BucketPolicy struct {
	Bucket string          `json:"Bucket"`
	Policy json.RawMessage `json:"Policy"`
}

func (c *converter) bucketARN(name string) string { return c.arn("s3", "", "", name) }

func (c *converter) s3(r *Resources) error {
	for _, o := range r.S3Buckets {
		for j, b := range o.Value.Buckets {
			l := o.loc().in("Buckets", j, "bucket", b.Name)
			if b.Name == "" {
				return l.field("Name").bad("Name is empty")
			}
			if _, err := c.resource(l, resourceSpec{
				arn: c.bucketARN(b.Name), name: b.Name, service: "s3", typ: "bucket", region: b.BucketRegion,
			}); err != nil {
				return err
			}
		}
	}
	for _, o := range r.S3BucketPolicies {
		p := o.Value
		l := o.loc().named("bucket", p.Bucket)
		if p.Bucket == "" {
			return l.field("Bucket").bad(`Bucket is empty: give the bucket each policy belongs to ({"Bucket": …, "Policy": …})`)
		}
		n, err := c.resource(l.field("Bucket"), resourceSpec{arn: c.bucketARN(p.Bucket), name: p.Bucket, service: "s3", typ: "bucket"})
		if err != nil {
			return err
		}
		if err := c.resourcePolicy(l.field("Policy"), n, p.Policy); err != nil {
			return err
		}
	}
	return nil
}
