package vault

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
)

func TestCreateDescribeEnsure(t *testing.T) {
	t.Parallel()
	_, api := newTestServer(t)
	c := New(api)
	ctx := t.Context()

	if _, err := c.Describe(ctx, "prod"); !backup.IsNotFound(err) {
		t.Fatalf("Describe(missing) error = %v; want not found", err)
	}
	info, created, err := c.Ensure(ctx, Spec{Name: "prod", KMSKeyARN: testKey, Tags: map[string]string{"env": "prod"}})
	if err != nil || !created {
		t.Fatalf("Ensure() = created %v, %v; want created", created, err)
	}
	if info.KMSKeyARN != testKey || info.ARN != "arn:aws:backup:us-east-1:123456789012:backup-vault:prod" {
		t.Errorf("Ensure() info = %+v; want key %s and the vault ARN", info, testKey)
	}
	if info.CreatorRequestID != CreatorRequestID("prod", testKey) {
		t.Errorf("CreatorRequestID = %q; want the derived one", info.CreatorRequestID)
	}
	// Second Ensure: no creation, same vault, extra tags applied.
	again, created, err := c.Ensure(ctx, Spec{Name: "prod", KMSKeyARN: testKey, Tags: map[string]string{"team": "data"}})
	if err != nil || created || again.ARN != info.ARN {
		t.Fatalf("Ensure(again) = %v created %v err %v; want the existing vault", again, created, err)
	}
	tags, err := api.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(info.ARN)})
	if err != nil {
		t.Fatalf("ListTags: %v", err)
	}
	if tags.Tags["env"] != "prod" || tags.Tags["team"] != "data" {
		t.Errorf("tags = %v; want env=prod and team=data", tags.Tags)
	}
	// A different key is a mismatch, never a silent success.
	_, _, err = c.Ensure(ctx, Spec{Name: "prod", KMSKeyARN: testKey2})
	var me *MismatchError
	if !errors.As(err, &me) || me.Field != "KMSKeyARN" {
		t.Errorf("Ensure(other key) error = %v; want *MismatchError on KMSKeyARN", err)
	}
	// Create with the same deterministic CreatorRequestId is idempotent in
	// AWS; a different one fails with AlreadyExists.
	if _, err := c.Create(ctx, Spec{Name: "prod", KMSKeyARN: testKey, CreatorRequestID: "someone-else"}); !backup.IsAlreadyExists(err) {
		t.Errorf("Create(existing, other request id) error = %v; want AlreadyExists", err)
	}
	// Invalid input never reaches AWS.
	if _, err := c.Create(ctx, Spec{Name: "x", KMSKeyARN: "arn:aws:kms:us-east-1:123456789012:alias/a"}); len(validationFields(err)) != 2 {
		t.Errorf("Create(invalid) error = %v; want 2 validation errors", err)
	}
}

func TestDeleteEmptyVault(t *testing.T) {
	t.Parallel()
	_, api := newTestServer(t)
	c := New(api)
	ctx := t.Context()
	if _, err := c.Create(ctx, Spec{Name: "scratch"}); err != nil {
		t.Fatal(err)
	}
	rep, err := c.Delete(ctx, "scratch")
	if err != nil || !rep.VaultDeleted {
		t.Fatalf("Delete() = %+v, %v; want deleted", rep, err)
	}
	if _, err := c.Describe(ctx, "scratch"); !backup.IsNotFound(err) {
		t.Errorf("Describe after Delete error = %v; want not found", err)
	}
	if _, err := c.Delete(ctx, "scratch"); !backup.IsNotFound(err) {
		t.Errorf("Delete(missing) error = %v; want not found", err)
	}
}

// TestEnsureWhenDescribeDeniesMissingVault: AWS answers DescribeBackupVault
// for a vault that does not exist with AccessDeniedException in some setups,
// even to a caller with the permission (amazon.aws#1436; Terraform treats it
// as not found, terraform-provider-aws#11840). Ensure must still create the
// vault, and must not mistake a real denial on an existing vault for a
// missing one.
func TestEnsureWhenDescribeDeniesMissingVault(t *testing.T) {
	t.Parallel()
	srv, api := newTestServer(t)
	srv.InjectFault(backuptest.Fault{Operation: "DescribeBackupVault", ErrorCode: backuptest.CodeAccessDenied, WhenNotFound: true})
	c := New(api)
	ctx := t.Context()
	if _, err := c.Describe(ctx, "quirk"); !isAccessDenied(err) {
		t.Fatalf("Describe(missing) error = %v; want AccessDeniedException from the fault rule", err)
	}
	info, created, err := c.Ensure(ctx, Spec{Name: "quirk"})
	if err != nil || !created || info.Name != "quirk" {
		t.Fatalf("Ensure(missing, describe denied) = %+v, created %v, %v; want the vault created", info, created, err)
	}
	if _, created, err := c.Ensure(ctx, Spec{Name: "quirk"}); err != nil || created {
		t.Fatalf("Ensure(existing) = created %v, %v; want the existing vault", created, err)
	}

	// A real denial on an existing vault: Ensure reports it and creates
	// nothing.
	srv.InjectFault(backuptest.Fault{Operation: "DescribeBackupVault", ErrorCode: backuptest.CodeAccessDenied})
	_, created, err = c.Ensure(ctx, Spec{Name: "quirk", CreatorRequestID: "another-request"})
	if !isAccessDenied(err) || created {
		t.Fatalf("Ensure(existing, describe denied) = created %v, %v; want the AccessDeniedException", created, err)
	}
	srv.ClearFaults()
	out, err := api.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
	if err != nil || len(out.BackupVaultList) != 1 {
		t.Fatalf("vaults = %v, %v; want exactly one", out, err)
	}
}
