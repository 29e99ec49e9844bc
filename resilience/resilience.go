// Package resilience reads AWS Resilience Hub applications and resiliency
// policies and turns them into restore drill objectives and findings.
//
// A resiliency policy sets an RTO and an RPO per disruption type:
// Software, Hardware, AZ and (optionally) Region. A restore drill proves
// the recovery a policy promises only when each restore is judged against
// the disruption it recovers from:
//
//   - a restore in the resource's own Region recovers from an AZ or a
//     hardware failure: it is judged against the stricter of the AZ and
//     Hardware objectives;
//   - a restore from a cross-Region copy (the recovery point lives in
//     another Region than the resource) recovers from a Region failure:
//     it is judged against the Region objective.
//
// [Policy.DrillPolicy] gives the restore package that choice, and the
// drill report names the policy, its tier and the objective each target
// was judged against. [Client.Findings] reports what a policy cannot rely
// on: resources of the application without a recovery point young enough
// for the RPO, and no drill against the policy within a number of days
// (read from the drill history).
//
// Client works over API, the four Resilience Hub calls it makes, so that
// tests use a fake; *resiliencehub.Client satisfies it.
package resilience

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/restore"
)

// API is the part of the Resilience Hub client this package uses.
type API interface {
	ListApps(context.Context, *resiliencehub.ListAppsInput, ...func(*resiliencehub.Options)) (*resiliencehub.ListAppsOutput, error)
	DescribeApp(context.Context, *resiliencehub.DescribeAppInput, ...func(*resiliencehub.Options)) (*resiliencehub.DescribeAppOutput, error)
	DescribeResiliencyPolicy(context.Context, *resiliencehub.DescribeResiliencyPolicyInput, ...func(*resiliencehub.Options)) (*resiliencehub.DescribeResiliencyPolicyOutput, error)
	ListAppVersionResources(context.Context, *resiliencehub.ListAppVersionResourcesInput, ...func(*resiliencehub.Options)) (*resiliencehub.ListAppVersionResourcesOutput, error)
}

var _ API = (*resiliencehub.Client)(nil)

// Disruption is a Resilience Hub disruption type.
type Disruption string

// The disruption types of a resiliency policy.
const (
	Software Disruption = Disruption(types.DisruptionTypeSoftware)
	Hardware Disruption = Disruption(types.DisruptionTypeHardware)
	AZ       Disruption = Disruption(types.DisruptionTypeAz)
	Region   Disruption = Disruption(types.DisruptionTypeRegion)
)

// Objective is the RTO and RPO a policy sets for one disruption type.
type Objective struct {
	RTO time.Duration
	RPO time.Duration
}

// Policy is a resiliency policy.
type Policy struct {
	ARN  string
	Name string
	// Tier is MissionCritical, Critical, Important, CoreServices,
	// NonCritical or NotApplicable.
	Tier string
	// Objectives per disruption type; Region is absent when the policy
	// sets none.
	Objectives map[Disruption]Objective
}

// ForRestore returns the objective a restore is judged against and its
// disruption type: the Region objective for a restore from a cross-Region
// copy, otherwise the stricter of AZ and Hardware (the smaller RTO; the
// smaller RPO breaks a tie). ok is false when the policy has no such
// objective.
func (p *Policy) ForRestore(crossRegion bool) (d Disruption, o Objective, ok bool) {
	if crossRegion {
		o, ok = p.Objectives[Region]
		return Region, o, ok
	}
	az, okAZ := p.Objectives[AZ]
	hw, okHW := p.Objectives[Hardware]
	switch {
	case okAZ && okHW:
		if hw.RTO < az.RTO || hw.RTO == az.RTO && hw.RPO < az.RPO {
			return Hardware, hw, true
		}
		return AZ, az, true
	case okAZ:
		return AZ, az, true
	case okHW:
		return Hardware, hw, true
	}
	return "", Objective{}, false
}

// StrictestRPO is the smallest RPO over every disruption type (0 when the
// policy sets none): a recovery point older than it fails the policy
// whatever the disruption.
func (p *Policy) StrictestRPO() time.Duration {
	var m time.Duration
	for _, o := range p.Objectives {
		if o.RPO > 0 && (m == 0 || o.RPO < m) {
			m = o.RPO
		}
	}
	return m
}

// DrillPolicy returns the restore drill's view of p: its name and tier for
// the report, and an objective per target chosen by ForRestore. A restore
// is cross-Region when the recovery point's Region differs from the
// resource's; homeRegion stands in for resources whose ARN has no Region
// (S3 buckets), normally the application's Region.
func (p *Policy) DrillPolicy(homeRegion string) *restore.Policy {
	return &restore.Policy{
		ARN: p.ARN, Name: p.Name, Tier: p.Tier,
		Objective: func(resourceARN, recoveryPointARN string) (string, time.Duration, time.Duration, bool) {
			d, o, ok := p.ForRestore(CrossRegion(resourceARN, recoveryPointARN, homeRegion))
			return string(d), o.RTO, o.RPO, ok
		},
	}
}

