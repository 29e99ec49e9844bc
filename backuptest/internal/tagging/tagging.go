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
	"iter"
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
	const badToken = "PaginationTokenExpiredException"
	after, err := serve.After(aws.ToString(in.PaginationToken), badToken)
	if err != nil {
		return nil, err
	}
	// The next page starts after the token's ARN: the index walks the
	// caller's account and Region from there in ARN order, so one page
	// costs the page (and the resources the filters skip), not the
	// inventory.
	candidates := r.Inventory.Scan(r.Account, r.Region, after)
	if len(in.ResourceARNList) > 0 {
		candidates = listed(r, in.ResourceARNList, after)
	}
	var page []*inventory.Resource
	next := ""
	for res := range candidates {
		a, err := arn.Parse(res.ARN)
		if err != nil || (a.AccountID == "" && r.Account != r.DefaultAccount) {
			continue
		}
		if !typeMatches(in.ResourceTypeFilters, a) || !tagsMatch(in.TagFilters, res.Tags) {
			continue
		}
		if len(page) == perPage {
			next = serve.Token(page[len(page)-1].ARN)
			break
		}
		page = append(page, res)
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

// listed yields the resources of a ResourceARNList that are in the
// caller's account and Region, in ARN order, after the ARN after.
func listed(r *serve.Request, arns []string, after string) iter.Seq[*inventory.Resource] {
	arns = slices.Clone(arns)
	slices.Sort(arns)
	arns = slices.Compact(arns)
	return func(yield func(*inventory.Resource) bool) {
		for _, a := range arns {
			if a <= after {
				continue
			}
			res, ok := r.Inventory.Get(a)
			if !ok || !inventory.InScope(a, r.Account, r.Region) {
				continue
			}
			if !yield(res) {
				return
			}
		}
	}
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
