package vault

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
)

const (
	delRole = "arn:aws:iam::123456789012:role/backup-role"
	delVol1 = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	delVol2 = "arn:aws:ec2:us-east-1:123456789012:volume/vol-2"
	delDB   = "arn:aws:rds:us-east-1:123456789012:db:orders"
)

func TestDeleteKeepsHeldAndLockedPoints(t *testing.T) {
	t.Parallel()
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, api := newTestServer(t, func(o *backuptest.Options) { o.Clock = clk })
	ctx := t.Context()
	for _, a := range []string{delVol1, delVol2, delDB} {
		if err := srv.PutResource(backuptest.Resource{ARN: a, SizeBytes: 1 << 30}); err != nil {
			t.Fatal(err)
		}
	}
	c := New(api, func(o *Options) {
		o.Now = clk.Now
		o.Sleep = func(ctx context.Context, d time.Duration) error { clk.Advance(d); return nil }
	})
	for _, v := range []string{"doomed", "other"} {
		if _, err := c.Create(ctx, Spec{Name: v}); err != nil {
			t.Fatal(err)
		}
	}
	bc := backup.New(api, func(o *backup.Options) {
		o.Now = clk.Now
		o.Waiter = backup.WaiterOptions{MinDelay: time.Minute, Sleep: func(ctx context.Context, d time.Duration) error { clk.Advance(d); return nil }}
	})
	point := func(vault, resource string) string {
		t.Helper()
		job, err := bc.StartBackup(ctx, backup.JobInput{VaultName: vault, ResourceARN: resource, IAMRoleARN: delRole, IdempotencyToken: vault + resource + clk.Now().String()})
		if err != nil {
			t.Fatal(err)
		}
		out, err := job.Wait(ctx, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.RecoveryPointArn)
	}
	oldVol1 := point("doomed", delVol1)
	oldDB := point("doomed", delDB)
	otherPoint := point("other", delVol1)
	hold, err := bc.CreateLegalHold(ctx, backup.LegalHoldInput{Title: "case-7", Description: "keep the orders db", VaultNames: []string{"doomed"}, ResourceARNs: []string{delDB}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutLock(ctx, "doomed", GovernanceLock(backup.Days(7), 0)); err != nil {
		t.Fatal(err)
	}
	clk.Advance(8 * backup.Day)
	youngVol2 := point("doomed", delVol2)

	// Without Empty: refused, nothing deleted.
	rep, err := c.Delete(ctx, "doomed")
	if !errors.Is(err, ErrNotEmpty) || rep.VaultDeleted || len(rep.Deleted) != 0 {
		t.Fatalf("Delete() = %+v, %v; want ErrNotEmpty and nothing deleted", rep, err)
	}
	if n := srv.CallCount("DeleteRecoveryPoint"); n != 0 {
		t.Fatalf("DeleteRecoveryPoint calls = %d; want 0", n)
	}

	// With Empty: only the old, unheld point goes.
	rep, err = c.Delete(ctx, "doomed", func(o *DeleteOptions) { o.Empty = true })
	if !errors.Is(err, ErrNotEmpty) || rep.VaultDeleted {
		t.Fatalf("Delete(Empty) = %+v, %v; want ErrNotEmpty with points kept", rep, err)
	}
	if !slices.Equal(rep.Deleted, []string{oldVol1}) {
		t.Errorf("Deleted = %v; want only %s", rep.Deleted, oldVol1)
	}
	reasons := map[string]string{}
	for _, r := range rep.Retained {
		reasons[r.RecoveryPointARN] = r.Reason
	}
	if !strings.Contains(reasons[oldDB], "legal hold") || !strings.Contains(reasons[youngVol2], "vault lock") || len(reasons) != 2 {
		t.Errorf("Retained = %+v; want the held db point (legal hold) and the young point (vault lock)", rep.Retained)
	}
	if n := srv.CallCount("DeleteRecoveryPoint"); n != 1 {
		t.Errorf("DeleteRecoveryPoint calls = %d; want 1", n)
	}
	// The other vault is untouched.
	out, err := api.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("other"), RecoveryPointArn: aws.String(otherPoint)})
	if err != nil || out.Status == "DELETING" {
		t.Errorf("other vault's point: %v, %v; want intact", out, err)
	}

	// Hold released and the lock's minimum reached: everything goes.
	if err := bc.CancelLegalHold(ctx, hold.ID, "case closed", 0); err != nil {
		t.Fatal(err)
	}
	clk.Advance(8 * backup.Day)
	rep, err = c.Delete(ctx, "doomed", func(o *DeleteOptions) { o.Empty = true })
	if err != nil || !rep.VaultDeleted || len(rep.Retained) != 0 || len(rep.Deleted) != 2 {
		t.Fatalf("final Delete(Empty) = %+v, %v; want 2 points deleted and the vault gone", rep, err)
	}
	if _, err := c.Describe(ctx, "doomed"); !backup.IsNotFound(err) {
		t.Errorf("Describe(deleted vault) = %v; want not found", err)
	}
}
