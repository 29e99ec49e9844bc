package restore

import (
	"errors"
	"fmt"

	"github.com/backupkit/backupkit/backup"
)

// ValidationError is backup.ValidationError, the one validation error
// type of backupkit. Restore inputs, restore testing builders and drills
// that fail validation return every problem at once as an errors.Join of
// them, each naming its field (e.g. "EBS.VolumeSizeGiB"); list them with
// backup.ValidationErrors.
type ValidationError = backup.ValidationError

// ErrNoHandler is returned (wrapped) when a drill target has a resource
// type for which no Handler is configured: the drill refuses to restore what
// it could not clean up.
var ErrNoHandler = errors.New("no handler for resource type")

// ErrNoRecoveryPoint is returned (wrapped) when a target has no completed
// recovery point to restore.
var ErrNoRecoveryPoint = errors.New("no completed recovery point")

// ErrNotFound is returned (wrapped) by Handler methods when the resource
// does not exist (any more).
var ErrNotFound = errors.New("resource not found")

// ErrNotDrillOutput is returned (wrapped) when cleanup refuses to delete a
// resource because it does not carry this drill's tag or is not the
// restore job's created resource.
var ErrNotDrillOutput = errors.New("resource is not output of this drill")

// ErrNoRestoreTests is returned by TestingResults when the restore testing
// plan started no restore jobs (in the Since–Until span, if set).
var ErrNoRestoreTests = errors.New("no restore tests")

// ValidationFailedError is the error a validator returns when the restored
// resource is not usable. Its message is sent to AWS with
// PutRestoreValidationResult.
type ValidationFailedError struct {
	// ResourceARN is the restored resource that failed validation.
	ResourceARN string
	// Reason says what was wrong.
	Reason string
}

func (e *ValidationFailedError) Error() string {
	return fmt.Sprintf("validate %s: %s", e.ResourceARN, e.Reason)
}
