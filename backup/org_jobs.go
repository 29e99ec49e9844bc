package backup

import (
	"context"
	"time"
)

// AllAccounts is the JobFilter.AccountID that lists the jobs of every
// account in the organization (ByAccountId "*"). AWS answers it only for
// the organization's management account and AWS Backup's delegated
// administrator, with cross-account monitoring turned on
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/manage-cross-account.html).
const AllAccounts = "*"

// AccountReports builds one status Report per account of the organization
// from AWS Backup's cross-account monitoring: the backup, copy and restore
// jobs of every account in the client's Region are listed once with
// ByAccountId "*" and split by each job's AccountId, so a platform team
// reads 200 accounts with the calls of one. The client must belong to the
// management account or AWS Backup's delegated administrator (see
// fleet.DelegateBackupAdmin); any other account gets AWS's access error.
// Without that access, run Report in each account instead (fleet.Run).
//
// Accounts with no job AWS still lists do not appear. Options apply as for
// Report; Filter.AccountID is set to AllAccounts.
func (c *Client) AccountReports(ctx context.Context, since time.Time, optFns ...func(*ReportOptions)) (map[string]*Report, error) {
	var o ReportOptions
	for _, fn := range optFns {
		fn(&o)
	}
	o.Filter.AccountID = AllAccounts
	reps, err := c.reports(ctx, since, o, func(account string) string { return account })
	if err != nil {
		return nil, err
	}
	if r, ok := reps[""]; ok && r.Total(JobTypeBackup)+r.Total(JobTypeCopy)+r.Total(JobTypeRestore) == 0 && len(r.Resources) == 0 {
		delete(reps, "")
	}
	return reps, nil
}
