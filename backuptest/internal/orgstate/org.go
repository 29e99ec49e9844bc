package orgstate

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/internal/awsid"
)

// Org is the emulated AWS Organizations organization, and an in-process
// implementation of the Organizations operations backupkit uses: backup
// policies (create, update, describe, list, attach, targets), the root's
// policy types, trusted service access, delegated administrators,
// effective policies, and the accounts, OUs and account tags. Its methods
// have the same signatures as *organizations.Client and return
// Organizations' real error types. It also keeps what STS needs: the IAM
// roles each account has, whom they trust, and the sessions issued.
//
// Known differences from AWS Organizations: effective policies merge
// attached policies from the root down to the account by resolving
// @@assign/@@append per key (child wins), without
// @@operators_allowed_for_child_policies enforcement; there is no eventual
// consistency.
type Org struct {
	mu            sync.Mutex
	clock         Clock
	management    string
	parents       map[string]string // OU or account id → parent id
	ouNames       map[string]string
	accounts      map[string]bool
	accountNames  map[string]string
	accountState  map[string]orgtypes.AccountState
	tags          map[string]map[string]string // account id → tags
	roles         map[string]map[string]*Role  // account id → role name → role
	sessions      map[string]Session           // access key id → session
	policies      map[string]*orgtypes.Policy
	attachments   map[string][]string // policy id → target ids
	enabledTypes  map[orgtypes.PolicyType]bool
	serviceAccess map[string]bool
	delegated     map[string][]string // service principal → account ids
	optIn         map[string][]string // account id → opt-in Regions it enabled (regions.go)
	calls         []string
	errs          map[string][]error
	next          int
}

// Clock is the time source of delegation and policy dates.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// RootID is the organization's root id.
const RootID = "r-root"

// ID is the organization's id.
const ID = "o-backupkit"

// New returns an organization with only the root and the management
// account (which has no assumable role: callers use its own credentials).
func New(management string, clock Clock) *Org {
	f := &Org{clock: realClock{}, management: management, parents: map[string]string{management: RootID}, accounts: map[string]bool{management: true},
		ouNames: map[string]string{}, accountNames: map[string]string{management: "management"}, accountState: map[string]orgtypes.AccountState{},
		tags: map[string]map[string]string{}, roles: map[string]map[string]*Role{}, sessions: map[string]Session{},
		policies: map[string]*orgtypes.Policy{}, attachments: map[string][]string{}, enabledTypes: map[orgtypes.PolicyType]bool{},
		serviceAccess: map[string]bool{}, delegated: map[string][]string{}, optIn: map[string][]string{}, errs: map[string][]error{}}
	if clock != nil {
		f.clock = clock
	}
	return f
}

// Management returns the management account's id.
func (f *Org) Management() string { return f.management }

// AddOU creates an organizational unit under parent (the root or an OU)
// and returns its id.
func (f *Org) AddOU(parent string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.exists(parent) || f.accounts[parent] {
		return "", fmt.Errorf("backuptest: parent %q is not the root or an OU", parent)
	}
	f.next++
	id := fmt.Sprintf("ou-root-%08d", f.next)
	f.parents[id] = parent
	f.ouNames[id] = id
	return id, nil
}

// AddAccount adds a member account under parent (the root or an OU),
// with the role AWS Organizations creates in accounts it creates
// (OrganizationAccountAccessRole, trusting the management account).
func (f *Org) AddAccount(id, parent string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !awsid.AccountID(id) {
		return fmt.Errorf("backuptest: account id %q is not 12 digits", id)
	}
	if !f.exists(parent) || f.accounts[parent] {
		return fmt.Errorf("backuptest: parent %q is not the root or an OU", parent)
	}
	if f.accounts[id] {
		return fmt.Errorf("backuptest: account %s is already in the organization", id)
	}
	f.accounts[id] = true
	f.parents[id] = parent
	f.roles[id] = map[string]*Role{DefaultRole: {Name: DefaultRole, Trusted: []string{f.management}}}
	return nil
}

