package plan

import (
	"fmt"
	"sort"

	"github.com/backupkit/backupkit/backup"
)

// Rule presets, with the names, schedules and retention of the AWS CDK's
// BackupPlanRule.daily(), weekly(), monthly1Year(), monthly5Year() and
// monthly7Year(). Each returns a fresh RuleBuilder that may be customised.

// DailyRule backs up daily at 05:00 UTC and keeps recovery points 35 days.
func DailyRule(vault string) *RuleBuilder {
	return NewRule("Daily", vault).Schedule("cron(0 5 * * ? *)").DeleteAfter(backup.Days(35))
}

// WeeklyRule backs up Saturdays at 05:00 UTC and keeps recovery points 90
// days.
func WeeklyRule(vault string) *RuleBuilder {
	return NewRule("Weekly", vault).Schedule("cron(0 5 ? * SAT *)").DeleteAfter(backup.Days(90))
}

// Monthly1YearRule backs up on the 1st at 05:00 UTC, moves to cold storage
// after 30 days and deletes after 365.
func Monthly1YearRule(vault string) *RuleBuilder {
	return NewRule("Monthly1Year", vault).Schedule("cron(0 5 1 * ? *)").MoveToColdAfter(backup.Days(30)).DeleteAfter(backup.Days(365))
}

// Monthly5YearRule backs up on the 1st at 05:00 UTC, moves to cold storage
// after 90 days and deletes after 1825 (5 years).
func Monthly5YearRule(vault string) *RuleBuilder {
	return NewRule("Monthly5Year", vault).Schedule("cron(0 5 1 * ? *)").MoveToColdAfter(backup.Days(90)).DeleteAfter(backup.Days(1825))
}

// Monthly7YearRule backs up on the 1st at 05:00 UTC, moves to cold storage
// after 90 days and deletes after 2555 (7 years).
func Monthly7YearRule(vault string) *RuleBuilder {
	return NewRule("Monthly7Year", vault).Schedule("cron(0 5 1 * ? *)").MoveToColdAfter(backup.Days(90)).DeleteAfter(backup.Days(2555))
}

// Daily7DayRule is the simplest useful rule: daily at 05:00 UTC, kept 7
// days.
func Daily7DayRule(vault string) *RuleBuilder {
	return NewRule("Daily7Day", vault).Schedule("cron(0 5 * * ? *)").DeleteAfter(backup.Days(7))
}

// Plan presets (AWS CDK BackupPlan.daily35DayRetention and friends).

// Daily35 is a plan with DailyRule (CDK daily35DayRetention).
func Daily35(name, vault string) *Builder {
	return New(name).AddRule(DailyRule(vault))
}

// DailyMonthly1Year is a plan with DailyRule and Monthly1YearRule (CDK
// dailyMonthly1YearRetention).
func DailyMonthly1Year(name, vault string) *Builder {
	return New(name).AddRule(DailyRule(vault)).AddRule(Monthly1YearRule(vault))
}

// DailyWeeklyMonthly5Year is a plan with DailyRule, WeeklyRule and
// Monthly5YearRule (CDK dailyWeeklyMonthly5YearRetention).
func DailyWeeklyMonthly5Year(name, vault string) *Builder {
	return New(name).AddRule(DailyRule(vault)).AddRule(WeeklyRule(vault)).AddRule(Monthly5YearRule(vault))
}

// DailyWeeklyMonthly7Year is a plan with DailyRule, WeeklyRule and
// Monthly7YearRule (CDK dailyWeeklyMonthly7YearRetention).
func DailyWeeklyMonthly7Year(name, vault string) *Builder {
	return New(name).AddRule(DailyRule(vault)).AddRule(WeeklyRule(vault)).AddRule(Monthly7YearRule(vault))
}

// Daily7 is a plan with Daily7DayRule: one backup a day, kept a week.
func Daily7(name, vault string) *Builder {
	return New(name).AddRule(Daily7DayRule(vault))
}

var presets = map[string]func(name, vault string) *Builder{
	"daily35":                 Daily35,
	"daily-monthly-1y":        DailyMonthly1Year,
	"daily-weekly-monthly-5y": DailyWeeklyMonthly5Year,
	"daily-weekly-monthly-7y": DailyWeeklyMonthly7Year,
	"daily7":                  Daily7,
}

// PresetNames lists the names Preset accepts, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Preset returns the plan preset called preset ("daily35",
// "daily-monthly-1y", "daily-weekly-monthly-5y", "daily-weekly-monthly-7y"
// or "daily7"), named name, storing into vault.
func Preset(preset, name, vault string) (*Builder, error) {
	f, ok := presets[preset]
	if !ok {
		return nil, fmt.Errorf("unknown preset %q; choose one of %v", preset, PresetNames())
	}
	return f(name, vault), nil
}
