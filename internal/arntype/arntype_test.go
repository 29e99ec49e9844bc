package arntype

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/backupkit/backupkit/internal/selection"
)

// TestOf is the ARN-to-type rule, one ARN per supported type.
func TestOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		arn, want string
	}{
		// ARN formats from each service's "resource types defined by"
		// page in the Service Authorization Reference.
		{"arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "EBS"},
		{"arn:aws:ec2:us-east-1:123456789012:instance/i-1", "EC2"},
		{"arn:aws:rds:us-east-1:123456789012:db:orders", "RDS"},
		{"arn:aws:rds:us-east-1:123456789012:cluster:orders", "Aurora"},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders", "DynamoDB"},
		{"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1", "EFS"},
		{"arn:aws:fsx:us-east-1:123456789012:file-system/fs-1", "FSx"},
		{"arn:aws:s3:::bucket", "S3"},
		{"arn:aws:storagegateway:us-east-1:123456789012:gateway/sgw-1", "Storage Gateway"},
		{"arn:aws:redshift:us-east-1:123456789012:cluster:dw", "Redshift"},
		{"arn:aws:timestream:us-east-1:123456789012:database/db/table/t", "Timestream"},
		{"arn:aws:cloudformation:us-east-1:123456789012:stack/app/1", "CloudFormation"},
		{"arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-1", "VirtualMachine"},
		{"arn:aws:ssm-sap:us-east-1:123456789012:HANA/app/DB/SYSTEMDB", "SAP HANA on Amazon EC2"},
		{"arn:aws:eks:us-east-1:123456789012:cluster/prod", "EKS"},
		// Aurora DSQL User Guide: arn:aws:dsql:REGION:ACCOUNT:cluster/ID.
		{"arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz", AuroraDSQL},
		// Redshift Serverless namespaces: arn:aws:redshift-serverless:…:namespace/ID.
		{"arn:aws:redshift-serverless:us-east-1:123456789012:namespace/0123", RedshiftServerless},
		{"arn:aws:sqs:us-east-1:123456789012:queue", ""},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/x", ""},
	}
	for _, tt := range tests {
		a, err := arn.Parse(tt.arn)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := Of(a)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Of(%s) = %q, %v; want %q", tt.arn, got, ok, tt.want)
		}
	}
}

// TestPatterns: every type with an ARN of its own has a type-wide pattern,
// the pattern is one AWS accepts, names the type, and matches that type's
// ARNs only.
func TestPatterns(t *testing.T) {
	t.Parallel()
	sample := map[string]string{}
	for _, a := range []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
		"arn:aws:rds:us-east-1:123456789012:db:orders", "arn:aws:rds:us-east-1:123456789012:cluster:orders",
		"arn:aws:dynamodb:us-east-1:123456789012:table/orders", "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
		"arn:aws:fsx:us-east-1:123456789012:file-system/fs-1", "arn:aws:s3:::bucket",
		"arn:aws:storagegateway:us-east-1:123456789012:gateway/sgw-1", "arn:aws:redshift:us-east-1:123456789012:cluster:dw",
		"arn:aws:timestream:us-east-1:123456789012:database/db", "arn:aws:cloudformation:us-east-1:123456789012:stack/app/1",
		"arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-1", "arn:aws:ssm-sap:us-east-1:123456789012:HANA/app",
		"arn:aws:eks:us-east-1:123456789012:cluster/prod", "arn:aws:dsql:us-east-1:123456789012:cluster/abc",
		"arn:aws:redshift-serverless:us-east-1:123456789012:namespace/0123",
	} {
		p, _ := arn.Parse(a)
		typ, _ := Of(p)
		sample[typ] = a
	}
	for _, typ := range Types() {
		p, ok := Pattern(typ)
		if !ok {
			if typ != "DocumentDB" && typ != "Neptune" {
				t.Errorf("Pattern(%s) missing", typ)
			}
			continue
		}
		if reason := selection.CheckPattern(p); reason != "" || !selection.NamesResourceType(p) {
			t.Errorf("Pattern(%s) = %q: %q (names the type: %v)", typ, p, reason, selection.NamesResourceType(p))
		}
		for other, a := range sample {
			if got := selection.MatchARN(p, a); got != (other == typ) {
				t.Errorf("Pattern(%s) = %q matches %s (%s): %v", typ, p, a, other, got)
			}
		}
	}
	if !slices.Contains(Types(), AuroraDSQL) || !slices.Contains(Types(), RedshiftServerless) {
		t.Errorf("Types() = %v; want the newer types too", Types())
	}
}
