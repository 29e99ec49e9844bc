package backuptest_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/backupkit/backupkit/backuptest"
)

func TestConfigFake(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := backuptest.NewConfigFake()
	rule := &cstypes.ConfigRule{ConfigRuleName: aws.String("r"), Source: &cstypes.Source{Owner: cstypes.OwnerAws, SourceIdentifier: aws.String("BACKUP_RECOVERY_POINT_ENCRYPTED")}}
	if _, err := f.PutConfigRule(ctx, &configservice.PutConfigRuleInput{ConfigRule: &cstypes.ConfigRule{ConfigRuleName: aws.String("custom"), Source: &cstypes.Source{Owner: cstypes.OwnerCustomLambda}}}); !errors.As(err, new(*cstypes.InvalidParameterValueException)) {
		t.Errorf("custom rule: got %v; want InvalidParameterValueException", err)
	}
	if _, err := f.PutConfigRule(ctx, &configservice.PutConfigRuleInput{ConfigRule: rule}); err != nil {
		t.Fatal(err)
	}
	first, _ := f.Rule("r")
	if _, err := f.PutConfigRule(ctx, &configservice.PutConfigRuleInput{ConfigRule: rule}); err != nil {
		t.Fatal(err)
	}
	second, _ := f.Rule("r")
	if aws.ToString(first.ConfigRuleArn) == "" || aws.ToString(first.ConfigRuleArn) != aws.ToString(second.ConfigRuleArn) || second.ConfigRuleState != cstypes.ConfigRuleStateActive {
		t.Errorf("update changed the ARN (%s → %s) or state %s", aws.ToString(first.ConfigRuleArn), aws.ToString(second.ConfigRuleArn), second.ConfigRuleState)
	}
	if _, err := f.DescribeConfigRules(ctx, &configservice.DescribeConfigRulesInput{ConfigRuleNames: []string{"r", "nope"}}); !errors.As(err, new(*cstypes.NoSuchConfigRuleException)) {
		t.Errorf("unknown name: got %v; want NoSuchConfigRuleException", err)
	}
	all, err := f.DescribeConfigRules(ctx, &configservice.DescribeConfigRulesInput{})
	if err != nil || len(all.ConfigRules) != 1 {
		t.Errorf("describe all: %v, %d rules; want 1", err, len(all.ConfigRules))
	}
	for i := range 5 {
		f.SetEvaluation("r", "AWS::Backup::RecoveryPoint", string(rune('a'+i)), cstypes.ComplianceTypeNonCompliant, "")
	}
	f.SetEvaluation("r", "AWS::Backup::RecoveryPoint", "a", cstypes.ComplianceTypeCompliant, "fixed") // replaces
	page, err := f.GetComplianceDetailsByConfigRule(ctx, &configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("r"), Limit: 2, ComplianceTypes: []cstypes.ComplianceType{cstypes.ComplianceTypeNonCompliant}})
	if err != nil || len(page.EvaluationResults) != 2 || aws.ToString(page.NextToken) == "" {
		t.Fatalf("page 1: %v, %d results, token %q; want 2 and a token", err, len(page.EvaluationResults), aws.ToString(page.NextToken))
	}
	page2, err := f.GetComplianceDetailsByConfigRule(ctx, &configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("r"), Limit: 2, NextToken: page.NextToken, ComplianceTypes: []cstypes.ComplianceType{cstypes.ComplianceTypeNonCompliant}})
	if err != nil || len(page2.EvaluationResults) != 2 || page2.NextToken != nil {
		t.Errorf("page 2: %v, %d results, token %v; want the last 2 and no token", err, len(page2.EvaluationResults), page2.NextToken)
	}
	if _, err := f.GetComplianceDetailsByConfigRule(ctx, &configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("r"), NextToken: aws.String("x")}); !errors.As(err, new(*cstypes.InvalidNextTokenException)) {
		t.Errorf("bad token: got %v", err)
	}
	boom := errors.New("boom")
	f.FailNext("DeleteConfigRule", boom)
	if _, err := f.DeleteConfigRule(ctx, &configservice.DeleteConfigRuleInput{ConfigRuleName: aws.String("r")}); !errors.Is(err, boom) {
		t.Errorf("injected: got %v", err)
	}
	if _, err := f.DeleteConfigRule(ctx, &configservice.DeleteConfigRuleInput{ConfigRuleName: aws.String("r")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.GetComplianceDetailsByConfigRule(ctx, &configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("r")}); !errors.As(err, new(*cstypes.NoSuchConfigRuleException)) {
		t.Errorf("after delete: got %v", err)
	}
	if calls := f.Calls(); len(calls) != 11 || calls[0] != "PutConfigRule" {
		t.Errorf("calls = %v; want 11 starting with PutConfigRule", calls)
	}
}
