// Package audit holds AWS Backup Audit Manager's report-plan rules, which
// the library (package compliance) and the backuptest emulator
// (CreateFramework, CreateReportPlan, UpdateReportPlan) must judge alike:
// framework and report plan names, which report templates exist, which of
// them cover frameworks, and how FrameworkArns goes with a report's
// accounts, organizational units and Regions.
//
// Sources: API_ReportSetting (every member but ReportTemplate optional;
// Accounts "ROOT" for all OUs; Regions "*" for all Regions); "Creating
// report plans using the AWS Backup API" (create-report-plan-api: one
// syntax for single-account, single-Region reports and one for
// multi-account, multi-Region reports); and AWS's answer to a compliance
// report that names frameworks and accounts, OUs or Regions together,
// InvalidParameterValueException "Invalid parameter: For multi-account,
// multi-Region reports, use Accounts, OrganizationUnits and Regions"
// (hashicorp/terraform-provider-aws #32235: "When you are creating a
// multi-account report, you cannot specify a framework. If you remove the
// framework ARN, this works fine.").
package audit

import (
	"slices"
	"strconv"
	"strings"

	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/problem"
)

// Report templates (API_ReportSetting ReportTemplate).
const (
	BackupJobReport          = "BACKUP_JOB_REPORT"
	CopyJobReport            = "COPY_JOB_REPORT"
	RestoreJobReport         = "RESTORE_JOB_REPORT"
	ScanJobReport            = "SCAN_JOB_REPORT"
	ResourceComplianceReport = "RESOURCE_COMPLIANCE_REPORT"
	ControlComplianceReport  = "CONTROL_COMPLIANCE_REPORT"
)

// MultiAccountMessage is AWS's answer to a compliance report that names
// FrameworkArns together with Accounts, OrganizationUnits or Regions.
const MultiAccountMessage = "For multi-account, multi-Region reports, use Accounts, OrganizationUnits and Regions"

// Templates returns every report template, job reports first (a new
// slice on each call).
func Templates() []string {
	return []string{BackupJobReport, CopyJobReport, RestoreJobReport, ScanJobReport, ResourceComplianceReport, ControlComplianceReport}
}

// IsCompliance reports whether template reports on frameworks' controls
// (RESOURCE_COMPLIANCE_REPORT, CONTROL_COMPLIANCE_REPORT).
func IsCompliance(template string) bool {
	return template == ResourceComplianceReport || template == ControlComplianceReport
}

// Setting is a report plan's ReportSetting as the rule reads it.
type Setting struct {
	Template                             string
	FrameworkARNs                        []string
	Accounts, OrganizationUnits, Regions []string
}

// MultiAccount reports whether the report reaches beyond the calling
// account and Region: it names Accounts, OrganizationUnits or Regions
// (which only an organization's management or delegated administrator
// account may do).
func (s Setting) MultiAccount() bool {
	return len(s.Accounts) > 0 || len(s.OrganizationUnits) > 0 || len(s.Regions) > 0
}

