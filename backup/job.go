package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/internal/lazyre"
)

var (
	vaultNameRE = lazyre.New(`^[a-zA-Z0-9\-_]{2,50}$`)
	accountRE   = lazyre.New(`^[0-9]{12}$`)
)

// MaxRecoveryPointTags is the AWS quota of recovery point tags per job.
const MaxRecoveryPointTags = 10

// OptionWindowsVSS is the BackupOptions key that enables Windows VSS
// (application-consistent) backups of EC2 Windows instances.
const OptionWindowsVSS = "WindowsVSS"

// JobInput describes an on-demand backup (StartBackupJob).
type JobInput struct {
	// VaultName is the target backup vault. Required.
	VaultName string
	// ResourceARN is the resource to back up. Required; its type must be
	// one AWS Backup supports (ResourceTypeFromARN).
	ResourceARN string
	// IAMRoleARN is the role AWS Backup assumes. Required.
	IAMRoleARN string
	// IdempotencyToken makes retries safe: the same token returns the same
	// job. Empty means derived from every other field and the client's
	// idempotency window (see Options.IdempotencyWindow and
	// IdempotencyToken), so an identical request retried within the
	// window never starts a second job. Set your own token to tie retries
	// to your own notion of "the same backup" (e.g. a change ticket id).
	IdempotencyToken string
	// StartWindow is how long AWS may wait before starting the job
	// (≥ 1h; AWS default 8h); the job EXPIRES if it cannot start in time.
	StartWindow time.Duration
	// CompletionWindow is how long the job may run before AWS cancels it.
	CompletionWindow time.Duration
	// Lifecycle of the recovery point; zero uses the vault's defaults.
	Lifecycle Lifecycle
	// RecoveryPointTags are copied to the recovery point (at most 10).
	RecoveryPointTags map[string]string
	// BackupOptions are resource-specific options, e.g. {"WindowsVSS":
	// "enabled"}. WindowsVSS is a shortcut for that one.
	BackupOptions map[string]string
	// WindowsVSS enables application-consistent Windows VSS backups (EC2).
	WindowsVSS bool
	// LogicallyAirGappedVaultARN optionally targets a logically air-gapped
	// vault directly.
	LogicallyAirGappedVaultARN string
}

func (in *JobInput) validate() error {
	var errs []error
	if !vaultNameRE.MatchString(in.VaultName) {
		errs = append(errs, &ValidationError{Field: "VaultName", Reason: "must match ^[a-zA-Z0-9-_]{2,50}$"})
	}
	if in.ResourceARN == "" {
		errs = append(errs, &ValidationError{Field: "ResourceARN", Reason: "required"})
	} else if _, err := ResourceTypeFromARN(in.ResourceARN); err != nil {
		errs = append(errs, &ValidationError{Field: "ResourceARN", Reason: err.Error()})
	}
	if err := checkRoleARN(in.IAMRoleARN); err != nil {
		errs = append(errs, &ValidationError{Field: "IAMRoleARN", Reason: err.Error()})
	}
	if _, err := windowMinutes("StartWindow", in.StartWindow, MinStartWindow); err != nil {
		errs = append(errs, err)
	}
	if _, err := windowMinutes("CompletionWindow", in.CompletionWindow, time.Minute); err != nil {
		errs = append(errs, err)
	}
	if in.StartWindow > 0 && in.CompletionWindow > 0 && in.CompletionWindow < in.StartWindow {
		errs = append(errs, &ValidationError{Field: "CompletionWindow", Reason: "must not be shorter than StartWindow"})
	}
	if err := in.Lifecycle.Validate("Lifecycle"); err != nil {
		errs = append(errs, err)
	}
	if len(in.RecoveryPointTags) > MaxRecoveryPointTags {
		errs = append(errs, &ValidationError{Field: "RecoveryPointTags", Reason: fmt.Sprintf("at most %d tags", MaxRecoveryPointTags)})
	}
	for k := range in.RecoveryPointTags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			errs = append(errs, &ValidationError{Field: "RecoveryPointTags[" + k + "]", Reason: `keys starting with "aws:" are reserved`})
		}
	}
	if in.LogicallyAirGappedVaultARN != "" {
		if _, err := ParseVaultARN(in.LogicallyAirGappedVaultARN); err != nil {
			errs = append(errs, &ValidationError{Field: "LogicallyAirGappedVaultARN", Reason: err.Error()})
		}
	}
	return errors.Join(errs...)
}

