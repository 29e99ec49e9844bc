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

// AWS Backup retention limits.
const (
	MaxRetention        = 36500 * Day // DeleteAfterDays ≤ 36,500
	MinColdStorageStay  = 90 * Day    // DeleteAfterDays ≥ MoveToColdStorageAfterDays + 90
	MinStartWindow      = time.Hour   // StartWindowMinutes ≥ 60
	MaxBackupWindow     = 100 * 365 * Day
	DefaultStartWindow  = 8 * time.Hour // AWS default for StartBackupJob
	defaultDaysInvalid  = "must be a whole number of days"
	defaultMinuteReason = "must be a whole number of minutes"
)

// Lifecycle says when a recovery point moves to cold storage and when it is
// deleted. Zero durations mean "not set". AWS counts whole days, so both
// durations must be multiples of Day.
type Lifecycle struct {
	MoveToColdStorageAfter time.Duration
	DeleteAfter            time.Duration
	// OptInToArchive moves supported resource types to the archive tier
	// (OptInToArchiveForSupportedResources).
	OptInToArchive bool
}

// Validate checks the AWS rules: whole days, DeleteAfter ≤ 36,500 days and
// at least 90 days after MoveToColdStorageAfter. field prefixes the
// ValidationError field names.
func (l *Lifecycle) Validate(field string) error {
	if l == nil {
		return nil
	}
	var errs []error
	check := func(name string, d time.Duration) {
		switch {
		case d < 0:
			errs = append(errs, &ValidationError{Field: field + "." + name, Reason: "must not be negative"})
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

// SDK converts l to the SDK type (nil when l is nil).
func (l *Lifecycle) SDK() *types.Lifecycle {
	if l == nil {
		return nil
	}
	out := &types.Lifecycle{}
	if l.MoveToColdStorageAfter > 0 {
		out.MoveToColdStorageAfterDays = aws.Int64(int64(l.MoveToColdStorageAfter / Day))
	}
	if l.DeleteAfter > 0 {
		out.DeleteAfterDays = aws.Int64(int64(l.DeleteAfter / Day))
	}
	if l.OptInToArchive {
		out.OptInToArchiveForSupportedResources = aws.Bool(true)
	}
	return out
}

// LifecycleFromSDK converts an SDK lifecycle (nil gives nil). A value of
// -1 days (keep indefinitely) converts to zero.
func LifecycleFromSDK(l *types.Lifecycle) *Lifecycle {
	if l == nil {
		return nil
	}
	out := &Lifecycle{OptInToArchive: aws.ToBool(l.OptInToArchiveForSupportedResources)}
	if d := aws.ToInt64(l.MoveToColdStorageAfterDays); d > 0 {
		out.MoveToColdStorageAfter = Days(int(d))
	}
	if d := aws.ToInt64(l.DeleteAfterDays); d > 0 {
		out.DeleteAfter = Days(int(d))
	}
	return out
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
