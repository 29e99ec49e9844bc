package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), aws.Config{}, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"== backup role AWSBackupKitBackupRole for [EBS RDS]", "== restore role AWSBackupKitRestoreRole", "aws:SourceAccount", "iam:PassedToService", "ec2:CreateSnapshot", "rds:RestoreDBInstanceFromDBSnapshot", "-- lint: 0 findings", "HIGH #0 ec2:*", "iam:PassRole without an iam:PassedToService condition"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Count(s, "-- lint: 0 findings") != 2 {
		t.Errorf("both generated roles should lint clean:\n%s", s)
	}
}
