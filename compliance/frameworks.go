package compliance

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/audit"
)

// Framework is an AWS Backup Audit Manager framework: a named set of
// controls evaluated daily.
type Framework struct {
	// Name: 1–256 characters, a letter then letters, digits or '_'.
	Name string
	// Description: at most 1,024 characters.
	Description string
	Controls    []Control
	// Tags are applied on creation only (AWS has no UpdateFramework tags).
	Tags map[string]string
}

// Validate reports every problem with the framework at once, as joined
// *ValidationError values.
func (f Framework) Validate() error {
	var ps problems
	validateAuditName(&ps, "Name", f.Name)
	if len(f.Description) > 1024 {
		ps.add("Description", "at most 1024 characters, got %d", len(f.Description))
	}
	if len(f.Controls) == 0 {
		ps.add("Controls", "a framework needs at least one control")
	}
	if len(f.Controls) > MaxControlsPerAccount {
		ps.add("Controls", "at most %d controls per account and Region, got %d", MaxControlsPerAccount, len(f.Controls))
	}
	for i, c := range f.Controls {
		c.validate(i, &ps)
	}
	return ps.err()
}

// validateAuditName checks a framework or report plan name with AWS's
// rule (internal/audit).
func validateAuditName(ps *problems, field, name string) {
	if reason := audit.Name(name); reason != "" {
		ps.add(field, "%s", reason)
	}
}

func (f Framework) sdkControls() []types.FrameworkControl {
	out := make([]types.FrameworkControl, len(f.Controls))
	for i, c := range f.Controls {
		out[i] = c.toSDK()
	}
	return out
}

// fingerprint is a canonical string of what AWS stores for the framework.
func (f Framework) fingerprint() string {
	keys := make([]string, len(f.Controls))
	for i, c := range f.Controls {
		keys[i] = c.key()
	}
	slices.Sort(keys)
	return f.Name + "\x00" + f.Description + "\x00" + strings.Join(keys, "\x00")
}

// FrameworkStatus is a framework as AWS reports it.
type FrameworkStatus struct {
	Framework
	ARN string
	// DeploymentStatus: CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS,
	// DELETE_IN_PROGRESS, COMPLETED or FAILED.
	DeploymentStatus string
	// Status: ACTIVE, PARTIALLY_ACTIVE, INACTIVE or UNAVAILABLE (whether
	// AWS Config records the resources the controls govern).
	Status       string
	CreationTime time.Time
}

// CreateFramework creates the framework. The idempotency token is derived
// from the framework's content, so retrying the same call creates it once.
func (c *Client) CreateFramework(ctx context.Context, f Framework) (string, error) {
	if err := f.Validate(); err != nil {
		return "", err
	}
	out, err := c.api.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{
		FrameworkName:        aws.String(f.Name),
		FrameworkDescription: optString(f.Description),
		FrameworkControls:    f.sdkControls(),
		FrameworkTags:        maps.Clone(f.Tags),
		IdempotencyToken:     aws.String(token("framework", f.fingerprint())),
	})
	if err != nil {
		return "", fmt.Errorf("create framework %s: %w", f.Name, err)
	}
	c.opts.Logger.DebugContext(ctx, "created framework", "name", f.Name, "arn", aws.ToString(out.FrameworkArn))
	return aws.ToString(out.FrameworkArn), nil
}

// DescribeFramework reads a framework by name. A missing framework is
// AWS's *types.ResourceNotFoundException (wrapped).
func (c *Client) DescribeFramework(ctx context.Context, name string) (*FrameworkStatus, error) {
	out, err := c.api.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("describe framework %s: %w", name, err)
	}
	st := &FrameworkStatus{
		Framework: Framework{
			Name:        aws.ToString(out.FrameworkName),
			Description: aws.ToString(out.FrameworkDescription),
		},
		ARN:              aws.ToString(out.FrameworkArn),
		DeploymentStatus: aws.ToString(out.DeploymentStatus),
		Status:           aws.ToString(out.FrameworkStatus),
		CreationTime:     aws.ToTime(out.CreationTime),
	}
	for _, fc := range out.FrameworkControls {
		st.Controls = append(st.Controls, ControlFromSDK(fc))
	}
	return st, nil
}

// EnsureFramework makes the framework exist as declared: it creates it when
// missing, updates it when its description or controls differ, and makes
// no write call when they are equal (parameter and scope order ignored).
func (c *Client) EnsureFramework(ctx context.Context, f Framework) (string, Change, error) {
	if err := f.Validate(); err != nil {
		return "", "", err
	}
	cur, err := c.DescribeFramework(ctx, f.Name)
	if isNotFound(err) {
		arn, err := c.CreateFramework(ctx, f)
		return arn, Created, err
	}
	if err != nil {
		return "", "", err
	}
	if cur.fingerprint() == f.fingerprint() {
		return cur.ARN, Unchanged, nil
	}
	out, err := c.api.UpdateFramework(ctx, &awsbackup.UpdateFrameworkInput{
		FrameworkName:        aws.String(f.Name),
		FrameworkDescription: optString(f.Description),
		FrameworkControls:    f.sdkControls(),
		IdempotencyToken:     aws.String(token("framework-update", f.fingerprint())),
	})
	if err != nil {
		return "", "", fmt.Errorf("update framework %s: %w", f.Name, err)
	}
	return aws.ToString(out.FrameworkArn), Updated, nil
}

// DeleteFramework deletes the framework by name.
func (c *Client) DeleteFramework(ctx context.Context, name string) error {
	if _, err := c.api.DeleteFramework(ctx, &awsbackup.DeleteFrameworkInput{FrameworkName: aws.String(name)}); err != nil {
		return fmt.Errorf("delete framework %s: %w", name, err)
	}
	return nil
}

// ListFrameworks lists every framework in the account and Region.
func (c *Client) ListFrameworks(ctx context.Context) ([]types.Framework, error) {
	var out []types.Framework
	p := awsbackup.NewListFrameworksPaginator(c.api, &awsbackup.ListFrameworksInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list frameworks: %w", err)
		}
		out = append(out, page.Frameworks...)
	}
	return out, nil
}

// WaitFrameworkDeployed polls until the framework's deployment status is
// COMPLETED (returns it), FAILED (error) or maxWait passes (ErrWaitTimeout).
func (c *Client) WaitFrameworkDeployed(ctx context.Context, name string, maxWait time.Duration) (*FrameworkStatus, error) {
	if maxWait <= 0 {
		return nil, fmt.Errorf("wait for framework %s: maximum wait must be > 0", name)
	}
	var waited time.Duration
	for {
		st, err := c.DescribeFramework(ctx, name)
		if err != nil {
			return nil, err
		}
		switch st.DeploymentStatus {
		case "COMPLETED", "":
			return st, nil
		case "FAILED":
			return st, fmt.Errorf("framework %s deployment failed", name)
		}
		if waited >= maxWait {
			return st, fmt.Errorf("framework %s still %s after %v: %w", name, st.DeploymentStatus, maxWait, ErrWaitTimeout)
		}
		if err := c.opts.Sleep(ctx, c.opts.PollInterval); err != nil {
			return st, err
		}
		waited += c.opts.PollInterval
	}
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
