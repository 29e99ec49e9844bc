package compliance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/fleet"
	"github.com/backupkit/backupkit/plan"
)

// OrganizationsAPI is the part of the AWS Organizations client this package
// uses.
type OrganizationsAPI interface {
	CreatePolicy(context.Context, *organizations.CreatePolicyInput, ...func(*organizations.Options)) (*organizations.CreatePolicyOutput, error)
	UpdatePolicy(context.Context, *organizations.UpdatePolicyInput, ...func(*organizations.Options)) (*organizations.UpdatePolicyOutput, error)
	DescribePolicy(context.Context, *organizations.DescribePolicyInput, ...func(*organizations.Options)) (*organizations.DescribePolicyOutput, error)
	ListPolicies(context.Context, *organizations.ListPoliciesInput, ...func(*organizations.Options)) (*organizations.ListPoliciesOutput, error)
	AttachPolicy(context.Context, *organizations.AttachPolicyInput, ...func(*organizations.Options)) (*organizations.AttachPolicyOutput, error)
	ListTargetsForPolicy(context.Context, *organizations.ListTargetsForPolicyInput, ...func(*organizations.Options)) (*organizations.ListTargetsForPolicyOutput, error)
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
	EnablePolicyType(context.Context, *organizations.EnablePolicyTypeInput, ...func(*organizations.Options)) (*organizations.EnablePolicyTypeOutput, error)
	EnableAWSServiceAccess(context.Context, *organizations.EnableAWSServiceAccessInput, ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error)
	RegisterDelegatedAdministrator(context.Context, *organizations.RegisterDelegatedAdministratorInput, ...func(*organizations.Options)) (*organizations.RegisterDelegatedAdministratorOutput, error)
	ListDelegatedAdministrators(context.Context, *organizations.ListDelegatedAdministratorsInput, ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error)
	DescribeEffectivePolicy(context.Context, *organizations.DescribeEffectivePolicyInput, ...func(*organizations.Options)) (*organizations.DescribeEffectivePolicyOutput, error)
}

var _ OrganizationsAPI = (*organizations.Client)(nil)

// OrgClient manages AWS Organizations backup policies.
type OrgClient struct {
	api OrganizationsAPI
}

// NewOrgClient returns an OrgClient over an Organizations client (or
// backuptest's in-process fake).
func NewOrgClient(api OrganizationsAPI) *OrgClient { return &OrgClient{api: api} }

// BackupPolicy is an Organizations BACKUP_POLICY to deploy: Content is the
// policy JSON (the plan package's org-policy form, with @@assign operators).
type BackupPolicy struct {
	Name        string
	Description string
	Content     []byte
	// Targets are root ("r-…"), OU ("ou-…") or account (12 digits) ids to
	// attach the policy to.
	Targets []string
}

// Validate reports every problem with the policy.
func (p BackupPolicy) Validate() error {
	var ps problems
	if p.Name == "" || len(p.Name) > 128 {
		ps.add("Name", "must be 1–128 characters")
	}
	if len(p.Description) > 512 {
		ps.add("Description", "at most 512 characters")
	}
	var doc map[string]any
	if err := json.Unmarshal(p.Content, &doc); err != nil {
		ps.add("Content", "not a JSON object: %v", err)
	} else if _, ok := doc["plans"]; !ok {
		ps.add("Content", "a backup policy needs a top-level \"plans\" key")
	}
	if len(p.Content) > 10000 {
		ps.add("Content", "at most 10,000 characters (Organizations' policy size limit), got %d", len(p.Content))
	}
	for i, t := range p.Targets {
		if !strings.HasPrefix(t, "r-") && !strings.HasPrefix(t, "ou-") && !isAccountID(t) {
			ps.add(fmt.Sprintf("Targets[%d]", i), "not a root, OU or account id: %q", t)
		}
	}
	return ps.err()
}

// OrgSetupResult says what [OrgClient.Setup] changed.
type OrgSetupResult struct {
	RootID                string
	PolicyTypeEnabled     bool // false when it already was
	DelegatedAdminAccount string
	DelegatedAdminAdded   bool
	ServiceAccessEnsured  bool
}