func checkRoleARN(s string) error {
	if s == "" {
		return errors.New("required")
	}
	a, err := arn.Parse(s)
	if err != nil {
		return err
	}
	if a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return fmt.Errorf("%q is not an IAM role ARN", s)
	}
	return nil
}

func (in *JobInput) options() map[string]string {
	if len(in.BackupOptions) == 0 && !in.WindowsVSS {
		return nil
	}
	opts := maps.Clone(in.BackupOptions)
	if opts == nil {
		opts = map[string]string{}
	}
	if in.WindowsVSS {
		opts[OptionWindowsVSS] = "enabled"
	}
	return opts
}

// IdempotencyToken is a hash of every field of in that shapes the
// job, so equal inputs give equal tokens. StartBackup combines it with the
// start of the current idempotency window (Client.BackupToken).
func IdempotencyToken(in JobInput) string {
	return hashToken("backup",
		in.VaultName, in.ResourceARN, in.IAMRoleARN, in.StartWindow.String(), in.CompletionWindow.String(),
		lifecycleKey(in.Lifecycle),
		sortedMap(in.RecoveryPointTags), sortedMap(in.options()), in.LogicallyAirGappedVaultARN)
}

// DeriveToken returns a deterministic idempotency token for the given
// parts (for example a failed job's id), valid for every AWS Backup
// IdempotencyToken field.
func DeriveToken(parts ...string) string { return hashToken(parts...) }

func hashToken(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return "bk-" + hex.EncodeToString(h.Sum(nil))[:40]
}

func lifecycleKey(l Lifecycle) string {
	if l.IsZero() {
		return ""
	}
	return fmt.Sprintf("%v/%v/%v", l.MoveToColdStorageAfter, l.DeleteAfter, l.OptInToArchive)
}

func sortedMap(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "%d:%s=%d:%s;", len(k), k, len(m[k]), m[k])
	}
	return b.String()
}

// BackupToken returns the idempotency token StartBackup uses for in when
// it has none: IdempotencyToken(in) combined with the start of the
// current Options.IdempotencyWindow.
func (c *Client) IdempotencyToken(in JobInput) string {
	if in.IdempotencyToken != "" {
		return in.IdempotencyToken
	}
	if c.opts.IdempotencyWindow < 0 {
		return IdempotencyToken(in)
	}
	window := c.opts.Now().UTC().Truncate(c.opts.IdempotencyWindow)
	return DeriveToken(IdempotencyToken(in), window.Format(time.RFC3339))
}

// Job is a handle on a started backup job.
type Job struct {
	ID               string
	RecoveryPointARN string
	CreationDate     time.Time
	IdempotencyToken string
	waiter           *JobWaiter
}

// Wait waits for the job like JobWaiter.Wait.
func (j *Job) Wait(ctx context.Context, maxWait time.Duration, optFns ...func(*WaiterOptions)) (*awsbackup.DescribeBackupJobOutput, error) {
	return j.waiter.Wait(ctx, j.ID, maxWait, optFns...)
}

// SDK validates in and returns the StartBackupJob request it describes,
// with in.IdempotencyToken or, when that is empty, the window-free
// IdempotencyToken(in). It is what StartBackup sends (StartBackup fills
// the token from the client's idempotency window first); use it where
// another caller sends the request, such as a Step Functions task. Invalid
// input returns every problem at once (errors.Join of *ValidationError).
func (in JobInput) SDK() (*awsbackup.StartBackupJobInput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	token := in.IdempotencyToken
	if token == "" {
		token = IdempotencyToken(in)
	}
	start, _ := windowMinutes("StartWindow", in.StartWindow, MinStartWindow)
	complete, _ := windowMinutes("CompletionWindow", in.CompletionWindow, time.Minute)
	params := &awsbackup.StartBackupJobInput{
		BackupVaultName:       aws.String(in.VaultName),
		ResourceArn:           aws.String(in.ResourceARN),
		IamRoleArn:            aws.String(in.IAMRoleARN),
		IdempotencyToken:      aws.String(token),
		StartWindowMinutes:    start,
		CompleteWindowMinutes: complete,
		Lifecycle:             in.Lifecycle.SDK(),
		RecoveryPointTags:     maps.Clone(in.RecoveryPointTags),
		BackupOptions:         in.options(),
	}
	if in.LogicallyAirGappedVaultARN != "" {
		params.LogicallyAirGappedBackupVaultArn = aws.String(in.LogicallyAirGappedVaultARN)
	}
	return params, nil
}

