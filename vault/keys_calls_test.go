package vault_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/keys"
	"github.com/backupkit/backupkit/vault"
)

// kmsCallsPerEnsure returns the KMS calls of one vault.Ensure with a key
// provider, and the AWS Backup calls beside them.
func kmsCallsPerEnsure(tb testing.TB, srv *backuptest.Server, c *vault.Client, spec vault.Spec) (kmsCalls, backupCalls int) {
	tb.Helper()
	before := len(srv.Calls())
	if _, _, err := c.Ensure(tb.Context(), spec); err != nil {
		tb.Fatalf("Ensure(%s): %v", spec.Name, err)
	}
	for _, call := range srv.Calls()[before:] {
		if call.Service == "kms" {
			kmsCalls++
		} else {
			backupCalls++
		}
	}
	return kmsCalls, backupCalls
}

// The figure "KMS checks add at most 2 calls per vault.Ensure", on every
// path: a customer managed key costs DescribeKey and GetKeyPolicy (2),
// whether Ensure creates the vault or finds it; an AWS managed key costs
// DescribeKey alone (1), since its policy is AWS's; no key costs nothing.
func TestEnsureKMSCallBudget(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	ctx := t.Context()
	p := keys.New(kms.NewFromConfig(srv.Config()), func(o *keys.Options) {
		o.BackupRoleARN, o.Region = "arn:aws:iam::123456789012:role/backup", "us-east-1"
	})
	k, _, err := p.Ensure(ctx, "alias/budget", false)
	if err != nil {
		t.Fatal(err)
	}
	// AWS Backup's default vault key is the AWS managed aws/backup key.
	if _, err := srv.Client().CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("default-key")}); err != nil {
		t.Fatal(err)
	}
	d, err := srv.Client().DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("default-key")})
	if err != nil {
		t.Fatal(err)
	}
	managed := aws.ToString(d.EncryptionKeyArn)
	c := vault.New(srv.Client(), func(o *vault.Options) { o.Keys = p })
	for _, tc := range []struct {
		name string
		spec vault.Spec
		want int
	}{
		{"create with a customer managed key", vault.Spec{Name: "cmk", KMSKeyARN: k.ARN}, 2},
		{"existing vault, customer managed key", vault.Spec{Name: "cmk", KMSKeyARN: k.ARN}, 2},
		{"existing vault, AWS managed key", vault.Spec{Name: "default-key", KMSKeyARN: managed}, 1},
		{"no key", vault.Spec{Name: "nokey"}, 0},
	} {
		got, backupCalls := kmsCallsPerEnsure(t, srv, c, tc.spec)
		if got != tc.want || got > 2 {
			t.Errorf("%s: %d KMS calls (and %d AWS Backup calls); want %d, at most 2", tc.name, got, backupCalls, tc.want)
		}
	}
}

// BenchmarkEnsureKMSCalls reports KMS calls per Ensure (kms-calls/op) and
// the time of an Ensure with the key check against one without.
func BenchmarkEnsureKMSCalls(b *testing.B) {
	srv := backuptest.NewServer(b)
	p := keys.New(kms.NewFromConfig(srv.Config()), func(o *keys.Options) {
		o.BackupRoleARN, o.Region = "arn:aws:iam::123456789012:role/backup", "us-east-1"
	})
	k, _, err := p.Ensure(b.Context(), "alias/bench", false)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		keys vault.KeyChecker
	}{{"without-check", nil}, {"with-check", p}} {
		b.Run(mode.name, func(b *testing.B) {
			c := vault.New(srv.Client(), func(o *vault.Options) { o.Keys = mode.keys })
			spec := vault.Spec{Name: fmt.Sprintf("bench-%s", mode.name), KMSKeyARN: k.ARN}
			kmsTotal := 0
			for b.Loop() {
				n, _ := kmsCallsPerEnsure(b, srv, c, spec)
				kmsTotal += n
			}
			b.ReportMetric(float64(kmsTotal)/float64(b.N), "kms-calls/op")
		})
	}
}
