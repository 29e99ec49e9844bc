package fleet

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// STSAPI is the part of the STS client a Runner uses: the caller's
// identity once per Runner, and AssumeRole once per member account.
type STSAPI interface {
	stscreds.AssumeRoleAPIClient
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ STSAPI = (*sts.Client)(nil)

// Identity is who the caller is (STS GetCallerIdentity).
type Identity struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"userId"`
}

// partition is the ARN partition of the caller ("aws", "aws-cn", …).
func (id Identity) partition() string {
	if a, err := arn.Parse(id.ARN); err == nil && a.Partition != "" {
		return a.Partition
	}
	return "aws"
}

// AssumeRoleError reports a member account whose role the caller could not
// assume: the role's ARN, the caller's identity and STS's answer (usually
// AccessDenied: the role does not exist, or its trust policy does not name
// the caller, or the external id differs).
type AssumeRoleError struct {
	RoleARN string
	Caller  string
	Err     error
}

func (e *AssumeRoleError) Error() string {
	return fmt.Sprintf("assume role %s as %s: %v", e.RoleARN, e.Caller, e.Err)
}

func (e *AssumeRoleError) Unwrap() error { return e.Err }

// Identity returns the caller's identity, asking STS once per Runner.
func (r *Runner) Identity(ctx context.Context) (Identity, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.identity != nil {
		return *r.identity, nil
	}
	out, err := r.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("who am I (sts:GetCallerIdentity): %w", err)
	}
	id := Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId)}
	r.identity = &id
	return id, nil
}

// Credentials returns the credentials a run uses in an account: the
// caller's own for the caller's account, else a cache over an AssumeRole
// provider for the account's role, one per account per Runner, so a role
// is assumed once and its credentials reused until they near expiry.
func (r *Runner) Credentials(ctx context.Context, accountID string) (aws.CredentialsProvider, error) {
	id, err := r.Identity(ctx)
	if err != nil {
		return nil, err
	}
	if accountID == id.Account {
		return r.base.Credentials, nil
	}
	roleARN, err := r.roleARN(id, accountID)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.creds[accountID]; ok {
		return c, nil
	}
	p := stscreds.NewAssumeRoleProvider(r.sts, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = r.opts.SessionName
		o.Duration = r.opts.Duration
		if r.opts.ExternalID != "" {
			o.ExternalID = aws.String(r.opts.ExternalID)
		}
	})
	c := aws.NewCredentialsCache(p)
	r.creds[accountID] = c
	return c, nil
}

func (r *Runner) roleARN(id Identity, accountID string) (string, error) {
	name, err := RoleName(r.opts.RoleName, accountID)
	if err != nil {
		return "", err
	}
	return RoleARN(id.partition(), accountID, name), nil
}

// assume retrieves an account's credentials once, so that a role that
// cannot be assumed fails the account's targets before any of them runs.
func (r *Runner) assume(ctx context.Context, accountID string) (aws.CredentialsProvider, error) {
	creds, err := r.Credentials(ctx, accountID)
	if err != nil {
		return nil, err
	}
	id, _ := r.Identity(ctx)
	if accountID == id.Account {
		return creds, nil
	}
	if _, err := creds.Retrieve(ctx); err != nil {
		roleARN, _ := r.roleARN(id, accountID)
		return nil, &AssumeRoleError{RoleARN: roleARN, Caller: id.ARN, Err: err}
	}
	return creds, nil
}
