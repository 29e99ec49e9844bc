package plan_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/plan"
)

func ExampleNew() {
	p, err := plan.New("prod").
		AddRule(plan.NewRule("daily", "Default").
			Schedule("cron(0 5 ? * * *)").Timezone("Europe/Berlin").
			StartWithin(time.Hour).CompleteWithin(8*time.Hour).
			MoveToColdAfter(backup.Days(30)).DeleteAfter(backup.Days(120)).
			CopyTo("arn:aws:backup:eu-west-1:210987654321:backup-vault:dr", backup.Lifecycle{DeleteAfter: backup.Days(35)})).
		Tag("team", "storage").
		Build()
	if err != nil {
		log.Fatal(err)
	}
	in := p.ToSDK()
	fmt.Println(*in.BackupPlanName, *in.Rules[0].StartWindowMinutes, *in.Rules[0].Lifecycle.DeleteAfterDays)
	// Output: prod 60 120
}

func ExampleBuilder_Build() {
	// Cold after 30 days, delete after 90: AWS needs 90 days in cold storage.
	_, err := plan.New("bad plan").
		AddRule(plan.NewRule("r", "Default").StartWithin(30 * time.Minute).MoveToColdAfter(backup.Days(30)).DeleteAfter(backup.Days(90))).
		Build()
	for _, ve := range backup.ValidationErrors(err) {
		fmt.Println(ve.Field)
	}
	// Output:
	// BackupPlanName
	// Rules[0].StartWindowMinutes
	// Rules[0].Lifecycle.DeleteAfterDays
}

func ExampleParseSchedule() {
	s, err := plan.ParseSchedule("cron(0 9 ? * 2#1 *)") // first Monday of the month
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range s.Next(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC), 3) {
		fmt.Println(t.Format(time.RFC3339))
	}
	_, err = plan.ParseSchedule("cron(*/15 * * * ? *)")
	fmt.Println(err)
	// Output:
	// 2024-02-05T09:00:00Z
	// 2024-03-04T09:00:00Z
	// 2024-04-01T09:00:00Z
	// schedule "cron(*/15 * * * ? *)": minutes field: fires more than once an hour; AWS Backup runs a rule at most hourly, so the minutes field must be a single value
}

func ExampleSchedule_Next() {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		log.Fatal(err)
	}
	// 02:30 does not exist in New York on 2024-03-10 (spring forward).
	s := plan.MustParseSchedule("cron(30 2 * * ? *)").In(ny)
	for _, t := range s.Next(time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC), 3) {
		fmt.Println(t.Format(time.RFC3339))
	}
	// Output:
	// 2024-03-09T02:30:00-05:00
	// 2024-03-11T02:30:00-04:00
	// 2024-03-12T02:30:00-04:00
}

func ExampleRule_ParsedSchedule() {
	r := plan.NewRule("daily", "Default").Schedule("cron(0 1 * * ? *)").Timezone("Asia/Tokyo").Rule()
	s, err := r.ParsedSchedule()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Next(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 1)[0].UTC())
	// Output: 2024-01-01 16:00:00 +0000 UTC
}

func ExamplePreset() {
	b, err := plan.Preset("daily-weekly-monthly-5y", "compliance", "Default")
	if err != nil {
		log.Fatal(err)
	}
	p, err := b.Build()
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range p.Rules {
		fmt.Println(r.Name, r.Schedule, r.Lifecycle.MoveToColdStorageAfter.Hours()/24, r.Lifecycle.DeleteAfter.Hours()/24)
	}
	// Output:
	// Daily cron(0 5 * * ? *) 0 35
	// Weekly cron(0 5 ? * SAT *) 0 90
	// Monthly5Year cron(0 5 1 * ? *) 90 1825
}

func ExampleDaily7() {
	p, err := plan.Daily7("simple", "Default").Build()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Rules[0].Schedule, p.Rules[0].Lifecycle.DeleteAfter.Hours()/24)
	// Output: cron(0 5 * * ? *) 7
}

func ExampleNewSelection() {
	s, err := plan.NewSelection("prod-volumes", "arn:aws:iam::123456789012:role/backup").
		AllOfType("EBS").
		Exclude("arn:aws:ec2:us-east-1:123456789012:volume/vol-scratch").
		Where(plan.StringEquals, "env", "prod").
		Build()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Resources, s.Conditions[0].Key)
	// Output: [arn:aws:ec2:*:*:volume/*] aws:ResourceTag/env
}

func ExampleSelection_Matches() {
	s := &plan.Selection{
		Resources:  []string{"arn:aws:ec2:*:*:volume/*"},
		Conditions: []plan.Condition{{Op: plan.StringLike, Key: "aws:ResourceTag/owner", Value: "team-*"}},
	}
	fmt.Println(s.Matches("arn:aws:ec2:us-east-1:123456789012:volume/vol-1", map[string]string{"owner": "team-a"}))
	fmt.Println(s.Matches("arn:aws:ec2:us-east-1:123456789012:volume/vol-2", map[string]string{"owner": "bob"}))
	fmt.Println(s.Matches("arn:aws:rds:us-east-1:123456789012:db:d", map[string]string{"owner": "team-a"}))
	// Output:
	// true
	// false
	// false
}

