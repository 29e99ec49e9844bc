package automation

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/plan"
)

// Template is an AWS CloudFormation template in its JSON form.
type Template struct {
	AWSTemplateFormatVersion string               `json:"AWSTemplateFormatVersion"`
	Description              string               `json:"Description"`
	Parameters               map[string]Parameter `json:"Parameters"`
	Conditions               map[string]any       `json:"Conditions,omitempty"`
	Resources                map[string]Resource  `json:"Resources"`
	Outputs                  map[string]Output    `json:"Outputs"`
}

// Parameter is a template parameter.
type Parameter struct {
	Type           string `json:"Type"`
	Description    string `json:"Description"`
	Default        string `json:"Default"`
	AllowedPattern string `json:"AllowedPattern,omitempty"`
}

// Resource is a template resource.
type Resource struct {
	Type       string         `json:"Type"`
	Condition  string         `json:"Condition,omitempty"`
	DependsOn  []string       `json:"DependsOn,omitempty"`
	Properties map[string]any `json:"Properties"`
}

// Output is a template output.
type Output struct {
	Description string `json:"Description"`
	Value       any    `json:"Value"`
}

// Ref and GetAtt are CloudFormation intrinsic functions.
func Ref(name string) map[string]any { return map[string]any{"Ref": name} }

// GetAtt returns {"Fn::GetAtt": [resource, attribute]}.
func GetAtt(resource, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []string{resource, attr}}
}

// TemplateOptions configure Build.
type TemplateOptions struct {
	// Workflow shapes the state machines.
	Workflow Options
	// Schedule starts the drill workflow on an AWS cron expression
	// ("cron(0 3 ? * SUN *)"), the syntax of backup plan rules and
	// EventBridge Scheduler. Default: Sundays 03:00.
	Schedule string
	// Timezone is the schedule's IANA time zone. Default "UTC".
	Timezone string
	// DrillInput is the input of scheduled executions. Default: every
	// resource with a recovery point in the vault named by the DrillVault
	// parameter, restored with the template's restore role.
	DrillInput *function.DrillInput
	// Code is where the Lambda zip is: a local path for `aws cloudformation
	// package` to upload ("dist/backupkit-lambda.zip"). Empty: the template
	// takes CodeBucket and CodeKey parameters.
	Code string
	// FunctionMemoryMB and FunctionTimeout size the function. Defaults
	// 256 MB and 5 minutes (Lambda allows 128–10,240 MB and ≤ 15 minutes).
	FunctionMemoryMB int
	FunctionTimeout  time.Duration
	// Remediation is what the rule on failed, expired and aborted backup
	// and copy jobs starts: RemediationWorkflow (default) or
	// RemediationFunction.
	Remediation string
}

// Remediation paths of TemplateOptions.
const (
	// RemediationWorkflow: the rule starts the remediation state machine,
	// which runs the remediator in the function, then follows the
	// restarted job to its end (one state transition per poll) and
	// publishes its outcome — which the function alone, limited to 15
	// minutes, could not wait for.
	RemediationWorkflow = "workflow"
	// RemediationFunction: the rule invokes the function with the event
	// itself (asynchronously; Lambda retries a failed invocation twice,
	// and the remediator is idempotent). No workflow and no state
	// transitions: the remediator restarts the job and notifies SNS, but
	// nothing follows the restarted job; if it fails too, its own event
	// comes back to the function, and the remediator's MaxFailures stops
	// the loop.
	RemediationFunction = "function"
)

// DefaultSchedule runs drills every Sunday at 03:00.
const DefaultSchedule = "cron(0 3 ? * SUN *)"

