package backup

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

func joinErrs(errs []error) error { return errors.Join(errs...) }

// ValidateTags checks tag keys and values against the AWS tagging rules:
// keys 1–128 characters not starting with "aws:", values ≤ 256.
func ValidateTags(field string, tags map[string]string) error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		switch {
		case k == "" || len(k) > 128:
			errs = append(errs, &ValidationError{Field: field + "[" + k + "]", Reason: "key must be 1-128 characters"})
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs = append(errs, &ValidationError{Field: field + "[" + k + "]", Reason: `keys starting with "aws:" are reserved`})
		}
		if len(tags[k]) > 256 {
			errs = append(errs, &ValidationError{Field: field + "[" + k + "]", Reason: "value must be at most 256 characters"})
		}
	}
	return errors.Join(errs...)
}

// Tag adds or replaces tags on an AWS Backup resource (vault, plan,
// recovery point, …).
func (c *Client) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	if err := ValidateTags("Tags", tags); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	if len(tags) == 0 {
		return nil
	}
	if _, err := c.api.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(resourceARN), Tags: maps.Clone(tags)}); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

// Untag removes tag keys from an AWS Backup resource.
func (c *Client) Untag(ctx context.Context, resourceARN string, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := c.api.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String(resourceARN), TagKeyList: keys}); err != nil {
		return fmt.Errorf("untag %s: %w", resourceARN, err)
	}
	return nil
}

// Tags returns every tag of an AWS Backup resource, following ListTags
// pages.
func (c *Client) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	tags := map[string]string{}
	p := awsbackup.NewListTagsPaginator(c.api, &awsbackup.ListTagsInput{ResourceArn: aws.String(resourceARN)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tags of %s: %w", resourceARN, err)
		}
		maps.Copy(tags, out.Tags)
	}
	return tags, nil
}
