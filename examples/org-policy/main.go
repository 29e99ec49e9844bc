// Command org-policy turns a backup plan into an AWS Organizations backup
// policy (BACKUP_POLICY), prepares the organization (trusted access for
// AWS Backup, the policy type enabled on the root, a delegated
// administrator), attaches the policy to an OU and checks a member
// account's effective policy against the intended one.
//
// By default it runs against an embedded emulator, whose Organizations
// service it seeds through the control API (as it seeds a running one
// with -endpoint URL):
//
//	go run ./examples/org-policy
//	go run ./examples/org-policy -endpoint http://127.0.0.1:4566
//
// -aws uses the default credential chain and the real organization of the
// management account: pass -ou, -member and -admin of your own.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/plan"
)

var (
	ouID          = ""
	memberAccount = "555555555555"
	adminAccount  = "222222222222"
	// orgAPI returns the Organizations client run uses.
	orgAPI = func(cfg aws.Config) compliance.OrganizationsAPI { return organizations.NewFromConfig(cfg) }
)

func main() {
	where := exenv.Register(nil)
	flag.StringVar(&ouID, "ou", ouID, "OU to attach the policy to")
	flag.StringVar(&memberAccount, "member", memberAccount, "member account whose effective policy is checked")
	flag.StringVar(&adminAccount, "admin", adminAccount, "account to register as AWS Backup delegated administrator")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	if env.Emulated() {
		if err := seed(ctx, env); err != nil {
			log.Fatal(err)
		}
	}
	if err := run(ctx, env.Config, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// newFakeOrg builds an organization: root → OU "workloads" with the member
// account, and the delegated administrator account under the root.
// seed gives the emulator's organization (its Organizations service,
// through the control API) an OU holding the member account, and the
// delegated administrator's account under the root.
func seed(ctx context.Context, env *exenv.Env) error {
	if ouID == "" {
		ouID = exampleOU
	}
	return env.Control.SeedOrganization(ctx, backuptest.OrgSpec{
		OUs:      []backuptest.OUSpec{{ID: ouID, Name: "backupkit-example"}},
		Accounts: []backuptest.AccountSpec{{ID: memberAccount, Name: "member", OU: ouID}, {ID: adminAccount, Name: "backup-admin"}},
	})
}

// exampleOU is the OU the emulated organization gets when -ou is not set.
const exampleOU = "ou-root-example1"

func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	oc := compliance.NewOrgClient(orgAPI(cfg))
	setup, err := oc.Setup(ctx, adminAccount)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "organization root %s: BACKUP_POLICY newly enabled %v, delegated admin %s newly registered %v\n",
		setup.RootID, setup.PolicyTypeEnabled, setup.DelegatedAdminAccount, setup.DelegatedAdminAdded)

	p, err := plan.Daily35("org-daily", "Default").Build()
	if err != nil {
		return err
	}
	spec := plan.Spec{
		Plan:    p,
		Regions: []string{"us-east-1", "eu-west-1"},
		Selections: []*plan.Selection{{
			Name:       "backup-daily",
			IAMRole:    "arn:aws:iam::$account:role/AWSBackupKitBackupRole",
			ListOfTags: []plan.TagCondition{{Key: "backup", Value: "daily"}},
		}},
	}
	policy, err := compliance.PolicyFromPlans("backupkit-org-daily", "Daily backups kept 35 days", []string{ouID}, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "policy content:\n%s\n", policy.Content)
	res, err := oc.EnsurePolicy(ctx, policy)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "policy %s %s, newly attached to %v\n", res.PolicyID, res.Change, res.Attached)
	diffs, err := oc.CompareEffectivePolicy(ctx, memberAccount, policy.Content)
	if err != nil {
		return err
	}
	if len(diffs) == 0 {
		fmt.Fprintf(out, "member %s: effective backup policy matches the intended one\n", memberAccount)
	}
	for _, d := range diffs {
		fmt.Fprintf(out, "member %s: %s\n", memberAccount, d)
	}
	return nil
}
