package automation

import (
	"strings"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/restore"
)

// templateAccount stands for the deploying account while compliance
// builds the restore and backup roles (it wants a concrete account id);
// the template turns it into ${AWS::AccountId}.
const templateAccount = "000000000000"

// DrillTypes are the resource types the template's roles serve: those
// with both a compliance role grant and a built-in restore handler.
var drillTypes = []backup.ResourceType{backup.Aurora, backup.DynamoDB, backup.EBS, backup.EC2, backup.EFS, backup.FSx, backup.RDS}

func allow(sid string, actions []string, resources ...string) compliance.Statement {
	return compliance.Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

func policy(stmts ...compliance.Statement) compliance.PolicyDocument {
	return compliance.PolicyDocument{Version: "2012-10-17", Statement: stmts}
}

// trust lets one AWS service assume a role on behalf of this account only.
func trust(service string) compliance.PolicyDocument {
	return policy(compliance.Statement{
		Sid:       "Assume",
		Effect:    "Allow",
		Principal: map[string]compliance.StringList{"Service": {service}},
		Action:    compliance.StringList{"sts:AssumeRole"},
		Condition: map[string]map[string]compliance.StringList{"StringEquals": {"aws:SourceAccount": {"${AWS::AccountId}"}}},
	})
}

const (
	arnStates   = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}"
	arnBackup   = "arn:${AWS::Partition}:backup:${AWS::Region}:${AWS::AccountId}"
	arnBucket   = "arn:${AWS::Partition}:s3:::${ReportBucket}"
	arnFunction = "${Function.Arn}"
)

// passRoles lets a principal hand the drill's backup and restore roles to
// AWS Backup, and nothing else.
func passRoles() compliance.Statement {
	return compliance.Statement{
		Sid: "PassDrillRolesToBackup", Effect: "Allow", Action: compliance.StringList{"iam:PassRole"},
		Resource:  compliance.StringList{"${RestoreRole.Arn}", "${BackupRole.Arn}"},
		Condition: map[string]map[string]compliance.StringList{"StringEquals": {"iam:PassedToService": {"backup.amazonaws.com"}}},
	}
}

// stateMachinePolicy is what the drill and sweep workflows call: the AWS
// Backup actions of their Tasks, their own function, the report bucket's
// objects, the topic, their Distributed Map child executions, and passing
// the drill roles to AWS Backup.
func stateMachinePolicy(o Options, machines ...string) compliance.PolicyDocument {
	var own, execs []string
	for _, m := range machines {
		own = append(own, arnStates+":stateMachine:"+m)
		execs = append(execs, arnStates+":execution:"+m+"/*", arnStates+":execution:"+m+":*")
	}
	stmts := []compliance.Statement{
		allow("BackupDrillCalls", []string{"backup:GetRecoveryPointRestoreMetadata", "backup:PutRestoreValidationResult",
			"backup:StartBackupJob", "backup:StartRestoreJob"}, "*"),
		passRoles(),
		allow("InvokeDrillFunction", []string{"lambda:InvokeFunction"}, arnFunction, arnFunction+":*"),
		allow("ReportObjects", []string{"s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"}, arnBucket+"/*"),
		allow("PublishSummary", []string{"sns:Publish"}, "${Topic}"),
		allow("DistributedMapChildren", []string{"states:StartExecution"}, own...),
		allow("DistributedMapRuns", []string{"states:DescribeExecution", "states:StopExecution"}, execs...),
	}
	if o.CrossAccount {
		stmts = append(stmts, allow("AssumeTargetAccountRoles", []string{"sts:AssumeRole"}, "arn:${AWS::Partition}:iam::*:role/${CrossAccountRoleName}"))
	}
	return policy(stmts...)
}

// remediatePolicy is what the remediation workflow calls (the function
// describes the restarted job).
func remediatePolicy() compliance.PolicyDocument {
	return policy(
		allow("InvokeRemediator", []string{"lambda:InvokeFunction"}, arnFunction, arnFunction+":*"),
		allow("PublishOutcome", []string{"sns:Publish"}, "${Topic}"),
	)
}

