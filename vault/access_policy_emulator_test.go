package vault

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
)

// TestAccessPolicyAllowsListedAccountCopies checks a built policy with the
// emulator's policy evaluation: a listed account may copy in (without the
// policy the emulator refuses cross-account copies).
func TestAccessPolicyAllowsListedAccountCopies(t *testing.T) {
	t.Parallel()
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, api := newTestServer(t, func(o *backuptest.Options) { o.Clock = clk })
	ctx := t.Context()
	if err := srv.PutResource(backuptest.Resource{ARN: delVol1, SizeBytes: 1 << 30}); err != nil {
		t.Fatal(err)
	}
	sleep := func(ctx context.Context, d time.Duration) error { clk.Advance(d); return nil }
	central := srv.ClientFor("210987654321", "us-east-1")
	cv := New(central)
	if _, err := cv.Create(ctx, Spec{Name: "central"}); err != nil {
		t.Fatal(err)
	}
	policy, err := NewAccessPolicy().DenyRecoveryPointDeletion().AllowCopyFromAccounts("123456789012").Build()
	if err != nil {
		t.Fatal(err)
	}
	if err := cv.PutAccessPolicy(ctx, "central", policy); err != nil {
		t.Fatal(err)
	}
	if _, err := New(api).Create(ctx, Spec{Name: "src"}); err != nil {
		t.Fatal(err)
	}
	bc := backup.New(api, func(o *backup.Options) { o.Waiter = backup.WaiterOptions{MinDelay: time.Minute, Sleep: sleep} })
	if err := bc.SetCrossAccountBackup(ctx, true); err != nil {
		t.Fatal(err)
	}
	job, err := bc.StartBackup(ctx, backup.JobInput{VaultName: "src", ResourceARN: delVol1, IAMRoleARN: delRole})
	if err != nil {
		t.Fatal(err)
	}
	b, err := job.Wait(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cj, err := bc.StartCopy(ctx, backup.CopyInput{SourceVaultName: "src", RecoveryPointARN: aws.ToString(b.RecoveryPointArn), IAMRoleARN: delRole,
		DestinationVaultName: "central", DestinationAccountID: "210987654321"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := cj.Wait(ctx, time.Hour)
	if err != nil {
		t.Fatalf("copy into the policy-governed vault: %v", err)
	}
	if aws.ToString(d.CopyJob.DestinationRecoveryPointArn) == "" {
		t.Error("copy has no destination recovery point")
	}
	// The emulator does not evaluate Deny statements on DeleteRecoveryPoint
	// (reported to the emulator's owner), so the deny half is checked only
	// as JSON in TestAccessPolicyBuild.
}
