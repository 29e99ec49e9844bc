package backuptest

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// plan is a backup plan with every version kept (UpdateBackupPlan makes a
// new version; GetBackupPlan can read old ones by VersionId). A deleted plan
// stays (ListBackupPlans with IncludeDeleted shows it) with DeletionDate set.
type plan struct {
	ID                string
	ARN               string
	CreatorRequestId  string
	CreationDate      time.Time
	DeletionDate      time.Time
	LastExecutionDate time.Time
	// LastScheduled is the instant up to which the plan's schedules have
	// been run (Options.RunPlans): rules fire at their times after it. It
	// starts at the plan's creation so a new plan does not backfill.
	LastScheduled time.Time
	// Versions, oldest first; the last one is current.
	Versions   []planVersion
	Selections map[string]*selection
}

// current is the plan's current version.
func (p *plan) current() *planVersion { return &p.Versions[len(p.Versions)-1] }

// deleted reports whether DeleteBackupPlan removed the plan.
func (p *plan) deleted() bool { return !p.DeletionDate.IsZero() }

type planVersion struct {
	VersionID    string
	CreationDate time.Time
	// Plan is the version as GetBackupPlan returns it: defaults filled in
	// and a RuleId on every rule.
	Plan types.BackupPlan
	// Document is the canonical JSON of the BackupPlanInput that made this
	// version; CreateBackupPlan with the same document again is
	// AlreadyExistsException.
	Document string
}

type selection struct {
	ID               string
	PlanID           string
	CreatorRequestId string
	CreationDate     time.Time
	Selection        types.BackupSelection
}

// framework is a Backup Audit Manager framework.
type framework struct {
	Name             string
	ARN              string
	Description      string
	Controls         []types.FrameworkControl
	CreationTime     time.Time
	DeploymentStatus string
	// Deployed is when DeploymentStatus becomes COMPLETED.
	Deployed         time.Time
	Status           string
	IdempotencyToken string
}

// reportPlan is a Backup Audit Manager report plan.
type reportPlan struct {
	Name             string
	ARN              string
	Description      string
	DeliveryChannel  types.ReportDeliveryChannel
	Setting          types.ReportSetting
	CreationTime     time.Time
	DeploymentStatus string
	Deployed         time.Time
	LastAttempted    time.Time
	LastSuccessful   time.Time
	IdempotencyToken string
}

// reportJob is one run of a report plan.
type reportJob struct {
	ID             string
	ReportPlanARN  string
	ReportTemplate string
	CreationTime   time.Time
	// Done is when the job reaches COMPLETED.
	Done           time.Time
	CompletionTime time.Time
	Status         string
	StatusMessage  string
	Destination    types.ReportDestination
}

// restoreTestingPlan is an AWS Backup restore testing plan and its selections.
type restoreTestingPlan struct {
	Name             string
	ARN              string
	CreatorRequestId string
	CreationTime     time.Time
	LastUpdateTime   time.Time
	Plan             types.RestoreTestingPlanForGet
	Selections       map[string]*types.RestoreTestingSelectionForGet
	// LastScheduled is the instant up to which the schedule has run;
	// LastExecution the last time it fired (restore_testing_runs.go).
	LastScheduled time.Time `json:",omitempty"`
	LastExecution time.Time `json:",omitempty"`
}

// tieringConfig is an S3 backup tiering configuration (misc_ops.go).
type tieringConfig struct {
	ARN    string
	Config types.TieringConfiguration
}
