// Package limits holds AWS Backup's name rules and quotas: the patterns of
// plan, rule, selection and vault names, request ids, vault ARNs, bucket
// names and tags, and the counts AWS allows. Identity shapes (account ids,
// Regions, role names and ARNs) are internal/awsid's. The library validates
// with them before a call and the backuptest emulator answers with them,
// so both refuse the same inputs.
//
// Sources: the AWS Backup API reference (each member's Pattern and Length
// Constraints), the "AWS Backup quotas" page (aws-backup-limits), and the
// tagging rules of the Resource Groups Tagging API (tag keys and values).
package limits

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/lazyre"
)

var (
	backupName = lazyre.New(`^[a-zA-Z0-9\-_.]{1,50}$`)
	vaultName  = lazyre.New(`^[a-zA-Z0-9\-_]{2,50}$`)
	// restoreTestingName differs from backupName: no '-' or '.'.
	restoreTestingName = lazyre.New(`^[a-zA-Z0-9_]{1,50}$`)
	bucketName         = lazyre.New(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// Reasons, as the problems of the checks below word them.
const (
	BackupNameRule = "must be 1-50 characters of letters, digits, '-', '_' and '.'"
	VaultNameRule  = "must be 2-50 characters of letters, digits, '-' and '_'"
	// RestoreTestingNameRule is the reason RestoreTestingName gives.
	RestoreTestingNameRule = "must be 1-50 characters of letters, digits and '_'"
)

// BackupName returns why s is not a plan, rule or selection name, or a
// CreatorRequestId (API_BackupPlanInput BackupPlanName, API_BackupRuleInput
// RuleName, API_BackupSelection SelectionName, CreatorRequestId: pattern
// ^[a-zA-Z0-9\-\_\.]{1,50}$), or "".
func BackupName(s string) string {
	if backupName.MatchString(s) {
		return ""
	}
	return BackupNameRule
}

// RestoreTestingName returns why s is not a restore testing plan or
// restore testing selection name, or "". AWS's rule is stricter than
// BackupName's: API_RestoreTestingPlanForCreate RestoreTestingPlanName and
// API_RestoreTestingSelectionForCreate RestoreTestingSelectionName "must
// consist of only alphanumeric characters and underscores", at most 50.
func RestoreTestingName(s string) string {
	if restoreTestingName.MatchString(s) {
		return ""
	}
	return RestoreTestingNameRule
}

// VaultName returns why s is not a backup vault name
// (API_CreateBackupVault BackupVaultName: ^[a-zA-Z0-9\-\_]{2,50}$), or "".
func VaultName(s string) string {
	if vaultName.MatchString(s) {
		return ""
	}
	return VaultNameRule
}

// RoleARNRule is the reason for an IAM role ARN that awsid.RoleARN
// refuses.
const RoleARNRule = "must be an IAM role ARN arn:aws:iam::ACCOUNT:role/NAME"

// VaultARN returns why s is not a backup vault ARN
// (arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME, with a valid
// vault name), or "".
func VaultARN(s string) string {
	a, err := arn.Parse(s)
	name, ok := strings.CutPrefix(a.Resource, "backup-vault:")
	if err != nil || !ok || a.Service != "backup" || !awsid.PartitionName(a.Partition) || !awsid.Region(a.Region) || !awsid.AccountID(a.AccountID) {
		return "must be a backup vault ARN arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME"
	}
	if r := VaultName(name); r != "" {
		return "vault name in the ARN " + r
	}
	return ""
}

// BucketName returns why s is not an S3 bucket name (3-63 lowercase
// letters, digits, '.' and '-', starting and ending with a letter or
// digit; S3 "Bucket naming rules"), or "".
func BucketName(s string) string {
	if bucketName.MatchString(s) && !strings.Contains(s, "..") {
		return ""
	}
	return "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit"
}

// Tag limits (tagging rules shared by AWS Backup's TagResource and
// BackupPlanTags, BackupVaultTags, RecoveryPointTags).
const (
	MaxTagKeyLen   = 128
	MaxTagValueLen = 256
)

// TagKey returns why k cannot be a tag key: 1-128 characters, not starting
// with the reserved "aws:" (any case); or "".
func TagKey(k string) string {
	switch {
	case k == "" || len(k) > MaxTagKeyLen:
		return "tag keys must be 1-128 characters"
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return `tag keys must not start with "aws:" (reserved for AWS)`
	}
	return ""
}

// TagValue returns why v cannot be a tag value (at most 256 characters),
// or "".
func TagValue(v string) string {
	if len(v) > MaxTagValueLen {
		return "tag values must be at most 256 characters"
	}
	return ""
}
