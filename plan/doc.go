// Package plan builds, validates, converts and deploys AWS Backup plans and
// backup selections.
//
// A Plan is a named set of Rules (when to back up, to which vault, how long
// to keep recovery points, where to copy them); a Selection assigns
// resources to a plan. Build them with the fluent builders, start from a
// preset, or parse them from a file:
//
//	p, err := plan.New("prod").
//		AddRule(plan.NewRule("daily", "Default").
//			Schedule("cron(0 5 ? * * *)").Timezone("Europe/Berlin").
//			StartWithin(time.Hour).CompleteWithin(8 * time.Hour).
//			MoveToColdAfter(backup.Days(30)).DeleteAfter(backup.Days(120)).
//			CopyTo("arn:aws:backup:eu-west-1:210987654321:backup-vault:dr", backup.Lifecycle{DeleteAfter: backup.Days(35)})).
//		Build()
//
// Build (and Validate) return every problem at once, as an errors.Join of
// *backup.ValidationError (the one validation error type of backupkit;
// ValidationError here is an alias of it) whose Field is the AWS path of
// the value ("Rules[1].Lifecycle.DeleteAfterDays") and whose Reason says
// what AWS allows; backup.ValidationErrors lists them. Windows and
// retention are time.Duration in the Go API (rules use backup.Lifecycle,
// in whole days via backup.Days, or backup.KeepForever); they become AWS
// minutes and days only in ToSDK and the file formats.
//
// Client (NewClient) creates, reads, updates (new versions), deletes and
// ensures plans and selections through the AWS Backup API; Diff compares a
// live plan with a desired one.
//
// # Schedules
//
// ParseSchedule reads AWS cron expressions, cron(minutes hours day-of-month
// month day-of-week year), with ?, L, W, #, names, ranges and steps, and
// Schedule.Next lists fire times in the rule's IANA time zone. When clocks
// spring forward a skipped wall-clock time does not fire that day; when they
// fall back a repeated time fires once, the first time. These are
// EventBridge Scheduler's documented rules; AWS Backup does not document
// its own.
//
// # Validation rules
//
// Plan.Validate, Selection.Validate and Spec.Validate check (AWS limit in
// brackets; sources: AWS Backup API reference and quotas page unless noted):
//
//   - Plan, rule and selection names: 1-50 of letters, digits, '-', '_', '.'.
//     Rule names unique in a plan. Selection names may repeat, as in AWS;
//     Spec.ValidateEnsure, for what EnsureSelection deploys, refuses that.
//   - 1 to 10 rules per plan [quota]; at most 100 selections per plan [quota].
//   - Target vault name: 2-50 of letters, digits, '-', '_'.
//   - ScheduleExpression: a valid AWS cron expression; rate() is rejected;
//     more than one run an hour is rejected (the minutes field must be a
//     single value) because AWS Backup runs rules at most hourly; an
//     expression that matches no date at all (February 30) is refused.
//   - ScheduleExpressionTimezone: an IANA zone name ("Local" is refused).
//   - StartWindowMinutes: whole minutes, at least 60, at most 52,560,000
//     (100 years). CompletionWindowMinutes: whole minutes, at most
//     52,560,000, and at least 60 minutes longer than the start window,
//     AWS's default of 480 minutes when none is set. AWS's API reference
//     says only that the completion window counts from the scheduled time;
//     the 60-minute margin is what Terraform modules document
//     (cloudposse/terraform-aws-backup), and this package and the emulator
//     follow it (internal/lifecycle).
//   - Lifecycle (rule and copy action): days are 1-36,500, or -1
//     (backup.KeepForever) in both MoveToColdStorageAfterDays and
//     DeleteAfterDays together (API_Lifecycle); DeleteAfterDays at least
//     MoveToColdStorageAfterDays + 90 (cold storage lasts at least 90 days),
//     so "cold after 30, delete after 90" is refused. Zero means unset; an
//     explicit 0 in a file is refused by the parsers. DeleteAfterEvent is
//     output only.
//   - Continuous backup (point-in-time restore): a lifecycle with
//     DeleteAfterDays 1-35 is required; no cold storage, no archive tier.
//   - Copy actions: at most 5 per rule [quota]; destination must be a backup
//     vault ARN, arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME, with
//     a valid vault name. The same applies to the logically air-gapped vault
//     target. "$account" in place of the account (in these ARNs and in
//     selection IAM roles) is refused by Validate, because AWS Backup needs
//     a real account, and accepted by Spec.ValidateOrgPolicy, because
//     Organizations substitutes it.
//   - Index actions: at most one per rule, with exactly one resource type,
//     "EBS" or "S3".
//   - Recovery point tags: at most 10; plan tags: at most 50; keys 1-128
//     characters not starting with "aws:", values at most 256.
//   - Advanced backup settings: resource type EC2 (option WindowsVSS) or S3
//     (BackupACLs, BackupObjectTags as the SDK model documents them, or
//     S3BackupACLs, S3BackupObjectTags as the current API reference page
//     does; both are accepted), values "enabled" or "disabled", one setting
//     per type.
//   - Selections: IAM role ARN required; Resources and NotResources are ARNs
//     or "*", with '*' only at the end of the resource part (the Region and
//     account parts may be "*" as a whole, as the console writes
//     "arn:aws:ec2:*:*:volume/*"); at most 500 ARNs per list, or 30 when any
//     has a wildcard; at most 30 ListOfTags and 30 Conditions; condition
//     keys are "aws:ResourceTag/KEY"; ListOfTags is STRINGEQUALS only.
//
// # Selection semantics
//
// Selection.Matches follows AWS: a resource is assigned when it matches any
// Resources pattern or any ListOfTags entry (OR; with neither set, every
// resource qualifies), and every Condition (AND: StringEquals,
// StringNotEquals, StringLike, StringNotLike, where Like takes '*'
// wildcards; a Not condition holds for an untagged resource), and no
// NotResources pattern.
//
// # File formats
//
// Every format parses and emits, and emitting what was parsed is stable:
//
//   - AWS CLI JSON (ParseCLI, MarshalCLI; ParseCLISelection,
//     MarshalCLISelection): the create-backup-plan input, bare or wrapped in
//     {"BackupPlan": …, "BackupPlanTags": …}. Unknown fields are errors.
//   - YAML plan-as-code (ParseYAML, MarshalYAML), described below.
//   - Terraform JSON (ParseTerraform, MarshalTerraform): aws_backup_plan and
//     aws_backup_selection resources (see MarshalTerraform).
//   - AWS Organizations backup policies (ParseOrgPolicy, MarshalOrgPolicy):
//     "@@assign" values, numbers as strings, copy actions keyed by ARN,
//     selections.tags, regions, advanced_backup_settings, "$account".
//
// The multi-plan formats return []Spec: a Plan with its Selections (and, for
// Organizations policies, Regions).
//
// # YAML format
//
// A YAML file holds a top-level "plans" list (several "---" documents are
// concatenated). Unknown keys are errors. Durations are Go durations plus
// "d" for days ("60m", "8h", "7d"); retention is in days; -1 keeps forever.
//
//	plans:
//	  - name: prod                    # BackupPlanName
//	    tags: {team: storage}         # BackupPlanTags
//	    regions: [us-east-1]          # only used by Organizations policies
//	    advancedBackupSettings:
//	      - resourceType: EC2
//	        backupOptions: {WindowsVSS: enabled}
//	    rules:
//	      - name: daily               # RuleName
//	        vault: Default            # TargetBackupVaultName
//	        schedule: cron(0 5 ? * * *)
//	        timezone: Europe/Berlin
//	        startWindow: 1h
//	        completionWindow: 8h
//	        lifecycle:
//	          moveToColdStorageAfterDays: 30
//	          deleteAfterDays: 120
//	          optInToArchive: false
//	        recoveryPointTags: {created-by: backupkit}
//	        continuousBackup: false
//	        copyActions:
//	          - destinationVaultArn: arn:aws:backup:eu-west-1:210987654321:backup-vault:dr
//	            lifecycle: {deleteAfterDays: 35}
//	        indexActions:
//	          - resourceTypes: [EBS]
//	        airGappedVaultArn: arn:aws:backup:us-east-1:123456789012:backup-vault:lag
//	    selections:
//	      - name: prod-volumes
//	        iamRole: arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole
//	        resources: ["arn:aws:ec2:*:*:volume/*"]
//	        notResources: ["arn:aws:ec2:us-east-1:123456789012:volume/vol-scratch"]
//	        listOfTags:
//	          - {key: backup, value: daily}
//	        conditions:
//	          - {op: StringEquals, key: "aws:ResourceTag/env", value: prod}
//
// # Presets
//
// DailyRule, WeeklyRule, Monthly1YearRule, Monthly5YearRule and
// Monthly7YearRule match the AWS CDK's BackupPlanRule presets (names,
// cron expressions and retention); Daily35, DailyMonthly1Year,
// DailyWeeklyMonthly5Year and DailyWeeklyMonthly7Year match its plan
// presets; Daily7 is the simplest daily plan with 7-day retention. Preset
// looks them up by name.
package plan
