// Package cron is the AWS cron language of AWS Backup schedules: parsing
// cron(minutes hours day-of-month month day-of-week year), the times an
// expression fires in a time zone, across daylight-saving changes, and the
// rule that a backup runs at most once an hour. plan.Schedule wraps it and
// the backuptest emulator fires plan rules and previews scheduled runs with
// it, so both read every expression the same way.
//
// Sources: the EventBridge "Cron expressions reference"
// (eb-cron-expressions, which AWS Backup's "Backup frequency" section of
// creating-a-backup-plan points to), and EventBridge Scheduler's
// "Daylight saving time" section (schedule-types, cron-based schedules).
package cron

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default is the expression AWS Backup uses when a rule has no
// ScheduleExpression: 05:00 UTC every day (API_BackupRule).
const Default = "cron(0 5 ? * * *)"

// Bounds of the AWS cron year field.
const (
	MinYear = 1970
	MaxYear = 2199
)

// Schedule is a parsed AWS cron expression bound to a time zone (UTC unless
// set with In). It is immutable and safe for concurrent use.
//
// Syntax, per field (eb-cron-expressions, "Syntax" and "Wildcards"):
//
//	minutes       0-59            , - * /
//	hours         0-23            , - * /
//	day-of-month  1-31            , - * ? / L W  (L = last day, LW = last weekday, 15W = weekday nearest the 15th)
//	month         1-12 or JAN-DEC , - * /
//	day-of-week   1-7 or SUN-SAT  , - * ? L #    (1 = SUN; L = SAT; 6L = last FRI; 2#1 = first MON)
//	year          1970-2199       , - * /
//
// Exactly one of day-of-month and day-of-week must be "?". L, W and # stand
// alone in their field: the reference says so for # ("3#1,6#3" is not
// valid); for L and W it is stricter than the page, following the Quartz
// dialect EventBridge's comes from. Ranges must be ascending. "a/b" means
// every b starting at a; "*/b" starts at the field's minimum.
type Schedule struct {
	expr string
	loc  *time.Location

	minutes uint64 // bit m for minute m
	hours   uint32 // bit h
	months  uint16 // bit m (1-12)
	years   [4]uint64

	domAny  bool   // "?" in day-of-month: the day-of-week decides
	dom     uint32 // bit d (1-31)
	domLast bool   // L
	domLW   bool   // LW
	domW    int    // nW; 0 = unused

	dow     uint8 // bit w (0 = Sunday … 6 = Saturday)
	dowLast int   // nL: weekday+1 (1-7), 0 = unused
	dowNth  int   // n#k: k (1-5), with dowNthW
	dowNthW int   // weekday (0-6)
}

// Error is a broken rule of an expression. Field names the cron field
// ("minutes", "hours", "day-of-month", "month", "day-of-week", "year") or
// is empty when the expression as a whole is malformed.
type Error struct {
	Expr   string
	Field  string
	Reason string
	// SubHourly is set when the expression fires more than once an hour.
	SubHourly bool
}

// Error names the expression, the field and the reason.
func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("schedule %q: %s", e.Expr, e.Reason)
	}
	return fmt.Sprintf("schedule %q: %s field: %s", e.Expr, e.Field, e.Reason)
}

// Problem returns the reason with the field named, as a validation
// message for ScheduleExpression.
func (e *Error) Problem() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + " field: " + e.Reason
}

// Parse parses an AWS Backup schedule expression. It accepts only cron(...)
// (AWS Backup rules take cron expressions, not rate()), refuses expressions
// that fire more than once an hour (creating-a-backup-plan, "Backup
// frequency": at most hourly, so the minutes field is a single value) and
// expressions that never fire (no date in 1970-2199 matches, e.g. 30
// February; AWS's pages do not state this check). The Schedule is in UTC;
// use In for the rule's ScheduleExpressionTimezone. The error is an *Error.
func Parse(expr string) (*Schedule, error) {
	s, err := parse(expr)
	if err != nil {
		return nil, err
	}
	if bits.OnesCount64(s.minutes) != 1 {
		return nil, &Error{Expr: expr, Field: "minutes", SubHourly: true,
			Reason: "fires more than once an hour; AWS Backup runs a rule at most hourly, so the minutes field must be a single value"}
	}
	if len(s.Next(time.Date(MinYear, 1, 1, 0, 0, 0, 0, time.UTC), 1)) == 0 {
		return nil, &Error{Expr: expr, Reason: fmt.Sprintf("never fires: no date in %d-%d matches it (e.g. February 30)", MinYear, MaxYear)}
	}
	return s, nil
}

