package compliance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/iampolicy"
)

// PolicyDocument is an IAM policy document (identity, trust or resource
// policy) in the JSON shape IAM accepts.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a [PolicyDocument]. Action, Resource and the
// condition values accept either a JSON string or an array when parsed.
type Statement struct {
	Sid       string                           `json:"Sid,omitempty"`
	Effect    string                           `json:"Effect"`
	Principal map[string]StringList            `json:"Principal,omitempty"`
	Action    StringList                       `json:"Action,omitempty"`
	NotAction StringList                       `json:"NotAction,omitempty"`
	Resource  StringList                       `json:"Resource,omitempty"`
	Condition map[string]map[string]StringList `json:"Condition,omitempty"`
}

// StringList is a JSON value that IAM lets be one string or an array of
// strings. It marshals a single element as a plain string.
type StringList []string

// UnmarshalJSON accepts "x" or ["x","y"].
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = StringList{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*l = ss
	return nil
}

// MarshalJSON writes a single element as a string, several as an array.
func (l StringList) MarshalJSON() ([]byte, error) {
	if len(l) == 1 {
		return json.Marshal(l[0])
	}
	return json.Marshal([]string(l))
}

// JSON renders the document as indented JSON, ready for
// iam:CreateRole/PutRolePolicy.
func (d PolicyDocument) JSON() []byte {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil { // only maps of strings: cannot fail
		panic(err)
	}
	return b
}

// ParsePolicyDocument parses an IAM policy document.
func ParsePolicyDocument(b []byte) (PolicyDocument, error) {
	var d PolicyDocument
	if err := json.Unmarshal(b, &d); err != nil {
		return PolicyDocument{}, fmt.Errorf("parse policy document: %w", err)
	}
	return d, nil
}

// Actions returns the sorted, de-duplicated actions that Allow statements of
// the document grant (as written: wildcards stay wildcards).
func (d PolicyDocument) Actions() []string {
	set := map[string]bool{}
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range s.Action {
			set[a] = true
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// ActionMatches reports whether the IAM action pattern (which may contain
// the wildcards * and ?) matches action. Like IAM, the comparison ignores
// case: "ec2:Describe*" matches "ec2:DescribeVolumes" and "EC2:describevolumes".
func ActionMatches(pattern, action string) bool {
	return iampolicy.MatchAction(pattern, action)
}

// AllowsAction reports whether any of the patterns grants action.
func AllowsAction(patterns []string, action string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return ActionMatches(p, action) })
}

// RoleOptions tune [BackupRole] and [RestoreRole].
type RoleOptions struct {
	// AccountID is the account that owns the role and the resources; it goes
	// into the trust policy's aws:SourceAccount condition and every scoped
	// resource ARN. Required.
	AccountID string
	// Partition of the ARNs. Default "aws".
	Partition string
	// Region scopes resource ARNs to one Region. Default "*" (every Region).
	Region string
	// RoleName names the role in the iam:PassRole policy. Default
	// "AWSBackupKitBackupRole" or "AWSBackupKitRestoreRole".
	RoleName string
	// Copies grants what copy jobs need (copying snapshots and images,
	// sharing them with the destination account, CopyInto/FromBackupVault).
	// Default false: a role for plans without copy actions.
	Copies bool
	// TagSelections grants tag:GetResources, which AWS Backup needs to
	// resolve tag-based selections. Default true.
	TagSelections bool
	// EC2InstanceRoleARN, for a restore role that restores EC2 instances with
	// an instance profile, lets the role pass exactly that role to EC2
	// (iam:PassRole with iam:PassedToService ec2.amazonaws.com). AWS's
	// managed restore policy does not grant iam:PassRole at all; AWS documents
	// it as an addition for this case.
	EC2InstanceRoleARN string
}

