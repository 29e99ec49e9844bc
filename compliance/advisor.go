package compliance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/plan"
)

// Vault is what the advisor needs to know about a backup vault.
type Vault struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// CustomerManagedKey: encrypted with a customer managed KMS key
	// (EncryptionKeyType CUSTOMER_MANAGED_KMS_KEY).
	CustomerManagedKey bool `json:"customerManagedKey"`
	Locked             bool `json:"locked"`
	// LockDate is when a compliance-mode lock becomes immutable; zero for
	// governance mode.
	LockDate       time.Time     `json:"lockDate,omitzero"`
	MinRetention   time.Duration `json:"minRetention,omitempty"`
	RecoveryPoints int64         `json:"recoveryPoints"`
	// AirGapped: a logically air-gapped vault.
	AirGapped bool `json:"airGapped,omitempty"`
}

// RecoveryPoint is what the advisor needs to know about a recovery point.
type RecoveryPoint struct {
	ARN         string    `json:"arn"`
	ResourceARN string    `json:"resourceArn"`
	Vault       string    `json:"vault"`
	Created     time.Time `json:"created"`
	Status      string    `json:"status"` // COMPLETED, PARTIAL, DELETING, EXPIRED, AVAILABLE, …
	Encrypted   bool      `json:"encrypted"`
}

// Job is a backup job as the advisor sees it.
type Job struct {
	ID          string    `json:"id"`
	ResourceARN string    `json:"resourceArn"`
	State       string    `json:"state"` // COMPLETED, FAILED, ABORTED, EXPIRED, PARTIAL, …
	Created     time.Time `json:"created"`
	Message     string    `json:"message,omitempty"`
}

// AdvisorInput is everything [Advise] looks at. Any part may be empty; the
// checks that need a missing part then report nothing (Frameworks and
// ConfigRules are only checked when their Checked flag is set).
type AdvisorInput struct {
	Now            time.Time
	Inventory      []Resource
	Plans          []PlanSelections
	Vaults         []Vault
	RecoveryPoints []RecoveryPoint
	Jobs           []Job
	// Frameworks and ConfigRules deployed; FrameworksChecked and
	// ConfigRulesChecked say whether they were looked up.
	Frameworks         []string
	FrameworksChecked  bool
	ConfigRules        []string
	ConfigRulesChecked bool
}

// AdvisorOptions tune the checks.
type AdvisorOptions struct {
	// MinRetention below which a rule's retention is flagged. Default 7 days.
	MinRetention time.Duration
	// ColdStorageAfter: rules keeping points longer than this without a cold
	// storage transition are flagged (cost). Default 180 days.
	ColdStorageAfter time.Duration
	// MaxRecoveryPointAge: a protected resource whose newest completed
	// recovery point is older is flagged. Default: 1.5 × its RPO from
	// Coverage, at least 26 hours.
	MaxRecoveryPointAge time.Duration
	// ConsecutiveSuccesses is N in "the last N backup jobs succeeded".
	// Default 3.
	ConsecutiveSuccesses int
	// RequireCrossAccount flags protected resources without cross-account
	// copies (the cross-Region check always runs). Default false.
	RequireCrossAccount bool
}

// Finding is one advisor result.
type Finding struct {
	Check    string   `json:"check"`
	Category string   `json:"category"` // retention, security, disaster-recovery, automation, compliance, operations
	Severity Severity `json:"severity"`
	Resource string   `json:"resource"`
	Evidence string   `json:"evidence"`
	Fix      string   `json:"fix"`
}

// Advisor check ids.
const (
	CheckUnprotected        = "resource-unprotected"
	CheckShortRetention     = "rule-short-retention"
	CheckNoColdStorage      = "rule-no-cold-storage"
	CheckVaultUnlocked      = "vault-not-locked"
	CheckVaultGovernance    = "vault-lock-governance-mode"
	CheckVaultAWSKey        = "vault-aws-owned-key"
	CheckRecoveryPointPlain = "recovery-point-unencrypted"
	CheckDefaultRole        = "selection-default-role"
	CheckNoCrossRegion      = "no-cross-region-copy"
	CheckNoCrossAccount     = "no-cross-account-copy"
	CheckUntagged           = "resource-untagged"
	CheckPlanNotAsCode      = "plan-not-managed-as-code"
	CheckNoFramework        = "no-audit-framework"
	CheckNoConfigRules      = "no-config-rules"
	CheckStaleRecoveryPoint = "recovery-point-stale"
	CheckNoRecoveryPoint    = "recovery-point-missing"
	CheckConsecutive        = "backups-not-consecutively-successful"
	CheckSelectsEverything  = "selection-selects-everything"
)

