package vault

import (
	"encoding/json"
	"slices"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
)

func TestAccessPolicyThroughEmulator(t *testing.T) {
	t.Parallel()
	_, api := newTestServer(t)
	c := New(api)
	ctx := t.Context()
	if _, err := c.Create(ctx, Spec{Name: "dr"}); err != nil {
		t.Fatal(err)
	}
	js, err := NewAccessPolicy().DenyRecoveryPointDeletion().AllowCopyFromAccounts("111122223333").Build()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutAccessPolicy(ctx, "dr", js); err != nil {
		t.Fatalf("PutAccessPolicy: %v", err)
	}
	got, err := c.AccessPolicy(ctx, "dr")
	if err != nil {
		t.Fatalf("AccessPolicy: %v", err)
	}
	var a, b any
	if json.Unmarshal([]byte(got), &a) != nil || json.Unmarshal([]byte(js), &b) != nil {
		t.Fatalf("policy round trip is not JSON: %s", got)
	}
	if ga, _ := json.Marshal(a); string(ga) != func() string { gb, _ := json.Marshal(b); return string(gb) }() {
		t.Errorf("AccessPolicy() = %s; want %s", got, js)
	}
	if err := c.PutAccessPolicy(ctx, "dr", "{not json"); err == nil {
		t.Error("PutAccessPolicy(bad JSON) = nil; want error")
	}
	if err := c.DeleteAccessPolicy(ctx, "dr"); err != nil {
		t.Fatalf("DeleteAccessPolicy: %v", err)
	}
	if _, err := c.AccessPolicy(ctx, "dr"); !backup.IsNotFound(err) {
		t.Errorf("AccessPolicy after delete error = %v; want not found", err)
	}
}

func TestNotificationsThroughEmulator(t *testing.T) {
	t.Parallel()
	_, api := newTestServer(t)
	c := New(api)
	ctx := t.Context()
	if _, err := c.Create(ctx, Spec{Name: "notified"}); err != nil {
		t.Fatal(err)
	}
	n := Notifications{TopicARN: "arn:aws:sns:us-east-1:123456789012:backup-events", Events: []types.BackupVaultEvent{types.BackupVaultEventBackupJobCompleted, types.BackupVaultEventCopyJobFailed}}
	if err := c.PutNotifications(ctx, "notified", n); err != nil {
		t.Fatalf("PutNotifications: %v", err)
	}
	got, err := c.GetNotifications(ctx, "notified")
	if err != nil {
		t.Fatalf("GetNotifications: %v", err)
	}
	if got.TopicARN != n.TopicARN || !slices.Equal(got.Events, n.Events) {
		t.Errorf("GetNotifications() = %+v; want %+v", got, n)
	}
	if err := c.DeleteNotifications(ctx, "notified"); err != nil {
		t.Fatalf("DeleteNotifications: %v", err)
	}
	if _, err := c.GetNotifications(ctx, "notified"); !backup.IsNotFound(err) {
		t.Errorf("GetNotifications after delete error = %v; want not found", err)
	}
}

func TestCreateAirGapped(t *testing.T) {
	t.Parallel()
	_, api := newTestServer(t)
	c := New(api)
	info, err := c.CreateAirGapped(t.Context(), AirGappedSpec{Name: "lag", MinRetention: backup.Days(7), MaxRetention: backup.Days(90)})
	if err != nil {
		t.Fatalf("CreateAirGapped: %v", err)
	}
	if info.Type != types.VaultTypeLogicallyAirGappedBackupVault || info.MinRetention != backup.Days(7) || info.MaxRetention != backup.Days(90) {
		t.Errorf("CreateAirGapped() = type %s min %v max %v; want air-gapped 7d/90d", info.Type, info.MinRetention, info.MaxRetention)
	}
	if _, err := c.CreateAirGapped(t.Context(), AirGappedSpec{Name: "lag2", MinRetention: backup.Days(3)}); err == nil {
		t.Error("CreateAirGapped(min 3, no max) = nil; want validation error")
	}
}

func TestVaultCallsSurviveThrottling(t *testing.T) {
	t.Parallel()
	srv, api := newTestServer(t)
	srv.InjectFault(backuptest.Fault{ErrorCode: "ThrottlingException", Rate: 0.3})
	c := New(api)
	for _, name := range []string{"a1", "a2", "a3", "a4", "a5"} {
		if _, _, err := c.Ensure(t.Context(), Spec{Name: name, KMSKeyARN: testKey}); err != nil {
			t.Fatalf("Ensure(%s) under throttling: %v", name, err)
		}
	}
	out, err := api.ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.BackupVaultList) != 5 {
		t.Errorf("vaults = %d; want 5", len(out.BackupVaultList))
	}
}