// Role is a generated IAM role for AWS Backup: its trust policy, its
// permissions policy, and the policy a deploying principal needs to pass the
// role to AWS Backup.
type Role struct {
	Name string
	// Types are the AWS Backup resource types the role serves, sorted.
	Types []backup.ResourceType
	// Restore is true for a restore role.
	Restore bool
	// Trust lets backup.amazonaws.com assume the role, only on behalf of
	// AccountID (aws:SourceAccount).
	Trust PolicyDocument
	// Permissions is the role's inline permissions policy.
	Permissions PolicyDocument
	// PassRole is the policy for the principal that creates backup
	// selections or starts jobs: iam:PassRole on this role only, only to
	// AWS Backup (iam:PassedToService = backup.amazonaws.com).
	PassRole PolicyDocument
}

// IAMResourceTypes returns the resource types [BackupRole] and
// [RestoreRole] know (a new slice on each call).
func IAMResourceTypes() []backup.ResourceType {
	return []backup.ResourceType{backup.Aurora, backup.DynamoDB, backup.EBS, backup.EC2, backup.EFS, backup.FSx, backup.RDS, backup.S3}
}

func joinTypes(ts []backup.ResourceType) string {
	ss := make([]string, len(ts))
	for i, t := range ts {
		ss[i] = string(t)
	}
	return strings.Join(ss, ", ")
}

// grant is one permission a resource type needs: actions on resources
// (ARN templates with {p} partition, {r} Region, {a} account) and an optional
// condition.
type grant struct {
	sid       string
	actions   []string
	resources []string // "*" when the actions do not support resource-level permissions
	cond      map[string]map[string]StringList
	copies    bool // only with RoleOptions.Copies
}

var (
	condSourceResourceTag = map[string]map[string]StringList{"Null": {"aws:ResourceTag/aws:backup:source-resource": {"false"}}}
	condGrantForAWS       = map[string]map[string]StringList{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}
)

func viaService(svcs ...string) map[string]map[string]StringList {
	var l StringList
	for _, s := range svcs {
		l = append(l, s+".*.amazonaws.com")
	}
	return map[string]map[string]StringList{"StringLike": {"kms:ViaService": l}}
}

const (
	arnSnapshot      = "arn:{p}:ec2:{r}::snapshot/*"
	arnVolume        = "arn:{p}:ec2:{r}:{a}:volume/*"
	arnInstance      = "arn:{p}:ec2:{r}:{a}:instance/*"
	arnImage         = "arn:{p}:ec2:{r}::image/*"
	arnDB            = "arn:{p}:rds:{r}:{a}:db:*"
	arnDBSnapshot    = "arn:{p}:rds:{r}:{a}:snapshot:awsbackup:*"
	arnCluster       = "arn:{p}:rds:{r}:{a}:cluster:*"
	arnClusterSnap   = "arn:{p}:rds:{r}:{a}:cluster-snapshot:awsbackup:*"
	arnTable         = "arn:{p}:dynamodb:{r}:{a}:table/*"
	arnTableBackup   = "arn:{p}:dynamodb:{r}:{a}:table/*/backup/*"
	arnEFS           = "arn:{p}:elasticfilesystem:{r}:{a}:file-system/*"
	arnFSx           = "arn:{p}:fsx:{r}:{a}:file-system/*"
	arnFSxBackup     = "arn:{p}:fsx:{r}:{a}:backup/*"
	arnKey           = "arn:{p}:kms:{r}:{a}:key/*"
	arnVault         = "arn:{p}:backup:{r}:{a}:backup-vault:*"
	arnVaultAnyAcct  = "arn:{p}:backup:*:*:backup-vault:*"
	arnRecoveryPoint = "arn:{p}:backup:{r}:{a}:recovery-point:*"
	arnBucket        = "arn:{p}:s3:::*"
	arnObject        = "arn:{p}:s3:::*/*"
	arnBackupRule    = "arn:{p}:events:{r}:{a}:rule/AwsBackupManagedRule*"
)

