package backuptest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// ConfigFake is an in-process fake of the AWS Config operations that
// backupkit's compliance package uses (PutConfigRule, DescribeConfigRules,
// DeleteConfigRule, GetComplianceDetailsByConfigRule). It has the same
// method signatures as *configservice.Client, returns AWS Config's real
// error types, keeps a call log, and lets tests seed evaluations.
//
// Known differences from AWS Config: rules never evaluate anything by
// themselves — evaluations exist only when a test adds them with
// SetEvaluation; only the AWS-owned (managed) rule source is accepted.
type ConfigFake struct {
	mu      sync.Mutex
	account string
	region  string
	clock   Clock
	rules   map[string]cstypes.ConfigRule
	evals   map[string]map[string]cstypes.EvaluationResult // rule → resource type/id → result
	calls   []string
	errs    map[string][]error
	nextID  int
}

// NewConfigFake returns an empty fake for account 123456789012 in
// us-east-1, on the real clock unless clock is given.
func NewConfigFake(clock ...Clock) *ConfigFake {
	f := &ConfigFake{account: "123456789012", region: "us-east-1", clock: realClock{},
		rules: map[string]cstypes.ConfigRule{}, evals: map[string]map[string]cstypes.EvaluationResult{}, errs: map[string][]error{}}
	if len(clock) > 0 && clock[0] != nil {
		f.clock = clock[0]
	}
	return f
}

