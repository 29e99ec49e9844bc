package cron

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

// TestNext is the firing rule: hand-computed fire times for each wildcard
// of eb-cron-expressions ("Wildcards") and for the daylight-saving rules
// of EventBridge Scheduler (schedule-types, "Daylight saving time").
func TestNext(t *testing.T) {
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
		// API_BackupRule ScheduleExpression default: cron(0 5 ? * * *).
		{"default daily 05:00 UTC", Default, "", "2024-01-01T00:00:00Z", 3,
			[]string{"2024-01-01T05:00:00Z", "2024-01-02T05:00:00Z", "2024-01-03T05:00:00Z"}},
		{"strictly after", "cron(0 5 * * ? *)", "", "2024-01-01T05:00:00Z", 1,
			[]string{"2024-01-02T05:00:00Z"}},
		// eb-cron-expressions, Wildcards: "The L wildcard in the
		// Day-of-month or Day-of-week fields specifies the last day of the
		// month or week."
		{"L = last day of month, leap February", "cron(0 12 L * ? *)", "", "2024-01-15T00:00:00Z", 4,
			[]string{"2024-01-31T12:00:00Z", "2024-02-29T12:00:00Z", "2024-03-31T12:00:00Z", "2024-04-30T12:00:00Z"}},
		// Wildcards: "3W specifies the weekday closest to the third day of
		// the month."
		{"15W: Sat 15 Jun -> Fri 14, Sun 15 Sep -> Mon 16", "cron(0 8 15W 6,9 ? *)", "", "2024-01-01T00:00:00Z", 2,
			[]string{"2024-06-14T08:00:00Z", "2024-09-16T08:00:00Z"}},
		{"1W on Saturday the 1st moves forward to Monday the 3rd", "cron(0 8 1W 6 ? *)", "", "2024-01-01T00:00:00Z", 1,
			[]string{"2024-06-03T08:00:00Z"}},
		{"30W on Sunday the 30th (last day) moves back to Friday the 28th", "cron(0 8 30W 11 ? 2025)", "", "2025-01-01T00:00:00Z", 1,
			[]string{"2025-11-28T08:00:00Z"}},
		{"LW: Aug 2024 ends on Saturday -> Friday 30th", "cron(0 8 LW 8 ? *)", "", "2024-01-01T00:00:00Z", 1,
			[]string{"2024-08-30T08:00:00Z"}},
		// Wildcards: "3#2 is the second Tuesday of the month".
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
		// schedule-types, "Daylight saving time": a time skipped when the
		// clocks spring forward does not run that day. America/New_York
		// springs forward 2024-03-10 02:00 EST -> 03:00 EDT.
		{"spring forward skips the missing time", "cron(30 2 * * ? *)", "America/New_York", "2024-03-08T05:00:00Z", 3,
			[]string{"2024-03-08T07:30:00Z", "2024-03-09T07:30:00Z", "2024-03-11T06:30:00Z"}},
		// The 2026 gap: cron(0 2 ? * * *) has no 02:00 on 8 March 2026.
		{"2026 spring forward skips 02:00", "cron(0 2 ? * * *)", "America/New_York", "2026-03-07T00:00:00Z", 3,
			[]string{"2026-03-07T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-10T06:00:00Z"}},
		{"hourly across spring forward", "cron(0 * * * ? *)", "America/New_York", "2024-03-10T05:30:00Z", 3,
			[]string{"2024-03-10T06:00:00Z", "2024-03-10T07:00:00Z", "2024-03-10T08:00:00Z"}},
		// Same section: a time repeated when the clocks fall back runs once.
		// New York falls back 2024-11-03 02:00 EDT -> 01:00 EST.
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
			s, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.expr, err)
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

