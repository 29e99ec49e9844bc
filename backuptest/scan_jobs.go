package backuptest

// Malware scan jobs (StartScanJob, DescribeScanJob, ListScanJobs,
// ListScanJobSummaries) and the scan results of continuous backups
// (GetPITRMalwareScanResults).
//
// As AWS documents
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/malware-protection.html):
// Amazon GuardDuty scans EBS, EC2 and S3 recovery points; a full scan
// reads the whole point, an incremental scan the changes since an older
// point of the same resource (ScanBaseRecoveryPointArn); a scan job is
// RUNNING, then COMPLETED with a ScanResult of NO_THREATS_FOUND or
// THREATS_FOUND.
//
// Known difference: a scan takes the emulator's job duration; it finds
// threats when the resource's attribute "malware" was "true" when it was
// backed up (Resource.Attributes), and none otherwise.

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/awsid"
)

// scanJob is a malware scan of one recovery point.
type scanJob struct {
	ID, Account, Region                    string
	VaultName, VaultARN                    string
	RecoveryPointARN, BaseRecoveryPointARN string
	ResourceARN, ResourceName              string
	ResourceType                           string
	IAMRoleArn, ScannerRoleArn             string
	Scanner, Mode                          string
	IdempotencyToken                       string
	ScanID                                 string
	CreationDate, EndAt                    time.Time
	// Threats is the result the scan reaches.
	Threats bool
	// ContinuousStart/End are the span a scan of a continuous point reads.
	ContinuousStart, ContinuousEnd time.Time
}

func (e *Emulator) registerScanJobs() {
	e.register("StartScanJob", handle(startScanJob))
	e.register("DescribeScanJob", handle(describeScanJob))
	e.register("ListScanJobs", handle(listScanJobs))
	e.register("ListScanJobSummaries", handle(listScanJobSummaries))
	e.register("GetPITRMalwareScanResults", handle(getPITRMalwareScanResults))
}

func (r *regionState) scanJobs() map[string]*scanJob {
	if r.ScanJobs == nil {
		r.ScanJobs = map[string]*scanJob{}
	}
	return r.ScanJobs
}

func (j *scanJob) state(now time.Time) types.ScanState {
	if now.Before(j.EndAt) {
		return types.ScanStateRunning
	}
	return types.ScanStateCompleted
}

func (j *scanJob) result(now time.Time) *types.ScanResultInfo {
	if j.state(now) != types.ScanStateCompleted {
		return nil
	}
	if j.Threats {
		return &types.ScanResultInfo{ScanResultStatus: types.ScanResultStatusThreatsFound}
	}
	return &types.ScanResultInfo{ScanResultStatus: types.ScanResultStatusNoThreatsFound}
}

var scanResourceTypes = []string{"EBS", "EC2", "S3"}

func checkRoleField(field string, v *string) error {
	if v == nil || *v == "" {
		return missingParam(field)
	}
	if !awsid.RoleARN(*v) {
		return invalidParam("%s %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", field, *v)
	}
	return nil
}

