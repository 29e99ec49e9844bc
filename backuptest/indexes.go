package backuptest

// Backup indexes of recovery points, for backup search
// (UpdateRecoveryPointIndexSettings, GetRecoveryPointIndexDetails,
// ListIndexedRecoveryPoints).
//
// As AWS documents
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-search.html):
// EBS snapshots and S3 recovery points can be indexed; ENABLED starts an
// index (PENDING, then ACTIVE), DISABLED deletes it (DELETING, then gone).
//
// Known difference: an index takes the emulator's job duration to build
// and as long to delete; TotalItemsIndexed is the resource's "itemCount"
// or "objectCount" attribute at backup time, else one item per MiB backed
// up. Backup search itself (StartSearchJob) is another service's API and
// not served. IndexActions of StartBackupJob and plan rules do not index.

import (
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// recoveryIndex is the backup index of one recovery point.
type recoveryIndex struct {
	RecoveryPointARN   string
	VaultName          string
	VaultARN           string
	SourceResourceARN  string
	ResourceType       string
	IAMRoleArn         string
	BackupCreationDate time.Time
	CreationDate       time.Time
	// ActiveAt is when PENDING turns ACTIVE.
	ActiveAt time.Time
	// DeletedAt, once set, starts DELETING; the index is gone a job
	// duration later.
	DeletedAt time.Time
	GoneAt    time.Time
	Items     int64
}

var indexResourceTypes = []string{"EBS", "S3"}

// resourceTypeFilterPattern is the API model's ResourceType pattern.
var resourceTypeFilterPattern = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,50}$`)

func (e *Emulator) registerIndexes() {
	e.register("UpdateRecoveryPointIndexSettings", handle(updateRecoveryPointIndexSettings))
	e.register("GetRecoveryPointIndexDetails", handle(getRecoveryPointIndexDetails))
	e.register("ListIndexedRecoveryPoints", handle(listIndexedRecoveryPoints))
}

// indexes returns the Region's indexes, without those deleted by now or
// whose recovery point is gone.
func (r *regionState) indexes(now time.Time) map[string]*recoveryIndex {
	if r.Indexes == nil {
		r.Indexes = map[string]*recoveryIndex{}
	}
	for arn, ix := range r.Indexes {
		if r.RecoveryPoints[arn] == nil || !ix.GoneAt.IsZero() && !now.Before(ix.GoneAt) {
			delete(r.Indexes, arn)
		}
	}
	return r.Indexes
}

func (ix *recoveryIndex) status(now time.Time) types.IndexStatus {
	switch {
	case !ix.DeletedAt.IsZero():
		return types.IndexStatusDeleting
	case now.Before(ix.ActiveAt):
		return types.IndexStatusPending
	}
	return types.IndexStatusActive
}

// indexItems is how many items an index of rp holds.
func indexItems(rp *recoveryPoint) int64 {
	for _, k := range []string{"itemCount", "objectCount"} {
		if n, err := strconv.ParseInt(rp.SourceAttributes[k], 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return rp.BackupSizeInBytes>>20 + 1
}

func updateRecoveryPointIndexSettings(c *opCtx, in *awsbackup.UpdateRecoveryPointIndexSettingsInput) (*awsbackup.UpdateRecoveryPointIndexSettingsOutput, error) {
	rs, v, rp, err := c.recoveryPointIn(in.BackupVaultName, nil, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	switch in.Index {
	case "":
		return nil, missingParam("Index")
	case types.IndexEnabled, types.IndexDisabled:
	default:
		return nil, invalidParam("Index %q is invalid: allowed ENABLED, DISABLED", in.Index)
	}
	if in.IamRoleArn != nil && *in.IamRoleArn != "" {
		if err := checkRoleField("IamRoleArn", in.IamRoleArn); err != nil {
			return nil, err
		}
	}
	ixs := rs.indexes(c.now)
	ix := ixs[rp.ARN]
	out := &awsbackup.UpdateRecoveryPointIndexSettingsOutput{BackupVaultName: aws.String(v.Name), Index: in.Index, RecoveryPointArn: aws.String(rp.ARN)}
	if in.Index == types.IndexDisabled {
		if ix == nil {
			return nil, invalidRequest("Recovery point %s has no backup index to delete", rp.ARN)
		}
		if ix.DeletedAt.IsZero() {
			ix.DeletedAt, ix.GoneAt = c.now, c.now.Add(c.e.jobDuration(rp.ResourceType))
		}
		out.IndexStatus = ix.status(c.now)
		return out, nil
	}
	if !slices.Contains(indexResourceTypes, rp.ResourceType) {
		return nil, invalidRequest("Recovery point %s is a %s recovery point; backup indexes are for EBS snapshots and S3 recovery points", rp.ARN, rp.ResourceType)
	}
	if rp.Status != "COMPLETED" {
		return nil, invalidRequest("Recovery point %s is %s; only an ACTIVE (COMPLETED) recovery point can be indexed", rp.ARN, rp.Status)
	}
	if ix != nil && ix.DeletedAt.IsZero() {
		out.IndexStatus = ix.status(c.now)
		return out, nil
	}
	if ix != nil {
		return nil, invalidRequest("The backup index of recovery point %s is being deleted; enable it again once it is gone", rp.ARN)
	}
	ix = &recoveryIndex{
		RecoveryPointARN: rp.ARN, VaultName: v.Name, VaultARN: v.ARN, SourceResourceARN: rp.ResourceARN, ResourceType: rp.ResourceType,
		IAMRoleArn: aws.ToString(in.IamRoleArn), BackupCreationDate: rp.CreationDate, CreationDate: c.now,
		ActiveAt: c.now.Add(c.e.jobDuration(rp.ResourceType)), Items: indexItems(rp),
	}
	ixs[rp.ARN] = ix
	out.IndexStatus = ix.status(c.now)
	return out, nil
}

func getRecoveryPointIndexDetails(c *opCtx, in *awsbackup.GetRecoveryPointIndexDetailsInput) (*awsbackup.GetRecoveryPointIndexDetailsOutput, error) {
	rs, _, rp, err := c.recoveryPointIn(in.BackupVaultName, nil, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	ix := rs.indexes(c.now)[rp.ARN]
	if ix == nil {
		return nil, notFound("Recovery point %s has no backup index", rp.ARN)
	}
	out := &awsbackup.GetRecoveryPointIndexDetailsOutput{
		BackupVaultArn: aws.String(ix.VaultARN), RecoveryPointArn: aws.String(rp.ARN), SourceResourceArn: aws.String(ix.SourceResourceARN),
		IndexCreationDate: timePtr(ix.CreationDate), IndexStatus: ix.status(c.now),
	}
	if out.IndexStatus == types.IndexStatusActive {
		out.IndexCompletionDate = timePtr(ix.ActiveAt)
		out.TotalItemsIndexed = aws.Int64(ix.Items)
	}
	if !ix.DeletedAt.IsZero() {
		out.IndexDeletionDate = timePtr(ix.DeletedAt)
	}
	return out, nil
}

func listIndexedRecoveryPoints(c *opCtx, in *awsbackup.ListIndexedRecoveryPointsInput) (*awsbackup.ListIndexedRecoveryPointsOutput, error) {
	if in.IndexStatus != "" && !slices.Contains(types.IndexStatus("").Values(), in.IndexStatus) {
		return nil, invalidParam("IndexStatus %q is invalid: allowed PENDING, ACTIVE, FAILED, DELETING", in.IndexStatus)
	}
	if t := aws.ToString(in.ResourceType); t != "" && !resourceTypeFilterPattern.MatchString(t) {
		return nil, invalidParam("ResourceType %q is invalid: 1 to 50 letters, digits, hyphens, underscores and periods", t)
	}
	var all []*recoveryIndex
	for _, ix := range c.rs().indexes(c.now) {
		switch {
		case in.IndexStatus != "" && ix.status(c.now) != in.IndexStatus,
			in.ResourceType != nil && *in.ResourceType != "" && *in.ResourceType != ix.ResourceType,
			in.SourceResourceArn != nil && *in.SourceResourceArn != "" && *in.SourceResourceArn != ix.SourceResourceARN,
			!timeFilter(ix.BackupCreationDate, in.CreatedAfter, in.CreatedBefore):
			continue
		}
		all = append(all, ix)
	}
	slices.SortFunc(all, func(a, b *recoveryIndex) int {
		return newestFirst(a.BackupCreationDate, b.BackupCreationDate, a.RecoveryPointARN, b.RecoveryPointARN)
	})
	pg, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListIndexedRecoveryPointsOutput{IndexedRecoveryPoints: make([]types.IndexedRecoveryPoint, 0, len(pg)), NextToken: next}
	for _, ix := range pg {
		out.IndexedRecoveryPoints = append(out.IndexedRecoveryPoints, types.IndexedRecoveryPoint{
			BackupCreationDate: timePtr(ix.BackupCreationDate), BackupVaultArn: aws.String(ix.VaultARN), IamRoleArn: optString(ix.IAMRoleArn),
			IndexCreationDate: timePtr(ix.CreationDate), IndexStatus: ix.status(c.now), RecoveryPointArn: aws.String(ix.RecoveryPointARN),
			ResourceType: aws.String(ix.ResourceType), SourceResourceArn: aws.String(ix.SourceResourceARN),
		})
	}
	return out, nil
}
