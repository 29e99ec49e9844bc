package function

import "time"

// Lambda steps: the "step" of the payload each Lambda Task of the
// automation workflows sends.
const (
	StepPlan         = "plan"
	StepPrepare      = "prepare"
	StepBackedUp     = "backed-up"
	StepRestoreInput = "restore-input"
	StepJob          = "job"
	StepValidate     = "validate"
	StepCleanup      = "cleanup"
	StepUnfinished   = "unfinished"
	StepReport       = "report"
	StepRemediate    = "remediate"
)

// ErrorTargetFailed is the error name of a Lambda step that ends its
// target (no recovery point, failed backup, bad metadata…): the workflows
// never retry it and catch it with the cleanup step.
const ErrorTargetFailed = "backupkit.TargetFailed"

// ErrorJobRunning is the error name of the "job" step while the job it
// describes has not ended. The workflows' poll Task retries on it with a
// growing delay, so one poll cycle costs one state transition (Step
// Functions counts each retry as one: https://aws.amazon.com/step-functions/pricing/
// — "each retry will be charged as an additional state transition";
// retrier fields: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
// A Wait, describe and Choice loop would cost three.
const ErrorJobRunning = "backupkit.JobRunning"

// Job types the "job" step describes.
const (
	JobTypeBackup  = "BACKUP"
	JobTypeRestore = "RESTORE"
	JobTypeCopy    = "COPY"
)

// waitSeconds converts a delay for a Wait state, rounding up to whole
// seconds (at least 1).
func waitSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
