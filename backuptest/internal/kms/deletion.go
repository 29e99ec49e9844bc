package kms

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// scheduleKeyDeletion puts a key in PendingDeletion for PendingWindowInDays
// (7–30, default 30), as API_ScheduleKeyDeletion describes. The emulator
// never deletes the key at the end of the window: it stays PendingDeletion
// (a known difference; nothing in AWS Backup's flows waits that long).
func (h *handlers) scheduleKeyDeletion(r *serve.Request, in *awskms.ScheduleKeyDeletionInput) (*awskms.ScheduleKeyDeletionOutput, error) {
	days := aws.ToInt32(in.PendingWindowInDays)
	if in.PendingWindowInDays == nil {
		days = 30
	}
	if days < 7 || days > 30 {
		return nil, errf("ValidationException", "PendingWindowInDays must be between 7 and 30 (inclusive); got %d", days)
	}
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if k.Manager == types.KeyManagerTypeAws {
		return nil, errf("AccessDeniedException", "an AWS managed key cannot be scheduled for deletion")
	}
	switch k.State {
	case types.KeyStateEnabled, types.KeyStateDisabled, types.KeyStatePendingImport:
	default:
		return nil, errf("KMSInvalidStateException", "%s is pending deletion", k.ARN)
	}
	h.s.mu.Lock()
	k.State, k.PendingWindowDays, k.DeletionDate = types.KeyStatePendingDeletion, days, r.Now.Add(time.Duration(days)*24*time.Hour)
	h.s.mu.Unlock()
	return &awskms.ScheduleKeyDeletionOutput{KeyId: aws.String(k.ARN), KeyState: k.State,
		DeletionDate: aws.Time(k.DeletionDate), PendingWindowInDays: aws.Int32(days)}, nil
}

// cancelKeyDeletion ends a key's PendingDeletion; the key is then Disabled,
// as API_CancelKeyDeletion says.
func (h *handlers) cancelKeyDeletion(r *serve.Request, in *awskms.CancelKeyDeletionInput) (*awskms.CancelKeyDeletionOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if k.State != types.KeyStatePendingDeletion {
		return nil, errf("KMSInvalidStateException", "%s is %s, not pending deletion", k.ARN, k.State)
	}
	h.s.mu.Lock()
	k.State, k.PendingWindowDays, k.DeletionDate = types.KeyStateDisabled, 0, time.Time{}
	h.s.mu.Unlock()
	return &awskms.CancelKeyDeletionOutput{KeyId: aws.String(k.ARN)}, nil
}
