package automation_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/internal/sfnlocal"
)

// attributes are the GetAtt attributes the template may use, per type.
var attributes = map[string][]string{
	"AWS::Events::Rule":                {"Arn"},
	"AWS::IAM::Role":                   {"Arn", "RoleId"},
	"AWS::Lambda::Function":            {"Arn"},
	"AWS::S3::Bucket":                  {"Arn", "DomainName"},
	"AWS::SNS::Topic":                  {"TopicArn", "TopicName"},
	"AWS::StepFunctions::StateMachine": {"Arn", "Name"},
}

var pseudo = []string{"AWS::AccountId", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackName", "AWS::StackId", "AWS::URLSuffix"}

// resolve checks every Ref, Fn::GetAtt, Fn::Sub variable, Fn::If
// condition and DependsOn of the template against its declarations.
func resolve(t *testing.T, tmpl map[string]any) (refs int) {
	t.Helper()
	params, _ := tmpl["Parameters"].(map[string]any)
	resources, _ := tmpl["Resources"].(map[string]any)
	conditions, _ := tmpl["Conditions"].(map[string]any)
	typeOf := func(id string) string {
		r, _ := resources[id].(map[string]any)
		s, _ := r["Type"].(string)
		return s
	}
	declared := func(name string) bool {
		_, p := params[name]
		_, r := resources[name]
		return p || r || slices.Contains(pseudo, name)
	}
	subVar := regexp.MustCompile(`\$\{([^}!][^}]*)\}`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["Ref"].(string); ok {
				refs++
				assert.True(t, declared(ref), "%s: Ref %q is neither a parameter, a resource nor a pseudo parameter", path, ref)
			}
			if ga, ok := x["Fn::GetAtt"].([]any); ok {
				refs++
				require.Len(t, ga, 2, path)
				id, attr := ga[0].(string), ga[1].(string)
				assert.Contains(t, resources, id, "%s: GetAtt of undeclared resource %q", path, id)
				assert.Contains(t, attributes[typeOf(id)], attr, "%s: %s has no attribute %q", path, typeOf(id), attr)
			}
			if s, ok := x["Fn::Sub"].(string); ok {
				for _, m := range subVar.FindAllStringSubmatch(s, -1) {
					refs++
					name, attr, hasAttr := strings.Cut(m[1], ".")
					if hasAttr {
						assert.Contains(t, resources, name, "%s: Fn::Sub ${%s}", path, m[1])
						assert.Contains(t, attributes[typeOf(name)], attr, "%s: Fn::Sub ${%s}", path, m[1])
					} else {
						assert.True(t, declared(name), "%s: Fn::Sub ${%s} is not declared", path, m[1])
					}
				}
			}
			if ifs, ok := x["Fn::If"].([]any); ok {
				assert.Contains(t, conditions, ifs[0], "%s: Fn::If condition", path)
			}
			for k, sub := range x {
				walk(path+"."+k, sub)
			}
		case []any:
			for _, sub := range x {
				walk(path+"[]", sub)
			}
		}
	}
	for id, r := range resources {
		res := r.(map[string]any)
		for _, d := range asStrings(res["DependsOn"]) {
			assert.Contains(t, resources, d, "%s DependsOn", id)
		}
		if c, ok := res["Condition"].(string); ok {
			assert.Contains(t, conditions, c)
		}
		walk("Resources."+id, res["Properties"])
	}
	walk("Outputs", tmpl["Outputs"])
	walk("Conditions", tmpl["Conditions"])
	return refs
}

func asStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}