// Advise runs every best-practice check over the input: lifecycle and Vault
// Lock for retention; customer KMS keys and least-privilege IAM roles for
// security; cross-Region and cross-account copies for disaster recovery;
// tagging and plans as code for automation; Audit Manager frameworks and
// AWS Config rules for compliance; recovery-point freshness and N
// consecutive successful backups for operations. Findings are sorted by
// severity (highest first), check and resource.
func Advise(in AdvisorInput, opts AdvisorOptions) ([]Finding, error) {
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	if opts.MinRetention <= 0 {
		opts.MinRetention = 7 * 24 * time.Hour
	}
	if opts.ColdStorageAfter <= 0 {
		opts.ColdStorageAfter = 180 * 24 * time.Hour
	}
	if opts.ConsecutiveSuccesses <= 0 {
		opts.ConsecutiveSuccesses = 3
	}
	var out []Finding
	add := func(check, cat string, sev Severity, res, fix, format string, args ...any) {
		out = append(out, Finding{Check: check, Category: cat, Severity: sev, Resource: res, Evidence: fmt.Sprintf(format, args...), Fix: fix})
	}

	// Retention and automation: per plan rule.
	for _, p := range in.Plans {
		if p.Plan == nil {
			continue
		}
		planRes := p.Plan.Name
		if !managedAsCode(p.Plan.Tags) {
			add(CheckPlanNotAsCode, "automation", SeverityLow, planRes,
				"Define plans in code (backupkit plan YAML, Terraform or CloudFormation) and tag them managed-by=<tool>.",
				"plan has no managed-by / IaC tag (tags: %s)", formatTags(p.Plan.Tags))
		}
		for _, r := range p.Plan.Rules {
			res := planRes + "/" + r.Name
			del, cold := r.Lifecycle.DeleteAfter, r.Lifecycle.MoveToColdStorageAfter
			if del > 0 && del < opts.MinRetention {
				add(CheckShortRetention, "retention", SeverityMedium, res,
					"Keep recovery points at least as long as your recovery objectives require; set DeleteAfterDays accordingly.",
					"recovery points are deleted after %d days (minimum %s)", del/backup.Day, humanDuration(opts.MinRetention))
			}
			if (del <= 0 || del > opts.ColdStorageAfter) && cold <= 0 && !r.Lifecycle.OptInToArchive && !r.ContinuousBackup {
				keep := "forever"
				if del > 0 {
					keep = fmt.Sprintf("%d days", del/backup.Day)
				}
				add(CheckNoColdStorage, "retention", SeverityLow, res,
					"Add MoveToColdStorageAfterDays (or OptInToArchiveForSupportedResources) for long retention; cold storage needs DeleteAfterDays ≥ cold + 90.",
					"keeps recovery points %s with no cold storage transition", keep)
			}
		}
		for _, s := range p.Selections {
			if why := selectsEverything(s); why != "" {
				add(CheckSelectsEverything, "operations", SeverityMedium, planRes+"/"+s.Name,
					"Name the resources (ARNs or resource-type patterns) or narrow the selection with Conditions or NotResources.",
					"%s; AWS then backs up every supported, opted-in resource, which could have unintended cost implications (API_BackupSelection)", why)
			}
			if strings.Contains(s.IAMRole, "AWSBackupDefaultServiceRole") {
				add(CheckDefaultRole, "security", SeverityLow, planRes+"/"+s.Name,
					"Use a least-privilege role for the selected resource types (compliance.BackupRole / backupkit iam).",
					"selection uses %s, which carries AWS's broad managed policy", s.IAMRole)
			}
		}
	}

	// Security and retention: vaults.
	for _, v := range in.Vaults {
		if !v.Locked && !v.AirGapped {
			add(CheckVaultUnlocked, "retention", SeverityMedium, v.ARN,
				"Apply Vault Lock (PutBackupVaultLockConfiguration) with MinRetentionDays; use ChangeableForDays ≥ 3 for compliance mode.",
				"vault %s has no Vault Lock; recovery points can be deleted by anyone allowed to", v.Name)
		} else if v.Locked && v.LockDate.IsZero() && !v.AirGapped {
			add(CheckVaultGovernance, "retention", SeverityLow, v.ARN,
				"Set ChangeableForDays to move the lock to compliance mode once the grace period ends.",
				"vault %s is locked in governance mode (no lock date): the lock can be removed", v.Name)
		}
		if !v.CustomerManagedKey && !v.AirGapped {
			add(CheckVaultAWSKey, "security", SeverityLow, v.ARN,
				"Create vaults with a customer managed KMS key (EncryptionKeyArn) so key policy and rotation are yours.",
				"vault %s is encrypted with an AWS owned/managed key", v.Name)
		}
	}
	for _, rp := range in.RecoveryPoints {
		if !rp.Encrypted {
			add(CheckRecoveryPointPlain, "security", SeverityHigh, rp.ARN,
				"Encrypt the source resource (or copy into a vault with a KMS key) and re-back it up.",
				"recovery point of %s in %s is not encrypted", rp.ResourceARN, rp.Vault)
		}
	}

	// Coverage-based checks.
	var cov *CoverageReport
	if len(in.Inventory) > 0 {
		var err error
		cov, err = Coverage(in.Inventory, in.Plans, CoverageOptions{Start: in.Now})
		if err != nil {
			return nil, err
		}
	}
	latest := map[string]RecoveryPoint{}
	for _, rp := range in.RecoveryPoints {
		if rp.Status != "" && rp.Status != "COMPLETED" && rp.Status != "AVAILABLE" {
			continue
		}
		if cur, ok := latest[rp.ResourceARN]; !ok || rp.Created.After(cur.Created) {
			latest[rp.ResourceARN] = rp
		}
	}
	jobs := map[string][]Job{}
	for _, j := range in.Jobs {
		jobs[j.ResourceARN] = append(jobs[j.ResourceARN], j)
	}
	if cov != nil {
		for _, rc := range cov.Resources {
			if len(rc.Tags) == 0 {
				add(CheckUntagged, "automation", SeverityLow, rc.ARN,
					"Tag resources (e.g. backup=daily) and select by tag so new resources are protected automatically.",
					"resource has no tags")
			}
			if !rc.Protected() {
				add(CheckUnprotected, "disaster-recovery", SeverityHigh, rc.ARN,
					"Add the resource to a backup plan selection (by tag or ARN).",
					"no backup plan selection matches this %s resource", orDash(string(rc.Type)))
				continue
			}
			if !rc.CrossRegion {
				add(CheckNoCrossRegion, "disaster-recovery", SeverityMedium, rc.ARN,
					"Add a copy action to a vault in another Region to survive a Regional outage.",
					"protected by %s but no rule copies to another Region", protNames(rc.Protections))
			}
			if opts.RequireCrossAccount && !rc.CrossAccount {
				add(CheckNoCrossAccount, "disaster-recovery", SeverityMedium, rc.ARN,
					"Copy to a vault in a separate (backup) account so a compromised account cannot delete every copy.",
					"protected by %s but no rule copies to another account", protNames(rc.Protections))
			}
			maxAge := opts.MaxRecoveryPointAge
			if maxAge <= 0 {
				maxAge = max(rc.RPO*3/2, 26*time.Hour)
			}
			if rp, ok := latest[rc.ARN]; !ok {
				add(CheckNoRecoveryPoint, "operations", SeverityHigh, rc.ARN,
					"Check the plan's backup jobs for this resource (role permissions, start window) or run an on-demand backup.",
					"protected by %s but has no completed recovery point", protNames(rc.Protections))
			} else if age := in.Now.Sub(rp.Created); age > maxAge {
				add(CheckStaleRecoveryPoint, "operations", SeverityHigh, rc.ARN,
					"Investigate failing or expired backup jobs; the newest recovery point is older than the plan promises.",
					"newest recovery point %s is %s old (max %s, RPO %s)", rp.ARN, humanDuration(age), humanDuration(maxAge), humanDuration(rc.RPO))
			}
			if js := jobs[rc.ARN]; len(in.Jobs) > 0 {
				sort.Slice(js, func(a, b int) bool { return js[a].Created.After(js[b].Created) })
				n := min(opts.ConsecutiveSuccesses, len(js))
				var states []string
				ok := len(js) >= opts.ConsecutiveSuccesses
				for _, j := range js[:n] {
					states = append(states, j.State)
					ok = ok && j.State == "COMPLETED"
				}
				if len(js) == 0 {
					states = append(states, "none")
				}
				if !ok {
					failed := false
					for _, st := range states {
						failed = failed || (st != "COMPLETED" && st != "none")
					}
					fix := "Fix the cause of the failed jobs (see their status messages) before relying on these backups."
					if !failed {
						fix = "Not enough backup jobs have run yet: check the plan's schedule and selection, or run on-demand backups."
					}
					if len(js) == 0 {
						add(CheckConsecutive, "operations", SeverityMedium, rc.ARN, fix,
							"last backup jobs: none in the job window; want %d consecutive COMPLETED", opts.ConsecutiveSuccesses)
					} else {
						add(CheckConsecutive, "operations", SeverityMedium, rc.ARN, fix,
							"last %s (newest first): %s; want %d consecutive COMPLETED", pluralJobs(n), strings.Join(states, ", "), opts.ConsecutiveSuccesses)
					}
				}
			}
		}
	}

	// Compliance.
	if in.FrameworksChecked && len(in.Frameworks) == 0 {
		add(CheckNoFramework, "compliance", SeverityMedium, "account",
			"Deploy an AWS Backup Audit Manager framework (backupkit compliance apply) and a report plan.",
			"no Audit Manager framework is deployed")
	}
	if in.ConfigRulesChecked && len(in.ConfigRules) == 0 {
		add(CheckNoConfigRules, "compliance", SeverityLow, "account",
			"Deploy the AWS Backup managed Config rules (backupkit compliance apply) to track compliance continuously.",
			"no AWS Backup-related AWS Config rule is deployed")
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Severity != out[b].Severity {
			return out[a].Severity > out[b].Severity
		}
		if out[a].Check != out[b].Check {
			return out[a].Check < out[b].Check
		}
		return out[a].Resource < out[b].Resource
	})
	return out, nil
}

