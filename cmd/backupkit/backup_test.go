package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
)

const (
	cliRole = "arn:aws:iam::123456789012:role/backup-role"
	cliVol  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-cli"
	cliDB   = "arn:aws:rds:us-east-1:123456789012:db:cli"
)

// cliServer starts an emulator with a vault and two resources.
func cliServer(t *testing.T, jobDuration time.Duration) *backuptest.Server {
	t.Helper()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = jobDuration })
	for _, a := range []string{cliVol, cliDB} {
		if err := srv.PutResource(backuptest.Resource{ARN: a, SizeBytes: 1 << 30}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.Client().CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("cli-vault")}); err != nil {
		t.Fatal(err)
	}
	return srv
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestBackupStartWaitShowsProgress(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, 300*time.Millisecond)
	code, out, errOut := runCLI(t, "backup", "start", "--endpoint", srv.URL, "--region", "us-east-1",
		"--vault", "cli-vault", "--resource", cliVol, "--role", cliRole, "--tag", "reason=test",
		"--wait", "--min-delay", "20ms", "--max-delay", "50ms", "--max-wait", "30s")
	if code != 0 {
		t.Fatalf("exit %d; want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "started backup job ") || !strings.Contains(out, "completed: recovery point arn:") {
		t.Errorf("stdout = %q; want started and completed lines", out)
	}
	// Not a terminal: one progress line per state change, no carriage returns.
	if strings.Contains(out, "\r") || !strings.Contains(out, "  COMPLETED") {
		t.Errorf("progress = %q; want plain lines ending with COMPLETED", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] == lines[i-1] {
			t.Errorf("progress line %q repeated; want a line only when state or percentage changes", lines[i])
		}
	}
	// Same command again: same job (derived idempotency token).
	_, out2, _ := runCLI(t, "backup", "start", "--endpoint", srv.URL, "--region", "us-east-1",
		"--vault", "cli-vault", "--resource", cliVol, "--role", cliRole, "--tag", "reason=test")
	if first, second := strings.Fields(out)[3], strings.Fields(out2)[3]; first != second {
		t.Errorf("job ids %s and %s; want the same job for the same command", first, second)
	}
}

func TestBackupStartFailures(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, 0)
	srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: cliDB, State: "PARTIAL", StatusMessage: "2 of 3 volumes backed up"})
	code, out, _ := runCLI(t, "backup", "start", "--endpoint", srv.URL, "--region", "us-east-1",
		"--vault", "cli-vault", "--resource", cliDB, "--role", cliRole, "--wait", "--min-delay", "10ms", "--max-wait", "10s")
	if code != 2 || !strings.Contains(out, "ended PARTIAL: 2 of 3 volumes backed up") {
		t.Errorf("failed job: exit %d, stdout %q; want exit 2 with the state and reason", code, out)
	}
	code, _, errOut := runCLI(t, "backup", "start", "--endpoint", srv.URL, "--region", "us-east-1",
		"--vault", "x", "--resource", "arn:aws:sqs:us-east-1:123456789012:q", "--role", "nope")
	if code != 1 || !strings.Contains(errOut, "VaultName") || !strings.Contains(errOut, "IAMRoleARN") {
		t.Errorf("invalid input: exit %d, stderr %q; want exit 1 naming the fields", code, errOut)
	}
	code, _, errOut = runCLI(t, "backup", "start", "--endpoint", srv.URL, "--vault", "cli-vault")
	if code != 1 || !strings.Contains(errOut, "required flag") {
		t.Errorf("missing flags: exit %d, stderr %q; want required-flag error", code, errOut)
	}
	code, _, errOut = runCLI(t, "backup", "start", "--endpoint", srv.URL, "--region", "us-east-1",
		"--vault", "missing-vault", "--resource", cliVol, "--role", cliRole)
	if code != 1 || !strings.Contains(errOut, "ResourceNotFoundException") {
		t.Errorf("missing vault: exit %d, stderr %q; want the AWS error", code, errOut)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, 0)
	srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: cliDB, StatusMessage: "Access denied", Count: 1})
	for _, r := range []string{cliVol, cliDB} {
		if code, out, errOut := runCLI(t, "backup", "start", "--endpoint", srv.URL, "--region", "us-east-1",
			"--vault", "cli-vault", "--resource", r, "--role", cliRole, "--wait", "--min-delay", "10ms", "--max-wait", "10s"); code == 0 && r == cliDB {
			t.Fatalf("db backup succeeded: %s %s", out, errOut)
		}
	}
	code, out, errOut := runCLI(t, "status", "--endpoint", srv.URL, "--region", "us-east-1", "--since", "1h")
	if code != 2 {
		t.Errorf("status exit %d; want 2 (a job failed)\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"BACKUP", "COMPLETED", "FAILED", "Access denied", cliVol, "AGE (RPO)"} {
		if !strings.Contains(out, want) {
			t.Errorf("status table lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "status", "--endpoint", srv.URL, "--region", "us-east-1", "--json")
	var rep struct {
		Counts    map[string]map[string]int `json:"counts"`
		Failed    []struct{ StatusMessage string }
		Resources []struct {
			ResourceArn string `json:"resourceArn"`
			Age         string `json:"age"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, out)
	}
	if code != 2 || rep.Counts["BACKUP"]["COMPLETED"] != 1 || rep.Counts["BACKUP"]["FAILED"] != 1 || len(rep.Failed) != 1 || len(rep.Resources) != 2 {
		t.Errorf("status --json = exit %d %+v; want 1 completed, 1 failed, 2 resources", code, rep)
	}
	if code, _, errOut := runCLI(t, "status", "--endpoint", srv.URL, "--since", "-1h"); code != 1 || !strings.Contains(errOut, "--since") {
		t.Errorf("negative --since: exit %d, %q; want an error", code, errOut)
	}
}

func TestProgressDisplay(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := &progress{w: &buf, tty: true, started: time.Now()}
	p.update(backup.Progress{State: "RUNNING", PercentDone: "12.5"})
	p.update(backup.Progress{State: "COMPLETED", PercentDone: "100.0"})
	p.done()
	if got := buf.String(); strings.Count(got, "\r\033[K") != 2 || !strings.Contains(got, "RUNNING 12.5%") || !strings.HasSuffix(got, "\n") {
		t.Errorf("tty progress = %q; want two in-place redraws and a final newline", got)
	}
	buf.Reset()
	p = &progress{w: &buf, started: time.Now()}
	for _, s := range []string{"CREATED", "RUNNING", "RUNNING", "COMPLETED"} {
		p.update(backup.Progress{State: s})
	}
	p.done()
	if got, want := buf.String(), "  CREATED\n  RUNNING\n  COMPLETED\n"; got != want {
		t.Errorf("plain progress = %q; want %q", got, want)
	}
	if isTerminal(&buf) {
		t.Error("isTerminal(buffer) = true; want false")
	}
}
