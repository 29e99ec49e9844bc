// Package tagging answers the Resource Groups Tagging API (awsJson 1.1)
// over the emulator's inventory, so tools that list resources by tag
// (backupkit coverage, AWS Backup's tag-based selections) work against
// the emulator.
//
// Known differences from AWS: only GetResources is served; the inventory
// holds only resources added with PutResource (or created by restores);
// IncludeComplianceDetails, ExcludeCompliantResources and TagsPerPage are
// accepted and ignored; S3 buckets (whose ARNs name no account or Region)
// are listed in every Region of the emulator's default account.
package tagging

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	tagapi "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/awsjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// TargetPrefix is the Resource Groups Tagging API's X-Amz-Target prefix.
const TargetPrefix = "ResourceGroupsTaggingAPI_20170126."

// New returns the Resource Groups Tagging API with its handlers.
func New() *serve.Service {
	s := serve.NewService("tagging", awsjson.New("1.1", TargetPrefix))
	s.TargetPrefix = TargetPrefix
	s.Register("GetResources", serve.Handle(getResources))
	return s
}

func invalid(format string, args ...any) error {
	return serve.Errorf(http.StatusBadRequest, "InvalidParameterException", format, args...)
}

// getResources lists the inventory resources of the caller's account and
// Region that match ResourceTypeFilters ("ec2", "ec2:volume", "rds:db",
// …), TagFilters (every filter holds; any of a filter's values) or
// ResourceARNList, ResourcesPerPage (1–100, default 50) at a time.
func getResources(r *serve.Request, in *tagapi.GetResourcesInput) (*tagapi.GetResourcesOutput, error) {
	perPage := 50
	if in.ResourcesPerPage != nil {
		if *in.ResourcesPerPage < 1 || *in.ResourcesPerPage > 100 {
			return nil, invalid("ResourcesPerPage must be between 1 and 100")
		}
		perPage = int(*in.ResourcesPerPage)
	}
	if len(in.TagFilters) > 50 {
		return nil, invalid("at most 50 TagFilters")
	}
	if len(in.ResourceTypeFilters) > 100 {
		return nil, invalid("at most 100 ResourceTypeFilters")
	}
	if len(in.ResourceARNList) > 0 && (len(in.TagFilters) > 0 || len(in.ResourceTypeFilters) > 0) {
		return nil, invalid("ResourceARNList cannot be combined with TagFilters or ResourceTypeFilters")
	}
	for _, f := range in.TagFilters {
		if aws.ToString(f.Key) == "" {
			return nil, invalid("TagFilters: Key is required")
		}
	}
	var matched []*inventory.Resource
	for _, res := range r.Inventory.List(r.Account, r.Region) {
		a, err := arn.Parse(res.ARN)
		if err != nil || (a.AccountID == "" && r.Account != r.DefaultAccount) {
			continue
		}
		if len(in.ResourceARNList) > 0 && !slices.Contains(in.ResourceARNList, res.ARN) {
			continue
		}
		if !typeMatches(in.ResourceTypeFilters, a) || !tagsMatch(in.TagFilters, res.Tags) {
			continue
		}
		matched = append(matched, res)
	}
	page, next, err := serve.Page(matched, func(x *inventory.Resource) string { return x.ARN }, aws.ToString(in.PaginationToken), perPage, "PaginationTokenExpiredException")
	if err != nil {
		return nil, err
	}
	out := &tagapi.GetResourcesOutput{ResourceTagMappingList: []tagtypes.ResourceTagMapping{}}
	for _, res := range page {
		m := tagtypes.ResourceTagMapping{ResourceARN: aws.String(res.ARN), Tags: []tagtypes.Tag{}}
		for _, k := range inventory.SortedKeys(res.Tags) {
			m.Tags = append(m.Tags, tagtypes.Tag{Key: aws.String(k), Value: aws.String(res.Tags[k])})
		}
		out.ResourceTagMappingList = append(out.ResourceTagMappingList, m)
	}
	if next != "" {
		out.PaginationToken = aws.String(next)
	}
	return out, nil
}

// typeMatches applies ResourceTypeFilters: "service" or
// "service:resourceType" (e.g. "ec2", "ec2:volume", "rds:db").
func typeMatches(filters []string, a arn.ARN) bool {
	if len(filters) == 0 {
		return true
	}
	typ := a.Resource
	if i := strings.IndexAny(typ, ":/"); i >= 0 {
		typ = typ[:i]
	}
	for _, f := range filters {
		svc, rt, hasType := strings.Cut(strings.ToLower(f), ":")
		if svc != a.Service {
			continue
		}
		if !hasType || rt == strings.ToLower(typ) || (a.Service == "s3" && rt == "bucket") {
			return true
		}
	}
	return false
}

// tagsMatch: every filter must hold (AND); within a filter any of the
// values (OR); no values means the key must be present.
func tagsMatch(filters []tagtypes.TagFilter, tags map[string]string) bool {
	for _, f := range filters {
		v, ok := tags[aws.ToString(f.Key)]
		if !ok {
			return false
		}
		if len(f.Values) > 0 && !slices.Contains(f.Values, v) {
			return false
		}
	}
	return true
}
