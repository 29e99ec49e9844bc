package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/limits"
)

// SupportedEvents returns every vault notification event AWS Backup
// accepts: the values of the SDK's BackupVaultEvent enum, the newer ones
// (indexing, EKS, access points) included. Some older values
// (BACKUP_JOB_SUCCESSFUL, BACKUP_JOB_FAILED, …) are superseded by
// BACKUP_JOB_COMPLETED and friends. Each call returns a new slice.
func SupportedEvents() []types.BackupVaultEvent { return types.BackupVaultEvent("").Values() }

// JobEvents returns a useful default: every job start and end. Each call
// returns a new slice.
func JobEvents() []types.BackupVaultEvent {
	return []types.BackupVaultEvent{
		types.BackupVaultEventBackupJobStarted, types.BackupVaultEventBackupJobCompleted,
		types.BackupVaultEventCopyJobStarted, types.BackupVaultEventCopyJobSuccessful, types.BackupVaultEventCopyJobFailed,
		types.BackupVaultEventRestoreJobStarted, types.BackupVaultEventRestoreJobCompleted,
	}
}

// Notifications is a vault's SNS notification configuration.
type Notifications struct {
	TopicARN string
	Events   []types.BackupVaultEvent
}

// Validate checks the topic ARN and the events with AWS's notification
// rule (internal/limits): a standard SNS topic, not a FIFO one ("AWS
// Backup does not currently support SNS FIFO topics", backup-notifications,
// Limitations), and one or more events of the SDK's BackupVaultEvent enum.
// The topic must also be in the vault's own account, which AWS checks.
func (n Notifications) Validate() error {
	var errs []error
	names := map[string]string{"SNSTopicArn": "TopicARN", "BackupVaultEvents": "Events"}
	for _, p := range limits.CheckNotifications(n.TopicARN, n.Events) {
		field := p.Field
		if f, ok := names[field]; ok {
			field = f
		} else if rest, ok := strings.CutPrefix(field, "BackupVaultEvents"); ok {
			field = "Events" + rest
		}
		errs = append(errs, &backup.ValidationError{Field: field, Reason: p.Reason})
	}
	return errors.Join(errs...)
}

// PutNotifications sends a vault's events to an SNS topic. The topic's
// policy must let backup.amazonaws.com publish (TopicPolicy).
func (c *Client) PutNotifications(ctx context.Context, vaultName string, n Notifications) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("put notifications on %s: %w", vaultName, err)
	}
	if _, err := c.api.PutBackupVaultNotifications(ctx, &awsbackup.PutBackupVaultNotificationsInput{
		BackupVaultName: aws.String(vaultName), SNSTopicArn: aws.String(n.TopicARN), BackupVaultEvents: slices.Clone(n.Events),
	}); err != nil {
		return fmt.Errorf("put notifications on %s: %w", vaultName, err)
	}
	return nil
}

// GetNotifications returns a vault's notification configuration.
func (c *Client) GetNotifications(ctx context.Context, vaultName string) (*Notifications, error) {
	out, err := c.api.GetBackupVaultNotifications(ctx, &awsbackup.GetBackupVaultNotificationsInput{BackupVaultName: aws.String(vaultName)})
	if err != nil {
		return nil, fmt.Errorf("get notifications of %s: %w", vaultName, err)
	}
	return &Notifications{TopicARN: aws.ToString(out.SNSTopicArn), Events: out.BackupVaultEvents}, nil
}

// DeleteNotifications turns a vault's notifications off.
func (c *Client) DeleteNotifications(ctx context.Context, vaultName string) error {
	if _, err := c.api.DeleteBackupVaultNotifications(ctx, &awsbackup.DeleteBackupVaultNotificationsInput{BackupVaultName: aws.String(vaultName)}); err != nil {
		return fmt.Errorf("delete notifications of %s: %w", vaultName, err)
	}
	return nil
}

// TopicPolicy returns an SNS topic access policy that lets AWS Backup
// (backup.amazonaws.com) publish to the topic, restricted to the topic's
// own account with aws:SourceAccount (confused-deputy protection). Set it
// with sns SetTopicAttributes (AttributeName "Policy"). Merge it with any
// existing statements yourself: it replaces the whole policy.
func TopicPolicy(topicARN string) (string, error) {
	a, err := arn.Parse(topicARN)
	if err != nil || a.Service != "sns" || a.Resource == "" || !accountRE.MatchString(a.AccountID) {
		return "", &backup.ValidationError{Field: "TopicARN", Reason: fmt.Sprintf("%q is not an SNS topic ARN", topicARN)}
	}
	doc := PolicyDocument{Version: "2012-10-17", Statement: []Statement{{
		Sid:       "AllowAWSBackupToPublish",
		Effect:    "Allow",
		Principal: map[string]any{"Service": "backup.amazonaws.com"},
		Action:    "SNS:Publish",
		Resource:  topicARN,
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": a.AccountID}},
	}}}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	return string(out), nil
}
