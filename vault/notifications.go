package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
)

// SupportedEvents returns the vault notification events AWS still
// delivers. The other BackupVaultEvent values (BACKUP_JOB_SUCCESSFUL,
// BACKUP_JOB_FAILED, BACKUP_JOB_EXPIRED, RESTORE_JOB_SUCCESSFUL, …) are
// deprecated: AWS accepts them but sends nothing. Each call returns a new
// slice.
func SupportedEvents() []types.BackupVaultEvent {
	return []types.BackupVaultEvent{
		types.BackupVaultEventBackupJobStarted, types.BackupVaultEventBackupJobCompleted,
		types.BackupVaultEventCopyJobStarted, types.BackupVaultEventCopyJobSuccessful, types.BackupVaultEventCopyJobFailed,
		types.BackupVaultEventRestoreJobStarted, types.BackupVaultEventRestoreJobCompleted, types.BackupVaultEventRecoveryPointModified,
		types.BackupVaultEventS3BackupObjectFailed, types.BackupVaultEventS3RestoreObjectFailed,
	}
}

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

// Validate checks the topic ARN and that every event is one AWS still
// delivers.
func (n Notifications) Validate() error {
	var errs []error
	if a, err := arn.Parse(n.TopicARN); err != nil || a.Service != "sns" || a.Resource == "" {
		errs = append(errs, &backup.ValidationError{Field: "TopicARN", Reason: fmt.Sprintf("%q is not an SNS topic ARN", n.TopicARN)})
	}
	if len(n.Events) == 0 {
		errs = append(errs, &backup.ValidationError{Field: "Events", Reason: "list at least one event"})
	}
	supported := SupportedEvents()
	for i, e := range n.Events {
		if !slices.Contains(supported, e) {
			errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("Events[%d]", i), Reason: fmt.Sprintf("%s is not delivered by AWS (unknown or deprecated)", e)})
		}
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
