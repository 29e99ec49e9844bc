package restore

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestTestingPlanDefaults(t *testing.T) {
	t.Parallel()
	in, err := (&TestingPlan{Name: "nightly_drill"}).Input()
	if err != nil {
		t.Fatalf("Input() error = %v", err)
	}
	p := in.RestoreTestingPlan
	if got := aws.ToString(p.ScheduleExpression); got != DefaultTestingSchedule {
		t.Errorf("schedule = %q; want %q", got, DefaultTestingSchedule)
	}
	if p.StartWindowHours != 24 {
		t.Errorf("StartWindowHours = %d; want 24", p.StartWindowHours)
	}
	sel := p.RecoveryPointSelection
	if sel.Algorithm != "LATEST_WITHIN_WINDOW" || sel.SelectionWindowDays != 30 || len(sel.IncludeVaults) != 1 || sel.IncludeVaults[0] != "*" ||
		len(sel.RecoveryPointTypes) != 1 || sel.RecoveryPointTypes[0] != "SNAPSHOT" {
		t.Errorf("recovery point selection = %+v; want LATEST_WITHIN_WINDOW, 30 days, [*], [SNAPSHOT]", sel)
	}
}

func TestTestingPlanValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		plan    TestingPlan
		wantErr []string
	}{
		{"ok", TestingPlan{Name: "p", StartWindow: 168 * time.Hour, SelectionWindowDays: 365, Random: true, RecoveryPointTypes: []string{"SNAPSHOT", "CONTINUOUS"}, Timezone: "Europe/Berlin"}, nil},
		{"bad name", TestingPlan{Name: "bad-name"}, []string{"TestingPlan.Name"}},
		{"window too long", TestingPlan{Name: "p", StartWindow: 169 * time.Hour}, []string{"TestingPlan.StartWindow"}},
		{"window not hours", TestingPlan{Name: "p", StartWindow: 90 * time.Minute}, []string{"TestingPlan.StartWindow"}},
		{"selection window", TestingPlan{Name: "p", SelectionWindowDays: 366}, []string{"TestingPlan.SelectionWindowDays"}},
		{"types and tz", TestingPlan{Name: "p", RecoveryPointTypes: []string{"PITR"}, Timezone: "Mars/Olympus", Schedule: "rate(1 day)"},
			[]string{"TestingPlan.RecoveryPointTypes[0]", "TestingPlan.Timezone", "TestingPlan.Schedule"}},
		// The schedule is checked by the cron language plans use
		// (internal/cron), not by its shape: both day fields set, and a
		// date that never comes, are refused.
		{"cron both days", TestingPlan{Name: "p", Schedule: "cron(0 5 * * * *)"}, []string{"TestingPlan.Schedule"}},
		{"cron never fires", TestingPlan{Name: "p", Schedule: "cron(0 5 30 2 ? *)"}, []string{"TestingPlan.Schedule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.plan.Input()
			checkFieldErrors(t, err, tt.wantErr)
		})
	}
}