func TestTemplateResolvesAndValidates(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]func(*automation.TemplateOptions){
		"defaults": func(*automation.TemplateOptions) {},
		"local code": func(o *automation.TemplateOptions) {
			o.Code = "dist/backupkit-lambda.zip"
			o.Schedule = "cron(*/30 * * * ? *)"
		},
		"cross-account":           func(o *automation.TemplateOptions) { o.Workflow.CrossAccount = true; o.Timezone = "Europe/Paris" },
		"remediation by function": func(o *automation.TemplateOptions) { o.Remediation = automation.RemediationFunction },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := automation.Build(fn)
			require.NoError(t, err)
			b, err := tmpl.JSON()
			require.NoError(t, err)
			var doc map[string]any
			require.NoError(t, json.Unmarshal(b, &doc), "valid JSON")
			assert.Greater(t, resolve(t, doc), 30)

			resources := doc["Resources"].(map[string]any)
			defs := map[string][]byte{}
			for id, r := range resources {
				res := r.(map[string]any)
				if res["Type"] != "AWS::StepFunctions::StateMachine" {
					continue
				}
				props := res["Properties"].(map[string]any)
				def := props["DefinitionString"].(string)
				subs := props["DefinitionSubstitutions"].(map[string]any)
				for _, m := range regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`).FindAllStringSubmatch(def, -1) {
					assert.Contains(t, subs, m[1], "%s: placeholder ${%s} has a DefinitionSubstitution", id, m[1])
				}
				defs[id] = []byte(def)
			}
			if name == "remediation by function" {
				// The rule invokes the function itself, allowed for this rule only.
				require.Len(t, defs, 2)
				rule := resources["FailedJobsRule"].(map[string]any)["Properties"].(map[string]any)
				target := rule["Targets"].([]any)[0].(map[string]any)
				assert.Equal(t, map[string]any{"Fn::GetAtt": []any{"Function", "Arn"}}, target["Arn"])
				assert.NotContains(t, target, "RoleArn")
				perm := resources["RemediatePermission"].(map[string]any)
				assert.Equal(t, "AWS::Lambda::Permission", perm["Type"])
				props := perm["Properties"].(map[string]any)
				assert.Equal(t, "events.amazonaws.com", props["Principal"])
				assert.Equal(t, map[string]any{"Fn::GetAtt": []any{"FailedJobsRule", "Arn"}}, props["SourceArn"])
				assert.NotContains(t, resources, "RemediateStateMachine")
			} else {
				require.Len(t, defs, 3)
			}
			require.NoError(t, sfnlocal.Validate(t, defs), "every state machine passes asl-validator")

			// Least privilege: no action wildcards, PassRole only to AWS Backup.
			for id, r := range resources {
				res := r.(map[string]any)
				if res["Type"] != "AWS::IAM::Role" {
					continue
				}
				for _, p := range res["Properties"].(map[string]any)["Policies"].([]any) {
					raw, err := json.Marshal(p.(map[string]any)["PolicyDocument"])
					require.NoError(t, err)
					doc, err := compliance.ParsePolicyDocument(subless(raw))
					require.NoError(t, err, "%s: %s", id, raw)
					for _, f := range compliance.Lint(doc, compliance.LintOptions{}) {
						if f.Severity >= compliance.SeverityHigh {
							t.Errorf("%s: %s", id, f)
						}
					}
					for _, s := range doc.Statement {
						for _, a := range s.Action {
							assert.NotContains(t, a, "*", "%s grants a wildcard action", id)
						}
					}
				}
			}
		})
	}
}

// subless replaces {"Fn::Sub": "x"} with "x" so the policy parses.
func subless(b []byte) []byte {
	var v any
	_ = json.Unmarshal(b, &v)
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["Fn::Sub"].(string); ok && len(x) == 1 {
				return s
			}
			for k := range x {
				x[k] = walk(x[k])
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		}
		return v
	}
	out, _ := json.Marshal(walk(v))
	return out
}

func TestTemplateRefusesBadSettings(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		fn    func(*automation.TemplateOptions)
		field string
	}{
		"bad cron":        {func(o *automation.TemplateOptions) { o.Schedule = "cron(0 5 * * * *)" }, "Schedule"},
		"rate not cron":   {func(o *automation.TemplateOptions) { o.Schedule = "rate(1 day)" }, "Schedule"},
		"bad zone":        {func(o *automation.TemplateOptions) { o.Timezone = "Mars/Olympus" }, "Timezone"},
		"concurrency":     {func(o *automation.TemplateOptions) { o.Workflow.MaxConcurrency = 10001 }, "MaxConcurrency"},
		"tolerated":       {func(o *automation.TemplateOptions) { o.Workflow.ToleratedFailurePercentage = 150 }, "ToleratedFailurePercentage"},
		"memory":          {func(o *automation.TemplateOptions) { o.FunctionMemoryMB = 64 }, "FunctionMemoryMB"},
		"bad drill input": {func(o *automation.TemplateOptions) { o.DrillInput = &function.DrillInput{AllInVault: true} }, "Drill.Vault"},
		"remediation":     {func(o *automation.TemplateOptions) { o.Remediation = "lambda" }, "Remediation"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tmpl, err := automation.Build(tt.fn)
			require.Error(t, err)
			assert.Nil(t, tmpl)
			assert.Contains(t, fieldsOf(err), tt.field, "%v", err)
		})
	}
}

func fieldsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var ve *backup.ValidationError
		if errors.As(err, &ve) {
			out = append(out, ve.Field)
			return
		}
		if s := err.Error(); strings.Contains(s, ":") {
			out = append(out, strings.SplitN(s, ":", 2)[0])
		}
	}
	walk(err)
	return out
}
