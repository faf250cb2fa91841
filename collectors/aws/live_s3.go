package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// s3Client returns the S3 client of region, made once. With a custom
// endpoint (an emulator) buckets are addressed by path, since bucket host
// names would not resolve.
func (r *liveRun) s3Client(region string) *s3.Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.s3ByRegion[region]; ok {
		return c
	}
	c := s3.NewFromConfig(r.cfg, func(o *s3.Options) {
		o.Region = region
		if r.cfg.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
	})
	r.s3ByRegion[region] = c
	return c
}

// s3 lists every bucket of the account (s3:ListBuckets, global, every
// page) and reads each bucket's policy (s3:GetBucketPolicy) in the
// bucket's region: the one ListBuckets gives, else
// s3:GetBucketLocation's. A bucket without a policy is no gap. No object
// is ever listed or read.
func (r *liveRun) s3(ctx context.Context, res *Resources) error {
	const list, location, get = "s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"
	c := r.s3Client(r.home)
	v := S3ListBucketsOutput{Buckets: []S3Bucket{}}
	p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{})
	if err := listPages(ctx, r, list, "", "", p.HasMorePages, p.NextPage,
		func(o *s3.ListBucketsOutput) *string { return o.ContinuationToken },
		func(page *s3.ListBucketsOutput) {
			if page.Owner != nil && v.Owner == nil {
				v.Owner = &S3Owner{DisplayName: str(page.Owner.DisplayName), ID: str(page.Owner.ID)}
			}
			for _, b := range page.Buckets {
				v.Buckets = append(v.Buckets, S3Bucket{Name: str(b.Name), CreationDate: cliTime(b.CreationDate), BucketRegion: str(b.BucketRegion)})
			}
		}); err != nil {
		return err
	}
	res.S3Buckets = append(res.S3Buckets, Output[S3ListBucketsOutput]{Where: r.where(list, ""), Value: v})
	for _, b := range v.Buckets {
		item := "bucket " + b.Name
		region := b.BucketRegion
		if region == "" {
			loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(b.Name)})
			if err != nil {
				if err := r.failed(ctx, location, "", item, err); err != nil {
					return err
				}
				continue
			}
			region = bucketRegion(loc.LocationConstraint)
		}
		out, err := r.s3Client(region).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b.Name)})
		if isCode(err, "NoSuchBucketPolicy") {
			continue
		}
		if err != nil {
			if err := r.failed(ctx, get, region, item, err); err != nil {
				return err
			}
			continue
		}
		res.S3BucketPolicies = append(res.S3BucketPolicies, Output[S3BucketPolicy]{
			Where: r.where(get, region), Value: S3BucketPolicy{Bucket: b.Name, Policy: livePolicyText(out.Policy)},
		})
	}
	return nil
}

// bucketRegion turns a LocationConstraint into a region: empty is
// us-east-1, "EU" the old name of eu-west-1.
func bucketRegion(c s3types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case s3types.BucketLocationConstraintEu:
		return "eu-west-1"
	}
	return string(c)
}
