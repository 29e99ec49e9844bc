package backuptest

// Tags of AWS Backup resources.
//
// Known difference: TagResource, UntagResource and ListTags work on the
// backup resources of the caller's account and Region (vaults, plans,
// recovery points, frameworks, report plans, restore testing plans and
// legal holds); an ARN of another account or Region is not found.

import (
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/internal/limits"
)

// maxTagsPerResource is AWS's limit of tags on one resource.
const maxTagsPerResource = limits.MaxTagsPerResource

func (e *Emulator) registerTags() {
	e.register("TagResource", handle(tagResource))
	e.register("UntagResource", handle(untagResource))
	e.register("ListTags", handle(listTags))
}

// checkTags applies AWS's tag key and value rules.
func checkTags(field string, tags map[string]string) error {
	for k, v := range tags {
		if reason := limits.TagKey(k); reason != "" {
			return invalidParam("%s: tag key %q: %s", field, k, reason)
		}
		if reason := limits.TagValue(v); reason != "" {
			return invalidParam("%s: the value of tag %q: %s", field, k, reason)
		}
	}
	return nil
}

// taggable reports whether arn names an AWS Backup resource of rs.
func (r *regionState) taggable(a string) bool {
	if _, ok := r.RecoveryPoints[a]; ok {
		return true
	}
	p, err := arn.Parse(a)
	if err != nil || p.Service != "backup" {
		return false
	}
	if strings.HasPrefix(p.Resource, "accesspoint/") {
		ap, ok := r.AccessPoints[a]
		return ok && ap.DeletedAt.IsZero()
	}
	kind, id, _ := strings.Cut(p.Resource, ":")
	switch kind {
	case "backup-vault":
		v, ok := r.Vaults[id]
		return ok && v.ARN == a
	case "backup-plan":
		for _, pl := range r.Plans {
			if pl.ARN == a && pl.DeletionDate.IsZero() {
				return true
			}
		}
	case "framework":
		for _, f := range r.Frameworks {
			if f.ARN == a {
				return true
			}
		}
	case "report-plan":
		for _, rp := range r.ReportPlans {
			if rp.ARN == a {
				return true
			}
		}
	case "restore-testing-plan":
		for _, tp := range r.RestoreTestingPlans {
			if tp.ARN == a {
				return true
			}
		}
	case "legal-hold":
		for _, h := range r.LegalHolds {
			if h.ARN == a {
				return true
			}
		}
	}
	return false
}

func (c *opCtx) taggableRegion(a *string) (*regionState, error) {
	if a == nil || *a == "" {
		return nil, missingParam("ResourceArn")
	}
	if _, err := arn.Parse(*a); err != nil {
		return nil, invalidParam("ResourceArn %q is not a valid ARN", *a)
	}
	rs := c.rs()
	if !rs.taggable(*a) {
		return nil, notFound("Resource %s does not exist or cannot be tagged by AWS Backup", *a)
	}
	return rs, nil
}

func tagResource(c *opCtx, in *awsbackup.TagResourceInput) (*struct{}, error) {
	rs, err := c.taggableRegion(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.Tags == nil {
		return nil, missingParam("Tags")
	}
	if err := checkTags("Tags", in.Tags); err != nil {
		return nil, err
	}
	merged := maps.Clone(rs.Tags[*in.ResourceArn])
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, in.Tags)
	if len(merged) > maxTagsPerResource {
		return nil, apiErr(CodeLimitExceeded, "Resource %s would have %d tags: at most %d are allowed", *in.ResourceArn, len(merged), maxTagsPerResource)
	}
	rs.setTags(*in.ResourceArn, in.Tags)
	return nil, nil
}

func untagResource(c *opCtx, in *awsbackup.UntagResourceInput) (*struct{}, error) {
	rs, err := c.taggableRegion(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.TagKeyList == nil {
		return nil, missingParam("TagKeyList")
	}
	m := rs.Tags[*in.ResourceArn]
	for _, k := range in.TagKeyList {
		delete(m, k)
	}
	if len(m) == 0 {
		delete(rs.Tags, *in.ResourceArn)
	}
	return nil, nil
}

func listTags(c *opCtx, in *awsbackup.ListTagsInput) (*awsbackup.ListTagsOutput, error) {
	rs, err := c.taggableRegion(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := rs.Tags[*in.ResourceArn]
	keys := slices.Sorted(maps.Keys(tags))
	pg, next, err := page(keys, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListTagsOutput{Tags: make(map[string]string, len(pg)), NextToken: next}
	for _, k := range pg {
		out.Tags[k] = tags[k]
	}
	return out, nil
}