// CrossRegion reports whether restoring resourceARN from recoveryPointARN
// crosses Regions. An ARN without a Region takes homeRegion; when either
// Region stays unknown the restore counts as same-Region.
func CrossRegion(resourceARN, recoveryPointARN, homeRegion string) bool {
	rr, pr := arnRegion(resourceARN), arnRegion(recoveryPointARN)
	if rr == "" {
		rr = homeRegion
	}
	if pr == "" {
		pr = homeRegion
	}
	return rr != "" && pr != "" && rr != pr
}

func arnRegion(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return ""
	}
	return a.Region
}

// App is a Resilience Hub application with its policy and resources.
type App struct {
	ARN, Name string
	// Partition, Region and Account come from the application's ARN.
	Partition, Region, Account string
	// PolicyARN is the application's resiliency policy.
	PolicyARN string
	// Policy is the described policy (nil when the app has none).
	Policy *Policy
	// ComplianceStatus and ResiliencyScore are Resilience Hub's last
	// assessment.
	ComplianceStatus string
	ResiliencyScore  float64
	// Resources are the application version's physical resources that
	// have an ARN (built from native identifiers where needed).
	Resources []Resource
}

// Resource is one physical resource of an application.
type Resource struct {
	// ARN is the resource's ARN ("" when it could not be built).
	ARN string
	// Type is the CloudFormation type, e.g. "AWS::RDS::DBInstance".
	Type string
	// Identifier is Resilience Hub's physical identifier (an ARN or a
	// native id such as a volume id).
	Identifier string
	// Name is the logical resource name.
	Name string
	// Excluded is true when the resource is excluded from assessment.
	Excluded bool
}

// Options configures a Client.
type Options struct {
	// AppVersion is the application version whose resources are read.
	// Default "release", the published version.
	AppVersion string
}

// Client reads Resilience Hub.
type Client struct {
	api  API
	opts Options
}

// New returns a Client over api.
func New(api API, optFns ...func(*Options)) *Client {
	c := &Client{api: api}
	for _, fn := range optFns {
		fn(&c.opts)
	}
	if c.opts.AppVersion == "" {
		c.opts.AppVersion = "release"
	}
	return c
}

// ValidationError reports a bad argument, naming it: the one validation
// error type of every backupkit package, so errors.As works the same on
// all of them.
type ValidationError = backup.ValidationError

// CheckARN checks that s is a Resilience Hub ARN of kind ("app" or
// "resiliency-policy").
func CheckARN(field, s, kind string) error {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "resiliencehub" || !strings.HasPrefix(a.Resource, kind+"/") || len(a.Resource) == len(kind)+1 {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("%q is not a Resilience Hub %s ARN (arn:aws:resiliencehub:REGION:ACCOUNT:%s/ID)", s, kind, kind)}
	}
	return nil
}

// Policy describes the resiliency policy arn.
func (c *Client) Policy(ctx context.Context, policyARN string) (*Policy, error) {
	if err := CheckARN("policyArn", policyARN, "resiliency-policy"); err != nil {
		return nil, err
	}
	out, err := c.api.DescribeResiliencyPolicy(ctx, &resiliencehub.DescribeResiliencyPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		return nil, fmt.Errorf("describe resiliency policy %s: %w", policyARN, err)
	}
	if out.Policy == nil {
		return nil, fmt.Errorf("describe resiliency policy %s: empty answer", policyARN)
	}
	return policyFromSDK(out.Policy), nil
}

func policyFromSDK(p *types.ResiliencyPolicy) *Policy {
	pol := &Policy{ARN: aws.ToString(p.PolicyArn), Name: aws.ToString(p.PolicyName), Tier: string(p.Tier), Objectives: map[Disruption]Objective{}}
	for k, v := range p.Policy {
		pol.Objectives[Disruption(k)] = Objective{RTO: time.Duration(v.RtoInSecs) * time.Second, RPO: time.Duration(v.RpoInSecs) * time.Second}
	}
	return pol
}

