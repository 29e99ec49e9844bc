package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest"
)

// corpusSources says, for every document of plan/testdata/corpus, which
// rule of AWS's it pins and where AWS says so. A file named ok-… must be
// accepted by both `backupkit plan validate` and the emulator; bad-…
// refused by both. Every corpus file needs an entry here.
var corpusSources = map[string]string{
	// Windows: API_BackupRuleInput (StartWindowMinutes "must be at least 60
	// minutes"; default 8 hours); the completion window must end at least 60
	// minutes after the start window (cloudposse/terraform-aws-backup,
	// completion_window: "Must be at least 60 minutes greater than
	// start_window"), counted from AWS's default start of 480 minutes.
	"ok-windows-60-120.json":                          "API_BackupRuleInput; cloudposse/terraform-aws-backup",
	"bad-windows-completion-equals-start.json":        "cloudposse/terraform-aws-backup completion_window",
	"bad-windows-completion-under-default-start.json": "API_BackupRuleInput default start window 480 minutes",
	"bad-windows-start-under-60.json":                 "API_BackupRuleInput StartWindowMinutes",
	// Continuous backup: API_BackupRuleInput EnableContinuousBackup and
	// "Point-in-time recovery" (retention 1-35 days; no cold storage or
	// archive tier for continuous backups).
	"ok-continuous-35-days.json":            "point-in-time-recovery: 1-35 days",
	"bad-continuous-without-lifecycle.json": "point-in-time-recovery: a retention period is required",
	"bad-continuous-36-days.json":           "point-in-time-recovery: at most 35 days",
	"bad-continuous-cold-storage.json":      "point-in-time-recovery: no cold storage",
	"bad-continuous-archive.json":           "API_Lifecycle OptInToArchiveForSupportedResources",
	// Lifecycle: API_Lifecycle (-1 in both fields keeps forever;
	// DeleteAfterDays at least 90 days after MoveToColdStorageAfterDays;
	// DeleteAfterEvent "Not valid as an input"); DeleteAfterDays minimum 1.
	"ok-lifecycle-forever-both.json":            "API_Lifecycle -1",
	"bad-lifecycle-forever-delete-only.json":    "API_Lifecycle -1 in both fields only",
	"bad-lifecycle-forever-cold-delete-30.json": "API_Lifecycle -1 in both fields only",
	"bad-lifecycle-cold-under-90-days.json":     "API_Lifecycle 90 days in cold storage",
	"bad-lifecycle-zero-days.json":              "API_Lifecycle DeleteAfterDays 1-36500",
	"bad-lifecycle-delete-after-event.json":     "API_Lifecycle DeleteAfterEvent: Not valid as an input",
	// Advanced backup settings: API_AdvancedBackupSetting (WindowsVSS
	// enabled/disabled for EC2; BackupACLs and BackupObjectTags for S3, with
	// the S3-prefixed names the API reference page shows as aliases).
	"ok-s3-advanced-options.json":         "API_AdvancedBackupSetting BackupACLs, BackupObjectTags",
	"ok-s3-advanced-options-alias.json":   "API_AdvancedBackupSetting S3BackupACLs",
	"bad-s3-advanced-option-unknown.json": "API_AdvancedBackupSetting BackupOptions",
	"bad-ec2-windows-vss-value.json":      "API_AdvancedBackupSetting WindowsVSS enabled|disabled",
	// Index, scan: API_IndexAction (one resource type, EBS or S3),
	// API_ScanAction / API_ScanSetting (MalwareScanner GUARDDUTY).
	"ok-index-action-ebs.json":        "API_IndexAction ResourceTypes",
	"bad-index-action-two-types.json": "API_IndexAction: only one resource type",
	"ok-scan-actions.json":            "API_ScanAction, API_ScanSetting",
	"bad-scan-action-scanner.json":    "API_ScanAction MalwareScanner GUARDDUTY",
	// Schedules: API_BackupRuleInput ScheduleExpression (cron, at most
	// hourly: "Backup plan frequency must be at least 1 hour") and
	// EventBridge cron syntax (L alone in day-of-month; no date that
	// never comes).
	"ok-schedule-last-day.json":     "EventBridge cron expressions: L",
	"bad-schedule-rate.json":        "API_BackupRuleInput ScheduleExpression: cron only",
	"bad-schedule-sub-hourly.json":  "AWS Backup: backup frequency at least 1 hour",
	"bad-schedule-l-in-list.json":   "EventBridge cron expressions: L cannot be in a list",
	"bad-schedule-never-fires.json": "cron that matches no date",
	"bad-timezone.json":             "API_BackupRuleInput ScheduleExpressionTimezone",
	"ok-bare-cli.json":              "aws backup create-backup-plan --backup-plan",
	"bad-duplicate-rule-names.json": "API_BackupRuleInput RuleName unique in a plan",
	"bad-vault-name.json":           "API_BackupRuleInput TargetBackupVaultName pattern",
	// Vault existence: a plan may name a vault that does not exist yet
	// (AWS Organizations "Backup policy syntax and examples": the vault
	// "must exist in each specified AWS Region before the backup plan
	// runs"); the corpus test creates no vaults.
	"ok-vault-not-created-yet.json":          "orgs_manage_policies_backup_syntax: vault must exist before the plan runs",
	"ok-copy-action.json":                    "API_CopyAction DestinationBackupVaultArn",
	"bad-copy-action-arn.json":               "API_CopyAction DestinationBackupVaultArn: a backup vault ARN",
	"bad-recovery-point-tag-aws-prefix.json": "Tagging: keys may not start with aws:",
	"bad-plan-name.json":                     "API_BackupPlanInput BackupPlanName pattern",
	"bad-yaml-too-many-rules.yaml":           "AWS Backup quotas: 10 rules per plan",
	// Selections: API_BackupSelection and assigning-resources-json; AWS
	// refuses a selection with neither Resources nor ListOfTags ("Either
	// 'ListOfTags' or 'Resources' section must be non-empty",
	// terraform-provider-aws #24235, ministryofjustice/modernisation-
	// platform-terraform-baselines #90); service-wide patterns
	// ("arn:aws:ec2:*", resource-type patterns) are what the console writes.
	"bad-selection-empty.yaml":               "terraform-provider-aws #24235",
	"bad-selection-conditions-only.yaml":     "terraform-provider-aws #24235",
	"ok-selection-all-resources.yaml":        "API_BackupSelection Resources [\"*\"]; API_Conditions StringLike",
	"ok-selection-service-wide.yaml":         "assigning-resources-json: resource-type patterns",
	"bad-selection-wildcard-inside-arn.yaml": "assigning-resources-json: wildcards",
	"ok-selection-duplicate-names.yaml":      "API_BackupSelection SelectionName is a display name; no uniqueness",
	"bad-selection-iam-role.yaml":            "API_BackupSelection IamRoleArn: a role ARN",
	"bad-selection-condition-key.yaml":       "API_ConditionParameter ConditionKey aws:ResourceTag/KEY",
	// Terraform: aws_backup_plan defaults start_window 60, completion_window
	// 180 (registry.terraform.io aws_backup_plan).
	"ok-terraform-defaults.tf.json":                        "terraform aws_backup_plan defaults",
	"bad-terraform-completion-under-default-start.tf.json": "terraform default start_window 60 + 60",
	// Organizations backup policies: "Backup policy syntax and examples"
	// ($account placeholder; lifecycle rules as in API_Lifecycle).
	"ok-org-policy-account-placeholder.json": "orgs_manage_policies_backup_syntax: $account",
	"bad-org-policy-lifecycle.json":          "API_Lifecycle 90 days in cold storage",
}

