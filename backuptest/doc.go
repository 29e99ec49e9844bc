// Package backuptest is a local AWS Backup: an in-process emulator that
// speaks the service's restJson1 wire protocol, so the real aws-sdk-go-v2
// client, the AWS CLI, boto3 and any other client can talk to it unchanged.
// It is built for test suites that stub AWS Backup, and it runs real
// backup, copy and restore jobs on a clock the test controls.
//
// # In Go tests
//
// NewServer starts an emulator on 127.0.0.1 for one test and stops it when
// the test ends; every server has its own state, so parallel tests share
// nothing and there are no package-level globals:
//
//	srv := backuptest.NewServer(t, func(o *backuptest.Options) {
//		o.Clock = backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
//		o.JobDuration = 10 * time.Minute
//	})
//	client := srv.Client() // *backup.Client from aws-sdk-go-v2
//	srv.PutResource(backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", SizeBytes: 8 << 30})
//
// Config and ConfigFor return an aws.Config (static credentials, the server
// as BaseEndpoint, the SDK's standard retryer) for building any client;
// ClientFor and ConfigFor target another account or Region. Outside tests,
// Start serves an emulator on a real listener, and New returns it as a
// plain http.Handler for embedding.
//
// # Accounts, Regions and the inventory
//
// State is partitioned by account and Region. The Region comes from the
// request's SigV4 credential scope, as with AWS; the account from the
// 12-digit suffix of the access key id (ConfigFor builds such keys), else
// Options.AccountID. A cross-Region or cross-account copy job therefore
// lands in the other partition's vault.
//
// The inventory holds the resources that can be protected (PutResource,
// Resources, DeleteResource): ARN, type (from the ARN), name, tags, size,
// a content fingerprint and free-form attributes. Backing up an ARN the
// inventory does not hold fails with ResourceNotFoundException. A
// completed restore job creates a new inventory resource with the source's
// fingerprint, named from the restore metadata where the type has a name
// (DynamoDB targetTableName, RDS DBInstanceIdentifier, …), and reports it
// as the job's CreatedResourceArn.
//
// # One endpoint for every service
//
// The same endpoint serves, over the inventory and each in its own wire
// protocol, the EC2 (ec2 query), RDS (awsQuery), DynamoDB (JSON 1.0), EFS
// (restJson), FSx (JSON 1.1) and S3 (restXml, path-style and
// virtual-hosted) calls a restore drill validates and cleans up with, and
// the Resource Groups Tagging API's GetResources: point any SDK at it with
// AWS_ENDPOINT_URL or BaseEndpoint. Requests are routed by their SigV4
// signing name. The handlers live in one folder per service
// (internal/ec2, internal/rds, …) and share the protocol codecs
// (internal/protocol/…); faults (Fault.Service), latency and the call log
// (Call.Service) apply to them as to AWS Backup. Errors are AWS's
// (InvalidVolume.NotFound, DBInstanceNotFound, ResourceNotFoundException,
// FileSystemNotFound, NoSuchBucket, …), pages use each service's tokens,
// and a deleted resource reports its deleting state for
// Options.DeleteDuration before it is gone (a terminated instance stays
// describable for an hour), as the SDK waiters expect. An operation a
// service does not serve answers as AWS's front end does: InvalidAction
// (query), UnknownOperationException (JSON, REST JSON), NotImplemented
// (S3). NewFakes returns those services' SDK clients wired to the emulator
// in process; ConfigFake stands in for the AWS Config calls of package
// compliance.
//
// # Organizations and STS
//
// Every emulator has an AWS Organizations organization
// (Emulator.Organization, an *OrgFake) managed by Options.AccountID: seed
// it with AddOU, AddAccount, TagAccount and PutRole. Its endpoint serves
// it over the Organizations API (awsJson 1.1) and STS (awsQuery):
// AssumeRole of a member account's role (OrganizationAccountAccessRole by
// default) answers credentials whose access key id ends in that account,
// so every later call lands in that account's partition; a role the
// account does not have, an account outside the organization or a trust
// policy that does not name the caller answers AccessDenied.
// GetCallerIdentity names the caller, assumed-role sessions included.
// Listing other accounts' jobs (ByAccountId) is for the management account
// and AWS Backup's delegated administrator, as in AWS.
//
// # Jobs and time
//
// Backup and copy jobs go CREATED → RUNNING → COMPLETED, restore jobs
// PENDING → RUNNING → COMPLETED, taking Options.JobDuration (or
// Options.JobDurations per resource type) on Options.Clock. With a
// ManualClock nothing moves until the test calls Advance; with zero
// duration a job completes on the next request. Every transition records
// the EventBridge event AWS would send ("Backup Job State Change", …);
// Events returns them.
//
// # Faults and assertions
//
// InjectFault makes matching requests fail before they run (error code,
// HTTP status, count or rate, latency), so throttling and 5xx answers look
// exactly like AWS's to the SDK's retryer. FailJobs makes the next
// matching jobs end FAILED, ABORTED, EXPIRED or PARTIAL with a status
// message. Calls is the log of every request for assertions; CallCount
// counts successful calls of one operation. Options.Seed makes Rate-based
// faults repeatable.
//
// # Over HTTP
//
// The same controls are reachable under /_backupkit/ so tests in any
// language can drive a running `backupkit emulator`:
//
//	GET    /_backupkit/health           {"ok":true,"implemented":N}
//	GET    /_backupkit/resources        the inventory
//	GET    /_backupkit/resources?arn=A  one resource (404 when unknown)
//	POST   /_backupkit/resources        add one Resource or an array of them
//	DELETE /_backupkit/resources?arn=A  remove a resource
//	GET    /_backupkit/faults           fault rules
//	POST   /_backupkit/faults           add a Fault (latency as a duration string, e.g. "200ms")
//	DELETE /_backupkit/faults           remove every fault rule
//	POST   /_backupkit/job-failures     add a JobFailure
//	GET    /_backupkit/calls            the call log
//	GET    /_backupkit/events           EventBridge events emitted so far
//	GET    /_backupkit/clock            {"now": RFC 3339, "manual": bool}
//	POST   /_backupkit/clock            {"advance":"1h"} or {"set":"…"} (manual clock only)
//	POST   /_backupkit/reset            forget all state, calls, events, faults and job failures
//
// SaveState and LoadState write and read the whole state as JSON; the
// emulator command's --state flag uses them (through StateSaver) to keep state
// across restarts. ControlClient drives these endpoints from Go.
//
// # Protocol
//
// Routes, HTTP methods, status codes and query bindings come from the
// SDK's own model (service/backup/schemas), so every one of the 115
// operations routes; handlers are written against the SDK's input and
// output structs. Both trailing-slash forms (the Go SDK's and botocore's)
// and percent-encoded ARNs in paths are accepted; body timestamps are epoch
// seconds and query timestamps ISO-8601. Errors carry X-Amzn-ErrorType and
// a JSON body with __type, Code and Message, with AWS's HTTP status, so
// errors.As on *types.ResourceNotFoundException works in Go and
// client.exceptions.ResourceNotFoundException in boto3. Every operation of the
// SDK's model (115) has a handler; Implemented lists them. An operation
// without one (added to a newer SDK) would answer 501
// InvalidRequestException naming it.
//
// # Known differences from AWS
//
// The emulator follows AWS's documented behaviour; where AWS is silent it
// picks the documented or strictest reading. Each area file starts with
// its own "Known difference" notes; in short:
//
//   - Timing: on-demand jobs start at once; plan jobs start at their
//     scheduled time, or after a seeded delay inside the start window with
//     Options.PlanStartDelay (plan_timing.go), and wait only for another
//     backup of the same resource (AWS's other reasons to wait are not
//     modelled); every job takes its configured duration; StopBackupJob
//     goes ABORTING then ABORTED on the next request; deployments of frameworks and report plans, and report
//     jobs, take Options.JobDuration. Legal holds are ACTIVE at once.
//     DeleteRecoveryPoint removes a point at once (AWS shows DELETING).
//     Summaries are computed live rather than refreshed a few times a day.
//   - Schedules: with Options.RunPlans (the emulator command's default)
//     backup plans start jobs at their rules' exact scheduled times (at most
//     1000 firings per plan per clock advance) and copy actions start copy
//     jobs, and restore testing plans start restore tests at their
//     scheduled times (not within StartWindowHours; restore_testing_runs.go);
//     without it nothing runs on a schedule. Continuous-backup rules keep
//     one continuous recovery point per resource and vault current for RDS,
//     Aurora, S3 and SAP HANA (continuous.go); its window reaches now
//     (AWS's lags a few minutes) and it does not expire by its lifecycle.
//   - Validation: plans, selections, schedules, lifecycles, windows and
//     names are checked by the same rules as the library's (internal/cron,
//     internal/selection, internal/lifecycle, internal/limits), each citing
//     its AWS source. Where AWS documents no exact answer: exceeding rule,
//     copy-action, condition or ARN quotas answers LimitExceededException;
//     deleting a point under legal hold or inside a vault lock's minimum
//     retention answers InvalidRequestException.
//   - KMS (internal/kms) serves the subset vault keys need; it starts with
//     AWS's documentation example key (ExampleKMSKeyID) enabled in the
//     default account and Region. CreateBackupVault refuses an
//     EncryptionKeyArn that KMS does not hold or that is not Enabled
//     (InvalidParameterValueException; AWS's exact code is not documented).
//     No data is encrypted.
//     Fixtures that name a fixed key ARN add it with PutKMSKey. KMS keys and
//     backup gateways are part of SaveState.
//   - Vault access policies are evaluated with IAM's rules for a resource
//     policy (internal/iampolicy): the caller is the access key's account
//     root unless a key is bound to an assumed role; identity policies,
//     permission boundaries, SCPs and KMS key policies are not evaluated.
//   - AWS Backup gateway (backup-gateway) and Systems Manager for SAP
//     (ssm-sap): see gateway.go; activation keys are accepted without an
//     appliance, hypervisors are ONLINE at once (SetHypervisorState changes
//     that), a VM is on the hypervisor whose Host equals its
//     "hypervisorHost" attribute, and an SAP HANA database is RUNNING
//     unless its "state" attribute says otherwise.
//   - Accounts: ByAccountId "*" covers every account in the Region (not
//     only the organization's members), and the summaries' ANY/AGGREGATE_ALL
//     too; any account may change global settings. Roles are a list of
//     trusted accounts and an external id, not IAM policy documents.
//   - Content: restore metadata is a plausible fixed key set per type
//     (overridden by the resource's Attributes); no report files are
//     written; tiering configurations move no data; restore testing's
//     inferred metadata is the recovery point's restore metadata with a new
//     "awsbackup-restore-test-" name (AWS infers more keys for some types),
//     and deleting a restore test's resource never fails.
//   - Built-in plan templates are five AWS-like presets with fixed ids.
//   - EC2, RDS, DynamoDB, EFS, FSx, S3 and the tagging API serve only the
//     operations a drill, its cleanup and coverage use (each folder's doc
//     lists them and its filters); resources are described from their
//     inventory entry; S3 objects exist only as a count; there is no
//     eventual consistency. ConfigFake and OrgFake serve only the calls
//     backupkit uses.
//
// No longer differences: every operation is implemented (access points,
// multi-party approval teams, restore access vaults, scan jobs, indexes,
// DisassociateRecoveryPointFromParent answered 501 before); vault access
// policies are enforced (DeleteRecoveryPoint and the other governed actions
// answer AccessDeniedException, 403; cross-account copies evaluate the
// destination policy instead of searching its text); plan jobs expire past
// their start window and are canceled at the end of their completion window
// counted from the scheduled time; rules of one plan whose start windows
// overlap run once, for the rule with the longest retention; restore
// testing plans run on their schedules, pick recovery points as their
// RecoveryPointSelection and selections say, start restore jobs created by
// the plan, wait for PutRestoreValidationResult within the validation
// window and then delete the restored resource (DeletionStatus);
// continuous-backup rules create one continuous recovery point per resource
// and keep its point-in-time window current, and restores to a point in time
// (restoreTime, restoreToTime, useLatestRestorableTime) are checked against
// that window.
package backuptest
