package iampolicy

import (
	"strings"
	"testing"
)

const (
	acct       = "111122223333"
	other      = "444455556666"
	vaultARN   = "arn:aws:backup:us-east-1:111122223333:backup-vault:central"
	rpARN      = "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"
	snapARN    = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0"
	breakGlass = "arn:aws:iam::111122223333:role/BreakGlass"
	opRole     = "arn:aws:iam::111122223333:role/ops/Operator"
)

func mustRole(t *testing.T, roleARN, session string) Principal {
	t.Helper()
	p, err := AssumedRole(roleARN, session)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := Parse(doc)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, doc)
	}
	return p
}

// stmt wraps statements in a policy document.
func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func TestParseProblems(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		doc  string
		want []string // substrings of the error, one per expected problem
	}{
		{"not json", `{`, []string{"not a JSON object"}},
		{"array", `[]`, []string{"not a JSON object"}},
		{"trailing data", `{"Statement":[]} {}`, []string{"data after"}},
		{"no statement", `{"Version":"2012-10-17"}`, []string{"Statement: is required"}},
		{"empty statement list", `{"Statement":[]}`, []string{"Statement: is required"}},
		{"bad version", `{"Version":"2020-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"backup:*","Resource":"*"}}`, []string{`Version: "2020-01-01"`}},
		{"unknown top element", `{"Statment":[],"Statement":{"Effect":"Allow","Principal":"*","Action":"backup:*","Resource":"*"}}`, []string{"Statment: is not a policy element"}},
		{"every statement problem at once", doc(`{"Effect":"allow","Principal":"me","Actions":"x"}`),
			[]string{`Statement[0].Effect: "allow" must be Allow or Deny`, `Statement[0].Principal: "me"`, "Statement[0].Actions: is not a statement element",
				"Statement[0].Action: is required", "Statement[0].Resource: is required"}},
		{"missing effect and principal", doc(`{"Action":"backup:DeleteRecoveryPoint","Resource":"*"}`),
			[]string{"Statement[0].Effect: is required", "Statement[0].Principal: is required in a resource-based policy"}},
		{"both action forms", doc(`{"Effect":"Deny","Principal":"*","Action":"backup:A","NotAction":"backup:B","Resource":"*"}`), []string{"Action or NotAction, not both"}},
		{"both principal forms", doc(`{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"111122223333"},"Action":"backup:A","Resource":"*"}`), []string{"Principal or NotPrincipal, not both"}},
		{"both resource forms", doc(`{"Effect":"Deny","Principal":"*","Action":"backup:A","Resource":"*","NotResource":"*"}`), []string{"Resource or NotResource, not both"}},
		{"action without service", doc(`{"Effect":"Deny","Principal":"*","Action":"DeleteRecoveryPoint","Resource":"*"}`), []string{`"DeleteRecoveryPoint", is not service:action`}},
		{"resource not an arn", doc(`{"Effect":"Deny","Principal":"*","Action":"backup:A","Resource":"central"}`), []string{`"central", is not an ARN`}},
		{"empty action list", doc(`{"Effect":"Deny","Principal":"*","Action":[],"Resource":"*"}`), []string{"Action: must not be an empty list"}},
		{"principal wildcard in arn", doc(`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},"Action":"backup:A","Resource":"*"}`), []string{"principals take no wildcards"}},
		{"principal kind", doc(`{"Effect":"Deny","Principal":{"User":"bob"},"Action":"backup:A","Resource":"*"}`), []string{`"User" is not a principal kind`}},
		{"principal not an account", doc(`{"Effect":"Deny","Principal":{"AWS":"12345"},"Action":"backup:A","Resource":"*"}`), []string{`AWS "12345" is not an account id`}},
		{"unknown operator", doc(`{"Effect":"Deny","Principal":"*","Action":"backup:A","Resource":"*","Condition":{"StringEqual":{"aws:PrincipalArn":"x"}}}`), []string{`"StringEqual" is not a condition operator`}},
		{"null with IfExists", doc(`{"Effect":"Deny","Principal":"*","Action":"backup:A","Resource":"*","Condition":{"NullIfExists":{"aws:PrincipalOrgID":"true"}}}`), []string{"Null takes neither IfExists"}},
		{"bad operator values", doc(`{"Effect":"Deny","Principal":"*","Action":"backup:A","Resource":"*","Condition":{
			"NumericLessThan":{"backup:Days":"seven"},"Bool":{"aws:SecureTransport":"yes"},"DateLessThan":{"aws:CurrentTime":"tomorrow"},
			"IpAddress":{"aws:SourceIp":"10.0.0.0/33"},"ArnLike":{"aws:PrincipalArn":"role/x"},"StringEquals":{"aws:PrincipalOrgID":{"a":1}}}}`),
			[]string{`NumericLessThan.backup:Days: "seven" is not a number`, `Bool.aws:SecureTransport: "yes" is not true or false`,
				`"tomorrow" is not a date`, `"10.0.0.0/33" is not an IP address`, `"role/x" is not an ARN`, "StringEquals.aws:PrincipalOrgID: must be a value"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse(tc.doc)
			if err == nil {
				t.Fatalf("Parse accepted %s as %+v", tc.doc, p)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q; want it to mention %q", err, w)
				}
			}
			if got := strings.Count(err.Error(), "\n") + 1; got != len(tc.want) && len(tc.want) > 1 {
				t.Errorf("got %d problems (%v); want %d", got, err, len(tc.want))
			}
		})
	}
}

