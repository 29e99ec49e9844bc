package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	live := &Plan{Name: "p", Rules: []Rule{
		{Name: "a", TargetVault: "V", Schedule: "cron(0 5 ? * * *)", Timezone: "Etc/UTC", StartWindow: 8 * time.Hour,
			CompletionWindow: 7 * 24 * time.Hour, Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(35)},
			CopyActions: []CopyAction{{DestinationVaultARN: testVaultARN, Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(10)}}}},
		{Name: "gone", TargetVault: "V"},
	}, AdvancedSettings: []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": "enabled"}}}}
	// Equal once AWS defaults are taken into account.
	same := &Plan{Name: "p", Rules: []Rule{
		{Name: "gone", TargetVault: "V"},
		{Name: "a", TargetVault: "V", Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(35)},
			CopyActions: []CopyAction{{DestinationVaultARN: testVaultARN, Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(10)}}}},
	}, AdvancedSettings: []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": "enabled"}}}}
	if d := Diff(live, same); len(d) != 0 {
		t.Errorf("Diff(defaults) = %s; want none", d)
	}
	desired := &Plan{Name: "p2", Rules: []Rule{
		{Name: "a", TargetVault: "W", Schedule: "cron(0 6 ? * * *)", Timezone: "Europe/Berlin", StartWindow: 2 * time.Hour,
			Lifecycle: backup.Lifecycle{MoveToColdStorageAfter: backup.Days(1), DeleteAfter: backup.Days(91), OptInToArchive: true}, ContinuousBackup: true,
			RecoveryPointTags: map[string]string{"k": "v"}, IndexActions: []IndexAction{{ResourceTypes: []backup.ResourceType{"S3"}}},
			CopyActions: []CopyAction{{DestinationVaultARN: testVaultARN + "2"}}},
		{Name: "new", TargetVault: "V", Lifecycle: backup.Lifecycle{DeleteAfter: backup.KeepForever}},
	}}
	got := Diff(live, desired).String()
	for _, want := range []string{
		`~ BackupPlanName: p -> p2`,
		`~ Rules["a"].TargetBackupVaultName: V -> W`,
		`~ Rules["a"].ScheduleExpression: cron(0 5 ? * * *) -> cron(0 6 ? * * *)`,
		`~ Rules["a"].ScheduleExpressionTimezone: UTC -> Europe/Berlin`,
		`~ Rules["a"].StartWindowMinutes: 480 -> 120`,
		`+ Rules["a"].Lifecycle.MoveToColdStorageAfterDays: 1`,
		`~ Rules["a"].Lifecycle.DeleteAfterDays: 35 -> 91`,
		`+ Rules["a"].Lifecycle.OptInToArchiveForSupportedResources: true`,
		`+ Rules["a"].EnableContinuousBackup: true`,
		`+ Rules["a"].RecoveryPointTags["k"]: v`,
		`- Rules["a"].CopyActions["` + testVaultARN + `"]: delete after 10 days`,
		`+ Rules["a"].CopyActions["` + testVaultARN + `2"]: default lifecycle`,
		`+ Rules["a"].IndexActions: S3`,
		`- Rules["gone"]: cron(0 5 ? * * *) to V`,
		`+ Rules["new"]: cron(0 5 ? * * *) to V, keep forever`,
		`- AdvancedBackupSettings["EC2"]["WindowsVSS"]: enabled`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("Diff lacks %q:\n%s", want, got)
		}
	}
	if n := len(Diff(nil, &Plan{Name: "x"})); n != 1 {
		t.Errorf("Diff(nil, named) = %d changes; want 1", n)
	}
}

func TestDiffTags(t *testing.T) {
	t.Parallel()
	live := &Plan{Name: "p", Tags: map[string]string{"managed-by": "backupkit", "team": "storage", "old": "x",
		"aws:cloudformation:stack-name": "s"}}
	desired := &Plan{Name: "p", Tags: map[string]string{"managed-by": "terraform", "team": "storage", "new": "y"}}
	got := Diff(live, desired).String()
	want := "- BackupPlanTags[\"old\"]: x\n" +
		"~ BackupPlanTags[\"managed-by\"]: backupkit -> terraform\n" +
		"+ BackupPlanTags[\"new\"]: y\n"
	for _, line := range strings.SplitAfter(want, "\n") {
		if !strings.Contains(got, line) {
			t.Errorf("Diff lacks %q:\n%s", line, got)
		}
	}
	if strings.Contains(got, "aws:") {
		t.Errorf("Diff = %s; want AWS's reserved aws: tags left out", got)
	}
	if n := strings.Count(got, "\n"); n != 3 {
		t.Errorf("Diff = %s; want 3 changes", got)
	}
	set, remove := tagChanges(live.Tags, desired.Tags)
	if len(set) != 2 || set["managed-by"] != "terraform" || set["new"] != "y" || len(remove) != 1 || remove[0] != "old" {
		t.Errorf("tagChanges = %v, %v; want set managed-by and new, remove old", set, remove)
	}
	if d := Diff(&Plan{Name: "p", Tags: map[string]string{"aws:x": "1"}}, &Plan{Name: "p"}); len(d) != 0 {
		t.Errorf("Diff with only aws: tags live = %s; want none", d)
	}
}
