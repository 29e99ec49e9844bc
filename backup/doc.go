// Package backup makes on-demand AWS Backup work safe and pleasant on top of
// aws-sdk-go-v2: resource types detected from ARNs, error predicates, waiters
// for backup, copy and restore jobs shaped like the SDK's own waiters,
// on-demand backup and copy jobs with deterministic idempotency tokens,
// Region and global settings, tagging, recovery point iterators and legal
// holds, job monitoring and status reports, typed EventBridge events and a
// remediator for failed jobs.
//
// Every function takes a small consumer-side interface with the exact
// signatures of *awsbackup.Client, so tests can use the real client against
// the backuptest emulator.
package backup
