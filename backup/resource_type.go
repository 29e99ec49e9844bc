package backup

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/backupkit/backupkit/internal/arntype"
)

// ResourceType is an AWS Backup resource type string, exactly as AWS Backup
// spells it in ResourceType fields and ByResourceType filters
// (GetSupportedResourceTypes).
type ResourceType string

// The resource types AWS Backup supports.
const (
	Aurora         ResourceType = "Aurora"
	CloudFormation ResourceType = "CloudFormation"
	DocumentDB     ResourceType = "DocumentDB"
	DynamoDB       ResourceType = "DynamoDB"
	EBS            ResourceType = "EBS"
	EC2            ResourceType = "EC2"
	EFS            ResourceType = "EFS"
	EKS            ResourceType = "EKS"
	FSx            ResourceType = "FSx"
	Neptune        ResourceType = "Neptune"
	RDS            ResourceType = "RDS"
	Redshift       ResourceType = "Redshift"
	S3             ResourceType = "S3"
	SAPHANA        ResourceType = "SAP HANA on Amazon EC2"
	StorageGateway ResourceType = "Storage Gateway"
	Timestream     ResourceType = "Timestream"
	VirtualMachine ResourceType = "VirtualMachine"
	// AuroraDSQL and RedshiftServerless are newer than the SDK model's
	// list of GetSupportedResourceTypes; their strings follow the AWS
	// Backup console (see internal/arntype).
	AuroraDSQL         ResourceType = arntype.AuroraDSQL
	RedshiftServerless ResourceType = arntype.RedshiftServerless
)

// ResourceTypes returns every resource type AWS Backup supports, in the
// order of the GetSupportedResourceTypes documentation, then the newer
// ones. Each call returns a new slice.
func ResourceTypes() []ResourceType {
	var out []ResourceType
	for _, t := range arntype.Types() {
		out = append(out, ResourceType(t))
	}
	return out
}

// String returns the AWS spelling of the type.
func (t ResourceType) String() string { return string(t) }

// Valid reports whether t is one of the types AWS Backup supports. The
// comparison is exact except for "FSX", which some AWS documents use.
func (t ResourceType) Valid() bool {
	_, err := ParseResourceType(string(t))
	return err == nil
}

// ParseResourceType returns the ResourceType for s, accepting the exact AWS
// spelling and, case-insensitively, the same names (so "ebs" and "FSX"
// work).
func ParseResourceType(s string) (ResourceType, error) {
	for _, t := range ResourceTypes() {
		if strings.EqualFold(s, string(t)) {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown AWS Backup resource type %q", s)
}

// UnsupportedResourceError reports an ARN whose service or resource is not
// one AWS Backup can protect.
type UnsupportedResourceError struct {
	ARN    string
	Reason string
}

func (e *UnsupportedResourceError) Error() string {
	return fmt.Sprintf("resource %s is not supported by AWS Backup: %s", e.ARN, e.Reason)
}

// ResourceTypeFromARN returns the AWS Backup resource type of a resource
// ARN, parsed with the SDK's aws/arn package.
//
// Mapping: ec2 volume → EBS, ec2 instance → EC2, rds db → RDS, rds cluster →
// Aurora, dynamodb table, elasticfilesystem file-system, fsx file-system or
// volume, s3 bucket (arn:aws:s3:::name), storagegateway volume (or gateway),
// redshift cluster, timestream table or database, cloudformation stack,
// backup-gateway vm → VirtualMachine, ssm-sap HANA database → SAP HANA on
// Amazon EC2, eks cluster, dsql cluster → Aurora DSQL, redshift-serverless
// namespace → Redshift Serverless.
//
// Ambiguity: Amazon DocumentDB and Amazon Neptune clusters use the RDS
// cluster ARN format (arn:aws:rds:…:cluster:name), so an ARN alone cannot
// tell them apart from Aurora. ResourceTypeFromARN reports Aurora for every
// rds cluster ARN; callers that know the engine (DescribeDBClusters) should
// use DocumentDB or Neptune instead.
func ResourceTypeFromARN(resourceARN string) (ResourceType, error) {
	a, err := arn.Parse(resourceARN)
	if err != nil {
		return "", &UnsupportedResourceError{ARN: resourceARN, Reason: err.Error()}
	}
	t, ok := arntype.Of(a)
	if !ok {
		return "", &UnsupportedResourceError{ARN: resourceARN, Reason: fmt.Sprintf("no AWS Backup resource type for %s resource %q", a.Service, a.Resource)}
	}
	return ResourceType(t), nil
}
