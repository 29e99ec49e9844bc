package restoremeta

import (
	"strings"
	"testing"
	"time"
)

// TestNameKeyAndStaging is the naming rule of restore metadata: which key
// names the restored resource, per type.
func TestNameKeyAndStaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ     string
		key     string
		staging map[string]string
	}{
		// restoring-rds "Restore with the AWS CLI": DBInstanceIdentifier.
		{"RDS", "DBInstanceIdentifier", map[string]string{"DBInstanceIdentifier": "n"}},
		// restoring-aur: dbClusterIdentifier (DocumentDB and Neptune alike).
		{"Aurora", "dbClusterIdentifier", map[string]string{"dbClusterIdentifier": "n"}},
		{"Neptune", "dbClusterIdentifier", map[string]string{"dbClusterIdentifier": "n"}},
		// restoring-dynamodb: targetTableName.
		{"DynamoDB", "targetTableName", map[string]string{"targetTableName": "n"}},
		// restoring-s3: DestinationBucketName, NewBucket.
		{"S3", "DestinationBucketName", map[string]string{"DestinationBucketName": "n", "NewBucket": "true"}},
		// restoring-redshift: ClusterIdentifier.
		{"Redshift", "ClusterIdentifier", map[string]string{"ClusterIdentifier": "n"}},
		// restoring-timestream: TableName (in DestinationDatabase).
		{"Timestream", "TableName", map[string]string{"TableName": "n"}},
		// restoring-cloudformation: StackName and ChangeSetName.
		{"CloudFormation", "StackName", map[string]string{"StackName": "n", "ChangeSetName": "n"}},
		// restoring-efs: newFileSystem true with a CreationToken.
		{"EFS", "", map[string]string{"newFileSystem": "true", "CreationToken": "n"}},
		// restoring-ebs: a new volume with an AWS-generated id.
		{"EBS", "", nil},
	}
	for _, tt := range tests {
		if got := NameKey(tt.typ); got != tt.key {
			t.Errorf("NameKey(%s) = %q; want %q", tt.typ, got, tt.key)
		}
		got := Staging(tt.typ, "n")
		if len(got) != len(tt.staging) {
			t.Errorf("Staging(%s) = %v; want %v", tt.typ, got, tt.staging)
		}
		for k, v := range tt.staging {
			if got[k] != v {
				t.Errorf("Staging(%s)[%s] = %q; want %q", tt.typ, k, got[k], v)
			}
		}
	}
	if v, ok := Get(map[string]string{"DBClusterIdentifier": "x"}, DBClusterIdentifier); !ok || v != "x" {
		t.Errorf("Get is case-sensitive: got %q, %v", v, ok)
	}
}

// TestCheckName is the rule on names a restore may give.
func TestCheckName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, name string
		ok        bool
	}{
		// RDS CreateDBInstance DBInstanceIdentifier constraints.
		{"RDS", "prod-db-restore", true}, {"RDS", "1db", false}, {"RDS", "db-", false}, {"RDS", "a--b", false},
		{"RDS", "a" + strings.Repeat("b", 62), true}, {"RDS", "a" + strings.Repeat("b", 63), false},
		// Redshift CreateCluster ClusterIdentifier: lowercase.
		{"Redshift", "analytics-1", true}, {"Redshift", "Analytics", false},
		// DynamoDB naming rules: 3-255 of [a-zA-Z0-9_.-].
		{"DynamoDB", "orders.v2", true}, {"DynamoDB", "ab", false}, {"DynamoDB", "a b c", false},
		// Timestream: 3-256.
		{"Timestream", "metrics", true}, {"Timestream", "m", false},
		// CloudFormation stack names.
		{"CloudFormation", "stack-1", true}, {"CloudFormation", "1stack", false},
		// S3 bucket naming rules.
		{"S3", "restored.bucket-1", true}, {"S3", "Restored", false}, {"S3", "a..b", false},
		{"EBS", "anything", true},
	}
	for _, tt := range tests {
		if got := CheckName(tt.typ, tt.name); (got == "") != tt.ok {
			t.Errorf("CheckName(%s, %q) = %q; want ok=%v", tt.typ, tt.name, got, tt.ok)
		}
	}
}

// TestPointInTime reads the point-in-time keys of RDS's point-in-time
// restore APIs (RestoreDBInstanceToPointInTime RestoreTime,
// RestoreDBClusterToPointInTime RestoreToTime, UseLatestRestorableTime),
// which exclude each other there too.
func TestPointInTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		md     map[string]string
		at     time.Time
		latest bool
		set    bool
		bad    bool
	}{
		{"none", map[string]string{"DBInstanceIdentifier": "x"}, time.Time{}, false, false, false},
		{"restoreTime", map[string]string{"restoreTime": "2026-03-02T09:30:00Z"}, at, false, true, false},
		{"RestoreToTime any case", map[string]string{"RestoreToTime": "2026-03-02T09:30:00Z"}, at, false, true, false},
		{"latest", map[string]string{"useLatestRestorableTime": "true"}, time.Time{}, true, true, false},
		{"latest false", map[string]string{"UseLatestRestorableTime": "false"}, time.Time{}, false, true, false},
		{"latest not a bool", map[string]string{"useLatestRestorableTime": "yes"}, time.Time{}, false, true, true},
		{"not a time", map[string]string{"restoreTime": "2026-03-02 09:30"}, time.Time{}, false, true, true},
		{"time and latest", map[string]string{"restoreTime": "2026-03-02T09:30:00Z", "useLatestRestorableTime": "true"}, time.Time{}, false, true, true},
		{"both times", map[string]string{"restoreTime": "2026-03-02T09:30:00Z", "restoreToTime": "2026-03-02T09:30:00Z"}, time.Time{}, false, true, true},
	}
	for _, tc := range tests {
		gotAt, latest, set, reason := PointInTime(tc.md)
		if (reason != "") != tc.bad {
			t.Errorf("%s: reason %q; want bad %v", tc.name, reason, tc.bad)
			continue
		}
		if tc.bad {
			continue
		}
		if !gotAt.Equal(tc.at) || latest != tc.latest || set != tc.set {
			t.Errorf("%s: got (%s, %v, %v); want (%s, %v, %v)", tc.name, gotAt, latest, set, tc.at, tc.latest, tc.set)
		}
	}
}