func startScanJob(c *opCtx, in *awsbackup.StartScanJobInput) (*awsbackup.StartScanJobOutput, error) {
	rs := c.rs()
	jobs := rs.scanJobs()
	if id, ok := rs.token("StartScanJob", aws.ToString(in.IdempotencyToken)); ok {
		if j := jobs[id]; j != nil {
			return &awsbackup.StartScanJobOutput{ScanJobId: aws.String(j.ID), CreationDate: timePtr(j.CreationDate)}, nil
		}
	}
	_, v, rp, err := c.recoveryPointIn(in.BackupVaultName, nil, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	switch {
	case in.MalwareScanner == "":
		return nil, missingParam("MalwareScanner")
	case in.MalwareScanner != types.MalwareScannerGuardduty:
		return nil, invalidParam("MalwareScanner %q is invalid: allowed GUARDDUTY", in.MalwareScanner)
	case in.ScanMode == "":
		return nil, missingParam("ScanMode")
	case !slices.Contains(types.ScanMode("").Values(), in.ScanMode):
		return nil, invalidParam("ScanMode %q is invalid: allowed FULL_SCAN, INCREMENTAL_SCAN", in.ScanMode)
	}
	if err := checkRoleField("IamRoleArn", in.IamRoleArn); err != nil {
		return nil, err
	}
	if err := checkRoleField("ScannerRoleArn", in.ScannerRoleArn); err != nil {
		return nil, err
	}
	if !slices.Contains(scanResourceTypes, rp.ResourceType) {
		return nil, invalidRequest("Recovery point %s is a %s recovery point; malware scans cover EBS, EC2 and S3 recovery points", rp.ARN, rp.ResourceType)
	}
	if rp.Status != "COMPLETED" {
		return nil, invalidRequest("Recovery point %s is %s; only COMPLETED recovery points can be scanned", rp.ARN, rp.Status)
	}
	base := aws.ToString(in.ScanBaseRecoveryPointArn)
	switch {
	case in.ScanMode == types.ScanModeIncrementalScan && base == "":
		return nil, missingParam("ScanBaseRecoveryPointArn")
	case in.ScanMode == types.ScanModeFullScan && base != "":
		return nil, invalidParam("ScanBaseRecoveryPointArn is only for INCREMENTAL_SCAN")
	case base != "":
		b := rs.RecoveryPoints[base]
		switch {
		case b == nil:
			return nil, notFound("Recovery point %s does not exist", base)
		case b.ResourceARN != rp.ResourceARN:
			return nil, invalidParam("ScanBaseRecoveryPointArn %s backs up %s, not %s: an incremental scan needs a point of the same resource", base, b.ResourceARN, rp.ResourceARN)
		case !b.CreationDate.Before(rp.CreationDate):
			return nil, invalidParam("ScanBaseRecoveryPointArn %s is not older than the recovery point it is the base for", base)
		}
	}
	j := &scanJob{
		ID: newID(), Account: c.account, Region: c.region, VaultName: v.Name, VaultARN: v.ARN,
		RecoveryPointARN: rp.ARN, BaseRecoveryPointARN: base, ResourceARN: rp.ResourceARN, ResourceName: rp.ResourceName,
		ResourceType: rp.ResourceType, IAMRoleArn: *in.IamRoleArn, ScannerRoleArn: *in.ScannerRoleArn,
		Scanner: string(in.MalwareScanner), Mode: string(in.ScanMode), IdempotencyToken: aws.ToString(in.IdempotencyToken),
		ScanID: strings.ReplaceAll(newID(), "-", ""), CreationDate: c.now, EndAt: c.now.Add(c.e.jobDuration(rp.ResourceType)),
		Threats: rp.SourceAttributes["malware"] == "true",
	}
	if win := c.e.continuousWindow(rs, rp, c.now); win != nil {
		end := win.latest
		if in.ContinuousScanEndTime != nil {
			end = *in.ContinuousScanEndTime
			if end.Before(win.earliest) || end.After(win.latest) {
				return nil, invalidParam("ContinuousScanEndTime %s is outside the recovery point's restorable window %s to %s",
					end.Format(time.RFC3339), win.earliest.Format(time.RFC3339), win.latest.Format(time.RFC3339))
			}
		}
		j.ContinuousStart, j.ContinuousEnd = win.earliest, end
	} else if in.ContinuousScanEndTime != nil {
		return nil, invalidParam("ContinuousScanEndTime is only for continuous recovery points; %s is a snapshot", rp.ARN)
	}
	jobs[j.ID] = j
	rs.rememberToken("StartScanJob", j.IdempotencyToken, j.ID)
	return &awsbackup.StartScanJobOutput{ScanJobId: aws.String(j.ID), CreationDate: timePtr(j.CreationDate)}, nil
}

func (c *opCtx) scanJobMember(j *scanJob) types.ScanJob {
	m := types.ScanJob{
		AccountId: aws.String(j.Account), BackupVaultArn: aws.String(j.VaultARN), BackupVaultName: aws.String(j.VaultName),
		CreatedBy: &types.ScanJobCreator{}, CreationDate: timePtr(j.CreationDate), IamRoleArn: aws.String(j.IAMRoleArn),
		MalwareScanner: types.MalwareScanner(j.Scanner), RecoveryPointArn: aws.String(j.RecoveryPointARN),
		ResourceArn: aws.String(j.ResourceARN), ResourceName: aws.String(j.ResourceName), ResourceType: types.ScanResourceType(j.ResourceType),
		ScanJobId: aws.String(j.ID), ScanMode: types.ScanMode(j.Mode), ScannerRoleArn: aws.String(j.ScannerRoleArn),
		ScanId: aws.String(j.ScanID), State: j.state(c.now), ScanResult: j.result(c.now),
		ScanBaseRecoveryPointArn: optString(j.BaseRecoveryPointARN),
		ContinuousScanStartTime:  timePtr(j.ContinuousStart), ContinuousScanEndTime: timePtr(j.ContinuousEnd),
	}
	if m.State == types.ScanStateCompleted {
		m.CompletionDate = timePtr(j.EndAt)
	}
	return m
}

func describeScanJob(c *opCtx, in *awsbackup.DescribeScanJobInput) (*awsbackup.DescribeScanJobOutput, error) {
	if in.ScanJobId == nil || *in.ScanJobId == "" {
		return nil, missingParam("ScanJobId")
	}
	j := c.rs().scanJobs()[*in.ScanJobId]
	if j == nil {
		return nil, notFound("Scan job %s does not exist", *in.ScanJobId)
	}
	m := c.scanJobMember(j)
	return &awsbackup.DescribeScanJobOutput{
		AccountId: m.AccountId, BackupVaultArn: m.BackupVaultArn, BackupVaultName: m.BackupVaultName, CreatedBy: m.CreatedBy,
		CreationDate: m.CreationDate, IamRoleArn: m.IamRoleArn, MalwareScanner: m.MalwareScanner, RecoveryPointArn: m.RecoveryPointArn,
		ResourceArn: m.ResourceArn, ResourceName: m.ResourceName, ResourceType: m.ResourceType, ScanJobId: m.ScanJobId,
		ScanMode: m.ScanMode, ScannerRoleArn: m.ScannerRoleArn, State: m.State, CompletionDate: m.CompletionDate,
		ContinuousScanEndTime: m.ContinuousScanEndTime, ContinuousScanStartTime: m.ContinuousScanStartTime,
		ScanBaseRecoveryPointArn: m.ScanBaseRecoveryPointArn, ScanId: m.ScanId, ScanResult: m.ScanResult,
	}, nil
}

func listScanJobs(c *opCtx, in *awsbackup.ListScanJobsInput) (*awsbackup.ListScanJobsOutput, error) {
	switch {
	case in.ByMalwareScanner != "" && in.ByMalwareScanner != types.MalwareScannerGuardduty:
		return nil, invalidParam("ByMalwareScanner %q is invalid: allowed GUARDDUTY", in.ByMalwareScanner)
	case in.ByResourceType != "" && !slices.Contains(scanResourceTypes, string(in.ByResourceType)):
		return nil, invalidParam("ByResourceType %q is invalid: allowed EBS, EC2, S3", in.ByResourceType)
	case in.ByState != "" && !slices.Contains(types.ScanState("").Values(), in.ByState):
		return nil, invalidParam("ByState %q is not a scan job state", in.ByState)
	case in.ByScanResultStatus != "" && !slices.Contains(types.ScanResultStatus("").Values(), in.ByScanResultStatus):
		return nil, invalidParam("ByScanResultStatus %q is invalid: allowed THREATS_FOUND, NO_THREATS_FOUND", in.ByScanResultStatus)
	case in.ByBackupVaultName != nil && *in.ByBackupVaultName != "" && !scanVaultNamePattern.MatchString(*in.ByBackupVaultName):
		return nil, invalidParam("ByBackupVaultName %q is not a backup vault name", *in.ByBackupVaultName)
	}
	rss, err := c.jobRegions(in.ByAccountId)
	if err != nil {
		return nil, err
	}
	var all []*scanJob
	for _, rs := range rss {
		for _, j := range rs.scanJobs() {
			if !c.scanJobMatches(j, in) {
				continue
			}
			all = append(all, j)
		}
	}
	slices.SortFunc(all, func(a, b *scanJob) int { return newestFirst(a.CreationDate, b.CreationDate, a.ID, b.ID) })
	pg, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListScanJobsOutput{ScanJobs: make([]types.ScanJob, 0, len(pg)), NextToken: next}
	for _, j := range pg {
		out.ScanJobs = append(out.ScanJobs, c.scanJobMember(j))
	}
	return out, nil
}

func (c *opCtx) scanJobMatches(j *scanJob, in *awsbackup.ListScanJobsInput) bool {
	eq := func(filter *string, v string) bool { return filter == nil || *filter == "" || *filter == v }
	st := j.state(c.now)
	switch {
	case !eq(in.ByBackupVaultName, j.VaultName), !eq(in.ByRecoveryPointArn, j.RecoveryPointARN), !eq(in.ByResourceArn, j.ResourceARN):
		return false
	case in.ByMalwareScanner != "" && string(in.ByMalwareScanner) != j.Scanner:
		return false
	case in.ByResourceType != "" && string(in.ByResourceType) != j.ResourceType:
		return false
	case in.ByState != "" && in.ByState != st:
		return false
	}
	if in.ByScanResultStatus != "" {
		r := j.result(c.now)
		if r == nil || r.ScanResultStatus != in.ByScanResultStatus {
			return false
		}
	}
	if in.ByCompleteAfter != nil || in.ByCompleteBefore != nil {
		if st != types.ScanStateCompleted || !timeFilter(j.EndAt, in.ByCompleteAfter, in.ByCompleteBefore) {
			return false
		}
	}
	return true
}

// ListScanJobs names vaults with periods allowed (its ByBackupVaultName pattern).
var scanVaultNamePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{2,50}$`)

func listScanJobSummaries(c *opCtx, in *awsbackup.ListScanJobSummariesInput) (*awsbackup.ListScanJobSummariesOutput, error) {
	scanner := string(in.MalwareScanner)
	switch scanner {
	case "", "ANY", "AGGREGATE_ALL", string(types.MalwareScannerGuardduty):
	default:
		return nil, invalidParam("MalwareScanner %q is invalid: allowed GUARDDUTY, ANY, AGGREGATE_ALL", scanner)
	}
	if in.State != "" && !slices.Contains(types.ScanJobStatus("").Values(), in.State) {
		return nil, invalidParam("State %q is not a scan job status", in.State)
	}
	result := string(in.ScanResultStatus)
	switch result {
	case "", "ANY", "AGGREGATE_ALL", string(types.ScanResultStatusThreatsFound), string(types.ScanResultStatusNoThreatsFound):
	default:
		return nil, invalidParam("ScanResultStatus %q is invalid: allowed THREATS_FOUND, NO_THREATS_FOUND", result)
	}
	rss, acctFilter, err := c.summaryRegions(in.AccountId)
	if err != nil {
		return nil, err
	}
	// The summaries count one more dimension pair than the job summaries:
	// scanner and result travel together in the record's category.
	var recs []jobRecord
	for _, rs := range rss {
		for _, j := range rs.scanJobs() {
			res := ""
			if r := j.result(c.now); r != nil {
				res = string(r.ScanResultStatus)
			}
			s, ok1 := dimension(scanner, j.Scanner)
			r, ok2 := dimension(result, res)
			if !ok1 || !ok2 {
				continue
			}
			recs = append(recs, jobRecord{account: j.Account, resourceType: j.ResourceType, state: string(j.state(c.now)), category: s + "|" + r, created: j.CreationDate})
		}
	}
	q := summaryQuery{period: in.AggregationPeriod, account: acctFilter, resourceType: aws.ToString(in.ResourceType), state: string(in.State)}
	rows, next, period, err := c.summarize(q, recs, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListScanJobSummariesOutput{AggregationPeriod: aws.String(period), NextToken: next, ScanJobSummaries: make([]types.ScanJobSummary, 0, len(rows))}
	for _, r := range rows {
		s, res, _ := strings.Cut(r.category, "|")
		out.ScanJobSummaries = append(out.ScanJobSummaries, types.ScanJobSummary{AccountId: aws.String(r.account), Count: r.count,
			StartTime: timePtr(r.start), EndTime: timePtr(r.end), Region: aws.String(c.region), ResourceType: aws.String(r.resourceType),
			State: types.ScanJobStatus(r.state), MalwareScanner: types.MalwareScanner(s), ScanResultStatus: types.ScanResultStatus(res)})
	}
	return out, nil
}

// getPITRMalwareScanResults answers from the latest completed scan of a
// continuous recovery point whose span covers ScanEndTime.
func getPITRMalwareScanResults(c *opCtx, in *awsbackup.GetPITRMalwareScanResultsInput) (*awsbackup.GetPITRMalwareScanResultsOutput, error) {
	rs, _, rp, err := c.recoveryPointIn(in.BackupVaultName, nil, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	switch {
	case in.MalwareScanner == "":
		return nil, missingParam("MalwareScanner")
	case in.MalwareScanner != types.MalwareScannerGuardduty:
		return nil, invalidParam("MalwareScanner %q is invalid: allowed GUARDDUTY", in.MalwareScanner)
	case in.ScanEndTime == nil:
		return nil, missingParam("ScanEndTime")
	}
	win := c.e.continuousWindow(rs, rp, c.now)
	if win == nil {
		return nil, invalidRequest("Recovery point %s is not a continuous backup; point-in-time scan results are for continuous backups", rp.ARN)
	}
	at := *in.ScanEndTime
	if at.Before(win.earliest) || at.After(win.latest) {
		return nil, invalidParam("ScanEndTime %s is outside the recovery point's restorable window %s to %s",
			at.Format(time.RFC3339), win.earliest.Format(time.RFC3339), win.latest.Format(time.RFC3339))
	}
	var last *scanJob
	for _, j := range rs.scanJobs() {
		if j.RecoveryPointARN != rp.ARN || j.state(c.now) != types.ScanStateCompleted || at.Before(j.ContinuousStart) || at.After(j.ContinuousEnd) {
			continue
		}
		if last == nil || j.EndAt.After(last.EndAt) {
			last = j
		}
	}
	out := &awsbackup.GetPITRMalwareScanResultsOutput{ScanEndTime: aws.Time(at)}
	if last == nil {
		out.ScanResult = &types.ScanResultInfo{ScanResultStatus: "UNKNOWN"}
		return out, nil
	}
	out.ScanResult = last.result(c.now)
	out.LastScanJobTime = timePtr(last.EndAt)
	out.ScanId = aws.String(last.ScanID)
	out.ScanMode = types.ScanMode(last.Mode)
	return out, nil
}
