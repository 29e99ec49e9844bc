package s3

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// getBucketTagging returns the bucket's tags (NoSuchTagSet, 404, when it
// has none).
func getBucketTagging(r *serve.Request, in *awss3.GetBucketTaggingInput) (*awss3.GetBucketTaggingOutput, error) {
	res, err := bucket(r, in.Bucket)
	if err != nil {
		return nil, err
	}
	if len(res.Tags) == 0 {
		return nil, &serve.Error{Code: "NoSuchTagSet", Message: "The TagSet does not exist", Status: http.StatusNotFound, Fields: map[string]string{"BucketName": res.Name}}
	}
	out := &awss3.GetBucketTaggingOutput{TagSet: []s3types.Tag{}}
	for _, k := range inventory.SortedKeys(res.Tags) {
		out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(res.Tags[k])})
	}
	return out, nil
}

// putBucketTagging replaces the bucket's tags (at most 50, unique keys).
func putBucketTagging(r *serve.Request, in *awss3.PutBucketTaggingInput) (*awss3.PutBucketTaggingOutput, error) {
	res, err := bucket(r, in.Bucket)
	if err != nil {
		return nil, err
	}
	if in.Tagging == nil {
		return nil, serve.Errorf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if len(in.Tagging.TagSet) > 50 {
		return nil, serve.Errorf(http.StatusBadRequest, "BadRequest", "Object tags cannot be greater than 50")
	}
	tags := map[string]string{}
	for _, t := range in.Tagging.TagSet {
		k := aws.ToString(t.Key)
		if _, dup := tags[k]; dup || k == "" {
			return nil, serve.Errorf(http.StatusBadRequest, "InvalidTag", "Cannot provide multiple Tags with the same key, or an empty key")
		}
		tags[k] = aws.ToString(t.Value)
	}
	res.Tags = tags
	return &awss3.PutBucketTaggingOutput{}, nil
}

// deleteBucketTagging removes every tag (204).
func deleteBucketTagging(r *serve.Request, in *awss3.DeleteBucketTaggingInput) (*awss3.DeleteBucketTaggingOutput, error) {
	res, err := bucket(r, in.Bucket)
	if err != nil {
		return nil, err
	}
	res.Tags = nil
	return &awss3.DeleteBucketTaggingOutput{}, nil
}
