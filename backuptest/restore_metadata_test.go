package backuptest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

func TestGetRecoveryPointRestoreMetadataPerType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		arn  string
		typ  string
		keys []string
		name map[string]string // key → value naming the source
	}{
		{jobVolume, "EBS", []string{"availabilityZone", "encrypted", "volumeType", "volumeSize", "iops", "throughput"}, nil},
		{"arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", "EC2", []string{"InstanceType", "SubnetId", "SecurityGroupIds", "Placement", "RequireIMDSv2"}, nil},
		{"arn:aws:rds:us-east-1:123456789012:db:prod", "RDS", []string{"DBInstanceIdentifier", "DBInstanceClass", "Engine", "MultiAZ", "DBSubnetGroupName"}, map[string]string{"DBInstanceIdentifier": "prod"}},
		{"arn:aws:rds:us-east-1:123456789012:cluster:aur", "Aurora", []string{"dbClusterIdentifier", "engine", "availabilityZones", "vpcSecurityGroupIds"}, map[string]string{"dbClusterIdentifier": "aur"}},
		{jobTable, "DynamoDB", []string{"targetTableName", "encryptionType"}, map[string]string{"targetTableName": "orders"}},
		{"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123", "EFS", []string{"file-system-id", "newFileSystem", "Encrypted", "PerformanceMode", "CreationToken"}, map[string]string{"file-system-id": "fs-0123"}},
		{"arn:aws:s3:::logs", "S3", []string{"DestinationBucketName", "EncryptionType"}, map[string]string{"DestinationBucketName": "logs"}},
		{"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0456", "FSx", []string{"StorageCapacity", "StorageType", "SubnetIds", "DeploymentType"}, nil},
		{"arn:aws:redshift:us-east-1:123456789012:cluster:wh", "Redshift", []string{"ClusterIdentifier", "NodeType", "RestoreType"}, map[string]string{"ClusterIdentifier": "wh"}},
	}
	srv := backuptest.NewServer(t)
	require.NoError(t, srv.SeedRecoveryPoints("", "", "meta", len(tests), func(i int) backuptest.Resource {
		return backuptest.Resource{ARN: tests[i].arn, SizeBytes: 20 << 30}
	}))
	c := srv.Client()
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			t.Parallel()
			rps, err := c.ListRecoveryPointsByResource(t.Context(), &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(tt.arn)})
			require.NoError(t, err)
			require.Len(t, rps.RecoveryPoints, 1)
			out, err := c.GetRecoveryPointRestoreMetadata(t.Context(), &awsbackup.GetRecoveryPointRestoreMetadataInput{
				BackupVaultName: aws.String("meta"), RecoveryPointArn: rps.RecoveryPoints[0].RecoveryPointArn})
			require.NoError(t, err)
			assert.Equal(t, tt.typ, aws.ToString(out.ResourceType))
			for _, k := range tt.keys {
				assert.Contains(t, out.RestoreMetadata, k)
			}
			for k, v := range tt.name {
				assert.Equal(t, v, out.RestoreMetadata[k])
			}
		})
	}
}
