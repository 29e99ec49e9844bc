package plan

import (
	"reflect"
	"testing"

	"github.com/backupkit/backupkit/backup"
)

func TestPresets(t *testing.T) {
	t.Parallel()
	daily := Rule{Name: "Daily", TargetVault: "V1", Schedule: "cron(0 5 * * ? *)", Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(35)}}
	weekly := Rule{Name: "Weekly", TargetVault: "V1", Schedule: "cron(0 5 ? * SAT *)", Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(90)}}
	m1 := Rule{Name: "Monthly1Year", TargetVault: "V1", Schedule: "cron(0 5 1 * ? *)", Lifecycle: backup.Lifecycle{MoveToColdStorageAfter: backup.Days(30), DeleteAfter: backup.Days(365)}}
	m5 := Rule{Name: "Monthly5Year", TargetVault: "V1", Schedule: "cron(0 5 1 * ? *)", Lifecycle: backup.Lifecycle{MoveToColdStorageAfter: backup.Days(90), DeleteAfter: backup.Days(1825)}}
	m7 := Rule{Name: "Monthly7Year", TargetVault: "V1", Schedule: "cron(0 5 1 * ? *)", Lifecycle: backup.Lifecycle{MoveToColdStorageAfter: backup.Days(90), DeleteAfter: backup.Days(2555)}}
	d7 := Rule{Name: "Daily7Day", TargetVault: "V1", Schedule: "cron(0 5 * * ? *)", Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(7)}}
	tests := []struct {
		preset string
		want   []Rule
	}{
		{"daily35", []Rule{daily}},
		{"daily-monthly-1y", []Rule{daily, m1}},
		{"daily-weekly-monthly-5y", []Rule{daily, weekly, m5}},
		{"daily-weekly-monthly-7y", []Rule{daily, weekly, m7}},
		{"daily7", []Rule{d7}},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			t.Parallel()
			b, err := Preset(tt.preset, "P", "V1")
			if err != nil {
				t.Fatal(err)
			}
			p, err := b.Build()
			if err != nil {
				t.Fatalf("Build() = %v", err)
			}
			want := &Plan{Name: "P", Rules: tt.want}
			if !reflect.DeepEqual(p, want) {
				t.Errorf("got %+v; want %+v", p, want)
			}
		})
	}
	if _, err := Preset("nope", "P", "V"); err == nil {
		t.Errorf("Preset(nope) = nil error")
	}
	if got := PresetNames(); len(got) != len(tests) {
		t.Errorf("PresetNames() = %v", got)
	}
	// Each preset call returns a fresh builder.
	a, b := DailyRule("V"), DailyRule("V")
	a.DeleteAfter(backup.Days(1))
	if b.Rule().Lifecycle.DeleteAfter != backup.Days(35) {
		t.Errorf("DailyRule builders share state")
	}
}

func TestPresetCLIJSONExact(t *testing.T) {
	t.Parallel()
	p, err := DailyMonthly1Year("daily-monthly-1y", "Default").Build()
	if err != nil {
		t.Fatal(err)
	}
	got, err := MarshalCLI(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "BackupPlan": {
    "BackupPlanName": "daily-monthly-1y",
    "Rules": [
      {
        "RuleName": "Daily",
        "TargetBackupVaultName": "Default",
        "ScheduleExpression": "cron(0 5 * * ? *)",
        "Lifecycle": {
          "DeleteAfterDays": 35
        }
      },
      {
        "RuleName": "Monthly1Year",
        "TargetBackupVaultName": "Default",
        "ScheduleExpression": "cron(0 5 1 * ? *)",
        "Lifecycle": {
          "MoveToColdStorageAfterDays": 30,
          "DeleteAfterDays": 365
        }
      }
    ]
  }
}
`
	if string(got) != want {
		t.Errorf("MarshalCLI =\n%s\nwant\n%s", got, want)
	}
}
