// Package restoremeta holds AWS Backup's restore metadata rules: the keys
// that name the resource a restore creates, per resource type, the names
// AWS accepts there, and the metadata that makes a restore create a new,
// uniquely named resource instead of touching the source. The restore
// package (drills, input builders) and the backuptest emulator
// (StartRestoreJob) both use it.
//
// Sources: the developer guide's "Restore a backup by resource type" pages
// (restoring-rds, restoring-aur, restoring-dynamodb, restoring-s3,
// restoring-efs, restoring-redshift, restoring-timestream,
// restoring-cloudformation) and the naming rules of each service's
// create API.
package restoremeta

import (
	"strings"
	"time"

	"github.com/backupkit/backupkit/internal/lazyre"
	"github.com/backupkit/backupkit/internal/limits"
)

// Metadata keys that name or place the restored resource.
const (
	// DBInstanceIdentifier names a restored RDS DB instance.
	DBInstanceIdentifier = "DBInstanceIdentifier"
	// DBClusterIdentifier names a restored Aurora, DocumentDB or Neptune
	// cluster (AWS spells it with a lowercase d).
	DBClusterIdentifier = "dbClusterIdentifier"
	// TargetTableName names a restored DynamoDB table.
	TargetTableName = "targetTableName"
	// DestinationBucketName is the bucket an S3 restore writes to;
	// NewBucket = "true" has AWS create it.
	DestinationBucketName = "DestinationBucketName"
	NewBucket             = "NewBucket"
	// NewFileSystem = "true" restores EFS into a new file system, made
	// idempotent by CreationToken; "false" restores into FileSystemID.
	NewFileSystem = "newFileSystem"
	CreationToken = "CreationToken"
	FileSystemID  = "file-system-id"
	// ClusterIdentifier names a restored Redshift cluster.
	ClusterIdentifier = "ClusterIdentifier"
	// TableName names a restored Timestream table in DestinationDatabase.
	TableName           = "TableName"
	DestinationDatabase = "DestinationDatabase"
	// StackName and ChangeSetName name a restored CloudFormation stack and
	// the change set that creates it.
	StackName     = "StackName"
	ChangeSetName = "ChangeSetName"
)

// NameKey returns the metadata key that names the resource a restore of
// resourceType creates, or "" for types whose restores get AWS-generated
// ids (EBS, EC2, EFS, FSx, …).
func NameKey(resourceType string) string {
	switch resourceType {
	case "RDS":
		return DBInstanceIdentifier
	case "Aurora", "DocumentDB", "Neptune":
		return DBClusterIdentifier
	case "DynamoDB":
		return TargetTableName
	case "S3":
		return DestinationBucketName
	case "Redshift":
		return ClusterIdentifier
	case "Timestream":
		return TableName
	case "CloudFormation":
		return StackName
	}
	return ""
}