// functionPolicy is what the Lambda steps call: the job polls (describe
// backup, restore and copy jobs), the restore package's drill (listing
// recovery points, describing and re-sending its own restore starts), its per-type handlers (read, tag, delete restored
// resources: deletes of EC2 resources only when they carry the drill
// tag), the remediator, the report bucket and the topic.
func functionPolicy(o Options) compliance.PolicyDocument {
	tagged := map[string]map[string]compliance.StringList{"Null": {"aws:ResourceTag/" + restore.DrillTagKey: {"false"}}}
	stmts := []compliance.Statement{
		allow("Logs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${AWS::StackName}-*:*"),
		allow("LogGroup", []string{"logs:CreateLogGroup"}, "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${AWS::StackName}-*"),
		allow("DrillReads", []string{"backup:DescribeBackupJob", "backup:DescribeCopyJob", "backup:DescribeRestoreJob", "backup:ListBackupJobs", "backup:ListCopyJobs",
			"backup:ListRecoveryPointsByBackupVault", "backup:ListRecoveryPointsByResource"}, "*"),
		allow("RestartAndResend", []string{"backup:StartBackupJob", "backup:StartCopyJob", "backup:StartRestoreJob"}, "*"),
		passRoles(),
		allow("Describe", []string{"dynamodb:DescribeTable", "dynamodb:ListTagsOfResource", "ec2:DescribeInstances", "ec2:DescribeVolumes",
			"elasticfilesystem:DescribeFileSystems", "fsx:DescribeFileSystems", "fsx:ListTagsForResource", "rds:DescribeDBClusters",
			"rds:DescribeDBInstances", "rds:ListTagsForResource"}, "*"),
		allow("TagRestored", []string{"dynamodb:TagResource", "ec2:CreateTags", "elasticfilesystem:TagResource", "fsx:TagResource", "rds:AddTagsToResource"}, "*"),
		{Sid: "DeleteTaggedEC2", Effect: "Allow", Action: compliance.StringList{"ec2:DeleteVolume", "ec2:TerminateInstances"}, Resource: compliance.StringList{"*"}, Condition: tagged},
		allow("DeleteRestored", []string{"dynamodb:DeleteTable", "elasticfilesystem:DeleteFileSystem", "fsx:DeleteFileSystem", "rds:DeleteDBCluster", "rds:DeleteDBInstance"}, "*"),
		allow("S3Restored", []string{"s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetBucketTagging", "s3:ListBucket",
			"s3:ListBucketVersions", "s3:PutBucketTagging"}, "arn:${AWS::Partition}:s3:::bkdrill-*", "arn:${AWS::Partition}:s3:::bkdrill-*/*"),
		allow("ReportBucket", []string{"s3:ListBucket"}, arnBucket),
		allow("ReportObjects", []string{"s3:GetObject", "s3:PutObject"}, arnBucket+"/*"),
		allow("Notify", []string{"sns:Publish"}, "${Topic}"),
	}
	if o.CrossAccount {
		stmts = append(stmts, allow("AssumeTargetAccountRoles", []string{"sts:AssumeRole"}, "arn:${AWS::Partition}:iam::*:role/${CrossAccountRoleName}"))
	}
	return policy(stmts...)
}

// serviceRole is a role that one AWS service assumes, with one inline
// policy, as a CloudFormation resource.
func serviceRole(service string, perms compliance.PolicyDocument) Resource {
	return Resource{Type: "AWS::IAM::Role", Properties: map[string]any{
		"AssumeRolePolicyDocument": sub(trust(service)),
		"Policies":                 []any{map[string]any{"PolicyName": "backupkit", "PolicyDocument": sub(perms)}},
	}}
}

// backupServiceRole is compliance's generated restore or backup role for
// the drill types, with its trust and permissions made account-neutral.
func backupServiceRole(restoreRole bool) (Resource, error) {
	build := compliance.BackupRole
	if restoreRole {
		build = compliance.RestoreRole
	}
	r, err := build(drillTypes, func(o *compliance.RoleOptions) {
		o.AccountID, o.Partition, o.Region = templateAccount, "${AWS::Partition}", "${AWS::Region}"
	})
	if err != nil {
		return Resource{}, err
	}
	return Resource{Type: "AWS::IAM::Role", Properties: map[string]any{
		"AssumeRolePolicyDocument": sub(r.Trust),
		"Policies":                 []any{map[string]any{"PolicyName": "backupkit", "PolicyDocument": sub(r.Permissions)}},
	}}, nil
}

// sub turns a policy document into template JSON: every string naming
// ${…} (pseudo parameters, resources, the stand-in account) becomes an
// Fn::Sub.
func sub(doc compliance.PolicyDocument) any {
	var v any
	mustRoundTrip(doc.JSON(), &v)
	return subStrings(v)
}

func subStrings(v any) any {
	switch x := v.(type) {
	case string:
		s := strings.ReplaceAll(x, templateAccount, "${AWS::AccountId}")
		if strings.Contains(s, "${") {
			return map[string]any{"Fn::Sub": s}
		}
		return s
	case []any:
		for i := range x {
			x[i] = subStrings(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = subStrings(x[k])
		}
		return x
	}
	return v
}
