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

// debianPython is Debian's interpreter, which sees python3-boto3 in
// /usr/lib/python3/dist-packages (a python3 earlier on PATH, e.g. pyenv's,
// may not).
const debianPython = "/usr/bin/python3"

// TestConformanceBoto3 runs testdata/conformance/boto3_check.py with
// Debian's boto3 against the `backupkit emulator` binary: typed
// exceptions (client.exceptions.ResourceNotFoundException, …), paginators,
// idempotent backup jobs. Then boto3_routes.py calls every operation of
// botocore's model and checks each reached the emulator as itself.
func TestConformanceBoto3(t *testing.T) {
	t.Parallel()
	python := requireBoto3(t)
	bin := buildBackupkit(t)
	dir, err := filepath.Abs(conformance)
	require.NoError(t, err)
	p := startBinary(t, bin, "--resources", filepath.Join(dir, "resources.json"), "--job-duration", "0s")

	home := t.TempDir()
	empty := filepath.Join(home, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join(dir, "boto3_check.py"), p.URL)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + empty,
		"AWS_SHARED_CREDENTIALS_FILE=" + empty,
		"AWS_EC2_METADATA_DISABLED=true",
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "boto3_check.py failed\nstdout: %s\nstderr: %s", stdout.String(), stderr.String())

	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var summary map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &summary), "last line %q", lines[len(lines)-1])
	assert.EqualValues(t, 3, summary["vaultPages"])
	assert.Equal(t, "COMPLETED", summary["backupJob"])
	assert.NotEmpty(t, summary["boto3"])

	// The emulator logged boto3's requests as the operations the script called.
	resp, err := http.Get(p.URL + "/_backupkit/calls")
	require.NoError(t, err)
	defer resp.Body.Close()
	var calls []backuptest.Call
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&calls))
	count := map[string]int{}
	for _, c := range calls {
		count[c.Operation+" "+c.ErrorCode]++
	}
	assert.Equal(t, 1, count["DescribeBackupVault ResourceNotFoundException"], "%v", count)
	assert.Equal(t, 4, count["ListBackupVaults "], "three paginator pages and one plain list: %v", count)
	assert.Equal(t, 2, count["StartBackupJob "], "%v", count)

	// Every operation in botocore's model reaches the emulator as itself.
	routes := exec.CommandContext(ctx, python, filepath.Join(dir, "boto3_routes.py"), p.URL)
	routes.Env = cmd.Env
	stdout.Reset()
	stderr.Reset()
	routes.Stdout, routes.Stderr = &stdout, &stderr
	runErr := routes.Run()
	var routed struct {
		Operations int      `json:"operations"`
		Routed     int      `json:"routed"`
		Problems   []string `json:"problems"`
	}
	require.NoError(t, json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &routed), "boto3_routes.py printed %q; stderr %s", stdout.String(), stderr.String())
	assert.Empty(t, routed.Problems)
	require.NoError(t, runErr, "stderr: %s", stderr.String())
	assert.GreaterOrEqual(t, routed.Operations, 60, "botocore's AWS Backup model has at least 60 operations")
	assert.Equal(t, routed.Operations, routed.Routed)
	require.NoError(t, p.stop())
}
