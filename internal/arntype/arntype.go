// Package arntype holds AWS Backup's resource types: the list AWS Backup
// supports, the ARN pattern that selects every resource of a type, and the
// mapping from a resource ARN to its type. It is the one source behind
// backup.ResourceTypes, backup.ResourceTypeFromARN, plan's type-wide
// selections, compliance's IAM generation and the backuptest emulator
// (GetSupportedResourceTypes, region settings, inventory), which cannot
// import each other (backup's tests run against backuptest).
package arntype

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Of returns the AWS Backup resource type string ("EBS", "RDS", …) of a
// parsed resource ARN, and false when AWS Backup does not protect that kind
// of resource.
//
// Mapping: ec2 volume → EBS, ec2 instance → EC2, rds db → RDS, rds cluster →
// Aurora (DocumentDB and Neptune clusters share that ARN format), dynamodb
// table, elasticfilesystem file-system, fsx file-system or volume, s3 bucket
// (arn:aws:s3:::name), storagegateway gateway (or its volume), redshift
// cluster, timestream database (or its table), cloudformation stack,
// backup-gateway vm → VirtualMachine, ssm-sap HANA database → SAP HANA on
// Amazon EC2, eks cluster, dsql cluster → Aurora DSQL, redshift-serverless
// namespace → Redshift Serverless.
func Of(a arn.ARN) (string, bool) {
	res := a.Resource
	switch a.Service {
	case "ec2":
		switch {
		case strings.HasPrefix(res, "volume/"):
			return "EBS", true
		case strings.HasPrefix(res, "instance/"):
			return "EC2", true
		}
	case "rds":
		switch {
		case strings.HasPrefix(res, "db:"):
			return "RDS", true
		case strings.HasPrefix(res, "cluster:"):
			return "Aurora", true
		}
	case "dynamodb":
		if strings.HasPrefix(res, "table/") && !strings.Contains(strings.TrimPrefix(res, "table/"), "/") {
			return "DynamoDB", true
		}
	case "elasticfilesystem":
		if strings.HasPrefix(res, "file-system/") {
			return "EFS", true
		}
	case "fsx":
		if strings.HasPrefix(res, "file-system/") || strings.HasPrefix(res, "volume/") {
			return "FSx", true
		}
	case "s3":
		// Bucket ARNs have no Region, no account and no "/".
		if a.Region == "" && a.AccountID == "" && res != "" && !strings.Contains(res, "/") {
			return "S3", true
		}
	case "storagegateway":
		if strings.HasPrefix(res, "gateway/") {
			return "Storage Gateway", true
		}
	case "redshift":
		if strings.HasPrefix(res, "cluster:") {
			return "Redshift", true
		}
	case "timestream":
		if strings.HasPrefix(res, "database/") {
			return "Timestream", true
		}
	case "cloudformation":
		if strings.HasPrefix(res, "stack/") {
			return "CloudFormation", true
		}
	case "backup-gateway":
		if strings.HasPrefix(res, "vm/") {
			return "VirtualMachine", true
		}
	case "ssm-sap":
		if strings.HasPrefix(res, "HANA/") {
			return "SAP HANA on Amazon EC2", true
		}
	case "eks":
		if strings.HasPrefix(res, "cluster/") {
			return "EKS", true
		}
	case "dsql":
		if strings.HasPrefix(res, "cluster/") {
			return AuroraDSQL, true
		}
	case "redshift-serverless":
		if strings.HasPrefix(res, "namespace/") {
			return RedshiftServerless, true
		}
	}
	return "", false
}

// The resource types that are newer than the SDK model's list
// (GetSupportedResourceTypes in service/backup v1.70.0 lists neither):
// AWS Backup protects Aurora DSQL clusters ("Backup and restore for Amazon
// Aurora DSQL", Aurora DSQL User Guide) and Redshift Serverless namespaces.
// Their type strings follow the console's names; they are not yet in the
// SDK's documentation.
const (
	AuroraDSQL         = "Aurora DSQL"
	RedshiftServerless = "Redshift Serverless"
)

// Types returns the resource types AWS Backup supports, in
// GetSupportedResourceTypes' order, followed by the newer ones. Each call
// returns a new slice.
func Types() []string {
	return []string{"Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "EKS", "FSx",
		"Neptune", "RDS", "Redshift", "S3", "SAP HANA on Amazon EC2", "Storage Gateway", "Timestream", "VirtualMachine",
		AuroraDSQL, RedshiftServerless}
}

// Pattern returns the selection pattern that names every resource of type
// t (a resource-type pattern, which backs up regardless of the type's
// opt-in unless the type shares its ARN format: assigning-resources-json),
// and false for types with no ARN of their own (DocumentDB and Neptune use
// rds cluster ARNs, and are selected with Aurora's pattern).
func Pattern(t string) (string, bool) {
	p, ok := map[string]string{
		"EBS":                    "arn:aws:ec2:*:*:volume/*",
		"EC2":                    "arn:aws:ec2:*:*:instance/*",
		"RDS":                    "arn:aws:rds:*:*:db:*",
		"Aurora":                 "arn:aws:rds:*:*:cluster:*",
		"DynamoDB":               "arn:aws:dynamodb:*:*:table/*",
		"EFS":                    "arn:aws:elasticfilesystem:*:*:file-system/*",
		"FSx":                    "arn:aws:fsx:*:*:file-system/*",
		"S3":                     "arn:aws:s3:::*",
		"Redshift":               "arn:aws:redshift:*:*:cluster:*",
		"Storage Gateway":        "arn:aws:storagegateway:*:*:gateway/*",
		"Timestream":             "arn:aws:timestream:*:*:database/*",
		"CloudFormation":         "arn:aws:cloudformation:*:*:stack/*",
		"VirtualMachine":         "arn:aws:backup-gateway:*:*:vm/*",
		"SAP HANA on Amazon EC2": "arn:aws:ssm-sap:*:*:HANA/*",
		"EKS":                    "arn:aws:eks:*:*:cluster/*",
		AuroraDSQL:               "arn:aws:dsql:*:*:cluster/*",
		RedshiftServerless:       "arn:aws:redshift-serverless:*:*:namespace/*",
	}[t]
	return p, ok
}
