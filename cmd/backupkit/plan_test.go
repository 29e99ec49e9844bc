package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/plan"
)

func runPlan(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	out := o.String() + e.String()
	if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") || strings.Contains(out, "internal error") {
		t.Fatalf("backupkit %v crashed:\n%s", args, out)
	}
	return code, o.String(), e.String()
}

func writePlanFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const validPlanYAML = `plans:
  - name: cli-plan
    rules:
      - name: daily
        vault: Default
        schedule: cron(30 2 * * ? *)
        timezone: America/New_York
        lifecycle:
          deleteAfterDays: 7
    selections:
      - name: tagged
        iamRole: arn:aws:iam::123456789012:role/backup
        listOfTags:
          - key: backup
            value: daily
`

func TestPlanValidate(t *testing.T) {
	t.Parallel()
	good := writePlanFile(t, "good.yaml", validPlanYAML)
	code, out, _ := runPlan(t, "plan", "validate", good, "../../plan/testdata/plans.yaml")
	if code != 0 || !strings.Contains(out, "good.yaml: ok (1 plan(s))") || !strings.Contains(out, "plans.yaml: ok (2 plan(s))") {
		t.Errorf("validate good = %d\n%s", code, out)
	}
	bad := writePlanFile(t, "bad.json", `{"BackupPlanName":"bad plan","Rules":[{"RuleName":"r","TargetBackupVaultName":"v",
		"ScheduleExpression":"rate(1 hour)","StartWindowMinutes":30,"Lifecycle":{"MoveToColdStorageAfterDays":30,"DeleteAfterDays":90}}]}`)
	code, out, _ = runPlan(t, "plan", "validate", good, bad)
	if code != 1 {
		t.Errorf("validate bad exit = %d; want 1", code)
	}
	for _, want := range []string{
		"bad.json: plan bad plan: BackupPlanName: plan name must be 1-50 characters",
		"Rules[0].TargetBackupVaultName: must be 2-50 characters",
		"Rules[0].ScheduleExpression: rate() expressions are not supported",
		"Rules[0].StartWindowMinutes: must be at least 60 minutes, got 30",
		"Rules[0].Lifecycle.DeleteAfterDays: must be at least 90 days after MoveToColdStorageAfterDays",
		"good.yaml: ok",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
}

func TestPlanValidateOrgPolicyPlaceholder(t *testing.T) {
	t.Parallel()
	policy := `{"plans": {"org": {"rules": {"daily": {"target_backup_vault_name": {"@@assign": "Default"},
	  "copy_actions": {"arn:aws:backup:us-west-2:$account:backup-vault:dr": {
	    "target_backup_vault_arn": {"@@assign": "arn:aws:backup:us-west-2:$account:backup-vault:dr"}}}}}}}}`
	code, out, _ := runPlan(t, "plan", "validate", writePlanFile(t, "org.json", policy))
	if code != 0 || !strings.Contains(out, "org.json: ok (1 plan(s))") {
		t.Errorf("validate org policy with $account = %d\n%s", code, out)
	}
	cli := `{"BackupPlanName": "p", "Rules": [{"RuleName": "r", "TargetBackupVaultName": "Default",
	  "CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:$account:backup-vault:dr"}]}]}`
	code, out, _ = runPlan(t, "plan", "validate", writePlanFile(t, "cli.json", cli))
	if code != 1 || !strings.Contains(out, `Rules[0].CopyActions[0].DestinationBackupVaultArn: "$account" is an Organizations backup policy placeholder`) {
		t.Errorf("validate CLI JSON with $account = %d\n%s", code, out)
	}
}

func TestPlanValidateGarbage(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"empty.yaml":     "",
		"binary.json":    "\x00\x01\x02\xff\xfe",
		"truncated.json": `{"BackupPlan": {"BackupPlanName": "x", "Rules": [`,
		"list.json":      `[1, 2, 3]`,
		"text.yaml":      "this is: [not, a plan",
		"deep.yaml":      strings.Repeat("[", 10000),
		"tf.tf.json":     `{"resource": {"aws_backup_plan": {"a": {"name": 5}}}}`,
		"org.json":       `{"plans": {"p": {"rules": {"r": {"start_backup_window_minutes": {"@@assign": "x"}}}}}}`,
		"nulls.json":     `{"BackupPlan": null}`,
		"weird.yml":      "plans:\n  - name: p\n    rules:\n      - {name: r, vault: v, startWindow: 99999999999h}\n",
	}
	for name, content := range files {
		path := writePlanFile(t, name, content)
		code, out, errOut := runPlan(t, "plan", "validate", path)
		if code != 1 || !strings.Contains(out+errOut, name) {
			t.Errorf("validate %s = %d\n%s%s; want exit 1 naming the file", name, code, out, errOut)
		}
		if code, _, _ := runPlan(t, "plan", "next", path); code != 1 {
			t.Errorf("next %s exit = %d; want 1", name, code)
		}
	}
	if code, out, _ := runPlan(t, "plan", "validate", filepath.Join(t.TempDir(), "missing.yaml")); code != 1 || !strings.Contains(out, "missing.yaml: open") {
		t.Errorf("validate missing file = %d %q; want exit 1 naming the file", code, out)
	}
	if code, _, _ := runPlan(t, "plan", "validate"); code != 1 {
		t.Errorf("validate without files exit = %d; want 1", code)
	}
}

