package backuptest_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/backupkit/backupkit/backuptest"
)

func TestCreateBackupVaultChecksKMSKey(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	ctx := t.Context()
	kc, api := kms.NewFromConfig(srv.Config()), srv.Client()
	k, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := aws.ToString(k.KeyMetadata.Arn)
	if _, err := kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/vault-key"), TargetKeyId: aws.String(keyARN)}); err != nil {
		t.Fatal(err)
	}
	create := func(name, key string) error {
		_, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(name), EncryptionKeyArn: aws.String(key)})
		return err
	}
	if err := create("with-key", keyARN); err != nil {
		t.Errorf("existing key: %v", err)
	}
	if err := create("with-alias", "arn:aws:kms:us-east-1:123456789012:alias/vault-key"); err != nil {
		t.Errorf("alias ARN: %v", err)
	}
	if err := create("example-key", "arn:aws:kms:us-east-1:123456789012:key/"+backuptest.ExampleKMSKeyID); err != nil {
		t.Errorf("documentation example key: %v", err)
	}
	if err := create("missing", "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-3333-4444-555555555555"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing key: %v", err)
	}
	if _, err := kc.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(keyARN)}); err != nil {
		t.Fatal(err)
	}
	if err := create("disabled", keyARN); err == nil || !strings.Contains(err.Error(), "Disabled") {
		t.Errorf("disabled key: %v", err)
	}
	// A fixture's fixed key ARN is accepted once PutKMSKey holds it.
	fixed := srv.PutKMSKey("", "", "99999999-2222-3333-4444-555555555555")
	if fixed != "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-3333-4444-555555555555" {
		t.Errorf("PutKMSKey = %s", fixed)
	}
	if err := create("fixed", fixed); err != nil {
		t.Errorf("key added with PutKMSKey: %v", err)
	}
}
