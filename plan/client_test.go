package plan_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/plan"
)

const roleARN = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"

// newEnv starts an emulator with the vaults the test plans use and returns
// a plan client over the real SDK client.
func newEnv(t *testing.T) (*backuptest.Server, *awsbackup.Client, *plan.Client) {
	t.Helper()
	srv := backuptest.NewServer(t)
	api := srv.Client(func(o *awsbackup.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	})
	for _, v := range []string{"Default", "Other"} {
		if _, err := api.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(v)}); err != nil {
			t.Fatalf("create vault %s: %v", v, err)
		}
	}
	return srv, api, plan.NewClient(api)
}

func mustBuild(t *testing.T, b *plan.Builder) *plan.Plan {
	t.Helper()
	p, err := b.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return p
}

func count(srv *backuptest.Server, ops ...string) int {
	n := 0
	for _, c := range srv.Calls() {
		for _, op := range ops {
			if c.Operation == op {
				n++
			}
		}
	}
	return n
}

func TestCreateGetRoundTrip(t *testing.T) {
	t.Parallel()
	srv, _, c := newEnv(t)
	p := mustBuild(t, plan.DailyWeeklyMonthly5Year("prod", "Default").Tag("team", "storage").WindowsVSS(true).
		AddRule(plan.NewRule("hourly", "Other").Schedule("cron(10 * * * ? *)").Timezone("Europe/Berlin").
			StartWithin(time.Hour).CompleteWithin(3*time.Hour).DeleteAfter(backup.Days(2)).RecoveryPointTag("k", "v").
			CopyTo("arn:aws:backup:eu-west-1:210987654321:backup-vault:dr", backup.Lifecycle{DeleteAfter: backup.Days(30)}).Index("EBS")))
	live, err := c.Create(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if live.ID == "" || live.VersionID == "" || !strings.Contains(live.ARN, live.ID) {
		t.Errorf("Create = %+v", live)
	}
	got, err := c.Get(t.Context(), live.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := plan.Diff(got.Plan, p); len(d) != 0 {
		t.Errorf("Diff(live, created) = %s; want none", d)
	}
	if got.CreatorRequestID != plan.CreatorRequestID(p) {
		t.Errorf("CreatorRequestId = %q; want %q", got.CreatorRequestID, plan.CreatorRequestID(p))
	}
	if len(got.Plan.AdvancedSettings) != 1 || got.Plan.AdvancedSettings[0].Options["WindowsVSS"] != "enabled" {
		t.Errorf("advanced settings = %+v", got.Plan.AdvancedSettings)
	}
	// A retried create (same plan, same CreatorRequestId) returns the same plan.
	again, err := c.Create(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != live.ID {
		t.Errorf("second Create made plan %s; want the same plan %s", again.ID, live.ID)
	}
	n := 0
	for l, err := range c.Plans(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		if l.ID == live.ID {
			n++
		}
	}
	if n != 1 || count(srv, "ListBackupPlans") != 1 {
		t.Errorf("plans with the ID = %d; want 1", n)
	}
}

func TestCreateRetriesThrottling(t *testing.T) {
	t.Parallel()
	srv, _, c := newEnv(t)
	srv.InjectFault(backuptest.Fault{Operation: "CreateBackupPlan", ErrorCode: "ThrottlingException", Count: 2})
	p := mustBuild(t, plan.Daily7("retry", "Default"))
	if _, err := c.Create(t.Context(), p); err != nil {
		t.Fatalf("Create through throttling = %v", err)
	}
	if got := count(srv, "CreateBackupPlan"); got != 3 {
		t.Errorf("CreateBackupPlan calls = %d; want 3 (2 throttled + 1)", got)
	}
	if _, err := c.FindByName(t.Context(), "retry"); err != nil {
		t.Errorf("FindByName after retries: %v", err)
	}
}

func TestCreateValidatesFirst(t *testing.T) {
	t.Parallel()
	srv, _, c := newEnv(t)
	bad := &plan.Plan{Name: "bad", Rules: []plan.Rule{{Name: "r", TargetVault: "Default", Lifecycle: backup.Lifecycle{MoveToColdStorageAfter: backup.Days(30), DeleteAfter: backup.Days(90)}}}}
	_, err := c.Create(t.Context(), bad)
	var ve *plan.ValidationError
	if !errors.As(err, &ve) || ve.Field != "Rules[0].Lifecycle.DeleteAfterDays" {
		t.Fatalf("Create(invalid) = %v; want ValidationError on Rules[0].Lifecycle.DeleteAfterDays", err)
	}
	if n := count(srv, "CreateBackupPlan"); n != 0 {
		t.Errorf("CreateBackupPlan calls = %d; want 0", n)
	}
	// SkipValidation sends it anyway; the emulator then rejects it like AWS.
	raw := plan.NewClient(srv.Client(), func(o *plan.Options) { o.SkipValidation = true })
	if _, err := raw.Create(t.Context(), bad); err == nil || errors.As(err, &ve) {
		t.Errorf("Create with SkipValidation = %v; want an API error", err)
	}
}

func TestUpdateAndVersions(t *testing.T) {
	t.Parallel()
	_, _, c := newEnv(t)
	p := mustBuild(t, plan.Daily35("versioned", "Default"))
	live, err := c.Create(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	p2 := mustBuild(t, plan.FromPlan(p).AddRule(plan.WeeklyRule("Default")))
	up, err := c.Update(t.Context(), live.ID, p2)
	if err != nil {
		t.Fatal(err)
	}
	if up.VersionID == live.VersionID || up.ID != live.ID {
		t.Errorf("Update = %+v; want a new version of %s", up, live.ID)
	}
	var versions []string
	for v, err := range c.Versions(t.Context(), live.ID) {
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v.VersionID)
	}
	if len(versions) != 2 {
		t.Fatalf("versions = %v; want 2", versions)
	}
	list, err := c.ListVersions(t.Context(), live.ID)
	if err != nil || len(list) != 2 || list[0].VersionID != versions[0] || list[0].CreationDate.IsZero() {
		t.Errorf("ListVersions = %+v, %v; want the 2 versions %v", list, err, versions)
	}
	if _, err := c.ListVersions(t.Context(), "no-such-plan"); err == nil {
		t.Errorf("ListVersions(no-such-plan) = nil error")
	}
	old, err := c.GetVersion(t.Context(), live.ID, live.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if len(old.Plan.Rules) != 1 {
		t.Errorf("first version has %d rules; want 1", len(old.Plan.Rules))
	}
	cur, err := c.Get(t.Context(), live.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := plan.Diff(cur.Plan, p2); len(d) != 0 {
		t.Errorf("Diff(current, updated) = %s", d)
	}
}

func TestEnsure(t *testing.T) {
	t.Parallel()
	srv, _, c := newEnv(t)
	p := mustBuild(t, plan.DailyMonthly1Year("ensure", "Default"))
	r1, err := c.Ensure(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Action != plan.Created {
		t.Errorf("first Ensure = %s; want created", r1.Action)
	}
	writes := func() int { return count(srv, "CreateBackupPlan", "UpdateBackupPlan", "DeleteBackupPlan") }
	before := writes()
	r2, err := c.Ensure(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Action != plan.Unchanged || r2.Live.ID != r1.Live.ID {
		t.Errorf("second Ensure = %s %s; want unchanged %s", r2.Action, r2.Live.ID, r1.Live.ID)
	}
	if got := writes(); got != before {
		t.Errorf("write calls for an unchanged plan = %d; want 0", got-before)
	}
	changed := mustBuild(t, plan.FromPlan(p).AddRules(plan.Rule{Name: "extra", TargetVault: "Other", Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(3)}}))
	changed.Rules[0].Lifecycle.DeleteAfter = backup.Days(40)
	r3, err := c.Ensure(t.Context(), changed)
	if err != nil {
		t.Fatal(err)
	}
	if r3.Action != plan.Updated || count(srv, "UpdateBackupPlan") != 1 {
		t.Fatalf("third Ensure = %s with %d updates; want one update", r3.Action, count(srv, "UpdateBackupPlan"))
	}
	got := r3.Changes.String()
	for _, want := range []string{`~ Rules["Daily"].Lifecycle.DeleteAfterDays: 35 -> 40`, `+ Rules["extra"]: cron(0 5 ? * * *) to Other, delete after 3 days`} {
		if !strings.Contains(got, want) {
			t.Errorf("Changes = %s; want a line %q", got, want)
		}
	}
	r4, err := c.Ensure(t.Context(), changed)
	if err != nil || r4.Action != plan.Unchanged {
		t.Errorf("Ensure after update = %v, %v; want unchanged", r4, err)
	}
}

func TestEnsureConvergesTags(t *testing.T) {
	t.Parallel()
	srv, api, c := newEnv(t)
	p := mustBuild(t, plan.Daily35("tagged", "Default").Tag("managed-by", "backupkit").Tag("team", "storage"))
	r1, err := c.Ensure(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.FindByName(t.Context(), "tagged")
	if err != nil {
		t.Fatal(err)
	}
	if live.Plan.Tags["managed-by"] != "backupkit" || live.Plan.Tags["team"] != "storage" {
		t.Errorf("FindByName tags = %v; want the tags set at creation", live.Plan.Tags)
	}
	changed := p.Clone()
	changed.Tags = map[string]string{"managed-by": "terraform", "cost-center": "42"}
	if d := plan.Diff(live.Plan, changed).String(); !strings.Contains(d, `~ BackupPlanTags["managed-by"]: backupkit -> terraform`) ||
		!strings.Contains(d, `- BackupPlanTags["team"]: storage`) || !strings.Contains(d, `+ BackupPlanTags["cost-center"]: 42`) {
		t.Errorf("Diff = %s; want the tag changes", d)
	}
	r2, err := c.Ensure(t.Context(), changed)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Action != plan.Updated || count(srv, "UpdateBackupPlan") != 0 || count(srv, "TagResource") != 1 || count(srv, "UntagResource") != 1 {
		t.Errorf("Ensure(tags changed) = %s with %d UpdateBackupPlan, %d TagResource, %d UntagResource; want updated through tags alone",
			r2.Action, count(srv, "UpdateBackupPlan"), count(srv, "TagResource"), count(srv, "UntagResource"))
	}
	out, err := api.ListTags(t.Context(), &awsbackup.ListTagsInput{ResourceArn: aws.String(r1.Live.ARN)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 2 || out.Tags["managed-by"] != "terraform" || out.Tags["cost-center"] != "42" {
		t.Errorf("ListTags = %v; want managed-by=terraform, cost-center=42", out.Tags)
	}
	if r3, err := c.Ensure(t.Context(), changed); err != nil || r3.Action != plan.Unchanged {
		t.Errorf("Ensure again = %v, %v; want unchanged", r3, err)
	}
}

func TestFindByName(t *testing.T) {
	t.Parallel()
	_, _, c := newEnv(t)
	if _, err := c.FindByName(t.Context(), "missing"); !errors.Is(err, plan.ErrNotFound) {
		t.Errorf("FindByName(missing) = %v; want ErrNotFound", err)
	}
	a := mustBuild(t, plan.Daily35("twin", "Default"))
	b := mustBuild(t, plan.Daily7("twin", "Default"))
	for _, p := range []*plan.Plan{a, b} {
		if _, err := c.Create(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	var amb *plan.AmbiguousNameError
	if _, err := c.FindByName(t.Context(), "twin"); !errors.As(err, &amb) || len(amb.IDs) != 2 {
		t.Errorf("FindByName(twin) = %v; want AmbiguousNameError with 2 IDs", err)
	}
	if _, err := c.Ensure(t.Context(), a); !errors.As(err, &amb) {
		t.Errorf("Ensure(ambiguous) = %v; want AmbiguousNameError", err)
	}
}

func TestSelectionsAndDelete(t *testing.T) {
	t.Parallel()
	srv, api, c := newEnv(t)
	live, err := c.Create(t.Context(), mustBuild(t, plan.Daily35("with-sel", "Default")))
	if err != nil {
		t.Fatal(err)
	}
	sel, err := plan.NewSelection("prod", roleARN).AllOfType("EBS").Where(plan.StringEquals, "env", "prod").Build()
	if err != nil {
		t.Fatal(err)
	}
	id, act, err := c.EnsureSelection(t.Context(), live.ID, sel)
	if err != nil || act != plan.Created || id == "" {
		t.Fatalf("EnsureSelection = %q %s %v; want created", id, act, err)
	}
	creates := count(srv, "CreateBackupSelection")
	id2, act, err := c.EnsureSelection(t.Context(), live.ID, sel)
	if err != nil || act != plan.Unchanged || id2 != id || count(srv, "CreateBackupSelection") != creates {
		t.Errorf("EnsureSelection(same) = %q %s %v; want unchanged %q without a create", id2, act, err, id)
	}
	changed := sel.Clone()
	changed.NotResources = []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-scratch"}
	id3, act, err := c.EnsureSelection(t.Context(), live.ID, changed)
	if err != nil || act != plan.Updated || id3 == id {
		t.Errorf("EnsureSelection(changed) = %q %s %v; want updated with a new id", id3, act, err)
	}
	// Changed back to the original: a fresh selection again, not the deleted one.
	id4, act, err := c.EnsureSelection(t.Context(), live.ID, sel)
	if err != nil || act != plan.Updated || id4 == id || id4 == id3 {
		t.Errorf("EnsureSelection(back to original) = %q %s %v; want updated with a new id", id4, act, err)
	}
	if _, act, _ := c.EnsureSelection(t.Context(), live.ID, changed); act != plan.Updated {
		t.Errorf("EnsureSelection(changed again) = %s; want updated", act)
	}
	other, _ := plan.NewSelection("tagged", roleARN).Tag("backup", "daily").Build()
	if _, err := c.CreateSelection(t.Context(), live.ID, other); err != nil {
		t.Fatal(err)
	}
	sels, err := c.Selections(t.Context(), live.ID)
	if err != nil || len(sels) != 2 {
		t.Fatalf("Selections = %d, %v; want 2", len(sels), err)
	}
	for _, s := range sels {
		want := changed
		if s.Selection.Name == "tagged" {
			want = other
		}
		if !plan.SelectionsEqual(s.Selection, want) {
			t.Errorf("live selection %+v; want %+v", s.Selection, want)
		}
	}
	// AWS refuses to delete a plan that still has selections.
	if err := c.Delete(t.Context(), live.ID); err == nil {
		t.Errorf("Delete with selections = nil; want an error")
	}
	if err := c.Delete(t.Context(), live.ID, func(o *plan.DeleteOptions) { o.DeleteSelections = true }); err != nil {
		t.Fatalf("Delete(DeleteSelections) = %v", err)
	}
	if n := count(srv, "DeleteBackupSelection"); n != 5 {
		t.Errorf("DeleteBackupSelection calls = %d; want 5 (3 replacements + 2)", n)
	}
	for _, call := range srv.Calls() {
		if strings.HasPrefix(call.Operation, "Delete") && call.Operation != "DeleteBackupSelection" && call.Operation != "DeleteBackupPlan" {
			t.Errorf("Delete also called %s", call.Operation)
		}
	}
	if _, err := api.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("Default")}); err != nil {
		t.Errorf("vault gone after plan delete: %v", err)
	}
	if _, err := c.FindByName(t.Context(), "with-sel"); !errors.Is(err, plan.ErrNotFound) {
		t.Errorf("FindByName after delete = %v; want ErrNotFound", err)
	}
	// Ensuring the same plan again makes a new plan with a token that is not
	// the deleted plan's.
	again, err := c.Ensure(t.Context(), mustBuild(t, plan.Daily35("with-sel", "Default")))
	if err != nil || again.Action != plan.Created || again.Live.ID == live.ID {
		t.Fatalf("Ensure after delete = %+v, %v; want a new plan", again, err)
	}
	got, err := c.Get(t.Context(), again.Live.ID)
	if err != nil || got.CreatorRequestID == live.CreatorRequestID || got.CreatorRequestID != again.Live.CreatorRequestID {
		t.Errorf("recreated plan token = %q (deleted plan had %q)", got.CreatorRequestID, live.CreatorRequestID)
	}
	if _, err := c.CreateSelection(t.Context(), "nope", &plan.Selection{Name: "x"}); err == nil {
		t.Errorf("CreateSelection(invalid) = nil")
	}
}