func ExampleParseCLI() {
	p, err := plan.ParseCLI([]byte(`{"BackupPlan": {"BackupPlanName": "cli", "Rules": [
		{"RuleName": "daily", "TargetBackupVaultName": "Default", "StartWindowMinutes": 120,
		 "Lifecycle": {"DeleteAfterDays": 7}}]}, "BackupPlanTags": {"team": "a"}}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Name, p.Rules[0].StartWindow, p.Rules[0].Lifecycle.DeleteAfter.Hours()/24, p.Tags["team"], p.Validate())
	// Output: cli 2h0m0s 7 a <nil>
}

func ExampleMarshalCLI() {
	p, _ := plan.Daily7("simple", "Default").Build()
	data, err := plan.MarshalCLI(p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(data))
	// Output:
	// {
	//   "BackupPlan": {
	//     "BackupPlanName": "simple",
	//     "Rules": [
	//       {
	//         "RuleName": "Daily7Day",
	//         "TargetBackupVaultName": "Default",
	//         "ScheduleExpression": "cron(0 5 * * ? *)",
	//         "Lifecycle": {
	//           "DeleteAfterDays": 7
	//         }
	//       }
	//     ]
	//   }
	// }
}

func ExampleParseCLISelection() {
	s, err := plan.ParseCLISelection([]byte(`{"BackupSelection": {"SelectionName": "tagged",
		"IamRoleArn": "arn:aws:iam::123456789012:role/backup",
		"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Name, s.ListOfTags[0])
	out, _ := plan.MarshalCLISelection(s, "")
	fmt.Println(len(out) > 0)
	// Output:
	// tagged {backup daily}
	// true
}

func ExampleParseYAML() {
	specs, err := plan.ParseYAML([]byte(`
plans:
  - name: yaml-plan
    rules:
      - name: nightly
        vault: Default
        schedule: cron(0 2 ? * MON-FRI *)
        startWindow: 1h
        completionWindow: 3h
        lifecycle: {deleteAfterDays: 14}
    selections:
      - name: all-tagged
        iamRole: arn:aws:iam::123456789012:role/backup
        listOfTags: [{key: backup, value: nightly}]
`))
	if err != nil {
		log.Fatal(err)
	}
	sp := specs[0]
	fmt.Println(sp.Plan.Name, sp.Plan.Rules[0].CompletionWindow, sp.Selections[0].Name, sp.Validate())
	// Output: yaml-plan 3h0m0s all-tagged <nil>
}

func ExampleMarshalYAML() {
	p, _ := plan.Daily35("d35", "Default").Build()
	data, err := plan.MarshalYAML(plan.Spec{Plan: p})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(data))
	// Output:
	// plans:
	//   - name: d35
	//     rules:
	//       - name: Daily
	//         vault: Default
	//         schedule: cron(0 5 * * ? *)
	//         lifecycle:
	//           deleteAfterDays: 35
}

func ExampleMarshalTerraform() {
	p, _ := plan.Daily35("d35", "Default").Build()
	sel, _ := plan.NewSelection("tagged", "arn:aws:iam::123456789012:role/backup").Tag("backup", "yes").Build()
	data, err := plan.MarshalTerraform(plan.Spec{Plan: p, Selections: []*plan.Selection{sel}})
	if err != nil {
		log.Fatal(err)
	}
	specs, err := plan.ParseTerraform(data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(specs[0].Plan.Name, specs[0].Selections[0].Name)
	// Output: d35 tagged
}

func ExampleMarshalOrgPolicy() {
	p, _ := plan.Daily7("org-daily", "Default").Build()
	sel := &plan.Selection{Name: "datatype", IAMRole: "arn:aws:iam::$account:role/backup",
		ListOfTags: []plan.TagCondition{{Key: "dataType", Value: "PII"}}}
	data, err := plan.MarshalOrgPolicy(plan.Spec{Plan: p, Regions: []string{"us-east-1"}, Selections: []*plan.Selection{sel}})
	if err != nil {
		log.Fatal(err)
	}
	specs, err := plan.ParseOrgPolicy(data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(specs[0].Plan.Name, specs[0].Regions, specs[0].Selections[0].IAMRole, specs[0].ValidateOrgPolicy())
	// Output: org-daily [us-east-1] arn:aws:iam::$account:role/backup <nil>
}

func ExampleDiff() {
	live, _ := plan.Daily35("p", "Default").Build()
	desired, _ := plan.Daily35("p", "Default").Build()
	desired.Rules[0].Lifecycle.DeleteAfter = backup.Days(60)
	fmt.Print(plan.Diff(live, desired))
	// Output: ~ Rules["Daily"].Lifecycle.DeleteAfterDays: 35 -> 60
}

func ExampleFromSDK() {
	p, err := plan.FromSDK(&types.BackupPlan{BackupPlanName: aws.String("from-aws"), Rules: []types.BackupRule{{
		RuleName: aws.String("r"), TargetBackupVaultName: aws.String("Default"), StartWindowMinutes: aws.Int64(480),
		Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(30)}}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Rules[0].StartWindow, p.Rules[0].Lifecycle.DeleteAfter.Hours()/24)
	// Output: 8h0m0s 30
}

func ExampleCreatorRequestID() {
	p, _ := plan.Daily7("nightly", "Default").Build()
	id := plan.CreatorRequestID(p)
	fmt.Println(len(id) <= 50, id == plan.CreatorRequestID(p.Clone()), id[:8])
	// Output: true true nightly-
}

func ExampleNewClient() {
	// An embedded emulator stands in for AWS; use awsbackup.NewFromConfig(cfg) for real.
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	api := srv.Client()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("Default")}); err != nil {
		log.Fatal(err)
	}
	c := plan.NewClient(api)
	p, _ := plan.Daily35("example", "Default").Build()
	for range 2 {
		res, err := c.Ensure(ctx, p) // created, then unchanged (no write call)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Action)
	}
	p.Rules[0].Lifecycle.DeleteAfter = backup.Days(60)
	res, err := c.Ensure(ctx, p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(res.Action, "\n", res.Changes)
	n := 0
	for _, err := range c.Versions(ctx, res.Live.ID) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "versions")
	// Output:
	// created
	// unchanged
	// updated
	// ~ Rules["Daily"].Lifecycle.DeleteAfterDays: 35 -> 60
	// 2 versions
}

func ExampleFromPlan() {
	base, _ := plan.Daily35("base", "Default").Build()
	// FromPlan copies: changing the new plan leaves base alone.
	p, err := plan.FromPlan(base).AddRule(plan.WeeklyRule("Default")).Build()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(base.Rules), len(p.Rules))
	// Output: 1 2
}

func ExampleParseTerraform() {
	specs, err := plan.ParseTerraform([]byte(`{"resource": {
	  "aws_backup_vault": {"main": {"name": "main-vault"}},
	  "aws_backup_plan": {"example": {"name": "tf_plan", "rule": {
	    "rule_name": "daily", "target_vault_name": "${aws_backup_vault.main.name}",
	    "schedule": "cron(0 12 * * ? *)", "lifecycle": {"delete_after": 14}}}}}}`))
	if err != nil {
		log.Fatal(err)
	}
	r := specs[0].Plan.Rules[0]
	fmt.Println(specs[0].Plan.Name, r.TargetVault, r.Lifecycle.DeleteAfter.Hours()/24)
	// Output: tf_plan main-vault 14
}

func ExampleParseOrgPolicy() {
	specs, err := plan.ParseOrgPolicy([]byte(`{"plans": {"PII_Backup_Plan": {
	  "regions": {"@@assign": ["us-east-1", "eu-north-1"]},
	  "rules": {"Hourly": {
	    "schedule_expression": {"@@assign": "cron(0 5/1 ? * * *)"},
	    "start_backup_window_minutes": {"@@assign": "480"},
	    "target_backup_vault_name": {"@@assign": "FortKnox"},
	    "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "180"}, "delete_after_days": {"@@assign": "270"}}}},
	  "selections": {"tags": {"datatype": {
	    "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyIamRole"},
	    "tag_key": {"@@assign": "dataType"}, "tag_value": {"@@assign": ["PII", "RED"]}}}}}}}`))
	if err != nil {
		log.Fatal(err)
	}
	sp := specs[0]
	fmt.Println(sp.Regions, sp.Plan.Rules[0].StartWindow, len(sp.Selections[0].ListOfTags))
	fmt.Println(sp.ValidateOrgPolicy() == nil, sp.Validate() != nil) // $account is only valid in a policy
	// Output:
	// [us-east-1 eu-north-1] 8h0m0s 2
	// true true
}

func ExampleClient_EnsureSelection() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	api := srv.Client()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("Default")}); err != nil {
		log.Fatal(err)
	}
	c := plan.NewClient(api)
	p, _ := plan.Daily7("with-selection", "Default").Build()
	live, err := c.Create(ctx, p)
	if err != nil {
		log.Fatal(err)
	}
	sel, _ := plan.NewSelection("prod", "arn:aws:iam::123456789012:role/backup").
		AllOfType("EBS").Where(plan.StringEquals, "env", "prod").Build()
	for range 2 {
		_, action, err := c.EnsureSelection(ctx, live.ID, sel) // created, then unchanged
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(action)
	}
	// Selections must go before the plan; DeleteSelections removes them (and nothing else).
	if err := c.Delete(ctx, live.ID, func(o *plan.DeleteOptions) { o.DeleteSelections = true }); err != nil {
		log.Fatal(err)
	}
	_, err = c.FindByName(ctx, "with-selection")
	fmt.Println(errors.Is(err, plan.ErrNotFound))
	// Output:
	// created
	// unchanged
	// true
}

func ExampleResourceTypePattern() {
	p, ok := plan.ResourceTypePattern("DynamoDB")
	fmt.Println(p, ok)
	// Output: arn:aws:dynamodb:*:*:table/* true
}
