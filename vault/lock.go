package vault

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/lifecycle"
)

// LockMode is the Vault Lock mode.
type LockMode int

const (
	// Governance mode: no ChangeableForDays; users with sufficient IAM
	// permissions can remove or change the lock at any time.
	Governance LockMode = iota
	// Compliance mode: ChangeableForDays ≥ 3; after that grace period the
	// lock can never be changed or removed by anyone, including AWS, and a
	// vault holding recovery points can never be deleted.
	Compliance
)

// String returns "governance" or "compliance".
func (m LockMode) String() string {
	if m == Compliance {
		return "compliance"
	}
	return "governance"
}

// Vault Lock limits enforced by AWS.
const (
	MinLockRetention   = 1 * backup.Day
	MaxLockRetention   = lifecycle.MaxDays * backup.Day
	MinChangeableFor   = lifecycle.MinChangeableDays * backup.Day // 72-hour grace period
	MinAirGapRetention = 7 * backup.Day
)

// Lock is a Vault Lock configuration. Build it with GovernanceLock or
// ComplianceLock, or fill it in and call Validate.
type Lock struct {
	Mode LockMode
	// MinRetention and MaxRetention bound the retention of every recovery
	// point in the vault (whole days, 1..36500). Both are optional: without
	// one, Vault Lock enforces no bound on that side.
	MinRetention time.Duration
	MaxRetention time.Duration
	// ChangeableFor is the compliance-mode grace period (≥ 3 days) before
	// the lock becomes immutable. Must be zero in governance mode.
	ChangeableFor time.Duration
	// IrreversibleAcknowledged must be true for compliance mode: after
	// ChangeableFor the lock, and every locked recovery point, cannot be
	// removed before its retention ends — not even by the root user or
	// AWS. Set it only through AcknowledgeIrreversible.
	IrreversibleAcknowledged bool
}

// LockOption modifies a Lock built by GovernanceLock or ComplianceLock.
type LockOption func(*Lock)

// AcknowledgeIrreversible is the explicit acknowledgement compliance mode
// requires: the caller understands the lock becomes permanent after its
// grace period.
func AcknowledgeIrreversible() LockOption {
	return func(l *Lock) { l.IrreversibleAcknowledged = true }
}

// GovernanceLock returns a governance-mode lock (removable).
func GovernanceLock(minRetention, maxRetention time.Duration, opts ...LockOption) Lock {
	l := Lock{Mode: Governance, MinRetention: minRetention, MaxRetention: maxRetention}
	for _, o := range opts {
		o(&l)
	}
	return l
}

// ComplianceLock returns a compliance-mode lock that becomes immutable
// after changeableFor (≥ 3 days). Validate fails unless
// AcknowledgeIrreversible() is among opts.
func ComplianceLock(minRetention, maxRetention, changeableFor time.Duration, opts ...LockOption) Lock {
	l := Lock{Mode: Compliance, MinRetention: minRetention, MaxRetention: maxRetention, ChangeableFor: changeableFor}
	for _, o := range opts {
		o(&l)
	}
	return l
}

// Validate returns every problem with the lock at once. The retention
// bounds follow AWS's Vault Lock rule (internal/lifecycle): both are
// optional (API_PutBackupVaultLockConfiguration: without MinRetentionDays
// "Vault Lock will not enforce a minimum retention period"), each 1-36,500
// whole days, the maximum not below the minimum; a compliance lock's
// ChangeableFor is at least 3 days.
func (l Lock) Validate() error {
	var errs []error
	days := func(field string, d time.Duration) *int64 { return wholeDays(&errs, field, d) }
	minD, maxD := days("MinRetention", l.MinRetention), days("MaxRetention", l.MaxRetention)
	var changeable *int64
	if l.Mode == Compliance {
		changeable = days("ChangeableFor", l.ChangeableFor)
	}
	names := map[string]string{"MinRetentionDays": "MinRetention", "MaxRetentionDays": "MaxRetention", "ChangeableForDays": "ChangeableFor"}
	for _, p := range lifecycle.CheckLock(minD, maxD, changeable) {
		errs = append(errs, &backup.ValidationError{Field: names[p.Field], Reason: p.Reason})
	}
	switch l.Mode {
	case Governance:
		if l.ChangeableFor != 0 {
			errs = append(errs, &backup.ValidationError{Field: "ChangeableFor", Reason: "must be zero in governance mode (setting it makes a compliance lock)"})
		}
	case Compliance:
		if l.ChangeableFor == 0 {
			errs = append(errs, &backup.ValidationError{Field: "ChangeableFor", Reason: fmt.Sprintf("is required in compliance mode: at least %d days", lifecycle.MinChangeableDays)})
		}
		if !l.IrreversibleAcknowledged {
			errs = append(errs, &backup.ValidationError{Field: "IrreversibleAcknowledged",
				Reason: "compliance mode becomes irreversible after ChangeableFor; pass vault.AcknowledgeIrreversible()"})
		}
	default:
		errs = append(errs, &backup.ValidationError{Field: "Mode", Reason: "unknown lock mode"})
	}
	return errors.Join(errs...)
}

// Input returns the PutBackupVaultLockConfiguration input for vaultName.
func (l Lock) Input(vaultName string) (*awsbackup.PutBackupVaultLockConfigurationInput, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	in := &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String(vaultName)}
	if l.MinRetention > 0 {
		in.MinRetentionDays = aws.Int64(int64(l.MinRetention / backup.Day))
	}
	if l.MaxRetention > 0 {
		in.MaxRetentionDays = aws.Int64(int64(l.MaxRetention / backup.Day))
	}
	if l.Mode == Compliance {
		in.ChangeableForDays = aws.Int64(int64(l.ChangeableFor / backup.Day))
	}
	return in, nil
}

// PutLock applies a validated Vault Lock to a vault.
func (c *Client) PutLock(ctx context.Context, vaultName string, l Lock) error {
	in, err := l.Input(vaultName)
	if err != nil {
		return fmt.Errorf("lock vault %s: %w", vaultName, err)
	}
	if _, err := c.api.PutBackupVaultLockConfiguration(ctx, in); err != nil {
		return fmt.Errorf("lock vault %s: %w", vaultName, err)
	}
	c.opts.Logger.InfoContext(ctx, "vault lock applied", "vault", vaultName, "mode", l.Mode.String())
	return nil
}

// RemoveLock removes a governance lock, or a compliance lock still in its
// grace period (AWS refuses afterwards).
func (c *Client) RemoveLock(ctx context.Context, vaultName string) error {
	if _, err := c.api.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String(vaultName)}); err != nil {
		return fmt.Errorf("remove lock of vault %s: %w", vaultName, err)
	}
	return nil
}

// wholeDays is d in AWS's whole days: nil for zero, and nil with a problem
// on field added to errs when d is not a whole number of days.
func wholeDays(errs *[]error, field string, d time.Duration) *int64 {
	switch {
	case d == 0:
		return nil
	case d%backup.Day != 0:
		*errs = append(*errs, &backup.ValidationError{Field: field, Reason: fmt.Sprintf("must be a whole number of days, got %s", d)})
		return nil
	}
	n := int64(d / backup.Day)
	return &n
}
