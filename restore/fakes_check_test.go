package restore_test

import (
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// The backuptest fakes satisfy the restore package's service interfaces.
var (
	_ restore.EC2API      = (*backuptest.FakeEC2)(nil)
	_ restore.RDSAPI      = (*backuptest.FakeRDS)(nil)
	_ restore.DynamoDBAPI = (*backuptest.FakeDynamoDB)(nil)
	_ restore.EFSAPI      = (*backuptest.FakeEFS)(nil)
	_ restore.FSxAPI      = (*backuptest.FakeFSx)(nil)
	_ restore.S3API       = (*backuptest.FakeS3)(nil)
)
