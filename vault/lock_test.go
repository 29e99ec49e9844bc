package vault

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/backupkit/backupkit/backup"
)

func TestLockValidate(t *testing.T) {
	t.Parallel()
	d := backup.Days
	tests := []struct {
		name string
		lock Lock
		want []string
	}{
		{"governance ok", GovernanceLock(d(7), d(365)), nil},
		{"governance min only", GovernanceLock(d(1), 0), nil},
		{"compliance ok", ComplianceLock(d(7), d(365), d(3), AcknowledgeIrreversible()), nil},
		{"compliance without acknowledgement", ComplianceLock(d(7), d(365), d(3)), []string{"IrreversibleAcknowledged"}},
		{"compliance grace too short", ComplianceLock(d(7), d(365), d(2), AcknowledgeIrreversible()), []string{"ChangeableFor"}},
		{"governance with grace", Lock{Mode: Governance, MinRetention: d(7), ChangeableFor: d(3)}, []string{"ChangeableFor"}},
		// API_PutBackupVaultLockConfiguration: MinRetentionDays and
		// MaxRetentionDays are both optional ("If this parameter is not
		// specified, Vault Lock will not enforce a minimum retention period").
		{"nothing set", GovernanceLock(0, 0), nil},
		{"out of range", GovernanceLock(d(0)+time.Hour, d(36501)), []string{"MinRetention", "MaxRetention"}},
		{"max below min", GovernanceLock(d(30), d(7)), []string{"MaxRetention"}},
		{"everything wrong compliance", ComplianceLock(d(40000), d(1), 0), []string{"MinRetention", "MaxRetention", "ChangeableFor", "IrreversibleAcknowledged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := validationFields(tt.lock.Validate())
			if !slices.Equal(got, tt.want) {
				t.Errorf("Validate() fields = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestLockInput(t *testing.T) {
	t.Parallel()
	in, err := ComplianceLock(backup.Days(7), backup.Days(90), backup.Days(3), AcknowledgeIrreversible()).Input("v1")
	if err != nil {
		t.Fatalf("Input() error = %v", err)
	}
	if aws.ToInt64(in.MinRetentionDays) != 7 || aws.ToInt64(in.MaxRetentionDays) != 90 || aws.ToInt64(in.ChangeableForDays) != 3 {
		t.Errorf("Input() = min %v max %v changeable %v; want 7/90/3", aws.ToInt64(in.MinRetentionDays), aws.ToInt64(in.MaxRetentionDays), aws.ToInt64(in.ChangeableForDays))
	}
	g, err := GovernanceLock(backup.Days(7), 0).Input("v1")
	if err != nil {
		t.Fatalf("Input() error = %v", err)
	}
	if g.ChangeableForDays != nil || g.MaxRetentionDays != nil {
		t.Errorf("governance Input() ChangeableForDays = %v, MaxRetentionDays = %v; want both nil", g.ChangeableForDays, g.MaxRetentionDays)
	}
}

func TestPutLockThroughEmulator(t *testing.T) {
	t.Parallel()
	_, api := newTestServer(t)
	c := New(api)
	ctx := t.Context()
	if _, err := c.Create(ctx, Spec{Name: "locked", KMSKeyARN: testKey}); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := c.PutLock(ctx, "locked", ComplianceLock(backup.Days(7), backup.Days(30), backup.Days(3))); err == nil {
		t.Fatal("PutLock(compliance without acknowledgement) = nil; want validation error")
	}
	if err := c.PutLock(ctx, "locked", ComplianceLock(backup.Days(7), backup.Days(30), backup.Days(3), AcknowledgeIrreversible())); err != nil {
		t.Fatalf("PutLock: %v", err)
	}
	info, err := c.Describe(ctx, "locked")
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if !info.HasLock() || info.MinRetention != backup.Days(7) || info.MaxRetention != backup.Days(30) || info.LockDate.IsZero() {
		t.Errorf("Describe() lock = locked %v min %v max %v lockDate %v; want locked 7d/30d with a lock date", info.Locked, info.MinRetention, info.MaxRetention, info.LockDate)
	}
	if err := c.RemoveLock(ctx, "locked"); err != nil {
		t.Fatalf("RemoveLock within grace period: %v", err)
	}
	info, _ = c.Describe(ctx, "locked")
	if info.HasLock() {
		t.Errorf("after RemoveLock HasLock() = true; want false")
	}
}
