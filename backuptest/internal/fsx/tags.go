package fsx

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsfsx "github.com/aws/aws-sdk-go-v2/service/fsx"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// tagged finds the file system a tagging call names by ARN
// (ResourceNotFound otherwise, as FSx's tagging operations answer).
func tagged(r *serve.Request, a string) (*inventory.Resource, error) {
	res, ok := r.Inventory.Get(a)
	if !ok || res.Type != "FSx" {
		return nil, serve.Errorf(http.StatusBadRequest, "ResourceNotFound", "The resource ARN %s does not exist.", a)
	}
	return res, nil
}

// tagResource adds or overwrites a file system's tags.
func tagResource(r *serve.Request, in *awsfsx.TagResourceInput) (*awsfsx.TagResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	r.Inventory.Tag(res.ARN, tags)
	return &awsfsx.TagResourceOutput{}, nil
}

// untagResource removes tag keys.
func untagResource(r *serve.Request, in *awsfsx.UntagResourceInput) (*awsfsx.UntagResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	r.Inventory.Untag(res.ARN, in.TagKeys)
	return &awsfsx.UntagResourceOutput{}, nil
}

// listTagsForResource lists a file system's tags in one page.
func listTagsForResource(r *serve.Request, in *awsfsx.ListTagsForResourceInput) (*awsfsx.ListTagsForResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	return &awsfsx.ListTagsForResourceOutput{Tags: tags(res.Tags)}, nil
}