// App describes application appARN, its policy and its resources.
func (c *Client) App(ctx context.Context, appARN string) (*App, error) {
	if err := CheckARN("appArn", appARN, "app"); err != nil {
		return nil, err
	}
	out, err := c.api.DescribeApp(ctx, &resiliencehub.DescribeAppInput{AppArn: aws.String(appARN)})
	if err != nil {
		return nil, fmt.Errorf("describe resilience app %s: %w", appARN, err)
	}
	if out.App == nil {
		return nil, fmt.Errorf("describe resilience app %s: empty answer", appARN)
	}
	a, _ := arn.Parse(appARN)
	app := &App{ARN: appARN, Name: aws.ToString(out.App.Name), Partition: a.Partition, Region: a.Region, Account: a.AccountID,
		PolicyARN: aws.ToString(out.App.PolicyArn), ComplianceStatus: string(out.App.ComplianceStatus), ResiliencyScore: out.App.ResiliencyScore}
	if app.PolicyARN != "" {
		if app.Policy, err = c.Policy(ctx, app.PolicyARN); err != nil {
			return nil, err
		}
	}
	in := &resiliencehub.ListAppVersionResourcesInput{AppArn: aws.String(appARN), AppVersion: aws.String(c.opts.AppVersion)}
	for {
		res, err := c.api.ListAppVersionResources(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list resources of resilience app %s version %s: %w", appARN, c.opts.AppVersion, err)
		}
		for _, pr := range res.PhysicalResources {
			app.Resources = append(app.Resources, resourceFromSDK(pr, app.Partition, app.Region, app.Account))
		}
		if aws.ToString(res.NextToken) == "" {
			break
		}
		in.NextToken = res.NextToken
	}
	return app, nil
}

// AppSummary is one entry of Apps.
type AppSummary struct {
	ARN, Name        string
	ComplianceStatus string
	ResiliencyScore  float64
}

// Apps iterates over every Resilience Hub application, page by page.
func (c *Client) Apps(ctx context.Context) iter.Seq2[AppSummary, error] {
	return func(yield func(AppSummary, error) bool) {
		in := &resiliencehub.ListAppsInput{}
		for {
			out, err := c.api.ListApps(ctx, in)
			if err != nil {
				yield(AppSummary{}, fmt.Errorf("list resilience apps: %w", err))
				return
			}
			for _, s := range out.AppSummaries {
				if !yield(AppSummary{ARN: aws.ToString(s.AppArn), Name: aws.ToString(s.Name), ComplianceStatus: string(s.ComplianceStatus), ResiliencyScore: s.ResiliencyScore}, nil) {
					return
				}
			}
			if aws.ToString(out.NextToken) == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
}

// ProtectedARNs returns the ARNs of the app's resources that AWS Backup can
// protect, not excluded from assessment, sorted and without duplicates.
func (a *App) ProtectedARNs() []string {
	var out []string
	for _, r := range a.Resources {
		if r.ARN != "" && !r.Excluded {
			out = append(out, r.ARN)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func resourceFromSDK(pr types.PhysicalResource, partition, region, account string) Resource {
	r := Resource{Type: aws.ToString(pr.ResourceType), Name: aws.ToString(pr.ResourceName), Excluded: aws.ToBool(pr.Excluded)}
	if pr.LogicalResourceId != nil && r.Name == "" {
		r.Name = aws.ToString(pr.LogicalResourceId.Identifier)
	}
	if id := pr.PhysicalResourceId; id != nil {
		r.Identifier = aws.ToString(id.Identifier)
		if v := aws.ToString(id.AwsRegion); v != "" {
			region = v
		}
		if v := aws.ToString(id.AwsAccountId); v != "" {
			account = v
		}
		if id.Type == types.PhysicalIdentifierTypeArn || strings.HasPrefix(r.Identifier, "arn:") {
			r.ARN = r.Identifier
		} else {
			r.ARN = nativeARN(partition, r.Type, r.Identifier, region, account)
		}
	}
	return r
}

// nativeARN builds the ARN of a resource AWS Backup protects from its
// CloudFormation type and native identifier ("" for other types).
func nativeARN(partition, cfnType, id, region, account string) string {
	if id == "" {
		return ""
	}
	pre := func(svc string) string { return "arn:" + partition + ":" + svc + ":" + region + ":" + account + ":" }
	switch cfnType {
	case "AWS::EC2::Instance":
		return pre("ec2") + "instance/" + id
	case "AWS::EC2::Volume":
		return pre("ec2") + "volume/" + id
	case "AWS::RDS::DBInstance":
		return pre("rds") + "db:" + id
	case "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster":
		return pre("rds") + "cluster:" + id
	case "AWS::DynamoDB::Table":
		return pre("dynamodb") + "table/" + id
	case "AWS::EFS::FileSystem":
		return pre("elasticfilesystem") + "file-system/" + id
	case "AWS::FSx::FileSystem":
		return pre("fsx") + "file-system/" + id
	case "AWS::S3::Bucket":
		return "arn:" + partition + ":s3:::" + id
	}
	return ""
}
