package backuptest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

func TestControlInvoke(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	var created struct {
		Output struct {
			BackupVaultName string
			BackupVaultArn  string
			CreationDate    float64
		} `json:"output"`
	}
	require.Equal(t, 200, control(t, srv, "POST", "invoke",
		`{"operation":"CreateBackupVault","input":{"BackupVaultName":"v1","BackupVaultTags":{"team":"a"}}}`, &created))
	assert.Equal(t, "v1", created.Output.BackupVaultName)
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:v1", created.Output.BackupVaultArn)
	assert.Positive(t, created.Output.CreationDate, "timestamps in the wire form: epoch seconds")

	// The same state the SDK sees, labels (BackupVaultName) taken from the input.
	out, err := srv.Client().DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	assert.Equal(t, "v1", aws.ToString(out.BackupVaultName))

	// Another account.
	require.Equal(t, 200, control(t, srv, "POST", "invoke",
		`{"operation":"CreateBackupVault","input":{"BackupVaultName":"v2"},"account":"111122223333"}`, &created))
	assert.Equal(t, "arn:aws:backup:us-east-1:111122223333:backup-vault:v2", created.Output.BackupVaultArn)

	var apiErr struct{ Code, Message string }
	_, sdkErr := srv.Client().DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("none")})
	var want smithy.APIError
	require.ErrorAs(t, sdkErr, &want)
	assert.GreaterOrEqual(t, control(t, srv, "POST", "invoke", `{"operation":"DescribeBackupVault","input":{"BackupVaultName":"none"}}`, &apiErr), 400)
	assert.Equal(t, want.ErrorCode(), apiErr.Code, "the error an SDK client gets")
	assert.Equal(t, 404, control(t, srv, "POST", "invoke", `{"operation":"NoSuchOperation","input":{}}`, &apiErr))
	assert.Equal(t, "UnknownOperationException", apiErr.Code)
	assert.Contains(t, apiErr.Message, `"NoSuchOperation"`)

	// Faults and the call log apply as to any request.
	srv.InjectFault(backuptest.Fault{Operation: "DescribeBackupVault", ErrorCode: "ThrottlingException", Count: 1})
	assert.Equal(t, 400, control(t, srv, "POST", "invoke", `{"operation":"DescribeBackupVault","input":{"BackupVaultName":"v1"}}`, &apiErr))
	assert.Equal(t, "ThrottlingException", apiErr.Code)
	assert.Equal(t, 200, control(t, srv, "POST", "invoke", `{"operation":"DescribeBackupVault","input":{"BackupVaultName":"v1"}}`, nil))
	assert.Equal(t, 2, srv.CallCount("DescribeBackupVault"), "successful calls: the SDK's and the last invoke")
	var throttled int
	for _, c := range srv.Calls() {
		if c.Operation == "DescribeBackupVault" && c.ErrorCode == "ThrottlingException" {
			throttled++
		}
	}
	assert.Equal(t, 1, throttled)
}
