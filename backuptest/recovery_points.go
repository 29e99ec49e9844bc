package backuptest

// Recovery points.
//
// Known difference: a recovery point whose lifecycle DeleteAt has passed is
// removed on the next request (with a "Recovery Point State Change" event
// with status DELETING at DeleteAt), unless a legal hold or an unfinished
// copy or restore job keeps it; then it goes once that ends. Moving to cold
// storage only changes the StorageClass DescribeRecoveryPoint reports.
//
// Known difference: DeleteRecoveryPoint removes the point at once (AWS shows
// it DELETING for a while). It refuses, with InvalidRequestException, a point
// under an active legal hold or inside a vault lock's minimum retention, and
// with InvalidResourceStateException a point an unfinished copy or restore
// job is reading.
//
// Known difference: DisassociateRecoveryPoint only applies to continuous
// backups, which the emulator does not create, so it always answers
// InvalidRequestException for existing points.

import (
	"cmp"
	"container/heap"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/backupkit/backupkit/internal/awsid"
)

// coldStorageTypes are the resource types whose recovery points can move
// to cold storage (the others ignore MoveToColdStorageAfterDays).
var coldStorageTypes = map[string]bool{
	"EBS": true, "EFS": true, "DynamoDB": true, "Timestream": true, "SAP HANA on Amazon EC2": true, "VirtualMachine": true, "CloudFormation": true,
}

func (e *Emulator) registerRecoveryPoints() {
	e.register("ListRecoveryPointsByBackupVault", handle(listRecoveryPointsByBackupVault))
	e.register("ListRecoveryPointsByResource", handle(listRecoveryPointsByResource))
	e.register("DescribeRecoveryPoint", handle(describeRecoveryPoint))
	e.register("DeleteRecoveryPoint", handle(deleteRecoveryPoint))
	e.register("UpdateRecoveryPointLifecycle", handle(updateRecoveryPointLifecycle))
	e.register("GetRecoveryPointRestoreMetadata", handle(getRecoveryPointRestoreMetadata))
	e.register("DisassociateRecoveryPoint", handle(disassociateRecoveryPoint))
}

// rpIndex orders a Region's recovery points per vault and per resource,
// oldest first. It is derived from RecoveryPoints and rebuilt when nil
// (e.g. after loading saved state).
type rpIndex struct {
	byVault    map[string][]*recoveryPoint
	byResource map[string][]*recoveryPoint
	// expiry orders points with a retention by DeleteAt; entries go stale
	// when a lifecycle changes and are checked when they come up.
	expiry expiryHeap
	// kept are expired points a legal hold or a running job still keeps;
	// recheck says a hold ended or a job finished since they were checked.
	kept    []*recoveryPoint
	recheck bool
}

// recheckKept makes the next request look at kept points again.
func (r *regionState) recheckKept() {
	if r.rpIdx != nil && len(r.rpIdx.kept) > 0 {
		r.rpIdx.recheck = true
	}
}

type expiryEntry struct {
	at time.Time
	rp *recoveryPoint
}

type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = expiryEntry{}
	*h = old[:len(old)-1]
	return x
}

// deleteAt is when rp's retention ends, or zero.
func (rp *recoveryPoint) deleteAt() time.Time {
	if rp.DeleteAfterDays == nil || *rp.DeleteAfterDays <= 0 || rp.Continuous {
		return time.Time{}
	}
	return rp.CreationDate.Add(days(*rp.DeleteAfterDays))
}

// watchExpiry schedules rp's deletion at the end of its retention.
func (idx *rpIndex) watchExpiry(rp *recoveryPoint) {
	if at := rp.deleteAt(); !at.IsZero() {
		heap.Push(&idx.expiry, expiryEntry{at: at, rp: rp})
	}
}

// expiryDue reports whether any recovery point of r may have to go by now.
func (r *regionState) expiryDue(now time.Time) bool {
	if r.rpIdx == nil {
		return len(r.RecoveryPoints) > 0
	}
	idx := r.rpIdx
	return idx.recheck || len(idx.expiry) > 0 && !now.Before(idx.expiry[0].at)
}

