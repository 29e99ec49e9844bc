package backup

import (
	"errors"
	"testing"
)

func TestResourceTypeFromARN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		arn  string
		want ResourceType
	}{
		{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0", EBS},
		{"arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0", EC2},
		{"arn:aws:rds:us-east-1:123456789012:db:orders", RDS},
		{"arn:aws:rds:us-east-1:123456789012:cluster:aurora-1", Aurora},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/Orders", DynamoDB},
		{"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-12345678", EFS},
		{"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0", FSx},
		{"arn:aws:fsx:us-east-1:123456789012:volume/fs-0123/fsvol-0123", FSx},
		{"arn:aws:s3:::my-bucket", S3},
		{"arn:aws:storagegateway:us-east-1:123456789012:gateway/sgw-12A3456B/volume/vol-1122AABB", StorageGateway},
		{"arn:aws:redshift:us-east-1:123456789012:cluster:analytics", Redshift},
		{"arn:aws:timestream:us-east-1:123456789012:database/db1/table/t1", Timestream},
		{"arn:aws:cloudformation:us-east-1:123456789012:stack/app/1a2b3c4d-5e6f", CloudFormation},
		{"arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-0123456789abcdef0", VirtualMachine},
		{"arn:aws:ssm-sap:us-east-1:123456789012:HANA/app1/DB/HDB", SAPHANA},
		{"arn:aws:eks:us-east-1:123456789012:cluster/prod", EKS},
		// Aurora DSQL User Guide, "Backup and restore for Amazon Aurora DSQL".
		{"arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz", AuroraDSQL},
		{"arn:aws:redshift-serverless:us-east-1:123456789012:namespace/0123", RedshiftServerless},
		{"arn:aws-us-gov:ec2:us-gov-west-1:123456789012:volume/vol-1", EBS},
		{"arn:aws-cn:dynamodb:cn-north-1:123456789012:table/T", DynamoDB},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			t.Parallel()
			got, err := ResourceTypeFromARN(tt.arn)
			if err != nil {
				t.Fatalf("ResourceTypeFromARN(%q) error: %v", tt.arn, err)
			}
			if got != tt.want {
				t.Errorf("ResourceTypeFromARN(%q) = %q; want %q", tt.arn, got, tt.want)
			}
		})
	}
}

func TestResourceTypeFromARNUnsupported(t *testing.T) {
	t.Parallel()
	for _, a := range []string{
		"",
		"not-an-arn",
		"arn:aws:ec2:us-east-1:123456789012:snapshot/snap-1",
		"arn:aws:s3:::bucket/key.txt",
		"arn:aws:sqs:us-east-1:123456789012:queue",
		"arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2020",
		"arn:aws:rds:us-east-1:123456789012:snapshot:s1",
	} {
		_, err := ResourceTypeFromARN(a)
		var ue *UnsupportedResourceError
		if !errors.As(err, &ue) {
			t.Errorf("ResourceTypeFromARN(%q) error = %v; want *UnsupportedResourceError", a, err)
		}
	}
}

func TestParseResourceType(t *testing.T) {
	t.Parallel()
	for _, rt := range ResourceTypes() {
		got, err := ParseResourceType(string(rt))
		if err != nil || got != rt {
			t.Errorf("ParseResourceType(%q) = %q, %v; want %q", rt, got, err, rt)
		}
		if !rt.Valid() {
			t.Errorf("%q.Valid() = false; want true", rt)
		}
	}
	if got, err := ParseResourceType("FSX"); err != nil || got != FSx {
		t.Errorf(`ParseResourceType("FSX") = %q, %v; want FSx`, got, err)
	}
	if _, err := ParseResourceType("Lambda"); err == nil {
		t.Error(`ParseResourceType("Lambda") error = nil; want error`)
	}
	if len(ResourceTypes()) != 19 {
		t.Errorf("len(ResourceTypes()) = %d; want 19", len(ResourceTypes()))
	}
}
