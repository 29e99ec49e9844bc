// Package resiliencetest is an in-memory stand-in for AWS Resilience Hub
// that satisfies resilience.API, for tests and examples that run without
// AWS (the backupkit emulator does not speak Resilience Hub).
//
// A Hub holds applications, resiliency policies and each application's
// resources (in the published "release" version). Lists come one item per
// page, so callers' paging is exercised; unknown ARNs answer the SDK's own
// *types.ResourceNotFoundException. Calls are logged.
package resiliencetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub/types"
)

// Hub is a fake Resilience Hub. The zero value is empty and ready.
type Hub struct {
	mu        sync.Mutex
	apps      map[string]types.App
	policies  map[string]types.ResiliencyPolicy
	resources map[string][]types.PhysicalResource
	calls     []string
}

// Objective is one disruption type's RTO and RPO.
type Objective struct{ RTO, RPO time.Duration }

// PutPolicy adds or replaces a resiliency policy. objectives are keyed by
// disruption type ("Software", "Hardware", "AZ", "Region").
func (h *Hub) PutPolicy(policyARN, name, tier string, objectives map[string]Objective) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.policies == nil {
		h.policies = map[string]types.ResiliencyPolicy{}
	}
	p := types.ResiliencyPolicy{PolicyArn: aws.String(policyARN), PolicyName: aws.String(name), Tier: types.ResiliencyPolicyTier(tier), Policy: map[string]types.FailurePolicy{}}
	for k, o := range objectives {
		p.Policy[k] = types.FailurePolicy{RtoInSecs: int32(o.RTO / time.Second), RpoInSecs: int32(o.RPO / time.Second)}
	}
	h.policies[policyARN] = p
}

// Resource is a physical resource of an application: an ARN, or a native
// identifier with its CloudFormation type.
type Resource struct {
	// Type is the CloudFormation type, e.g. "AWS::EC2::Volume".
	Type string
	// Identifier is an ARN or a native id ("vol-1", "orders").
	Identifier string
	// Excluded excludes it from assessment.
	Excluded bool
}

// PutApp adds or replaces an application with its policy and resources.
func (h *Hub) PutApp(appARN, name, policyARN string, resources ...Resource) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.apps == nil {
		h.apps, h.resources = map[string]types.App{}, map[string][]types.PhysicalResource{}
	}
	app := types.App{AppArn: aws.String(appARN), Name: aws.String(name), ComplianceStatus: types.AppComplianceStatusTypeNotAssessed, Status: types.AppStatusTypeActive}
	if policyARN != "" {
		app.PolicyArn = aws.String(policyARN)
	}
	h.apps[appARN] = app
	var prs []types.PhysicalResource
	for i, r := range resources {
		idType := types.PhysicalIdentifierTypeNative
		if len(r.Identifier) > 4 && r.Identifier[:4] == "arn:" {
			idType = types.PhysicalIdentifierTypeArn
		}
		prs = append(prs, types.PhysicalResource{
			ResourceType:       aws.String(r.Type),
			Excluded:           aws.Bool(r.Excluded),
			LogicalResourceId:  &types.LogicalResourceId{Identifier: aws.String(fmt.Sprintf("Resource%d", i))},
			PhysicalResourceId: &types.PhysicalResourceId{Identifier: aws.String(r.Identifier), Type: idType},
		})
	}
	h.resources[appARN] = prs
}

// Calls returns the operations called so far, in order.
func (h *Hub) Calls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.calls)
}

func (h *Hub) log(op string) {
	h.calls = append(h.calls, op)
}

func notFound(what, arn string) error {
	return &types.ResourceNotFoundException{Message: aws.String(what + " " + arn + " not found")}
}

// ListApps lists applications, one per page.
func (h *Hub) ListApps(_ context.Context, in *resiliencehub.ListAppsInput, _ ...func(*resiliencehub.Options)) (*resiliencehub.ListAppsOutput, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log("ListApps")
	var arns []string
	for a := range h.apps {
		arns = append(arns, a)
	}
	slices.Sort(arns)
	i := 0
	if in.NextToken != nil {
		i, _ = slices.BinarySearch(arns, *in.NextToken)
	}
	out := &resiliencehub.ListAppsOutput{}
	if i < len(arns) {
		app := h.apps[arns[i]]
		out.AppSummaries = []types.AppSummary{{AppArn: app.AppArn, Name: app.Name, ComplianceStatus: app.ComplianceStatus, ResiliencyScore: app.ResiliencyScore}}
		if i+1 < len(arns) {
			out.NextToken = aws.String(arns[i+1])
		}
	}
	return out, nil
}

// DescribeApp describes one application.
func (h *Hub) DescribeApp(_ context.Context, in *resiliencehub.DescribeAppInput, _ ...func(*resiliencehub.Options)) (*resiliencehub.DescribeAppOutput, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log("DescribeApp")
	app, ok := h.apps[aws.ToString(in.AppArn)]
	if !ok {
		return nil, notFound("app", aws.ToString(in.AppArn))
	}
	return &resiliencehub.DescribeAppOutput{App: &app}, nil
}

// DescribeResiliencyPolicy describes one policy.
func (h *Hub) DescribeResiliencyPolicy(_ context.Context, in *resiliencehub.DescribeResiliencyPolicyInput, _ ...func(*resiliencehub.Options)) (*resiliencehub.DescribeResiliencyPolicyOutput, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log("DescribeResiliencyPolicy")
	p, ok := h.policies[aws.ToString(in.PolicyArn)]
	if !ok {
		return nil, notFound("resiliency policy", aws.ToString(in.PolicyArn))
	}
	return &resiliencehub.DescribeResiliencyPolicyOutput{Policy: &p}, nil
}

// ListAppVersionResources lists an application's resources in version
// "release", one per page.
func (h *Hub) ListAppVersionResources(_ context.Context, in *resiliencehub.ListAppVersionResourcesInput, _ ...func(*resiliencehub.Options)) (*resiliencehub.ListAppVersionResourcesOutput, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log("ListAppVersionResources")
	rs, ok := h.resources[aws.ToString(in.AppArn)]
	if !ok {
		return nil, notFound("app", aws.ToString(in.AppArn))
	}
	if v := aws.ToString(in.AppVersion); v != "release" {
		return nil, notFound("app version", v)
	}
	i := 0
	if in.NextToken != nil {
		fmt.Sscanf(*in.NextToken, "%d", &i)
	}
	out := &resiliencehub.ListAppVersionResourcesOutput{ResolutionId: aws.String("resolution-1")}
	if i < len(rs) {
		out.PhysicalResources = rs[i : i+1]
		if i+1 < len(rs) {
			out.NextToken = aws.String(fmt.Sprint(i + 1))
		}
	}
	return out, nil
}
