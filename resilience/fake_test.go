package resilience_test

import (
	"time"

	"github.com/backupkit/backupkit/resilience/resiliencetest"
)

const (
	appARN    = "arn:aws:resiliencehub:us-east-1:123456789012:app/shop"
	policyARN = "arn:aws:resiliencehub:us-east-1:123456789012:resiliency-policy/gold"
)

// newHub returns a fake with one app ("shop", policy "gold") whose
// resources are an EBS volume (native id), an RDS instance (native id),
// an S3 bucket (ARN), an excluded DynamoDB table and a Lambda function
// (not protectable by AWS Backup).
func newHub() *resiliencetest.Hub {
	h := &resiliencetest.Hub{}
	h.PutPolicy(policyARN, "gold", "Critical", map[string]resiliencetest.Objective{
		"Software": {RTO: 30 * time.Minute, RPO: 15 * time.Minute},
		"Hardware": {RTO: time.Hour, RPO: time.Hour},
		"AZ":       {RTO: 20 * time.Minute, RPO: 2 * time.Hour},
		"Region":   {RTO: 4 * time.Hour, RPO: 24 * time.Hour},
	})
	h.PutApp(appARN, "shop", policyARN,
		resiliencetest.Resource{Type: "AWS::EC2::Volume", Identifier: "vol-0abc"},
		resiliencetest.Resource{Type: "AWS::RDS::DBInstance", Identifier: "orders"},
		resiliencetest.Resource{Type: "AWS::S3::Bucket", Identifier: "arn:aws:s3:::shop-assets"},
		resiliencetest.Resource{Type: "AWS::DynamoDB::Table", Identifier: "carts", Excluded: true},
		resiliencetest.Resource{Type: "AWS::Lambda::Function", Identifier: "checkout"},
	)
	return h
}
