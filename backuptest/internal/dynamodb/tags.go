package dynamodb

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsdynamodb "github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// tagged finds the table a tagging call names; DynamoDB wants its ARN.
func tagged(r *serve.Request, a string) (*inventory.Resource, error) {
	if !strings.HasPrefix(a, "arn:") {
		return nil, serve.Errorf(400, "ValidationException", "Invalid TableArn: %q is not an ARN", a)
	}
	return table(r, a)
}

// tagResource adds or overwrites a table's tags.
func tagResource(r *serve.Request, in *awsdynamodb.TagResourceInput) (*awsdynamodb.TagResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	r.Inventory.Tag(res.ARN, tags)
	return &awsdynamodb.TagResourceOutput{}, nil
}

// untagResource removes tag keys.
func untagResource(r *serve.Request, in *awsdynamodb.UntagResourceInput) (*awsdynamodb.UntagResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	r.Inventory.Untag(res.ARN, in.TagKeys)
	return &awsdynamodb.UntagResourceOutput{}, nil
}

// listTagsOfResource lists a table's tags in one page.
func listTagsOfResource(r *serve.Request, in *awsdynamodb.ListTagsOfResourceInput) (*awsdynamodb.ListTagsOfResourceOutput, error) {
	res, err := tagged(r, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	return &awsdynamodb.ListTagsOfResourceOutput{Tags: tags(res.Tags)}, nil
}