// DefaultRole is the role every member account added with AddAccount has.
const DefaultRole = "OrganizationAccountAccessRole"

// SetAccountName names an account.
func (f *Org) SetAccountName(id, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.accounts[id] {
		return fmt.Errorf("backuptest: no account %q in the organization", id)
	}
	f.accountNames[id] = name
	return nil
}

// SetOUName names an organizational unit.
func (f *Org) SetOUName(id, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.exists(id) || f.accounts[id] || id == RootID {
		return fmt.Errorf("backuptest: no OU %q in the organization", id)
	}
	f.ouNames[id] = name
	return nil
}

// Calls returns the operations called so far, in order.
func (f *Org) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// FailNext makes the next call of operation return err.
func (f *Org) FailNext(operation string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs[operation] = append(f.errs[operation], err)
}

// Attachments returns the targets a policy is attached to.
func (f *Org) Attachments(policyID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.attachments[policyID])
}

func (f *Org) exists(id string) bool {
	if id == RootID {
		return true
	}
	_, ok := f.parents[id]
	return ok
}

func (f *Org) begin(op string) error {
	f.calls = append(f.calls, op)
	if q := f.errs[op]; len(q) > 0 {
		f.errs[op] = q[1:]
		return q[0]
	}
	return nil
}

func checkBackupPolicy(content string) error {
	var doc map[string]any
	if err := json.Unmarshal([]byte(content), &doc); err != nil {
		return &orgtypes.MalformedPolicyDocumentException{Message: aws.String("policy content is not a JSON object: " + err.Error())}
	}
	if _, ok := doc["plans"]; !ok {
		return &orgtypes.MalformedPolicyDocumentException{Message: aws.String(`a BACKUP_POLICY needs a top-level "plans" key`)}
	}
	return nil
}

// CreatePolicy creates a BACKUP_POLICY.
func (f *Org) CreatePolicy(_ context.Context, in *organizations.CreatePolicyInput, _ ...func(*organizations.Options)) (*organizations.CreatePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("CreatePolicy"); err != nil {
		return nil, err
	}
	if in.Type != orgtypes.PolicyTypeBackupPolicy {
		return nil, &orgtypes.InvalidInputException{Message: aws.String("the fake supports only BACKUP_POLICY")}
	}
	for _, p := range f.policies {
		if aws.ToString(p.PolicySummary.Name) == aws.ToString(in.Name) {
			return nil, &orgtypes.DuplicatePolicyException{Message: aws.String("A policy with the same name already exists.")}
		}
	}
	if err := checkBackupPolicy(aws.ToString(in.Content)); err != nil {
		return nil, err
	}
	f.next++
	id := fmt.Sprintf("p-%08d", f.next)
	p := &orgtypes.Policy{Content: in.Content, PolicySummary: &orgtypes.PolicySummary{
		Id: aws.String(id), Name: in.Name, Description: in.Description, Type: in.Type,
		Arn: aws.String(fmt.Sprintf("arn:aws:organizations::%s:policy/o-fake/backup_policy/%s", f.management, id)),
	}}
	f.policies[id] = p
	return &organizations.CreatePolicyOutput{Policy: clonePolicy(p)}, nil
}

func clonePolicy(p *orgtypes.Policy) *orgtypes.Policy {
	s := *p.PolicySummary
	return &orgtypes.Policy{Content: aws.String(aws.ToString(p.Content)), PolicySummary: &s}
}

// UpdatePolicy changes a policy's content, name or description.
func (f *Org) UpdatePolicy(_ context.Context, in *organizations.UpdatePolicyInput, _ ...func(*organizations.Options)) (*organizations.UpdatePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("UpdatePolicy"); err != nil {
		return nil, err
	}
	p, ok := f.policies[aws.ToString(in.PolicyId)]
	if !ok {
		return nil, &orgtypes.PolicyNotFoundException{Message: aws.String("We can't find a policy with the PolicyId that you specified.")}
	}
	if in.Content != nil {
		if err := checkBackupPolicy(*in.Content); err != nil {
			return nil, err
		}
		p.Content = aws.String(*in.Content)
	}
	if in.Name != nil {
		p.PolicySummary.Name = aws.String(*in.Name)
	}
	if in.Description != nil {
		p.PolicySummary.Description = aws.String(*in.Description)
	}
	return &organizations.UpdatePolicyOutput{Policy: clonePolicy(p)}, nil
}

