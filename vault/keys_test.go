package vault_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/keys"
	"github.com/backupkit/backupkit/vault"
)

// TestEnsureChecksTheKey: with a key provider, Ensure makes at most two
// extra KMS calls and refuses a disabled key with the reason; the emulator's
// CreateBackupVault refuses a key KMS does not hold.
func TestEnsureChecksTheKey(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	ctx := t.Context()
	kc := kms.NewFromConfig(srv.Config())
	p := keys.New(kc, func(o *keys.Options) {
		o.BackupRoleARN, o.Region = "arn:aws:iam::123456789012:role/backup", "us-east-1"
	})
	k, _, err := p.Ensure(ctx, "alias/vaults", false)
	if err != nil {
		t.Fatal(err)
	}
	c := vault.New(srv.Client(), func(o *vault.Options) { o.Keys = p })
	kmsCalls := func() int {
		n := 0
		for _, call := range srv.Calls() {
			if call.Service == "kms" {
				n++
			}
		}
		return n
	}
	before := kmsCalls()
	if _, created, err := c.Ensure(ctx, vault.Spec{Name: "keyed", KMSKeyARN: k.ARN}); err != nil || !created {
		t.Fatalf("Ensure with a good key: %v, %v", created, err)
	}
	if extra := kmsCalls() - before; extra > 2 {
		t.Errorf("Ensure made %d KMS calls; want at most 2", extra)
	}
	if _, err := kc.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(k.ARN)}); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Ensure(ctx, vault.Spec{Name: "keyed2", KMSKeyARN: k.ARN})
	var ke *keys.KeyError
	if !errors.As(err, &ke) || !strings.Contains(err.Error(), "Disabled") {
		t.Errorf("Ensure with a disabled key: %v; want a KeyError naming the state", err)
	}
	// Without a provider the emulator still refuses a missing key, as AWS does.
	_, _, err = vault.New(srv.Client()).Ensure(ctx, vault.Spec{Name: "keyed3", KMSKeyARN: "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing key: %v; want the emulator's refusal", err)
	}
}