// expireRecoveryPoints deletes the points whose retention ended by now.
// Called with e.mu held.
func (e *Emulator) expireRecoveryPoints(rs *regionState, now time.Time) {
	idx := rs.index()
	var due []*recoveryPoint
	nKept := 0
	if idx.recheck {
		due, idx.kept, nKept = idx.kept, nil, len(idx.kept)
		idx.recheck = false
	}
	for len(idx.expiry) > 0 && !now.Before(idx.expiry[0].at) {
		ent := heap.Pop(&idx.expiry).(expiryEntry)
		if rs.RecoveryPoints[ent.rp.ARN] != ent.rp || !ent.rp.deleteAt().Equal(ent.at) {
			continue // deleted, or its lifecycle changed since
		}
		due = append(due, ent.rp)
	}
	for i, rp := range due {
		if rs.RecoveryPoints[rp.ARN] != rp {
			continue
		}
		if rs.heldBy(rp.ARN, now) != "" || rs.inUse(rp.ARN) != "" || rs.accessPointOn(rp.ARN) != "" {
			idx.kept = append(idx.kept, rp)
			continue
		}
		rs.removeRecoveryPoint(rp)
		rp.Status = "DELETING"
		at := rp.deleteAt()
		if i < nKept { // kept past DeleteAt: it goes now
			at = now
		}
		e.recoveryPointEvent(rs, rp, at)
	}
}

func rpLess(a, b *recoveryPoint) int {
	if c := a.CreationDate.Compare(b.CreationDate); c != 0 {
		return c
	}
	return cmp.Compare(a.ARN, b.ARN)
}

func (r *regionState) index() *rpIndex {
	if r.rpIdx != nil {
		return r.rpIdx
	}
	idx := &rpIndex{byVault: map[string][]*recoveryPoint{}, byResource: map[string][]*recoveryPoint{}}
	for _, rp := range r.RecoveryPoints {
		idx.byVault[rp.VaultName] = append(idx.byVault[rp.VaultName], rp)
		idx.byResource[rp.ResourceARN] = append(idx.byResource[rp.ResourceARN], rp)
	}
	for _, l := range idx.byVault {
		slices.SortFunc(l, rpLess)
	}
	for _, l := range idx.byResource {
		slices.SortFunc(l, rpLess)
	}
	for _, rp := range r.RecoveryPoints {
		idx.watchExpiry(rp)
	}
	r.rpIdx = idx
	return idx
}

func insertSorted(l []*recoveryPoint, rp *recoveryPoint) []*recoveryPoint {
	i, _ := slices.BinarySearchFunc(l, rp, rpLess)
	return slices.Insert(l, i, rp)
}

func removeSorted(l []*recoveryPoint, rp *recoveryPoint) []*recoveryPoint {
	i, found := slices.BinarySearchFunc(l, rp, rpLess)
	if found && l[i] == rp {
		return slices.Delete(l, i, i+1)
	}
	return slices.DeleteFunc(l, func(x *recoveryPoint) bool { return x == rp })
}

// addRecoveryPoint stores rp and keeps the index in step.
func (r *regionState) addRecoveryPoint(rp *recoveryPoint) {
	if old, ok := r.RecoveryPoints[rp.ARN]; ok {
		r.removeRecoveryPoint(old)
	}
	r.RecoveryPoints[rp.ARN] = rp
	if idx := r.rpIdx; idx != nil {
		idx.byVault[rp.VaultName] = insertSorted(idx.byVault[rp.VaultName], rp)
		idx.byResource[rp.ResourceARN] = insertSorted(idx.byResource[rp.ResourceARN], rp)
		idx.watchExpiry(rp)
	}
}

