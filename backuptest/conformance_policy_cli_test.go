//go:build linux

package backuptest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConformanceAWSCLIVaultPolicy puts a vault access policy that denies
// DeleteRecoveryPoint with the AWS CLI and checks that the CLI's delete is
// refused with AccessDeniedException, until the policy is removed.
func TestConformanceAWSCLIVaultPolicy(t *testing.T) {
	t.Parallel()
	cliPath := requireAWSCLIv2(t)
	bin := buildBackupkit(t)
	dir, err := filepath.Abs(conformance)
	require.NoError(t, err)
	p := startBinary(t, bin, "--resources", filepath.Join(dir, "resources.json"), "--job-duration", "0s")
	work := t.TempDir()
	cli := awsCLI{path: cliPath, url: p.URL, env: cliEnv(t), dir: work}

	vaultARN := str(t, cli.ok(t, "create-backup-vault", "--backup-vault-name", "locked"), "BackupVaultArn")
	jobID := str(t, cli.ok(t, "start-backup-job", "--backup-vault-name", "locked", "--resource-arn", volumeARN, "--iam-role-arn", backupRole), "BackupJobId")
	var rpARN string
	pollCLI(t, func() bool {
		d := cli.ok(t, "describe-backup-job", "--backup-job-id", jobID)
		rpARN, _ = d["RecoveryPointArn"].(string)
		return d["State"] == "COMPLETED"
	}, "backup job never completed")

	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyDelete","Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"` + vaultARN + `"}]}`
	require.NoError(t, os.WriteFile(filepath.Join(work, "policy.json"), []byte(policy), 0o600))
	cli.ok(t, "put-backup-vault-access-policy", "--backup-vault-name", "locked", "--policy", "file://policy.json")
	got := cli.ok(t, "get-backup-vault-access-policy", "--backup-vault-name", "locked")
	assert.JSONEq(t, policy, str(t, got, "Policy"))

	res := cli.run(t, "delete-recovery-point", "--backup-vault-name", "locked", "--recovery-point-arn", rpARN)
	assert.Equal(t, 254, res.code, "stderr: %s", res.stderr)
	assert.Contains(t, res.stderr, "An error occurred (AccessDeniedException) when calling the DeleteRecoveryPoint operation")
	assert.Contains(t, res.stderr, "is not authorized to perform: backup:DeleteRecoveryPoint on resource: "+rpARN+" with an explicit deny in a resource-based policy")
	d := cli.ok(t, "describe-recovery-point", "--backup-vault-name", "locked", "--recovery-point-arn", rpARN)
	assert.Equal(t, "COMPLETED", str(t, d, "Status"), "the denied delete left the point")

	// A malformed policy is refused before it is stored.
	bad := cli.run(t, "put-backup-vault-access-policy", "--backup-vault-name", "locked", "--policy",
		`{"Statement":[{"Effect":"Deny","Action":"backup:DeleteRecoveryPoint","Resource":"*"}]}`)
	assert.Equal(t, 254, bad.code)
	assert.Contains(t, bad.stderr, "InvalidParameterValueException")
	assert.Contains(t, bad.stderr, "Statement[0].Principal")

	cli.ok(t, "delete-backup-vault-access-policy", "--backup-vault-name", "locked")
	cli.ok(t, "delete-recovery-point", "--backup-vault-name", "locked", "--recovery-point-arn", rpARN)
	gone := cli.run(t, "describe-recovery-point", "--backup-vault-name", "locked", "--recovery-point-arn", rpARN)
	assert.Contains(t, gone.stderr, "ResourceNotFoundException")
}
