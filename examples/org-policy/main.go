// Command org-policy turns a backup plan into an AWS Organizations backup
// policy (BACKUP_POLICY), prepares the organization (trusted access for
// AWS Backup, the policy type enabled on the root, a delegated
// administrator), attaches the policy to an OU and checks a member
// account's effective policy against the intended one.
//
// By default it runs against backuptest's in-process Organizations fake
// (the AWS Backup emulator does not serve Organizations; -endpoint uses the
// fake too):
//
//	go run ./examples/org-policy
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
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/plan"
)

var (
	ouID          = ""
	memberAccount = "111111111111"
	adminAccount  = "222222222222"
	// orgAPI returns the Organizations client run uses.
	orgAPI = func(cfg aws.Config) compliance.OrganizationsAPI { return organizations.NewFromConfig(cfg) }
)

func main() {
	flag.String("endpoint", "", "ignored: the emulator does not serve Organizations; the in-process fake is used")
	useAWS := flag.Bool("aws", false, "use real AWS Organizations through the default credential chain")
	flag.StringVar(&ouID, "ou", ouID, "OU to attach the policy to")
	flag.StringVar(&memberAccount, "member", memberAccount, "member account whose effective policy is checked")
	flag.StringVar(&adminAccount, "admin", adminAccount, "account to register as AWS Backup delegated administrator")
	flag.Parse()
	ctx := context.Background()
	var cfg aws.Config
	if *useAWS {
		c, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			log.Fatal(err)
		}
		cfg = c
	} else {
		fake, err := newFakeOrg()
		if err != nil {
			log.Fatal(err)
		}
		orgAPI = func(aws.Config) compliance.OrganizationsAPI { return fake }
	}
	if err := run(ctx, cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// newFakeOrg builds an organization: root → OU "workloads" with the member
// account, and the delegated administrator account under the root.
func newFakeOrg() (*backuptest.OrgFake, error) {
	fake := backuptest.NewOrgFake()
	ou, err := fake.AddOU(backuptest.OrgRootID)
	if err != nil {
		return nil, err
	}
	ouID = ou
	if err := fake.AddAccount(memberAccount, ou); err != nil {
		return nil, err
	}
	return fake, fake.AddAccount(adminAccount, backuptest.OrgRootID)
}

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
