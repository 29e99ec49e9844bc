package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
)

// PolicyDocument is an IAM policy document as AWS expects it.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement. Principal is "*" or a map such as
// {"AWS": [...]} or {"Service": "..."}; Action and Resource are a string
// or a list.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal any                       `json:"Principal"`
	Action    any                       `json:"Action"`
	Resource  any                       `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// RecoveryPointDeletionActions returns the actions the deny statement
// blocks: deleting recovery points and shortening their lifecycle.
func RecoveryPointDeletionActions() []string {
	return []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"}
}

var orgIDRE = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)

// AccessPolicyBuilder builds a backup vault access policy. Methods record
// problems; Build returns them all at once. Use NewAccessPolicy.
type AccessPolicyBuilder struct {
	stmts []Statement
	errs  []error
}

// NewAccessPolicy starts an empty access policy.
func NewAccessPolicy() *AccessPolicyBuilder { return &AccessPolicyBuilder{} }

// DenyRecoveryPointDeletion denies everyone deleting recovery points or
// changing their lifecycle, except the given principal ARNs (for example a
// break-glass role), which are excluded with an ArnNotLike condition on
// aws:PrincipalArn.
func (b *AccessPolicyBuilder) DenyRecoveryPointDeletion(exceptPrincipalARNs ...string) *AccessPolicyBuilder {
	st := Statement{Sid: "DenyRecoveryPointDeletion", Effect: "Deny", Principal: "*",
		Action: RecoveryPointDeletionActions(), Resource: "*"}
	for i, p := range exceptPrincipalARNs {
		if _, err := arn.Parse(p); err != nil {
			b.errs = append(b.errs, &backup.ValidationError{Field: fmt.Sprintf("DenyRecoveryPointDeletion.except[%d]", i), Reason: "must be an IAM principal ARN"})
		}
	}
	if len(exceptPrincipalARNs) > 0 {
		st.Condition = map[string]map[string]any{"ArnNotLike": {"aws:PrincipalArn": slices.Clone(exceptPrincipalARNs)}}
	}
	b.stmts = append(b.stmts, st)
	return b
}

// AllowCopyFromOrganization lets every account of an AWS Organization copy
// recovery points into the vault (backup:CopyIntoBackupVault with an
// aws:PrincipalOrgID condition).
func (b *AccessPolicyBuilder) AllowCopyFromOrganization(orgID string) *AccessPolicyBuilder {
	if !orgIDRE.MatchString(orgID) {
		b.errs = append(b.errs, &backup.ValidationError{Field: "AllowCopyFromOrganization", Reason: fmt.Sprintf("%q is not an organization id (o-…)", orgID)})
	}
	b.stmts = append(b.stmts, Statement{Sid: "AllowCopyFromOrganization", Effect: "Allow", Principal: "*",
		Action: "backup:CopyIntoBackupVault", Resource: "*",
		Condition: map[string]map[string]any{"StringEquals": {"aws:PrincipalOrgID": orgID}}})
	return b
}

// AllowCopyFromAccounts lets the listed accounts copy recovery points into
// the vault.
func (b *AccessPolicyBuilder) AllowCopyFromAccounts(accountIDs ...string) *AccessPolicyBuilder {
	if len(accountIDs) == 0 {
		b.errs = append(b.errs, &backup.ValidationError{Field: "AllowCopyFromAccounts", Reason: "list at least one account"})
	}
	principals := make([]string, 0, len(accountIDs))
	for i, a := range accountIDs {
		if !accountRE.MatchString(a) {
			b.errs = append(b.errs, &backup.ValidationError{Field: fmt.Sprintf("AllowCopyFromAccounts[%d]", i), Reason: fmt.Sprintf("%q is not a 12-digit account id", a)})
		}
		principals = append(principals, "arn:aws:iam::"+a+":root")
	}
	b.stmts = append(b.stmts, Statement{Sid: "AllowCopyFromAccounts", Effect: "Allow",
		Principal: map[string]any{"AWS": principals}, Action: "backup:CopyIntoBackupVault", Resource: "*"})
	return b
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// Document returns the policy document, or every recorded problem.
func (b *AccessPolicyBuilder) Document() (*PolicyDocument, error) {
	errs := slices.Clone(b.errs)
	if len(b.stmts) == 0 {
		errs = append(errs, &backup.ValidationError{Field: "Statement", Reason: "policy has no statements"})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &PolicyDocument{Version: "2012-10-17", Statement: slices.Clone(b.stmts)}, nil
}

// Build returns the policy as IAM JSON.
func (b *AccessPolicyBuilder) Build() (string, error) {
	doc, err := b.Document()
	if err != nil {
		return "", err
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// PutAccessPolicy sets a vault's access policy (a JSON document, e.g. from
// AccessPolicyBuilder.Build). The JSON is checked before AWS is called.
func (c *Client) PutAccessPolicy(ctx context.Context, vaultName, policyJSON string) error {
	var doc PolicyDocument
	if err := json.Unmarshal([]byte(policyJSON), &doc); err != nil || len(doc.Statement) == 0 {
		return fmt.Errorf("put access policy on %s: %w", vaultName, &backup.ValidationError{Field: "Policy", Reason: "must be an IAM policy document with statements"})
	}
	if _, err := c.api.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(vaultName), Policy: aws.String(policyJSON)}); err != nil {
		return fmt.Errorf("put access policy on %s: %w", vaultName, err)
	}
	return nil
}

// AccessPolicy returns a vault's access policy JSON.
func (c *Client) AccessPolicy(ctx context.Context, vaultName string) (string, error) {
	out, err := c.api.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: aws.String(vaultName)})
	if err != nil {
		return "", fmt.Errorf("get access policy of %s: %w", vaultName, err)
	}
	return aws.ToString(out.Policy), nil
}

// DeleteAccessPolicy removes a vault's access policy.
func (c *Client) DeleteAccessPolicy(ctx context.Context, vaultName string) error {
	if _, err := c.api.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: aws.String(vaultName)}); err != nil {
		return fmt.Errorf("delete access policy of %s: %w", vaultName, err)
	}
	return nil
}
