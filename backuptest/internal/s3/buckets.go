package s3

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// listBuckets lists the caller's buckets, MaxBuckets (1–10000) at a time
// with ContinuationToken.
func listBuckets(r *serve.Request, in *awss3.ListBucketsInput) (*awss3.ListBucketsOutput, error) {
	if in.MaxBuckets != nil && (*in.MaxBuckets < 1 || *in.MaxBuckets > 10000) {
		return nil, serve.Errorf(http.StatusBadRequest, "InvalidArgument", "max-buckets must be between 1 and 10000")
	}
	var list []*inventory.Resource
	if r.Account == r.DefaultAccount {
		for _, res := range r.Inventory.List(r.Account, r.Region, "S3") {
			if in.Prefix == nil || len(res.Name) >= len(*in.Prefix) && res.Name[:len(*in.Prefix)] == *in.Prefix {
				list = append(list, res)
			}
		}
	}
	page, next, err := serve.Page(list, func(x *inventory.Resource) string { return x.ARN }, aws.ToString(in.ContinuationToken), int(aws.ToInt32(in.MaxBuckets)), "InvalidArgument")
	if err != nil {
		return nil, err
	}
	out := &awss3.ListBucketsOutput{Buckets: []s3types.Bucket{}, Owner: &s3types.Owner{ID: aws.String(r.DefaultAccount), DisplayName: aws.String("backupkit")}}
	for _, res := range page {
		out.Buckets = append(out.Buckets, s3types.Bucket{Name: aws.String(res.Name), CreationDate: aws.Time(res.CreationTime), BucketRegion: aws.String(r.Region)})
	}
	if next != "" {
		out.ContinuationToken = aws.String(next)
	}
	return out, nil
}

// headBucket answers 200 with the bucket's Region, or a bare 404 (which
// the Go SDK reports as *types.NotFound).
func headBucket(r *serve.Request, in *awss3.HeadBucketInput) (*awss3.HeadBucketOutput, error) {
	if _, err := bucket(r, in.Bucket); err != nil {
		return nil, serve.Errorf(http.StatusNotFound, "NotFound", "Not Found")
	}
	return &awss3.HeadBucketOutput{BucketRegion: aws.String(r.Region)}, nil
}

// deleteBucket deletes an empty bucket at once (BucketNotEmpty, 409,
// otherwise).
func deleteBucket(r *serve.Request, in *awss3.DeleteBucketInput) (*awss3.DeleteBucketOutput, error) {
	res, err := bucket(r, in.Bucket)
	if err != nil {
		return nil, err
	}
	if objectCount(res) > 0 {
		return nil, &serve.Error{Code: "BucketNotEmpty", Message: "The bucket you tried to delete is not empty", Status: http.StatusConflict, Fields: map[string]string{"BucketName": res.Name}}
	}
	r.Inventory.Remove(res.ARN)
	return &awss3.DeleteBucketOutput{}, nil
}