// CheckSetting checks a ReportSetting; fields are API_ReportSetting's
// member names ("FrameworkArns", "Accounts[0]").
//
//   - ReportTemplate is required and one of Templates.
//   - A single-account, single-Region compliance report names the
//     frameworks it covers: FrameworkArns is required. This is read from
//     create-report-plan-api's single-account syntax, which gives
//     FrameworkArns for compliance reports; the API reference marks the
//     member optional (job reports and multi-account reports go without),
//     and no AWS answer to its absence is on record, so this one is the
//     library's and the emulator's reading, not a confirmed AWS error.
//   - A multi-account, multi-Region compliance report (Accounts,
//     OrganizationUnits or Regions set) covers the organization's
//     frameworks and must not name any: AWS answers MultiAccountMessage.
//   - Job reports cover no frameworks: FrameworkArns is refused.
//   - Accounts are 12-digit account ids or "ROOT"; Regions are Region
//     names or "*"; OrganizationUnits are OU ids (or a root id).
func CheckSetting(s Setting) problem.List {
	var ps problem.List
	switch {
	case s.Template == "":
		ps.Missing("ReportTemplate")
	case !slices.Contains(Templates(), s.Template):
		ps.Invalid("ReportTemplate", "%q is not a report template; use one of %s", s.Template, strings.Join(Templates(), ", "))
	case IsCompliance(s.Template) && s.MultiAccount() && len(s.FrameworkARNs) > 0:
		ps.Invalid("FrameworkArns", "%s (a multi-account or multi-Region %s covers the organization's frameworks; leave FrameworkArns out)", MultiAccountMessage, s.Template)
	case IsCompliance(s.Template) && !s.MultiAccount() && len(s.FrameworkARNs) == 0:
		ps = append(ps, problem.Problem{Field: "FrameworkArns", Kind: problem.Missing,
			Reason: "is required for a single-account, single-Region " + s.Template + ": name the frameworks it covers, or set Accounts, OrganizationUnits or Regions for an organization-wide report"})
	case !IsCompliance(s.Template) && len(s.FrameworkARNs) > 0:
		ps.Invalid("FrameworkArns", "only %s and %s cover frameworks, not %s", ResourceComplianceReport, ControlComplianceReport, s.Template)
	}
	for i, a := range s.Accounts {
		if a != "ROOT" && !awsid.AccountID(a) {
			ps.Invalid(problem.Index("Accounts", i), "%q is not a 12-digit account id or ROOT", a)
		}
	}
	for i, ou := range s.OrganizationUnits {
		if !awsid.OrganizationalUnitID(ou) && !awsid.RootID(ou) {
			ps.Invalid(problem.Index("OrganizationUnits", i), "%q is not an organizational unit id (ou-…)", ou)
		}
	}
	for i, r := range s.Regions {
		if r != "*" && !awsid.Region(r) {
			ps.Invalid(problem.Index("Regions", i), "%q is not a Region name or *", r)
		}
	}
	return ps
}

// MaxNameLength is the longest framework or report plan name
// (API_CreateFramework FrameworkName, API_CreateReportPlan ReportPlanName).
const MaxNameLength = 256

// NameRule says what a framework or report plan name may be.
const NameRule = "1 to 256 letters, digits and underscores, starting with a letter"

// Name returns why s is not a framework or report plan name
// (pattern [a-zA-Z][_a-zA-Z0-9]*, 1-256 characters), or "".
func Name(s string) string {
	switch {
	case s == "":
		return "is required"
	case len(s) > MaxNameLength:
		return "must be " + NameRule + ", got " + strconv.Itoa(len(s)) + " characters"
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || r != '_' && (r < '0' || r > '9')) {
			return "must be " + NameRule + ", got " + strconv.Quote(s)
		}
	}
	return ""
}

// CheckFormats checks a report plan's delivery formats against its
// setting: CSV or JSON, each at most once, and JSON only for a report of
// the calling account and Region ("working with audit reports": "If the
// report is for the current region and current account, you can choose to
// receive the report in either CSV or JSON format. Otherwise, the report
// is available in CSV format"). Refusing JSON for a multi-account or
// multi-Region report at creation is this package's reading of that page;
// AWS might instead accept it and deliver CSV.
func CheckFormats(formats []string, s Setting) problem.List {
	var ps problem.List
	seen := map[string]bool{}
	for i, f := range formats {
		switch {
		case f != "CSV" && f != "JSON":
			ps.Invalid(problem.Index("Formats", i), "%q is not a report format; use CSV or JSON", f)
		case seen[f]:
			ps.Invalid(problem.Index("Formats", i), "lists %s twice", f)
		case f == "JSON" && s.MultiAccount():
			ps.Invalid(problem.Index("Formats", i), "JSON is available only for a report of the current account and Region; a report with Accounts, OrganizationUnits or Regions is delivered as CSV")
		}
		seen[f] = true
	}
	return ps
}
