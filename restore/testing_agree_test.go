package restore_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// The library (TestingSelection.Input) and the emulator
// (CreateRestoreTestingSelection through the real SDK client) give the same
// verdict on the shape of a selection's protected resources: both read
// internal/limits' RestoreTestingResources, the rule of
// API_RestoreTestingSelectionForCreate.
func TestTestingSelectionAgreesWithEmulator(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	api := srv.Client()
	if _, err := api.CreateRestoreTestingPlan(t.Context(), &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: &types.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String("agree"), ScheduleExpression: aws.String("cron(0 5 ? * * *)"),
		RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{Algorithm: types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
			IncludeVaults: []string{"*"}, RecoveryPointTypes: []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeSnapshot}},
	}}); err != nil {
		t.Fatal(err)
	}
	vol := func(i int) string { return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%017d", i) }
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = vol(i)
		}
		return out
	}
	conds := func(n int) map[string]string {
		out := map[string]string{}
		for i := range n {
			out[fmt.Sprintf("k%d", i)] = "v"
		}
		return out
	}
	cases := []struct {
		name   string
		arns   []string
		equals map[string]string
		ok     bool
	}{
		{"specific ARNs", []string{vol(1), vol(2)}, nil, true},
		{"wildcard alone", []string{"*"}, nil, true},
		{"conditions", nil, map[string]string{"env": "prod"}, true},
		{"wildcard with conditions", []string{"*"}, map[string]string{"env": "prod"}, true},
		{"neither", nil, nil, false},
		{"ARNs with conditions", []string{vol(1)}, map[string]string{"env": "prod"}, false},
		{"wildcard and ARNs", []string{"*", vol(1)}, nil, false},
		{"30 ARNs", many(30), nil, true},
		{"31 ARNs", many(31), nil, false},
		{"30 conditions", nil, conds(30), true},
		{"31 conditions", nil, conds(31), false},
	}
	for i, c := range cases {
		sel := restore.TestingSelection{Plan: "agree", Name: fmt.Sprintf("s%d", i), ResourceType: "EBS",
			IAMRoleARN: "arn:aws:iam::123456789012:role/restore", ResourceARNs: c.arns, StringEquals: c.equals}
		_, libErr := sel.Input()

		// The same selection as the API takes it, unchecked.
		raw := &types.RestoreTestingSelectionForCreate{RestoreTestingSelectionName: aws.String(sel.Name),
			ProtectedResourceType: aws.String("EBS"), IamRoleArn: aws.String(sel.IAMRoleARN), ProtectedResourceArns: c.arns}
		if len(c.equals) > 0 {
			raw.ProtectedResourceConditions = &types.ProtectedResourceConditions{}
			for k, v := range c.equals {
				raw.ProtectedResourceConditions.StringEquals = append(raw.ProtectedResourceConditions.StringEquals,
					types.KeyValue{Key: aws.String("aws:ResourceTag/" + k), Value: aws.String(v)})
			}
		}
		_, emuErr := api.CreateRestoreTestingSelection(t.Context(), &awsbackup.CreateRestoreTestingSelectionInput{
			RestoreTestingPlanName: aws.String("agree"), RestoreTestingSelection: raw})

		if (libErr == nil) != c.ok || (emuErr == nil) != c.ok {
			t.Errorf("%s: library %v, emulator %v; want both to %s", c.name, libErr, emuErr, map[bool]string{true: "accept", false: "refuse"}[c.ok])
		}
	}
}