// backupGrants lists, per resource type, what a backup job needs. Each
// action is one AWS's managed AWSBackupServiceRolePolicyForBackup grants.
var backupGrants = map[backup.ResourceType][]grant{
	"EBS": {
		{sid: "EBSSnapshot", actions: []string{"ec2:CreateSnapshot"}, resources: []string{arnVolume, arnSnapshot}},
		{sid: "EBSSnapshotManage", actions: []string{"ec2:CreateTags", "ec2:DeleteSnapshot"}, resources: []string{arnSnapshot}},
		{sid: "EBSDescribe", actions: []string{"ec2:DescribeSnapshots", "ec2:DescribeVolumes"}, resources: []string{"*"}},
		{sid: "EBSKMS", actions: []string{"kms:GenerateDataKeyWithoutPlaintext"}, resources: []string{arnKey}, cond: viaService("ec2")},
		{sid: "EBSCopy", actions: []string{"ec2:CopySnapshot"}, resources: []string{arnSnapshot}, copies: true},
		{sid: "EBSShare", actions: []string{"ec2:ModifySnapshotAttribute"}, resources: []string{arnSnapshot}, cond: condSourceResourceTag, copies: true},
	},
	"EC2": {
		{sid: "EC2Image", actions: []string{"ec2:CreateImage"}, resources: []string{arnInstance, arnImage, arnSnapshot, arnVolume}},
		{sid: "EC2ImageManage", actions: []string{"ec2:DeregisterImage"}, resources: []string{arnImage}},
		{sid: "EC2Tags", actions: []string{"ec2:CreateTags"}, resources: []string{arnImage, arnSnapshot}},
		{sid: "EC2SnapshotDelete", actions: []string{"ec2:DeleteSnapshot"}, resources: []string{arnSnapshot}},
		{sid: "EC2Describe", actions: []string{"ec2:DescribeImages", "ec2:DescribeInstanceAttribute", "ec2:DescribeInstances", "ec2:DescribeSnapshots", "ec2:DescribeTags", "ec2:DescribeVolumes"}, resources: []string{"*"}},
		{sid: "EC2KMS", actions: []string{"kms:GenerateDataKeyWithoutPlaintext"}, resources: []string{arnKey}, cond: viaService("ec2")},
		{sid: "EC2Copy", actions: []string{"ec2:CopyImage"}, resources: []string{arnImage, arnSnapshot}, copies: true},
		{sid: "EC2Share", actions: []string{"ec2:ModifyImageAttribute", "ec2:ModifySnapshotAttribute"}, resources: []string{arnImage, arnSnapshot}, cond: condSourceResourceTag, copies: true},
	},
	"RDS": {
		{sid: "RDSSnapshot", actions: []string{"rds:CreateDBSnapshot"}, resources: []string{arnDB, arnDBSnapshot}},
		{sid: "RDSSnapshotManage", actions: []string{"rds:AddTagsToResource", "rds:DeleteDBSnapshot", "rds:ListTagsForResource"}, resources: []string{arnDB, arnDBSnapshot}},
		{sid: "RDSDescribe", actions: []string{"rds:DescribeDBInstances", "rds:DescribeDBSnapshots"}, resources: []string{arnDB, arnDBSnapshot}},
		{sid: "RDSCopy", actions: []string{"rds:CopyDBSnapshot", "rds:ModifyDBSnapshotAttribute"}, resources: []string{arnDBSnapshot}, copies: true},
	},
	"Aurora": {
		{sid: "AuroraSnapshot", actions: []string{"rds:CreateDBClusterSnapshot"}, resources: []string{arnCluster, arnClusterSnap}},
		{sid: "AuroraSnapshotManage", actions: []string{"rds:AddTagsToResource", "rds:DeleteDBClusterSnapshot", "rds:ListTagsForResource"}, resources: []string{arnCluster, arnClusterSnap}},
		{sid: "AuroraDescribe", actions: []string{"rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusters"}, resources: []string{arnCluster, arnClusterSnap}},
		{sid: "AuroraCopy", actions: []string{"rds:CopyDBClusterSnapshot", "rds:ModifyDBClusterSnapshotAttribute"}, resources: []string{arnClusterSnap}, copies: true},
	},
	"DynamoDB": {
		{sid: "DynamoDBBackup", actions: []string{"dynamodb:CreateBackup", "dynamodb:DescribeTable", "dynamodb:ListTagsOfResource", "dynamodb:StartAwsBackupJob"}, resources: []string{arnTable}},
		{sid: "DynamoDBBackupManage", actions: []string{"dynamodb:DeleteBackup", "dynamodb:DescribeBackup"}, resources: []string{arnTableBackup}},
		{sid: "DynamoDBKMS", actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, resources: []string{arnKey}, cond: viaService("dynamodb")},
	},
	"EFS": {
		{sid: "EFSBackup", actions: []string{"elasticfilesystem:Backup", "elasticfilesystem:DescribeTags"}, resources: []string{arnEFS}},
	},
	"FSx": {
		{sid: "FSxBackup", actions: []string{"fsx:CreateBackup"}, resources: []string{arnFSx, arnFSxBackup}},
		{sid: "FSxDescribe", actions: []string{"fsx:DescribeFileSystems", "fsx:ListTagsForResource"}, resources: []string{arnFSx}},
		{sid: "FSxBackupManage", actions: []string{"fsx:DeleteBackup", "fsx:DescribeBackups", "fsx:TagResource"}, resources: []string{arnFSxBackup}},
		{sid: "FSxCopy", actions: []string{"fsx:CopyBackup"}, resources: []string{arnFSxBackup}, copies: true},
	},
	// S3's actions are those of AWSBackupServiceRolePolicyForS3Backup, which
	// AWS asks to attach beside AWSBackupServiceRolePolicyForBackup. Bucket
	// names are global, so bucket ARNs cannot be scoped to the account.
	backup.S3: {
		{sid: "S3BucketBackup", actions: []string{"s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketNotification", "s3:GetBucketTagging",
			"s3:GetBucketVersioning", "s3:GetInventoryConfiguration", "s3:ListBucket", "s3:ListBucketVersions", "s3:PutBucketNotification",
			"s3:PutInventoryConfiguration"}, resources: []string{arnBucket}},
		{sid: "S3ObjectBackup", actions: []string{"s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersion",
			"s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"}, resources: []string{arnObject}},
		{sid: "S3ListBuckets", actions: []string{"s3:ListAllMyBuckets"}, resources: []string{"*"}},
		{sid: "S3KMS", actions: []string{"kms:Decrypt", "kms:DescribeKey"}, resources: []string{arnKey}, cond: viaService("s3")},
		{sid: "S3BackupRules", actions: []string{"events:DeleteRule", "events:DescribeRule", "events:DisableRule", "events:EnableRule",
			"events:ListTargetsByRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets"}, resources: []string{arnBackupRule}},
		{sid: "S3ListRules", actions: []string{"events:ListRules"}, resources: []string{"*"}},
		{sid: "S3Metrics", actions: []string{"cloudwatch:GetMetricData"}, resources: []string{"*"}},
	},
}