// selectsEverything says why a selection assigns every resource, or "".
// An empty selection (no Resources, ListOfTags or Conditions) is what
// API_BackupSelection warns about; AWS refuses to create one, but a plan
// document can hold it. Resources "*" without Conditions or NotResources
// selects the same.
func selectsEverything(s *plan.Selection) string {
	switch {
	case len(s.Resources) == 0 && len(s.ListOfTags) == 0 && len(s.Conditions) == 0:
		return "the selection is empty (no Resources, ListOfTags or Conditions)"
	case slices.Contains(s.Resources, "*") && len(s.Conditions) == 0 && len(s.NotResources) == 0:
		return `the selection's Resources include "*" with no Conditions or NotResources`
	}
	return ""
}

func managedAsCode(tags map[string]string) bool {
	for k := range tags {
		switch strings.ToLower(k) {
		case "managed-by", "managedby", "managed_by", "aws:cloudformation:stack-name", "terraform", "iac":
			return true
		}
	}
	return false
}

// formatTags renders tags as "k=v, k2=v2" in key order, or "none".
func formatTags(tags map[string]string) string {
	if len(tags) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return strings.Join(parts, ", ")
}

func protNames(ps []Protection) string {
	seen := map[string]bool{}
	var names []string
	for _, p := range ps {
		n := p.Plan + "/" + p.Rule
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteFindingsTable writes findings as an aligned text table.
func WriteFindingsTable(w io.Writer, findings []Finding) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tCHECK\tRESOURCE\tEVIDENCE\tFIX")
	for _, f := range findings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Severity, f.Check, f.Resource, f.Evidence, f.Fix)
	}
	return tw.Flush()
}