// removeRecoveryPoint forgets rp and its tags.
func (r *regionState) removeRecoveryPoint(rp *recoveryPoint) {
	delete(r.RecoveryPoints, rp.ARN)
	delete(r.Tags, rp.ARN)
	delete(r.Continuous, rp.ARN)
	if idx := r.rpIdx; idx != nil {
		if l := removeSorted(idx.byVault[rp.VaultName], rp); len(l) > 0 {
			idx.byVault[rp.VaultName] = l
		} else {
			delete(idx.byVault, rp.VaultName)
		}
		if l := removeSorted(idx.byResource[rp.ResourceARN], rp); len(l) > 0 {
			idx.byResource[rp.ResourceARN] = l
		} else {
			delete(idx.byResource, rp.ResourceARN)
		}
	}
}

func (rp *recoveryPoint) setLifecycle(lc *types.Lifecycle) {
	rp.MoveToColdStorageAfterDays, rp.DeleteAfterDays, rp.OptInToArchive = nil, nil, false
	if lc == nil {
		return
	}
	if lc.MoveToColdStorageAfterDays != nil {
		rp.MoveToColdStorageAfterDays = aws.Int64(*lc.MoveToColdStorageAfterDays)
	}
	if lc.DeleteAfterDays != nil {
		rp.DeleteAfterDays = aws.Int64(*lc.DeleteAfterDays)
	}
	rp.OptInToArchive = aws.ToBool(lc.OptInToArchiveForSupportedResources)
}

func (rp *recoveryPoint) lifecycle() *types.Lifecycle {
	if rp.MoveToColdStorageAfterDays == nil && rp.DeleteAfterDays == nil && !rp.OptInToArchive {
		return nil
	}
	lc := &types.Lifecycle{}
	if rp.MoveToColdStorageAfterDays != nil {
		lc.MoveToColdStorageAfterDays = aws.Int64(*rp.MoveToColdStorageAfterDays)
	}
	if rp.DeleteAfterDays != nil {
		lc.DeleteAfterDays = aws.Int64(*rp.DeleteAfterDays)
	}
	if rp.OptInToArchive {
		lc.OptInToArchiveForSupportedResources = aws.Bool(true)
	}
	return lc
}

func days(n int64) time.Duration { return time.Duration(n) * 24 * time.Hour }

func (rp *recoveryPoint) calculatedLifecycle() *types.CalculatedLifecycle {
	cl := &types.CalculatedLifecycle{}
	if rp.DeleteAfterDays != nil && *rp.DeleteAfterDays > 0 {
		cl.DeleteAt = timePtr(rp.CreationDate.Add(days(*rp.DeleteAfterDays)))
	}
	if rp.MoveToColdStorageAfterDays != nil && *rp.MoveToColdStorageAfterDays > 0 && coldStorageTypes[rp.ResourceType] {
		cl.MoveToColdStorageAt = timePtr(rp.CreationDate.Add(days(*rp.MoveToColdStorageAfterDays)))
	}
	if cl.DeleteAt == nil && cl.MoveToColdStorageAt == nil {
		return nil
	}
	return cl
}

func (rp *recoveryPoint) inColdStorage(now time.Time) bool {
	cl := rp.calculatedLifecycle()
	return cl != nil && cl.MoveToColdStorageAt != nil && !now.Before(*cl.MoveToColdStorageAt)
}

func (rp *recoveryPoint) creator() *types.RecoveryPointCreator {
	if rp.BackupPlanID == "" {
		return &types.RecoveryPointCreator{}
	}
	return &types.RecoveryPointCreator{BackupPlanId: aws.String(rp.BackupPlanID), BackupPlanArn: aws.String(rp.BackupPlanArn),
		BackupPlanVersion: aws.String(rp.BackupPlanVersion), BackupRuleId: aws.String(rp.BackupRuleID)}
}

// vaultState resolves a vault for a recovery point operation, in another
// account when BackupVaultAccountId names one.
func (c *opCtx) vaultState(name, accountID *string) (*regionState, *vault, error) {
	if err := checkVaultName(name); err != nil {
		return nil, nil, err
	}
	rs := c.rs()
	if accountID != nil && *accountID != "" && *accountID != c.account {
		if !awsid.AccountID(*accountID) {
			return nil, nil, invalidParam("BackupVaultAccountId %q is not a 12-digit account id", *accountID)
		}
		rs = c.rsFor(*accountID, c.region)
	}
	v, ok := rs.Vaults[*name]
	if !ok {
		return nil, nil, notFound("Backup vault %s does not exist in %s", *name, c.region)
	}
	return rs, v, nil
}