// StartBackup validates in and starts an on-demand backup job. Invalid
// input returns every problem at once (errors.Join of *ValidationError)
// without calling AWS.
func (c *Client) StartBackup(ctx context.Context, in JobInput) (*Job, error) {
	in.IdempotencyToken = c.IdempotencyToken(in)
	params, err := in.SDK()
	if err != nil {
		return nil, fmt.Errorf("start backup: %w", err)
	}
	token := in.IdempotencyToken
	out, err := c.api.StartBackupJob(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("start backup of %s: %w", in.ResourceARN, err)
	}
	c.opts.Logger.DebugContext(ctx, "started backup job", "jobId", aws.ToString(out.BackupJobId), "resource", in.ResourceARN)
	return &Job{
		ID:               aws.ToString(out.BackupJobId),
		RecoveryPointARN: aws.ToString(out.RecoveryPointArn),
		CreationDate:     aws.ToTime(out.CreationDate),
		IdempotencyToken: token,
		waiter:           &JobWaiter{api: c.api, opts: c.opts.Waiter},
	}, nil
}

// JobWaiter returns a waiter using the client's API and default
// waiter options.
func (c *Client) JobWaiter() *JobWaiter {
	return &JobWaiter{api: c.api, opts: c.opts.Waiter}
}

// CopyJobWaiter returns a waiter using the client's API and default waiter
// options.
func (c *Client) CopyJobWaiter() *CopyJobWaiter {
	return &CopyJobWaiter{api: c.api, opts: c.opts.Waiter}
}

// VaultARN is a parsed backup vault ARN
// (arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME).
type VaultARN struct {
	Partition, Region, AccountID, Name string
}

// String formats the ARN.
func (v VaultARN) String() string {
	p := v.Partition
	if p == "" {
		p = "aws"
	}
	return arn.ARN{Partition: p, Service: "backup", Region: v.Region, AccountID: v.AccountID, Resource: "backup-vault:" + v.Name}.String()
}

// ParseVaultARN parses and checks a backup vault ARN.
func ParseVaultARN(s string) (VaultARN, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return VaultARN{}, err
	}
	name, ok := strings.CutPrefix(a.Resource, "backup-vault:")
	switch {
	case a.Service != "backup" || !ok:
		return VaultARN{}, fmt.Errorf("%q is not a backup vault ARN", s)
	case a.Region == "":
		return VaultARN{}, fmt.Errorf("vault ARN %q has no Region", s)
	case !accountRE.MatchString(a.AccountID):
		return VaultARN{}, fmt.Errorf("vault ARN %q has no 12-digit account id", s)
	case !vaultNameRE.MatchString(name):
		return VaultARN{}, fmt.Errorf("vault ARN %q has an invalid vault name", s)
	}
	return VaultARN{Partition: a.Partition, Region: a.Region, AccountID: a.AccountID, Name: name}, nil
}

// CopyInput describes a copy of a recovery point to another vault, in the
// same or another Region or account (StartCopyJob).
type CopyInput struct {
	// SourceVaultName holds the recovery point. Required.
	SourceVaultName string
	// RecoveryPointARN is the recovery point to copy. Required.
	RecoveryPointARN string
	// IAMRoleARN is the role AWS Backup assumes. Required.
	IAMRoleARN string
	// DestinationVaultARN is the target vault. Alternatively set
	// DestinationVaultName with DestinationRegion and/or
	// DestinationAccountID and the ARN is built: the Region defaults to the
	// recovery point's Region and the account to the IAM role's account,
	// the partition to the role's partition.
	DestinationVaultARN  string
	DestinationVaultName string
	DestinationRegion    string
	DestinationAccountID string
	// Lifecycle of the copy; zero keeps the source's.
	Lifecycle Lifecycle
	// IdempotencyToken; empty means derived from the other fields.
	IdempotencyToken string
}