// Setup prepares the organization for backup policies, idempotently:
// enables trusted access for AWS Backup, enables the BACKUP_POLICY type on
// the root, and (when delegatedAdmin is set) registers that account as AWS
// Backup's delegated administrator. The trusted-access and registration
// steps are fleet's; fleet.DelegateBackupAdmin also turns on the global
// settings a delegated administrator needs and checks the result.
func (c *OrgClient) Setup(ctx context.Context, delegatedAdmin string) (*OrgSetupResult, error) {
	if delegatedAdmin != "" && !isAccountID(delegatedAdmin) {
		return nil, &ValidationError{Field: "delegatedAdmin", Reason: fmt.Sprintf("not a 12-digit account id: %q", delegatedAdmin)}
	}
	res := &OrgSetupResult{}
	if err := fleet.EnableTrustedAccess(ctx, c.api); err != nil {
		return nil, err
	}
	res.ServiceAccessEnsured = true
	roots, err := c.api.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return nil, fmt.Errorf("list roots: %w", err)
	}
	if len(roots.Roots) == 0 {
		return nil, errors.New("list roots: the organization has no root")
	}
	root := roots.Roots[0]
	res.RootID = aws.ToString(root.Id)
	enabled := slices.ContainsFunc(root.PolicyTypes, func(s orgtypes.PolicyTypeSummary) bool {
		return s.Type == orgtypes.PolicyTypeBackupPolicy && s.Status == orgtypes.PolicyTypeStatusEnabled
	})
	if !enabled {
		_, err := c.api.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: root.Id, PolicyType: orgtypes.PolicyTypeBackupPolicy})
		var already *orgtypes.PolicyTypeAlreadyEnabledException
		if err != nil && !errors.As(err, &already) {
			return nil, fmt.Errorf("enable BACKUP_POLICY on %s: %w", res.RootID, err)
		}
		res.PolicyTypeEnabled = err == nil
	}
	if delegatedAdmin != "" {
		res.DelegatedAdminAccount = delegatedAdmin
		added, err := fleet.RegisterDelegatedAdmin(ctx, c.api, delegatedAdmin)
		if err != nil {
			return nil, err
		}
		res.DelegatedAdminAdded = added
	}
	return res, nil
}

// PolicyResult says what [OrgClient.EnsurePolicy] did.
type PolicyResult struct {
	PolicyID string
	Change   Change
	// Attached lists the targets newly attached by this call.
	Attached []string
}

// EnsurePolicy creates the backup policy (by name) or updates its content
// when it differs, then attaches it to every target not yet attached.
func (c *OrgClient) EnsurePolicy(ctx context.Context, p BackupPolicy) (*PolicyResult, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	res := &PolicyResult{}
	id, err := c.findPolicy(ctx, p.Name)
	if err != nil {
		return nil, err
	}
	switch {
	case id == "":
		out, err := c.api.CreatePolicy(ctx, &organizations.CreatePolicyInput{
			Name: aws.String(p.Name), Description: aws.String(p.Description), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(string(p.Content)),
		})
		if err != nil {
			return nil, fmt.Errorf("create backup policy %s: %w", p.Name, err)
		}
		res.PolicyID, res.Change = aws.ToString(out.Policy.PolicySummary.Id), Created
	default:
		res.PolicyID = id
		cur, err := c.api.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
		if err != nil {
			return nil, fmt.Errorf("describe backup policy %s: %w", id, err)
		}
		if equalJSON([]byte(aws.ToString(cur.Policy.Content)), p.Content) && aws.ToString(cur.Policy.PolicySummary.Description) == p.Description {
			res.Change = Unchanged
			break
		}
		if _, err := c.api.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String(id), Content: aws.String(string(p.Content)), Description: aws.String(p.Description)}); err != nil {
			return nil, fmt.Errorf("update backup policy %s: %w", id, err)
		}
		res.Change = Updated
	}
	attached := map[string]bool{}
	pg := organizations.NewListTargetsForPolicyPaginator(c.api, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(res.PolicyID)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list targets of %s: %w", res.PolicyID, err)
		}
		for _, t := range page.Targets {
			attached[aws.ToString(t.TargetId)] = true
		}
	}
	for _, t := range p.Targets {
		if attached[t] {
			continue
		}
		_, err := c.api.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(res.PolicyID), TargetId: aws.String(t)})
		var dup *orgtypes.DuplicatePolicyAttachmentException
		if err != nil && !errors.As(err, &dup) {
			return nil, fmt.Errorf("attach %s to %s: %w", res.PolicyID, t, err)
		}
		attached[t] = true
		res.Attached = append(res.Attached, t)
	}
	return res, nil
}

func (c *OrgClient) findPolicy(ctx context.Context, name string) (string, error) {
	pg := organizations.NewListPoliciesPaginator(c.api, &organizations.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list backup policies: %w", err)
		}
		for _, s := range page.Policies {
			if aws.ToString(s.Name) == name {
				return aws.ToString(s.Id), nil
			}
		}
	}
	return "", nil
}

// PolicyDiff is one difference between an intended and an effective
// backup policy.
type PolicyDiff struct {
	Path string `json:"path"` // e.g. plans.prod.rules.daily.schedule_expression
	Want any    `json:"want"` // nil when the effective policy has something extra
	Got  any    `json:"got"`  // nil when the effective policy lacks it
}

// String renders the difference as "path: want X, got Y".
func (d PolicyDiff) String() string {
	return fmt.Sprintf("%s: want %v, got %v", d.Path, d.Want, d.Got)
}