func (c *opCtx) recoveryPointIn(name, accountID, rpARN *string) (*regionState, *vault, *recoveryPoint, error) {
	rs, v, err := c.vaultState(name, accountID)
	if err != nil {
		return nil, nil, nil, err
	}
	if rpARN == nil || *rpARN == "" {
		return nil, nil, nil, missingParam("RecoveryPointArn")
	}
	rp, ok := rs.RecoveryPoints[*rpARN]
	if !ok || rp.VaultName != v.Name {
		return nil, nil, nil, notFound("Recovery point %s does not exist in backup vault %s", *rpARN, v.Name)
	}
	return rs, v, rp, nil
}

// pageRange is page over the positions 0..n-1 without building a slice:
// the bounds of this page and the next token, in page's token format.
func pageRange(n int, nextToken *string, maxResults *int32) (start, end int, next *string, err error) {
	limit := 1000
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 1000 {
			return 0, 0, nil, invalidParam("MaxResults %d is out of range: allowed 1 to 1000", *maxResults)
		}
		limit = int(*maxResults)
	}
	if nextToken != nil && *nextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(*nextToken)
		k, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || k < 0 || k > n {
			return 0, 0, nil, invalidParam("NextToken is not valid")
		}
		start = k
	}
	end = min(start+limit, n)
	if end < n {
		t := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		next = &t
	}
	return start, end, next, nil
}

func rpByVaultMember(rs *regionState, v *vault, rp *recoveryPoint) types.RecoveryPointByBackupVault {
	m := types.RecoveryPointByBackupVault{
		BackupSizeInBytes:   aws.Int64(rp.BackupSizeInBytes),
		BackupVaultArn:      aws.String(rp.VaultARN),
		BackupVaultName:     aws.String(rp.VaultName),
		CalculatedLifecycle: rp.calculatedLifecycle(),
		CompletionDate:      timePtr(rp.CompletionDate),
		CreatedBy:           rp.creator(),
		CreationDate:        timePtr(rp.CreationDate),
		EncryptionKeyArn:    aws.String(rp.EncryptionKeyArn),
		EncryptionKeyType:   types.EncryptionKeyType(rp.EncryptionKeyType),
		InitiationDate:      timePtr(rp.CreationDate),
		IsEncrypted:         true,
		LastRestoreTime:     timePtr(rp.LastRestoreTime),
		Lifecycle:           rp.lifecycle(),
		RecoveryPointArn:    aws.String(rp.ARN),
		ResourceArn:         aws.String(rp.ResourceARN),
		ResourceName:        aws.String(rp.ResourceName),
		ResourceType:        aws.String(rp.ResourceType),
		Status:              types.RecoveryPointStatus(rp.Status),
	}
	if rp.IAMRoleArn != "" {
		m.IamRoleArn = aws.String(rp.IAMRoleArn)
	}
	if rp.SourceBackupVaultArn != "" {
		m.SourceBackupVaultArn = aws.String(rp.SourceBackupVaultArn)
	}
	if rp.StatusMessage != "" {
		m.StatusMessage = aws.String(rp.StatusMessage)
	}
	if v != nil {
		m.VaultType = v.Type
	}
	return m
}