func TestPlanRender(t *testing.T) {
	t.Parallel()
	code, out, _ := runPlan(t, "plan", "render", "--preset", "daily35", "--vault", "Default")
	p, err := plan.Daily35("daily35", "Default").Build()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := plan.MarshalCLI(p)
	if code != 0 || out != string(want) {
		t.Errorf("render daily35 = %d\n%s\nwant\n%s", code, out, want)
	}
	for _, f := range []string{"cli", "yaml", "terraform", "org-policy"} {
		for _, preset := range plan.PresetNames() {
			code, out, errOut := runPlan(t, "plan", "render", "--preset", preset, "--vault", "V1", "--name", "n1", "--format", f)
			if code != 0 || !strings.Contains(out, "n1") {
				t.Errorf("render %s %s = %d %s", preset, f, code, errOut)
				continue
			}
			// What render prints parses back to the same plan.
			path := writePlanFile(t, map[string]string{"cli": "p.json", "yaml": "p.yaml", "terraform": "p.tf.json", "org-policy": "org.json"}[f], out)
			specs, err := loadPlanSpecs(path)
			if err != nil || len(specs) != 1 {
				t.Errorf("reload %s %s: %v", preset, f, err)
				continue
			}
			b, _ := plan.Preset(preset, "n1", "V1")
			wantPlan, _ := b.Build()
			if d := plan.Diff(specs[0].Plan, wantPlan); len(d) != 0 {
				t.Errorf("render %s %s round trip differs: %s", preset, f, d)
			}
		}
	}
	for _, args := range [][]string{
		{"plan", "render", "--preset", "nope", "--vault", "V"},
		{"plan", "render", "--preset", "daily35"},
		{"plan", "render", "--preset", "daily35", "--vault", "V", "--format", "xml"},
		{"plan", "render", "--preset", "daily35", "--vault", "bad vault"},
	} {
		if code, _, _ := runPlan(t, args...); code != 1 {
			t.Errorf("%v exit = %d; want 1", args, code)
		}
	}
}

func TestPlanNext(t *testing.T) {
	t.Parallel()
	path := writePlanFile(t, "p.yaml", validPlanYAML)
	code, out, _ := runPlan(t, "plan", "next", path, "-n", "3", "--after", "2024-03-08T12:00:00Z")
	want := "cli-plan/daily  cron(30 2 * * ? *)  America/New_York\n" +
		"  2024-03-09T02:30:00-05:00\n  2024-03-11T02:30:00-04:00\n  2024-03-12T02:30:00-04:00\n"
	if code != 0 || out != want {
		t.Errorf("next = %d\n%s\nwant\n%s", code, out, want)
	}
	if code, _, _ := runPlan(t, "plan", "next", path, "-n", "0"); code != 1 {
		t.Errorf("next -n 0 exit = %d; want 1", code)
	}
	if code, _, _ := runPlan(t, "plan", "next", path, "--after", "yesterday"); code != 1 {
		t.Errorf("next --after yesterday exit = %d; want 1", code)
	}
}

