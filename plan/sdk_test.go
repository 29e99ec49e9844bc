package plan

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
)

func TestSDKRoundTrip(t *testing.T) {
	t.Parallel()
	p := validPlan()
	in := p.ToSDK()
	r := in.Rules[0]
	if aws.ToInt64(r.StartWindowMinutes) != 60 || aws.ToInt64(r.CompletionWindowMinutes) != 120 ||
		aws.ToInt64(r.Lifecycle.DeleteAfterDays) != 7 || r.Lifecycle.MoveToColdStorageAfterDays != nil ||
		aws.ToString(r.ScheduleExpressionTimezone) != "Europe/Berlin" {
		t.Errorf("rule 0 = %+v; want minutes and days at the edge", r)
	}
	if in.Rules[2].EnableContinuousBackup == nil || !*in.Rules[2].EnableContinuousBackup {
		t.Errorf("continuous not set")
	}
	if aws.ToInt64(in.Rules[3].Lifecycle.DeleteAfterDays) != -1 {
		t.Errorf("backup.KeepForever not -1")
	}
	got, err := FromSDKInput(in)
	if err != nil {
		t.Fatal(err)
	}
	want := p.Clone()
	want.Tags = nil // tags are not part of the plan body
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromSDKInput(ToSDK(p)) = %+v; want %+v", got, want)
	}
	// FromSDK takes what GetBackupPlan returns (with rule IDs).
	bp := &types.BackupPlan{BackupPlanName: in.BackupPlanName, AdvancedBackupSettings: in.AdvancedBackupSettings}
	for _, r := range in.Rules {
		bp.Rules = append(bp.Rules, types.BackupRule{RuleId: aws.String("id"), RuleName: r.RuleName,
			TargetBackupVaultName: r.TargetBackupVaultName, ScheduleExpression: r.ScheduleExpression,
			ScheduleExpressionTimezone: r.ScheduleExpressionTimezone, StartWindowMinutes: r.StartWindowMinutes,
			CompletionWindowMinutes: r.CompletionWindowMinutes, Lifecycle: r.Lifecycle, RecoveryPointTags: r.RecoveryPointTags,
			CopyActions: r.CopyActions, EnableContinuousBackup: r.EnableContinuousBackup, IndexActions: r.IndexActions,
			TargetLogicallyAirGappedBackupVaultArn: r.TargetLogicallyAirGappedBackupVaultArn})
	}
	got2, err := FromSDK(bp)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got2, want) {
		t.Errorf("FromSDK = %+v; want %+v", got2, want)
	}
	if _, err := FromSDK(nil); err != ErrNilPlan {
		t.Errorf("FromSDK(nil) error = %v; want ErrNilPlan", err)
	}
	ci := p.CreateInput()
	if ci.BackupPlanTags["team"] != "storage" || aws.ToString(ci.CreatorRequestId) != CreatorRequestID(p) {
		t.Errorf("CreateInput = %+v", ci)
	}
}

func TestCreatorRequestID(t *testing.T) {
	t.Parallel()
	p := validPlan()
	id := CreatorRequestID(p)
	if id != CreatorRequestID(p.Clone()) {
		t.Errorf("not deterministic")
	}
	if requestIDUnsafe.MatchString(id) || len(id) > 50 || !strings.HasPrefix(id, "prod-plan.v1-") {
		t.Errorf("CreatorRequestID = %q; want name prefix, 1-50 of [A-Za-z0-9-_.]", id)
	}
	q := p.Clone()
	q.Rules[0].Lifecycle.DeleteAfter = backup.Days(8)
	if CreatorRequestID(q) == id {
		t.Errorf("changed plan kept the same CreatorRequestID")
	}
	q = p.Clone()
	q.Tags["team"] = "other"
	if CreatorRequestID(q) == id {
		t.Errorf("changed tags kept the same CreatorRequestID")
	}
	long := &Plan{Name: strings.Repeat("n", 50)}
	if got := CreatorRequestID(long); len(got) != 50 {
		t.Errorf("len(CreatorRequestID(50-char name)) = %d; want 50", len(got))
	}
	if got := CreatorRequestID(&Plan{Name: "a b/c"}); !strings.HasPrefix(got, "a_b_c-") {
		t.Errorf("CreatorRequestID with unsafe chars = %q", got)
	}
}
