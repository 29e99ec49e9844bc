package limits

import (
	"strings"
	"testing"
)

// TestNames is the name rule of each AWS Backup name pattern.
func TestNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check func(string) string
		in    string
		ok    bool
	}{
		// API_BackupPlanInput BackupPlanName, API_BackupSelection
		// SelectionName: ^[a-zA-Z0-9\-\_\.]{1,50}$.
		{"plan name", BackupName, "daily-1.0_x", true},
		{"plan name too long", BackupName, strings.Repeat("a", 51), false},
		{"plan name space", BackupName, "a b", false},
		// API_RestoreTestingPlanForCreate RestoreTestingPlanName and
		// API_RestoreTestingSelectionForCreate RestoreTestingSelectionName:
		// "only alphanumeric characters and underscores", at most 50.
		{"restore testing name", RestoreTestingName, "weekly_rds_1", true},
		{"restore testing name hyphen", RestoreTestingName, "weekly-rds", false},
		{"restore testing name period", RestoreTestingName, "weekly.rds", false},
		{"restore testing name too long", RestoreTestingName, strings.Repeat("a", 51), false},
		{"restore testing name empty", RestoreTestingName, "", false},
		// API_CreateBackupVault BackupVaultName: ^[a-zA-Z0-9\-\_]{2,50}$.
		{"vault name", VaultName, "prod-vault_1", true},
		{"vault name one character", VaultName, "a", false},
		{"vault name with a dot", VaultName, "a.b", false},
		// API_CopyAction DestinationBackupVaultArn example.
		{"vault ARN", VaultARN, "arn:aws:backup:us-east-1:123456789012:backup-vault:aBackupVault", true},
		{"vault ARN bad name", VaultARN, "arn:aws:backup:us-east-1:123456789012:backup-vault:a.b", false},
		{"vault ARN no account", VaultARN, "arn:aws:backup:us-east-1::backup-vault:v", false},
		{"vault ARN bad Region", VaultARN, "arn:aws:backup:europe:123456789012:backup-vault:v", false},
		{"vault ARN GovCloud", VaultARN, "arn:aws-us-gov:backup:us-gov-west-1:123456789012:backup-vault:v1", true},
		// S3 "General purpose bucket naming rules".
		{"bucket", BucketName, "reports.example-1", true},
		{"bucket uppercase", BucketName, "Reports", false},
		{"bucket adjacent periods", BucketName, "a..b", false},
		// Tagging rules: keys 1-128, not aws:; values up to 256.
		{"tag key", TagKey, "team", true},
		{"tag key aws prefix", TagKey, "AWS:team", false},
		{"tag key too long", TagKey, strings.Repeat("k", 129), false},
		{"tag value", TagValue, strings.Repeat("v", 256), true},
		{"tag value too long", TagValue, strings.Repeat("v", 257), false},
	}
	for _, tt := range tests {
		if got := tt.check(tt.in); (got == "") != tt.ok {
			t.Errorf("%s: check(%q) = %q; want ok=%v", tt.name, tt.in, got, tt.ok)
		}
	}
}