// DescribePolicy returns a policy with its content.
func (f *Org) DescribePolicy(_ context.Context, in *organizations.DescribePolicyInput, _ ...func(*organizations.Options)) (*organizations.DescribePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DescribePolicy"); err != nil {
		return nil, err
	}
	p, ok := f.policies[aws.ToString(in.PolicyId)]
	if !ok {
		return nil, &orgtypes.PolicyNotFoundException{Message: aws.String("We can't find a policy with the PolicyId that you specified.")}
	}
	return &organizations.DescribePolicyOutput{Policy: clonePolicy(p)}, nil
}

// ListPolicies lists the policies of the filter type (one page).
func (f *Org) ListPolicies(_ context.Context, in *organizations.ListPoliciesInput, _ ...func(*organizations.Options)) (*organizations.ListPoliciesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListPolicies"); err != nil {
		return nil, err
	}
	out := &organizations.ListPoliciesOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.policies)) {
		if s := f.policies[id].PolicySummary; s.Type == in.Filter {
			c := *s
			out.Policies = append(out.Policies, c)
		}
	}
	return out, nil
}

// AttachPolicy attaches a policy to the root, an OU or an account. The
// policy type must be enabled on the root first, as in AWS.
func (f *Org) AttachPolicy(_ context.Context, in *organizations.AttachPolicyInput, _ ...func(*organizations.Options)) (*organizations.AttachPolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("AttachPolicy"); err != nil {
		return nil, err
	}
	id, target := aws.ToString(in.PolicyId), aws.ToString(in.TargetId)
	p, ok := f.policies[id]
	if !ok {
		return nil, &orgtypes.PolicyNotFoundException{Message: aws.String("We can't find a policy with the PolicyId that you specified.")}
	}
	if !f.exists(target) {
		return nil, &orgtypes.TargetNotFoundException{Message: aws.String("We can't find a root, OU, account, or policy with the TargetId that you specified.")}
	}
	if !f.enabledTypes[p.PolicySummary.Type] {
		return nil, &orgtypes.PolicyTypeNotEnabledException{Message: aws.String("This operation can be performed only for enabled policy types.")}
	}
	if slices.Contains(f.attachments[id], target) {
		return nil, &orgtypes.DuplicatePolicyAttachmentException{Message: aws.String("The selected policy is already attached to the specified target.")}
	}
	f.attachments[id] = append(f.attachments[id], target)
	return &organizations.AttachPolicyOutput{}, nil
}

// ListTargetsForPolicy lists where a policy is attached (one page).
func (f *Org) ListTargetsForPolicy(_ context.Context, in *organizations.ListTargetsForPolicyInput, _ ...func(*organizations.Options)) (*organizations.ListTargetsForPolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListTargetsForPolicy"); err != nil {
		return nil, err
	}
	id := aws.ToString(in.PolicyId)
	if _, ok := f.policies[id]; !ok {
		return nil, &orgtypes.PolicyNotFoundException{Message: aws.String("We can't find a policy with the PolicyId that you specified.")}
	}
	out := &organizations.ListTargetsForPolicyOutput{}
	for _, t := range f.attachments[id] {
		typ := orgtypes.TargetTypeAccount
		switch {
		case t == RootID:
			typ = orgtypes.TargetTypeRoot
		case strings.HasPrefix(t, "ou-"):
			typ = orgtypes.TargetTypeOrganizationalUnit
		}
		out.Targets = append(out.Targets, orgtypes.PolicyTargetSummary{TargetId: aws.String(t), Type: typ, Name: aws.String(t)})
	}
	return out, nil
}