// TestParseForms checks the element forms IAM accepts: one statement or a
// list, strings or lists, numbers and booleans as condition values.
func TestParseForms(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `{"Id":"default","Statement":{"Sid":"statement ID","Effect":"Deny","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:root"],"Service":"backup.amazonaws.com"},
		"Action":["backup:DeleteRecoveryPoint","backup:UpdateRecoveryPointLifecycle"],"Resource":"*",
		"Condition":{"NumericLessThan":{"backup:RetentionDays":[7,"14"]},"Bool":{"aws:SecureTransport":false}}}}`)
	if p.ID != "default" || len(p.Statements) != 1 {
		t.Fatalf("got %+v", p)
	}
	st := p.Statements[0]
	if st.Sid != "statement ID" || st.Effect != Deny || len(st.Principal.AWS) != 2 || len(st.Principal.Service) != 1 || len(st.Action) != 2 {
		t.Errorf("statement %+v", st)
	}
	if len(st.Conditions) != 2 || strings.Join(st.Conditions[1].Values, ",") != "7,14" || st.Conditions[0].Values[0] != "false" {
		t.Errorf("conditions %+v", st.Conditions)
	}
}

// TestEvaluate covers IAM's evaluation of a resource-based policy. Sources:
//   - an explicit deny overrides any allow:
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//   - Principal forms ("*", an account, arn:aws:iam::ACCOUNT:root, a role,
//     an assumed-role session, a service):
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
//   - Action wildcards, case-insensitive:
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
//   - Resource wildcards within segments, a trailing * crossing colons:
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func TestEvaluate(t *testing.T) {
	t.Parallel()
	root := Root(acct)
	bg := mustRole(t, breakGlass, "alice")
	op := mustRole(t, opRole, "bob")
	foreign := Root(other)
	cases := []struct {
		name     string
		stmts    []string
		p        Principal
		action   string
		resource string
		want     Decision
	}{
		{"deny wins over allow", []string{
			`{"Effect":"Allow","Principal":"*","Action":"backup:*","Resource":"*"}`,
			`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"*"}`,
		}, root, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"allow alone", []string{`{"Effect":"Allow","Principal":"*","Action":"backup:*","Resource":"*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, Allowed},
		{"no statement applies", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteBackupVault","Resource":"*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, NoMatch},

		{"principal AWS star", []string{`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"backup:DeleteRecoveryPoint","Resource":"*"}`}, foreign, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"principal account id", []string{`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}`}, foreign, "backup:CopyIntoBackupVault", vaultARN, Allowed},
		{"principal account id covers its roles", []string{`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}`}, op, "backup:CopyIntoBackupVault", vaultARN, Allowed},
		{"principal account root arn", []string{`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}`}, foreign, "backup:CopyIntoBackupVault", vaultARN, Allowed},
		{"principal other account", []string{`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999999999999:root","123456789012"]},"Action":"backup:CopyIntoBackupVault","Resource":"*"}`}, foreign, "backup:CopyIntoBackupVault", vaultARN, NoMatch},
		{"principal role arn matches its session", []string{`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/ops/Operator"},"Action":"backup:DeleteRecoveryPoint","Resource":"*"}`}, op, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"principal role arn not another role", []string{`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/ops/Operator"},"Action":"backup:DeleteRecoveryPoint","Resource":"*"}`}, bg, "backup:DeleteRecoveryPoint", rpARN, NoMatch},
		{"principal session arn", []string{`{"Effect":"Deny","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/BreakGlass/alice"},"Action":"backup:DeleteRecoveryPoint","Resource":"*"}`}, bg, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"principal service", []string{`{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}`}, ServicePrincipal("backup.amazonaws.com"), "backup:CopyIntoBackupVault", vaultARN, Allowed},
		{"service principal is not an account", []string{`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}`}, ServicePrincipal("backup.amazonaws.com"), "backup:CopyIntoBackupVault", vaultARN, NoMatch},
		{"not principal excludes", []string{`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/BreakGlass"},"Action":"backup:DeleteRecoveryPoint","Resource":"*"}`}, bg, "backup:DeleteRecoveryPoint", rpARN, NoMatch},
		{"not principal applies to others", []string{`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/BreakGlass"},"Action":"backup:DeleteRecoveryPoint","Resource":"*"}`}, op, "backup:DeleteRecoveryPoint", rpARN, Denied},

		{"action case-insensitive", []string{`{"Effect":"Deny","Principal":"*","Action":"Backup:deleterecoverypoint","Resource":"*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"action prefix wildcard", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:Delete*","Resource":"*"}`}, root, "backup:DeleteBackupVault", vaultARN, Denied},
		{"action ? wildcard", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:?eleteRecoveryPoint","Resource":"*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"action other service", []string{`{"Effect":"Deny","Principal":"*","Action":"ec2:*","Resource":"*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, NoMatch},
		{"action star", []string{`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"not action excludes", []string{`{"Effect":"Deny","Principal":"*","NotAction":["backup:Describe*","backup:Get*"],"Resource":"*"}`}, root, "backup:DescribeBackupVault", vaultARN, NoMatch},
		{"not action applies to others", []string{`{"Effect":"Deny","Principal":"*","NotAction":["backup:Describe*","backup:Get*"],"Resource":"*"}`}, root, "backup:DeleteBackupVault", vaultARN, Denied},

		{"resource exact", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteBackupVault","Resource":"` + vaultARN + `"}`}, root, "backup:DeleteBackupVault", vaultARN, Denied},
		{"resource other vault", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteBackupVault","Resource":"arn:aws:backup:us-east-1:111122223333:backup-vault:other"}`}, root, "backup:DeleteBackupVault", vaultARN, NoMatch},
		{"resource type wildcard", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"arn:aws:ec2:*::snapshot/*"}`}, root, "backup:DeleteRecoveryPoint", snapARN, Denied},
		{"resource type wildcard other type", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"arn:aws:ec2:*::snapshot/*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, NoMatch},
		{"resource trailing star crosses colons", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"arn:aws:backup:*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"resource inner star stays in its segment", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"arn:aws:backup:us-*1:111122223333:recovery-point:*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"resource inner star does not span segments", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"arn:aws:backup:us*3333:recovery-point:*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, NoMatch},
		{"not resource", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","NotResource":"arn:aws:ec2:*::snapshot/*"}`}, root, "backup:DeleteRecoveryPoint", rpARN, Denied},
		{"not resource excludes", []string{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","NotResource":"arn:aws:ec2:*::snapshot/*"}`}, root, "backup:DeleteRecoveryPoint", snapARN, NoMatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, doc(tc.stmts...))
			got, st := p.Evaluate(Request{Principal: tc.p, Action: tc.action, Resource: tc.resource})
			if got != tc.want {
				t.Fatalf("got %v; want %v", got, tc.want)
			}
			if (st == nil) != (got == NoMatch) {
				t.Errorf("deciding statement %+v for %v", st, got)
			}
		})
	}
}

// TestConditions covers the Condition element. Sources:
//   - operators, and a key absent from the request context (false for a
//     positive operator, true for a negated one, true with …IfExists):
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//   - several values OR-ed, NOR-ed for negated operators; several keys and
//     operators AND-ed:
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
//   - ForAllValues (true when the key is absent) and ForAnyValue:
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//   - aws:PrincipalArn (the role ARN for an assumed role), aws:PrincipalOrgID,
//     aws:SourceAccount, aws:userid:
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
//   - policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestConditions(t *testing.T) {
	t.Parallel()
	bg := mustRole(t, breakGlass, "alice")
	op := mustRole(t, opRole, "bob")
	inOrg := Root(other)
	inOrg.OrgID = "o-a1b2c3d4e5"
	inOrg.OrgPaths = []string{"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"}
	cases := []struct {
		name string
		cond string
		p    Principal
		ctx  map[string][]string
		want bool // whether the condition holds
	}{
		{"StringEquals hit", `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`, op, nil, true},
		{"StringEquals miss", `{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}`, op, nil, false},
		{"StringEquals values OR-ed", `{"StringEquals":{"aws:PrincipalAccount":["444455556666","111122223333"]}}`, op, nil, true},
		{"StringEquals case-sensitive", `{"StringEquals":{"aws:PrincipalType":"assumedrole"}}`, op, nil, false},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:PrincipalType":"assumedrole"}}`, op, nil, true},
		{"condition key case-insensitive", `{"StringEquals":{"AWS:PRINCIPALACCOUNT":"111122223333"}}`, op, nil, true},
		{"StringNotEquals values NOR-ed, one equal", `{"StringNotEquals":{"aws:PrincipalAccount":["444455556666","111122223333"]}}`, op, nil, false},
		{"StringNotEquals values NOR-ed, none equal", `{"StringNotEquals":{"aws:PrincipalAccount":["444455556666","999999999999"]}}`, op, nil, true},
		{"StringLike star", `{"StringLike":{"aws:userid":"AROA*:alice"}}`, bg, nil, true},
		{"StringLike question mark", `{"StringLike":{"aws:PrincipalType":"Assumed?ole"}}`, bg, nil, true},
		{"StringNotLike", `{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Break*"}}`, bg, nil, false},
		{"ArnLike principal", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}`, bg, nil, true},
		{"ArnLike is the role, not the session", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:sts::*:assumed-role/BreakGlass/*"}}`, bg, nil, false},
		{"ArnNotLike break-glass excluded", `{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::111122223333:role/BreakGlass"]}}`, bg, nil, false},
		{"ArnNotLike others included", `{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::111122223333:role/BreakGlass"]}}`, op, nil, true},
		{"ArnEquals parts", `{"ArnEquals":{"aws:SourceArn":"arn:aws:backup:us-east-1:111122223333:backup-vault:*"}}`, op, map[string][]string{"aws:SourceArn": {vaultARN}}, true},
		{"ArnEquals star stays in its part", `{"ArnEquals":{"aws:SourceArn":"arn:aws:backup:*:backup-vault:central"}}`, op, map[string][]string{"aws:SourceArn": {vaultARN}}, false},
		{"PrincipalOrgID in org", `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`, inOrg, nil, true},
		{"PrincipalOrgID outside any org", `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`, op, nil, false},
		{"PrincipalOrgPaths ForAnyValue", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}`, inOrg, nil, true},
		{"SourceAccount", `{"StringEquals":{"aws:SourceAccount":"444455556666"}}`, ServicePrincipal("backup.amazonaws.com"), map[string][]string{"aws:SourceAccount": {other}}, true},
		{"SourceAccount absent", `{"StringEquals":{"aws:SourceAccount":"444455556666"}}`, op, nil, false},
		{"absent key, negated operator holds", `{"StringNotEquals":{"aws:SourceAccount":"444455556666"}}`, op, nil, true},
		{"absent key, IfExists holds", `{"StringEqualsIfExists":{"aws:SourceAccount":"444455556666"}}`, op, nil, true},
		{"present key, IfExists checks", `{"StringEqualsIfExists":{"aws:SourceAccount":"444455556666"}}`, op, map[string][]string{"aws:SourceAccount": {acct}}, false},
		{"Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, op, map[string][]string{"aws:SecureTransport": {"true"}}, true},
		{"Bool false", `{"Bool":{"aws:SecureTransport":false}}`, op, map[string][]string{"aws:SecureTransport": {"true"}}, false},
		{"Bool PrincipalIsAWSService", `{"Bool":{"aws:PrincipalIsAWSService":"true"}}`, ServicePrincipal("backup.amazonaws.com"), nil, true},
		{"NumericLessThan holds", `{"NumericLessThan":{"backup:RetentionDays":"7"}}`, op, map[string][]string{"backup:RetentionDays": {"3"}}, true},
		{"NumericLessThan equal fails", `{"NumericLessThan":{"backup:RetentionDays":"7"}}`, op, map[string][]string{"backup:RetentionDays": {"7"}}, false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"backup:RetentionDays":"7"}}`, op, map[string][]string{"backup:RetentionDays": {"7"}}, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"backup:RetentionDays":"7"}}`, op, map[string][]string{"backup:RetentionDays": {"7.5"}}, true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"backup:RetentionDays":"8"}}`, op, map[string][]string{"backup:RetentionDays": {"7"}}, false},
		{"NumericEquals", `{"NumericEquals":{"backup:RetentionDays":"7"}}`, op, map[string][]string{"backup:RetentionDays": {"7.0"}}, true},
		{"NumericNotEquals", `{"NumericNotEquals":{"backup:RetentionDays":["7","8"]}}`, op, map[string][]string{"backup:RetentionDays": {"9"}}, true},
		{"Numeric context not a number", `{"NumericLessThan":{"backup:RetentionDays":"7"}}`, op, map[string][]string{"backup:RetentionDays": {"few"}}, false},
		{"DateLessThan", `{"DateLessThan":{"aws:CurrentTime":"2026-06-01T00:00:00Z"}}`, op, map[string][]string{"aws:CurrentTime": {"2026-01-01T12:00:00Z"}}, true},
		{"DateGreaterThan epoch", `{"DateGreaterThan":{"aws:EpochTime":"1767225600"}}`, op, map[string][]string{"aws:EpochTime": {"1767225599"}}, false},
		{"IpAddress in block", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, op, map[string][]string{"aws:SourceIp": {"10.1.2.3"}}, true},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.1"]}}`, op, map[string][]string{"aws:SourceIp": {"192.168.0.1"}}, false},
		{"Null true when absent", `{"Null":{"aws:PrincipalOrgID":"true"}}`, op, nil, true},
		{"Null false when present", `{"Null":{"aws:PrincipalOrgID":"false"}}`, inOrg, nil, true},
		{"operators AND-ed", `{"StringEquals":{"aws:PrincipalAccount":"111122223333"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}`, op, nil, false},
		{"keys AND-ed", `{"StringEquals":{"aws:PrincipalAccount":"111122223333","aws:PrincipalType":"AssumedRole"}}`, op, nil, true},
		{"ForAllValues every value matches", `{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}`, op, map[string][]string{"aws:TagKeys": {"env", "team"}}, true},
		{"ForAllValues one value does not", `{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}`, op, map[string][]string{"aws:TagKeys": {"env", "cost"}}, false},
		{"ForAllValues absent key holds", `{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}`, op, nil, true},
		{"ForAnyValue one matches", `{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}`, op, map[string][]string{"aws:TagKeys": {"env", "team"}}, true},
		{"ForAnyValue absent key fails", `{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}`, op, nil, false},
		{"ForAnyValue negated", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team","env"]}}`, op, map[string][]string{"aws:TagKeys": {"env", "team"}}, false},
		{"ForAllValues negated", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"aws:*"}}`, op, map[string][]string{"aws:TagKeys": {"env", "team"}}, true},
		{"variable in value", `{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}`, op, map[string][]string{"aws:ResourceAccount": {acct}}, true},
		{"variable without value matches nothing", `{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}`, op, nil, false},
		{"variable default", `{"StringEquals":{"aws:PrincipalType":"${aws:PrincipalTag/kind, 'AssumedRole'}"}}`, op, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, doc(`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"*","Condition":`+tc.cond+`}`))
			got, _ := p.Evaluate(Request{Principal: tc.p, Action: "backup:DeleteRecoveryPoint", Resource: rpARN, Context: tc.ctx})
			if (got == Denied) != tc.want {
				t.Fatalf("condition %s for %s: got %v; want it to hold=%v", tc.cond, tc.p.ARN, got, tc.want)
			}
		})
	}
}

// TestBreakGlassPolicy is the hardening step of the AWS Backup developer
// guide ("Deny access to delete recovery points in a backup vault"): deny
// deleting or shortening recovery points to everyone except a break-glass
// role. https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html
func TestBreakGlassPolicy(t *testing.T) {
	t.Parallel()
	p := mustParse(t, doc(`{"Sid":"DenyRecoveryPointDeletion","Effect":"Deny","Principal":"*",
		"Action":["backup:DeleteRecoveryPoint","backup:UpdateRecoveryPointLifecycle"],"Resource":"*",
		"Condition":{"ArnNotLike":{"aws:PrincipalArn":["`+breakGlass+`"]}}}`))
	for _, tc := range []struct {
		who    Principal
		action string
		want   Decision
	}{
		{Root(acct), "backup:DeleteRecoveryPoint", Denied},
		{mustRole(t, opRole, "bob"), "backup:UpdateRecoveryPointLifecycle", Denied},
		{mustRole(t, breakGlass, "alice"), "backup:DeleteRecoveryPoint", NoMatch},
		{mustRole(t, opRole, "bob"), "backup:DescribeRecoveryPoint", NoMatch},
	} {
		got, st := p.Evaluate(Request{Principal: tc.who, Action: tc.action, Resource: rpARN})
		if got != tc.want {
			t.Errorf("%s %s: got %v; want %v", tc.who.ARN, tc.action, got, tc.want)
		}
		if got == Denied && st.Sid != "DenyRecoveryPointDeletion" {
			t.Errorf("deciding statement %q", st.Sid)
		}
	}
}

// TestAliases checks a resource named by an alias: AWS Backup's guide
// denies DeleteRecoveryPoint with the vault's ARN as Resource ("prevents
// anyone from deleting a backup in this vault"), and types recovery points
// by their own ARN.
// https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-vault-access-policy.html
func TestAliases(t *testing.T) {
	t.Parallel()
	r := Request{Principal: Root(acct), Action: "backup:DeleteRecoveryPoint", Resource: snapARN, Aliases: []string{vaultARN}}
	for _, tc := range []struct {
		stmt string
		want Decision
	}{
		{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"` + vaultARN + `"}`, Denied},
		{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"arn:aws:ec2:*::snapshot/*"}`, Denied},
		{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"arn:aws:rds:*:*:snapshot:*"}`, NoMatch},
		{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","NotResource":"arn:aws:ec2:*::snapshot/*"}`, NoMatch},
		{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","NotResource":"` + vaultARN + `"}`, NoMatch},
		{`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","NotResource":"arn:aws:rds:*:*:snapshot:*"}`, Denied},
	} {
		if got, _ := mustParse(t, doc(tc.stmt)).Evaluate(r); got != tc.want {
			t.Errorf("%s: got %v; want %v", tc.stmt, got, tc.want)
		}
	}
}

func TestPrincipals(t *testing.T) {
	t.Parallel()
	p := mustRole(t, opRole, "bob")
	if p.ARN != "arn:aws:sts::111122223333:assumed-role/Operator/bob" || p.PrincipalArn() != opRole || p.Account != acct {
		t.Errorf("assumed role %+v", p)
	}
	if !strings.HasPrefix(p.UserID, "AROA") || !strings.HasSuffix(p.UserID, ":bob") || len(p.UserID) != len("AROA")+17+len(":bob") {
		t.Errorf("userid %q", p.UserID)
	}
	if RoleID(opRole) != RoleID(opRole) || RoleID(opRole) == RoleID(breakGlass) {
		t.Error("RoleID is not a stable, distinct id per role")
	}
	for _, bad := range []string{"", "arn:aws:iam::111122223333:user/bob", "arn:aws:iam::1111:role/x", "role/x"} {
		if _, err := AssumedRole(bad, "s"); err == nil {
			t.Errorf("AssumedRole(%q) accepted", bad)
		}
	}
	if _, err := AssumedRole(opRole, ""); err == nil {
		t.Error("AssumedRole without a session accepted")
	}
	r := Root(acct)
	ctx := map[string][]string{}
	r.contextKeys(ctx)
	if ctx["aws:principaltype"][0] != "Account" || ctx["aws:userid"][0] != acct || ctx["aws:principalarn"][0] != "arn:aws:iam::111122223333:root" {
		t.Errorf("root keys %v", ctx)
	}
	u := Principal{Account: acct, ARN: "arn:aws:iam::111122223333:user/dev/carol"}
	ctx = map[string][]string{}
	u.contextKeys(ctx)
	if ctx["aws:username"][0] != "carol" || ctx["aws:principaltype"][0] != "User" {
		t.Errorf("user keys %v", ctx)
	}
}

func TestMatchers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*a*b*", "xxaxxbxx", true},
		{"*a*b", "xxaxxbxxc", false},
		{"", "", true},
		{"", "a", false},
	} {
		if got := Like(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Like(%q, %q) = %v; want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
	if ArnLike("arn:aws:iam::1:role/x", "arn:aws:iam::1") {
		t.Error("ArnLike matched a pattern of fewer than six parts")
	}
	if !ArnLike("arn:aws:backup:us-east-1:1:backup-vault:a:b", "arn:aws:backup:*:*:backup-vault:a:*") {
		t.Error("ArnLike: the resource part keeps its colons")
	}
}
