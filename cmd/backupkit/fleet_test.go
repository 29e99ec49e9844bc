package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/backupkit/backupkit/backuptest"
)

// fleetServer is an emulator with an organization of three member accounts
// with roles in two OUs (prod: payments, web; dev: lab) plus one with no
// role (sandbox, dev), resources in two Regions, and a backup plan in
// payments' us-east-1 that selects backup=daily.
func fleetServer(t *testing.T) (srv *backuptest.Server, prodOU string) {
	t.Helper()
	srv = backuptest.NewServer(t)
	err := srv.SeedOrganization(backuptest.OrgSpec{
		OUs: []backuptest.OUSpec{{ID: "ou-root-prod0001", Name: "prod"}, {ID: "ou-root-dev00001", Name: "dev"}},
		Accounts: []backuptest.AccountSpec{
			{ID: "111111111111", Name: "payments", OU: "prod", Tags: map[string]string{"env": "prod"}},
			{ID: "222222222222", Name: "web", OU: "prod", Tags: map[string]string{"env": "prod"}},
			{ID: "333333333333", Name: "lab", OU: "dev", Tags: map[string]string{"env": "dev"}},
			{ID: "444444444444", Name: "sandbox", OU: "dev", Roles: &[]backuptest.RoleSpec{}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []backuptest.Resource{
		{ARN: "arn:aws:ec2:us-east-1:111111111111:volume/vol-pay1", Tags: map[string]string{"backup": "daily"}},
		{ARN: "arn:aws:dynamodb:us-east-1:111111111111:table/orders", Tags: map[string]string{"backup": "daily"}},
		{ARN: "arn:aws:ec2:eu-west-1:111111111111:volume/vol-pay2"},
		{ARN: "arn:aws:ec2:us-east-1:222222222222:volume/vol-web1"},
		{ARN: "arn:aws:ec2:eu-west-1:222222222222:volume/vol-web2"},
		{ARN: "arn:aws:ec2:us-east-1:333333333333:volume/vol-lab1"},
	} {
		if err := srv.PutResource(r); err != nil {
			t.Fatal(err)
		}
	}
	b := srv.ClientFor("111111111111", "us-east-1")
	if _, err := b.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")}); err != nil {
		t.Fatal(err)
	}
	p, err := b.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("daily"),
		Rules:          []backuptypes.BackupRuleInput{{RuleName: aws.String("nightly"), TargetBackupVaultName: aws.String("main"), ScheduleExpression: aws.String("cron(0 5 * * ? *)")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateBackupSelection(t.Context(), &awsbackup.CreateBackupSelectionInput{BackupPlanId: p.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{
		SelectionName: aws.String("tagged"), IamRoleArn: aws.String("arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"),
		ListOfTags: []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}},
	}}); err != nil {
		t.Fatal(err)
	}
	return srv, "ou-root-prod0001"
}

type fleetJSON struct {
	Targets []struct {
		Account, AccountName, Region, Error string
		Result                              json.RawMessage
	}
	Succeeded, Failed int
}

// coverage across the organization: per-account and per-Region figures,
// the account with no role failed with its role ARN and the caller, and
// exit 1 for the failure; --ou narrows to prod and exits 0.
func TestFleetCoverageAcrossOrganization(t *testing.T) {
	t.Parallel()
	srv, prod := fleetServer(t)
	code, out, errOut := runCLI(t, "coverage", "--endpoint", srv.URL, "--org", "--regions", "us-east-1,eu-west-1", "--json")
	if code != exitErr {
		t.Fatalf("exit %d; want %d (one account failed)\nstderr: %s", code, exitErr, errOut)
	}
	var doc fleetJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not the fleet JSON: %v\n%s", err, out)
	}
	// 5 accounts (the management account too) × 2 Regions.
	if len(doc.Targets) != 10 || doc.Succeeded != 8 || doc.Failed != 2 {
		t.Fatalf("targets %d, succeeded %d, failed %d; want 10, 8, 2", len(doc.Targets), doc.Succeeded, doc.Failed)
	}
	figures := map[string]string{}
	for _, tg := range doc.Targets {
		key := tg.Account + "/" + tg.Region
		if tg.Error != "" {
			if tg.Account != "444444444444" || !strings.Contains(tg.Error, "arn:aws:iam::444444444444:role/OrganizationAccountAccessRole") ||
				!strings.Contains(tg.Error, "arn:aws:iam::"+backuptest.DefaultAccountID+":user/") || !strings.Contains(tg.Error, "AccessDenied") {
				t.Errorf("%s failed with %q; want only sandbox, naming the role ARN, the caller and AccessDenied", key, tg.Error)
			}
			continue
		}
		var rep struct {
			Resources []struct {
				ARN         string `json:"arn"`
				Protections []any  `json:"protections"`
			} `json:"resources"`
			Unprotected []string `json:"unprotected"`
		}
		if err := json.Unmarshal(tg.Result, &rep); err != nil {
			t.Fatal(err)
		}
		figures[key] = strconv.Itoa(len(rep.Resources)) + "/" + strconv.Itoa(len(rep.Unprotected))
	}
	want := map[string]string{
		"111111111111/us-east-1": "2/0", "111111111111/eu-west-1": "1/1",
		"222222222222/us-east-1": "1/1", "222222222222/eu-west-1": "1/1",
		"333333333333/us-east-1": "1/1", "333333333333/eu-west-1": "0/0",
		backuptest.DefaultAccountID + "/us-east-1": "0/0", backuptest.DefaultAccountID + "/eu-west-1": "0/0",
	}
	for k, v := range want {
		if figures[k] != v {
			t.Errorf("%s: resources/unprotected = %q; want %q", k, figures[k], v)
		}
	}
	if !strings.Contains(errOut, "10 targets: 8 succeeded, 2 failed") {
		t.Errorf("stderr lacks the final count:\n%s", errOut)
	}

	// One OU: no failure; the table has ACCOUNT and REGION columns and
	// the final line.
	code, out, errOut = runCLI(t, "coverage", "--endpoint", srv.URL, "--org", "--ou", prod, "--regions", "us-east-1,eu-west-1")
	if code != exitOK {
		t.Fatalf("--ou prod: exit %d; want 0\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "ACCOUNT") || !strings.Contains(lines[0], "REGION") || !strings.Contains(out, "111111111111  us-east-1  arn:aws:ec2:us-east-1:111111111111:volume/vol-pay1") {
		t.Errorf("table:\n%s", out)
	}
	if strings.Contains(out, "333333333333") || lines[len(lines)-1] != "4 targets: 4 succeeded, 0 failed" {
		t.Errorf("--ou prod lists another OU's account or lacks the final line:\n%s", out)
	}
	// The gate: unprotected resources in prod exit 2.
	if code, out, errOut = runCLI(t, "coverage", "--endpoint", srv.URL, "--org", "--ou", prod, "--regions", "us-east-1,eu-west-1", "--fail-on-unprotected"); code != exitFailed {
		t.Errorf("--fail-on-unprotected with unprotected resources: exit %d; want %d\n%s%s", code, exitFailed, out, errOut)
	}
	// An account tag filter, and a static list of accounts with its own
	// Region list.
	code, out, _ = runCLI(t, "coverage", "--endpoint", srv.URL, "--org", "--account-tag", "env=dev", "--regions", "us-east-1", "--json")
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitOK || len(doc.Targets) != 1 || doc.Targets[0].Account != "333333333333" {
		t.Errorf("--account-tag env=dev: exit %d, %+v (%v); want lab only", code, doc.Targets, err)
	}
}

// status and advise across a static list of accounts in the enabled
// Regions, and the caller's own account in named Regions.
func TestFleetStatusAndAdvise(t *testing.T) {
	t.Parallel()
	srv, _ := fleetServer(t)
	code, out, errOut := runCLI(t, "status", "--endpoint", srv.URL, "--accounts", "111111111111,333333333333", "--regions", "enabled")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// 17 Regions enabled by default in each of two accounts.
	if !strings.Contains(out, "34 targets: 34 succeeded, 0 failed") || !strings.Contains(out, "333333333333  ap-northeast-1") {
		t.Errorf("status over enabled Regions:\n%s", out)
	}
	code, out, errOut = runCLI(t, "advise", "--endpoint", srv.URL, "--regions", "us-east-1,eu-west-1", "--min-severity", "high")
	if code != exitOK {
		t.Fatalf("advise: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.HasPrefix(out, "ACCOUNT") || !strings.Contains(out, "2 targets: 2 succeeded, 0 failed") || strings.Contains(out, "111111111111") {
		t.Errorf("advise in the caller's own account, two Regions:\n%s", out)
	}
	code, out, errOut = runCLI(t, "advise", "--endpoint", srv.URL, "--accounts", "111111111111,444444444444", "--regions", "us-east-1", "--fail-on", "high")
	if code != exitErr || !strings.Contains(out, "recovery-point-missing") || !strings.Contains(out, "444444444444") || !strings.Contains(errOut, "1 of 2 targets failed") {
		t.Errorf("advise with a failed account: exit %d; want 1 (a failure outranks the gate)\n%s%s", code, out, errOut)
	}
}

// Every fleet flag is checked before any call: the emulator sees none.
func TestFleetFlagsCheckedFirst(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--accounts", "12345"}, []string{`--accounts: "12345" is not a 12-digit account id`}},
		{[]string{"--accounts", "111111111111", "--regions", "us-east-1,mars-1"}, []string{`--regions: "mars-1" is not an AWS Region`}},
		{[]string{"--org", "--accounts", "111111111111"}, []string{"--accounts and --org exclude each other"}},
		{[]string{"--accounts", "111111111111", "--role-name", "no spaces"}, []string{`--role-name: "no spaces" is not a valid IAM role name`}},
		{[]string{"--org", "--ou", "prod//eu"}, []string{`--ou: "prod//eu" is not an OU id (ou-xxxx-xxxxxxxx), root id (r-xxxx), OU name`}},
		{[]string{"--ou", "ou-abcd-12345678"}, []string{"--ou needs a fleet"}},
		{[]string{"--org", "--ou", ""}, []string{"--ou: give an OU id"}},
		{[]string{"--accounts", "111111111111", "--ou", "ou-abcd-12345678"}, []string{"--ou needs --org"}},
		{[]string{"--org", "--account-tag", "env"}, []string{`--account-tag: "env" is not KEY=VALUE`}},
		{[]string{"--regions", "enabled,us-east-1"}, []string{`"enabled" stands alone`}},
		{[]string{"--accounts", "111111111111", "--concurrency", "0", "--external-id", "x"}, []string{"--concurrency 0: must be 1 to 256", "--external-id: must be"}},
	} {
		for _, cmd := range []string{"status", "coverage", "advise"} {
			args := append([]string{cmd, "--endpoint", srv.URL}, tc.args...)
			code, out, errOut := runCLI(t, args...)
			if code != exitErr {
				t.Errorf("%v: exit %d; want %d", args, code, exitErr)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("%v: stderr %q; want it to say %q", args, errOut, w)
				}
			}
			if out != "" {
				t.Errorf("%v printed %q", args, out)
			}
		}
	}
	if calls := srv.Calls(); len(calls) > 0 {
		var ops []string
		for _, c := range calls {
			ops = append(ops, c.Operation)
		}
		t.Errorf("bad flags made calls: %v", slices.Compact(ops))
	}
}

// An OU that does not exist is a clear error naming it (after the one
// Organizations call that finds it missing).
func TestFleetMissingOU(t *testing.T) {
	t.Parallel()
	srv, _ := fleetServer(t)
	code, out, errOut := runCLI(t, "status", "--endpoint", srv.URL, "--org", "--ou", "ou-zzzz-zzzzzzzz")
	if code != exitErr || out != "" || !strings.Contains(errOut, "ou-zzzz-zzzzzzzz") || !strings.Contains(errOut, "not found in the organization") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 naming the OU", code, out, errOut)
	}
}

// drill across accounts: one report with a section per account and
// Region, the account with no role reported as not drilled, exit 1.
func TestFleetDrillReport(t *testing.T) {
	t.Parallel()
	srv, _ := fleetServer(t)
	b := srv.ClientFor("111111111111", "us-east-1")
	job, err := b.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("main"), ResourceArn: aws.String("arn:aws:ec2:us-east-1:111111111111:volume/vol-pay1"),
		IamRoleArn: aws.String("arn:aws:iam::111111111111:role/backup"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for {
		d, err := b.DescribeBackupJob(t.Context(), &awsbackup.DescribeBackupJobInput{BackupJobId: job.BackupJobId})
		if err != nil {
			t.Fatal(err)
		}
		if d.State == backuptypes.BackupJobStateCompleted {
			break
		}
		if d.State == backuptypes.BackupJobStateFailed {
			t.Fatalf("backup job failed: %s", aws.ToString(d.StatusMessage))
		}
		time.Sleep(20 * time.Millisecond)
	}
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "drill", "--endpoint", srv.URL, "--accounts", "111111111111,444444444444", "--regions", "us-east-1",
		"--vault", "main", "--role", "arn:aws:iam::{account}:role/backup", "--poll-interval", "20ms", "--out", dir)
	if code != exitErr {
		t.Fatalf("exit %d; want 1 (sandbox has no role)\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "111111111111  us-east-1  1        1       0") || !strings.Contains(out, "2 targets: 1 succeeded, 1 failed") {
		t.Errorf("summary:\n%s", out)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Account 111111111111\n", "### us-east-1", "arn:aws:ec2:us-east-1:111111111111:volume/vol-pay1", "## Account 444444444444\n", "Not drilled: cannot assume arn:aws:iam::444444444444:role/OrganizationAccountAccessRole"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "<h2>Account 111111111111</h2>") || !strings.Contains(string(html), "<h3>us-east-1</h3>") {
		t.Errorf("report.html lacks the account and Region sections")
	}
	// JUnit: a suite per account and Region; the one that could not run is
	// a failed case.
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &junit); err != nil {
		t.Fatalf("report.xml: %v\n%s", err, data)
	}
	if junit.Tests != 2 || junit.Failures != 1 || len(junit.Suites) != 2 ||
		junit.Suites[0].Name != "restore-drill 111111111111 us-east-1" || len(junit.Suites[0].Cases) != 1 || junit.Suites[0].Cases[0].Failure != nil ||
		junit.Suites[1].Name != "restore-drill 444444444444 us-east-1" || len(junit.Suites[1].Cases) != 1 || junit.Suites[1].Cases[0].Failure == nil ||
		!strings.Contains(junit.Suites[1].Cases[0].Failure.Message, "cannot assume arn:aws:iam::444444444444:role/") {
		t.Errorf("report.xml: %+v\n%s", junit, data)
	}
	props := map[string]string{}
	for _, p := range junit.Suites[0].Props {
		props[p.Name] = p.Value
	}
	if props["account"] != "111111111111" || props["region"] != "us-east-1" || !strings.Contains(props["operator"], "arn:aws:") || props["restoreRole"] != "arn:aws:iam::111111111111:role/backup" {
		t.Errorf("JUnit audit properties %v; want the target's account, Region, role and the operator", props)
	}
	// History: the drilled target's report, as a one-account drill appends it.
	hist, err := filepath.Glob(filepath.Join(filepath.Dir(dir), "drill-history", "*.json"))
	if err != nil || len(hist) != 1 || !strings.Contains(out, "History: "+hist[0]) {
		t.Fatalf("history files %v (%v); want one, named in the output:\n%s", hist, err, out)
	}
	var h struct {
		Audit   struct{ Account, Region string }
		Targets []struct{ ResourceARN string }
	}
	if data, err := os.ReadFile(hist[0]); err != nil || json.Unmarshal(data, &h) != nil || h.Audit.Account != "111111111111" || h.Audit.Region != "us-east-1" || len(h.Targets) != 1 {
		t.Errorf("history report %+v (%v); want 111111111111 us-east-1 with one target", h, err)
	}
	// status counts the backup job and the drill's restore job.
	code, out, errOut = runCLI(t, "status", "--endpoint", srv.URL, "--accounts", "111111111111", "--regions", "us-east-1,eu-west-1")
	if code != exitOK {
		t.Fatalf("status: exit %d\n%s%s", code, out, errOut)
	}
	var row []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == "111111111111" && f[1] == "us-east-1" {
			row = f
		}
	}
	// ACCOUNT REGION BACKUP-JOBS COMPLETED FAILED COPY-JOBS RESTORE-JOBS RESOURCES WORST-RPO
	if len(row) != 9 || row[2] != "1" || row[3] != "1" || row[4] != "0" || row[6] != "1" || row[7] != "1" {
		t.Errorf("status row %q; want 1 backup job completed, 1 restore job, 1 resource\n%s", row, out)
	}
	// Flags a fleet drill cannot take, before any call.
	code, _, errOut = runCLI(t, "drill", "--endpoint", srv.URL, "--org", "--selection", "p/s", "--role", "arn:aws:iam::111111111111:role/r")
	if code != exitErr || !strings.Contains(errOut, "--selection names one account's plan") || !strings.Contains(errOut, "{account}") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut = runCLI(t, "drill", "--org"); code != exitErr || !strings.Contains(errOut, "needs --aws or --endpoint") {
		t.Errorf("demo with --org: exit %d, stderr %q", code, errOut)
	}
}