// corpusDoc is one plan document of the corpus.
type corpusDoc struct {
	name string // as reported
	path string // a file the CLI reads
	want string // "ok", "bad" or "" (no expectation: the two must agree)
}

// planCorpus lists every plan document the plan tests use: the curated
// corpus, plan/testdata/plans.yaml and the seeds of the plan parsers' fuzz
// corpora (written to files named for their format).
func planCorpus(t *testing.T) []corpusDoc {
	t.Helper()
	var docs []corpusDoc
	files, err := filepath.Glob("../../plan/testdata/corpus/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, f := range files {
		base := filepath.Base(f)
		if _, ok := corpusSources[base]; !ok {
			t.Errorf("corpus file %s has no entry in corpusSources (which AWS rule, which source)", base)
		}
		want := ""
		switch {
		case strings.HasPrefix(base, "ok-"):
			want = "ok"
		case strings.HasPrefix(base, "bad-"):
			want = "bad"
		default:
			t.Errorf("corpus file %s: name it ok-… or bad-…", base)
		}
		docs = append(docs, corpusDoc{name: "corpus/" + base, path: f, want: want})
	}
	for name := range corpusSources {
		if _, err := os.Stat(filepath.Join("../../plan/testdata/corpus", name)); err != nil {
			t.Errorf("corpusSources names %s, which is not in the corpus", name)
		}
	}
	docs = append(docs, corpusDoc{name: "plans.yaml", path: "../../plan/testdata/plans.yaml", want: "ok"})
	ext := map[string]string{"FuzzParseCLI": ".json", "FuzzParseYAML": ".yaml", "FuzzParseTerraform": ".tf.json", "FuzzParseOrgPolicy": ".json"}
	dir := t.TempDir()
	seeds, _ := filepath.Glob("../../plan/testdata/fuzz/*/*")
	for _, s := range seeds {
		fuzz := filepath.Base(filepath.Dir(s))
		data := fuzzSeed(t, s)
		if fuzz == "FuzzParseCLI" && bytes.Contains(data, []byte(`"BackupSelection"`)) {
			// A create-backup-selection document: plan validate reads plan
			// files, so it is not a plan document.
			continue
		}
		p := filepath.Join(dir, fuzz+"-"+filepath.Base(s)+ext[fuzz])
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, corpusDoc{name: "fuzz/" + fuzz + "/" + filepath.Base(s), path: p})
	}
	return docs
}

