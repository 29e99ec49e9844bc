package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

// lockedBuffer is an io.Writer safe to read while the command writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningLine = regexp.MustCompile(`(?m)^listening on (http://127\.0\.0\.1:\d+)\n`)

// startEmulator runs `backupkit emulator` in-process until the returned
// stop function is called; it returns the base URL from the "listening
// on" line and a function that stops the command and returns its error.
func startEmulator(t *testing.T, args ...string) (url string, stdout, stderr *lockedBuffer, stop func() error) {
	t.Helper()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	ctx, cancel := context.WithCancel(t.Context())
	cmd := newEmulatorCmd()
	cmd.SetArgs(append([]string{"--addr", "127.0.0.1:0"}, args...))
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	deadline := time.After(10 * time.Second)
	for {
		if m := listeningLine.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("emulator exited before listening: %v; stderr %q", err, stderr.String())
		case <-deadline:
			cancel()
			t.Fatalf("no listening line after 10s; stdout %q", stdout.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(10 * time.Second):
				stopErr = errors.New("emulator did not stop within 10s")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return url, stdout, stderr, stop
}

func clientFor(url string) *awsbackup.Client {
	return awsbackup.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint: aws.String(url),
	})
}

func TestEmulatorServesAndStops(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res := filepath.Join(dir, "resources.json")
	require.NoError(t, os.WriteFile(res, []byte(`[
		{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "tags": {"env": "prod"}, "sizeBytes": 8589934592},
		{"arn": "arn:aws:dynamodb:us-east-1:123456789012:table/orders"}
	]`), 0o600))
	url, stdout, _, stop := startEmulator(t, "--resources", res, "--job-duration", "0s")

	assert.Equal(t, 1, strings.Count(stdout.String(), "listening on"), "the listening line is printed exactly once")
	c := clientFor(url)
	_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("myVault")})
	require.NoError(t, err)
	out, err := c.ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{})
	require.NoError(t, err)
	require.Len(t, out.BackupVaultList, 1)
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:myVault", aws.ToString(out.BackupVaultList[0].BackupVaultArn))

	require.NoError(t, stop())
	_, err = c.ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{}, func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	require.Error(t, err, "the server must be closed after the context ends")
}

func TestEmulatorResourcesFromFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res := filepath.Join(dir, "resources.json")
	require.NoError(t, os.WriteFile(res, []byte(`[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "tags": {"env": "prod"}, "sizeBytes": 42}]`), 0o600))
	url, _, _, _ := startEmulator(t, "--resources", res)
	// The control API reports the resource the file seeded.
	r, err := backuptest.NewControlClient(url, nil).Resource(t.Context(), "arn:aws:ec2:us-east-1:123456789012:volume/vol-1")
	require.NoError(t, err)
	assert.Equal(t, "EBS", r.Type)
	assert.Equal(t, int64(42), r.SizeBytes)
	assert.Equal(t, map[string]string{"env": "prod"}, r.Tags)
}

func TestEmulatorStatePersistsAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")

	url, _, _, stop := startEmulator(t, "--state", state, "--account", "210987654321", "--region", "eu-west-1")
	c := awsbackup.NewFromConfig(aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""), BaseEndpoint: aws.String(url)})
	_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{
		BackupVaultName: aws.String("kept"), BackupVaultTags: map[string]string{"team": "storage"},
	})
	require.NoError(t, err)
	require.NoError(t, stop())
	_, err = os.Stat(state)
	require.NoError(t, err, "the state file must exist after shutdown")
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".state.json.tmp-*"))
	assert.Empty(t, leftovers, "no temporary files may be left behind")

	url2, _, _, _ := startEmulator(t, "--state", state, "--account", "210987654321", "--region", "eu-west-1")
	c2 := awsbackup.NewFromConfig(aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""), BaseEndpoint: aws.String(url2)})
	d, err := c2.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("kept")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:backup:eu-west-1:210987654321:backup-vault:kept", aws.ToString(d.BackupVaultArn))
	_, err = c2.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("kept")})
	var ae *types.AlreadyExistsException
	require.ErrorAs(t, err, &ae, "the restarted emulator must know the vault")
}

func TestEmulatorStateSavedBeforeShutdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	url, _, _, _ := startEmulator(t, "--state", state)
	_, err := clientFor(url).CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("early")})
	require.NoError(t, err)
	// Mutations are written shortly after they happen, not only at exit
	// (so a killed process loses at most the last moment).
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(state)
		return err == nil && bytes.Contains(b, []byte(`"early"`))
	}, 5*time.Second, 20*time.Millisecond)
}

func TestEmulatorBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"--resources", filepath.Join(dir, "nope.json")}, "--resources: open"},
		{"not json", []string{"--resources", write("bad.json", `[{"arn": `)}, "not valid JSON"},
		{"not an array", []string{"--resources", write("obj.json", `{"arn": "x"}`)}, "want a JSON array"},
		{"missing arn", []string{"--resources", write("noarn.json", `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}, {"tags": {}}]`)}, `entry 1: field "arn" is required`},
		{"bad arn", []string{"--resources", write("badarn.json", `[{"arn": "vol-1"}]`)}, `entry 0: field "arn": "vol-1" is not an ARN`},
		{"unsupported type", []string{"--resources", write("type.json", `[{"arn": "arn:aws:sqs:us-east-1:123456789012:queue"}]`)}, `entry 0: field "arn"`},
		{"size wrong type", []string{"--resources", write("size.json", `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "sizeBytes": "8GB"}]`)}, `entry 0: field "sizeBytes"`},
		{"negative size", []string{"--resources", write("neg.json", `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "sizeBytes": -1}]`)}, `entry 0: field "sizeBytes": -1 is negative`},
		{"tags wrong type", []string{"--resources", write("tags.json", `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "tags": ["a"]}]`)}, `entry 0: field "tags"`},
		{"unknown field", []string{"--resources", write("unk.json", `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "size": 1}]`)}, `entry 0: unknown field "size"`},
		{"duplicate", []string{"--resources", write("dup.json", `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}, {"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}]`)}, `entry 1: field "arn"`},
		{"bad account", []string{"--account", "12"}, "--account"},
		{"bad addr", []string{"--addr", "nonsense"}, "--addr"},
		{"negative duration", []string{"--job-duration", "-1s"}, "--job-duration"},
		{"corrupt state", []string{"--state", write("state.json", `{"format": 1, "state": [`)}, "--state"},
		{"state dir missing", []string{"--state", filepath.Join(dir, "no", "such", "dir", "state.json")}, "--state: backuptest: save state"},
		{"port in use", nil, "listen on"},
	}
	busy := ""
	{
		url, _, _, _ := startEmulator(t)
		busy = strings.TrimPrefix(url, "http://")
	}
	tests[len(tests)-1].args = []string{"--addr", busy}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"emulator", "--addr", "127.0.0.1:0"}, tt.args...)
			code := run(args, &stdout, &stderr)
			assert.Equal(t, 1, code, "stderr: %s", stderr.String())
			assert.Contains(t, stderr.String(), tt.want)
			assert.NotContains(t, stderr.String(), "goroutine", "no stack traces")
			assert.Empty(t, stdout.String(), "nothing may be served")
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
		})
	}
}

func TestEmulatorRunPlansFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want bool
	}{{nil, true}, {[]string{"--run-plans=false"}, false}, {[]string{"--run-plans"}, true}} {
		cmd := newEmulatorCmd()
		require.NoError(t, cmd.ParseFlags(tc.args))
		f := emulatorFlags{}
		f.runPlans, _ = cmd.Flags().GetBool("run-plans")
		var o backuptest.Options
		f.options(nil)(&o)
		assert.Equal(t, tc.want, o.RunPlans, "args %q", tc.args)
	}
	assert.Contains(t, newEmulatorCmd().Flags().Lookup("run-plans").Usage, "run backup plans on their schedules")
}

// The --resources file shipped in examples/emulator (README "Try it")
// starts the emulator with every resource it lists, read back through the
// control API, and its organization through Organizations.
func TestEmulatorShippedResourcesFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join("..", "..", "examples", "emulator", "resources.json")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var want struct {
		Resources []backuptest.Resource `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(data, &want))
	require.NotEmpty(t, want.Resources)

	url, _, _, _ := startEmulator(t, "--resources", file)
	got, err := backuptest.NewControlClient(url, nil).Resources(t.Context())
	require.NoError(t, err)
	byARN := map[string]backuptest.Resource{}
	for _, r := range got {
		byARN[r.ARN] = r
	}
	types := map[string]bool{}
	for _, w := range want.Resources {
		r, ok := byARN[w.ARN]
		if !assert.True(t, ok, "%s not in the inventory", w.ARN) {
			continue
		}
		assert.Equal(t, w.Tags, r.Tags, w.ARN)
		assert.Equal(t, w.SizeBytes, r.SizeBytes, w.ARN)
		for k, v := range w.Attributes {
			assert.Equal(t, v, r.Attributes[k], w.ARN+" attribute "+k)
		}
		types[r.Type] = true
	}
	assert.Len(t, got, len(want.Resources))
	for _, typ := range []string{"EBS", "EC2", "RDS", "Aurora", "DynamoDB", "EFS", "S3"} {
		assert.True(t, types[typ], "no %s resource in the shipped file", typ)
	}
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")}
	accts, err := organizations.NewFromConfig(cfg).ListAccounts(t.Context(), &organizations.ListAccountsInput{})
	require.NoError(t, err)
	var ids []string
	for _, a := range accts.Accounts {
		ids = append(ids, aws.ToString(a.Id))
	}
	assert.ElementsMatch(t, []string{backuptest.DefaultAccountID, "111111111111", "222222222222", "333333333333"}, ids)
}
