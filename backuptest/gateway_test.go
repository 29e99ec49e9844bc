package backuptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

// gatewayCLI runs `aws backup-gateway …` (the real AWS CLI) against srv.
func gatewayCLI(t *testing.T, srv *backuptest.Server, args ...string) (map[string]any, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	full := append([]string{"--endpoint-url", srv.URL, "--region", "us-east-1", "--no-cli-pager", "--output", "json", "backup-gateway"}, args...)
	cmd := exec.CommandContext(ctx, awsCLIPath(t), full...)
	cmd.Env = cliEnv(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("aws backup-gateway %v: %v", args, err)
	}
	var out map[string]any
	if code == 0 && strings.TrimSpace(stdout.String()) != "" {
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), stdout.String())
	}
	return out, stderr.String(), code
}

// The AWS CLI's backup-gateway model (awsJson 1.0, BackupOnPremises_v20210101)
// reads the emulator's answers: create a gateway, import a hypervisor,
// associate them, set the maintenance window, list the VMs found on the
// hypervisor's host; bad input answers ValidationException.
func TestConformanceAWSCLIBackupGateway(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	vm := "arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-0000ABCDEFGIJKL0000"
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: vm, Attributes: map[string]string{backuptest.VMHostAttribute: "10.0.0.5"}}))

	gw, _, code := gatewayCLI(t, srv, "create-gateway", "--activation-key", "ABCDE-12345", "--gateway-display-name", "gw-1", "--gateway-type", "BACKUP_VM")
	require.Equal(t, 0, code)
	gwARN, _ := gw["GatewayArn"].(string)
	assert.Regexp(t, `^arn:aws:backup-gateway:us-east-1:123456789012:gateway/bgw-[0-9A-F]+$`, gwARN)

	hv, _, code := gatewayCLI(t, srv, "import-hypervisor-configuration", "--host", "10.0.0.5", "--name", "vcenter-1", "--username", "backup", "--password", "pw")
	require.Equal(t, 0, code)
	hvARN, _ := hv["HypervisorArn"].(string)
	require.NotEmpty(t, hvARN)

	_, stderr, code := gatewayCLI(t, srv, "associate-gateway-to-server", "--gateway-arn", gwARN, "--server-arn", hvARN)
	require.Equal(t, 0, code, stderr)
	_, stderr, code = gatewayCLI(t, srv, "put-maintenance-start-time", "--gateway-arn", gwARN, "--hour-of-day", "2", "--minute-of-hour", "15", "--day-of-week", "6")
	require.Equal(t, 0, code, stderr)

	g, _, code := gatewayCLI(t, srv, "get-gateway", "--gateway-arn", gwARN)
	require.Equal(t, 0, code)
	details, _ := g["Gateway"].(map[string]any)
	assert.Equal(t, "gw-1", details["GatewayDisplayName"])
	assert.Equal(t, map[string]any{"HourOfDay": 2.0, "MinuteOfHour": 15.0, "DayOfWeek": 6.0}, details["MaintenanceStartTime"])
	assert.True(t, strings.HasSuffix(hvARN, "/"+details["HypervisorId"].(string)))

	vms, _, code := gatewayCLI(t, srv, "list-virtual-machines", "--hypervisor-arn", hvARN)
	require.Equal(t, 0, code)
	list, _ := vms["VirtualMachines"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, vm, list[0].(map[string]any)["ResourceArn"])

	_, stderr, code = gatewayCLI(t, srv, "put-maintenance-start-time", "--gateway-arn", gwARN, "--hour-of-day", "24", "--minute-of-hour", "0")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, "ValidationException")
	_, stderr, code = gatewayCLI(t, srv, "get-gateway", "--gateway-arn", "arn:aws:backup-gateway:us-east-1:123456789012:gateway/bgw-00000000000000000")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, "ResourceNotFoundException")
}

// --state keeps KMS keys and backup gateways: a vault can still be created
// with a key made before the restart, and the gateway is still there.
func TestSaveStateKeepsKMSAndGateways(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	ctx := t.Context()
	key, err := kms.NewFromConfig(srv.Config()).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("vault key")})
	require.NoError(t, err)
	gw, _, code := gatewayCLI(t, srv, "create-gateway", "--activation-key", "K-1", "--gateway-display-name", "gw-saved", "--gateway-type", "BACKUP_VM")
	require.Equal(t, 0, code)

	var saved bytes.Buffer
	require.NoError(t, srv.SaveState(&saved))
	other := backuptest.NewServer(t)
	require.NoError(t, other.LoadState(bytes.NewReader(saved.Bytes())))

	_, err = other.Client().CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1"), EncryptionKeyArn: key.KeyMetadata.Arn})
	require.NoError(t, err, "a key created before SaveState must exist after LoadState")
	d, err := kms.NewFromConfig(other.Config()).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: key.KeyMetadata.KeyId})
	require.NoError(t, err)
	assert.Equal(t, "vault key", aws.ToString(d.KeyMetadata.Description))
	g, _, code := gatewayCLI(t, other, "get-gateway", "--gateway-arn", gw["GatewayArn"].(string))
	require.Equal(t, 0, code)
	assert.Equal(t, "gw-saved", g["Gateway"].(map[string]any)["GatewayDisplayName"])

	// A document written before KMS was saved loads with the example key.
	old := `{"format":1,"state":{"Accounts":{}}}`
	require.NoError(t, other.LoadState(strings.NewReader(old)))
	_, err = other.Client().CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v2"),
		EncryptionKeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/" + backuptest.ExampleKMSKeyID)})
	require.NoError(t, err)
	_, err = other.Client().CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v3"), EncryptionKeyArn: key.KeyMetadata.Arn})
	require.Error(t, err, "the old document has no such key")
}
