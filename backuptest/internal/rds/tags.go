package rds

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// tagged finds the instance or cluster a tagging call names by ARN.
func tagged(r *serve.Request, a string) (*inventory.Resource, error) {
	if strings.Contains(a, ":cluster:") {
		if res, ok := lookup(r, a, "cluster:", clusterTypes...); ok {
			return res, nil
		}
		return nil, clusterNotFound(a)
	}
	if res, ok := lookup(r, a, "db:", "RDS"); ok {
		return res, nil
	}
	return nil, instanceNotFound(a)
}

// addTagsToResource adds or overwrites tags of a DB instance or cluster.
func addTagsToResource(r *serve.Request, in *awsrds.AddTagsToResourceInput) (*awsrds.AddTagsToResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceName))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	r.Inventory.Tag(res.ARN, tags)
	return &awsrds.AddTagsToResourceOutput{}, nil
}

// removeTagsFromResource removes tag keys.
func removeTagsFromResource(r *serve.Request, in *awsrds.RemoveTagsFromResourceInput) (*awsrds.RemoveTagsFromResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceName))
	if err != nil {
		return nil, err
	}
	r.Inventory.Untag(res.ARN, in.TagKeys)
	return &awsrds.RemoveTagsFromResourceOutput{}, nil
}

// listTagsForResource lists a DB instance's or cluster's tags.
func listTagsForResource(r *serve.Request, in *awsrds.ListTagsForResourceInput) (*awsrds.ListTagsForResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceName))
	if err != nil {
		return nil, err
	}
	return &awsrds.ListTagsForResourceOutput{TagList: tagList(res.Tags)}, nil
}
