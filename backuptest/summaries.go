package backuptest

// Job summaries (ListBackupJobSummaries, ListCopyJobSummaries,
// ListRestoreJobSummaries).
//
// Known difference: AWS refreshes summaries a few times a day; the emulator
// computes them from its jobs on every call. ONE_DAY gives one row per UTC
// day of the last 14 days; SEVEN_DAYS and FOURTEEN_DAYS one row for the
// period ending now. An unset State, ResourceType or MessageCategory means
// ANY; AGGREGATE_ALL sums over that dimension. AccountId ANY or
// AGGREGATE_ALL covers every account in the Region without checking AWS
// Organizations membership.

import (
	"cmp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func (e *Emulator) registerSummaries() {
	e.register("ListBackupJobSummaries", handle(listBackupJobSummaries))
	e.register("ListCopyJobSummaries", handle(listCopyJobSummaries))
	e.register("ListRestoreJobSummaries", handle(listRestoreJobSummaries))
}

// jobRecord is one job as the summaries see it.
type jobRecord struct {
	account, resourceType, state, category string
	created                                time.Time
}

type summaryKey struct {
	start                                  time.Time
	account, resourceType, state, category string
}

type summaryRow struct {
	summaryKey
	end   time.Time
	count int32
}

type summaryQuery struct {
	period                                 types.AggregationPeriod
	account, resourceType, state, category string
}

// dimension applies a filter value to a record's value: "" and ANY keep
// it, AGGREGATE_ALL folds it, anything else must match.
func dimension(filter, v string) (string, bool) {
	switch filter {
	case "", "ANY":
		return v, true
	case "AGGREGATE_ALL":
		return "AGGREGATE_ALL", true
	}
	return v, filter == v
}

func (c *opCtx) summarize(q summaryQuery, recs []jobRecord, token *string, maxResults *int32) ([]summaryRow, *string, string, error) {
	if q.period == "" {
		q.period = types.AggregationPeriodOneDay
	}
	var windows [][2]time.Time
	switch q.period {
	case types.AggregationPeriodOneDay:
		today := c.now.UTC().Truncate(24 * time.Hour)
		for d := 13; d >= 0; d-- {
			s := today.AddDate(0, 0, -d)
			windows = append(windows, [2]time.Time{s, s.Add(24 * time.Hour)})
		}
	case types.AggregationPeriodSevenDays:
		windows = [][2]time.Time{{c.now.Add(-7 * 24 * time.Hour), c.now}}
	case types.AggregationPeriodFourteenDays:
		windows = [][2]time.Time{{c.now.Add(-14 * 24 * time.Hour), c.now}}
	default:
		return nil, nil, "", invalidParam("AggregationPeriod %q is invalid: allowed ONE_DAY, SEVEN_DAYS, FOURTEEN_DAYS", q.period)
	}
	counts := map[summaryKey]*summaryRow{}
	for _, r := range recs {
		acct, ok1 := dimension(q.account, r.account)
		typ, ok2 := dimension(q.resourceType, r.resourceType)
		st, ok3 := dimension(q.state, r.state)
		cat, ok4 := dimension(q.category, r.category)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		for _, w := range windows {
			// Day windows end before midnight; rolling windows include now.
			if r.created.Before(w[0]) || r.created.After(w[1]) || q.period == types.AggregationPeriodOneDay && r.created.Equal(w[1]) {
				continue
			}
			k := summaryKey{start: w[0], account: acct, resourceType: typ, state: st, category: cat}
			row := counts[k]
			if row == nil {
				row = &summaryRow{summaryKey: k, end: w[1]}
				counts[k] = row
			}
			row.count++
		}
	}
	rows := make([]summaryRow, 0, len(counts))
	for _, r := range counts {
		rows = append(rows, *r)
	}
	slices.SortFunc(rows, func(a, b summaryRow) int {
		return cmp.Or(a.start.Compare(b.start), cmp.Compare(a.account, b.account), cmp.Compare(a.resourceType, b.resourceType),
			cmp.Compare(a.state, b.state), cmp.Compare(a.category, b.category))
	})
	pg, next, err := page(rows, token, maxResults)
	return pg, next, string(q.period), err
}