func TestPlanDiffApply(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	if _, err := srv.Client().CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("Default")}); err != nil {
		t.Fatal(err)
	}
	path := writePlanFile(t, "p.yaml", validPlanYAML)
	conn := []string{"--endpoint", srv.URL, "--region", "us-east-1"}
	code, out, errOut := runPlan(t, append([]string{"plan", "diff", path}, conn...)...)
	if code != 0 || !strings.Contains(out, "plan cli-plan: will be created (1 rules, 1 selections)") {
		t.Fatalf("diff before apply = %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runPlan(t, append([]string{"plan", "apply", path}, conn...)...)
	if code != 0 || !strings.Contains(out, "): created") || !strings.Contains(out, "selection tagged: created") {
		t.Fatalf("first apply = %d\n%s%s", code, out, errOut)
	}
	writes := srv.CallCount("CreateBackupPlan") + srv.CallCount("UpdateBackupPlan") + srv.CallCount("CreateBackupSelection") + srv.CallCount("DeleteBackupSelection")
	code, out, _ = runPlan(t, append([]string{"plan", "apply", path}, conn...)...)
	if code != 0 || !strings.Contains(out, "): unchanged") || !strings.Contains(out, "selection tagged: unchanged") {
		t.Errorf("second apply = %d\n%s", code, out)
	}
	if got := srv.CallCount("CreateBackupPlan") + srv.CallCount("UpdateBackupPlan") + srv.CallCount("CreateBackupSelection") + srv.CallCount("DeleteBackupSelection"); got != writes {
		t.Errorf("second apply made %d write calls; want 0", got-writes)
	}
	code, out, _ = runPlan(t, append([]string{"plan", "diff", path}, conn...)...)
	if code != 0 || !strings.Contains(out, "no changes") || !strings.Contains(out, "selection tagged: no changes") {
		t.Errorf("diff after apply = %d\n%s", code, out)
	}
	extra, _ := plan.NewSelection("manual", "arn:aws:iam::123456789012:role/backup").Tag("x", "y").Build()
	live, err := plan.NewClient(srv.Client()).FindByName(t.Context(), "cli-plan")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.NewClient(srv.Client()).CreateSelection(t.Context(), live.ID, extra); err != nil {
		t.Fatal(err)
	}
	changed := writePlanFile(t, "p2.yaml", strings.Replace(validPlanYAML, "deleteAfterDays: 7", "deleteAfterDays: 14", 1))
	code, out, _ = runPlan(t, append([]string{"plan", "diff", changed}, conn...)...)
	if code != 0 || !strings.Contains(out, `~ Rules["daily"].Lifecycle.DeleteAfterDays: 7 -> 14`) || !strings.Contains(out, "selection manual: not in") {
		t.Errorf("diff changed = %d\n%s", code, out)
	}
	code, out, _ = runPlan(t, append([]string{"plan", "apply", changed}, conn...)...)
	if code != 0 || !strings.Contains(out, "): updated") {
		t.Errorf("apply changed = %d\n%s", code, out)
	}
	invalid := writePlanFile(t, "bad.yaml", strings.Replace(validPlanYAML, "deleteAfterDays: 7", "deleteAfterDays: 40000", 1))
	code, _, errOut = runPlan(t, append([]string{"plan", "apply", invalid}, conn...)...)
	if code != 1 || !strings.Contains(errOut, "Rules[0].Lifecycle.DeleteAfterDays: must be 1-36500 days") {
		t.Errorf("apply invalid = %d\n%s", code, errOut)
	}
}

func TestPlanDiffApplyTags(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	if _, err := srv.Client().CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("Default")}); err != nil {
		t.Fatal(err)
	}
	tagged := strings.Replace(validPlanYAML, "    rules:\n", "    tags:\n      managed-by: backupkit\n    rules:\n", 1)
	conn := []string{"--endpoint", srv.URL, "--region", "us-east-1"}
	if r := runBin(t, append([]string{"plan", "apply", writePlanFile(t, "p.yaml", tagged)}, conn...)...); r.code != 0 {
		t.Fatalf("first apply: %s", r)
	}
	changed := writePlanFile(t, "p2.yaml", strings.Replace(tagged, "managed-by: backupkit", "managed-by: terraform", 1))
	r := runBin(t, append([]string{"plan", "diff", changed}, conn...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "will be updated") || !strings.Contains(r.stdout, `~ BackupPlanTags["managed-by"]: backupkit -> terraform`) {
		t.Errorf("diff with a changed tag: %s\nwant the tag change", r)
	}
	r = runBin(t, append([]string{"plan", "apply", changed}, conn...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "): updated") || !strings.Contains(r.stdout, `~ BackupPlanTags["managed-by"]: backupkit -> terraform`) {
		t.Errorf("apply with a changed tag: %s\nwant updated", r)
	}
	live, err := plan.NewClient(srv.Client()).FindByName(t.Context(), "cli-plan")
	if err != nil {
		t.Fatal(err)
	}
	out, err := srv.Client().ListTags(t.Context(), &awsbackup.ListTagsInput{ResourceArn: aws.String(live.ARN)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Tags["managed-by"] != "terraform" || len(out.Tags) != 1 {
		t.Errorf("ListTags after apply = %v; want managed-by=terraform", out.Tags)
	}
	if r := runBin(t, append([]string{"plan", "diff", changed}, conn...)...); r.code != 0 || !strings.Contains(r.stdout, "no changes") {
		t.Errorf("diff after apply: %s\nwant no changes", r)
	}
}
