package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAutomationBadInputFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"automation", "asl", "drill", "--max-concurrency", "10001"}, "MaxConcurrency: is 10001; want 1–10000"},
		{[]string{"automation", "asl", "drill", "--tolerated-failure-percentage", "-1"}, "ToleratedFailurePercentage: is -1; want 0–100"},
		{[]string{"automation", "asl", "drill", "--min-delay", "1500ms"}, "Poll.MinDelay"},
		{[]string{"automation", "asl", "nope"}, `invalid argument "nope"`},
		{[]string{"automation", "template", "--schedule", "cron(0 5 * * *)"}, "Schedule:"},
		{[]string{"automation", "template", "--timezone", "Nowhere/Else"}, "Timezone:"},
		{[]string{"automation", "template", "--memory", "64"}, "FunctionMemoryMB"},
		{[]string{"automation", "template", "--remediation", "lambda"}, `Remediation: is "lambda"; want "workflow" or "function"`},
		{[]string{"automation", "package"}, "--out is required"},
		{[]string{"automation", "start"}, "--state-machine is required"},
		{[]string{"automation", "start", "--state-machine", "arn:aws:states:us-east-1:123456789012:stateMachine:d", "--all-in-vault"}, "Drill.Vault: is required with AllInVault"},
		{[]string{"automation", "start", "--state-machine", "arn:aws:states:us-east-1:123456789012:stateMachine:d", "--vault", "v", "--all-in-vault", "--wait"}, "--wait needs --report-bucket"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, tt.args...)
			assert.NotEqual(t, 0, code)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, "goroutine", "no stack trace")
		})
	}
}

func TestAutomationASLAndTemplate(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "automation", "asl", "remediate", "--function-arn", "arn:aws:lambda:us-east-1:123456789012:function:f")
	require.Equal(t, 0, code, stderr)
	var def map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &def))
	assert.Equal(t, "Remediate", def["StartAt"])
	assert.Contains(t, stdout, "arn:aws:lambda:us-east-1:123456789012:function:f")

	input := filepath.Join(t.TempDir(), "input.json")
	require.NoError(t, os.WriteFile(input, []byte(`{"vault":"prod","allInVault":true,"maxRpoSeconds":86400}`), 0o600))
	code, stdout, stderr = runCLI(t, "automation", "template", "--code", "dist/backupkit-lambda.zip", "--drill-input", input, "--schedule", "cron(0 4 ? * MON-FRI *)")
	require.Equal(t, 0, code, stderr)
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &tmpl))
	sched := tmpl.Resources["DrillSchedule"].Properties
	assert.Equal(t, "cron(0 4 ? * MON-FRI *)", sched["ScheduleExpression"])
	assert.JSONEq(t, `{"vault":"prod","allInVault":true,"maxRpoSeconds":86400}`, sched["Target"].(map[string]any)["Input"].(string))
	assert.Equal(t, "dist/backupkit-lambda.zip", tmpl.Resources["Function"].Properties["Code"])
}
