//go:build linux

package backuptest_test

import (
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

// TestConformanceAWSCLIRestoreTesting creates a restore testing plan and
// two selections with the AWS CLI on an emulator with a manual clock,
// moves the clock past the plan's scheduled time, and follows the restore
// tests through the CLI: restore jobs created by the plan, a validation
// result that deletes the restored volume, and a validation window that
// closes and deletes the restored table (AWS Backup developer guide,
// "Restore testing": "Once the optional validation completes or the
// validation window closes, AWS Backup deletes the resources involved with
// the restore test").
func TestConformanceAWSCLIRestoreTesting(t *testing.T) {
	t.Parallel()
	cliPath := requireAWSCLIv2(t)
	bin := buildBackupkit(t)
	dir, err := filepath.Abs(conformance)
	require.NoError(t, err)
	p := startBinary(t, bin, "--resources", filepath.Join(dir, "resources.json"), "--job-duration", "0s", "--manual-clock")
	ctl := backuptest.NewControlClient(p.URL, http.DefaultClient)
	work := t.TempDir()
	cli := awsCLI{path: cliPath, url: p.URL, env: cliEnv(t), dir: work}
	// Debian 12's AWS CLI (2.9.19) predates restore testing (November
	// 2023): load AWS's newer API model for the operations used here into
	// this test's CLI home, the CLI's own way to call newer operations
	// (testdata/conformance/trim_model.py says where the model comes from).
	addModel := exec.CommandContext(t.Context(), cliPath, "configure", "add-model", "--service-name", "backup",
		"--service-model", "file://"+filepath.Join(dir, "backup-restore-testing.json"))
	addModel.Env = cli.env
	out, err := addModel.CombinedOutput()
	require.NoError(t, err, "aws configure add-model: %s", out)
	const table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"

	cli.ok(t, "create-backup-vault", "--backup-vault-name", "rt")
	cli.ok(t, "start-backup-job", "--backup-vault-name", "rt", "--resource-arn", volumeARN, "--iam-role-arn", backupRole)
	cli.ok(t, "start-backup-job", "--backup-vault-name", "rt", "--resource-arn", table, "--iam-role-arn", backupRole)

	plan := `{"RestoreTestingPlanName":"hourly_test","ScheduleExpression":"cron(0 * ? * * *)",
	  "RecoveryPointSelection":{"Algorithm":"LATEST_WITHIN_WINDOW","IncludeVaults":["*"],"RecoveryPointTypes":["SNAPSHOT"],"SelectionWindowDays":1}}`
	ebsSel := `{"RestoreTestingSelectionName":"ebs","ProtectedResourceType":"EBS","IamRoleArn":"` + backupRole + `",
	  "ProtectedResourceArns":["*"],"ProtectedResourceConditions":{"StringEquals":[{"Key":"aws:ResourceTag/project","Value":"finance"}]},
	  "ValidationWindowHours":2}`
	tableSel := `{"RestoreTestingSelectionName":"tables","ProtectedResourceType":"DynamoDB","IamRoleArn":"` + backupRole + `",
	  "ProtectedResourceArns":["` + table + `"],"RestoreMetadataOverrides":{"targetTableName":"orders_rt"},"ValidationWindowHours":1}`
	for name, body := range map[string]string{"plan.json": plan, "ebs.json": ebsSel, "table.json": tableSel} {
		require.NoError(t, os.WriteFile(filepath.Join(work, name), []byte(body), 0o600))
	}
	planARN := str(t, cli.ok(t, "create-restore-testing-plan", "--restore-testing-plan", "file://plan.json"), "RestoreTestingPlanArn")
	cli.ok(t, "create-restore-testing-selection", "--restore-testing-plan-name", "hourly_test", "--restore-testing-selection", "file://ebs.json")
	cli.ok(t, "create-restore-testing-selection", "--restore-testing-plan-name", "hourly_test", "--restore-testing-selection", "file://table.json")

	// The plan fires once in the next hour; the restores take no time.
	_, err = ctl.Advance(t.Context(), time.Hour)
	require.NoError(t, err)
	jobs := list(t, cli.ok(t, "list-restore-jobs", "--by-restore-testing-plan-arn", planARN), "RestoreJobs")
	require.Len(t, jobs, 2, "%v", jobs)
	byType := map[string]map[string]any{}
	for _, j := range jobs {
		byType[str(t, j, "ResourceType")] = j
		createdBy, _ := j["CreatedBy"].(map[string]any)
		assert.Equal(t, planARN, createdBy["RestoreTestingPlanArn"])
	}
	ebsID, tableID := str(t, byType["EBS"], "RestoreJobId"), str(t, byType["DynamoDB"], "RestoreJobId")
	assert.Equal(t, volumeARN, str(t, byType["EBS"], "SourceResourceArn"))

	ebs := cli.ok(t, "describe-restore-job", "--restore-job-id", ebsID)
	require.Equal(t, "COMPLETED", str(t, ebs, "Status"))
	assert.NotContains(t, ebs, "DeletionStatus", "kept for validation")
	cli.ok(t, "put-restore-validation-result", "--restore-job-id", ebsID, "--validation-status", "SUCCESSFUL", "--validation-status-message", "mounted and checked")
	ebs = cli.ok(t, "describe-restore-job", "--restore-job-id", ebsID)
	assert.Equal(t, "SUCCESSFUL", str(t, ebs, "ValidationStatus"))
	assert.Equal(t, "SUCCESSFUL", str(t, ebs, "DeletionStatus"), "a validation result deletes the restored volume")
	_, err = ctl.Resource(t.Context(), str(t, ebs, "CreatedResourceArn"))
	assert.Error(t, err, "the restored volume is gone")

	md := cli.ok(t, "get-restore-job-metadata", "--restore-job-id", tableID)
	assert.Equal(t, "orders_rt", md["Metadata"].(map[string]any)["targetTableName"], "the selection's RestoreMetadataOverrides")

	// Two hours later the table's one-hour validation window has closed.
	_, err = ctl.Advance(t.Context(), 2*time.Hour)
	require.NoError(t, err)
	tbl := cli.ok(t, "describe-restore-job", "--restore-job-id", tableID)
	assert.Equal(t, "SUCCESSFUL", str(t, tbl, "DeletionStatus"))
	assert.NotContains(t, tbl, "ValidationStatus", "no validation result was sent")
	assert.True(t, strings.HasSuffix(str(t, tbl, "CreatedResourceArn"), ":table/orders_rt"))

	byRes := list(t, cli.ok(t, "list-restore-jobs-by-protected-resource", "--resource-arn", volumeARN), "RestoreJobs")
	ids := make([]string, 0, len(byRes))
	for _, j := range byRes {
		ids = append(ids, str(t, j, "RestoreJobId"))
	}
	assert.Contains(t, ids, ebsID)
	got := cli.ok(t, "get-restore-testing-plan", "--restore-testing-plan-name", "hourly_test")
	assert.NotEmpty(t, got["RestoreTestingPlan"].(map[string]any)["LastExecutionTime"])
}
