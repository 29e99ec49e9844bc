package backup

import (
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Day is 24 hours, the unit of AWS Backup retention settings.
const Day = 24 * time.Hour

// Days returns n days as a time.Duration.
func Days(n int) time.Duration { return time.Duration(n) * Day }

// KeepForever is the Lifecycle duration AWS Backup reads as "never" (its
// -1 days): DeleteAfter = KeepForever keeps a recovery point indefinitely,
// MoveToColdStorageAfter = KeepForever never moves it to cold storage. It
// equals Days(-1).
const KeepForever = -Day

// AWS Backup retention and window limits.
const (
	MaxRetention       = 36500 * Day // DeleteAfterDays ≤ 36,500
	MinColdStorageStay = 90 * Day    // DeleteAfterDays ≥ MoveToColdStorageAfterDays + 90
	MinStartWindow     = time.Hour   // StartWindowMinutes ≥ 60
	MaxBackupWindow    = 100 * 365 * Day
	// DefaultStartWindow is AWS's start window when none is set
	// (StartWindowMinutes 480), for backup plan rules and StartBackupJob.
	DefaultStartWindow = 8 * time.Hour
	// DefaultCompletionWindow is AWS's completion window of a backup plan
	// rule when none is set (CompletionWindowMinutes 10080).
	DefaultCompletionWindow = 7 * Day

	defaultDaysInvalid  = "must be a whole number of days"
	defaultMinuteReason = "must be a whole number of minutes"
)

// Lifecycle says when a recovery point moves to cold storage and when it is
// deleted. It is the one lifecycle of backupkit: on-demand backups and
// copies (JobInput, CopyInput), recovery points and backup plan rules all
// use it. Zero durations mean "not set", and the zero Lifecycle means "no
// lifecycle" (the vault's or AWS's defaults). AWS counts whole days, so
// both durations must be multiples of Day, or KeepForever.
type Lifecycle struct {
	// MoveToColdStorageAfter is how long after creation the recovery point
	// moves to cold storage (MoveToColdStorageAfterDays); AWS ignores it
	// for resource types without cold storage.
	MoveToColdStorageAfter time.Duration
	// DeleteAfter is how long after creation the recovery point is deleted
	// (DeleteAfterDays). It must be at least MoveToColdStorageAfter + 90
	// days.
	DeleteAfter time.Duration
	// OptInToArchive moves supported resource types to the archive tier
	// (OptInToArchiveForSupportedResources).
	OptInToArchive bool
}

// IsZero reports whether l sets nothing.
func (l Lifecycle) IsZero() bool { return l == Lifecycle{} }

// Validate checks the AWS rules: whole days (or KeepForever), at most
// 36,500 days, and DeleteAfter at least 90 days after
// MoveToColdStorageAfter. field prefixes the ValidationError field names.
func (l Lifecycle) Validate(field string) error {
	var errs []error
	check := func(name string, d time.Duration) {
		switch {
		case d == KeepForever:
		case d < 0:
			errs = append(errs, &ValidationError{Field: field + "." + name, Reason: "must not be negative (except KeepForever)"})
		case d%Day != 0:
			errs = append(errs, &ValidationError{Field: field + "." + name, Reason: defaultDaysInvalid})
		case d > MaxRetention:
			errs = append(errs, &ValidationError{Field: field + "." + name, Reason: "must be at most 36500 days"})
		}
	}
	check("MoveToColdStorageAfter", l.MoveToColdStorageAfter)
	check("DeleteAfter", l.DeleteAfter)
	if l.MoveToColdStorageAfter > 0 && l.DeleteAfter > 0 && l.DeleteAfter < l.MoveToColdStorageAfter+MinColdStorageStay {
		errs = append(errs, &ValidationError{Field: field + ".DeleteAfter",
			Reason: fmt.Sprintf("must be at least 90 days after MoveToColdStorageAfter (%d days)", l.MoveToColdStorageAfter/Day)})
	}
	return errors.Join(errs...)
}

// SDK converts l to the SDK type, in AWS's days (KeepForever is -1); the
// zero Lifecycle gives nil.
func (l Lifecycle) SDK() *types.Lifecycle {
	if l.IsZero() {
		return nil
	}
	out := &types.Lifecycle{}
	if l.MoveToColdStorageAfter != 0 {
		out.MoveToColdStorageAfterDays = aws.Int64(int64(l.MoveToColdStorageAfter / Day))
	}
	if l.DeleteAfter != 0 {
		out.DeleteAfterDays = aws.Int64(int64(l.DeleteAfter / Day))
	}
	if l.OptInToArchive {
		out.OptInToArchiveForSupportedResources = aws.Bool(true)
	}
	return out
}

// LifecycleFromSDK converts an SDK lifecycle (nil gives the zero
// Lifecycle). -1 days converts to KeepForever.
func LifecycleFromSDK(l *types.Lifecycle) Lifecycle {
	if l == nil {
		return Lifecycle{}
	}
	return Lifecycle{
		MoveToColdStorageAfter: Days(int(aws.ToInt64(l.MoveToColdStorageAfterDays))),
		DeleteAfter:            Days(int(aws.ToInt64(l.DeleteAfterDays))),
		OptInToArchive:         aws.ToBool(l.OptInToArchiveForSupportedResources),
	}
}

// windowMinutes converts a backup window to minutes after validating it.
func windowMinutes(field string, d, min time.Duration) (*int64, error) {
	if d == 0 {
		return nil, nil
	}
	switch {
	case d < 0:
		return nil, &ValidationError{Field: field, Reason: "must not be negative"}
	case d%time.Minute != 0:
		return nil, &ValidationError{Field: field, Reason: defaultMinuteReason}
	case d < min:
		return nil, &ValidationError{Field: field, Reason: fmt.Sprintf("must be at least %v", min)}
	case d > MaxBackupWindow:
		return nil, &ValidationError{Field: field, Reason: "must be at most 100 years"}
	}
	return aws.Int64(int64(d / time.Minute)), nil
}
