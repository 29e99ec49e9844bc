//go:build unix

package backuptest_test

import (
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

// describeVaultBody is what the emulator answers for DescribeBackupVault of
// the benchmark's vault; the baseline handler sends it verbatim.
const describeVaultBody = `{"BackupVaultArn":"arn:aws:backup:us-east-1:123456789012:backup-vault:bench","BackupVaultName":"bench",` +
	`"CreationDate":1764097200.123,"EncryptionKeyArn":"arn:aws:kms:us-east-1:123456789012:key/0123456789abcdef-aws-backup",` +
	`"EncryptionKeyType":"AWS_OWNED_KMS_KEY","Locked":false,"NumberOfRecoveryPoints":0,"VaultState":"AVAILABLE","VaultType":"BACKUP_VAULT"}`

// BenchmarkEmulatorDescribeBackupVault measures one DescribeBackupVault
// through the real SDK client against the emulator over loopback HTTP.
// Compare with BenchmarkBareHTTPBaseline (same client, a handler that
// returns a fixed body) for the emulator's own cost.
func BenchmarkEmulatorDescribeBackupVault(b *testing.B) {
	srv := backuptest.NewServer(b)
	c := srv.Client()
	if _, err := c.CreateBackupVault(b.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	in := &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("bench")}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for b.Loop() {
		if _, err := c.DescribeBackupVault(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkBareHTTPBaseline is the floor for BenchmarkEmulatorDescribeBackupVault:
// the same SDK client configuration against a bare net/http handler that
// answers every request with a fixed DescribeBackupVault body.
func BenchmarkBareHTTPBaseline(b *testing.B) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(describeVaultBody))
	}))
	b.Cleanup(ts.Close)
	// The same aws.Config the emulator's Server builds, pointed at ts.
	cfg := backuptest.NewServer(b).Config(func(cfg *aws.Config) { cfg.BaseEndpoint = aws.String(ts.URL) })
	c := awsbackup.NewFromConfig(cfg)
	in := &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("bench")}
	out, err := c.DescribeBackupVault(b.Context(), in)
	if err != nil || aws.ToString(out.BackupVaultName) != "bench" {
		b.Fatalf("baseline answer: %v, %v", out, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for b.Loop() {
		if _, err := c.DescribeBackupVault(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// processCPU is the CPU time (user + system) the test process used so far.
// Client and server run in this process, so CPU per operation measures the
// work of both without the scheduling noise of a busy machine that
// wall-clock ns/op includes.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the cpu-ns/op metric: process CPU time since start per
// iteration.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}
