package restore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

func latestPoint(t *testing.T, e *env, resourceARN string) string {
	t.Helper()
	out, err := e.api.ListRecoveryPointsByResource(t.Context(), &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(resourceARN)})
	if err != nil || len(out.RecoveryPoints) == 0 {
		t.Fatalf("ListRecoveryPointsByResource(%s) = %v, %v", resourceARN, out, err)
	}
	return aws.ToString(out.RecoveryPoints[0].RecoveryPointArn)
}

func TestStartAndWait(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *backuptest.Options) { o.JobDuration = 30 * time.Minute })
	res := demoResources("sw")
	sources := e.seed(t, res[0], res[2])
	tests := []struct {
		name   string
		source string
		in     restore.Input
		check  func(t *testing.T, created backuptest.Resource)
	}{
		{name: "EBS", source: sources[0], in: restore.EBS{VolumeType: "gp3", AvailabilityZone: "us-east-1b"}, check: func(t *testing.T, c backuptest.Resource) {
			if c.Type != "EBS" || c.SizeBytes != 8<<30 {
				t.Errorf("created %+v; want an 8 GiB EBS volume", c)
			}
		}},
		{name: "RDS", source: sources[1], in: restore.RDS{DBInstanceIdentifier: "orders-restored", DBInstanceClass: "db.t3.micro"}, check: func(t *testing.T, c backuptest.Resource) {
			if c.ARN != "arn:aws:rds:us-east-1:123456789012:db:orders-restored" {
				t.Errorf("created %s; want the instance named by DBInstanceIdentifier", c.ARN)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rp := latestPoint(t, e, tt.source)
			job, err := e.client.StartAndWait(t.Context(), rp, tt.in, func(o *restore.StartOptions) { o.BackupVaultName = testVault })
			if err != nil {
				t.Fatalf("StartAndWait() error = %v", err)
			}
			if job.Status != "COMPLETED" || job.CreatedResourceARN == "" || job.RecoveryPointARN != rp {
				t.Fatalf("job = %+v; want COMPLETED with a created resource from %s", job, rp)
			}
			if d := job.Duration(); d < 30*time.Minute || d > 35*time.Minute {
				t.Errorf("Duration() = %v; want about the emulator's 30m job duration (AWS's CreationDate→CompletionDate)", d)
			}
			created, ok := e.srv.Resource(job.CreatedResourceARN)
			if !ok {
				t.Fatalf("created resource %s is not in the inventory", job.CreatedResourceARN)
			}
			tt.check(t, created)
			// The same call again is idempotent: same token, same job.
			id, err := e.client.Start(t.Context(), rp, tt.in, func(o *restore.StartOptions) { o.BackupVaultName = testVault })
			if err != nil || id != job.ID {
				t.Errorf("repeated Start() = %q, %v; want the same job %q", id, err, job.ID)
			}
		})
	}
}

func TestStartAndWaitFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("swf")[2])
	rp := latestPoint(t, e, sources[0])

	if _, err := e.client.Start(t.Context(), rp, restore.RDS{}); err == nil {
		t.Errorf("Start() with an invalid input = nil; want a validation error")
	} else if ve := (*restore.ValidationError)(nil); !errors.As(err, &ve) || ve.Field != "RDS.DBInstanceIdentifier" {
		t.Errorf("Start() error = %v; want *ValidationError for RDS.DBInstanceIdentifier", err)
	}
	if e.srv.CallCount("StartRestoreJob") != 0 {
		t.Errorf("an invalid input reached StartRestoreJob")
	}

	e.srv.FailJobs(backuptest.JobFailure{JobType: "RESTORE", StatusMessage: "disk full", Count: 1})
	job, err := e.client.StartAndWait(t.Context(), rp, restore.RDS{DBInstanceIdentifier: "will-fail"})
	var jf *backup.JobFailedError
	if !errors.As(err, &jf) || jf.State != "FAILED" || jf.StatusMessage != "disk full" {
		t.Fatalf("StartAndWait() error = %v; want *backup.JobFailedError FAILED/disk full", err)
	}
	if job == nil || job.Status != "FAILED" {
		t.Errorf("job = %+v; want the FAILED job description", job)
	}
}

func TestResolveMetadataMerges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("md")[3])
	rp := latestPoint(t, e, sources[0])
	md, err := e.client.ResolveMetadata(t.Context(), testVault, rp, restore.DynamoDB{TargetTableName: "sessions-copy"})
	if err != nil {
		t.Fatal(err)
	}
	if md["targetTableName"] != "sessions-copy" {
		t.Errorf("targetTableName = %q; want the caller's value", md["targetTableName"])
	}
	raw, err := e.api.GetRecoveryPointRestoreMetadata(t.Context(), &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String(testVault), RecoveryPointArn: aws.String(rp)})
	if err != nil {
		t.Fatal(err)
	}
	if len(raw.RestoreMetadata) == 0 {
		t.Fatalf("the emulator returned no restore metadata; the test proves nothing")
	}
	for k, v := range raw.RestoreMetadata {
		if k == "targetTableName" {
			continue
		}
		if md[k] != v {
			t.Errorf("merged[%q] = %q; want the recovery point's %q", k, md[k], v)
		}
	}
}
