package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/resilience/resiliencetest"
	"github.com/backupkit/backupkit/restore"
)

func TestResilienceFindings(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 10 * time.Millisecond })
	api := srv.Client()
	ctx := t.Context()
	vol, table := "arn:aws:ec2:us-east-1:123456789012:volume/vol-rf1", "arn:aws:dynamodb:us-east-1:123456789012:table/rf-table"
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("rf-vault")}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{vol, table} {
		if err := srv.PutResource(backuptest.Resource{ARN: a}); err != nil {
			t.Fatal(err)
		}
	}
	j, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("rf-vault"), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::123456789012:role/b")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 5*time.Millisecond, 20*time.Millisecond }).Wait(ctx, aws.ToString(j.BackupJobId), time.Minute); err != nil {
		t.Fatal(err)
	}
	const polARN = "arn:aws:resiliencehub:us-east-1:123456789012:resiliency-policy/p"
	const appARN = "arn:aws:resiliencehub:us-east-1:123456789012:app/rf"
	hub := &resiliencetest.Hub{}
	hub.PutPolicy(polARN, "silver", "Important", map[string]resiliencetest.Objective{"AZ": {RTO: time.Hour, RPO: 24 * time.Hour}})
	hub.PutApp(appARN, "rf", polARN, resiliencetest.Resource{Type: "AWS::EC2::Volume", Identifier: "vol-rf1"}, resiliencetest.Resource{Type: "AWS::DynamoDB::Table", Identifier: "rf-table"})
	hist := filepath.Join(t.TempDir(), "hist")
	rep := &restore.Report{SchemaVersion: 1, DrillID: "d1", StartedAt: time.Now().Add(-48 * time.Hour), Policy: &restore.Policy{ARN: polARN},
		Targets: []restore.TargetResult{{ResourceARN: vol}}}
	if _, err := history.New(history.NewDir(hist)).Append(ctx, rep); err != nil {
		t.Fatal(err)
	}
	f := &resilienceFlags{app: appARN, history: hist, days: 30, hub: hub}
	f.af.endpoint, f.af.region = srv.URL, "us-east-1"
	var out bytes.Buffer
	err = runResilienceFindings(ctx, &out, f)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("err %v; want exit 1 for findings\n%s", err, out.String())
	}
	for _, want := range []string{"App rf, policy silver (tier Important); 1 drills", "StaleRecoveryPoint   " + table + " no completed recovery point", "ResourceNotDrilled   " + table, "2 findings."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "NoRecentDrill") {
		t.Errorf("NoRecentDrill reported despite a drill against the policy 2 days ago:\n%s", out.String())
	}
	var o2, e2 bytes.Buffer
	if code := run([]string{"resilience", "findings", "--app", "arn:aws:iam::1:role/x"}, &o2, &e2); code == 0 || !strings.Contains(e2.String(), "--app") {
		t.Errorf("bad --app: exit %d %q", code, e2.String())
	}
}
