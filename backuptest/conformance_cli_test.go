//go:build linux

package backuptest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The conformance tests drive the `backupkit emulator` binary with real
// AWS clients of other languages: Debian's AWS CLI (awscli) and boto3
// (python3-boto3). They never skip: CI installs both (see .ci/run).

const (
	volumeARN   = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	backupRole  = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
	conformance = "testdata/conformance"
)

// buildMu serializes the builds of parallel tests, so only the first one
// compiles and the others reuse the build cache (they only link).
var buildMu sync.Mutex

// buildBackupkit compiles cmd/backupkit into a temporary directory.
func buildBackupkit(t *testing.T) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	bin := filepath.Join(t.TempDir(), "backupkit")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/backupkit/backupkit/cmd/backupkit")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build ./cmd/backupkit: %s", out)
	return bin
}

// emulatorProcess is a running `backupkit emulator`.
type emulatorProcess struct {
	URL    string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan error
}

var listeningRE = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:\d+)$`)

// startBinary starts `backupkit emulator --addr 127.0.0.1:0 args...` and
// waits for its "listening on" line. The process is stopped with SIGTERM
// when the test ends.
func startBinary(t *testing.T, bin string, args ...string) *emulatorProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"emulator", "--addr", "127.0.0.1:0"}, args...)...)
	// If the test binary dies (e.g. -timeout), the emulator goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &emulatorProcess{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	require.NoError(t, cmd.Start())
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = p.stop() })
	select {
	case line := <-lines:
		m := listeningRE.FindStringSubmatch(line)
		require.NotNil(t, m, "first stdout line %q; want \"listening on http://127.0.0.1:PORT\"", line)
		p.URL = m[1]
	case err := <-p.done:
		p.done <- err
		t.Fatalf("backupkit emulator exited before listening: %v; stderr: %s", err, p.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("backupkit emulator printed no listening line in 30s; stderr: %s", p.stderr)
	}
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *emulatorProcess) stop() error {
	if p.cmd.ProcessState != nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		return errors.New("backupkit emulator ignored SIGTERM for 15s")
	}
}

// cliEnv is an environment with dummy credentials and no shared config, so
// nothing on the machine can redirect the CLI to real AWS.
func cliEnv(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	require.NoError(t, os.WriteFile(cfg, nil, 0o600))
	require.NoError(t, os.WriteFile(creds, nil, 0o600))
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"LANG=C.UTF-8",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_CONFIG_FILE=" + cfg,
		"AWS_SHARED_CREDENTIALS_FILE=" + creds,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
}

// awsCLI runs the AWS CLI against an emulator.
type awsCLI struct {
	path, url string
	env       []string
	dir       string
}

type cliResult struct {
	stdout, stderr string
	code           int
}

func (a awsCLI) run(t *testing.T, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	full := append([]string{"--endpoint-url", a.url, "--region", "us-east-1", "--no-cli-pager", "--output", "json", "backup"}, args...)
	cmd := exec.CommandContext(ctx, a.path, full...)
	cmd.Env = a.env
	cmd.Dir = a.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	default:
		t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// ok runs a command that must succeed and decodes its JSON output (nil for
// commands without output).
func (a awsCLI) ok(t *testing.T, args ...string) map[string]any {
	t.Helper()
	res := a.run(t, args...)
	require.Equal(t, 0, res.code, "aws backup %s\nstderr: %s", strings.Join(args, " "), res.stderr)
	if strings.TrimSpace(res.stdout) == "" {
		return nil
	}
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &out), "aws backup %s printed %q", strings.Join(args, " "), res.stdout)
	return out
}

// pollCLI calls cond until it reports true, failing with msg after five
// minutes. It runs in the test's goroutine (unlike require.Eventually), so
// cond may call cli.ok, whose require fails the test properly; one AWS CLI
// call can take most of a minute on a loaded machine.
func pollCLI(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	v, ok := m[key].(string)
	require.True(t, ok, "output has no string %q: %v", key, m)
	return v
}

func list(t *testing.T, m map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := m[key].([]any)
	require.True(t, ok, "output has no list %q: %v", key, m)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		out = append(out, x.(map[string]any))
	}
	return out
}

func TestConformanceAWSCLI(t *testing.T) {
	t.Parallel()
	cliPath := requireAWSCLIv2(t)
	bin := buildBackupkit(t)
	dir, err := filepath.Abs(conformance)
	require.NoError(t, err)
	p := startBinary(t, bin, "--resources", filepath.Join(dir, "resources.json"), "--job-duration", "0s")
	cli := awsCLI{path: cliPath, url: p.URL, env: cliEnv(t), dir: dir}

	// create-backup-vault
	created := cli.ok(t, "create-backup-vault", "--backup-vault-name", "myVault", "--backup-vault-tags", "team=storage", "--creator-request-id", "req-1")
	vaultARN := str(t, created, "BackupVaultArn")
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:myVault", vaultARN)
	assert.Equal(t, "myVault", str(t, created, "BackupVaultName"))
	_, err = time.Parse(time.RFC3339, str(t, created, "CreationDate"))
	assert.NoError(t, err, "the CLI parsed the epoch-second CreationDate into a time")

	t.Run("vault", func(t *testing.T) {
		t.Parallel()
		d := cli.ok(t, "describe-backup-vault", "--backup-vault-name", "myVault")
		assert.Equal(t, vaultARN, str(t, d, "BackupVaultArn"))
		// (VaultType is newer than the Debian CLI's model, which drops it.)
		assert.Regexp(t, `^arn:aws:kms:us-east-1:123456789012:key/`, str(t, d, "EncryptionKeyArn"))
		assert.Equal(t, "req-1", str(t, d, "CreatorRequestId"))
		assert.IsType(t, float64(0), d["NumberOfRecoveryPoints"])

		l := cli.ok(t, "list-backup-vaults")
		var names []string
		for _, v := range list(t, l, "BackupVaultList") {
			names = append(names, v["BackupVaultName"].(string))
		}
		assert.Contains(t, names, "myVault")
	})

	t.Run("vault lock", func(t *testing.T) {
		t.Parallel()
		cli.ok(t, "create-backup-vault", "--backup-vault-name", "lockedVault")
		assert.Nil(t, cli.ok(t, "put-backup-vault-lock-configuration", "--backup-vault-name", "lockedVault",
			"--min-retention-days", "7", "--max-retention-days", "365", "--changeable-for-days", "3"))
		d := cli.ok(t, "describe-backup-vault", "--backup-vault-name", "lockedVault")
		assert.Equal(t, true, d["Locked"])
		assert.EqualValues(t, 7, d["MinRetentionDays"])
		assert.EqualValues(t, 365, d["MaxRetentionDays"])
		assert.NotEmpty(t, d["LockDate"])
		res := cli.run(t, "put-backup-vault-lock-configuration", "--backup-vault-name", "lockedVault", "--changeable-for-days", "1")
		assert.Contains(t, []int{254, 255}, res.code)
		assert.Contains(t, res.stderr, "InvalidParameterValueException")
	})

	t.Run("notifications", func(t *testing.T) {
		t.Parallel()
		cli.ok(t, "create-backup-vault", "--backup-vault-name", "notifiedVault")
		assert.Nil(t, cli.ok(t, "put-backup-vault-notifications", "--backup-vault-name", "notifiedVault",
			"--sns-topic-arn", "arn:aws:sns:us-east-1:123456789012:backup-events",
			"--backup-vault-events", "BACKUP_JOB_COMPLETED", "RESTORE_JOB_COMPLETED"))
		n := cli.ok(t, "get-backup-vault-notifications", "--backup-vault-name", "notifiedVault")
		assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:backup-events", str(t, n, "SNSTopicArn"))
		assert.Equal(t, []any{"BACKUP_JOB_COMPLETED", "RESTORE_JOB_COMPLETED"}, n["BackupVaultEvents"])
	})

	t.Run("tags", func(t *testing.T) {
		t.Parallel()
		assert.Nil(t, cli.ok(t, "tag-resource", "--resource-arn", vaultARN, "--tags", "project=finance"))
		tags := cli.ok(t, "list-tags", "--resource-arn", vaultARN)
		assert.Equal(t, map[string]any{"project": "finance", "team": "storage"}, tags["Tags"])
	})

	t.Run("plan and selection", func(t *testing.T) {
		t.Parallel()
		plan := cli.ok(t, "create-backup-plan", "--backup-plan", "file://plan.json", "--backup-plan-tags", "project=finance")
		planID := str(t, plan, "BackupPlanId")
		assert.Regexp(t, `^arn:aws:backup:us-east-1:123456789012:backup-plan:`+regexp.QuoteMeta(planID)+`$`, str(t, plan, "BackupPlanArn"))
		assert.NotEmpty(t, str(t, plan, "VersionId"))

		got := cli.ok(t, "get-backup-plan", "--backup-plan-id", planID)
		bp := got["BackupPlan"].(map[string]any)
		assert.Equal(t, "daily-finance", bp["BackupPlanName"])
		rules := bp["Rules"].([]any)
		require.Len(t, rules, 1)
		rule := rules[0].(map[string]any)
		assert.Equal(t, "cron(0 5 ? * * *)", rule["ScheduleExpression"])
		assert.Equal(t, map[string]any{"MoveToColdStorageAfterDays": float64(30), "DeleteAfterDays": float64(120)}, rule["Lifecycle"])

		sel := cli.ok(t, "create-backup-selection", "--backup-plan-id", planID, "--backup-selection", "file://selection.json")
		selID := str(t, sel, "SelectionId")
		assert.Equal(t, planID, str(t, sel, "BackupPlanId"))
		sels := cli.ok(t, "list-backup-selections", "--backup-plan-id", planID)
		ss := list(t, sels, "BackupSelectionsList")
		require.Len(t, ss, 1)
		assert.Equal(t, selID, ss[0]["SelectionId"])
		assert.Equal(t, "finance-volumes", ss[0]["SelectionName"])

		plans := cli.ok(t, "list-backup-plans")
		var ids []string
		for _, p := range list(t, plans, "BackupPlansList") {
			ids = append(ids, p["BackupPlanId"].(string))
		}
		assert.Contains(t, ids, planID)
	})

	t.Run("backup and restore", func(t *testing.T) {
		t.Parallel()
		job := cli.ok(t, "start-backup-job", "--backup-vault-name", "myVault", "--resource-arn", volumeARN, "--iam-role-arn", backupRole)
		jobID := str(t, job, "BackupJobId")

		var d map[string]any
		pollCLI(t, func() bool {
			d = cli.ok(t, "describe-backup-job", "--backup-job-id", jobID)
			return d["State"] == "COMPLETED"
		}, "backup job never completed")
		assert.Equal(t, volumeARN, str(t, d, "ResourceArn"))
		assert.Equal(t, "EBS", str(t, d, "ResourceType"))
		assert.Equal(t, backupRole, str(t, d, "IamRoleArn"))
		assert.EqualValues(t, 8589934592, d["BackupSizeInBytes"])
		rpARN := str(t, d, "RecoveryPointArn")

		rps := cli.ok(t, "list-recovery-points-by-backup-vault", "--backup-vault-name", "myVault")
		points := list(t, rps, "RecoveryPoints")
		require.Len(t, points, 1)
		assert.Equal(t, rpARN, points[0]["RecoveryPointArn"])
		assert.Equal(t, "COMPLETED", points[0]["Status"])
		assert.Equal(t, volumeARN, points[0]["ResourceArn"])

		jobs := cli.ok(t, "list-backup-jobs", "--by-state", "COMPLETED", "--by-resource-type", "EBS")
		require.Len(t, list(t, jobs, "BackupJobs"), 1)
		assert.Equal(t, jobID, list(t, jobs, "BackupJobs")[0]["BackupJobId"])

		// ISO-8601 timestamps in the query string.
		after := cli.ok(t, "list-backup-jobs", "--by-created-after", "2000-01-01T00:00:00Z")
		assert.Len(t, list(t, after, "BackupJobs"), 1)
		future := cli.ok(t, "list-backup-jobs", "--by-created-after", "2999-01-01T00:00:00Z")
		assert.Empty(t, list(t, future, "BackupJobs"))

		md := cli.ok(t, "get-recovery-point-restore-metadata", "--backup-vault-name", "myVault", "--recovery-point-arn", rpARN)
		assert.Equal(t, rpARN, str(t, md, "RecoveryPointArn"))
		meta, ok := md["RestoreMetadata"].(map[string]any)
		require.True(t, ok, "RestoreMetadata: %v", md)
		assert.Contains(t, meta, "availabilityZone")
		assert.Contains(t, meta, "volumeType")

		restore := cli.ok(t, "start-restore-job", "--recovery-point-arn", rpARN, "--iam-role-arn", backupRole,
			"--resource-type", "EBS", "--metadata", "availabilityZone=us-east-1a,volumeType=gp3,encrypted=false")
		restoreID := str(t, restore, "RestoreJobId")
		var r map[string]any
		pollCLI(t, func() bool {
			r = cli.ok(t, "describe-restore-job", "--restore-job-id", restoreID)
			return r["Status"] == "COMPLETED"
		}, "restore job never completed")
		assert.Equal(t, rpARN, str(t, r, "RecoveryPointArn"))
		newARN := str(t, r, "CreatedResourceArn")
		assert.Regexp(t, `^arn:aws:ec2:us-east-1:123456789012:volume/vol-`, newARN)
		assert.NotEqual(t, volumeARN, newARN, "a restore creates a new resource")

		pr := cli.ok(t, "describe-protected-resource", "--resource-arn", volumeARN)
		assert.Equal(t, "EBS", str(t, pr, "ResourceType"))
		assert.NotEmpty(t, str(t, pr, "LastBackupTime"))
		prs := cli.ok(t, "list-protected-resources")
		var protected []string
		for _, r := range list(t, prs, "Results") {
			protected = append(protected, r["ResourceArn"].(string))
		}
		assert.Contains(t, protected, volumeARN)

		// A cross-Region copy lands in the destination Region's vault.
		dr := cli.ok(t, "--region", "us-west-2", "create-backup-vault", "--backup-vault-name", "dr")
		cp := cli.ok(t, "start-copy-job", "--recovery-point-arn", rpARN, "--source-backup-vault-name", "myVault",
			"--destination-backup-vault-arn", str(t, dr, "BackupVaultArn"), "--iam-role-arn", backupRole)
		copyID := str(t, cp, "CopyJobId")
		var cj map[string]any
		pollCLI(t, func() bool {
			out := cli.ok(t, "describe-copy-job", "--copy-job-id", copyID)
			cj, _ = out["CopyJob"].(map[string]any)
			return cj != nil && cj["State"] == "COMPLETED"
		}, "copy job never completed")
		drPoints := cli.ok(t, "--region", "us-west-2", "list-recovery-points-by-backup-vault", "--backup-vault-name", "dr")
		copies := list(t, drPoints, "RecoveryPoints")
		require.Len(t, copies, 1)
		assert.Equal(t, cj["DestinationRecoveryPointArn"], copies[0]["RecoveryPointArn"])
		assert.Equal(t, volumeARN, copies[0]["ResourceArn"])
	})

	t.Run("paging", func(t *testing.T) {
		t.Parallel()
		// The pages are checked on another account's vaults so the other
		// subtests cannot change the list meanwhile.
		c := awsbackup.NewFromConfig(aws.Config{Region: "ap-southeast-2", BaseEndpoint: aws.String(p.URL),
			Credentials: credentials.NewStaticCredentialsProvider("AKIDBACKUPKIT123456789012", "x", "")})
		var want []string
		for i := range 5 {
			name := fmt.Sprintf("page-%d", i)
			want = append(want, name)
			_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(name)})
			require.NoError(t, err)
		}
		pageArgs := func(extra ...string) []string {
			return append([]string{"--region", "ap-southeast-2", "list-backup-vaults", "--page-size", "1", "--max-items", "2"}, extra...)
		}
		var got []string
		token := ""
		for pages := 0; ; pages++ {
			require.Less(t, pages, 5, "paging does not end")
			args := pageArgs()
			if token != "" {
				args = pageArgs("--starting-token", token)
			}
			out := cli.ok(t, args...)
			items := list(t, out, "BackupVaultList")
			assert.LessOrEqual(t, len(items), 2, "--max-items 2")
			for _, v := range items {
				got = append(got, v["BackupVaultName"].(string))
			}
			next, _ := out["NextToken"].(string)
			if next == "" {
				break
			}
			token = next
		}
		assert.Equal(t, want, got, "three CLI pages of at most two (built from one-vault API pages) list every vault once")
	})

	t.Run("missing vault", func(t *testing.T) {
		t.Parallel()
		res := cli.run(t, "describe-backup-vault", "--backup-vault-name", "noSuchVault")
		assert.Contains(t, []int{254, 255}, res.code, "stderr: %s", res.stderr)
		assert.Contains(t, res.stderr, "ResourceNotFoundException")
		assert.Contains(t, res.stderr, "noSuchVault")
		assert.Empty(t, res.stdout)
	})
}

// TestConformanceStateSurvivesSIGTERM stops the binary with SIGTERM and
// restarts it on the same --state file.
func TestConformanceStateSurvivesSIGTERM(t *testing.T) {
	t.Parallel()
	bin := buildBackupkit(t)
	state := filepath.Join(t.TempDir(), "state.json")
	p := startBinary(t, bin, "--state", state)
	c := clientAt(p.URL)
	_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("survivor"), BackupVaultTags: map[string]string{"k": "v"}})
	require.NoError(t, err)
	require.NoError(t, p.stop(), "SIGTERM ends the emulator with exit status 0; stderr: %s", p.stderr)

	p2 := startBinary(t, bin, "--state", state)
	c2 := clientAt(p2.URL)
	d, err := c2.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("survivor")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:survivor", aws.ToString(d.BackupVaultArn))
	tags, err := c2.ListTags(t.Context(), &awsbackup.ListTagsInput{ResourceArn: d.BackupVaultArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"k": "v"}, tags.Tags)
	require.NoError(t, p2.stop())
}

func clientAt(url string) *awsbackup.Client {
	return awsbackup.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
}