func (o *TemplateOptions) check() error {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, &backup.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if err := o.Workflow.Check(); err != nil {
		errs = append(errs, err)
	}
	if _, err := plan.ParseSchedule(o.Schedule); err != nil && !errors.Is(err, plan.ErrSubHourly) {
		// EventBridge Scheduler may fire more than hourly; the rest of the
		// syntax is AWS Backup's.
		fail("Schedule", "%q is not an AWS cron expression: %v", o.Schedule, err)
	}
	if _, err := time.LoadLocation(o.Timezone); err != nil || o.Timezone == "Local" {
		fail("Timezone", "%q is not an IANA time zone", o.Timezone)
	}
	if o.FunctionMemoryMB < 128 || o.FunctionMemoryMB > 10240 {
		fail("FunctionMemoryMB", "is %d; Lambda allows 128–10240", o.FunctionMemoryMB)
	}
	if o.FunctionTimeout < time.Second || o.FunctionTimeout > 15*time.Minute || o.FunctionTimeout%time.Second != 0 {
		fail("FunctionTimeout", "is %v; Lambda allows whole seconds up to 15m", o.FunctionTimeout)
	}
	if o.Remediation != RemediationWorkflow && o.Remediation != RemediationFunction {
		fail("Remediation", "is %q; want %q or %q", o.Remediation, RemediationWorkflow, RemediationFunction)
	}
	if o.DrillInput != nil {
		if err := o.DrillInput.Check(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Build returns the CloudFormation template that deploys the drill, sweep
// and remediation workflows: the three state machines (DefinitionString
// from the rendered ASL, filled by DefinitionSubstitutions), the Lambda
// function, least-privilege roles (the restore and backup roles generated
// by the compliance package; the state machines', function's, EventBridge's
// and Scheduler's roles scoped to what each calls), the EventBridge rules
// (failed backup and copy jobs → the remediation workflow, or the function
// itself with RemediationFunction; stopped drill executions → sweep), the EventBridge Scheduler schedule, the SNS topic and the report
// bucket. Every setting is checked first; problems name their field.
func Build(optFns ...func(*TemplateOptions)) (*Template, error) {
	o := TemplateOptions{Schedule: DefaultSchedule, Timezone: "UTC", FunctionMemoryMB: 256, FunctionTimeout: 5 * time.Minute, Remediation: RemediationWorkflow}
	for _, fn := range optFns {
		fn(&o)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	wf := o.Workflow
	wf.FunctionARN, wf.TopicARN = FunctionARNPlaceholder, TopicARNPlaceholder
	drill, err := DrillMachine(func(x *Options) { *x = wf })
	if err != nil {
		return nil, err
	}
	sweep, err := SweepMachine(func(x *Options) { *x = wf })
	if err != nil {
		return nil, err
	}
	remediate, err := RemediateMachine(func(x *Options) { *x = wf })
	if err != nil {
		return nil, err
	}
	pattern, err := backup.NewRulePattern(backup.DetailTypeBackupJob, backup.DetailTypeCopyJob).WithStates("FAILED", "EXPIRED", "ABORTED").JSON()
	if err != nil {
		return nil, err
	}
	restoreRole, err := backupServiceRole(true)
	if err != nil {
		return nil, err
	}
	backupRole, err := backupServiceRole(false)
	if err != nil {
		return nil, err
	}

	t := &Template{
		AWSTemplateFormatVersion: "2010-09-09",
		Description:              "backupkit: restore drills and remediation on AWS Step Functions and Lambda (generated by backupkit automation template)",
		Parameters: map[string]Parameter{
			"ReportBucketName": {Type: "String", Default: "", Description: "Name of the report bucket (empty: CloudFormation names it)."},
			"TopicName":        {Type: "String", Default: "", Description: "Name of the SNS topic for drill summaries and remediation outcomes (empty: CloudFormation names it)."},
			"DrillVault":       {Type: "String", Default: "Default", Description: "Backup vault whose recovery points scheduled drills restore."},
			"ScheduleState":    {Type: "String", Default: "ENABLED", AllowedPattern: "^(ENABLED|DISABLED)$", Description: "ENABLED or DISABLED: whether the drill schedule runs."},
		},
		Conditions: map[string]any{
			"HasReportBucketName": map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{Ref("ReportBucketName"), ""}}}},
			"HasTopicName":        map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{Ref("TopicName"), ""}}}},
		},
		Resources: map[string]Resource{},
		Outputs:   map[string]Output{},
	}
	if wf.CrossAccount {
		t.Parameters["CrossAccountRoleName"] = Parameter{Type: "String", Default: "BackupKitDrillRole", Description: "Role (same name in every target account) that drill steps assume; it must trust this stack's state machine and function roles."}
	}
	noValue := Ref("AWS::NoValue")
	code := any(o.Code)
	if o.Code == "" {
		t.Parameters["CodeBucket"] = Parameter{Type: "String", Default: "", Description: "S3 bucket holding the Lambda zip (backupkit automation package)."}
		t.Parameters["CodeKey"] = Parameter{Type: "String", Default: "backupkit-lambda.zip", Description: "S3 key of the Lambda zip."}
		code = map[string]any{"S3Bucket": Ref("CodeBucket"), "S3Key": Ref("CodeKey")}
	}
	res := t.Resources
	res["ReportBucket"] = Resource{Type: "AWS::S3::Bucket", Properties: map[string]any{
		"BucketName": map[string]any{"Fn::If": []any{"HasReportBucketName", Ref("ReportBucketName"), noValue}},
		"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
			map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}}}},
		"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
	}}
	res["Topic"] = Resource{Type: "AWS::SNS::Topic", Properties: map[string]any{
		"TopicName": map[string]any{"Fn::If": []any{"HasTopicName", Ref("TopicName"), noValue}},
	}}
	res["RestoreRole"] = restoreRole
	res["BackupRole"] = backupRole
	res["FunctionRole"] = serviceRole("lambda.amazonaws.com", functionPolicy(wf))
	res["Function"] = Resource{Type: "AWS::Lambda::Function", Properties: map[string]any{
		"FunctionName":  map[string]any{"Fn::Sub": "${AWS::StackName}-steps"},
		"Description":   "backupkit drill steps and remediator",
		"Runtime":       "provided.al2023",
		"Handler":       "bootstrap",
		"Architectures": []string{"arm64"},
		"MemorySize":    o.FunctionMemoryMB,
		"Timeout":       int(o.FunctionTimeout / time.Second),
		"Role":          GetAtt("FunctionRole", "Arn"),
		"Code":          code,
		"Environment": map[string]any{"Variables": map[string]any{
			function.EnvReportBucket: Ref("ReportBucket"),
			function.EnvTopicARN:     Ref("Topic"),
			function.EnvRestoreRole:  GetAtt("RestoreRole", "Arn"),
			function.EnvBackupRole:   GetAtt("BackupRole", "Arn"),
		}},
	}}
	names := map[string]string{"DrillStateMachine": "drill", "SweepStateMachine": "sweep", "RemediateStateMachine": "remediate"}
	machineName := func(id string) string { return "${AWS::StackName}-" + names[id] }
	res["DrillRole"] = serviceRole("states.amazonaws.com", stateMachinePolicy(wf, machineName("DrillStateMachine"), machineName("SweepStateMachine")))
	machines := map[string]*asl.StateMachine{"DrillStateMachine": drill, "SweepStateMachine": sweep}
	if o.Remediation == RemediationWorkflow {
		res["RemediateRole"] = serviceRole("states.amazonaws.com", remediatePolicy())
		machines["RemediateStateMachine"] = remediate
	}
	for id, m := range machines {
		def, err := m.Compact()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		role := "DrillRole"
		if id == "RemediateStateMachine" {
			role = "RemediateRole"
		}
		res[id] = Resource{Type: "AWS::StepFunctions::StateMachine", Properties: map[string]any{
			"StateMachineName":        map[string]any{"Fn::Sub": machineName(id)},
			"StateMachineType":        "STANDARD",
			"RoleArn":                 GetAtt(role, "Arn"),
			"DefinitionString":        string(def),
			"DefinitionSubstitutions": map[string]any{"FunctionArn": GetAtt("Function", "Arn"), "TopicArn": Ref("Topic")},
		}}
	}
	var patternJSON any
	mustRoundTrip([]byte(pattern), &patternJSON)
	if o.Remediation == RemediationWorkflow {
		res["EventsRole"] = serviceRole("events.amazonaws.com", policy(
			allow("StartRemediationAndSweep", []string{"states:StartExecution"}, "${RemediateStateMachine}", "${SweepStateMachine}")))
		res["FailedJobsRule"] = Resource{Type: "AWS::Events::Rule", Properties: map[string]any{
			"Description":  "Failed, expired or aborted AWS Backup backup and copy jobs start the remediation workflow",
			"EventPattern": patternJSON,
			"State":        "ENABLED",
			"Targets":      []any{map[string]any{"Id": "remediate", "Arn": Ref("RemediateStateMachine"), "RoleArn": GetAtt("EventsRole", "Arn")}},
		}}
	} else {
		res["EventsRole"] = serviceRole("events.amazonaws.com", policy(
			allow("StartSweep", []string{"states:StartExecution"}, "${SweepStateMachine}")))
		res["FailedJobsRule"] = Resource{Type: "AWS::Events::Rule", Properties: map[string]any{
			"Description":  "Failed, expired or aborted AWS Backup backup and copy jobs invoke the remediator function",
			"EventPattern": patternJSON,
			"State":        "ENABLED",
			"Targets":      []any{map[string]any{"Id": "remediate", "Arn": GetAtt("Function", "Arn")}},
		}}
		// EventBridge invokes the function under its resource policy, for
		// this rule only.
		res["RemediatePermission"] = Resource{Type: "AWS::Lambda::Permission", Properties: map[string]any{
			"Action":       "lambda:InvokeFunction",
			"FunctionName": Ref("Function"),
			"Principal":    "events.amazonaws.com",
			"SourceArn":    GetAtt("FailedJobsRule", "Arn"),
		}}
	}
	res["StoppedDrillsRule"] = Resource{Type: "AWS::Events::Rule", Properties: map[string]any{
		"Description": "Drill executions that were stopped, timed out or failed start the sweep workflow, which cleans up what they restored",
		"EventPattern": map[string]any{
			"source":      []string{"aws.states"},
			"detail-type": []string{"Step Functions Execution Status Change"},
			"detail":      map[string]any{"status": []string{"ABORTED", "TIMED_OUT", "FAILED"}, "stateMachineArn": []any{Ref("DrillStateMachine")}},
		},
		"State":   "ENABLED",
		"Targets": []any{map[string]any{"Id": "sweep", "Arn": Ref("SweepStateMachine"), "RoleArn": GetAtt("EventsRole", "Arn")}},
	}}
	res["SchedulerRole"] = serviceRole("scheduler.amazonaws.com", policy(
		allow("StartDrill", []string{"states:StartExecution"}, "${DrillStateMachine}")))
	input := any(map[string]any{"Fn::Sub": `{"vault":"${DrillVault}","allInVault":true,"iamRoleArn":"${RestoreRole.Arn}"}`})
	if o.DrillInput != nil {
		b, err := json.Marshal(o.DrillInput)
		if err != nil {
			return nil, err
		}
		input = string(b)
	}
	res["DrillSchedule"] = Resource{Type: "AWS::Scheduler::Schedule", Properties: map[string]any{
		"Description":                "Start the backupkit drill workflow",
		"ScheduleExpression":         o.Schedule,
		"ScheduleExpressionTimezone": o.Timezone,
		"FlexibleTimeWindow":         map[string]any{"Mode": "OFF"},
		"State":                      Ref("ScheduleState"),
		"Target":                     map[string]any{"Arn": Ref("DrillStateMachine"), "RoleArn": GetAtt("SchedulerRole", "Arn"), "Input": input},
	}}
	t.Outputs = map[string]Output{
		"DrillStateMachineArn": {Description: "Start drills here (backupkit automation start, or aws stepfunctions start-execution)", Value: Ref("DrillStateMachine")},
		"SweepStateMachineArn": {Description: "Cleans up after stopped drill executions", Value: Ref("SweepStateMachine")},
		"ReportBucketName":     {Description: "Drill reports: drills/<execution name>/report.{json,xml,md,html}", Value: Ref("ReportBucket")},
		"TopicArn":             {Description: "Drill summaries and remediation outcomes", Value: Ref("Topic")},
		"FunctionArn":          {Description: "The backupkit Lambda function", Value: GetAtt("Function", "Arn")},
		"RestoreRoleArn":       {Description: "Role AWS Backup assumes for drill restores", Value: GetAtt("RestoreRole", "Arn")},
	}
	if o.Remediation == RemediationWorkflow {
		t.Outputs["RemediateStateMachineArn"] = Output{Description: "Remediates failed backup and copy jobs", Value: Ref("RemediateStateMachine")}
	}
	return t, nil
}

// JSON renders the template, indented.
func (t *Template) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func mustRoundTrip(b []byte, v any) {
	if err := json.Unmarshal(b, v); err != nil {
		panic(err) // our own marshalled JSON
	}
}
