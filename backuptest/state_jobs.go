package backuptest

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Job kinds in regionState.Active.
const (
	jobBackup  = "BACKUP"
	jobCopy    = "COPY"
	jobRestore = "RESTORE"
)

// activeJob names a job that has not reached a terminal state yet, so
// advanceLocked visits only jobs that can still change.
type activeJob struct {
	Kind string
	ID   string
}

// recoveryPoint is a backup in a vault (or a copy of one).
type recoveryPoint struct {
	ARN               string
	VaultName         string
	VaultARN          string
	ResourceARN       string
	ResourceType      string
	ResourceName      string
	Status            string // COMPLETED, PARTIAL, DELETING, EXPIRED
	StatusMessage     string
	CreationDate      time.Time
	CompletionDate    time.Time
	BackupSizeInBytes int64
	IAMRoleArn        string
	EncryptionKeyArn  string
	EncryptionKeyType string
	// MoveToColdStorageAfterDays / DeleteAfterDays, nil when unset.
	MoveToColdStorageAfterDays *int64
	DeleteAfterDays            *int64
	OptInToArchive             bool
	// Continuous marks a continuous recovery point (continuous.go): its
	// DeleteAfterDays bounds its restorable window instead of its life.
	Continuous bool `json:",omitempty"`
	// CreatedBy: the plan and rule, or nothing for on-demand jobs.
	BackupPlanID, BackupPlanArn, BackupPlanVersion, BackupRuleID string
	BackupJobID                                                  string
	CopyJobID                                                    string
	SourceBackupVaultArn                                         string
	// Fingerprint of the source's content at backup time; a restore gives
	// the new resource this fingerprint.
	Fingerprint string
	// SourceAttributes are the source's Attributes at backup time.
	SourceAttributes map[string]string
	// SourceTags are the source's tags at backup time
	// (CopySourceTagsToRestoredResource).
	SourceTags map[string]string
	// RestoreMetadata is what GetRecoveryPointRestoreMetadata returns.
	RestoreMetadata map[string]string
	// LastRestoreTime is when a restore from this point last completed.
	LastRestoreTime time.Time
}

// backupJob is a backup job, on demand or from a plan.
type backupJob struct {
	ID               string
	Account, Region  string
	VaultName        string
	VaultARN         string
	VaultType        string
	ResourceARN      string
	ResourceType     string
	ResourceName     string
	IAMRoleArn       string
	IdempotencyToken string
	State            string
	StatusMessage    string
	MessageCategory  string
	CreationDate     time.Time
	StartBy          time.Time
	CompletionDate   time.Time
	// EndAt is when the job reaches its terminal state (COMPLETED or the
	// injected failure), ExpectedCompletionDate in the API.
	EndAt time.Time
	// Duration is how long the job runs once started.
	Duration time.Duration
	// StartAt is when the job starts (RUNNING): its creation, or for a plan
	// job its scheduled time plus the start delay, later if the resource
	// was busy (plan_timing.go).
	StartAt time.Time `json:",omitzero"`
	// CompleteBy is the end of the completion window, counted from the
	// creation (zero: none).
	CompleteBy        time.Time `json:",omitzero"`
	RecoveryPointARN  string
	BackupSizeInBytes int64
	BackupOptions     map[string]string
	RecoveryPointTags map[string]string
	Lifecycle         *types.Lifecycle
	EncryptionKeyArn  string
	BackupPlanID      string
	BackupPlanArn     string
	BackupPlanVersion string
	BackupRuleID      string
	// BackupPlanName, BackupRuleName, BackupRuleCron and BackupRuleTimezone
	// complete CreatedBy for plan jobs.
	BackupPlanName, BackupRuleName, BackupRuleCron, BackupRuleTimezone string
	// CopyActions of the plan rule that started the job: each starts a copy
	// job when the backup job completes.
	CopyActions []types.CopyAction
	// The source resource as it was when the job started.
	SourceFingerprint string
	SourceAttributes  map[string]string
	SourceTags        map[string]string
	// Failure, when set, is the terminal state the job ends in.
	Failure *JobFailure
	// Continuous marks a continuous backup job (continuous.go).
	Continuous bool `json:",omitempty"`
}

// copyJob copies a recovery point to another vault, possibly in another
// account or Region.
type copyJob struct {
	ID                          string
	Account, Region             string
	SourceVaultARN              string
	SourceVaultName             string
	SourceRecoveryPointARN      string
	DestinationAccount          string
	DestinationRegion           string
	DestinationVaultName        string
	DestinationVaultARN         string
	DestinationRecoveryPointARN string
	ResourceARN                 string
	ResourceType                string
	ResourceName                string
	IAMRoleArn                  string
	IdempotencyToken            string
	State                       string
	StatusMessage               string
	MessageCategory             string
	CreationDate                time.Time
	CompletionDate              time.Time
	EndAt                       time.Time
	Duration                    time.Duration
	BackupSizeInBytes           int64
	Lifecycle                   *types.Lifecycle
	Failure                     *JobFailure
	// CreatedBy of copies a plan rule's copy action started.
	BackupPlanID, BackupPlanArn, BackupPlanVersion, BackupRuleID string
}

// creator is the job's CreatedBy.
func (j *copyJob) creator() *types.RecoveryPointCreator {
	if j.BackupPlanID == "" {
		return &types.RecoveryPointCreator{}
	}
	return &types.RecoveryPointCreator{BackupPlanId: aws.String(j.BackupPlanID), BackupPlanArn: aws.String(j.BackupPlanArn),
		BackupPlanVersion: aws.String(j.BackupPlanVersion), BackupRuleId: aws.String(j.BackupRuleID)}
}

// restoreJob restores a recovery point into a new resource.
type restoreJob struct {
	ID                        string
	Account, Region           string
	RecoveryPointARN          string
	RecoveryPointCreationDate time.Time
	VaultName                 string
	VaultARN                  string
	ResourceType              string
	SourceResourceARN         string
	IAMRoleArn                string
	IdempotencyToken          string
	Metadata                  map[string]string
	CopySourceTags            bool
	Status                    string
	StatusMessage             string
	CreationDate              time.Time
	CompletionDate            time.Time
	EndAt                     time.Time
	Duration                  time.Duration
	CreatedResourceARN        string
	BackupSizeInBytes         int64
	ValidationStatus          string
	ValidationMessage         string
	DeletionStatus            string
	DeletionMessage           string
	RestoreTestingPlanArn     string
	Failure                   *JobFailure
	// A restore test's selection and validation window
	// (restore_testing_runs.go).
	RestoreTestingSelection string        `json:",omitempty"`
	ValidationWindow        time.Duration `json:",omitempty"`
}

// legalHold keeps recovery points from being deleted.
type legalHold struct {
	ID                string
	ARN               string
	Title             string
	Description       string
	Status            string // CREATING, ACTIVE, CANCELING, CANCELED
	CreationDate      time.Time
	CancellationDate  time.Time
	CancelDescription string
	RetainRecordUntil time.Time
	IdempotencyToken  string
	// RecoveryPointSelection as given: vault names, resource ARNs, date range.
	VaultNames   []string
	ResourceARNs []string
	DateFrom     time.Time
	DateTo       time.Time
	// RecoveryPoints are the ARNs under this hold.
	RecoveryPoints []string
}

// regionSettings are UpdateRegionSettings' values (only the types a caller
// changed; the rest take AWS's defaults).
type regionSettings struct {
	ResourceTypeOptInPreference      map[string]bool
	ResourceTypeManagementPreference map[string]bool
}