// WriteFindingsJSON writes findings as an indented JSON array.
func WriteFindingsJSON(w io.Writer, findings []Finding) error {
	if findings == nil {
		findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(findings)
}

// AdvisorAPI is the part of the AWS Backup client [LoadAdvisorInput] uses.
type AdvisorAPI interface {
	plan.API
	ListBackupVaults(context.Context, *awsbackup.ListBackupVaultsInput, ...func(*awsbackup.Options)) (*awsbackup.ListBackupVaultsOutput, error)
	ListRecoveryPointsByBackupVault(context.Context, *awsbackup.ListRecoveryPointsByBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
	ListBackupJobs(context.Context, *awsbackup.ListBackupJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListBackupJobsOutput, error)
	ListFrameworks(context.Context, *awsbackup.ListFrameworksInput, ...func(*awsbackup.Options)) (*awsbackup.ListFrameworksOutput, error)
}

var _ AdvisorAPI = (*awsbackup.Client)(nil)

// LoadAdvisorInput reads plans, selections, vaults, recovery points, the
// backup jobs of the last jobWindow and frameworks from AWS Backup. The
// inventory (and Config rules) come from elsewhere: set them on the result.
func LoadAdvisorInput(ctx context.Context, api AdvisorAPI, now time.Time, jobWindow time.Duration) (*AdvisorInput, error) {
	in := &AdvisorInput{Now: now, FrameworksChecked: true}
	plans, err := LivePlans(ctx, plan.NewClient(api))
	if err != nil {
		return nil, err
	}
	in.Plans = plans
	vp := awsbackup.NewListBackupVaultsPaginator(api, &awsbackup.ListBackupVaultsInput{})
	for vp.HasMorePages() {
		page, err := vp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list backup vaults: %w", err)
		}
		for _, v := range page.BackupVaultList {
			vault := Vault{
				Name: aws.ToString(v.BackupVaultName), ARN: aws.ToString(v.BackupVaultArn),
				CustomerManagedKey: v.EncryptionKeyType == types.EncryptionKeyTypeCustomerManagedKmsKey,
				Locked:             aws.ToBool(v.Locked), LockDate: aws.ToTime(v.LockDate),
				MinRetention:   time.Duration(aws.ToInt64(v.MinRetentionDays)) * 24 * time.Hour,
				RecoveryPoints: v.NumberOfRecoveryPoints,
				AirGapped:      v.VaultType == types.VaultTypeLogicallyAirGappedBackupVault,
			}
			in.Vaults = append(in.Vaults, vault)
			rp := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: v.BackupVaultName})
			for rp.HasMorePages() {
				page, err := rp.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("list recovery points of %s: %w", vault.Name, err)
				}
				for _, p := range page.RecoveryPoints {
					in.RecoveryPoints = append(in.RecoveryPoints, RecoveryPoint{
						ARN: aws.ToString(p.RecoveryPointArn), ResourceARN: aws.ToString(p.ResourceArn), Vault: vault.Name,
						Created: aws.ToTime(p.CreationDate), Status: string(p.Status), Encrypted: p.IsEncrypted,
					})
				}
			}
		}
	}
	jp := awsbackup.NewListBackupJobsPaginator(api, &awsbackup.ListBackupJobsInput{ByCreatedAfter: aws.Time(now.Add(-jobWindow))})
	for jp.HasMorePages() {
		page, err := jp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list backup jobs: %w", err)
		}
		for _, j := range page.BackupJobs {
			in.Jobs = append(in.Jobs, Job{ID: aws.ToString(j.BackupJobId), ResourceARN: aws.ToString(j.ResourceArn), State: string(j.State), Created: aws.ToTime(j.CreationDate), Message: aws.ToString(j.StatusMessage)})
		}
	}
	fp := awsbackup.NewListFrameworksPaginator(api, &awsbackup.ListFrameworksInput{})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list frameworks: %w", err)
		}
		for _, f := range page.Frameworks {
			in.Frameworks = append(in.Frameworks, aws.ToString(f.FrameworkName))
		}
	}
	return in, nil
}

// humanDuration renders d for findings: "35 days", "36h", "1h30m".
func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= time.Hour:
		d = d.Round(time.Minute)
		if d%time.Hour == 0 {
			return fmt.Sprintf("%dh", d/time.Hour)
		}
		return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d.Round(time.Minute)/time.Minute)
	}
	return d.Round(time.Second).String()
}

func pluralJobs(n int) string {
	if n == 1 {
		return "1 backup job"
	}
	return fmt.Sprintf("%d backup jobs", n)
}