// String returns the expression as given to Parse.
func (s *Schedule) String() string { return s.expr }

// Location returns the time zone Next and Matches work in.
func (s *Schedule) Location() *time.Location { return s.loc }

// In returns a copy of s that fires in loc (nil means UTC).
func (s *Schedule) In(loc *time.Location) *Schedule {
	c := *s
	if loc == nil {
		loc = time.UTC
	}
	c.loc = loc
	return &c
}

// LoadZone loads a ScheduleExpressionTimezone: an IANA time zone name
// (API_BackupRuleInput ScheduleExpressionTimezone, e.g. "America/New_York";
// AWS's default is Etc/UTC). "" and "UTC" give UTC; "Local", the machine's
// zone, is not a name AWS knows and is refused. Loaded zones are cached.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if name == "Local" {
		return nil, errors.New(`"Local" is not an IANA time zone name`)
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// zoneCache keeps loaded time zones: time.LoadLocation reads the zone
// database on every call.
var zoneCache sync.Map

var fieldNames = [6]string{"minutes", "hours", "day-of-month", "month", "day-of-week", "year"}

var monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
	"JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
var dowNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

func parse(expr string) (*Schedule, error) {
	fail := func(field int, format string, args ...any) error {
		f := ""
		if field >= 0 {
			f = fieldNames[field]
		}
		return &Error{Expr: expr, Field: f, Reason: fmt.Sprintf(format, args...)}
	}
	e := strings.TrimSpace(expr)
	if strings.HasPrefix(e, "rate(") {
		return nil, fail(-1, "rate() expressions are not supported by AWS Backup; use cron(minutes hours day-of-month month day-of-week year)")
	}
	if !strings.HasPrefix(e, "cron(") || !strings.HasSuffix(e, ")") {
		return nil, fail(-1, "must be cron(minutes hours day-of-month month day-of-week year)")
	}
	parts := strings.Fields(e[len("cron(") : len(e)-1])
	if len(parts) != 6 {
		return nil, fail(-1, "cron needs exactly 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(parts))
	}
	s := &Schedule{expr: expr, loc: time.UTC}
	var err error
	var v uint64
	if v, err = parseList(parts[0], 0, 59, nil); err != nil {
		return nil, fail(0, "%v", err)
	}
	s.minutes = v
	if v, err = parseList(parts[1], 0, 23, nil); err != nil {
		return nil, fail(1, "%v", err)
	}
	s.hours = uint32(v)
	if v, err = parseList(parts[3], 1, 12, monthNames); err != nil {
		return nil, fail(3, "%v", err)
	}
	s.months = uint16(v)
	if err = s.parseYears(parts[5]); err != nil {
		return nil, fail(5, "%v", err)
	}
	domQ, dowQ := parts[2] == "?", parts[4] == "?"
	switch {
	case domQ && dowQ:
		return nil, fail(-1, "exactly one of day-of-month and day-of-week must be ?, not both")
	case !domQ && !dowQ:
		return nil, fail(-1, "exactly one of day-of-month and day-of-week must be ? (AWS cron cannot constrain both)")
	case domQ:
		s.domAny = true
		if err = s.parseDOW(parts[4]); err != nil {
			return nil, fail(4, "%v", err)
		}
	default:
		if err = s.parseDOM(parts[2]); err != nil {
			return nil, fail(2, "%v", err)
		}
	}
	return s, nil
}

func (s *Schedule) parseYears(f string) error {
	for _, item := range strings.Split(f, ",") {
		lo, hi, step, err := parseItem(item, MinYear, MaxYear, nil)
		if err != nil {
			return err
		}
		for y := lo; y <= hi; y += step {
			s.years[(y-MinYear)/64] |= 1 << ((y - MinYear) % 64)
		}
	}
	return nil
}

func (s *Schedule) yearOK(y int) bool {
	if y < MinYear || y > MaxYear {
		return false
	}
	return s.years[(y-MinYear)/64]&(1<<((y-MinYear)%64)) != 0
}

func (s *Schedule) parseDOM(f string) error {
	switch {
	case f == "L":
		s.domLast = true
		return nil
	case f == "LW":
		s.domLW = true
		return nil
	case strings.HasSuffix(f, "W"):
		n, err := atoiRange(strings.TrimSuffix(f, "W"), 1, 31, nil)
		if err != nil {
			return fmt.Errorf("W needs a single day before it (e.g. 15W): %v", err)
		}
		s.domW = n
		return nil
	case strings.ContainsAny(f, "LW"):
		return fmt.Errorf("L and W must stand alone (L, LW or nW), got %q", f)
	}
	v, err := parseList(f, 1, 31, nil)
	if err != nil {
		return err
	}
	s.dom = uint32(v)
	return nil
}

func (s *Schedule) parseDOW(f string) error {
	switch {
	case f == "L":
		s.dow = 1 << 6 // Saturday, the last day of the week
		return nil
	case strings.Contains(f, "#"):
		a, b, _ := strings.Cut(f, "#")
		d, err := atoiRange(a, 1, 7, dowNames)
		if err != nil {
			return fmt.Errorf("# needs a single weekday before it (e.g. 2#1): %v", err)
		}
		k, err := atoiRange(b, 1, 5, nil)
		if err != nil {
			return fmt.Errorf("# needs an occurrence 1-5 after it: %v", err)
		}
		s.dowNth, s.dowNthW = k, d-1
		return nil
	case strings.HasSuffix(f, "L"):
		d, err := atoiRange(strings.TrimSuffix(f, "L"), 1, 7, dowNames)
		if err != nil {
			return fmt.Errorf("L needs a single weekday before it (e.g. 6L): %v", err)
		}
		s.dowLast = d
		return nil
	}
	v, err := parseList(f, 1, 7, dowNames)
	if err != nil {
		return err
	}
	s.dow = uint8(v >> 1) // 1-7 => bits 0-6
	return nil
}

// parseList parses a comma-separated list of values, ranges and steps into a
// bitset where bit v is set for each value v.
func parseList(f string, lo, hi int, names map[string]int) (uint64, error) {
	var set uint64
	for _, item := range strings.Split(f, ",") {
		a, b, step, err := parseItem(item, lo, hi, names)
		if err != nil {
			return 0, err
		}
		for v := a; v <= b; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

func parseItem(item string, lo, hi int, names map[string]int) (a, b, step int, err error) {
	if item == "" {
		return 0, 0, 0, fmt.Errorf("empty list item")
	}
	rng, stepStr, hasStep := strings.Cut(item, "/")
	step = 1
	if hasStep {
		step, err = strconv.Atoi(stepStr)
		if err != nil || step < 1 || step > hi-lo+1 {
			return 0, 0, 0, fmt.Errorf("step %q must be a number from 1 to %d", stepStr, hi-lo+1)
		}
	}
	switch {
	case rng == "*":
		return lo, hi, step, nil
	case strings.Contains(rng, "-"):
		x, y, _ := strings.Cut(rng, "-")
		if a, err = atoiRange(x, lo, hi, names); err != nil {
			return 0, 0, 0, err
		}
		if b, err = atoiRange(y, lo, hi, names); err != nil {
			return 0, 0, 0, err
		}
		if a > b {
			return 0, 0, 0, fmt.Errorf("range %q must be ascending", rng)
		}
		return a, b, step, nil
	default:
		if a, err = atoiRange(rng, lo, hi, names); err != nil {
			return 0, 0, 0, err
		}
		if hasStep {
			return a, hi, step, nil
		}
		return a, a, 1, nil
	}
}

func atoiRange(s string, lo, hi int, names map[string]int) (int, error) {
	if names != nil {
		if v, ok := names[strings.ToUpper(s)]; ok {
			return v, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || len(s) > 4 || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, lo, hi)
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%d is out of range %d-%d", v, lo, hi)
	}
	return v, nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func weekday(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday())
}

// dayOK reports whether the calendar day y-m-d matches the day-of-month or
// day-of-week field.
func (s *Schedule) dayOK(y int, m time.Month, d int) bool {
	if !s.domAny {
		last := daysIn(y, m)
		switch {
		case s.domLast:
			return d == last
		case s.domLW:
			t := last
			switch weekday(y, m, last) {
			case 0:
				t = last - 2
			case 6:
				t = last - 1
			}
			return d == t
		case s.domW > 0:
			n := s.domW
			if n > last {
				return false
			}
			t := n
			switch weekday(y, m, n) {
			case 6: // Saturday: Friday before, or Monday after when n is the 1st
				if n == 1 {
					t = 3
				} else {
					t = n - 1
				}
			case 0: // Sunday: Monday after, or Friday before when n is the last day
				if n == last {
					t = n - 2
				} else {
					t = n + 1
				}
			}
			return d == t
		default:
			return s.dom&(1<<d) != 0
		}
	}
	wd := weekday(y, m, d)
	switch {
	case s.dowLast > 0:
		return wd == s.dowLast-1 && d+7 > daysIn(y, m)
	case s.dowNth > 0:
		return wd == s.dowNthW && (d-1)/7+1 == s.dowNth
	default:
		return s.dow&(1<<wd) != 0
	}
}

// Matches reports whether t, read as a wall-clock time in the schedule's
// location, is a time the expression names (seconds must be zero).
func (s *Schedule) Matches(t time.Time) bool {
	t = t.In(s.loc)
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return false
	}
	y, m, d := t.Date()
	return s.yearOK(y) && s.months&(1<<m) != 0 && s.dayOK(y, m, d) &&
		s.hours&(1<<t.Hour()) != 0 && s.minutes&(1<<t.Minute()) != 0
}

// Next returns up to n fire times strictly after after, in ascending order
// and in the schedule's location. It returns fewer than n when the
// expression stops firing (the year field ends at 2199 at the latest).
//
// Daylight saving time follows EventBridge Scheduler's documented rules
// (schedule-types, "Daylight saving time"), which AWS Backup's own
// documentation does not spell out: a wall-clock time skipped when clocks
// spring forward does not fire that day, and a wall-clock time repeated
// when clocks fall back fires once, at its first occurrence.
func (s *Schedule) Next(after time.Time, n int) []time.Time {
	if n <= 0 {
		return nil
	}
	out := make([]time.Time, 0, min(n, 1024))
	loc := s.loc
	local := after.In(loc)
	y, m, d := local.Date()
	if y < MinYear {
		y, m, d = MinYear, time.January, 1
	}
	for y <= MaxYear {
		if !s.yearOK(y) {
			y, m, d = y+1, time.January, 1
			continue
		}
		if s.months&(1<<m) == 0 {
			if m == time.December {
				y, m, d = y+1, time.January, 1
			} else {
				m, d = m+1, 1
			}
			continue
		}
		if s.dayOK(y, m, d) {
			for hs := s.hours; hs != 0; hs &= hs - 1 {
				h := bits.TrailingZeros32(hs)
				for ms := s.minutes; ms != 0; ms &= ms - 1 {
					mi := bits.TrailingZeros64(ms)
					t, ok := wallTime(y, m, d, h, mi, loc)
					if !ok || !t.After(after) {
						continue
					}
					out = append(out, t)
					if len(out) == n {
						return out
					}
				}
			}
		}
		if d >= daysIn(y, m) {
			if m == time.December {
				y, m, d = y+1, time.January, 1
			} else {
				m, d = m+1, 1
			}
		} else {
			d++
		}
	}
	return out
}

// wallTime returns the first instant whose wall clock in loc reads
// y-m-d h:mi, or false when that wall-clock time does not exist (it falls in
// a daylight-saving gap).
func wallTime(y int, m time.Month, d, h, mi int, loc *time.Location) (time.Time, bool) {
	t := time.Date(y, m, d, h, mi, 0, 0, loc)
	if loc == time.UTC {
		return t, true
	}
	// Fast path: no offset change within 12 hours either side, so the wall
	// time exists exactly once.
	_, off := t.Zone()
	_, before := t.Add(-12 * time.Hour).Zone()
	_, after := t.Add(12 * time.Hour).Zone()
	if off == before && off == after {
		return t, true
	}
	naive := time.Date(y, m, d, h, mi, 0, 0, time.UTC)
	var best time.Time
	found := false
	for _, probe := range [3]time.Time{t.Add(-12 * time.Hour), t, t.Add(12 * time.Hour)} {
		_, off := probe.Zone()
		c := naive.Add(-time.Duration(off) * time.Second)
		lt := c.In(loc)
		if lt.Year() == y && lt.Month() == m && lt.Day() == d && lt.Hour() == h && lt.Minute() == mi {
			if !found || c.Before(best) {
				best, found = c, true
			}
		}
	}
	if !found {
		return time.Time{}, false
	}
	return best.In(loc), true
}

// Between returns the fire times in (after, until], oldest first, in the
// schedule's location; when there are more than limit, only the last
// limit. DST is handled as in Next.
func (s *Schedule) Between(after, until time.Time, limit int) []time.Time {
	if limit <= 0 || !until.After(after) {
		return nil
	}
	var out []time.Time
	from := after
	for {
		batch := s.Next(from, 1024)
		for _, t := range batch {
			if t.After(until) {
				return lastN(out, limit)
			}
			out = append(out, t)
			if len(out) >= 2*limit {
				out = append(out[:0], out[len(out)-limit:]...)
			}
		}
		if len(batch) < 1024 {
			return lastN(out, limit)
		}
		from = batch[len(batch)-1]
	}
}

func lastN(ts []time.Time, n int) []time.Time {
	if len(ts) > n {
		return ts[len(ts)-n:]
	}
	return ts
}