// CompareEffectivePolicy reads the account's effective BACKUP_POLICY and
// compares it with the intended policy content. Inheritance operators in
// the intended content (@@assign, @@append) are resolved first, as
// Organizations does for a single policy; an empty result means the member
// account gets exactly what was intended.
func (c *OrgClient) CompareEffectivePolicy(ctx context.Context, accountID string, intended []byte) ([]PolicyDiff, error) {
	out, err := c.api.DescribeEffectivePolicy(ctx, &organizations.DescribeEffectivePolicyInput{PolicyType: orgtypes.EffectivePolicyTypeBackupPolicy, TargetId: aws.String(accountID)})
	if err != nil {
		return nil, fmt.Errorf("describe effective backup policy of %s: %w", accountID, err)
	}
	got := ""
	if out.EffectivePolicy != nil {
		got = aws.ToString(out.EffectivePolicy.PolicyContent)
	}
	return diffPolicies(intended, []byte(got), accountID)
}

// DiffPolicies compares intended policy content (with operators) with an
// effective policy's content (resolved), returning differences sorted by
// path.
//
// A "$account" in an intended value also matches any 12-digit account id
// in the effective value, since Organizations substitutes it per account.
func DiffPolicies(intended, effective []byte) ([]PolicyDiff, error) {
	return diffPolicies(intended, effective, "")
}

func diffPolicies(intended, effective []byte, accountID string) ([]PolicyDiff, error) {
	var want, got any
	if err := json.Unmarshal(intended, &want); err != nil {
		return nil, fmt.Errorf("parse intended policy: %w", err)
	}
	if len(bytes.TrimSpace(effective)) > 0 {
		if err := json.Unmarshal(effective, &got); err != nil {
			return nil, fmt.Errorf("parse effective policy: %w", err)
		}
	}
	var diffs []PolicyDiff
	diffValues("", ResolvePolicyOperators(want), ResolvePolicyOperators(got), accountID, &diffs)
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].Path < diffs[j].Path })
	return diffs, nil
}

// ResolvePolicyOperators removes Organizations' inheritance operators from
// a parsed policy: {"@@assign": v} becomes v, as does @@append; keys with
// @@operators_allowed_for_child_policies are dropped.
func ResolvePolicyOperators(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for _, op := range []string{"@@assign", "@@append"} {
			if inner, ok := x[op]; ok {
				return ResolvePolicyOperators(inner)
			}
		}
		out := map[string]any{}
		for k, val := range x {
			if strings.HasPrefix(k, "@@") {
				continue
			}
			out[k] = ResolvePolicyOperators(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = ResolvePolicyOperators(x[i])
		}
		return out
	default:
		return v
	}
}

func diffValues(path string, want, got any, accountID string, out *[]PolicyDiff) {
	wm, wok := want.(map[string]any)
	gm, gok := got.(map[string]any)
	if wok && gok {
		keys := map[string]bool{}
		for k := range wm {
			keys[k] = true
		}
		for k := range gm {
			keys[k] = true
		}
		for k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			diffValues(p, wm[k], gm[k], accountID, out)
		}
		return
	}
	if reflect.DeepEqual(normalizeScalar(want), normalizeScalar(got)) {
		return
	}
	if ws, ok := want.(string); ok && strings.Contains(ws, "$account") {
		if gs, ok := got.(string); ok && accountVarRE(ws, accountID).MatchString(gs) {
			return
		}
	}
	*out = append(*out, PolicyDiff{Path: path, Want: want, Got: got})
}

// accountVarRE matches values of a template with "$account" placeholders:
// each stands for itself, or for accountID (any 12-digit id when empty).
func accountVarRE(tmpl, accountID string) *regexp.Regexp {
	id := `\d{12}`
	if accountID != "" {
		id = regexp.QuoteMeta(accountID)
	}
	parts := strings.Split(tmpl, "$account")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, `(\$account|`+id+`)`) + "$")
}

// normalizeScalar treats numbers and their string forms alike (policies
// write numbers as strings; effective policies sometimes do not) and
// compares lists as sets.
func normalizeScalar(v any) any {
	switch x := v.(type) {
	case float64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	case []any:
		s := make([]string, len(x))
		for i := range x {
			b, _ := json.Marshal(normalizeScalar(x[i]))
			s[i] = string(b)
		}
		sort.Strings(s)
		return strings.Join(s, ",")
	default:
		return v
	}
}

func equalJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}

// PolicyFromPlans renders plans (with their tag selections) as a backup
// policy to attach to targets, using the plan package's Organizations
// policy format (plan.MarshalOrgPolicy).
func PolicyFromPlans(name, description string, targets []string, specs ...plan.Spec) (BackupPolicy, error) {
	content, err := plan.MarshalOrgPolicy(specs...)
	if err != nil {
		return BackupPolicy{}, err
	}
	p := BackupPolicy{Name: name, Description: description, Content: content, Targets: slices.Clone(targets)}
	return p, p.Validate()
}
