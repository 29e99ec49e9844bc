package backup

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest"
)

func TestBackupJobWaiterCompletes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 30*time.Minute)
	job := e.backup(t, vol1)
	var mu sync.Mutex
	var states []string
	out, err := job.Wait(t.Context(), 2*time.Hour, func(o *WaiterOptions) {
		o.OnAttempt = func(p Progress) { mu.Lock(); states = append(states, p.State); mu.Unlock() }
	})
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if out.State != types.BackupJobStateCompleted || aws.ToString(out.RecoveryPointArn) == "" {
		t.Errorf("Wait() = state %s rp %q; want COMPLETED with a recovery point", out.State, aws.ToString(out.RecoveryPointArn))
	}
	if len(states) < 2 || states[len(states)-1] != "COMPLETED" || slices.Contains(states[:len(states)-1], "COMPLETED") {
		t.Errorf("observed states = %v; want some non-terminal states, then COMPLETED once", states)
	}
	if n := e.srv.CallCount("DescribeBackupJob"); n != len(states) {
		t.Errorf("DescribeBackupJob calls = %d; want %d (one per attempt)", n, len(states))
	}
}

func TestBackupJobWaiterTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Hour)
	job := e.backup(t, vol1)
	_, err := job.Wait(t.Context(), time.Hour)
	if !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("Wait error = %v; want ErrWaitTimeout", err)
	}
}

func TestWaitersTerminalFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state string
	}{{"FAILED"}, {"EXPIRED"}, {"PARTIAL"}, {"ABORTED"}}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, 10*time.Minute)
			e.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: vol1, State: tt.state, StatusMessage: "boom " + tt.state, Count: 1})
			job := e.backup(t, vol1)
			out, err := job.Wait(t.Context(), 24*time.Hour)
			var jf *JobFailedError
			if !errors.As(err, &jf) {
				t.Fatalf("Wait error = %v; want *JobFailedError", err)
			}
			if jf.State != tt.state || jf.StatusMessage != "boom "+tt.state || jf.JobID != job.ID || jf.JobType != "BACKUP" {
				t.Errorf("JobFailedError = %+v; want state %s, message, job id", jf, tt.state)
			}
			if out == nil || string(out.State) != tt.state {
				t.Errorf("output = %v; want the description in state %s alongside the error", out, tt.state)
			}
		})
	}
}

func TestWaiterNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	w := NewJobWaiter(e.api, func(o *WaiterOptions) { o.MinDelay, o.Sleep = time.Second, e.sleep })
	_, err := w.Wait(t.Context(), "no-such-job", time.Hour)
	if !IsNotFound(err) {
		t.Fatalf("Wait(missing) error = %v; want not found", err)
	}
	n := 0
	for _, c := range e.srv.Calls() {
		if c.Operation == "DescribeBackupJob" && c.ErrorCode == "ResourceNotFoundException" {
			n++
		}
	}
	if n != DefaultNotFoundRetries+1 {
		t.Errorf("DescribeBackupJob calls = %d; want %d (not found retried %d times)", n, DefaultNotFoundRetries+1, DefaultNotFoundRetries)
	}
}

func TestWaiterKeepsWaitingThroughThrottlingAnd5xx(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 20*time.Minute)
	job := e.backup(t, vol1)
	// No SDK retries: every fault reaches the waiter.
	raw := e.srv.Client(func(o *awsbackup.Options) { o.Retryer = fastRetryer(1) })
	e.srv.InjectFault(backuptest.Fault{Operation: "DescribeBackupJob", ErrorCode: "ThrottlingException", Count: 3})
	e.srv.InjectFault(backuptest.Fault{Operation: "DescribeBackupJob", ErrorCode: "ServiceUnavailableException", HTTPStatus: 500, Count: 2})
	w := NewJobWaiter(raw, func(o *WaiterOptions) { o.MinDelay, o.MaxDelay, o.Sleep = time.Minute, 5*time.Minute, e.sleep })
	out, err := w.Wait(t.Context(), job.ID, 4*time.Hour)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if out.State != types.BackupJobStateCompleted {
		t.Errorf("state = %s; want COMPLETED", out.State)
	}
	failed := 0
	for _, c := range e.srv.Calls() {
		if c.Operation == "DescribeBackupJob" && c.ErrorCode != "" {
			failed++
		}
	}
	if failed != 5 {
		t.Errorf("faulted DescribeBackupJob calls = %d; want 5 (3 throttled + 2 server errors)", failed)
	}
}