// ListRoots returns the single root with its enabled policy types.
func (f *Org) ListRoots(_ context.Context, _ *organizations.ListRootsInput, _ ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListRoots"); err != nil {
		return nil, err
	}
	root := orgtypes.Root{Id: aws.String(RootID), Name: aws.String("Root"), Arn: aws.String("arn:aws:organizations::" + f.management + ":root/o-fake/" + RootID)}
	for _, t := range slices.Sorted(maps.Keys(f.enabledTypes)) {
		root.PolicyTypes = append(root.PolicyTypes, orgtypes.PolicyTypeSummary{Type: t, Status: orgtypes.PolicyTypeStatusEnabled})
	}
	return &organizations.ListRootsOutput{Roots: []orgtypes.Root{root}}, nil
}

// EnablePolicyType enables a policy type on the root.
func (f *Org) EnablePolicyType(_ context.Context, in *organizations.EnablePolicyTypeInput, _ ...func(*organizations.Options)) (*organizations.EnablePolicyTypeOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("EnablePolicyType"); err != nil {
		return nil, err
	}
	if aws.ToString(in.RootId) != RootID {
		return nil, &orgtypes.RootNotFoundException{Message: aws.String("We can't find a root with the RootId that you specified.")}
	}
	if f.enabledTypes[in.PolicyType] {
		return nil, &orgtypes.PolicyTypeAlreadyEnabledException{Message: aws.String("The specified policy type is already enabled.")}
	}
	f.enabledTypes[in.PolicyType] = true
	return &organizations.EnablePolicyTypeOutput{Root: &orgtypes.Root{Id: aws.String(RootID)}}, nil
}

// EnableAWSServiceAccess enables trusted access for a service principal
// (idempotent, as in AWS).
func (f *Org) EnableAWSServiceAccess(_ context.Context, in *organizations.EnableAWSServiceAccessInput, _ ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("EnableAWSServiceAccess"); err != nil {
		return nil, err
	}
	f.serviceAccess[aws.ToString(in.ServicePrincipal)] = true
	return &organizations.EnableAWSServiceAccessOutput{}, nil
}

// ServiceAccessEnabled reports whether trusted access is enabled for the
// service principal.
func (f *Org) ServiceAccessEnabled(principal string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.serviceAccess[principal]
}

// RegisterDelegatedAdministrator registers a member account as delegated
// administrator for a service; trusted access must be enabled first.
func (f *Org) RegisterDelegatedAdministrator(_ context.Context, in *organizations.RegisterDelegatedAdministratorInput, _ ...func(*organizations.Options)) (*organizations.RegisterDelegatedAdministratorOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("RegisterDelegatedAdministrator"); err != nil {
		return nil, err
	}
	acct, sp := aws.ToString(in.AccountId), aws.ToString(in.ServicePrincipal)
	if !f.accounts[acct] {
		return nil, &orgtypes.AccountNotFoundException{Message: aws.String("We can't find an account with the AccountId that you specified.")}
	}
	if acct == f.management {
		return nil, &orgtypes.ConstraintViolationException{Message: aws.String("You cannot register the management account as a delegated administrator.")}
	}
	if !f.serviceAccess[sp] {
		return nil, &orgtypes.ConstraintViolationException{Message: aws.String("Enable trusted access for " + sp + " first.")}
	}
	if slices.Contains(f.delegated[sp], acct) {
		return nil, &orgtypes.AccountAlreadyRegisteredException{Message: aws.String("The provided account is already a delegated administrator for your organization.")}
	}
	f.delegated[sp] = append(f.delegated[sp], acct)
	return &organizations.RegisterDelegatedAdministratorOutput{}, nil
}

// ListDelegatedAdministrators lists the delegated administrators of a
// service principal (one page).
func (f *Org) ListDelegatedAdministrators(_ context.Context, in *organizations.ListDelegatedAdministratorsInput, _ ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListDelegatedAdministrators"); err != nil {
		return nil, err
	}
	out := &organizations.ListDelegatedAdministratorsOutput{}
	for _, a := range f.delegated[aws.ToString(in.ServicePrincipal)] {
		out.DelegatedAdministrators = append(out.DelegatedAdministrators, orgtypes.DelegatedAdministrator{Id: aws.String(a), Status: orgtypes.AccountStatusActive, DelegationEnabledDate: aws.Time(f.clock.Now())})
	}
	return out, nil
}

