package backuptest

// The Resource Groups Tagging API's GetResources over the emulator's
// inventory, so that tools which list resources by tag (backupkit coverage,
// AWS Backup's own tag-based selections) work against the emulator.
//
// Protocol: awsJson1_1, POST / with X-Amz-Target
// ResourceGroupsTaggingAPI_20170126.GetResources, signing name "tagging".
//
// Known differences from AWS: only GetResources is served; the inventory
// holds only resources added with PutResource (or created by restores);
// ResourceARNList, IncludeComplianceDetails, ExcludeCompliantResources,
// TagsPerPage are accepted and ignored except ResourceARNList, which
// filters; pagination tokens are opaque offsets.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

const taggingTargetPrefix = "ResourceGroupsTaggingAPI_20170126."

type taggingTagFilter struct {
	Key    string
	Values []string
}

type taggingGetResourcesInput struct {
	PaginationToken     string
	ResourceTypeFilters []string
	TagFilters          []taggingTagFilter
	ResourcesPerPage    *int
	ResourceARNList     []string
	TagsPerPage         *int
	// Accepted and ignored.
	IncludeComplianceDetails  *bool
	ExcludeCompliantResources *bool
}

type taggingTag struct {
	Key   string
	Value string
}

type taggingMapping struct {
	ResourceARN string
	Tags        []taggingTag
}

type taggingGetResourcesOutput struct {
	PaginationToken        string `json:",omitempty"`
	ResourceTagMappingList []taggingMapping
}

func writeTaggingError(w http.ResponseWriter, reqID string, status int, code, msg string) {
	b, _ := json.Marshal(map[string]string{"__type": code, "Message": msg})
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-ErrorType", code)
	h.Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// serveTagging serves the Resource Groups Tagging API for requests signed
// for the "tagging" service.
func (e *Emulator) serveTagging(w http.ResponseWriter, r *http.Request, account, region string) {
	reqID := newID()
	target := r.Header.Get("X-Amz-Target")
	op := strings.TrimPrefix(target, taggingTargetPrefix)
	call := Call{Operation: op, Method: r.Method, Path: r.URL.Path, Account: account, Region: region}
	fail := func(status int, code, msg string) {
		call.Status, call.ErrorCode = status, code
		e.record(call)
		writeTaggingError(w, reqID, status, code, msg)
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(target, taggingTargetPrefix) {
		fail(http.StatusBadRequest, "UnknownOperationException", "expected POST with X-Amz-Target "+taggingTargetPrefix+"<Operation>")
		return
	}
	if op != "GetResources" {
		fail(http.StatusBadRequest, "UnknownOperationException", fmt.Sprintf("the emulator serves only GetResources of the Resource Groups Tagging API, not %s", op))
		return
	}
	if err := e.applyFaults(r.Context(), op); err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			fail(ae.status(), ae.Code, ae.Message)
			return
		}
		fail(http.StatusInternalServerError, "InternalServiceException", err.Error())
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		fail(http.StatusBadRequest, "InvalidParameterException", "reading request: "+err.Error())
		return
	}
	var in taggingGetResourcesInput
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			fail(http.StatusBadRequest, "InvalidParameterException", "malformed request: "+err.Error())
			return
		}
	}
	out, code, msg := e.getResources(&in, account, region)
	if code != "" {
		fail(http.StatusBadRequest, code, msg)
		return
	}
	b, _ := json.Marshal(out)
	call.Status = http.StatusOK
	e.record(call)
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// getResources filters the inventory of the caller's account and Region
// (S3 buckets, whose ARNs have neither, are listed in every Region of the
// default account's partition).
func (e *Emulator) getResources(in *taggingGetResourcesInput, account, region string) (*taggingGetResourcesOutput, string, string) {
	perPage := 50
	if in.ResourcesPerPage != nil {
		if *in.ResourcesPerPage < 1 || *in.ResourcesPerPage > 100 {
			return nil, "InvalidParameterException", "ResourcesPerPage must be between 1 and 100"
		}
		perPage = *in.ResourcesPerPage
	}
	if len(in.TagFilters) > 50 {
		return nil, "InvalidParameterException", "at most 50 TagFilters"
	}
	if len(in.ResourceTypeFilters) > 100 {
		return nil, "InvalidParameterException", "at most 100 ResourceTypeFilters"
	}
	if len(in.ResourceARNList) > 0 && (len(in.TagFilters) > 0 || len(in.ResourceTypeFilters) > 0) {
		return nil, "InvalidParameterException", "ResourceARNList cannot be combined with TagFilters or ResourceTypeFilters"
	}
	for _, f := range in.TagFilters {
		if f.Key == "" {
			return nil, "InvalidParameterException", "TagFilters: Key is required"
		}
	}
	var matched []taggingMapping
	for _, res := range e.Resources() {
		a, err := arn.Parse(res.ARN)
		if err != nil {
			continue
		}
		if a.AccountID != "" && a.AccountID != account {
			continue
		}
		if a.Region != "" && a.Region != region {
			continue
		}
		if a.AccountID == "" && account != e.opts.AccountID {
			continue
		}
		if len(in.ResourceARNList) > 0 && !slices.Contains(in.ResourceARNList, res.ARN) {
			continue
		}
		if !taggingTypeMatches(in.ResourceTypeFilters, a) || !taggingTagsMatch(in.TagFilters, res.Tags) {
			continue
		}
		m := taggingMapping{ResourceARN: res.ARN, Tags: []taggingTag{}}
		for _, k := range taggingSortedKeys(res.Tags) {
			m.Tags = append(m.Tags, taggingTag{Key: k, Value: res.Tags[k]})
		}
		matched = append(matched, m)
	}
	start := 0
	if in.PaginationToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(in.PaginationToken, "backupkit-"))
		if err != nil || n < 0 || n > len(matched) || !strings.HasPrefix(in.PaginationToken, "backupkit-") {
			return nil, "PaginationTokenExpiredException", "invalid or expired PaginationToken"
		}
		start = n
	}
	end := min(start+perPage, len(matched))
	out := &taggingGetResourcesOutput{ResourceTagMappingList: matched[start:end]}
	if out.ResourceTagMappingList == nil {
		out.ResourceTagMappingList = []taggingMapping{}
	}
	if end < len(matched) {
		out.PaginationToken = "backupkit-" + strconv.Itoa(end)
	}
	return out, "", ""
}

// taggingTypeMatches applies ResourceTypeFilters: "service" or
// "service:resourceType" (e.g. "ec2", "ec2:volume", "rds:db").
func taggingTypeMatches(filters []string, a arn.ARN) bool {
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

// taggingTagsMatch: every filter must hold (AND); within a filter any of
// the values (OR); no values means the key must be present.
func taggingTagsMatch(filters []taggingTagFilter, tags map[string]string) bool {
	for _, f := range filters {
		v, ok := tags[f.Key]
		if !ok {
			return false
		}
		if len(f.Values) > 0 && !slices.Contains(f.Values, v) {
			return false
		}
	}
	return true
}

func taggingSortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
