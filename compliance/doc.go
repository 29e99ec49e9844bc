// Package compliance is where a platform team proves its AWS Backup setup
// meets policy.
//
// It covers:
//
//   - AWS Backup Audit Manager: typed builders for every control
//     ([LastRecoveryPointCreated], [PlanMinFrequencyAndRetention], …) with
//     durations instead of strings and AWS's limits checked up front;
//     frameworks and report plans created idempotently ([Client.EnsureFramework],
//     [Client.EnsureReportPlan]); on-demand report jobs; typed parsers for the
//     delivered CSV/JSON report files; Athena DDL (one table per template,
//     its columns the fields of AWS's documented sample report files) and
//     ready queries, run by [AthenaRunner]: StartQueryExecution, a
//     [QueryWaiter] on GetQueryExecution with the backup waiter conventions,
//     paginated GetQueryResults, and StopQueryExecution when the caller gives
//     up.
//   - AWS Config: the AWS Backup managed rules ([ConfigRule]) deployed over a
//     narrow client interface, their evaluations read back as findings.
//   - AWS Organizations: a plan turned into a BACKUP_POLICY, attached to
//     roots/OUs/accounts, with the policy type, service access and the
//     delegated administrator set up, and a member's effective policy diffed
//     against the intended one.
//   - IAM: least-privilege backup and restore roles per resource type
//     ([BackupRole], [RestoreRole]), strictly narrower than AWS's managed
//     AWSBackupServiceRolePolicyForBackup / ForRestores, and a linter ([Lint]).
//   - Coverage: which resources are protected by which plan rules, with what
//     implied RPO and whether copies leave the Region/account ([Coverage]).
//   - Advisor: best-practice checks with severity, evidence and fix ([Advise]).
//   - Compliance as code: frameworks, report plans and Config rules declared
//     in one YAML file ([ParseDeclaration], [Apply]); the backupkit CLI's
//     "compliance apply" runs it.
//
// The IAM comparison with AWS's managed policies: for every supported type
// the generated permissions grant only actions that the managed policy for
// the same job also grants (the managed policy's own wildcards count), and
// strictly fewer of them; resources are scoped to the account (and Region,
// when given) where the managed policy uses "*:*" or "*". The single
// exception is opt-in: a restore role for EC2 instances with an instance
// profile may get iam:PassRole on that one role, restricted to
// ec2.amazonaws.com, which the managed restore policy lacks and AWS documents
// as an addition. The tests in iam_test.go check this against the managed
// policies' action lists kept in testdata/managed.
package compliance
