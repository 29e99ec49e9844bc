package backuptest

import "time"

// recoveryPoint is a backup in a vault (or a copy of one).
type recoveryPoint struct {
	ARN               string
	VaultName         string
	VaultARN          string
	ResourceARN       string
	ResourceType      string
	ResourceName      string
	Status            string // COMPLETED, PARTIAL, DELETING, EXPIRED, AVAILABLE…
	StatusMessage     string
	CreationDate      time.Time
	CompletionDate    time.Time
	BackupSizeInBytes int64
	IAMRoleArn        string
	EncryptionKeyArn  string
	// MoveToColdStorageAfterDays / DeleteAfterDays, nil when unset.
	MoveToColdStorageAfterDays *int64
	DeleteAfterDays            *int64
	OptInToArchive             bool
	// CreatedBy: the plan and rule, or the on-demand job.
	BackupPlanID, BackupPlanArn, BackupPlanVersion, BackupRuleID string
	BackupJobID                                                  string
	SourceBackupVaultArn                                         string
	// Fingerprint of the source's content at backup time; a restore gives
	// the new resource this fingerprint.
	Fingerprint string
	// SourceAttributes are the source's Attributes at backup time.
	SourceAttributes map[string]string
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
	ResourceARN      string
	ResourceType     string
	ResourceName     string
	IAMRoleArn       string
	IdempotencyToken string
	State            string
	StatusMessage    string
	PercentDone      string
	CreationDate     time.Time
	StartBy          time.Time
	CompletionDate   time.Time
	// Duration is how long the job runs once started.
	Duration                   time.Duration
	RecoveryPointARN           string
	BackupSizeInBytes          int64
	BackupOptions              map[string]string
	RecoveryPointTags          map[string]string
	MoveToColdStorageAfterDays *int64
	DeleteAfterDays            *int64
	BackupPlanID               string
	BackupRuleID               string
	// Failure, when set, is the terminal state the job ends in.
	Failure *JobFailure
}

// copyJob copies a recovery point to another vault, possibly in another
// account or Region.
type copyJob struct {
	ID                          string
	Account, Region             string
	SourceVaultARN              string
	SourceRecoveryPointARN      string
	DestinationVaultARN         string
	DestinationRecoveryPointARN string
	ResourceARN                 string
	ResourceType                string
	IAMRoleArn                  string
	IdempotencyToken            string
	State                       string
	StatusMessage               string
	CreationDate                time.Time
	CompletionDate              time.Time
	Duration                    time.Duration
	BackupSizeInBytes           int64
	MoveToColdStorageAfterDays  *int64
	DeleteAfterDays             *int64
	Failure                     *JobFailure
}

// restoreJob restores a recovery point into a new resource.
type restoreJob struct {
	ID                 string
	Account, Region    string
	RecoveryPointARN   string
	VaultName          string
	ResourceType       string
	SourceResourceARN  string
	IAMRoleArn         string
	IdempotencyToken   string
	Metadata           map[string]string
	Status             string
	StatusMessage      string
	PercentDone        string
	CreationDate       time.Time
	CompletionDate     time.Time
	Duration           time.Duration
	CreatedResourceARN string
	BackupSizeInBytes  int64
	ValidationStatus   string
	ValidationMessage  string
	DeletionStatus     string
	Failure            *JobFailure
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

// regionSettings are UpdateRegionSettings' values.
type regionSettings struct {
	ResourceTypeOptInPreference      map[string]bool
	ResourceTypeManagementPreference map[string]bool
}
