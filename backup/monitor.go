package backup

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// JobFilter narrows job listings. Zero fields do not filter. AWS keeps job
// history for about 30 days.
type JobFilter struct {
	// State filters by job state (BackupJobState, CopyJobState or
	// RestoreJobStatus spelling, e.g. "FAILED").
	State         string
	ResourceType  ResourceType
	ResourceARN   string // backup and copy jobs only
	VaultName     string // backup jobs only
	CreatedAfter  time.Time
	CreatedBefore time.Time
	AccountID     string
	// PageSize is MaxResults per call (1–1000); 0 lets AWS choose.
	PageSize int32
}

func (f *JobFilter) validate() error {
	var errs []error
	if f.ResourceType != "" && !f.ResourceType.Valid() {
		errs = append(errs, &ValidationError{Field: "ResourceType", Reason: "unknown resource type"})
	}
	if f.PageSize < 0 || f.PageSize > 1000 {
		errs = append(errs, &ValidationError{Field: "PageSize", Reason: "must be within 1..1000"})
	}
	return errors.Join(errs...)
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return aws.Time(t)
}

func optPage(n int32) *int32 {
	if n == 0 {
		return nil
	}
	return aws.Int32(n)
}

// pager is the shape of the SDK's generated paginators.
type pager[Out any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*awsbackup.Options)) (Out, error)
}