// DestinationARN returns the checked destination vault ARN, building it
// when only the name (and Region/account) are set.
func (in *CopyInput) DestinationARN() (VaultARN, error) {
	if in.DestinationVaultARN != "" {
		if in.DestinationVaultName != "" || in.DestinationRegion != "" || in.DestinationAccountID != "" {
			return VaultARN{}, &ValidationError{Field: "DestinationVaultARN", Reason: "set either the ARN or name/Region/account, not both"}
		}
		v, err := ParseVaultARN(in.DestinationVaultARN)
		if err != nil {
			return VaultARN{}, &ValidationError{Field: "DestinationVaultARN", Reason: err.Error()}
		}
		return v, nil
	}
	if in.DestinationVaultName == "" {
		return VaultARN{}, &ValidationError{Field: "DestinationVaultARN", Reason: "required (or DestinationVaultName)"}
	}
	v := VaultARN{Name: in.DestinationVaultName, Region: in.DestinationRegion, AccountID: in.DestinationAccountID}
	if role, err := arn.Parse(in.IAMRoleARN); err == nil {
		v.Partition = role.Partition
		if v.AccountID == "" {
			v.AccountID = role.AccountID
		}
	}
	if rp, err := arn.Parse(in.RecoveryPointARN); err == nil && v.Region == "" {
		v.Region = rp.Region
	}
	parsed, err := ParseVaultARN(v.String())
	if err != nil {
		return VaultARN{}, &ValidationError{Field: "DestinationVaultName", Reason: err.Error()}
	}
	return parsed, nil
}

func (in *CopyInput) validate() (VaultARN, error) {
	var errs []error
	if !vaultNameRE.MatchString(in.SourceVaultName) {
		errs = append(errs, &ValidationError{Field: "SourceVaultName", Reason: "must match ^[a-zA-Z0-9-_]{2,50}$"})
	}
	if _, err := arn.Parse(in.RecoveryPointARN); err != nil {
		errs = append(errs, &ValidationError{Field: "RecoveryPointARN", Reason: "must be an ARN"})
	}
	if err := checkRoleARN(in.IAMRoleARN); err != nil {
		errs = append(errs, &ValidationError{Field: "IAMRoleARN", Reason: err.Error()})
	}
	dest, err := in.DestinationARN()
	if err != nil {
		errs = append(errs, err)
	}
	if err == nil {
		if role, rerr := arn.Parse(in.IAMRoleARN); rerr == nil && dest.AccountID == role.AccountID && dest.Name == in.SourceVaultName {
			if rp, perr := arn.Parse(in.RecoveryPointARN); perr == nil && rp.Region == dest.Region {
				errs = append(errs, &ValidationError{Field: "DestinationVaultARN", Reason: "is the source vault"})
			}
		}
	}
	if err := in.Lifecycle.Validate("Lifecycle"); err != nil {
		errs = append(errs, err)
	}
	return dest, errors.Join(errs...)
}

// CopyJob is a handle on a started copy job.
type CopyJob struct {
	ID                  string
	DestinationVaultARN string
	CreationDate        time.Time
	IdempotencyToken    string
	waiter              *CopyJobWaiter
}

// Wait waits for the job like CopyJobWaiter.Wait.
func (j *CopyJob) Wait(ctx context.Context, maxWait time.Duration, optFns ...func(*WaiterOptions)) (*awsbackup.DescribeCopyJobOutput, error) {
	return j.waiter.Wait(ctx, j.ID, maxWait, optFns...)
}

// StartCopy validates in, builds and checks the destination vault ARN and
// starts a copy job.
func (c *Client) StartCopy(ctx context.Context, in CopyInput) (*CopyJob, error) {
	dest, err := in.validate()
	if err != nil {
		return nil, fmt.Errorf("start copy: %w", err)
	}
	token := in.IdempotencyToken
	if token == "" {
		token = hashToken("copy", in.SourceVaultName, in.RecoveryPointARN, in.IAMRoleARN, dest.String(), lifecycleKey(in.Lifecycle))
	}
	out, err := c.api.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
		SourceBackupVaultName:     aws.String(in.SourceVaultName),
		RecoveryPointArn:          aws.String(in.RecoveryPointARN),
		IamRoleArn:                aws.String(in.IAMRoleARN),
		DestinationBackupVaultArn: aws.String(dest.String()),
		Lifecycle:                 in.Lifecycle.SDK(),
		IdempotencyToken:          aws.String(token),
	})
	if err != nil {
		return nil, fmt.Errorf("start copy of %s to %s: %w", in.RecoveryPointARN, dest, err)
	}
	return &CopyJob{
		ID:                  aws.ToString(out.CopyJobId),
		DestinationVaultARN: dest.String(),
		CreationDate:        aws.ToTime(out.CreationDate),
		IdempotencyToken:    token,
		waiter:              &CopyJobWaiter{api: c.api, opts: c.opts.Waiter},
	}, nil
}
