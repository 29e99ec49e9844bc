package compliance_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
)

// TestReportSettingLibraryAndEmulatorAgree runs report settings through
// ReportPlan.Validate and through the emulator's CreateReportPlan and
// UpdateReportPlan (real SDK client): both must give the verdict AWS
// gives. Sources: API_ReportSetting (FrameworkArns, Accounts,
// OrganizationUnits and Regions are optional; Accounts "ROOT", Regions
// "*"); create-report-plan-api (single-account syntax names frameworks for
// compliance reports); hashicorp/terraform-provider-aws #32235 (a
// compliance report with frameworks and multi-account scope:
// InvalidParameterValueException "Invalid parameter: For multi-account,
// multi-Region reports, use Accounts, OrganizationUnits and Regions"; "If
// you remove the framework ARN, this works fine").
func TestReportSettingLibraryAndEmulatorAgree(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := backuptest.NewServer(t)
	api := srv.Client(func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	c := compliance.New(api)
	fwARN, err := c.CreateFramework(ctx, compliance.Framework{Name: "fw", Controls: []compliance.Control{compliance.RecoveryPointEncrypted()}})
	if err != nil {
		t.Fatal(err)
	}
	const awsMessage = "For multi-account, multi-Region reports, use Accounts, OrganizationUnits and Regions"
	fw := []string{fwARN}
	tests := []struct {
		name    string
		p       compliance.ReportPlan
		ok      bool
		message string // in both refusals, when set
	}{
		{"org-wide resource compliance, no frameworks", compliance.ReportPlan{Template: compliance.ResourceComplianceReport, Accounts: []string{"ROOT"}, Regions: []string{"*"}}, true, ""},
		{"org-wide control compliance by OU", compliance.ReportPlan{Template: compliance.ControlComplianceReport, OrganizationUnits: []string{"ou-ab12-cd34ef56"}}, true, ""},
		{"multi-Region resource compliance, no frameworks", compliance.ReportPlan{Template: compliance.ResourceComplianceReport, Regions: []string{"us-east-1", "eu-west-1"}}, true, ""},
		{"org-wide job report", compliance.ReportPlan{Template: compliance.BackupJobReport, Accounts: []string{"ROOT"}}, true, ""},
		{"single-account compliance with frameworks", compliance.ReportPlan{Template: compliance.ControlComplianceReport, FrameworkARNs: fw}, true, ""},
		{"resource compliance, frameworks and accounts", compliance.ReportPlan{Template: compliance.ResourceComplianceReport, FrameworkARNs: fw, Accounts: []string{"123456789012"}}, false, awsMessage},
		{"control compliance, frameworks and OUs", compliance.ReportPlan{Template: compliance.ControlComplianceReport, FrameworkARNs: fw, OrganizationUnits: []string{"ou-ab12-cd34ef56"}}, false, awsMessage},
		{"control compliance, frameworks and Regions", compliance.ReportPlan{Template: compliance.ControlComplianceReport, FrameworkARNs: fw, Regions: []string{"*"}}, false, awsMessage},
		{"single-account compliance without frameworks", compliance.ReportPlan{Template: compliance.ResourceComplianceReport}, false, "FrameworkArns"},
		{"job report with frameworks", compliance.ReportPlan{Template: compliance.RestoreJobReport, FrameworkARNs: fw}, false, "FrameworkArns"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.p
			p.Name = "rp_" + string(rune('a'+i))
			p.Bucket = "audit-reports"
			libErr := p.Validate()
			if (libErr == nil) != tt.ok {
				t.Errorf("ReportPlan.Validate() = %v; want ok=%v", libErr, tt.ok)
			}
			if !tt.ok && tt.message == awsMessage && (libErr == nil || !strings.Contains(libErr.Error(), awsMessage)) {
				t.Errorf("ReportPlan.Validate() = %v; want AWS's message %q", libErr, awsMessage)
			}
			setting := &types.ReportSetting{ReportTemplate: aws.String(string(p.Template)), FrameworkArns: p.FrameworkARNs,
				Accounts: p.Accounts, OrganizationUnits: p.OrganizationUnits, Regions: p.Regions}
			channel := &types.ReportDeliveryChannel{S3BucketName: aws.String(p.Bucket)}
			_, emuErr := api.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String(p.Name), ReportSetting: setting, ReportDeliveryChannel: channel})
			checkEmulator(t, "CreateReportPlan", emuErr, tt.ok, tt.message)

			// The same setting as an update of a valid plan of that template.
			base := "rpu_" + string(rune('a'+i))
			baseSetting := &types.ReportSetting{ReportTemplate: setting.ReportTemplate}
			if p.Template.IsCompliance() {
				baseSetting.FrameworkArns = fw
			}
			if _, err := api.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String(base), ReportSetting: baseSetting, ReportDeliveryChannel: channel}); err != nil {
				t.Fatalf("create %s: %v", base, err)
			}
			_, emuErr = api.UpdateReportPlan(ctx, &awsbackup.UpdateReportPlanInput{ReportPlanName: aws.String(base), ReportSetting: setting})
			checkEmulator(t, "UpdateReportPlan", emuErr, tt.ok, tt.message)
		})
	}
}

func checkEmulator(t *testing.T, op string, err error, ok bool, message string) {
	t.Helper()
	if (err == nil) != ok {
		t.Errorf("emulator %s = %v; want ok=%v", op, err, ok)
		return
	}
	if ok {
		return
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("emulator %s: %v; want an AWS error", op, err)
	}
	if message != "" && !strings.Contains(ae.ErrorMessage(), message) {
		t.Errorf("emulator %s message = %q; want it to contain %q", op, ae.ErrorMessage(), message)
	}
	if message != "" && strings.HasPrefix(message, "For multi-account") && ae.ErrorCode() != "InvalidParameterValueException" {
		t.Errorf("emulator %s code = %s; want InvalidParameterValueException, as AWS answers", op, ae.ErrorCode())
	}
}