func checkFieldErrors(t *testing.T, err error, fields []string) {
	t.Helper()
	if len(fields) == 0 {
		if err != nil {
			t.Fatalf("error = %v; want nil", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("error = nil; want errors naming %v", fields)
	}
	for _, f := range fields {
		if !strings.Contains(err.Error(), f+":") {
			t.Errorf("error = %q; want it to name %s", err, f)
		}
	}
}

func TestTestingSelection(t *testing.T) {
	t.Parallel()
	role := "arn:aws:iam::123456789012:role/restore"
	tests := []struct {
		name    string
		sel     TestingSelection
		wantErr []string
		check   func(t *testing.T, s *TestingSelection)
	}{
		{name: "arns", sel: TestingSelection{Plan: "p", Name: "s", ResourceType: "EBS", IAMRoleARN: role, ResourceARNs: []string{"arn:aws:ec2:us-east-1:1:volume/vol-1"}, ValidationWindow: 2 * time.Hour}},
		{name: "conditions", sel: TestingSelection{Plan: "p", Name: "s", ResourceType: "RDS", IAMRoleARN: role, StringEquals: map[string]string{"env": "prod"}, StringNotEquals: map[string]string{"drill": "skip"}}},
		{name: "neither", sel: TestingSelection{Plan: "p", Name: "s", ResourceType: "RDS", IAMRoleARN: role}, wantErr: []string{"TestingSelection.ResourceARNs"}},
		{name: "both", sel: TestingSelection{Plan: "p", Name: "s", ResourceType: "RDS", IAMRoleARN: role, ResourceARNs: []string{"arn:aws:rds:us-east-1:1:db:a"}, StringEquals: map[string]string{"a": "b"}}, wantErr: []string{"TestingSelection.StringEquals"}},
		// API_RestoreTestingSelectionForCreate: ProtectedResourceArns ["*"]
		// alone selects every protected resource of the type.
		{name: "wildcard alone", sel: TestingSelection{Plan: "p", Name: "s", ResourceType: "EBS", IAMRoleARN: role, ResourceARNs: []string{"*"}}},
		{name: "wildcard and arns", sel: TestingSelection{Plan: "p", Name: "s", ResourceType: "EBS", IAMRoleARN: role, ResourceARNs: []string{"*", "arn:aws:ec2:us-east-1:1:volume/vol-1"}}, wantErr: []string{"TestingSelection.ResourceARNs[0]"}},
		{name: "too many arns", sel: TestingSelection{Plan: "p", Name: "s", ResourceType: "EBS", IAMRoleARN: role, ResourceARNs: manyARNs(31)}, wantErr: []string{"TestingSelection.ResourceARNs"}},
		{name: "bad fields", sel: TestingSelection{Plan: "p-1", Name: "", ResourceType: "Redshift", IAMRoleARN: "role", ResourceARNs: []string{"x"}, ValidationWindow: 200 * time.Hour},
			wantErr: []string{"TestingSelection.Plan", "TestingSelection.Name", "TestingSelection.ResourceType", "TestingSelection.IAMRoleARN", "TestingSelection.ResourceARNs[0]", "TestingSelection.ValidationWindow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, err := tt.sel.Input()
			checkFieldErrors(t, err, tt.wantErr)
			if err != nil {
				return
			}
			s := in.RestoreTestingSelection
			if aws.ToString(in.RestoreTestingPlanName) != "p" || aws.ToString(s.ProtectedResourceType) != string(tt.sel.ResourceType) || aws.ToString(s.IamRoleArn) != role {
				t.Errorf("input = %+v; want plan p, type %s, role %s", s, tt.sel.ResourceType, role)
			}
			if len(tt.sel.StringEquals) > 0 {
				if len(s.ProtectedResourceArns) != 1 || s.ProtectedResourceArns[0] != "*" {
					t.Errorf("ProtectedResourceArns = %v; want [*] with conditions", s.ProtectedResourceArns)
				}
				if c := s.ProtectedResourceConditions; c == nil || len(c.StringEquals) != 1 || aws.ToString(c.StringEquals[0].Key) != "env" || len(c.StringNotEquals) != 1 {
					t.Errorf("conditions = %+v; want StringEquals env=prod and one StringNotEquals", c)
				}
			} else if len(s.ProtectedResourceArns) != len(tt.sel.ResourceARNs) {
				t.Errorf("ProtectedResourceArns = %v; want %v", s.ProtectedResourceArns, tt.sel.ResourceARNs)
			}
			if tt.sel.ValidationWindow != 0 && aws.ToInt32(s.ValidationWindowHours) != int32(tt.sel.ValidationWindow/time.Hour) {
				t.Errorf("ValidationWindowHours = %v; want %v", aws.ToInt32(s.ValidationWindowHours), tt.sel.ValidationWindow/time.Hour)
			}
		})
	}
}

func manyARNs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "arn:aws:ec2:us-east-1:1:volume/vol-" + strings.Repeat("a", i+1)
	}
	return out
}
