package backup

import (
	"maps"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

func TestStartBackupThroughEmulator(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	in := JobInput{VaultName: testVlt, ResourceARN: vol1, IAMRoleARN: role, StartWindow: 2 * time.Hour, CompletionWindow: 4 * time.Hour,
		Lifecycle: Lifecycle{DeleteAfter: Days(35)}, RecoveryPointTags: map[string]string{"reason": "pre-upgrade"}}
	job, err := e.c.StartBackup(ctx, in)
	if err != nil {
		t.Fatalf("StartBackup: %v", err)
	}
	if want := e.c.IdempotencyToken(in); job.IdempotencyToken != want {
		t.Errorf("token = %s; want the derived token %s", job.IdempotencyToken, want)
	}
	again, err := e.c.StartBackup(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != job.ID {
		t.Errorf("second StartBackup with equal input = job %s; want the same job %s", again.ID, job.ID)
	}
	d, err := e.api.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(job.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.StartBy.Sub(*d.CreationDate); got != 2*time.Hour {
		t.Errorf("StartBy - CreationDate = %v; want the 2h start window", got)
	}
	if aws.ToInt64(d.RecoveryPointLifecycle.DeleteAfterDays) != 35 {
		t.Errorf("lifecycle = %+v; want DeleteAfterDays 35", d.RecoveryPointLifecycle)
	}
	out, err := job.Wait(ctx, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := e.c.Tags(ctx, aws.ToString(out.RecoveryPointArn))
	if err != nil {
		t.Fatalf("Tags(recovery point): %v", err)
	}
	if tags["reason"] != "pre-upgrade" {
		t.Errorf("recovery point tags = %v; want reason=pre-upgrade", tags)
	}

	// Windows VSS option travels as BackupOptions.
	ec2 := "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
	if err := e.srv.PutResource(backuptestResource(ec2)); err != nil {
		t.Fatal(err)
	}
	vss, err := e.c.StartBackup(ctx, JobInput{VaultName: testVlt, ResourceARN: ec2, IAMRoleARN: role, WindowsVSS: true})
	if err != nil {
		t.Fatalf("StartBackup(VSS): %v", err)
	}
	vd, err := e.api.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(vss.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if vd.BackupOptions["WindowsVSS"] != "enabled" {
		t.Errorf("BackupOptions = %v; want WindowsVSS=enabled", vd.BackupOptions)
	}
}

func TestStartBackupErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	// Invalid input never reaches AWS.
	if _, err := e.c.StartBackup(ctx, JobInput{VaultName: "v", ResourceARN: "arn:aws:sqs:us-east-1:123456789012:q"}); len(fieldsOf(err)) != 3 {
		t.Errorf("StartBackup(invalid) = %v; want 3 validation errors", err)
	}
	if n := e.srv.CallCount("StartBackupJob"); n != 0 {
		t.Errorf("StartBackupJob calls = %d; want 0 for invalid input", n)
	}
	if _, err := e.c.StartBackup(ctx, JobInput{VaultName: "missing-vault", ResourceARN: vol1, IAMRoleARN: role}); !IsNotFound(err) {
		t.Errorf("StartBackup(missing vault) error = %v; want not found", err)
	}
	unknown := "arn:aws:ec2:us-east-1:123456789012:volume/vol-unknown"
	if _, err := e.c.StartBackup(ctx, JobInput{VaultName: testVlt, ResourceARN: unknown, IAMRoleARN: role}); err == nil {
		t.Error("StartBackup(unknown resource) error = nil; want an AWS error")
	}
}

func TestRegionAndGlobalSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	rs, err := e.c.EnableRegion(ctx, EBS, DynamoDB)
	if err != nil {
		t.Fatalf("EnableRegion: %v", err)
	}
	if !rs.OptIn[EBS] || !rs.OptIn[DynamoDB] {
		t.Errorf("OptIn = %v; want EBS and DynamoDB on", rs.OptIn)
	}
	if err := e.c.SetOptIn(ctx, map[ResourceType]bool{DynamoDB: false}); err != nil {
		t.Fatal(err)
	}
	rs, err = e.c.RegionSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rs.OptIn[DynamoDB] || !rs.OptIn[EBS] {
		t.Errorf("after opting DynamoDB out: OptIn = %v; want EBS on, DynamoDB off", rs.OptIn)
	}
	if err := e.c.SetOptIn(ctx, map[ResourceType]bool{"Lambda": true}); len(fieldsOf(err)) != 1 {
		t.Errorf("SetOptIn(Lambda) = %v; want a validation error", err)
	}
	if err := e.c.SetCrossAccountBackup(ctx, true); err != nil {
		t.Fatalf("SetCrossAccountBackup: %v", err)
	}
	on, err := e.c.CrossAccountBackupEnabled(ctx)
	if err != nil || !on {
		t.Errorf("CrossAccountBackupEnabled() = %v, %v; want true", on, err)
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	v, err := e.api.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(testVlt)})
	if err != nil {
		t.Fatal(err)
	}
	a := aws.ToString(v.BackupVaultArn)
	if err := e.c.Tag(ctx, a, map[string]string{"env": "prod", "team": "data", "cost": "1"}); err != nil {
		t.Fatalf("Tag: %v", err)
	}
	if err := e.c.Untag(ctx, a, "cost"); err != nil {
		t.Fatalf("Untag: %v", err)
	}
	got, err := e.c.Tags(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"env": "prod", "team": "data"}; !maps.Equal(got, want) {
		t.Errorf("Tags() = %v; want %v", got, want)
	}
	if err := e.c.Tag(ctx, a, map[string]string{"aws:x": "y"}); len(fieldsOf(err)) != 1 {
		t.Errorf("Tag(aws: key) = %v; want validation error", err)
	}
}

func TestStartBackupIdempotencyWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, time.Minute)
	ctx := t.Context()
	in := JobInput{VaultName: testVlt, ResourceARN: vol2, IAMRoleARN: role}
	first, err := e.c.StartBackup(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(10 * time.Minute)
	retry, err := e.c.StartBackup(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if retry.ID != first.ID {
		t.Errorf("retry within the window started job %s; want the first job %s", retry.ID, first.ID)
	}
	e.clk.Advance(DefaultIdempotencyWindow)
	next, err := e.c.StartBackup(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if next.ID == first.ID {
		t.Errorf("StartBackup after the idempotency window returned the old job %s; want a new backup", first.ID)
	}

	// A negative window derives the token from the input alone.
	forever := New(e.api, func(o *Options) { o.Now = e.clk.Now; o.IdempotencyWindow = -1 })
	if got, want := forever.IdempotencyToken(in), IdempotencyToken(in); got != want {
		t.Errorf("BackupToken with a negative window = %s; want %s", got, want)
	}
}
