//go:build linux

package backuptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

// startServicesBinary starts the emulator binary seeded with
// testdata/conformance/services_resources.json: 12 volumes, an instance,
// 25 DB instances, 7 tables, 5 EFS file systems and two buckets.
func startServicesBinary(t *testing.T) *emulatorProcess {
	t.Helper()
	dir, err := filepath.Abs(conformance)
	require.NoError(t, err)
	return startBinary(t, buildBackupkit(t), "--resources", filepath.Join(dir, "services_resources.json"))
}

// callsOf reads the running emulator's call log for one service.
func callsOf(t *testing.T, url, service string) map[string]int {
	t.Helper()
	resp, err := http.Get(url + "/_backupkit/calls")
	require.NoError(t, err)
	defer resp.Body.Close()
	var calls []backuptest.Call
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&calls))
	n := map[string]int{}
	for _, c := range calls {
		if c.Service == service {
			n[c.Operation]++
		}
	}
	return n
}

// TestConformanceServicesAWSCLI runs the AWS CLI v2 (/usr/bin/aws) against
// the emulator binary's EC2, RDS, DynamoDB, S3 and EFS APIs, with the CLI's
// own pagination and error reporting.
func TestConformanceServicesAWSCLI(t *testing.T) {
	t.Parallel()
	cli := requireAWSCLIv2(t)
	p := startServicesBinary(t)
	env := cliEnv(t)
	run := func(args ...string) (string, string, int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, cli, append([]string{"--endpoint-url", p.URL, "--region", "us-east-1", "--no-cli-pager", "--output", "json"}, args...)...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return stdout.String(), stderr.String(), code
	}
	decode := func(s string) map[string]any {
		t.Helper()
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m), "output %q", s)
		return m
	}

	// What users type: the AWS CLI sends MaxResults=1000 on a plain
	// describe-volumes (aws-cli tests/functional/ec2/test_describe_volumes.py).
	out, errOut, code := run("ec2", "describe-volumes")
	require.Zero(t, code, errOut)
	assert.Len(t, decode(out)["Volumes"], 12)
	out, errOut, code = run("ec2", "describe-volumes", "--page-size", "5")
	require.Zero(t, code, errOut)
	assert.Len(t, decode(out)["Volumes"], 12, "the CLI follows NextToken across pages")
	assert.GreaterOrEqual(t, callsOf(t, p.URL, "ec2")["DescribeVolumes"], 3, "12 volumes in pages of 5")
	_, errOut, code = run("ec2", "describe-volumes", "--volume-ids", "vol-nope")
	assert.NotZero(t, code)
	assert.Contains(t, errOut, "InvalidVolume.NotFound")

	out, errOut, code = run("rds", "describe-db-instances", "--page-size", "20")
	require.Zero(t, code, errOut)
	assert.Len(t, decode(out)["DBInstances"], 25)
	_, errOut, code = run("rds", "describe-db-instances", "--db-instance-identifier", "nope")
	assert.NotZero(t, code)
	assert.Contains(t, errOut, "DBInstanceNotFound")

	out, errOut, code = run("dynamodb", "describe-table", "--table-name", "sessions-1")
	require.Zero(t, code, errOut)
	tbl := decode(out)["Table"].(map[string]any)
	assert.Equal(t, "ACTIVE", tbl["TableStatus"])
	assert.EqualValues(t, 1200, tbl["ItemCount"])
	_, errOut, code = run("dynamodb", "describe-table", "--table-name", "nope")
	assert.NotZero(t, code)
	assert.Contains(t, errOut, "ResourceNotFoundException")

	out, errOut, code = run("s3", "ls")
	require.Zero(t, code, errOut)
	assert.Contains(t, out, "assets")
	assert.Contains(t, out, "empty-bucket")
	out, errOut, code = run("s3", "ls", "s3://assets")
	require.Zero(t, code, errOut)
	assert.Equal(t, 2500, strings.Count(out, "object-"), "aws s3 ls lists every object across ListObjectsV2 pages")
	_, errOut, code = run("s3", "ls", "s3://nope")
	assert.NotZero(t, code)
	assert.Contains(t, errOut, "NoSuchBucket")

	out, errOut, code = run("efs", "describe-file-systems", "--page-size", "2")
	require.Zero(t, code, errOut)
	assert.Len(t, decode(out)["FileSystems"], 5)
	_, errOut, code = run("efs", "describe-file-systems", "--file-system-id", "fs-nope")
	assert.NotZero(t, code)
	assert.Contains(t, errOut, "FileSystemNotFound")
}

// TestConformanceServicesBoto3 runs testdata/conformance/boto3_services.py
// with Debian's boto3: paginators, waiters and error codes of EC2, RDS,
// DynamoDB, S3 and EFS against the emulator binary.
func TestConformanceServicesBoto3(t *testing.T) {
	t.Parallel()
	requireBoto3(t)
	p := startServicesBinary(t)
	dir, err := filepath.Abs(conformance)
	require.NoError(t, err)
	home := t.TempDir()
	empty := filepath.Join(home, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, debianPython, filepath.Join(dir, "boto3_services.py"), p.URL)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C.UTF-8", "AWS_CONFIG_FILE=" + empty,
		"AWS_SHARED_CREDENTIALS_FILE=" + empty, "AWS_EC2_METADATA_DISABLED=true"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "boto3_services.py failed\nstdout: %s\nstderr: %s", stdout.String(), stderr.String())
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var s map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &s), "last line %q", lines[len(lines)-1])
	want := map[string]any{
		"ec2Volumes": 12.0, "ec2VolumePages": 3.0, "ec2Missing": "InvalidVolume.NotFound",
		"rdsInstances": 25.0, "rdsPages": 2.0, "rdsMissing": "DBInstanceNotFound",
		"ddbTables": 7.0, "ddbPages": 3.0, "ddbStatus": "ACTIVE", "ddbMissing": "ResourceNotFoundException",
		"s3Objects": 2500.0, "s3Pages": 3.0, "s3Missing": "NoSuchBucket", "s3NoTags": "NoSuchTagSet",
		"efsFileSystems": 5.0, "efsPages": 3.0, "efsMissing": "FileSystemNotFound",
	}
	for k, v := range want {
		assert.Equal(t, v, s[k], k)
	}
	assert.Equal(t, []any{"assets", "empty-bucket"}, s["s3Buckets"])
}
