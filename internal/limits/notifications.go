package limits

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/problem"
)

// CheckNotifications checks a vault's SNS notification settings
// (PutBackupVaultNotifications; the developer guide's "Notification
// options with AWS Backup"): an SNS topic ARN that is not a FIFO topic
// ("AWS Backup does not currently support SNS FIFO topics", Limitations),
// and one or more events, each a value of the SDK's BackupVaultEvent enum.
// Field paths are the member names.
func CheckNotifications(topicARN string, events []types.BackupVaultEvent) problem.List {
	var ps problem.List
	a, err := arn.Parse(topicARN)
	switch {
	case topicARN == "":
		ps.Missing("SNSTopicArn")
	case err != nil || a.Service != "sns" || a.Resource == "" || strings.Contains(a.Resource, ":"):
		ps.Invalid("SNSTopicArn", "must be an SNS topic ARN arn:aws:sns:REGION:ACCOUNT:NAME, got %q", topicARN)
	case strings.HasSuffix(a.Resource, ".fifo"):
		ps.Invalid("SNSTopicArn", "AWS Backup does not support SNS FIFO topics; use a standard topic, got %q", topicARN)
	}
	if len(events) == 0 {
		ps.Missing("BackupVaultEvents")
	}
	known := types.BackupVaultEvent("").Values()
	for i, e := range events {
		if !slices.Contains(known, e) {
			ps.Invalid(problem.Index("BackupVaultEvents", i), "%q is not a backup vault event", e)
		}
	}
	return ps
}
