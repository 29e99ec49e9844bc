// Package automation runs backupkit's restore drills and the remediation
// of failed backup jobs on AWS's own engine: Step Functions workflows
// (DrillMachine, SweepMachine, RemediateMachine, rendered as Amazon
// States Language by the asl package) whose Lambda steps are the
// automation/function package's Handler, built into one Lambda function
// (cmd/backupkit-lambda; Package builds and zips it). Build wraps them
// in a CloudFormation template with least-privilege roles, the
// EventBridge rules, a schedule, the SNS topic and the report bucket.
// StartDrill, ExecutionWaiter and FetchReport start a drill execution
// from Go, wait for it and read its restore.Report.
package automation
