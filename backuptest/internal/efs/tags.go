package efs

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	awsefs "github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// tagResource adds or overwrites a file system's tags (by id or ARN).
func tagResource(r *serve.Request, in *awsefs.TagResourceInput) (*awsefs.TagResourceOutput, error) {
	res, err := fileSystem(r, aws.ToString(in.ResourceId))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	r.Inventory.Tag(res.ARN, tags)
	return &awsefs.TagResourceOutput{}, nil
}

// untagResource removes tag keys.
func untagResource(r *serve.Request, in *awsefs.UntagResourceInput) (*awsefs.UntagResourceOutput, error) {
	res, err := fileSystem(r, aws.ToString(in.ResourceId))
	if err != nil {
		return nil, err
	}
	r.Inventory.Untag(res.ARN, in.TagKeys)
	return &awsefs.UntagResourceOutput{}, nil
}

// listTagsForResource lists a file system's tags in one page.
func listTagsForResource(r *serve.Request, in *awsefs.ListTagsForResourceInput) (*awsefs.ListTagsForResourceOutput, error) {
	res, err := fileSystem(r, aws.ToString(in.ResourceId))
	if err != nil {
		return nil, err
	}
	return &awsefs.ListTagsForResourceOutput{Tags: []efstypes.Tag(tags(res.Tags))}, nil
}