// DescribeEffectivePolicy merges the BACKUP_POLICY documents attached from
// the root down to the account.
func (f *Org) DescribeEffectivePolicy(_ context.Context, in *organizations.DescribeEffectivePolicyInput, _ ...func(*organizations.Options)) (*organizations.DescribeEffectivePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DescribeEffectivePolicy"); err != nil {
		return nil, err
	}
	target := aws.ToString(in.TargetId)
	if !f.accounts[target] {
		return nil, &orgtypes.TargetNotFoundException{Message: aws.String("We can't find a root, OU, account, or policy with the TargetId that you specified.")}
	}
	var path []string // root first
	for n := target; ; n = f.parents[n] {
		path = append([]string{n}, path...)
		if n == RootID {
			break
		}
	}
	merged := map[string]any{}
	found := false
	for _, node := range path {
		for _, id := range slices.Sorted(maps.Keys(f.attachments)) {
			if !slices.Contains(f.attachments[id], node) {
				continue
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(aws.ToString(f.policies[id].Content)), &doc); err != nil {
				continue
			}
			mergePolicy(merged, resolveOps(doc).(map[string]any))
			found = true
		}
	}
	if !found {
		return nil, &orgtypes.EffectivePolicyNotFoundException{Message: aws.String("We can't find an effective policy of the specified type for the target.")}
	}
	b, _ := json.Marshal(merged)
	return &organizations.DescribeEffectivePolicyOutput{EffectivePolicy: &orgtypes.EffectivePolicy{
		PolicyType: in.PolicyType, TargetId: aws.String(target), PolicyContent: aws.String(string(b)), LastUpdatedTimestamp: aws.Time(f.clock.Now().UTC().Truncate(time.Second)),
	}}, nil
}

func resolveOps(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for _, op := range []string{"@@assign", "@@append"} {
			if inner, ok := x[op]; ok {
				return resolveOps(inner)
			}
		}
		out := map[string]any{}
		for k, val := range x {
			if strings.HasPrefix(k, "@@") {
				continue
			}
			out[k] = resolveOps(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = resolveOps(x[i])
		}
		return out
	}
	return v
}

func mergePolicy(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergePolicy(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// TagAccount sets tags on a member account (Organizations TagResource).
func (f *Org) TagAccount(id string, tags map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.accounts[id] {
		return fmt.Errorf("backuptest: no account %q in the organization", id)
	}
	if f.tags[id] == nil {
		f.tags[id] = map[string]string{}
	}
	maps.Copy(f.tags[id], tags)
	return nil
}

// SetAccountState sets a member account's state (ACTIVE by default;
// SUSPENDED, PENDING_CLOSURE, …).
func (f *Org) SetAccountState(id string, state orgtypes.AccountState) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.accounts[id] {
		return fmt.Errorf("backuptest: no account %q in the organization", id)
	}
	f.accountState[id] = state
	return nil
}

func (f *Org) account(id string) orgtypes.Account {
	state := f.accountState[id]
	if state == "" {
		state = orgtypes.AccountStateActive
	}
	status := orgtypes.AccountStatus(state)
	if state != orgtypes.AccountStateActive && state != orgtypes.AccountStateSuspended && state != orgtypes.AccountStatePendingClosure {
		status = orgtypes.AccountStatusSuspended
	}
	name := f.accountNames[id]
	if name == "" {
		name = "account-" + id
	}
	return orgtypes.Account{
		Id: aws.String(id), Name: aws.String(name), State: state, Status: status,
		Arn:   aws.String(fmt.Sprintf("arn:aws:organizations::%s:account/o-fake/%s", f.management, id)),
		Email: aws.String(name + "@example.com"),
	}
}

// ListAccounts lists every account of the organization (one page).
func (f *Org) ListAccounts(_ context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListAccounts"); err != nil {
		return nil, err
	}
	ids, next, err := page(slices.Sorted(maps.Keys(f.accounts)), in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &organizations.ListAccountsOutput{NextToken: next}
	for _, id := range ids {
		out.Accounts = append(out.Accounts, f.account(id))
	}
	return out, nil
}

func (f *Org) parentMissing(parent string) error {
	if !f.exists(parent) || f.accounts[parent] {
		return &orgtypes.ParentNotFoundException{Message: aws.String("We can't find a root or OU with the ParentId that you specified.")}
	}
	return nil
}

// ListAccountsForParent lists the accounts directly under the root or an
// OU (one page).
func (f *Org) ListAccountsForParent(_ context.Context, in *organizations.ListAccountsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListAccountsForParent"); err != nil {
		return nil, err
	}
	parent := aws.ToString(in.ParentId)
	if err := f.parentMissing(parent); err != nil {
		return nil, err
	}
	var all []string
	for _, id := range slices.Sorted(maps.Keys(f.accounts)) {
		if f.parents[id] == parent {
			all = append(all, id)
		}
	}
	ids, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &organizations.ListAccountsForParentOutput{NextToken: next}
	for _, id := range ids {
		out.Accounts = append(out.Accounts, f.account(id))
	}
	return out, nil
}

