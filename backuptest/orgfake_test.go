package backuptest_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/backuptest"
)

func TestOrgFakeEffectivePolicy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := backuptest.NewOrgFake()
	ou, err := f.AddOU(backuptest.OrgRootID)
	if err != nil {
		t.Fatal(err)
	}
	child, err := f.AddOU(ou)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.AddAccount("333333333333", child); err != nil {
		t.Fatal(err)
	}
	if err := f.AddAccount("12", ou); err == nil {
		t.Error("short account id: got nil error")
	}
	if _, err := f.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("bad"), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(`{"nope":1}`)}); !errors.As(err, new(*orgtypes.MalformedPolicyDocumentException)) {
		t.Errorf("no plans key: got %v", err)
	}
	mk := func(name, content string) string {
		out, err := f.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String(name), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(content)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Policy.PolicySummary.Id)
	}
	root := mk("root", `{"plans":{"p":{"rules":{"r":{"schedule_expression":{"@@assign":"cron(0 1 ? * * *)"},"target_backup_vault_name":{"@@assign":"root"}}}}}}`)
	deep := mk("deep", `{"plans":{"p":{"rules":{"r":{"target_backup_vault_name":{"@@assign":"child"}}}}}}`)
	if _, err := f.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("root"), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(`{"plans":{}}`)}); !errors.As(err, new(*orgtypes.DuplicatePolicyException)) {
		t.Errorf("duplicate name: got %v", err)
	}
	if _, err := f.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(root), TargetId: aws.String(backuptest.OrgRootID)}); !errors.As(err, new(*orgtypes.PolicyTypeNotEnabledException)) {
		t.Errorf("attach before enabling: got %v", err)
	}
	if _, err := f.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(backuptest.OrgRootID), PolicyType: orgtypes.PolicyTypeBackupPolicy}); err != nil {
		t.Fatal(err)
	}
	for _, a := range [][2]string{{root, backuptest.OrgRootID}, {deep, child}} {
		if _, err := f.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(a[0]), TargetId: aws.String(a[1])}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(deep), TargetId: aws.String(child)}); !errors.As(err, new(*orgtypes.DuplicatePolicyAttachmentException)) {
		t.Errorf("duplicate attachment: got %v", err)
	}
	out, err := f.DescribeEffectivePolicy(ctx, &organizations.DescribeEffectivePolicyInput{PolicyType: orgtypes.EffectivePolicyTypeBackupPolicy, TargetId: aws.String("333333333333")})
	if err != nil {
		t.Fatal(err)
	}
	var eff struct {
		Plans map[string]struct {
			Rules map[string]map[string]string `json:"rules"`
		} `json:"plans"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.EffectivePolicy.PolicyContent)), &eff); err != nil {
		t.Fatal(err)
	}
	r := eff.Plans["p"].Rules["r"]
	if r["schedule_expression"] != "cron(0 1 ? * * *)" || r["target_backup_vault_name"] != "child" {
		t.Errorf("effective rule = %v; want the root's schedule and the child OU's vault", r)
	}
	if _, err := f.DescribeEffectivePolicy(ctx, &organizations.DescribeEffectivePolicyInput{TargetId: aws.String(backuptest.OrgManagementAccount)}); err != nil {
		t.Errorf("management account under the root policy: %v", err)
	}
	if _, err := f.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String("333333333333"), ServicePrincipal: aws.String("backup.amazonaws.com")}); !errors.As(err, new(*orgtypes.ConstraintViolationException)) {
		t.Errorf("delegated admin without trusted access: got %v", err)
	}
	if _, err := f.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String("333333333333"), ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String("333333333333"), ServicePrincipal: aws.String("backup.amazonaws.com")}); !errors.As(err, new(*orgtypes.AccountAlreadyRegisteredException)) {
		t.Errorf("second registration: got %v", err)
	}
}
