package plan

import (
	"errors"
	"time"

	"github.com/backupkit/backupkit/internal/cron"
)

// DefaultSchedule is the expression AWS Backup uses when a rule has no
// ScheduleExpression.
const DefaultSchedule = cron.Default

// Schedule is a parsed AWS cron expression, "cron(minutes hours
// day-of-month month day-of-week year)", bound to a time zone (UTC unless
// set with In). It is immutable and safe for concurrent use.
//
// Supported syntax, per field (the EventBridge cron dialect AWS Backup uses):
//
//	minutes       0-59            , - * /
//	hours         0-23            , - * /
//	day-of-month  1-31            , - * ? / L W  (L = last day, LW = last weekday, 15W = weekday nearest the 15th)
//	month         1-12 or JAN-DEC , - * /
//	day-of-week   1-7 or SUN-SAT  , - * ? L #    (1 = SUN; L = SAT; 6L = last FRI; 2#1 = first MON)
//	year          1970-2199       , - * /
//
// Exactly one of day-of-month and day-of-week must be "?". L, W and # stand
// alone in their field (no lists or ranges around them). Ranges must be
// ascending. "a/b" means every b starting at a; "*/b" starts at the field's
// minimum. The backuptest emulator reads expressions with the same code.
type Schedule struct {
	c *cron.Schedule
}

// ScheduleError is returned by ParseSchedule. Field names the cron field
// ("minutes", "hours", "day-of-month", "month", "day-of-week", "year") or is
// empty when the expression as a whole is malformed.
type ScheduleError struct {
	Expr   string
	Field  string
	Reason string
}

// Error names the expression, the field and the reason.
func (e *ScheduleError) Error() string {
	return (&cron.Error{Expr: e.Expr, Field: e.Field, Reason: e.Reason}).Error()
}

// ErrSubHourly is wrapped by the error ParseSchedule returns for a schedule
// that fires more often than once an hour, which AWS Backup does not allow.
var ErrSubHourly = errors.New("AWS Backup runs a rule at most once an hour")

type scheduleSubHourly struct{ ScheduleError }

func (e *scheduleSubHourly) Unwrap() []error { return []error{&e.ScheduleError, ErrSubHourly} }

// ParseSchedule parses an AWS Backup schedule expression. It accepts only
// cron(...) (rate() is rejected: AWS Backup rules take cron expressions),
// and rejects expressions that fire more than once in an hour (the minutes
// field must be a single value, because AWS Backup runs snapshot backups
// at most hourly) and expressions that never fire (30 February). The
// returned Schedule is in UTC; use In for a rule's
// ScheduleExpressionTimezone.
func ParseSchedule(expr string) (*Schedule, error) {
	c, err := cron.Parse(expr)
	if err != nil {
		var ce *cron.Error
		if !errors.As(err, &ce) {
			return nil, err
		}
		se := ScheduleError{Expr: ce.Expr, Field: ce.Field, Reason: ce.Reason}
		if ce.SubHourly {
			return nil, &scheduleSubHourly{se}
		}
		return nil, &se
	}
	return &Schedule{c: c}, nil
}

// MustParseSchedule is ParseSchedule that panics on error, for expressions
// known at compile time.
func MustParseSchedule(expr string) *Schedule {
	s, err := ParseSchedule(expr)
	if err != nil {
		panic(err)
	}
	return s
}

// String returns the expression as given to ParseSchedule.
func (s *Schedule) String() string { return s.c.String() }

// Location returns the time zone Next and Matches work in.
func (s *Schedule) Location() *time.Location { return s.c.Location() }

// In returns a copy of s that fires in loc (nil means UTC).
func (s *Schedule) In(loc *time.Location) *Schedule { return &Schedule{c: s.c.In(loc)} }

// Matches reports whether t, read as a wall-clock time in the schedule's
// location, is a time the expression names (seconds must be zero).
func (s *Schedule) Matches(t time.Time) bool { return s.c.Matches(t) }

// Next returns up to n fire times strictly after after, in ascending order
// and in the schedule's location. It returns fewer than n when the
// expression stops firing (the year field ends at 2199 at the latest).
//
// Daylight saving time follows EventBridge Scheduler's documented rules,
// which AWS Backup's own documentation does not spell out: a wall-clock
// time skipped when clocks spring forward does not fire that day, and a
// wall-clock time repeated when clocks fall back fires once, at its first
// occurrence.
func (s *Schedule) Next(after time.Time, n int) []time.Time { return s.c.Next(after, n) }