// ListOrganizationalUnitsForParent lists the OUs directly under the root
// or an OU (one page).
func (f *Org) ListOrganizationalUnitsForParent(_ context.Context, in *organizations.ListOrganizationalUnitsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListOrganizationalUnitsForParent"); err != nil {
		return nil, err
	}
	parent := aws.ToString(in.ParentId)
	if err := f.parentMissing(parent); err != nil {
		return nil, err
	}
	var all []string
	for _, id := range slices.Sorted(maps.Keys(f.parents)) {
		if f.parents[id] == parent && !f.accounts[id] {
			all = append(all, id)
		}
	}
	ids, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &organizations.ListOrganizationalUnitsForParentOutput{NextToken: next}
	for _, id := range ids {
		{
			out.OrganizationalUnits = append(out.OrganizationalUnits, orgtypes.OrganizationalUnit{Id: aws.String(id), Name: aws.String(f.ouNames[id]), Arn: aws.String("arn:aws:organizations::" + f.management + ":ou/" + ID + "/" + id)})
		}
	}
	return out, nil
}

// ListTagsForResource lists an account's tags (one page).
func (f *Org) ListTagsForResource(_ context.Context, in *organizations.ListTagsForResourceInput, _ ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListTagsForResource"); err != nil {
		return nil, err
	}
	id := aws.ToString(in.ResourceId)
	if !f.exists(id) {
		return nil, &orgtypes.TargetNotFoundException{Message: aws.String("We can't find a root, OU, account, or policy with the TargetId that you specified.")}
	}
	out := &organizations.ListTagsForResourceOutput{}
	for _, k := range slices.Sorted(maps.Keys(f.tags[id])) {
		out.Tags = append(out.Tags, orgtypes.Tag{Key: aws.String(k), Value: aws.String(f.tags[id][k])})
	}
	return out, nil
}

// ListAWSServiceAccessForOrganization lists the service principals with
// trusted access (one page).
func (f *Org) ListAWSServiceAccessForOrganization(_ context.Context, _ *organizations.ListAWSServiceAccessForOrganizationInput, _ ...func(*organizations.Options)) (*organizations.ListAWSServiceAccessForOrganizationOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListAWSServiceAccessForOrganization"); err != nil {
		return nil, err
	}
	out := &organizations.ListAWSServiceAccessForOrganizationOutput{}
	for _, sp := range slices.Sorted(maps.Keys(f.serviceAccess)) {
		out.EnabledServicePrincipals = append(out.EnabledServicePrincipals, orgtypes.EnabledServicePrincipal{ServicePrincipal: aws.String(sp), DateEnabled: aws.Time(f.clock.Now())})
	}
	return out, nil
}
