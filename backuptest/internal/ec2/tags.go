package ec2

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// resourceARN maps an EC2 resource id to its inventory ARN.
func resourceARN(r *serve.Request, id string) (string, error) {
	switch {
	case strings.HasPrefix(id, "vol-"):
		a := r.ARN("ec2", "volume/"+id)
		if res, ok := r.Inventory.Get(a); ok && res.Type == "EBS" {
			return a, nil
		}
		return "", volumeNotFound(id)
	case strings.HasPrefix(id, "i-"):
		a := r.ARN("ec2", "instance/"+id)
		if res, ok := r.Inventory.Get(a); ok && res.Type == "EC2" {
			return a, nil
		}
		return "", instanceNotFound(id)
	}
	return "", errorf("InvalidID", "The ID '%s' is not valid (the emulator tags volumes and instances)", id)
}

// createTags adds or overwrites tags of volumes and instances; every
// resource must exist, else nothing is tagged.
func createTags(r *serve.Request, in *awsec2.CreateTagsInput) (*awsec2.CreateTagsOutput, error) {
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	if len(in.Resources) == 0 {
		return nil, errorf("MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		k := aws.ToString(t.Key)
		if k == "" || len(k) > 127 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, errorf("InvalidParameterValue", "Tag key %q must be 1–127 characters and not start with aws:", k)
		}
		tags[k] = aws.ToString(t.Value)
	}
	arns := make([]string, 0, len(in.Resources))
	for _, id := range in.Resources {
		a, err := resourceARN(r, id)
		if err != nil {
			return nil, err
		}
		arns = append(arns, a)
	}
	for _, a := range arns {
		r.Inventory.Tag(a, tags)
	}
	return &awsec2.CreateTagsOutput{}, nil
}

// deleteTags removes tags (a tag with a Value only when the value
// matches; no Tags removes all).
func deleteTags(r *serve.Request, in *awsec2.DeleteTagsInput) (*awsec2.DeleteTagsOutput, error) {
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	for _, id := range in.Resources {
		a, err := resourceARN(r, id)
		if err != nil {
			return nil, err
		}
		res, _ := r.Inventory.Get(a)
		if len(in.Tags) == 0 {
			res.Tags = nil
			continue
		}
		for _, t := range in.Tags {
			k := aws.ToString(t.Key)
			if t.Value != nil && res.Tags[k] != *t.Value {
				continue
			}
			delete(res.Tags, k)
		}
	}
	return &awsec2.DeleteTagsOutput{}, nil
}
