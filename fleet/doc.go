// Package fleet runs any per-account, per-Region operation across many AWS
// accounts and Regions: an organization's accounts, assumed into once each,
// with bounded concurrency, throttling shared per account and Region, and
// one result per target whether it succeeded or failed.
//
// # Scopes
//
// A Scope is a set of accounts and the Regions to cover in each. A Spec is
// how a user asks for one: a static list of account ids, or the accounts
// of AWS Organizations (all of them, or those under some OUs, walked
// recursively; only ACTIVE ones; optionally only those with some tags),
// in named Regions or in each account's enabled Regions (account:ListRegions,
// falling back to EC2 DescribeRegions). Spec.Validate reports every
// problem — account ids that are not 12 digits, Region names that are not
// Regions, a static list together with the organization, malformed OU
// references — before any call is made; Spec.Resolve reads the
// organization. OUs may be given by id, by name or by path of names
// ("prod/eu"); names are looked up first (ResolveOUs), and a missing OU
// answers ErrOUNotFound, a name several OUs carry ErrOUAmbiguous.
//
// # Credentials
//
// A Runner assumes a role in each member account with the SDK's
// stscreds.AssumeRoleProvider (role name template, default
// OrganizationAccountAccessRole; optional external id; session name
// "backupkit"; one hour), behind one aws.CredentialsCache per account, so a
// run assumes each role once. The caller's own account uses the caller's
// credentials. A role that cannot be assumed fails that account's targets
// with an *AssumeRoleError naming the role ARN and the caller.
//
// # Running
//
// Run calls a function once per target (account, Region) with an
// aws.Config for it, at most Options.Concurrency at a time, PerAccount per
// account and PerRegion per Region. Calls to one account and Region share
// one adaptive retryer, so that throttling seen by one goroutine slows all
// of them instead of each hammering the same quota. Every target ends as a
// Result with its value or its error; a failure, or a panic, never stops
// the others. Options.Progress reports each target as it ends.
//
// # Organizations
//
// DelegateBackupAdmin makes an account AWS Backup's delegated
// administrator end to end (trusted access, registration, the global
// settings, and a check), after which that account can read every
// account's jobs at once with backup.Client.AccountReports.
package fleet