// plan apply and diff across accounts: "$account" becomes each target's
// account, a second apply changes nothing, the account with no role fails.
func TestFleetPlanApply(t *testing.T) {
	t.Parallel()
	srv, _ := fleetServer(t)
	file := writePlanFile(t, "fleet.yaml", `plans:
  - name: fleet-daily
    rules:
      - name: daily
        vault: main
        schedule: cron(30 2 * * ? *)
    selections:
      - name: tagged
        iamRole: arn:aws:iam::$account:role/backup
        listOfTags:
          - key: backup
            value: daily
`)
	code, out, errOut := runCLI(t, "plan", "apply", file, "--endpoint", srv.URL, "--accounts", "111111111111,444444444444", "--regions", "us-east-1")
	if code != exitErr || !strings.Contains(out, "111111111111  us-east-1       plan fleet-daily (") || !strings.Contains(out, "111111111111  us-east-1         selection tagged: created") ||
		!strings.Contains(out, "2 targets: 1 succeeded, 1 failed") || !strings.HasPrefix(out, "ACCOUNT") {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	b := srv.ClientFor("111111111111", "us-east-1")
	plans, err := b.ListBackupPlans(t.Context(), &awsbackup.ListBackupPlansInput{})
	if err != nil {
		t.Fatal(err)
	}
	var id *string
	for _, p := range plans.BackupPlansList {
		if aws.ToString(p.BackupPlanName) == "fleet-daily" {
			id = p.BackupPlanId
		}
	}
	sels, err := b.ListBackupSelections(t.Context(), &awsbackup.ListBackupSelectionsInput{BackupPlanId: id})
	if err != nil || len(sels.BackupSelectionsList) != 1 {
		t.Fatalf("selections: %v %v", sels, err)
	}
	if got := aws.ToString(sels.BackupSelectionsList[0].IamRoleArn); got != "arn:aws:iam::111111111111:role/backup" {
		t.Errorf("selection role %s; want $account replaced by 111111111111", got)
	}
	code, out, errOut = runCLI(t, "plan", "diff", file, "--endpoint", srv.URL, "--accounts", "111111111111", "--regions", "us-east-1")
	if code != exitOK || !strings.Contains(out, "111111111111  us-east-1       plan fleet-daily (") || !strings.Contains(out, "no changes") || strings.Contains(out, "will be") {
		t.Errorf("diff after apply: exit %d\n%s%s", code, out, errOut)
	}
	// Without a fleet, "$account" is still an error, before any call.
	if code, _, errOut = runCLI(t, "plan", "apply", file, "--endpoint", srv.URL); code != exitErr || !strings.Contains(errOut, `"$account"`) {
		t.Errorf("apply without a fleet: exit %d, %s", code, errOut)
	}
}

// --ou takes a name or a path as well as an id; an unknown or ambiguous
// name is an error before any call but the OU lookup.
func TestFleetOUNames(t *testing.T) {
	t.Parallel()
	srv, _ := fleetServer(t)
	if err := srv.SeedOrganization(backuptest.OrgSpec{OUs: []backuptest.OUSpec{
		{ID: "ou-root-prodeu01", Name: "eu", Parent: "ou-root-prod0001"},
		{ID: "ou-root-deveu001", Name: "eu", Parent: "ou-root-dev00001"},
	}}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "coverage", "--endpoint", srv.URL, "--org", "--ou", "prod", "--regions", "us-east-1", "--json")
	var doc fleetJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitOK {
		t.Fatalf("--ou prod: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	var got []string
	for _, tg := range doc.Targets {
		got = append(got, tg.Account)
	}
	if !slices.Equal(got, []string{"111111111111", "222222222222"}) {
		t.Errorf("--ou prod: accounts %v; want payments and web", got)
	}
	for _, tc := range []struct {
		ou   string
		want []string
	}{
		{"staging", []string{`--ou: organizational unit "staging": no OU has this name or path`}},
		{"eu", []string{`organizational unit "eu" names more than one organizational unit`, "prod/eu (ou-root-prodeu01)", "dev/eu (ou-root-deveu001)", "give the id or the path"}},
	} {
		n := len(srv.Calls())
		code, out, errOut := runCLI(t, "status", "--endpoint", srv.URL, "--org", "--ou", tc.ou)
		if code != exitErr || out != "" {
			t.Errorf("--ou %s: exit %d, stdout %q; want exit 1 and nothing printed", tc.ou, code, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("--ou %s: stderr %q lacks %q", tc.ou, errOut, w)
			}
		}
		for _, c := range srv.Calls()[n:] {
			if c.Operation != "ListRoots" && c.Operation != "ListOrganizationalUnitsForParent" {
				t.Errorf("--ou %s: called %s after the lookup failed", tc.ou, c.Operation)
			}
		}
	}
	// A drill too stops there, before it prints anything.
	code, out, errOut = runCLI(t, "drill", "--endpoint", srv.URL, "--org", "--ou", "staging", "--vault", "main",
		"--role", "arn:aws:iam::{account}:role/backup", "--out", t.TempDir())
	if code != exitErr || out != "" || !strings.Contains(errOut, `--ou: organizational unit "staging"`) {
		t.Errorf("drill --ou staging: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// A path picks one of the two.
	code, out, errOut = runCLI(t, "status", "--endpoint", srv.URL, "--org", "--ou", "prod/eu")
	if code != exitErr || !strings.Contains(errOut, "no ACTIVE account") {
		t.Errorf("--ou prod/eu (no accounts): exit %d\n%s%s", code, out, errOut)
	}
}

// status --org reads every account's jobs with cross-account monitoring
// when the caller is the management account or AWS Backup's delegated
// administrator (no role assumed: even the account with no role is read),
// and runs the report in each account otherwise.
func TestFleetStatusCrossAccount(t *testing.T) {
	t.Parallel()
	srv, _ := fleetServer(t)
	for _, j := range []struct{ account, region, arn string }{
		{"111111111111", "us-east-1", "arn:aws:ec2:us-east-1:111111111111:volume/vol-pay1"},
		{"222222222222", "eu-west-1", "arn:aws:ec2:eu-west-1:222222222222:volume/vol-web2"},
		{"444444444444", "us-east-1", "arn:aws:ec2:us-east-1:444444444444:volume/vol-sand1"},
	} {
		b := srv.ClientFor(j.account, j.region)
		if j.account != "111111111111" {
			if err := srv.PutResource(backuptest.Resource{ARN: j.arn}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(j.arn),
			IamRoleArn: aws.String("arn:aws:iam::" + j.account + ":role/backup")}); err != nil {
			t.Fatal(err)
		}
	}
	figures := func(out string) map[string]int {
		t.Helper()
		var doc fleetJSON
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not the fleet JSON: %v\n%s", err, out)
		}
		got := map[string]int{}
		for _, tg := range doc.Targets {
			if tg.Error != "" {
				got[tg.Account+"/"+tg.Region] = -1
				continue
			}
			var rep struct {
				Counts    map[string]map[string]int `json:"counts"`
				Resources []struct {
					AgeSeconds *float64 `json:"ageSeconds"`
				} `json:"resources"`
			}
			if err := json.Unmarshal(tg.Result, &rep); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range rep.Counts["BACKUP"] {
				n += c
			}
			got[tg.Account+"/"+tg.Region] = n
		}
		return got
	}
	assumed := func(from int) (n int) {
		for _, c := range srv.Calls()[from:] {
			if c.Operation == "AssumeRole" {
				n++
			}
		}
		return n
	}
	want := map[string]int{
		"111111111111/us-east-1": 1, "111111111111/eu-west-1": 0, "222222222222/us-east-1": 0, "222222222222/eu-west-1": 1,
		"333333333333/us-east-1": 0, "333333333333/eu-west-1": 0, "444444444444/us-east-1": 1, "444444444444/eu-west-1": 0,
		backuptest.DefaultAccountID + "/us-east-1": 0, backuptest.DefaultAccountID + "/eu-west-1": 0,
	}
	check := func(who string, got map[string]int) {
		t.Helper()
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s backup jobs %d; want %d", who, k, got[k], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d targets; want %d", who, len(got), len(want))
		}
	}

	// The management account: one listing per Region.
	n := len(srv.Calls())
	code, out, errOut := runCLI(t, "status", "--endpoint", srv.URL, "--org", "--regions", "us-east-1,eu-west-1", "--json")
	if code != exitOK || !strings.Contains(errOut, backuptest.DefaultAccountID+" monitors the organization") || !strings.Contains(errOut, "10 targets: 10 succeeded, 0 failed") {
		t.Fatalf("management: exit %d\n%s", code, errOut)
	}
	check("management", figures(out))
	if a := assumed(n); a != 0 {
		t.Errorf("management: %d AssumeRole calls; want none", a)
	}

	// A member account that may read the organization (AWS Config's
	// delegated administrator) but is not AWS Backup's: each account on its
	// own, through its role (which trusts only the management account
	// here, so only the caller's own account succeeds).
	org := srv.Organization()
	for _, sp := range []string{"config.amazonaws.com", "backup.amazonaws.com"} {
		if _, err := org.EnableAWSServiceAccess(t.Context(), &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(sp)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := org.RegisterDelegatedAdministrator(t.Context(), &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String("333333333333"), ServicePrincipal: aws.String("config.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	lab := cleanEnv(t, "AWS_ACCESS_KEY_ID=AKIDBACKUPKIT333333333333")
	n = len(srv.Calls())
	r := runBinEnv(t, lab, "status", "--endpoint", srv.URL, "--org", "--regions", "us-east-1", "--json")
	if r.code != exitErr || strings.Contains(r.stderr, "monitors the organization") || assumed(n) == 0 {
		t.Fatalf("member: want the runner (AssumeRole calls) and failed targets\n%s", r)
	}
	if got := figures(r.stdout); got["333333333333/us-east-1"] != 0 || got["111111111111/us-east-1"] != -1 {
		t.Errorf("member: figures %v; want its own account read and the others failed", got)
	}

	// The same member as AWS Backup's delegated administrator: the
	// cross-account listing again.
	if _, err := org.RegisterDelegatedAdministrator(t.Context(), &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String("333333333333"), ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	n = len(srv.Calls())
	r = runBinEnv(t, lab, "status", "--endpoint", srv.URL, "--org", "--regions", "us-east-1,eu-west-1", "--json")
	if r.code != exitOK || !strings.Contains(r.stderr, "333333333333 monitors the organization") {
		t.Fatalf("delegated administrator:\n%s", r)
	}
	check("delegated administrator", figures(r.stdout))
	if a := assumed(n); a != 0 {
		t.Errorf("delegated administrator: %d AssumeRole calls; want none", a)
	}
	// The table has the same rows.
	code, out, _ = runCLI(t, "status", "--endpoint", srv.URL, "--org", "--ou", "dev", "--regions", "us-east-1")
	if code != exitOK || !strings.Contains(out, "444444444444  us-east-1  1") || !strings.Contains(out, "2 targets: 2 succeeded, 0 failed") {
		t.Errorf("table:\n%s", out)
	}
}

// advise across a fleet gates like advise in one account: --fail-on counts
// every finding, also those --min-severity hides.
func TestFleetAdviseGateMatchesOneAccount(t *testing.T) {
	t.Parallel()
	srv, _ := fleetServer(t)
	one, oneOut, oneErr := runCLI(t, "advise", "--endpoint", srv.URL, "--min-severity", "critical", "--fail-on", "info")
	many, manyOut, manyErr := runCLI(t, "advise", "--endpoint", srv.URL, "--regions", "us-east-1", "--min-severity", "critical", "--fail-on", "info")
	if one != exitFailed || many != exitFailed {
		t.Errorf("one account: exit %d; fleet: exit %d; want both %d (hidden findings still trip the gate)\n%s%s\n%s%s", one, many, exitFailed, oneOut, oneErr, manyOut, manyErr)
	}
}
