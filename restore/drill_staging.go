package restore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/backupkit/backupkit/backup"
)

// stagingName is a unique, DNS- and identifier-safe name for target idx of
// drill id: lowercase, starts with a letter, at most 30 characters.
func stagingName(drillID string, idx int) string {
	h := sha256.Sum256([]byte(drillID))
	return fmt.Sprintf("bkdrill-%s-%04d", hex.EncodeToString(h[:5]), idx)
}

// stagingMetadata gives a restore of resourceType a unique new name, so a
// drill never restores over (or collides with) the source.
func stagingMetadata(resourceType backup.ResourceType, name string) map[string]string {
	switch resourceType {
	case backup.RDS:
		return map[string]string{"DBInstanceIdentifier": name}
	case backup.Aurora, backup.DocumentDB, backup.Neptune:
		return map[string]string{"dbClusterIdentifier": name}
	case backup.DynamoDB:
		return map[string]string{"targetTableName": name}
	case backup.EFS:
		return map[string]string{"newFileSystem": "true", "CreationToken": name}
	case backup.S3:
		return map[string]string{"DestinationBucketName": name, "NewBucket": "true"}
	case backup.Redshift:
		return map[string]string{"ClusterIdentifier": name}
	case backup.Timestream:
		return map[string]string{"TableName": name}
	case backup.CloudFormation:
		return map[string]string{"StackName": name, "ChangeSetName": name}
	}
	return nil
}