// TestParseErrors is the syntax rule: what eb-cron-expressions and AWS
// Backup's "Backup frequency" (creating-a-backup-plan) refuse.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, field, reason string
	}{
		// creating-a-backup-plan, "Backup frequency": cron expressions.
		{"rate(1 hour)", "", "rate() expressions are not supported"},
		{"0 5 * * ? *", "", "must be cron("},
		// eb-cron-expressions, Syntax: "six required fields".
		{"cron(0 5 * * ?)", "", "exactly 6 fields"},
		// Limits: "You can't specify the Day-of-month and Day-of-week
		// fields in the same cron expression."
		{"cron(0 5 ? * ? *)", "", "not both"},
		{"cron(0 5 1 * MON *)", "", "cannot constrain both"},
		// Syntax: the values of each field.
		{"cron(60 5 * * ? *)", "minutes", "out of range 0-59"},
		{"cron(0 24 * * ? *)", "hours", "out of range 0-23"},
		{"cron(0 5 0 * ? *)", "day-of-month", "out of range 1-31"},
		{"cron(0 5 * 13 ? *)", "month", "out of range 1-12"},
		{"cron(0 5 ? * 0 *)", "day-of-week", "out of range 1-7"},
		{"cron(0 5 ? * 8 *)", "day-of-week", "out of range 1-7"},
		{"cron(0 5 * * ? 1969)", "year", "out of range 1970-2199"},
		{"cron(0 5 * * ? 2200)", "year", "out of range 1970-2199"},
		// Backup frequency: at most hourly.
		{"cron(*/15 * * * ? *)", "minutes", "at most hourly"},
		{"cron(0,30 * * * ? *)", "minutes", "at most hourly"},
		{"cron(0 5-1 * * ? *)", "hours", "must be ascending"},
		// Wildcards, note: "3#1,6#3" is not valid; L and W likewise stand
		// alone (stricter than the page, which says so for # only).
		{"cron(0 5 1,L * ? *)", "day-of-month", "must stand alone"},
		{"cron(0 5 L,15 * ? *)", "day-of-month", "must stand alone"},
		{"cron(0 5 15W,1 * ? *)", "day-of-month", "must stand alone"},
		{"cron(0 5 ? * 2#1,3 *)", "day-of-week", "occurrence 1-5"},
		{"cron(0 5 ? * 6L,MON *)", "day-of-week", "not a value"},
		{"cron(0 0 30 2 ? *)", "", "never fires"},
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
			_, err := Parse(tt.expr)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v; want *Error", tt.expr, err)
			}
			if se.Field != tt.field {
				t.Errorf("Field = %q; want %q", se.Field, tt.field)
			}
			if !strings.Contains(se.Error(), tt.reason) {
				t.Errorf("error = %q; want it to contain %q", se.Error(), tt.reason)
			}
		})
	}
	var se *Error
	if _, err := Parse("cron(*/5 * * * ? *)"); !errors.As(err, &se) || !se.SubHourly {
		t.Errorf("Parse(*/5) = %v; want an *Error with SubHourly", err)
	}
}

func mustParse(t testing.TB, expr string) *Schedule {
	t.Helper()
	s, err := Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMatches(t *testing.T) {
	t.Parallel()
	s := mustParse(t, "cron(0 5 ? * MON *)")
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

// TestBetween is the firing rule over an interval, as scheduled plan runs
// use it: (after, until], oldest first, the last limit, DST as in Next.
func TestBetween(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	daily2 := mustParse(t, "cron(0 2 ? * * *)").In(ny)
	from := time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)
	until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	got := daily2.Between(from, until, 100)
	want := []time.Time{ // no 02:00 on 8 March 2026 in New York
		time.Date(2026, 3, 7, 7, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 6, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC),
	}
	if len(got) != len(want) {
		t.Fatalf("Between = %v; want %v", got, want)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("Between[%d] = %s; want %s", i, got[i].UTC(), want[i])
		}
	}
	hourly := mustParse(t, "cron(0 * * * ? *)")
	last := hourly.Between(from, from.Add(3000*time.Hour), 1000)
	if len(last) != 1000 || !last[999].Equal(from.Add(3000*time.Hour)) || !last[0].Equal(from.Add(2001*time.Hour)) {
		t.Errorf("Between with limit 1000 over 3000 firings = %d times from %s to %s; want the last 1000", len(last), last[0], last[len(last)-1])
	}
	if got := hourly.Between(from, from.Add(time.Hour), 10); len(got) != 1 || !got[0].Equal(from.Add(time.Hour)) {
		t.Errorf("Between includes until: got %v", got)
	}
	if got := hourly.Between(from, from, 10); got != nil {
		t.Errorf("Between(empty interval) = %v; want nil", got)
	}
}

// TestLoadZone is the ScheduleExpressionTimezone rule (API_BackupRuleInput:
// an IANA time zone name; AWS's default is Etc/UTC).
func TestLoadZone(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		ok   bool
	}{{"", true}, {"UTC", true}, {"Etc/UTC", true}, {"Europe/Berlin", true}, {"Local", false}, {"Mars/Olympus", false}} {
		if _, err := LoadZone(tt.name); (err == nil) != tt.ok {
			t.Errorf("LoadZone(%q) = %v; want ok=%v", tt.name, err, tt.ok)
		}
	}
}
