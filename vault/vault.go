// Package vault manages AWS Backup vaults safely: creation with a checked
// customer-managed KMS key and a deterministic CreatorRequestId, Ensure
// (create-or-verify), Describe, a Delete that never removes points it must
// keep, Vault Lock with an explicit compliance acknowledgement, access
// policies, SNS notifications and logically air-gapped vaults.
package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/sleep"
)

// API is the part of the AWS Backup client this package uses.
type API interface {
	CreateBackupVault(context.Context, *awsbackup.CreateBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.CreateBackupVaultOutput, error)
	CreateLogicallyAirGappedBackupVault(context.Context, *awsbackup.CreateLogicallyAirGappedBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.CreateLogicallyAirGappedBackupVaultOutput, error)
	DescribeBackupVault(context.Context, *awsbackup.DescribeBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupVaultOutput, error)
	DeleteBackupVault(context.Context, *awsbackup.DeleteBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultOutput, error)
	TagResource(context.Context, *awsbackup.TagResourceInput, ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
	PutBackupVaultLockConfiguration(context.Context, *awsbackup.PutBackupVaultLockConfigurationInput, ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultLockConfigurationOutput, error)
	DeleteBackupVaultLockConfiguration(context.Context, *awsbackup.DeleteBackupVaultLockConfigurationInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultLockConfigurationOutput, error)
	PutBackupVaultAccessPolicy(context.Context, *awsbackup.PutBackupVaultAccessPolicyInput, ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultAccessPolicyOutput, error)
	GetBackupVaultAccessPolicy(context.Context, *awsbackup.GetBackupVaultAccessPolicyInput, ...func(*awsbackup.Options)) (*awsbackup.GetBackupVaultAccessPolicyOutput, error)
	DeleteBackupVaultAccessPolicy(context.Context, *awsbackup.DeleteBackupVaultAccessPolicyInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultAccessPolicyOutput, error)
	PutBackupVaultNotifications(context.Context, *awsbackup.PutBackupVaultNotificationsInput, ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultNotificationsOutput, error)
	GetBackupVaultNotifications(context.Context, *awsbackup.GetBackupVaultNotificationsInput, ...func(*awsbackup.Options)) (*awsbackup.GetBackupVaultNotificationsOutput, error)
	DeleteBackupVaultNotifications(context.Context, *awsbackup.DeleteBackupVaultNotificationsInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultNotificationsOutput, error)
	ListRecoveryPointsByBackupVault(context.Context, *awsbackup.ListRecoveryPointsByBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
	DeleteRecoveryPoint(context.Context, *awsbackup.DeleteRecoveryPointInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteRecoveryPointOutput, error)
	ListLegalHolds(context.Context, *awsbackup.ListLegalHoldsInput, ...func(*awsbackup.Options)) (*awsbackup.ListLegalHoldsOutput, error)
	ListRecoveryPointsByLegalHold(context.Context, *awsbackup.ListRecoveryPointsByLegalHoldInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByLegalHoldOutput, error)
}

var _ API = (*awsbackup.Client)(nil)

// Options configures a Client.
type Options struct {
	// Logger receives debug logs. Default: discard.
	Logger *slog.Logger
	// Now is the clock used to judge vault lock retention. Default time.Now.
	Now func() time.Time
	// Sleep waits between checks while a vault empties after its points
	// were deleted; it must return early with ctx's error. Default: a
	// timer that selects on ctx.Done().
	Sleep func(ctx context.Context, d time.Duration) error
	// EmptyPollInterval and EmptyPollAttempts bound how long Delete waits
	// for deleted points to disappear before deleting the vault.
	// Defaults 5s and 12.
	EmptyPollInterval time.Duration
	EmptyPollAttempts int
	// Keys, when set, checks Spec.KMSKeyARN in Ensure before anything
	// else, and Ensure refuses a key that fails with the checker's reason
	// (keys.Provider checks in two KMS calls: enabled, symmetric, in the
	// vault's Region, a policy that lets the backup role use it).
	Keys KeyChecker
}

// KeyChecker checks that a KMS key can encrypt a vault.
type KeyChecker interface {
	CheckVaultKey(ctx context.Context, keyARN string) error
}

// Client manages backup vaults. Create it with New.
type Client struct {
	api  API
	opts Options
}

// New returns a Client over api (normally an *awsbackup.Client).
func New(api API, optFns ...func(*Options)) *Client {
	c := &Client{api: api}
	for _, fn := range optFns {
		fn(&c.opts)
	}
	if c.opts.Logger == nil {
		c.opts.Logger = slog.New(slog.DiscardHandler)
	}
	if c.opts.Now == nil {
		c.opts.Now = time.Now
	}
	if c.opts.Sleep == nil {
		c.opts.Sleep = sleep.For
	}
	if c.opts.EmptyPollInterval <= 0 {
		c.opts.EmptyPollInterval = 5 * time.Second
	}
	if c.opts.EmptyPollAttempts <= 0 {
		c.opts.EmptyPollAttempts = 12
	}
	return c
}

var (
	nameRE      = regexp.MustCompile(`^[a-zA-Z0-9\-_]{2,50}$`)
	requestIDRE = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,50}$`)
)

// Spec describes a backup vault to create or ensure.
type Spec struct {
	// Name: 2–50 of letters, digits, '-' and '_'. Required.
	Name string
	// KMSKeyARN is the customer-managed KMS key that encrypts the vault's
	// backups (arn:…:kms:REGION:ACCOUNT:key/ID). Empty uses the AWS
	// managed key. It cannot be changed after creation.
	KMSKeyARN string
	// Tags are applied to the vault.
	Tags map[string]string
	// CreatorRequestID makes creation idempotent; empty means derived from
	// Name and KMSKeyARN (CreatorRequestID).
	CreatorRequestID string
}

// CreatorRequestID returns the deterministic CreatorRequestId used when a
// Spec has none: "vault-" and 40 hex digits of a hash of the name and key.
func CreatorRequestID(name, kmsKeyARN string) string {
	h := sha256.Sum256([]byte(name + "\x00" + kmsKeyARN))
	return "vault-" + hex.EncodeToString(h[:])[:40]
}

// CheckKMSKeyARN reports whether s is a KMS key ARN (not an alias, key id
// or another service's ARN).
func CheckKMSKeyARN(s string) error {
	a, err := arn.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not an ARN: %w", s, err)
	}
	id, ok := strings.CutPrefix(a.Resource, "key/")
	switch {
	case a.Service != "kms":
		return fmt.Errorf("%q is not a KMS ARN", s)
	case strings.HasPrefix(a.Resource, "alias/"):
		return fmt.Errorf("%q is a KMS alias; use the key ARN", s)
	case !ok || id == "":
		return fmt.Errorf("%q is not a KMS key ARN", s)
	case a.Region == "" || len(a.AccountID) != 12:
		return fmt.Errorf("%q lacks a Region or 12-digit account", s)
	}
	return nil
}

func (s *Spec) validate() error {
	var errs []error
	if !nameRE.MatchString(s.Name) {
		errs = append(errs, &backup.ValidationError{Field: "Name", Reason: "must match ^[a-zA-Z0-9-_]{2,50}$"})
	}
	if s.KMSKeyARN != "" {
		if err := CheckKMSKeyARN(s.KMSKeyARN); err != nil {
			errs = append(errs, &backup.ValidationError{Field: "KMSKeyARN", Reason: err.Error()})
		}
	}
	if s.CreatorRequestID != "" && !requestIDRE.MatchString(s.CreatorRequestID) {
		errs = append(errs, &backup.ValidationError{Field: "CreatorRequestID", Reason: "must be 1-50 of letters, digits, '-', '_' and '.'"})
	}
	if err := backup.ValidateTags("Tags", s.Tags); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Info describes a backup vault.
type Info struct {
	Name                   string
	ARN                    string
	KMSKeyARN              string
	CreatorRequestID       string
	CreationDate           time.Time
	NumberOfRecoveryPoints int64
	Type                   types.VaultType
	State                  types.VaultState
	// Lock settings: Locked is true once a compliance lock's grace period
	// ended; MinRetention/MaxRetention are zero without a lock.
	Locked       bool
	LockDate     time.Time
	MinRetention time.Duration
	MaxRetention time.Duration
}

// HasLock reports whether a Vault Lock (or air-gapped retention) applies.
func (i *Info) HasLock() bool { return i.MinRetention > 0 || i.MaxRetention > 0 || i.Locked }

func infoFromSDK(out *awsbackup.DescribeBackupVaultOutput) *Info {
	return &Info{
		Name: aws.ToString(out.BackupVaultName), ARN: aws.ToString(out.BackupVaultArn),
		KMSKeyARN: aws.ToString(out.EncryptionKeyArn), CreatorRequestID: aws.ToString(out.CreatorRequestId),
		CreationDate: aws.ToTime(out.CreationDate), NumberOfRecoveryPoints: out.NumberOfRecoveryPoints,
		Type: out.VaultType, State: out.VaultState, Locked: aws.ToBool(out.Locked), LockDate: aws.ToTime(out.LockDate),
		MinRetention: backup.Days(int(aws.ToInt64(out.MinRetentionDays))), MaxRetention: backup.Days(int(aws.ToInt64(out.MaxRetentionDays))),
	}
}

// Describe returns a vault's description. A missing vault gives an error
// for which backup.IsNotFound is true.
func (c *Client) Describe(ctx context.Context, name string) (*Info, error) {
	out, err := c.api.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("describe vault %s: %w", name, err)
	}
	return infoFromSDK(out), nil
}

// Create creates a vault and returns its description. It fails with an
// AlreadyExistsException (backup.IsAlreadyExists) if a vault of that name
// exists with another CreatorRequestId; use Ensure for create-or-verify.
func (c *Client) Create(ctx context.Context, s Spec) (*Info, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	rid := s.CreatorRequestID
	if rid == "" {
		rid = CreatorRequestID(s.Name, s.KMSKeyARN)
	}
	in := &awsbackup.CreateBackupVaultInput{
		BackupVaultName:  aws.String(s.Name),
		BackupVaultTags:  maps.Clone(s.Tags),
		CreatorRequestId: aws.String(rid),
	}
	if s.KMSKeyARN != "" {
		in.EncryptionKeyArn = aws.String(s.KMSKeyARN)
	}
	if _, err := c.api.CreateBackupVault(ctx, in); err != nil {
		return nil, fmt.Errorf("create vault %s: %w", s.Name, err)
	}
	return c.Describe(ctx, s.Name)
}

// MismatchError reports an existing vault that differs from its Spec in a
// way that cannot be changed (the KMS key).
type MismatchError struct {
	Vault, Field, Want, Got string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("vault %s exists with %s %q; want %q (cannot be changed: create a new vault)", e.Vault, e.Field, e.Got, e.Want)
}

// Ensure makes sure the vault exists as specified: it creates a missing
// vault, and for an existing one checks the KMS key (a *MismatchError when
// it differs) and adds the Spec's tags. created reports whether the vault
// was created by this call.
func (c *Client) Ensure(ctx context.Context, s Spec) (info *Info, created bool, err error) {
	if err := s.validate(); err != nil {
		return nil, false, fmt.Errorf("ensure vault: %w", err)
	}
	if s.KMSKeyARN != "" && c.opts.Keys != nil {
		if err := c.opts.Keys.CheckVaultKey(ctx, s.KMSKeyARN); err != nil {
			return nil, false, fmt.Errorf("ensure vault %s: %w", s.Name, err)
		}
	}
	info, err = c.Describe(ctx, s.Name)
	if backup.IsNotFound(err) || isAccessDenied(err) {
		// AWS answers DescribeBackupVault for a vault that does not exist
		// with AccessDeniedException in some setups, even to a caller with
		// the permission (amazon.aws#1436; Terraform reads it as "gone",
		// terraform-provider-aws#11840). Creating tells the cases apart: a
		// missing vault is created; an existing one answers AlreadyExists,
		// and then the denial was real.
		denied := isAccessDenied(err)
		described := err
		info, err = c.Create(ctx, s)
		switch {
		case err == nil:
			return info, true, nil
		case backup.IsAlreadyExists(err) && denied:
			return nil, false, fmt.Errorf("ensure vault %s: it exists but cannot be described: %w", s.Name, described)
		case backup.IsAlreadyExists(err): // created concurrently
			info, err = c.Describe(ctx, s.Name)
		}
	}
	if err != nil {
		return nil, false, err
	}
	if s.KMSKeyARN != "" && info.KMSKeyARN != s.KMSKeyARN {
		return info, false, &MismatchError{Vault: s.Name, Field: "KMSKeyARN", Want: s.KMSKeyARN, Got: info.KMSKeyARN}
	}
	if len(s.Tags) > 0 {
		if _, err := c.api.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(info.ARN), Tags: maps.Clone(s.Tags)}); err != nil {
			return info, false, fmt.Errorf("tag vault %s: %w", s.Name, err)
		}
	}
	return info, false, nil
}

// isAccessDenied reports whether err is AWS's AccessDeniedException.
func isAccessDenied(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException"
}
