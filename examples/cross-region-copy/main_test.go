package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 100 * time.Millisecond })
	if err := srv.PutResource(backuptest.Resource{ARN: resourceARN, SizeBytes: 4 << 30}); err != nil {
		t.Fatal(err)
	}
	minDelay = 20 * time.Millisecond
	var out bytes.Buffer
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"destination vault arn:aws:backup:eu-west-1:123456789012:backup-vault:backupkit-dr",
		"copy job ",
		" to arn:aws:backup:eu-west-1:123456789012:backup-vault:backupkit-dr",
		"copy completed: arn:",
		resourceARN + " in eu-west-1/backupkit-dr: 1 recovery point(s)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// The copy landed in eu-west-1's partition of the emulator.
	eu := srv.ClientFor("123456789012", "eu-west-1")
	if _, err := eu.DescribeBackupVault(t.Context(), vaultInput(destVault)); err != nil {
		t.Errorf("destination vault not in eu-west-1: %v", err)
	}
}

func vaultInput(name string) *awsbackup.DescribeBackupVaultInput {
	return &awsbackup.DescribeBackupVaultInput{BackupVaultName: &name}
}
