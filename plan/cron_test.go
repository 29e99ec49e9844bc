package plan

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func TestScheduleNextHandComputed(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return v
	}
	tests := []struct {
		name  string
		expr  string
		tz    string
		after string
		n     int
		want  []string // RFC3339 instants
	}{
		{"default daily 05:00 UTC", DefaultSchedule, "", "2024-01-01T00:00:00Z", 3,
			[]string{"2024-01-01T05:00:00Z", "2024-01-02T05:00:00Z", "2024-01-03T05:00:00Z"}},
		{"strictly after", "cron(0 5 * * ? *)", "", "2024-01-01T05:00:00Z", 1,
			[]string{"2024-01-02T05:00:00Z"}},
		{"L = last day of month, leap February", "cron(0 12 L * ? *)", "", "2024-01-15T00:00:00Z", 4,
			[]string{"2024-01-31T12:00:00Z", "2024-02-29T12:00:00Z", "2024-03-31T12:00:00Z", "2024-04-30T12:00:00Z"}},
		{"15W: Sat 15 Jun -> Fri 14, Sun 15 Sep -> Mon 16", "cron(0 8 15W 6,9 ? *)", "", "2024-01-01T00:00:00Z", 2,
			[]string{"2024-06-14T08:00:00Z", "2024-09-16T08:00:00Z"}},
		{"1W on Saturday the 1st moves forward to Monday the 3rd", "cron(0 8 1W 6 ? *)", "", "2024-01-01T00:00:00Z", 1,
			[]string{"2024-06-03T08:00:00Z"}},
		{"30W on Sunday the 30th (last day) moves back to Friday the 28th", "cron(0 8 30W 11 ? 2025)", "", "2025-01-01T00:00:00Z", 1,
			[]string{"2025-11-28T08:00:00Z"}},
		{"LW: Aug 2024 ends on Saturday -> Friday 30th", "cron(0 8 LW 8 ? *)", "", "2024-01-01T00:00:00Z", 1,
			[]string{"2024-08-30T08:00:00Z"}},
		{"2#1 = first Monday", "cron(0 9 ? * 2#1 *)", "", "2023-12-31T00:00:00Z", 3,
			[]string{"2024-01-01T09:00:00Z", "2024-02-05T09:00:00Z", "2024-03-04T09:00:00Z"}},
		{"FRIL = last Friday", "cron(0 9 ? * FRIL *)", "", "2024-01-01T00:00:00Z", 3,
			[]string{"2024-01-26T09:00:00Z", "2024-02-23T09:00:00Z", "2024-03-29T09:00:00Z"}},
		{"6L = last Friday", "cron(0 9 ? * 6L *)", "", "2024-01-01T00:00:00Z", 1,
			[]string{"2024-01-26T09:00:00Z"}},
		{"L in day-of-week = Saturday", "cron(0 9 ? * L *)", "", "2024-01-01T00:00:00Z", 2,
			[]string{"2024-01-06T09:00:00Z", "2024-01-13T09:00:00Z"}},
		{"names and lists", "cron(0 5 ? jan,JUL SUN 2024)", "", "2024-01-01T00:00:00Z", 2,
			[]string{"2024-01-07T05:00:00Z", "2024-01-14T05:00:00Z"}},
		{"hour step", "cron(0 0/6 * * ? *)", "", "2024-01-01T00:00:00Z", 5,
			[]string{"2024-01-01T06:00:00Z", "2024-01-01T12:00:00Z", "2024-01-01T18:00:00Z", "2024-01-02T00:00:00Z", "2024-01-02T06:00:00Z"}},
		{"range with step on weekdays", "cron(15 1-5/2 ? * MON-FRI *)", "", "2024-01-05T04:00:00Z", 4,
			[]string{"2024-01-05T05:15:00Z", "2024-01-08T01:15:00Z", "2024-01-08T03:15:00Z", "2024-01-08T05:15:00Z"}},
		{"year range ends", "cron(0 0 1 1 ? 2030-2031)", "", "2024-06-01T00:00:00Z", 5,
			[]string{"2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z"}},
		{"Feb 30 never fires", "cron(0 0 30 2 ? *)", "", "2190-01-01T00:00:00Z", 1, nil},
		// America/New_York springs forward 2024-03-10 02:00 EST -> 03:00 EDT: 02:30 does not exist that day.
		{"spring forward skips the missing time", "cron(30 2 * * ? *)", "America/New_York", "2024-03-08T05:00:00Z", 3,
			[]string{"2024-03-08T07:30:00Z", "2024-03-09T07:30:00Z", "2024-03-11T06:30:00Z"}},
		{"hourly across spring forward", "cron(0 * * * ? *)", "America/New_York", "2024-03-10T05:30:00Z", 3,
			[]string{"2024-03-10T06:00:00Z", "2024-03-10T07:00:00Z", "2024-03-10T08:00:00Z"}},
		// Falls back 2024-11-03 02:00 EDT -> 01:00 EST: 01:30 happens twice and fires once, the first time (EDT).
		{"fall back fires once at first occurrence", "cron(30 1 * * ? *)", "America/New_York", "2024-11-02T00:00:00Z", 3,
			[]string{"2024-11-02T05:30:00Z", "2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z"}},
		{"hourly across fall back", "cron(0 * * * ? *)", "America/New_York", "2024-11-03T04:30:00Z", 3,
			[]string{"2024-11-03T05:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T08:00:00Z"}},
		{"daily 05:00 New York keeps local time across DST", "cron(0 5 * * ? *)", "America/New_York", "2024-03-09T00:00:00Z", 2,
			[]string{"2024-03-09T10:00:00Z", "2024-03-10T09:00:00Z"}},
		// Lord Howe shifts by 30 minutes: 2024-04-07 02:00 (+11) -> 01:30 (+10:30); 2024-10-06 02:00 -> 02:30.
		{"half-hour fall back", "cron(45 1 7 4 ? 2024)", "Australia/Lord_Howe", "2024-04-01T00:00:00Z", 2,
			[]string{"2024-04-06T14:45:00Z"}},
		{"half-hour spring forward", "cron(15 2 6,7 10 ? 2024)", "Australia/Lord_Howe", "2024-10-01T00:00:00Z", 2,
			[]string{"2024-10-06T15:15:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseSchedule(tt.expr)
			if err != nil {
				t.Fatalf("ParseSchedule(%q): %v", tt.expr, err)
			}
			if tt.tz != "" {
				s = s.In(mustLoc(t, tt.tz))
			}
			got := s.Next(utc(tt.after), tt.n)
			if len(got) != len(tt.want) {
				t.Fatalf("Next = %v; want %v", got, tt.want)
			}
			for i, w := range tt.want {
				if !got[i].Equal(utc(w)) {
					t.Errorf("Next[%d] = %s; want %s", i, got[i].UTC().Format(time.RFC3339), w)
				}
				if got[i].Location() != s.Location() {
					t.Errorf("Next[%d] location = %v; want %v", i, got[i].Location(), s.Location())
				}
				if !s.Matches(got[i]) {
					t.Errorf("Matches(Next[%d]=%s) = false; want true", i, got[i])
				}
			}
		})
	}
}

func TestParseScheduleErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, field, reason string
	}{
		{"rate(1 hour)", "", "rate() expressions are not supported"},
		{"0 5 * * ? *", "", "must be cron("},
		{"cron(0 5 * * ?)", "", "exactly 6 fields"},
		{"cron(0 5 ? * ? *)", "", "not both"},
		{"cron(0 5 1 * MON *)", "", "cannot constrain both"},
		{"cron(60 5 * * ? *)", "minutes", "out of range 0-59"},
		{"cron(0 24 * * ? *)", "hours", "out of range 0-23"},
		{"cron(0 5 0 * ? *)", "day-of-month", "out of range 1-31"},
		{"cron(0 5 * 13 ? *)", "month", "out of range 1-12"},
		{"cron(0 5 ? * 0 *)", "day-of-week", "out of range 1-7"},
		{"cron(0 5 ? * 8 *)", "day-of-week", "out of range 1-7"},
		{"cron(0 5 * * ? 1969)", "year", "out of range 1970-2199"},
		{"cron(0 5 * * ? 2200)", "year", "out of range 1970-2199"},
		{"cron(*/15 * * * ? *)", "minutes", "at most hourly"},
		{"cron(0,30 * * * ? *)", "minutes", "at most hourly"},
		{"cron(0 5-1 * * ? *)", "hours", "must be ascending"},
		{"cron(0 5 1,L * ? *)", "day-of-month", "must stand alone"},
		{"cron(0 5 32W * ? *)", "day-of-month", "W needs a single day"},
		{"cron(0 5 ? * 2#6 *)", "day-of-week", "occurrence 1-5"},
		{"cron(0 5 ? * 9L *)", "day-of-week", "L needs a single weekday"},
		{"cron(0 0/0 * * ? *)", "hours", "step"},
		{"cron(0 1,,2 * * ? *)", "hours", "empty list item"},
		{"cron(0 5 ? FOO * *)", "month", "not a value"},
		{"cron(0 +5 * * ? *)", "hours", "not a value"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			_, err := ParseSchedule(tt.expr)
			var se *ScheduleError
			if !errors.As(err, &se) {
				t.Fatalf("ParseSchedule(%q) error = %v; want *ScheduleError", tt.expr, err)
			}
			if se.Field != tt.field {
				t.Errorf("Field = %q; want %q", se.Field, tt.field)
			}
			if !strings.Contains(se.Error(), tt.reason) {
				t.Errorf("error = %q; want it to contain %q", se.Error(), tt.reason)
			}
		})
	}
	if _, err := ParseSchedule("cron(*/5 * * * ? *)"); !errors.Is(err, ErrSubHourly) {
		t.Errorf("errors.Is(err, ErrSubHourly) = false for */5; err = %v", err)
	}
}

func TestScheduleMatches(t *testing.T) {
	t.Parallel()
	s := MustParseSchedule("cron(0 5 ? * MON *)")
	if !s.Matches(time.Date(2024, 1, 1, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("Matches(Mon 05:00) = false; want true")
	}
	if s.Matches(time.Date(2024, 1, 1, 5, 0, 1, 0, time.UTC)) {
		t.Errorf("Matches(Mon 05:00:01) = true; want false")
	}
	if s.Matches(time.Date(2024, 1, 2, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("Matches(Tue 05:00) = true; want false")
	}
	if got := s.Next(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 0); got != nil {
		t.Errorf("Next(n=0) = %v; want nil", got)
	}
	if got := s.String(); got != "cron(0 5 ? * MON *)" {
		t.Errorf("String() = %q", got)
	}
}