// restoreGrants lists, per resource type, what a restore job needs. Each
// action is one AWS's managed AWSBackupServiceRolePolicyForRestores grants.
var restoreGrants = map[backup.ResourceType][]grant{
	"EBS": {
		{sid: "EBSRestore", actions: []string{"ec2:CreateVolume", "ec2:DeleteVolume"}, resources: []string{arnSnapshot, arnVolume}},
		{sid: "EBSRestoreTags", actions: []string{"ec2:CreateTags"}, resources: []string{arnVolume}, cond: map[string]map[string]StringList{"StringEquals": {"ec2:CreateAction": {"CreateVolume"}}}},
		{sid: "EBSDescribe", actions: []string{"ec2:DescribeSnapshots", "ec2:DescribeVolumes"}, resources: []string{"*"}},
		{sid: "EBSKMS", actions: []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"}, resources: []string{arnKey}, cond: viaService("ec2")},
	},
	"EC2": {
		{sid: "EC2Run", actions: []string{"ec2:RunInstances"}, resources: []string{"*"}},
		{sid: "EC2Terminate", actions: []string{"ec2:TerminateInstances"}, resources: []string{arnInstance}},
		{sid: "EC2RestoreTags", actions: []string{"ec2:CreateTags"}, resources: []string{arnInstance, arnVolume}, cond: map[string]map[string]StringList{"StringEquals": {"ec2:CreateAction": {"RunInstances"}}}},
		{sid: "EC2Describe", actions: []string{"ec2:DescribeAvailabilityZones", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:DescribeSnapshots", "ec2:DescribeSubnets", "ec2:DescribeVpcs"}, resources: []string{"*"}},
		{sid: "EC2KMS", actions: []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"}, resources: []string{arnKey}, cond: viaService("ec2")},
	},
	"RDS": {
		{sid: "RDSRestore", actions: []string{"rds:AddTagsToResource", "rds:DeleteDBInstance", "rds:DescribeDBInstances", "rds:DescribeDBSnapshots", "rds:ListTagsForResource", "rds:RestoreDBInstanceFromDBSnapshot", "rds:RestoreDBInstanceToPointInTime"}, resources: []string{arnDB, arnDBSnapshot, "arn:{p}:rds:{r}:{a}:subgrp:*", "arn:{p}:rds:{r}:{a}:og:*", "arn:{p}:rds:{r}:{a}:pg:*", "arn:{p}:rds:{r}:{a}:secgrp:*"}},
		{sid: "RDSKMS", actions: []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}, resources: []string{arnKey}, cond: viaService("rds")},
	},
	"Aurora": {
		{sid: "AuroraRestore", actions: []string{"rds:AddTagsToResource", "rds:DeleteDBCluster", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusters", "rds:ListTagsForResource", "rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime"}, resources: []string{arnCluster, arnClusterSnap, "arn:{p}:rds:{r}:{a}:subgrp:*", "arn:{p}:rds:{r}:{a}:cluster-pg:*"}},
		{sid: "AuroraInstances", actions: []string{"rds:CreateDBInstance"}, resources: []string{arnDB}},
		{sid: "AuroraKMS", actions: []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}, resources: []string{arnKey}, cond: viaService("rds")},
	},
	"DynamoDB": {
		{sid: "DynamoDBRestore", actions: []string{"dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:RestoreTableFromAwsBackup", "dynamodb:Scan", "dynamodb:UpdateItem"}, resources: []string{arnTable}},
		{sid: "DynamoDBRestoreBackup", actions: []string{"dynamodb:RestoreTableFromBackup"}, resources: []string{arnTableBackup}},
		{sid: "DynamoDBKMS", actions: []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}, resources: []string{arnKey}, cond: viaService("dynamodb")},
	},
	"EFS": {
		{sid: "EFSRestore", actions: []string{"elasticfilesystem:CreateFilesystem", "elasticfilesystem:DeleteFilesystem", "elasticfilesystem:DescribeFilesystems", "elasticfilesystem:Restore", "elasticfilesystem:TagResource"}, resources: []string{arnEFS}},
		{sid: "EFSKMS", actions: []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}, resources: []string{arnKey}, cond: viaService("elasticfilesystem")},
	},
	"FSx": {
		{sid: "FSxRestore", actions: []string{"fsx:CreateFileSystemFromBackup"}, resources: []string{arnFSx, arnFSxBackup}},
		{sid: "FSxRestoreManage", actions: []string{"fsx:DescribeFileSystems", "fsx:TagResource"}, resources: []string{arnFSx}},
		{sid: "FSxDescribeBackups", actions: []string{"fsx:DescribeBackups"}, resources: []string{arnFSxBackup}},
		{sid: "FSxDirectories", actions: []string{"ds:DescribeDirectories"}, resources: []string{"*"}},
	},
	// S3's actions are those of AWSBackupServiceRolePolicyForS3Restore.
	backup.S3: {
		{sid: "S3RestoreBucket", actions: []string{"s3:CreateBucket", "s3:GetBucketLocation", "s3:GetBucketOwnershipControls", "s3:GetBucketVersioning",
			"s3:ListBucket", "s3:ListBucketVersions", "s3:PutBucketOwnershipControls", "s3:PutBucketVersioning"}, resources: []string{arnBucket}},
		{sid: "S3RestoreObjects", actions: []string{"s3:DeleteObject", "s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersion",
			"s3:GetObjectVersionAcl", "s3:ListMultipartUploadParts", "s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging",
			"s3:PutObjectVersionAcl"}, resources: []string{arnObject}},
		{sid: "S3KMS", actions: []string{"kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"}, resources: []string{arnKey}, cond: viaService("s3")},
	},
}

// commonBackupGrants apply to every backup role.
var commonBackupGrants = []grant{
	{sid: "KMSDescribe", actions: []string{"kms:DescribeKey"}, resources: []string{arnKey}},
	{sid: "KMSGrant", actions: []string{"kms:CreateGrant"}, resources: []string{arnKey}, cond: condGrantForAWS},
	{sid: "VaultDescribe", actions: []string{"backup:DescribeBackupVault"}, resources: []string{arnVault}},
	{sid: "CopyIntoVault", actions: []string{"backup:CopyIntoBackupVault"}, resources: []string{arnVaultAnyAcct}, copies: true},
	{sid: "CopyFromVault", actions: []string{"backup:CopyFromBackupVault"}, resources: []string{arnRecoveryPoint}, copies: true},
}

var commonRestoreGrants = []grant{
	{sid: "KMSDescribe", actions: []string{"kms:DescribeKey"}, resources: []string{arnKey}},
	{sid: "KMSGrant", actions: []string{"kms:CreateGrant"}, resources: []string{arnKey}, cond: condGrantForAWS},
}

// BackupRole generates the IAM role AWS Backup assumes to back up resources
// of the given types (AWS Backup spelling: "EBS", "RDS", "DynamoDB", …).
//
// Compared with AWS's managed AWSBackupServiceRolePolicyForBackup, the
// permissions policy grants a strict subset of its actions (only those the
// chosen types need; copy and share actions only with Copies), scopes
// resource ARNs to the account (and Region, when set) wherever the managed
// policy uses "*:*", and never grants an action wildcard. Describe* actions
// that do not support resource-level permissions keep Resource "*".
func BackupRole(types []backup.ResourceType, optFns ...func(*RoleOptions)) (*Role, error) {
	return buildRole(types, false, optFns)
}

// RestoreRole generates the IAM role AWS Backup assumes to restore resources
// of the given types. Compared with AWS's managed
// AWSBackupServiceRolePolicyForRestores, it grants a strict subset of its
// actions, scoped to the account; the only action outside that list is the
// optional iam:PassRole for EC2 instance profiles (see
// RoleOptions.EC2InstanceRoleARN).
func RestoreRole(types []backup.ResourceType, optFns ...func(*RoleOptions)) (*Role, error) {
	return buildRole(types, true, optFns)
}

func buildRole(types []backup.ResourceType, restore bool, optFns []func(*RoleOptions)) (*Role, error) {
	o := RoleOptions{Partition: "aws", Region: "*", TagSelections: true}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.RoleName == "" {
		o.RoleName = "AWSBackupKitBackupRole"
		if restore {
			o.RoleName = "AWSBackupKitRestoreRole"
		}
	}
	var ps problems
	if !isAccountID(o.AccountID) {
		ps.add("AccountID", "must be 12 digits, got %q", o.AccountID)
	}
	if len(types) == 0 {
		ps.add("Types", "at least one resource type is required")
	}
	table := backupGrants
	if restore {
		table = restoreGrants
	}
	seen := map[backup.ResourceType]bool{}
	var norm []backup.ResourceType
	for i, t := range types {
		canon := canonicalType(t)
		if _, ok := table[canon]; !ok {
			ps.add(fmt.Sprintf("Types[%d]", i), "unsupported resource type %q (supported: %s)", t, joinTypes(IAMResourceTypes()))
			continue
		}
		if !seen[canon] {
			seen[canon] = true
			norm = append(norm, canon)
		}
	}
	if o.EC2InstanceRoleARN != "" && (!restore || !seen[backup.EC2]) {
		ps.add("EC2InstanceRoleARN", "only meaningful for a restore role that includes EC2")
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	slices.Sort(norm)
	expand := func(tmpl string) string {
		return strings.NewReplacer("{p}", o.Partition, "{r}", o.Region, "{a}", o.AccountID).Replace(tmpl)
	}
	var stmts []Statement
	addGrants := func(prefix string, gs []grant) {
		for _, g := range gs {
			if g.copies && !o.Copies {
				continue
			}
			var res StringList
			for _, r := range g.resources {
				res = append(res, expand(r))
			}
			stmts = append(stmts, Statement{Sid: prefix + g.sid, Effect: "Allow", Action: slices.Clone(g.actions), Resource: res, Condition: g.cond})
		}
	}
	for _, t := range norm {
		addGrants("", table[t])
	}
	if restore {
		addGrants("", commonRestoreGrants)
		if o.EC2InstanceRoleARN != "" {
			stmts = append(stmts, Statement{Sid: "PassInstanceRole", Effect: "Allow", Action: StringList{"iam:PassRole"}, Resource: StringList{o.EC2InstanceRoleARN},
				Condition: map[string]map[string]StringList{"StringEquals": {"iam:PassedToService": {"ec2.amazonaws.com"}}}})
		}
	} else {
		addGrants("", commonBackupGrants)
		if o.TagSelections {
			stmts = append(stmts, Statement{Sid: "TagSelections", Effect: "Allow", Action: StringList{"tag:GetResources"}, Resource: StringList{"*"}})
		}
	}
	roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", o.Partition, o.AccountID, o.RoleName)
	return &Role{
		Name:    o.RoleName,
		Types:   norm,
		Restore: restore,
		Trust: PolicyDocument{Version: "2012-10-17", Statement: []Statement{{
			Sid:       "AWSBackupAssumeRole",
			Effect:    "Allow",
			Principal: map[string]StringList{"Service": {"backup.amazonaws.com"}},
			Action:    StringList{"sts:AssumeRole"},
			Condition: map[string]map[string]StringList{"StringEquals": {"aws:SourceAccount": {o.AccountID}}},
		}}},
		Permissions: PolicyDocument{Version: "2012-10-17", Statement: stmts},
		PassRole: PolicyDocument{Version: "2012-10-17", Statement: []Statement{{
			Sid:       "PassRoleToAWSBackup",
			Effect:    "Allow",
			Action:    StringList{"iam:PassRole"},
			Resource:  StringList{roleARN},
			Condition: map[string]map[string]StringList{"StringEquals": {"iam:PassedToService": {"backup.amazonaws.com"}}},
		}}},
	}, nil
}

// canonicalType maps case-insensitive spellings ("ebs", "dynamodb") to AWS
// Backup's resource type names.
func canonicalType(t backup.ResourceType) backup.ResourceType {
	t = backup.ResourceType(strings.TrimSpace(string(t)))
	for _, k := range IAMResourceTypes() {
		if strings.EqualFold(string(k), string(t)) {
			return k
		}
	}
	return t
}

// isAccountID is awsid.AccountID: the one account-id rule.
func isAccountID(s string) bool { return awsid.AccountID(s) }

// NeededActions returns the sorted actions a backup (or restore) role for
// the types needs, with or without copies: the yardstick [Lint] measures
// policies against.
func NeededActions(types []backup.ResourceType, restore, copies bool) []string {
	table, common := backupGrants, commonBackupGrants
	if restore {
		table, common = restoreGrants, commonRestoreGrants
	}
	set := map[string]bool{}
	add := func(gs []grant) {
		for _, g := range gs {
			if g.copies && !copies {
				continue
			}
			for _, a := range g.actions {
				set[a] = true
			}
		}
	}
	for _, t := range types {
		add(table[canonicalType(t)])
	}
	add(common)
	if !restore {
		set["tag:GetResources"] = true
	} else if slices.ContainsFunc(types, func(t backup.ResourceType) bool { return canonicalType(t) == backup.EC2 }) {
		set["iam:PassRole"] = true
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