func listRecoveryPointsByBackupVault(c *opCtx, in *awsbackup.ListRecoveryPointsByBackupVaultInput) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error) {
	rs, v, err := c.vaultState(in.BackupVaultName, in.BackupVaultAccountId)
	if err != nil {
		return nil, err
	}
	all := rs.index().byVault[v.Name]
	if in.ByResourceArn == nil && in.ByResourceType == nil && in.ByBackupPlanId == nil && in.ByParentRecoveryPointArn == nil &&
		in.ByCreatedAfter == nil && in.ByCreatedBefore == nil {
		// No filter: page straight over the index, newest first.
		start, end, next, err := pageRange(len(all), in.NextToken, in.MaxResults)
		if err != nil {
			return nil, err
		}
		out := &awsbackup.ListRecoveryPointsByBackupVaultOutput{RecoveryPoints: make([]types.RecoveryPointByBackupVault, 0, end-start), NextToken: next}
		for i := start; i < end; i++ {
			out.RecoveryPoints = append(out.RecoveryPoints, rpByVaultMember(rs, v, all[len(all)-1-i]))
		}
		return out, nil
	}
	filtered := make([]*recoveryPoint, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- { // newest first
		rp := all[i]
		if in.ByResourceArn != nil && *in.ByResourceArn != rp.ResourceARN ||
			in.ByResourceType != nil && *in.ByResourceType != rp.ResourceType ||
			in.ByBackupPlanId != nil && *in.ByBackupPlanId != rp.BackupPlanID ||
			in.ByParentRecoveryPointArn != nil && *in.ByParentRecoveryPointArn != "" ||
			!timeFilter(rp.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) {
			continue
		}
		filtered = append(filtered, rp)
	}
	pg, next, err := page(filtered, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRecoveryPointsByBackupVaultOutput{RecoveryPoints: make([]types.RecoveryPointByBackupVault, 0, len(pg)), NextToken: next}
	for _, rp := range pg {
		out.RecoveryPoints = append(out.RecoveryPoints, rpByVaultMember(rs, v, rp))
	}
	return out, nil
}

func listRecoveryPointsByResource(c *opCtx, in *awsbackup.ListRecoveryPointsByResourceInput) (*awsbackup.ListRecoveryPointsByResourceOutput, error) {
	if in.ResourceArn == nil || *in.ResourceArn == "" {
		return nil, missingParam("ResourceArn")
	}
	rs := c.rs()
	all := rs.index().byResource[*in.ResourceArn]
	list := make([]*recoveryPoint, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		list = append(list, all[i])
	}
	pg, next, err := page(list, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRecoveryPointsByResourceOutput{RecoveryPoints: make([]types.RecoveryPointByResource, 0, len(pg)), NextToken: next}
	for _, rp := range pg {
		m := types.RecoveryPointByResource{
			BackupSizeBytes:   aws.Int64(rp.BackupSizeInBytes),
			BackupVaultName:   aws.String(rp.VaultName),
			CreationDate:      timePtr(rp.CreationDate),
			EncryptionKeyArn:  aws.String(rp.EncryptionKeyArn),
			EncryptionKeyType: types.EncryptionKeyType(rp.EncryptionKeyType),
			RecoveryPointArn:  aws.String(rp.ARN),
			ResourceName:      aws.String(rp.ResourceName),
			Status:            types.RecoveryPointStatus(rp.Status),
		}
		if rp.StatusMessage != "" {
			m.StatusMessage = aws.String(rp.StatusMessage)
		}
		if v := rs.Vaults[rp.VaultName]; v != nil {
			m.VaultType = v.Type
		}
		out.RecoveryPoints = append(out.RecoveryPoints, m)
	}
	return out, nil
}

func describeRecoveryPoint(c *opCtx, in *awsbackup.DescribeRecoveryPointInput) (*awsbackup.DescribeRecoveryPointOutput, error) {
	rs, v, rp, err := c.recoveryPointIn(in.BackupVaultName, in.BackupVaultAccountId, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	m := rpByVaultMember(rs, v, rp)
	storage := types.StorageClassWarm
	if rp.inColdStorage(c.now) {
		storage = types.StorageClassCold
	}
	return &awsbackup.DescribeRecoveryPointOutput{
		BackupSizeInBytes: m.BackupSizeInBytes, BackupVaultArn: m.BackupVaultArn, BackupVaultName: m.BackupVaultName,
		CalculatedLifecycle: m.CalculatedLifecycle, CompletionDate: m.CompletionDate, CreatedBy: m.CreatedBy, CreationDate: m.CreationDate,
		EncryptionKeyArn: m.EncryptionKeyArn, EncryptionKeyType: m.EncryptionKeyType, IamRoleArn: m.IamRoleArn, InitiationDate: m.InitiationDate,
		IsEncrypted: m.IsEncrypted, LastRestoreTime: m.LastRestoreTime, Lifecycle: m.Lifecycle, RecoveryPointArn: m.RecoveryPointArn,
		ResourceArn: m.ResourceArn, ResourceName: m.ResourceName, ResourceType: m.ResourceType, SourceBackupVaultArn: m.SourceBackupVaultArn,
		Status: m.Status, StatusMessage: m.StatusMessage, StorageClass: storage, VaultType: m.VaultType,
	}, nil
}

// heldBy returns the id of an active legal hold on rp, or "".
func (r *regionState) heldBy(rpARN string, now time.Time) string {
	for _, h := range r.LegalHolds {
		if !h.holding(now) {
			continue
		}
		if _, ok := slices.BinarySearch(h.RecoveryPoints, rpARN); ok {
			return h.ID
		}
	}
	return ""
}

// inUse returns the id of an unfinished copy or restore job reading rp.
func (r *regionState) inUse(rpARN string) string {
	for _, a := range r.Active {
		switch a.Kind {
		case jobCopy:
			if j := r.CopyJobs[a.ID]; j != nil && j.SourceRecoveryPointARN == rpARN {
				return j.ID
			}
		case jobRestore:
			if j := r.RestoreJobs[a.ID]; j != nil && j.RecoveryPointARN == rpARN {
				return j.ID
			}
		}
	}
	return ""
}

func deleteRecoveryPoint(c *opCtx, in *awsbackup.DeleteRecoveryPointInput) (*struct{}, error) {
	rs, v, rp, err := c.recoveryPointIn(in.BackupVaultName, nil, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	if id := rs.heldBy(rp.ARN, c.now); id != "" {
		return nil, invalidRequest("Recovery point %s is under legal hold %s and cannot be deleted", rp.ARN, id)
	}
	if err := rs.accessPointBlocksDeletion(rp.ARN); err != nil {
		return nil, err
	}
	if v.LockConfigured && v.MinRetentionDays != nil {
		if until := rp.CreationDate.Add(days(*v.MinRetentionDays)); c.now.Before(until) {
			return nil, invalidRequest("Recovery point %s is protected by the Vault Lock of %s (minimum retention %d days) until %s and cannot be deleted",
				rp.ARN, v.Name, *v.MinRetentionDays, until.Format(time.RFC3339))
		}
	}
	if id := rs.inUse(rp.ARN); id != "" {
		return nil, invalidState("Recovery point %s is in use by job %s; try again when the job has finished", rp.ARN, id)
	}
	rs.removeRecoveryPoint(rp)
	rp.Status = "DELETING"
	c.e.recoveryPointEvent(rs, rp, c.now)
	return nil, nil
}

func updateRecoveryPointLifecycle(c *opCtx, in *awsbackup.UpdateRecoveryPointLifecycleInput) (*awsbackup.UpdateRecoveryPointLifecycleOutput, error) {
	rs, v, rp, err := c.recoveryPointIn(in.BackupVaultName, nil, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	if err := checkLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	if msg := lockViolation(v, in.Lifecycle); msg != "" && v.LockConfigured {
		return nil, invalidRequest("%s", msg)
	}
	if rp.inColdStorage(c.now) {
		var newCold *int64
		if in.Lifecycle != nil {
			newCold = in.Lifecycle.MoveToColdStorageAfterDays
		}
		if newCold == nil || *newCold != *rp.MoveToColdStorageAfterDays {
			return nil, invalidRequest("Recovery point %s has already moved to cold storage; MoveToColdStorageAfterDays can no longer be changed", rp.ARN)
		}
	}
	rp.setLifecycle(in.Lifecycle)
	if idx := rs.rpIdx; idx != nil {
		idx.watchExpiry(rp)
	}
	return &awsbackup.UpdateRecoveryPointLifecycleOutput{BackupVaultArn: aws.String(v.ARN), RecoveryPointArn: aws.String(rp.ARN),
		Lifecycle: rp.lifecycle(), CalculatedLifecycle: rp.calculatedLifecycle()}, nil
}

func getRecoveryPointRestoreMetadata(c *opCtx, in *awsbackup.GetRecoveryPointRestoreMetadataInput) (*awsbackup.GetRecoveryPointRestoreMetadataOutput, error) {
	_, v, rp, err := c.recoveryPointIn(in.BackupVaultName, in.BackupVaultAccountId, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	return &awsbackup.GetRecoveryPointRestoreMetadataOutput{BackupVaultArn: aws.String(v.ARN), RecoveryPointArn: aws.String(rp.ARN),
		ResourceType: aws.String(rp.ResourceType), RestoreMetadata: maps.Clone(rp.RestoreMetadata)}, nil
}

func disassociateRecoveryPoint(c *opCtx, in *awsbackup.DisassociateRecoveryPointInput) (*struct{}, error) {
	_, _, rp, err := c.recoveryPointIn(in.BackupVaultName, nil, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	return nil, invalidRequest("Recovery point %s is not a continuous backup; only continuous backups can be disassociated", rp.ARN)
}

// SeedRecoveryPoints adds n COMPLETED recovery points to the vault
// vaultName of account and region (creating the vault if it does not
// exist), without running backup jobs. fn(i) describes the resource point i
// backs up; Type, Name and Fingerprint default as in PutResource. A nil fn
// backs up EBS volumes vol-000…i. Point i is created i seconds after the
// first, and the last one now, so listings are stable. The resources are not
// added to the inventory, and no jobs or events are recorded. Use it to
// build large states for tests and benchmarks quickly.
func (e *Emulator) SeedRecoveryPoints(account, region, vaultName string, n int, fn func(i int) Resource) error {
	if n < 0 {
		return errors.New("backuptest: SeedRecoveryPoints: n must not be negative")
	}
	if account == "" {
		account = e.opts.AccountID
	}
	if region == "" {
		region = e.opts.Region
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.Now()
	c := &opCtx{e: e, account: account, region: region, now: now}
	rs := c.rs()
	v, ok := rs.Vaults[vaultName]
	if !ok {
		if err := checkVaultName(&vaultName); err != nil {
			return fmt.Errorf("backuptest: SeedRecoveryPoints: %w", err)
		}
		nv, err := c.newVault(&vaultName, nil, nil, nil, types.VaultTypeBackupVault)
		if err != nil {
			return fmt.Errorf("backuptest: SeedRecoveryPoints: %w", err)
		}
		v = nv
	}
	for i := range n {
		var r Resource
		if fn != nil {
			r = fn(i)
		} else {
			r = Resource{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%017x", region, account, i), SizeBytes: 8 << 30}
		}
		if r.Type == "" {
			t, err := resourceTypeFromARN(r.ARN)
			if err != nil {
				return fmt.Errorf("backuptest: SeedRecoveryPoints: resource %d: %w; set Resource.Type", i, err)
			}
			r.Type = t
		}
		if r.Name == "" {
			r.Name = resourceName(r.ARN)
		}
		if r.Fingerprint == "" {
			r.Fingerprint = fingerprintOf(r.ARN)
		}
		created := now.Add(-time.Duration(n-1-i) * time.Second)
		rp := &recoveryPoint{
			ARN: newRecoveryPointARN(r.Type, account, region, ""), VaultName: v.Name, VaultARN: v.ARN,
			ResourceARN: r.ARN, ResourceType: r.Type, ResourceName: r.Name, Status: "COMPLETED",
			CreationDate: created, CompletionDate: created, BackupSizeInBytes: r.SizeBytes,
			IAMRoleArn:       fmt.Sprintf("arn:aws:iam::%s:role/service-role/AWSBackupDefaultServiceRole", account),
			EncryptionKeyArn: v.EncryptionKeyArn, EncryptionKeyType: string(v.EncryptionKeyType),
			Fingerprint: r.Fingerprint, SourceAttributes: maps.Clone(r.Attributes), SourceTags: maps.Clone(r.Tags),
		}
		rp.RestoreMetadata = restoreMetadataFor(rp, region, r.Attributes)
		rs.addRecoveryPoint(rp)
	}
	return nil
}
