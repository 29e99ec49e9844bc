// Package backupkit is the root of a Go toolkit that makes AWS Backup safe
// and pleasant to use from Go. It sits on top of aws-sdk-go-v2
// (github.com/aws/aws-sdk-go-v2/service/backup) and adds the parts the SDK
// leaves to every user: validation that catches what AWS would reject,
// waiters for jobs, restore inputs per resource type, restore drills that
// measure recovery time, compliance checks, and a local emulator to test
// all of it without an AWS account.
//
// The root package holds no code; the work is in its packages:
//
//   - [github.com/backupkit/backupkit/plan]: fluent, validated backup plans
//     and selections; an AWS cron parser with fire times; presets; plan-as-code
//     formats (AWS CLI JSON, YAML, Terraform JSON, Organizations backup
//     policy); create, update, ensure and diff plans against AWS.
//   - [github.com/backupkit/backupkit/backup]: resource types, error
//     predicates, on-demand backup and copy jobs, job waiters, recovery
//     points, legal holds, monitoring reports, EventBridge events and a
//     remediator for failed jobs.
//   - [github.com/backupkit/backupkit/vault]: vaults with customer KMS keys,
//     Vault Lock, access policies, notifications and logically air-gapped
//     vaults; deletion that never touches locked or held recovery points.
//   - [github.com/backupkit/backupkit/restore]: typed restore metadata for
//     every resource type, and the drill runner: back up, restore to staging,
//     validate, clean up, and report RTO and RPO against targets.
//   - [github.com/backupkit/backupkit/compliance]: Backup Audit Manager
//     frameworks and reports, AWS Config rules, Organizations backup
//     policies, least-privilege IAM roles, coverage analysis and an advisor.
//   - [github.com/backupkit/backupkit/backuptest]: an in-process AWS Backup
//     emulator speaking the real wire protocol, for tests in Go and, over
//     HTTP, for the AWS CLI, boto3 and any other client.
//
// Every package talks to AWS through small interfaces that the SDK's
// clients satisfy, so code that runs against the emulator runs unchanged
// against AWS with the default credential chain. The command
// github.com/backupkit/backupkit/cmd/backupkit puts the same features on the
// command line.
package backupkit
