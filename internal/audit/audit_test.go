package audit

import (
	"strings"
	"testing"

	"github.com/backupkit/backupkit/internal/problem"
)

func TestCheckSetting(t *testing.T) {
	t.Parallel()
	fw := []string{"arn:aws:backup:us-east-1:123456789012:framework:f-1"}
	tests := []struct {
		name   string
		source string
		s      Setting
		want   string // "field:kind" of each problem, comma-joined
	}{
		{"single-account compliance names frameworks", "create-report-plan-api, single-account syntax",
			Setting{Template: ResourceComplianceReport, FrameworkARNs: fw}, ""},
		{"single-account compliance without frameworks", "create-report-plan-api, single-account syntax",
			Setting{Template: ControlComplianceReport}, "FrameworkArns:missing"},
		{"org-wide compliance without frameworks", "API_ReportSetting (FrameworkArns Required: No); terraform-provider-aws #32235",
			Setting{Template: ResourceComplianceReport, Accounts: []string{"ROOT"}, Regions: []string{"*"}}, ""},
		{"org-wide control report by OU", "API_ReportSetting OrganizationUnits",
			Setting{Template: ControlComplianceReport, OrganizationUnits: []string{"ou-ab12-cd34ef56"}}, ""},
		{"compliance with frameworks and accounts", "terraform-provider-aws #32235: InvalidParameterValueException " + MultiAccountMessage,
			Setting{Template: ResourceComplianceReport, FrameworkARNs: fw, Accounts: []string{"123456789012"}}, "FrameworkArns:invalid"},
		{"compliance with frameworks and Regions", "terraform-provider-aws #32235",
			Setting{Template: ControlComplianceReport, FrameworkARNs: fw, Regions: []string{"us-east-1"}}, "FrameworkArns:invalid"},
		{"job report across the organization", "API_ReportSetting Accounts ROOT, Regions *",
			Setting{Template: BackupJobReport, Accounts: []string{"ROOT"}, Regions: []string{"*"}}, ""},
		{"job report with frameworks", "API_ReportSetting FrameworkArns: the frameworks a report covers",
			Setting{Template: CopyJobReport, FrameworkARNs: fw}, "FrameworkArns:invalid"},
		{"no template", "API_ReportSetting ReportTemplate Required: Yes", Setting{}, "ReportTemplate:missing"},
		{"unknown template", "API_ReportSetting ReportTemplate", Setting{Template: "AUDIT"}, "ReportTemplate:invalid"},
		{"bad scope ids", "API_ReportSetting Accounts, OrganizationUnits, Regions",
			Setting{Template: RestoreJobReport, Accounts: []string{"12345"}, OrganizationUnits: []string{"prod"}, Regions: []string{"moon"}},
			"Accounts[0]:invalid,OrganizationUnits[0]:invalid,Regions[0]:invalid"},
	}
	kind := map[problem.Kind]string{problem.Invalid: "invalid", problem.Missing: "missing", problem.Limit: "limit"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			ps := CheckSetting(tt.s)
			for _, p := range ps {
				got = append(got, p.Field+":"+kind[p.Kind])
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("CheckSetting = %v; want %q (source: %s)", ps, tt.want, tt.source)
			}
		})
	}
}

// The multi-account refusal carries AWS's own words, so a caller that
// searches for AWS's message finds it in the library's and the
// emulator's errors.
func TestMultiAccountMessage(t *testing.T) {
	t.Parallel()
	ps := CheckSetting(Setting{Template: ResourceComplianceReport, FrameworkARNs: []string{"arn:aws:backup:us-east-1:123456789012:framework:f"}, OrganizationUnits: []string{"ou-ab12-cd34ef56"}})
	if len(ps) != 1 || !strings.HasPrefix(ps[0].Reason, "For multi-account, multi-Region reports, use Accounts, OrganizationUnits and Regions") {
		t.Errorf("CheckSetting = %v; want AWS's message first", ps)
	}
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	n := 0
	for _, tpl := range Templates() {
		if IsCompliance(tpl) {
			n++
		}
	}
	if len(Templates()) != 6 || n != 2 {
		t.Errorf("Templates() = %v with %d compliance templates; want 6 with 2", Templates(), n)
	}
}

// Framework and report plan names: API_CreateFramework FrameworkName and
// API_CreateReportPlan ReportPlanName, pattern [a-zA-Z][_a-zA-Z0-9]*,
// length 1-256.
func TestName(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{
		"a": true, "prod_backup_policy": true, "Report2": true, strings.Repeat("a", 256): true,
		"": false, "_x": false, "2x": false, "a-b": false, "a b": false, "é": false, strings.Repeat("a", 257): false,
	} {
		if got := Name(s) == ""; got != ok {
			t.Errorf("Name(%.20q) = %q; want ok=%v", s, Name(s), ok)
		}
	}
}
