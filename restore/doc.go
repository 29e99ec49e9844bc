// Package restore restores AWS Backup recovery points with typed, checked
// inputs and runs restore drills: restore to staging, validate, clean up,
// and measure RTO and RPO against targets.
//
// # Restores
//
// Every resource type AWS Backup restores has an Input: EBS, EC2, RDS,
// Aurora, DocumentDB, Neptune, DynamoDB, EFS, FSx (Windows, Lustre, ONTAP,
// OpenZFS), S3, StorageGateway, Redshift, Timestream, VirtualMachine,
// SAPHANA and CloudFormation (Raw for anything else). Input.Metadata checks
// required keys and value ranges and returns every problem at once as an
// errors.Join of *ValidationError naming the field. Client.Start lays the
// input's metadata over the recovery point's GetRecoveryPointRestoreMetadata
// (the caller's values win, keys compared case-insensitively), starts the
// job with a deterministic idempotency token, and Client.StartAndWait waits
// with the backup package's RestoreJobWaiter and returns the created
// resource ARN with AWS's own CreationDate and CompletionDate.
//
// VMware virtual machines behind AWS Backup gateway
// (arn:aws:backup-gateway:REGION:ACCOUNT:vm/ID, type VirtualMachine) and SAP
// HANA databases on Amazon EC2 registered with AWS Systems Manager for SAP
// (arn:aws:ssm-sap:REGION:ACCOUNT:HANA/APPLICATION/DB/DATABASE, type
// SAPHANA) restore differently from the rest. VirtualMachine restores to
// EC2, to EBS or back to VMware (RestoreTo); a drill takes EC2 or EBS only,
// because no AWS API deletes a VM from vCenter, and checks through the
// gateway (Options.Services.Gateway) that the source VM's hypervisor is
// online. SAPHANA overwrites an existing database (TargetDatabaseARN): a
// drill needs a staging database other than the source, checks that it is
// RUNNING through Systems Manager for SAP (Options.Services.SSMSAP), and
// keeps it afterwards, since the drill did not create it. Plans select
// these types with the patterns of internal/arntype
// (plan.ResourceTypePattern), the same ones the emulator matches.
//
// TestingPlan and TestingSelection build AWS restore testing plans and
// selections (AWS defaults; exactly one of ARNs or tag conditions; windows
// of 1–168 hours; recovery point window of 1–365 days), so the same
// targets can be scheduled inside AWS. TestingResults reads what such a plan
// did (its restore jobs' dates, validation results and deletion statuses)
// into the same Report a drill produces, without running restores itself.
//
// # Drills
//
// Client.Run(ctx, drill) is synchronous. Targets are explicit ARNs, a
// Selection (ARN patterns and tags, or any match function such as a plan
// selection's Matches) over the resources with recovery points in a vault,
// or every such resource. For each target, with at most Drill.Concurrency
// in flight overall and Drill.PerTypeConcurrency per resource type:
//
//  1. optionally take a fresh on-demand backup (Drill.FreshBackup), with
//     backup.Client.StartBackup (Options.Backup) and its job waiter;
//  2. choose the latest completed recovery point (or the pinned one),
//     listed with backup.RecoveryPoints (the vault) or
//     backup.ResourceRecoveryPoints (any vault);
//  3. restore it to staging under a unique name ("bkdrill-<hash>-<n>"),
//     then tag the created resource backupkit:drill-id=<drill id> and
//     backupkit:drill-source=<source ARN>;
//  4. validate: the built-in Handler for the type checks the available
//     state and cheap content facts (EBS size, DynamoDB item count, S3
//     object count) through the service's own SDK client (Options.Services),
//     then the drill's and the target's Validators run; the outcome goes to
//     AWS Backup with PutRestoreValidationResult;
//  5. clean up, also after failures, panics and cancellation (on a context
//     detached with context.WithoutCancel and bounded by
//     Options.CleanupTimeout): only the restore job's CreatedResourceArn,
//     and only while it carries this drill's tag, is deleted; deletion is
//     confirmed by polling, and anything that remains is reported by ARN.
//
// A target whose type has no Handler fails before anything is restored:
// the drill never creates what it could not delete.
//
// Measurements: RPO is the chosen recovery point's age at drill start
// (zero for a fresh backup); RTO restore is the restore job's
// CompletionDate − CreationDate, as AWS measures it; RTO total runs from
// the target's start (after a fresh backup, which is not part of recovery)
// until validation finished. RTO total is compared with MaxRTO, RPO with
// MaxRPO (per target, else per drill). Progress goes to Options.OnEvent and
// Options.Logger.
//
// Time: every measurement reads Options.Now and every wait goes through
// Options.Sleep (job waiters, readiness retries, delete polls). Give both a
// backuptest.ManualClock (clk.Now, clk.Sleep) and run the emulator on the
// same clock, and a drill of hours of simulated jobs runs in milliseconds.
//
// # Report schema (schemaVersion 1)
//
// Report.WriteJSON writes:
//
//	{
//	  "schemaVersion": 1,
//	  "drillId": "drill-20261125t120000-a1b2c3",
//	  "vault": "prod-vault",                       // omitted when none
//	  "startedAt": "2026-11-25T12:00:00Z", "finishedAt": "…",
//	  "durationSeconds": 412.5,
//	  "concurrency": 10,
//	  "maxRtoSeconds": 14400, "maxRpoSeconds": 86400, // drill-wide targets, omitted when none
//	  "passed": false,          // every target passed, nothing left behind, not cancelled
//	  "canceled": false,        // the context ended before the drill finished
//	  "summary": {"targets": 6, "passed": 5, "failed": 1, "missedRto": 1, "missedRpo": 0, "leftBehind": 0},
//	  "leftBehind": [],         // ARNs of restored resources that could not be deleted
//	  "targets": [{
//	    "resourceArn": "arn:aws:rds:…:db:orders",
//	    "resourceType": "RDS",
//	    "status": "passed",                        // passed | failed
//	    "backupJobId": "…",                        // only with a fresh backup
//	    "recoveryPointArn": "arn:aws:rds:…:snapshot:awsbackup:job-…",
//	    "recoveryPointCreated": "2026-11-25T05:00:00Z",
//	    "restoreJobId": "…",
//	    "createdResourceArn": "arn:aws:rds:…:db:bkdrill-1a2b3c4d5e-0002",
//	    "rpoSeconds": 25200, "rtoRestoreSeconds": 1260.2, "rtoTotalSeconds": 1302.9,
//	    "maxRpoSeconds": 86400, "maxRtoSeconds": 14400,     // omitted when none
//	    "rpoMet": true, "rtoMet": true,                     // true when there is no target
//	    "phaseSeconds": {"select": 0.2, "restore": 1261.0, "validate": 41.7, "cleanup": 310.4},
//	    "validation": "passed",                    // passed | failed | skipped
//	    "validationMessage": "…",                  // why validation failed
//	    "cleanup": "deleted",                      // deleted | left | skipped (nothing was created)
//	    "leftBehind": ["…"],                       // when cleanup is "left"
//	    "error": "",                               // why the target failed ("" when it passed)
//	    "notes": ["…"],                            // non-fatal problems
//	    "startedAt": "…", "finishedAt": "…"
//	  }]
//	}
//
// A target passes when it has no error, validation passed, cleanup deleted
// what was created, and both targets were met. WriteMarkdown renders a
// table, WriteJUnit one testcase per target (classname
// backupkit.drill.<type>, time = RTO total, a failure element naming the
// cause), and WriteHTML a self-contained page with inline SVG charts of RTO
// total and RPO per target against their targets.
package restore
