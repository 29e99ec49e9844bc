package plan

import (
	"errors"
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

// TestScheduleWrapsCron checks the public face of the shared cron rule
// (internal/cron has the rule's own table test): errors keep their type
// and field, ErrSubHourly is reachable, and In moves the zone.
func TestScheduleWrapsCron(t *testing.T) {
	t.Parallel()
	_, err := ParseSchedule("cron(0 5 32 * ? *)")
	var se *ScheduleError
	if !errors.As(err, &se) || se.Field != "day-of-month" {
		t.Fatalf("ParseSchedule(day 32) = %v; want a *ScheduleError on day-of-month", err)
	}
	if _, err := ParseSchedule("cron(*/5 * * * ? *)"); !errors.Is(err, ErrSubHourly) || !errors.As(err, &se) || se.Field != "minutes" {
		t.Errorf("ParseSchedule(*/5) = %v; want ErrSubHourly and a *ScheduleError on minutes", err)
	}
	s := MustParseSchedule("cron(0 2 ? * * *)").In(mustLoc(t, "America/New_York"))
	got := s.Next(time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC), 1)
	if len(got) != 1 || !got[0].Equal(time.Date(2026, 3, 9, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("Next across the 2026 New York gap = %v; want 2026-03-09T06:00Z (02:00 EDT, no 02:00 on 8 March)", got)
	}
	if s.String() != "cron(0 2 ? * * *)" || s.Location().String() != "America/New_York" || !s.Matches(got[0]) {
		t.Errorf("String/Location/Matches = %q, %v, %v", s.String(), s.Location(), s.Matches(got[0]))
	}
}
