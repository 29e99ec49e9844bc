package restore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// TestDrillOverTheWire runs the built-in handlers with the services' real
// SDK clients against the emulator over HTTP — the code path users run
// against AWS — for every type they serve, with resources that take time
// to delete (as RDS, DynamoDB, EFS and FSx do) so cleanup polls until each
// is gone.
func TestDrillOverTheWire(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *backuptest.Options) {
		o.JobDuration = 20 * time.Minute
		o.DeleteDuration = 5 * time.Minute
	})
	cfg := e.srv.Config()
	e.client = e.clientOver(e.api, func(o *restore.Options) {
		o.Services = restore.Services{
			EC2: ec2.NewFromConfig(cfg), RDS: rds.NewFromConfig(cfg), DynamoDB: dynamodb.NewFromConfig(cfg),
			EFS: efs.NewFromConfig(cfg), FSx: fsx.NewFromConfig(cfg), S3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		}
	})
	res := append(demoResources("wire"),
		backuptest.Resource{ARN: fmt.Sprintf("arn:aws:rds:%s:%s:cluster:ledger-wire", region, acct), Type: "Aurora", Attributes: map[string]string{"engine": "aurora-postgresql"}},
		backuptest.Resource{ARN: fmt.Sprintf("arn:aws:fsx:%s:%s:file-system/fs-wire", region, acct), SizeBytes: 32 << 30, Attributes: map[string]string{"fileSystemType": "WINDOWS"}},
	)
	e.seed(t, res...)
	before := len(e.srv.Calls())
	rep, err := e.client.Run(t.Context(), &restore.Drill{ID: "drill-wire", Vault: testVault, AllInVault: true, Concurrency: 8})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if !rep.Passed || rep.Summary.Passed != len(res) {
		t.Fatalf("report passed=%v summary=%+v; want all %d passed%s", rep.Passed, rep.Summary, len(res), describeTargets(rep))
	}
	for _, r := range e.srv.Resources() {
		if r.CreatedBy != "" {
			t.Errorf("restored resource %s left behind", r.ARN)
		}
	}
	wire := map[string]bool{}
	for _, c := range e.srv.Calls()[before:] {
		if c.Service != "" {
			wire[c.Service+" "+c.Operation] = true
		}
	}
	for _, op := range []string{"ec2 DescribeVolumes", "ec2 TerminateInstances", "rds DeleteDBInstance", "rds DeleteDBCluster",
		"dynamodb DeleteTable", "elasticfilesystem DeleteFileSystem", "fsx DeleteFileSystem", "s3 DeleteBucket"} {
		if !wire[op] {
			t.Errorf("no %s over the wire during the drill (saw %v)", op, wire)
		}
	}
	if e.fakes.CallCount() != 0 {
		t.Errorf("the in-process fakes answered %d calls; want none, all went over HTTP", e.fakes.CallCount())
	}
}
