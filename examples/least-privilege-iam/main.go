// Command least-privilege-iam prints the least-privilege backup and
// restore roles for EBS + RDS: trust policies for backup.amazonaws.com
// limited by aws:SourceAccount, permissions that are a strict subset of
// AWS's managed AWSBackupServiceRolePolicyForBackup / ForRestores, and the
// iam:PassRole policy a deployer needs (limited to backup.amazonaws.com).
// It lints each generated policy and a typical over-broad one.
//
//	go run ./examples/least-privilege-iam [-account 123456789012] [-region us-east-1]
//
// Nothing calls AWS: the flags -endpoint and -aws are accepted for
// symmetry with the other examples and ignored.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

var (
	account = "123456789012"
	region  = ""
)

func main() {
	exenv.RegisterOffline(nil)
	flag.StringVar(&account, "account", account, "account id the roles live in")
	flag.StringVar(&region, "region", region, "scope resource ARNs to one Region")
	flag.Parse()
	if err := run(context.Background(), aws.Config{}, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

const broadPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["ec2:*", "rds:*"], "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
  ]
}`

func run(_ context.Context, _ aws.Config, out io.Writer) error {
	types := []backup.ResourceType{backup.EBS, backup.RDS}
	opts := func(o *compliance.RoleOptions) {
		o.AccountID = account
		if region != "" {
			o.Region = region
		}
	}
	for _, gen := range []func([]backup.ResourceType, ...func(*compliance.RoleOptions)) (*compliance.Role, error){compliance.BackupRole, compliance.RestoreRole} {
		role, err := gen(types, opts)
		if err != nil {
			return err
		}
		kind := "backup"
		if role.Restore {
			kind = "restore"
		}
		fmt.Fprintf(out, "== %s role %s for %v: %d actions\n", kind, role.Name, role.Types, len(role.Permissions.Actions()))
		fmt.Fprintf(out, "-- trust policy\n%s\n", role.Trust.JSON())
		fmt.Fprintf(out, "-- permissions policy\n%s\n", role.Permissions.JSON())
		fmt.Fprintf(out, "-- pass-role policy for deployers\n%s\n", role.PassRole.JSON())
		findings := compliance.Lint(role.Permissions, compliance.LintOptions{Types: types, Restore: role.Restore})
		fmt.Fprintf(out, "-- lint: %d findings\n", len(findings))
	}
	doc, err := compliance.ParsePolicyDocument([]byte(broadPolicy))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "== lint of a typical over-broad policy")
	for _, f := range compliance.Lint(doc, compliance.LintOptions{Types: types}) {
		fmt.Fprintln(out, f)
	}
	return nil
}