func TestCopyJobWaiterCrossRegion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	dr := e.srv.ClientFor(acct, drRegion)
	if _, err := dr.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("dr")}); err != nil {
		t.Fatal(err)
	}
	out, err := e.backup(t, vol1).Wait(ctx, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cj, err := e.c.StartCopy(ctx, CopyInput{SourceVaultName: testVlt, RecoveryPointARN: aws.ToString(out.RecoveryPointArn), IAMRoleARN: role,
		DestinationVaultName: "dr", DestinationRegion: drRegion, Lifecycle: Lifecycle{DeleteAfter: Days(35)}})
	if err != nil {
		t.Fatalf("StartCopy: %v", err)
	}
	if cj.DestinationVaultARN != "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr" {
		t.Errorf("DestinationVaultARN = %s; want the built eu-west-1 ARN", cj.DestinationVaultARN)
	}
	desc, err := cj.Wait(ctx, 2*time.Hour)
	if err != nil {
		t.Fatalf("copy Wait: %v", err)
	}
	if desc.CopyJob.State != types.CopyJobStateCompleted || aws.ToString(desc.CopyJob.DestinationRecoveryPointArn) == "" {
		t.Errorf("copy job = %+v; want COMPLETED with a destination point", desc.CopyJob)
	}
	n := 0
	for rp, err := range RecoveryPoints(ctx, dr, "dr", RecoveryPointFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(rp.ResourceArn) == vol1 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("recovery points of %s in eu-west-1/dr = %d; want 1", vol1, n)
	}
	// A failing copy.
	e.srv.FailJobs(backuptest.JobFailure{JobType: "COPY", State: "FAILED", StatusMessage: "Access denied to KMS key", Count: 1})
	cj2, err := e.c.StartCopy(ctx, CopyInput{SourceVaultName: testVlt, RecoveryPointARN: aws.ToString(out.RecoveryPointArn), IAMRoleARN: role,
		DestinationVaultName: "dr", DestinationRegion: drRegion, IdempotencyToken: "second-copy"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cj2.Wait(ctx, 2*time.Hour)
	var jf *JobFailedError
	if !errors.As(err, &jf) || jf.JobType != "COPY" || jf.State != "FAILED" {
		t.Errorf("copy Wait error = %v; want COPY JobFailedError FAILED", err)
	}
}

func TestRestoreJobWaiter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	out, err := e.backup(t, vol1).Wait(ctx, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	start := func() string {
		md, err := e.api.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String(testVlt), RecoveryPointArn: out.RecoveryPointArn})
		if err != nil {
			t.Fatalf("GetRecoveryPointRestoreMetadata: %v", err)
		}
		rj, err := e.api.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: out.RecoveryPointArn, IamRoleArn: aws.String(role), Metadata: md.RestoreMetadata})
		if err != nil {
			t.Fatalf("StartRestoreJob: %v", err)
		}
		return aws.ToString(rj.RestoreJobId)
	}
	w := NewRestoreJobWaiter(e.api, func(o *WaiterOptions) { o.MinDelay, o.MaxDelay, o.Sleep = time.Minute, 5*time.Minute, e.sleep })
	rd, err := w.Wait(ctx, start(), 2*time.Hour)
	if err != nil {
		t.Fatalf("restore Wait: %v", err)
	}
	if rd.Status != types.RestoreJobStatusCompleted || aws.ToString(rd.CreatedResourceArn) == "" {
		t.Errorf("restore = %s %q; want COMPLETED with a created resource", rd.Status, aws.ToString(rd.CreatedResourceArn))
	}
	e.srv.FailJobs(backuptest.JobFailure{JobType: "RESTORE", State: "FAILED", StatusMessage: "subnet not found", Count: 1})
	_, err = w.Wait(ctx, start(), 2*time.Hour)
	var jf *JobFailedError
	if !errors.As(err, &jf) || jf.JobType != "RESTORE" || jf.StatusMessage != "subnet not found" {
		t.Errorf("restore Wait error = %v; want RESTORE JobFailedError", err)
	}
}