// Get returns md's value for key, comparing keys case-insensitively as AWS
// Backup does (a dbClusterIdentifier and a DBClusterIdentifier are one key).
func Get(md map[string]string, key string) (string, bool) {
	if v, ok := md[key]; ok {
		return v, true
	}
	for k, v := range md {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// Staging returns the metadata that makes a restore of resourceType create
// a new resource named name, so it can neither overwrite nor collide with
// the source; nil for types whose restores always create new resources
// with AWS-generated ids.
func Staging(resourceType, name string) map[string]string {
	switch resourceType {
	case "EFS":
		return map[string]string{NewFileSystem: "true", CreationToken: name}
	case "S3":
		return map[string]string{DestinationBucketName: name, NewBucket: "true"}
	case "CloudFormation":
		return map[string]string{StackName: name, ChangeSetName: name}
	}
	if k := NameKey(resourceType); k != "" {
		return map[string]string{k: name}
	}
	return nil
}

var (
	// dbIdentifier: 1-63 letters, digits or hyphens, starting with a
	// letter, no trailing hyphen or two hyphens in a row (RDS
	// CreateDBInstance DBInstanceIdentifier, CreateDBCluster).
	dbIdentifier = lazyre.New(`^[a-zA-Z](?:[a-zA-Z0-9]|-[a-zA-Z0-9]){0,62}$`)
	// redshiftCluster: the same, lowercase (Redshift CreateCluster
	// ClusterIdentifier).
	redshiftCluster = lazyre.New(`^[a-z](?:[a-z0-9]|-[a-z0-9]){0,62}$`)
	// dynamoTable: 3-255 of a-z A-Z 0-9 _ . - (DynamoDB CreateTable).
	dynamoTable = lazyre.New(`^[a-zA-Z0-9_.-]{3,255}$`)
	// timestreamName: 3-256 of a-z A-Z 0-9 _ . - (Timestream CreateTable).
	timestreamName = lazyre.New(`^[a-zA-Z0-9_.-]{3,256}$`)
	// cfnName: a letter, then up to 127 letters, digits and hyphens
	// (CloudFormation CreateStack StackName, CreateChangeSet).
	cfnName = lazyre.New(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)
)

// CheckName returns why name cannot name a restored resource of
// resourceType (under the key NameKey gives), or "".
func CheckName(resourceType, name string) string {
	switch resourceType {
	case "RDS", "Aurora", "DocumentDB", "Neptune":
		if !dbIdentifier.MatchString(name) {
			return "must be 1-63 letters, digits and hyphens, starting with a letter, without a trailing hyphen or two hyphens in a row"
		}
	case "Redshift":
		if !redshiftCluster.MatchString(name) {
			return "must be 1-63 lowercase letters, digits and hyphens, starting with a letter, without a trailing hyphen or two hyphens in a row"
		}
	case "DynamoDB":
		if !dynamoTable.MatchString(name) {
			return "must be 3-255 characters of a-z, A-Z, 0-9, '_', '.' and '-'"
		}
	case "Timestream":
		if !timestreamName.MatchString(name) {
			return "must be 3-256 characters of a-z, A-Z, 0-9, '_', '.' and '-'"
		}
	case "CloudFormation":
		if !cfnName.MatchString(name) {
			return "must be a letter followed by up to 127 letters, digits and hyphens"
		}
	case "S3":
		return limits.BucketName(name)
	}
	return ""
}

// Point-in-time keys: a restore of a continuous recovery point goes to the
// time RestoreTime or RestoreToTime names (RFC 3339), or with
// UseLatestRestorableTime "true" to the latest restorable time. They follow
// the RDS APIs AWS Backup calls: RestoreDBInstanceToPointInTime (RestoreTime,
// UseLatestRestorableTime) for DB instances and
// RestoreDBClusterToPointInTime (RestoreToTime, UseLatestRestorableTime) for
// clusters; keys compare case-insensitively (Get).
const (
	RestoreTime             = "restoreTime"
	RestoreToTime           = "restoreToTime"
	UseLatestRestorableTime = "useLatestRestorableTime"
)

// PointInTime reads md's point-in-time keys: the time to restore to, or
// latest for UseLatestRestorableTime; set is false when md has none of
// them. reason says what is wrong with them, or is "".
func PointInTime(md map[string]string) (at time.Time, latest, set bool, reason string) {
	if v, ok := Get(md, UseLatestRestorableTime); ok {
		set = true
		switch strings.ToLower(v) {
		case "true":
			latest = true
		case "false":
		default:
			return time.Time{}, false, true, UseLatestRestorableTime + ` must be "true" or "false"`
		}
	}
	for _, k := range []string{RestoreTime, RestoreToTime} {
		v, ok := Get(md, k)
		if !ok {
			continue
		}
		if latest {
			return time.Time{}, false, true, k + " and " + UseLatestRestorableTime + " exclude each other"
		}
		if !at.IsZero() {
			return time.Time{}, false, true, RestoreTime + " and " + RestoreToTime + " exclude each other"
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return time.Time{}, false, true, k + " must be a time such as 2026-03-02T09:30:00Z"
		}
		at, set = t, true
	}
	return at, latest, set, ""
}