// pages turns a paginator into an iterator; the paginator is created on
// each iteration, so the sequence can be ranged over more than once.
func pages[Out any, Item any](ctx context.Context, what string, validate func() error,
	newPager func() pager[Out], items func(Out) []Item) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		var zero Item
		if err := validate(); err != nil {
			yield(zero, fmt.Errorf("list %s: %w", what, err))
			return
		}
		p := newPager()
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				yield(zero, fmt.Errorf("list %s: %w", what, err))
				return
			}
			for _, it := range items(out) {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// Jobs iterates over backup jobs matching f (ListBackupJobs pages).
func (c *Client) Jobs(ctx context.Context, f JobFilter) iter.Seq2[types.BackupJob, error] {
	in := &awsbackup.ListBackupJobsInput{
		ByState: types.BackupJobState(f.State), ByResourceType: optStr(string(f.ResourceType)), ByResourceArn: optStr(f.ResourceARN),
		ByBackupVaultName: optStr(f.VaultName), ByCreatedAfter: optTime(f.CreatedAfter), ByCreatedBefore: optTime(f.CreatedBefore),
		ByAccountId: optStr(f.AccountID), MaxResults: optPage(f.PageSize),
	}
	return pages(ctx, "backup jobs", f.validate, func() pager[*awsbackup.ListBackupJobsOutput] { return awsbackup.NewListBackupJobsPaginator(c.api, in) }, func(o *awsbackup.ListBackupJobsOutput) []types.BackupJob { return o.BackupJobs })
}

// CopyJobs iterates over copy jobs matching f (ListCopyJobs pages).
func (c *Client) CopyJobs(ctx context.Context, f JobFilter) iter.Seq2[types.CopyJob, error] {
	in := &awsbackup.ListCopyJobsInput{
		ByState: types.CopyJobState(f.State), ByResourceType: optStr(string(f.ResourceType)), ByResourceArn: optStr(f.ResourceARN),
		ByCreatedAfter: optTime(f.CreatedAfter), ByCreatedBefore: optTime(f.CreatedBefore),
		ByAccountId: optStr(f.AccountID), MaxResults: optPage(f.PageSize),
	}
	return pages(ctx, "copy jobs", f.validate, func() pager[*awsbackup.ListCopyJobsOutput] { return awsbackup.NewListCopyJobsPaginator(c.api, in) }, func(o *awsbackup.ListCopyJobsOutput) []types.CopyJob { return o.CopyJobs })
}

// RestoreJobs iterates over restore jobs matching f (ListRestoreJobs pages).
func (c *Client) RestoreJobs(ctx context.Context, f JobFilter) iter.Seq2[types.RestoreJobsListMember, error] {
	in := &awsbackup.ListRestoreJobsInput{
		ByStatus: types.RestoreJobStatus(f.State), ByResourceType: optStr(string(f.ResourceType)),
		ByCreatedAfter: optTime(f.CreatedAfter), ByCreatedBefore: optTime(f.CreatedBefore),
		ByAccountId: optStr(f.AccountID), MaxResults: optPage(f.PageSize),
	}
	return pages(ctx, "restore jobs", f.validate, func() pager[*awsbackup.ListRestoreJobsOutput] {
		return awsbackup.NewListRestoreJobsPaginator(c.api, in)
	}, func(o *awsbackup.ListRestoreJobsOutput) []types.RestoreJobsListMember { return o.RestoreJobs })
}

// Period is an AWS job summary aggregation period.
type Period = types.AggregationPeriod

// Aggregation periods of JobSummaries.
const (
	OneDay       Period = types.AggregationPeriodOneDay
	SevenDays    Period = types.AggregationPeriodSevenDays
	FourteenDays Period = types.AggregationPeriodFourteenDays
)

// JobSummaries iterates over AWS's own aggregated backup job counts
// (ListBackupJobSummaries) for the last day, 7 or 14 days, optionally
// narrowed to a state ("FAILED", "ANY", …) and resource type. AWS refreshes
// these counts every few hours; Report counts jobs exactly instead.
func (c *Client) JobSummaries(ctx context.Context, period Period, state string, rtype ResourceType) iter.Seq2[types.BackupJobSummary, error] {
	in := &awsbackup.ListBackupJobSummariesInput{AggregationPeriod: period, State: types.BackupJobStatus(state), ResourceType: optStr(string(rtype))}
	validate := func() error {
		var errs []error
		switch period {
		case "", OneDay, SevenDays, FourteenDays:
		default:
			errs = append(errs, &ValidationError{Field: "Period", Reason: fmt.Sprintf("unknown aggregation period %q", period)})
		}
		if rtype != "" && !rtype.Valid() {
			errs = append(errs, &ValidationError{Field: "ResourceType", Reason: "unknown resource type"})
		}
		return errors.Join(errs...)
	}
	return pages(ctx, "backup job summaries", validate,
		func() pager[*awsbackup.ListBackupJobSummariesOutput] {
			return awsbackup.NewListBackupJobSummariesPaginator(c.api, in)
		},
		func(o *awsbackup.ListBackupJobSummariesOutput) []types.BackupJobSummary { return o.BackupJobSummaries })
}

// JobSummary is one backup, copy or restore job in a common shape.
type JobSummary struct {
	JobType        string        `json:"jobType"`
	JobID          string        `json:"jobId"`
	State          string        `json:"state"`
	StatusMessage  string        `json:"statusMessage,omitempty"`
	ResourceARN    string        `json:"resourceArn,omitempty"`
	ResourceType   string        `json:"resourceType,omitempty"`
	VaultARN       string        `json:"vaultArn,omitempty"`
	RecoveryPoint  string        `json:"recoveryPointArn,omitempty"`
	CreationDate   time.Time     `json:"creationDate"`
	CompletionDate time.Time     `json:"completionDate,omitzero"`
	Duration       time.Duration `json:"durationNanos,omitempty"`
	SizeBytes      int64         `json:"sizeBytes,omitempty"`
}

func finish(s JobSummary) JobSummary {
	if !s.CompletionDate.IsZero() && !s.CreationDate.IsZero() {
		s.Duration = s.CompletionDate.Sub(s.CreationDate)
	}
	return s
}

// SummarizeJob converts a listed backup job.
func SummarizeJob(j types.BackupJob) JobSummary {
	return finish(JobSummary{JobType: JobTypeBackup, JobID: aws.ToString(j.BackupJobId), State: string(j.State), StatusMessage: aws.ToString(j.StatusMessage),
		ResourceARN: aws.ToString(j.ResourceArn), ResourceType: aws.ToString(j.ResourceType), VaultARN: aws.ToString(j.BackupVaultArn),
		RecoveryPoint: aws.ToString(j.RecoveryPointArn), CreationDate: aws.ToTime(j.CreationDate), CompletionDate: aws.ToTime(j.CompletionDate),
		SizeBytes: aws.ToInt64(j.BackupSizeInBytes)})
}

// SummarizeCopyJob converts a listed copy job.
func SummarizeCopyJob(j types.CopyJob) JobSummary {
	return finish(JobSummary{JobType: JobTypeCopy, JobID: aws.ToString(j.CopyJobId), State: string(j.State), StatusMessage: aws.ToString(j.StatusMessage),
		ResourceARN: aws.ToString(j.ResourceArn), ResourceType: aws.ToString(j.ResourceType), VaultARN: aws.ToString(j.DestinationBackupVaultArn),
		RecoveryPoint: aws.ToString(j.DestinationRecoveryPointArn), CreationDate: aws.ToTime(j.CreationDate), CompletionDate: aws.ToTime(j.CompletionDate),
		SizeBytes: aws.ToInt64(j.BackupSizeInBytes)})
}

// SummarizeRestoreJob converts a listed restore job.
func SummarizeRestoreJob(j types.RestoreJobsListMember) JobSummary {
	return finish(JobSummary{JobType: JobTypeRestore, JobID: aws.ToString(j.RestoreJobId), State: string(j.Status), StatusMessage: aws.ToString(j.StatusMessage),
		ResourceARN: aws.ToString(j.SourceResourceArn), ResourceType: aws.ToString(j.ResourceType), VaultARN: aws.ToString(j.BackupVaultArn),
		RecoveryPoint: aws.ToString(j.RecoveryPointArn), CreationDate: aws.ToTime(j.CreationDate), CompletionDate: aws.ToTime(j.CompletionDate),
		SizeBytes: aws.ToInt64(j.BackupSizeInBytes)})
}

// Report is a status report over a time window: job counts by state and by
// resource type, failed jobs with their reasons, and the last successful
// backup of every resource seen with its age (the achieved RPO).
type Report struct {
	GeneratedAt time.Time `json:"generatedAt"`
	Since       time.Time `json:"since"`
	// Counts maps job type → state → count.
	Counts map[string]map[string]int `json:"counts"`
	// ByResourceType maps resource type → backup job state → count.
	ByResourceType map[string]map[string]int `json:"byResourceType"`
	// Failed lists jobs in FAILED, ABORTED, EXPIRED or PARTIAL, newest first.
	Failed []JobSummary `json:"failed"`
	// Resources lists every resource with backup jobs, oldest last backup
	// first (worst RPO at the top).
	Resources []ResourceStatus `json:"resources"`
}

// ResourceStatus is the backup status of one resource.
type ResourceStatus struct {
	ResourceARN  string `json:"resourceArn"`
	ResourceType string `json:"resourceType"`
	// LastSuccess is the completion time of the newest COMPLETED backup
	// job; zero when AWS's job history has none.
	LastSuccess          time.Time `json:"lastSuccess,omitzero"`
	LastRecoveryPointARN string    `json:"lastRecoveryPointArn,omitempty"`
	// Age is GeneratedAt − LastSuccess: the achieved recovery point
	// objective. Zero when there is no successful backup.
	Age        time.Duration `json:"ageNanos,omitempty"`
	AgeText    string        `json:"age"`
	LastState  string        `json:"lastState"`
	LastFailed string        `json:"lastFailureMessage,omitempty"`
}

// ReportOptions configures Report.
type ReportOptions struct {
	// Include copy and restore jobs in Counts (default true).
	SkipCopies, SkipRestores bool
	// Filter narrows the backup jobs (CreatedAfter is set from since).
	Filter JobFilter
}

func failedState(s string) bool {
	switch s {
	case "FAILED", "ABORTED", "EXPIRED", "PARTIAL":
		return true
	}
	return false
}

// Report builds a status report of jobs created since the given time. The
// last successful backup per resource considers every completed backup job
// AWS still lists (about 30 days), not only those since the window start.
func (c *Client) Report(ctx context.Context, since time.Time, optFns ...func(*ReportOptions)) (*Report, error) {
	var o ReportOptions
	for _, fn := range optFns {
		fn(&o)
	}
	reps, err := c.reports(ctx, since, o, func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	return reps[""], nil
}

// reports lists the jobs a Report needs and builds one Report per key of
// a job's account id ("" always has one).
func (c *Client) reports(ctx context.Context, since time.Time, o ReportOptions, key func(account string) string) (map[string]*Report, error) {
	now := c.opts.Now()
	builders := map[string]*reportBuilder{}
	builder := func(account *string) *reportBuilder {
		k := key(aws.ToString(account))
		b := builders[k]
		if b == nil {
			b = newReportBuilder(now, since)
			builders[k] = b
		}
		return b
	}
	builder(nil)

	f := o.Filter
	f.CreatedAfter = since
	for j, err := range c.Jobs(ctx, f) {
		if err != nil {
			return nil, err
		}
		builder(j.AccountId).backupJob(SummarizeJob(j))
	}
	okFilter := o.Filter
	okFilter.State = string(types.BackupJobStateCompleted)
	okFilter.CreatedAfter = time.Time{}
	for j, err := range c.Jobs(ctx, okFilter) {
		if err != nil {
			return nil, err
		}
		builder(j.AccountId).completedBackup(SummarizeJob(j))
	}
	if !o.SkipCopies {
		for j, err := range c.CopyJobs(ctx, JobFilter{CreatedAfter: since, AccountID: o.Filter.AccountID}) {
			if err != nil {
				return nil, err
			}
			builder(j.AccountId).otherJob(SummarizeCopyJob(j))
		}
	}
	if !o.SkipRestores {
		for j, err := range c.RestoreJobs(ctx, JobFilter{CreatedAfter: since, AccountID: o.Filter.AccountID}) {
			if err != nil {
				return nil, err
			}
			builder(j.AccountId).otherJob(SummarizeRestoreJob(j))
		}
	}
	out := make(map[string]*Report, len(builders))
	for k, b := range builders {
		out[k] = b.finish()
	}
	return out, nil
}

// reportBuilder accumulates one Report from job summaries.
type reportBuilder struct {
	now           time.Time
	r             *Report
	resources     map[string]*ResourceStatus
	latestCreated map[string]time.Time
}

func newReportBuilder(now, since time.Time) *reportBuilder {
	return &reportBuilder{now: now,
		r:         &Report{GeneratedAt: now.UTC(), Since: since.UTC(), Counts: map[string]map[string]int{}, ByResourceType: map[string]map[string]int{}},
		resources: map[string]*ResourceStatus{}, latestCreated: map[string]time.Time{}}
}

func count(m map[string]map[string]int, k, state string) {
	if m[k] == nil {
		m[k] = map[string]int{}
	}
	m[k][state]++
}

func (b *reportBuilder) resource(arn, rtype string) *ResourceStatus {
	rs := b.resources[arn]
	if rs == nil {
		rs = &ResourceStatus{ResourceARN: arn, ResourceType: rtype}
		b.resources[arn] = rs
	}
	return rs
}

// backupJob adds a backup job created in the window.
func (b *reportBuilder) backupJob(s JobSummary) {
	count(b.r.Counts, JobTypeBackup, s.State)
	count(b.r.ByResourceType, s.ResourceType, s.State)
	if failedState(s.State) {
		b.r.Failed = append(b.r.Failed, s)
	}
	rs := b.resource(s.ResourceARN, s.ResourceType)
	if s.CreationDate.After(b.latestCreated[s.ResourceARN]) || rs.LastState == "" {
		b.latestCreated[s.ResourceARN] = s.CreationDate
		rs.LastState = s.State
		rs.LastFailed = ""
		if failedState(s.State) {
			rs.LastFailed = s.StatusMessage
		}
	}
}

// completedBackup adds a completed backup job of any age, for the last
// success per resource.
func (b *reportBuilder) completedBackup(s JobSummary) {
	if s.State != string(types.BackupJobStateCompleted) {
		return
	}
	done := cmp.Or(s.CompletionDate, s.CreationDate)
	rs := b.resource(s.ResourceARN, s.ResourceType)
	if done.After(rs.LastSuccess) {
		rs.LastSuccess, rs.LastRecoveryPointARN = done, s.RecoveryPoint
	}
	if rs.LastState == "" {
		rs.LastState = s.State
	}
}

// otherJob adds a copy or restore job created in the window.
func (b *reportBuilder) otherJob(s JobSummary) {
	count(b.r.Counts, s.JobType, s.State)
	if failedState(s.State) {
		b.r.Failed = append(b.r.Failed, s)
	}
}

func (b *reportBuilder) finish() *Report {
	r := b.r
	slices.SortStableFunc(r.Failed, func(a, b JobSummary) int { return b.CreationDate.Compare(a.CreationDate) })
	for _, k := range slices.Sorted(maps.Keys(b.resources)) {
		rs := b.resources[k]
		if !rs.LastSuccess.IsZero() {
			rs.Age = b.now.Sub(rs.LastSuccess)
			rs.AgeText = formatAge(rs.Age)
		} else {
			rs.AgeText = "never"
		}
		r.Resources = append(r.Resources, *rs)
	}
	// Worst RPO first: never-backed-up resources, then the oldest backups.
	slices.SortStableFunc(r.Resources, func(a, b ResourceStatus) int {
		if a.LastSuccess.IsZero() != b.LastSuccess.IsZero() {
			if a.LastSuccess.IsZero() {
				return -1
			}
			return 1
		}
		return a.LastSuccess.Compare(b.LastSuccess)
	})
	if r.Failed == nil {
		r.Failed = []JobSummary{}
	}
	if r.Resources == nil {
		r.Resources = []ResourceStatus{}
	}
	return r
}

func formatAge(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
	}
}

// Total returns the number of jobs of a type in the report.
func (r *Report) Total(jobType string) int {
	n := 0
	for _, v := range r.Counts[jobType] {
		n += v
	}
	return n
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report as aligned plain-text tables.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "AWS Backup status since %s (generated %s)\n\n", r.Since.Format(time.RFC3339), r.GeneratedAt.Format(time.RFC3339))
	states := map[string]bool{}
	for _, m := range r.Counts {
		for s := range m {
			states[s] = true
		}
	}
	cols := slices.Sorted(maps.Keys(states))
	fmt.Fprintf(tw, "JOBS\t%s\tTOTAL\n", strings.Join(cols, "\t"))
	for _, jt := range []string{JobTypeBackup, JobTypeCopy, JobTypeRestore} {
		if _, ok := r.Counts[jt]; !ok {
			continue
		}
		fmt.Fprintf(tw, "%s", jt)
		for _, s := range cols {
			fmt.Fprintf(tw, "\t%d", r.Counts[jt][s])
		}
		fmt.Fprintf(tw, "\t%d\n", r.Total(jt))
	}
	if len(r.Counts) == 0 {
		fmt.Fprintln(tw, "(no jobs)")
	}
	if len(r.ByResourceType) > 0 {
		bcols := map[string]bool{}
		for _, m := range r.ByResourceType {
			for s := range m {
				bcols[s] = true
			}
		}
		bc := slices.Sorted(maps.Keys(bcols))
		fmt.Fprintf(tw, "\nRESOURCE TYPE\t%s\n", strings.Join(bc, "\t"))
		for _, rt := range slices.Sorted(maps.Keys(r.ByResourceType)) {
			fmt.Fprintf(tw, "%s", rt)
			for _, s := range bc {
				fmt.Fprintf(tw, "\t%d", r.ByResourceType[rt][s])
			}
			fmt.Fprintln(tw)
		}
	}
	if len(r.Failed) > 0 {
		fmt.Fprintf(tw, "\nFAILED\tJOB ID\tSTATE\tRESOURCE\tREASON\n")
		for _, f := range r.Failed {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.JobType, f.JobID, f.State, f.ResourceARN, oneLine(f.StatusMessage))
		}
	}
	if len(r.Resources) > 0 {
		fmt.Fprintf(tw, "\nRESOURCE\tTYPE\tLAST SUCCESS\tAGE (RPO)\tLAST STATE\n")
		for _, rs := range r.Resources {
			last := "-"
			if !rs.LastSuccess.IsZero() {
				last = rs.LastSuccess.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", rs.ResourceARN, rs.ResourceType, last, rs.AgeText, rs.LastState)
		}
	}
	return tw.Flush()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