// TestChaosNoDuplicateJobs is the acceptance test: with 30% of all calls
// throttled and some 500s, StartBackup (with the SDK's retries) and the
// waiters still finish, and no job is started twice.
func TestChaosNoDuplicateJobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 15*time.Minute)
	ctx := t.Context()
	e.srv.InjectFault(backuptest.Fault{ErrorCode: "ThrottlingException", Rate: 0.3})
	e.srv.InjectFault(backuptest.Fault{ErrorCode: "InternalFailure", HTTPStatus: 500, Rate: 0.05})
	// Generous SDK attempts: at 35% failure, 10 attempts fail together with
	// probability ~3e-5 per call.
	api := e.srv.Client(func(o *awsbackup.Options) { o.Retryer = fastRetryer(10) })
	c := New(api, func(o *Options) {
		o.Now = e.clk.Now
		// The three rounds span a few hours of emulator time: a day-long
		// window makes every round a retry of the first.
		o.IdempotencyWindow = 24 * time.Hour
		o.Waiter = WaiterOptions{MinDelay: time.Minute, MaxDelay: 5 * time.Minute, Sleep: e.sleep}
	})
	resources := []string{vol1, vol2, db1, table1}
	jobs := map[string]bool{}
	for round := range 3 { // every StartBackup is issued three times
		for _, r := range resources {
			job, err := c.StartBackup(ctx, JobInput{VaultName: testVlt, ResourceARN: r, IAMRoleARN: role})
			if err != nil {
				t.Fatalf("round %d StartBackup(%s): %v", round, r, err)
			}
			jobs[job.ID] = true
			if _, err := job.Wait(ctx, 6*time.Hour); err != nil {
				t.Fatalf("Wait(%s): %v", job.ID, err)
			}
		}
	}
	if len(jobs) != len(resources) {
		t.Errorf("distinct job ids = %d; want %d", len(jobs), len(resources))
	}
	e.srv.ClearFaults()
	listed := 0
	for _, err := range c.Jobs(ctx, JobFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		listed++
	}
	if listed != len(resources) {
		t.Errorf("backup jobs listed = %d; want %d (no job started twice)", listed, len(resources))
	}
	faulted := 0
	for _, call := range e.srv.Calls() {
		if call.ErrorCode != "" {
			faulted++
		}
	}
	if faulted == 0 {
		t.Error("no faulted calls recorded; the chaos test did not inject anything")
	}
}

func TestCopyCrossAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 5*time.Minute)
	ctx := t.Context()
	const other = "210987654321"
	central := e.srv.ClientFor(other, "us-east-1")
	if _, err := central.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("central")}); err != nil {
		t.Fatal(err)
	}
	b, err := e.backup(t, vol1).Wait(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	in := CopyInput{SourceVaultName: testVlt, RecoveryPointARN: aws.ToString(b.RecoveryPointArn), IAMRoleARN: role,
		DestinationVaultName: "central", DestinationAccountID: other}
	if _, err := e.c.StartCopy(ctx, in); !IsInvalidParameter(err) {
		t.Fatalf("StartCopy without cross-account backup enabled: err = %v; want InvalidRequestException", err)
	}
	if err := e.c.SetCrossAccountBackup(ctx, true); err != nil {
		t.Fatal(err)
	}
	// The destination vault must let the source account copy in (what
	// vault.NewAccessPolicy().AllowCopyFromAccounts builds).
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"AllowCopyFromAccounts","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`
	if _, err := central.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("central"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	cj, err := e.c.StartCopy(ctx, in)
	if err != nil {
		t.Fatalf("StartCopy: %v", err)
	}
	if cj.DestinationVaultARN != "arn:aws:backup:us-east-1:210987654321:backup-vault:central" {
		t.Errorf("DestinationVaultARN = %s; want the other account's vault", cj.DestinationVaultARN)
	}
	if _, err := cj.Wait(ctx, 2*time.Hour); err != nil {
		t.Fatalf("copy Wait: %v", err)
	}
	n := 0
	for _, err := range RecoveryPoints(ctx, central, "central", RecoveryPointFilter{ResourceARN: vol1}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("points in %s/central = %d; want 1", other, n)
	}
}
