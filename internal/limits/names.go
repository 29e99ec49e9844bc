// Package limits holds AWS Backup's name rules and quotas: the patterns of
// plan, rule, selection and vault names, request ids, role and vault ARNs,
// bucket names and tags, and the counts AWS allows. The library validates
// with them before a call and the backuptest emulator answers with them,
// so both refuse the same inputs.
//
// Sources: the AWS Backup API reference (each member's Pattern and Length
// Constraints), the "AWS Backup quotas" page (aws-backup-limits), and the
// tagging rules of the Resource Groups Tagging API (tag keys and values).
package limits

import (
	"regexp"
	"strings"
)

var (
	backupName = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,50}$`)
	vaultName  = regexp.MustCompile(`^[a-zA-Z0-9\-_]{2,50}$`)
	roleARN    = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)
	vaultARN   = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):backup:([a-z]{2,4}(-[a-z]+)+-\d+):(\d{12}):backup-vault:(.+)$`)
	bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	accountID  = regexp.MustCompile(`^\d{12}$`)
)

// Reasons, as the problems of the checks below word them.
const (
	BackupNameRule = "must be 1-50 characters of letters, digits, '-', '_' and '.'"
	VaultNameRule  = "must be 2-50 characters of letters, digits, '-' and '_'"
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

// VaultName returns why s is not a backup vault name
// (API_CreateBackupVault BackupVaultName: ^[a-zA-Z0-9\-\_]{2,50}$), or "".
func VaultName(s string) string {
	if vaultName.MatchString(s) {
		return ""
	}
	return VaultNameRule
}

// RoleARN returns why s is not an IAM role ARN
// (arn:PARTITION:iam::ACCOUNT:role/NAME), or "".
func RoleARN(s string) string {
	if roleARN.MatchString(s) {
		return ""
	}
	return "must be an IAM role ARN arn:aws:iam::ACCOUNT:role/NAME"
}

// VaultARN returns why s is not a backup vault ARN
// (arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME, with a valid
// vault name), or "".
func VaultARN(s string) string {
	m := vaultARN.FindStringSubmatch(s)
	if m == nil {
		return "must be a backup vault ARN arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME"
	}
	if r := VaultName(m[len(m)-1]); r != "" {
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

// AccountID returns why s is not a 12-digit AWS account ID, or "".
func AccountID(s string) string {
	if accountID.MatchString(s) {
		return ""
	}
	return "must be a 12-digit AWS account ID"
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
