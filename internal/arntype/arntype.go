// Package arntype maps a resource ARN to its AWS Backup resource type. It is
// the one mapping behind backup.ResourceTypeFromARN and the backuptest
// emulator's inventory, which cannot import each other (backup's tests run
// against backuptest).
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
// Amazon EC2, eks cluster.
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
	}
	return "", false
}