// summaryRegions is the Regions a summary covers for its AccountId filter.
func (c *opCtx) summaryRegions(account *string) ([]*regionState, string, error) {
	a := aws.ToString(account)
	switch a {
	case "ANY", "AGGREGATE_ALL":
		star := "*"
		rss, err := c.jobRegions(&star)
		return rss, a, err
	case "", c.account:
		return []*regionState{c.rs()}, "", nil
	}
	rss, err := c.jobRegions(account)
	return rss, a, err
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func listBackupJobSummaries(c *opCtx, in *awsbackup.ListBackupJobSummariesInput) (*awsbackup.ListBackupJobSummariesOutput, error) {
	if in.State != "" && !slices.Contains(types.BackupJobStatus("").Values(), in.State) {
		return nil, invalidParam("State %q is not a backup job status", in.State)
	}
	rss, acctFilter, err := c.summaryRegions(in.AccountId)
	if err != nil {
		return nil, err
	}
	var recs []jobRecord
	for _, rs := range rss {
		for _, j := range rs.BackupJobs {
			recs = append(recs, jobRecord{account: j.Account, resourceType: j.ResourceType, state: j.State, category: j.MessageCategory, created: j.CreationDate})
		}
	}
	q := summaryQuery{period: in.AggregationPeriod, account: acctFilter, resourceType: aws.ToString(in.ResourceType), state: string(in.State), category: aws.ToString(in.MessageCategory)}
	rows, next, period, err := c.summarize(q, recs, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListBackupJobSummariesOutput{AggregationPeriod: aws.String(period), NextToken: next, BackupJobSummaries: make([]types.BackupJobSummary, 0, len(rows))}
	for _, r := range rows {
		out.BackupJobSummaries = append(out.BackupJobSummaries, types.BackupJobSummary{AccountId: aws.String(r.account), Count: r.count,
			StartTime: timePtr(r.start), EndTime: timePtr(r.end), MessageCategory: optString(r.category), Region: aws.String(c.region),
			ResourceType: aws.String(r.resourceType), State: types.BackupJobStatus(r.state)})
	}
	return out, nil
}

func listCopyJobSummaries(c *opCtx, in *awsbackup.ListCopyJobSummariesInput) (*awsbackup.ListCopyJobSummariesOutput, error) {
	if in.State != "" && !slices.Contains(types.CopyJobStatus("").Values(), in.State) {
		return nil, invalidParam("State %q is not a copy job status", in.State)
	}
	rss, acctFilter, err := c.summaryRegions(in.AccountId)
	if err != nil {
		return nil, err
	}
	var recs []jobRecord
	for _, rs := range rss {
		for _, j := range rs.CopyJobs {
			recs = append(recs, jobRecord{account: j.Account, resourceType: j.ResourceType, state: j.State, category: j.MessageCategory, created: j.CreationDate})
		}
	}
	q := summaryQuery{period: in.AggregationPeriod, account: acctFilter, resourceType: aws.ToString(in.ResourceType), state: string(in.State), category: aws.ToString(in.MessageCategory)}
	rows, next, period, err := c.summarize(q, recs, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListCopyJobSummariesOutput{AggregationPeriod: aws.String(period), NextToken: next, CopyJobSummaries: make([]types.CopyJobSummary, 0, len(rows))}
	for _, r := range rows {
		out.CopyJobSummaries = append(out.CopyJobSummaries, types.CopyJobSummary{AccountId: aws.String(r.account), Count: r.count,
			StartTime: timePtr(r.start), EndTime: timePtr(r.end), MessageCategory: optString(r.category), Region: aws.String(c.region),
			ResourceType: aws.String(r.resourceType), State: types.CopyJobStatus(r.state)})
	}
	return out, nil
}

func listRestoreJobSummaries(c *opCtx, in *awsbackup.ListRestoreJobSummariesInput) (*awsbackup.ListRestoreJobSummariesOutput, error) {
	if in.State != "" && !slices.Contains(types.RestoreJobState("").Values(), in.State) {
		return nil, invalidParam("State %q is not a restore job state", in.State)
	}
	rss, acctFilter, err := c.summaryRegions(in.AccountId)
	if err != nil {
		return nil, err
	}
	var recs []jobRecord
	for _, rs := range rss {
		for _, j := range rs.RestoreJobs {
			recs = append(recs, jobRecord{account: j.Account, resourceType: j.ResourceType, state: j.Status, created: j.CreationDate})
		}
	}
	q := summaryQuery{period: in.AggregationPeriod, account: acctFilter, resourceType: aws.ToString(in.ResourceType), state: string(in.State)}
	rows, next, period, err := c.summarize(q, recs, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRestoreJobSummariesOutput{AggregationPeriod: aws.String(period), NextToken: next, RestoreJobSummaries: make([]types.RestoreJobSummary, 0, len(rows))}
	for _, r := range rows {
		out.RestoreJobSummaries = append(out.RestoreJobSummaries, types.RestoreJobSummary{AccountId: aws.String(r.account), Count: r.count,
			StartTime: timePtr(r.start), EndTime: timePtr(r.end), Region: aws.String(c.region),
			ResourceType: aws.String(r.resourceType), State: types.RestoreJobState(r.state)})
	}
	return out, nil
}
