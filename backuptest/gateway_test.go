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
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/gateway"
)

// boto3Gateway runs a Python script with Debian's boto3 (botocore's own
// backup-gateway model: awsJson 1.0, BackupOnPremises_v20210101) against
// srv, in one process (each interpreter start costs seconds on a loaded
// machine). The script gets the endpoint as argv[1] and a client as gw,
// and prints one JSON document.
func boto3Gateway(t *testing.T, srv *backuptest.Server, script string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	prog := `import sys, json, boto3, botocore
gw = boto3.client("backup-gateway", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret")
def err(f):
    try:
        f()
        return ""
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
out = {}
` + script + `
print(json.dumps(out, default=str))
`
	cmd := exec.CommandContext(ctx, debianPython, "-c", prog, srv.URL)
	cmd.Env = cliEnv(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "python: %s", stderr.String())
	var out map[string]any
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), stdout.String())
	return out
}

// boto3 reads the emulator's backup-gateway answers: create a gateway,
// import a hypervisor, associate them, set the maintenance window, list
// the VMs found on the hypervisor's host; bad input answers
// ValidationException and a missing gateway ResourceNotFoundException.
func TestConformanceBoto3BackupGateway(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	vm := "arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-0000ABCDEFGIJKL0000"
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: vm, Attributes: map[string]string{backuptest.VMHostAttribute: "10.0.0.5"}}))
	out := boto3Gateway(t, srv, `
g = gw.create_gateway(ActivationKey="ABCDE-12345", GatewayDisplayName="gw-1", GatewayType="BACKUP_VM")["GatewayArn"]
h = gw.import_hypervisor_configuration(Host="10.0.0.5", Name="vcenter-1", Username="backup", Password="pw")["HypervisorArn"]
gw.associate_gateway_to_server(GatewayArn=g, ServerArn=h)
gw.put_maintenance_start_time(GatewayArn=g, HourOfDay=2, MinuteOfHour=15, DayOfWeek=6)
out["gateway"] = g
out["hypervisor"] = h
out["get"] = gw.get_gateway(GatewayArn=g)["Gateway"]
out["vms"] = gw.list_virtual_machines(HypervisorArn=h)["VirtualMachines"]
out["badHour"] = err(lambda: gw.put_maintenance_start_time(GatewayArn=g, HourOfDay=24, MinuteOfHour=0))
out["missing"] = err(lambda: gw.get_gateway(GatewayArn="arn:aws:backup-gateway:us-east-1:123456789012:gateway/bgw-00000000000000000"))
`)
	gwARN, _ := out["gateway"].(string)
	hvARN, _ := out["hypervisor"].(string)
	assert.Regexp(t, `^arn:aws:backup-gateway:us-east-1:123456789012:gateway/bgw-[0-9A-F]+$`, gwARN)
	assert.Regexp(t, `^arn:aws:backup-gateway:us-east-1:123456789012:hypervisor/hype-[0-9A-F]+$`, hvARN)
	details, _ := out["get"].(map[string]any)
	assert.Equal(t, "gw-1", details["GatewayDisplayName"])
	assert.Equal(t, map[string]any{"HourOfDay": 2.0, "MinuteOfHour": 15.0, "DayOfWeek": 6.0}, details["MaintenanceStartTime"])
	if id, ok := details["HypervisorId"].(string); !ok || !strings.HasSuffix(hvARN, "/"+id) {
		t.Errorf("HypervisorId = %v, want the id of %s", details["HypervisorId"], hvARN)
	}
	vms, _ := out["vms"].([]any)
	require.Len(t, vms, 1)
	assert.Equal(t, vm, vms[0].(map[string]any)["ResourceArn"])
	assert.Equal(t, "ValidationException", out["badHour"])
	assert.Equal(t, "ResourceNotFoundException", out["missing"])
}

// --state keeps KMS keys and backup gateways: a vault can still be created
// with a key made before the restart, and the gateway is still there.
func TestSaveStateKeepsKMSAndGateways(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	ctx := t.Context()
	key, err := kms.NewFromConfig(srv.Config()).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("vault key")})
	require.NoError(t, err)
	gwARN, err := gateway.NewFromConfig(srv.Config()).CreateGateway(ctx, gateway.NewGateway{ActivationKey: "K-1", Name: "gw-saved"})
	require.NoError(t, err)

	var saved bytes.Buffer
	require.NoError(t, srv.SaveState(&saved))
	other := backuptest.NewServer(t)
	require.NoError(t, other.LoadState(bytes.NewReader(saved.Bytes())))

	_, err = other.Client().CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1"), EncryptionKeyArn: key.KeyMetadata.Arn})
	require.NoError(t, err, "a key created before SaveState must exist after LoadState")
	d, err := kms.NewFromConfig(other.Config()).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: key.KeyMetadata.KeyId})
	require.NoError(t, err)
	assert.Equal(t, "vault key", aws.ToString(d.KeyMetadata.Description))
	g, err := gateway.NewFromConfig(other.Config()).GetGateway(ctx, gwARN)
	require.NoError(t, err)
	assert.Equal(t, "gw-saved", g.Name)

	// A document written before KMS was saved loads with the example key.
	old := `{"format":1,"state":{"Accounts":{}}}`
	require.NoError(t, other.LoadState(strings.NewReader(old)))
	_, err = other.Client().CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v2"),
		EncryptionKeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/" + backuptest.ExampleKMSKeyID)})
	require.NoError(t, err)
	_, err = other.Client().CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v3"), EncryptionKeyArn: key.KeyMetadata.Arn})
	require.Error(t, err, "the old document has no such key")
}

// A backup plan whose selection names the VirtualMachine and SAP HANA
// resource-type patterns backs up the VMs and databases on schedule, and
// their recovery points carry their types.
func TestPlanRunsBackUpVMsAndSAPHANA(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	vm := "arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-0000ABCDEFGIJKL0000"
	db := "arn:aws:ssm-sap:us-east-1:123456789012:HANA/PRD/DB/HDB"
	require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: vm, SizeBytes: 4 << 30, Attributes: map[string]string{backuptest.VMHostAttribute: "vc"}}))
	require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: db, SizeBytes: 8 << 30}))
	env.plan(t, types.BackupSelection{Resources: []string{"arn:aws:backup-gateway:*:*:vm/*", "arn:aws:ssm-sap:*:*:HANA/*"}}, runRule())
	env.advanceTo(t, runT0.Add(5*time.Hour+30*time.Minute))
	jobs := env.jobs(t)
	assert.Equal(t, []string{vm, db}, resourceARNs(jobs))
	typeOf := map[string]string{}
	for _, j := range jobs {
		typeOf[aws.ToString(j.ResourceArn)] = aws.ToString(j.ResourceType)
		assert.Equal(t, "COMPLETED", string(j.State))
	}
	assert.Equal(t, map[string]string{vm: "VirtualMachine", db: "SAP HANA on Amazon EC2"}, typeOf)
}
