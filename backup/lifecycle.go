package backup

import (
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/lifecycle"
)

// Day is 24 hours, the unit of AWS Backup retention settings.
const Day = 24 * time.Hour

// Days returns n days as a time.Duration.
func Days(n int) time.Duration { return time.Duration(n) * Day }

// KeepForever is the Lifecycle duration AWS Backup reads as "never" (its
// -1 days). AWS accepts it only in both fields together: a Lifecycle with
// MoveToColdStorageAfter and DeleteAfter both KeepForever keeps recovery
// points indefinitely (API_Lifecycle). It equals Days(-1).
const KeepForever = -Day

// AWS Backup retention and window limits (internal/lifecycle holds the
// rule and its sources).
const (
	MaxRetention       = lifecycle.MaxDays * Day                // DeleteAfterDays ≤ 36,500
	MinColdStorageStay = lifecycle.MinColdDays * Day            // DeleteAfterDays ≥ MoveToColdStorageAfterDays + 90
	MinStartWindow     = lifecycle.MinStartWindow * time.Minute // StartWindowMinutes ≥ 60
	MaxBackupWindow    = lifecycle.MaxWindow * time.Minute      // 100 years
	// DefaultStartWindow is AWS's start window when none is set
	// (StartWindowMinutes 480), for backup plan rules and StartBackupJob.
	DefaultStartWindow = lifecycle.DefaultStartWindow * time.Minute
	// DefaultCompletionWindow is AWS's completion window of a backup plan
	// rule when none is set (CompletionWindowMinutes 10080).
	DefaultCompletionWindow = lifecycle.DefaultCompletionWindow * time.Minute

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

// Validate checks l against AWS's lifecycle rule (internal/lifecycle,
// which cites API_Lifecycle for each part): whole days, 1 to 36,500 of
// them, DeleteAfter at least 90 days after MoveToColdStorageAfter, and
// KeepForever only in both fields together. field prefixes the
// ValidationError field names, which are AWS's (DeleteAfterDays, …).
func (l Lifecycle) Validate(field string) error { return l.validate(field, false) }

// ValidateContinuous is Validate for the lifecycle of a continuous-backup
// rule (EnableContinuousBackup): AWS needs DeleteAfter of 1 to 35 days and
// refuses cold storage and the archive tier, so the zero Lifecycle is an
// error here.
func (l Lifecycle) ValidateContinuous(field string) error { return l.validate(field, true) }

func (l Lifecycle) validate(field string, continuous bool) error {
	var errs []error
	days := func(name string, d time.Duration) (*int64, bool) {
		switch {
		case d == 0:
			return nil, true
		case d%Day != 0:
			errs = append(errs, &ValidationError{Field: joinField(field, name), Reason: fmt.Sprintf("%s, got %s", defaultDaysInvalid, d)})
			return nil, false
		}
		n := int64(d / Day)
		return &n, true
	}
	cold, okCold := days("MoveToColdStorageAfterDays", l.MoveToColdStorageAfter)
	del, okDel := days("DeleteAfterDays", l.DeleteAfter)
	var rule *lifecycle.Lifecycle
	if !l.IsZero() {
		rule = &lifecycle.Lifecycle{MoveToColdStorageAfterDays: cold, DeleteAfterDays: del, OptInToArchive: l.OptInToArchive}
	}
	for _, p := range lifecycle.Check(rule, continuous) {
		// A field that is not whole days is reported once, above.
		if (!okCold && p.Field == "MoveToColdStorageAfterDays") || (!okDel && p.Field == "DeleteAfterDays") {
			continue
		}
		errs = append(errs, &ValidationError{Field: joinField(field, p.Field), Reason: p.Reason})
	}
	return errors.Join(errs...)
}

func joinField(prefix, name string) string {
	switch {
	case prefix == "":
		return name
	case name == "":
		return prefix
	}
	return prefix + "." + name
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
