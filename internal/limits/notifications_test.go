package limits

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// TestNotifications is the vault notification rule.
func TestNotifications(t *testing.T) {
	t.Parallel()
	topic := "arn:aws:sns:us-east-1:123456789012:backup-events"
	tests := []struct {
		name          string
		topic         string
		events        []types.BackupVaultEvent
		field, reason string
	}{
		// API_PutBackupVaultNotifications: every value of BackupVaultEvent,
		// the newer ones (indexing, EKS, access points) included.
		{"every SDK event", topic, types.BackupVaultEvent("").Values(), "", ""},
		{"unknown event", topic, []types.BackupVaultEvent{"BACKUP_JOB_EXPLODED"}, "BackupVaultEvents[0]", "not a backup vault event"},
		{"no events", topic, nil, "BackupVaultEvents", "is required"},
		// backup-notifications, Limitations: "AWS Backup does not currently
		// support SNS FIFO topics".
		{"FIFO topic", "arn:aws:sns:us-east-1:123456789012:backup-events.fifo", []types.BackupVaultEvent{types.BackupVaultEventBackupJobCompleted}, "SNSTopicArn", "FIFO"},
		{"not SNS", "arn:aws:sqs:us-east-1:123456789012:q", []types.BackupVaultEvent{types.BackupVaultEventBackupJobCompleted}, "SNSTopicArn", "SNS topic ARN"},
		{"subscription, not topic", topic + ":5f1b", []types.BackupVaultEvent{types.BackupVaultEventBackupJobCompleted}, "SNSTopicArn", "SNS topic ARN"},
	}
	for _, tt := range tests {
		got := CheckNotifications(tt.topic, tt.events)
		if tt.field == "" {
			if len(got) != 0 {
				t.Errorf("%s: %v; want none", tt.name, got)
			}
			continue
		}
		found := false
		for _, p := range got {
			found = found || p.Field == tt.field && strings.Contains(p.Reason, tt.reason)
		}
		if !found {
			t.Errorf("%s: %v; want %s: …%s…", tt.name, got, tt.field, tt.reason)
		}
	}
}