// Calls returns the operations called so far, in order.
func (f *ConfigFake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// FailNext makes the next call of operation return err (queued: several
// calls queue several errors).
func (f *ConfigFake) FailNext(operation string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs[operation] = append(f.errs[operation], err)
}

// Rule returns a deployed rule by name.
func (f *ConfigFake) Rule(name string) (cstypes.ConfigRule, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.rules[name]
	return r, ok
}

// SetEvaluation records the rule's evaluation of one resource, as AWS
// Config would after an evaluation run. compliance is COMPLIANT,
// NON_COMPLIANT, NOT_APPLICABLE or INSUFFICIENT_DATA.
func (f *ConfigFake) SetEvaluation(rule, resourceType, resourceID string, compliance cstypes.ComplianceType, annotation string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.evals[rule] == nil {
		f.evals[rule] = map[string]cstypes.EvaluationResult{}
	}
	now := f.clock.Now().UTC()
	f.evals[rule][resourceType+"/"+resourceID] = cstypes.EvaluationResult{
		ComplianceType: compliance,
		Annotation:     optStr(annotation),
		EvaluationResultIdentifier: &cstypes.EvaluationResultIdentifier{
			EvaluationResultQualifier: &cstypes.EvaluationResultQualifier{ConfigRuleName: aws.String(rule), ResourceType: aws.String(resourceType), ResourceId: aws.String(resourceID)},
			OrderingTimestamp:         aws.Time(now),
		},
		ResultRecordedTime:    aws.Time(now),
		ConfigRuleInvokedTime: aws.Time(now),
	}
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// begin logs the call and pops an injected error.
func (f *ConfigFake) begin(op string) error {
	f.calls = append(f.calls, op)
	if q := f.errs[op]; len(q) > 0 {
		f.errs[op] = q[1:]
		return q[0]
	}
	return nil
}

func noSuchRule(name string) error {
	return &cstypes.NoSuchConfigRuleException{Message: aws.String(fmt.Sprintf("The ConfigRule '%s' provided in the request is invalid. Please check the configRule name.", name))}
}

// PutConfigRule creates or updates a managed rule.
func (f *ConfigFake) PutConfigRule(_ context.Context, in *configservice.PutConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.PutConfigRuleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("PutConfigRule"); err != nil {
		return nil, err
	}
	if in == nil || in.ConfigRule == nil || aws.ToString(in.ConfigRule.ConfigRuleName) == "" {
		return nil, &cstypes.InvalidParameterValueException{Message: aws.String("ConfigRule.ConfigRuleName is required")}
	}
	r := *in.ConfigRule
	name := aws.ToString(r.ConfigRuleName)
	if len(name) > 128 {
		return nil, &cstypes.InvalidParameterValueException{Message: aws.String("ConfigRuleName must be at most 128 characters")}
	}
	if r.Source == nil || r.Source.Owner != cstypes.OwnerAws || aws.ToString(r.Source.SourceIdentifier) == "" {
		return nil, &cstypes.InvalidParameterValueException{Message: aws.String("the fake accepts only AWS managed rules (Source.Owner AWS with a SourceIdentifier)")}
	}
	if cur, ok := f.rules[name]; ok {
		r.ConfigRuleArn, r.ConfigRuleId = cur.ConfigRuleArn, cur.ConfigRuleId
	} else {
		f.nextID++
		id := "config-rule-" + strconv.Itoa(f.nextID)
		r.ConfigRuleId = aws.String(id)
		r.ConfigRuleArn = aws.String(fmt.Sprintf("arn:aws:config:%s:%s:config-rule/%s", f.region, f.account, id))
	}
	r.ConfigRuleState = cstypes.ConfigRuleStateActive
	f.rules[name] = r
	return &configservice.PutConfigRuleOutput{}, nil
}

// DescribeConfigRules returns the named rules (all when none are named).
// An unknown name is NoSuchConfigRuleException, as in AWS.
func (f *ConfigFake) DescribeConfigRules(_ context.Context, in *configservice.DescribeConfigRulesInput, _ ...func(*configservice.Options)) (*configservice.DescribeConfigRulesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DescribeConfigRules"); err != nil {
		return nil, err
	}
	var names []string
	if in != nil {
		names = in.ConfigRuleNames
	}
	out := &configservice.DescribeConfigRulesOutput{}
	if len(names) == 0 {
		for _, n := range slices.Sorted(maps.Keys(f.rules)) {
			out.ConfigRules = append(out.ConfigRules, f.rules[n])
		}
		return out, nil
	}
	for _, n := range names {
		r, ok := f.rules[n]
		if !ok {
			return nil, noSuchRule(n)
		}
		out.ConfigRules = append(out.ConfigRules, r)
	}
	return out, nil
}

// DeleteConfigRule deletes a rule and its evaluations.
func (f *ConfigFake) DeleteConfigRule(_ context.Context, in *configservice.DeleteConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.DeleteConfigRuleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteConfigRule"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.ConfigRuleName)
	if _, ok := f.rules[name]; !ok {
		return nil, noSuchRule(name)
	}
	delete(f.rules, name)
	delete(f.evals, name)
	return &configservice.DeleteConfigRuleOutput{}, nil
}

// GetComplianceDetailsByConfigRule pages through a rule's evaluations,
// filtered by compliance type; Limit is 0–100 (0 means 100), as in AWS.
func (f *ConfigFake) GetComplianceDetailsByConfigRule(_ context.Context, in *configservice.GetComplianceDetailsByConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.GetComplianceDetailsByConfigRuleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetComplianceDetailsByConfigRule"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.ConfigRuleName)
	if _, ok := f.rules[name]; !ok {
		return nil, noSuchRule(name)
	}
	if in.Limit < 0 || in.Limit > 100 {
		return nil, &cstypes.InvalidParameterValueException{Message: aws.String("Limit must be between 0 and 100")}
	}
	limit := int(in.Limit)
	if limit == 0 {
		limit = 100
	}
	var all []cstypes.EvaluationResult
	for _, k := range slices.Sorted(maps.Keys(f.evals[name])) {
		e := f.evals[name][k]
		if len(in.ComplianceTypes) > 0 && !slices.Contains(in.ComplianceTypes, e.ComplianceType) {
			continue
		}
		all = append(all, e)
	}
	start := 0
	if t := aws.ToString(in.NextToken); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || n > len(all) {
			return nil, &cstypes.InvalidNextTokenException{Message: aws.String("invalid NextToken")}
		}
		start = n
	}
	end := min(start+limit, len(all))
	out := &configservice.GetComplianceDetailsByConfigRuleOutput{EvaluationResults: all[start:end]}
	if end < len(all) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}