// fuzzSeed reads a "go test fuzz v1" file holding one []byte value.
func fuzzSeed(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 2)
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s: not a fuzz seed", path)
	}
	v := strings.TrimSpace(lines[1])
	if !strings.HasPrefix(v, "[]byte(") || !strings.HasSuffix(v, ")") {
		t.Fatalf("%s: not a []byte seed", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(v, "[]byte("), ")"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

// apiPlan is one plan document in AWS API form: what create-backup-plan
// and create-backup-selection send.
type apiPlan struct {
	plan       *awsbackup.CreateBackupPlanInput
	selections []*types.BackupSelection
}

// apiForm turns a document into API calls. An AWS CLI plan JSON is decoded
// as it is, strictly, into the SDK's own input shapes (as
// `aws backup create-backup-plan --cli-input-json` reads it), not through
// the plan package; the other formats have no API form of their own and go
// through the loader `plan validate` uses, then ToSDK. An Organizations
// policy's "$account" becomes the emulator's account, as Organizations
// does. An error means the document has no API form.
func apiForm(path string, data []byte) ([]apiPlan, error) {
	trimmed := bytes.TrimSpace(data)
	isJSON := len(trimmed) > 0 && trimmed[0] == '{'
	var probe map[string]json.RawMessage
	if isJSON && json.Unmarshal(trimmed, &probe) == nil && probe["plans"] == nil && probe["resource"] == nil &&
		!strings.HasSuffix(path, ".tf.json") {
		in := &awsbackup.CreateBackupPlanInput{}
		var err error
		if probe["BackupPlan"] != nil {
			err = decodeStrictJSON(trimmed, in)
		} else {
			in.BackupPlan = &types.BackupPlanInput{}
			err = decodeStrictJSON(trimmed, in.BackupPlan)
		}
		if err != nil {
			return nil, err
		}
		return []apiPlan{{plan: in}}, nil
	}
	if isJSON && probe["plans"] != nil {
		path, data = path+".org.json", bytes.ReplaceAll(data, []byte("$account"), []byte(backuptest.DefaultAccountID))
	}
	specs, _, err := parsePlanSpecs(path, data)
	if err != nil {
		return nil, err
	}
	var out []apiPlan
	for _, sp := range specs {
		if sp.Plan == nil {
			return nil, errors.New("no plan")
		}
		ap := apiPlan{plan: sp.Plan.CreateInput()}
		ap.plan.CreatorRequestId = nil
		for _, s := range sp.Selections {
			ap.selections = append(ap.selections, s.ToSDK())
		}
		out = append(out, ap)
	}
	return out, nil
}

func decodeStrictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// emulatorVerdict creates every plan and selection of the document in a
// fresh emulator with the real SDK client (one attempt per call: a refusal
// is an answer, not something to retry) and returns the first error and
// the field path it names in the plan package's terms ("Rules[0].…",
// "Selections[1].…").
func emulatorVerdict(t *testing.T, plans []apiPlan) (field string, err error) {
	t.Helper()
	srv := backuptest.NewServer(t)
	api := srv.Client(func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	for _, p := range plans {
		out, err := api.CreateBackupPlan(t.Context(), p.plan)
		if err != nil {
			return errorField(err, "BackupPlan.", ""), err
		}
		for i, s := range p.selections {
			if _, err := api.CreateBackupSelection(t.Context(), &awsbackup.CreateBackupSelectionInput{BackupPlanId: out.BackupPlanId, BackupSelection: s}); err != nil {
				return errorField(err, "BackupSelection.", "Selections["+strconv.Itoa(i)+"]."), err
			}
		}
	}
	return "", nil
}

// errorField reads the field path an emulator error message starts with
// ("BackupPlan.Rules[0].Lifecycle.DeleteAfterDays: …") and puts the plan
// package's prefix in place of the API's.
func errorField(err error, apiPrefix, prefix string) string {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return ""
	}
	msg := ae.ErrorMessage()
	if strings.HasPrefix(msg, strings.TrimSuffix(apiPrefix, ".")+":") {
		return strings.TrimSuffix(prefix, ".")
	}
	if !strings.HasPrefix(msg, apiPrefix) {
		return ""
	}
	f := strings.TrimPrefix(msg, apiPrefix)
	if i := strings.IndexAny(f, ": "); i >= 0 {
		f = f[:i]
	}
	return prefix + f
}

// fieldPlace is where a field path points, to the depth both sides name
// the same way: the plan package lists Conditions flat where the API
// groups them by operator, so paths are compared on their first two
// parts, without the index of the second (Rules[0].Lifecycle,
// Selections[1].Conditions, Rules[0].RecoveryPointTags, BackupPlanName).
func fieldPlace(f string) string {
	parts := strings.Split(f, ".")
	if len(parts) > 2 {
		parts = parts[:2]
	}
	if len(parts) == 2 {
		if i := strings.Index(parts[1], "["); i > 0 {
			parts[1] = parts[1][:i] // Conditions[0], RecoveryPointTags["k"]
		}
	}
	return strings.Join(parts, ".")
}

// namesField reports whether plan validate's output has a problem at the
// place field points to. Lines read "FILE: plan NAME: FIELD: reason", or
// "FILE: FIELD: reason" when the file did not parse.
func namesField(out, field string) bool {
	want := fieldPlace(field)
	for _, line := range strings.Split(out, "\n") {
		for _, seg := range strings.Split(line, ": ") {
			if seg != "" && !strings.ContainsAny(seg, " /") && fieldPlace(seg) == want {
				return true
			}
		}
	}
	return false
}

// parseFailed reports whether plan validate stopped at parsing the file
// (its lines then carry no "plan NAME" label): the parsers check some
// values while reading and report only that one problem, so the emulator
// may name another problem of the same document first.
func parseFailed(out string) bool {
	return !strings.Contains(out, ": plan ")
}

// TestPlanCorpusValidateAgreesWithEmulator runs every plan document of the
// corpus through `backupkit plan validate` and through the emulator's
// CreateBackupPlan and CreateBackupSelection (real SDK client): both must
// accept it or both refuse it, and a document named ok-/bad- must get
// that verdict.
func TestPlanCorpusValidateAgreesWithEmulator(t *testing.T) {
	t.Parallel()
	docs := planCorpus(t)
	counts := map[string]int{}
	var mu = make(chan struct{}, 1)
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runPlan(t, "plan", "validate", d.path)
			if code != 0 && code != exitErr {
				t.Fatalf("plan validate exit %d:\n%s%s", code, out, errOut)
			}
			cliOK := code == 0
			data, err := os.ReadFile(d.path)
			if err != nil {
				t.Fatal(err)
			}
			plans, formErr := apiForm(d.path, data)
			var emuErr error
			var emuField string
			switch {
			case formErr != nil:
				emuErr = formErr
			default:
				emuField, emuErr = emulatorVerdict(t, plans)
			}
			var ae smithy.APIError
			if emuErr != nil && formErr == nil && !errors.As(emuErr, &ae) {
				t.Fatalf("emulator call failed without an AWS error: %v", emuErr)
			}
			emuOK := emuErr == nil
			if cliOK != emuOK {
				t.Errorf("verdicts differ: plan validate ok=%v, emulator ok=%v\nplan validate:\n%s%s\nemulator: %v", cliOK, emuOK, out, errOut, emuErr)
			}
			if d.want != "" && cliOK != (d.want == "ok") {
				t.Errorf("plan validate ok=%v; want %s\n%s%s", cliOK, d.want, out, errOut)
			}
			if d.want != "" && emuOK != (d.want == "ok") {
				t.Errorf("emulator ok=%v; want %s: %v", emuOK, d.want, emuErr)
			}
			// Both refuse: for the same reason, at the same field.
			if !cliOK && !emuOK && formErr == nil && !parseFailed(out) && (emuField == "" || !namesField(out, emuField)) {
				t.Errorf("both refuse, but plan validate names no problem at the emulator's field %q\nplan validate:\n%s\nemulator: %v", emuField, out, emuErr)
			}
			verdict := "accepted"
			switch {
			case formErr != nil:
				verdict = "no API form"
			case !emuOK:
				verdict = "refused"
			}
			mu <- struct{}{}
			counts[verdict]++
			<-mu
			t.Logf("plan validate ok=%v; emulator: %s %v", cliOK, verdict, emuErr)
		})
	}
	t.Cleanup(func() {
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+strconv.Itoa(counts[k]))
		}
		t.Logf("%d documents: %s", len(docs), strings.Join(parts, " "))
	})
}

// TestPlanApplyRefusesDuplicateSelectionNames: plan validate accepts two
// selections with one name (AWS does, see the corpus), but diff and apply
// find live selections by name, so they stop before any call.
func TestPlanApplyRefusesDuplicateSelectionNames(t *testing.T) {
	t.Parallel()
	file := "../../plan/testdata/corpus/ok-selection-duplicate-names.yaml"
	for _, cmd := range []string{"diff", "apply"} {
		code, out, errOut := runPlan(t, "plan", cmd, file, "--endpoint", "http://127.0.0.1:1")
		if code != exitErr || !strings.Contains(errOut, "Selections[1].SelectionName") || !strings.Contains(errOut, "apply finds selections by name") {
			t.Errorf("plan %s with duplicate selection names = %d\n%s%s; want exit %d naming Selections[1].SelectionName", cmd, code, out, errOut, exitErr)
		}
	}
}
