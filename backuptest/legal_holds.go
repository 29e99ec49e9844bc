package backuptest

// Legal holds.
//
// Known difference: a legal hold is ACTIVE as soon as CreateLegalHold
// returns (AWS shows CREATING first) and holds the recovery points that
// match its selection at that moment; points created later are not added.
// A canceled hold is CANCELED at once, and disappears from GetLegalHold
// and ListLegalHolds once RetainRecordInDays have passed.

import (
	"cmp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// maxLegalHolds is AWS's quota of legal holds per account and Region.
const maxLegalHolds = 50

func (e *Emulator) registerLegalHolds() {
	e.register("CreateLegalHold", handle(createLegalHold))
	e.register("GetLegalHold", handle(getLegalHold))
	e.register("ListLegalHolds", handle(listLegalHolds))
	e.register("CancelLegalHold", handle(cancelLegalHold))
	e.register("ListRecoveryPointsByLegalHold", handle(listRecoveryPointsByLegalHold))
}

// holding reports whether the hold protects its recovery points.
func (h *legalHold) holding(time.Time) bool { return h.Status == "ACTIVE" }

// visible reports whether the hold's record still exists.
func (h *legalHold) visible(now time.Time) bool {
	return h.RetainRecordUntil.IsZero() || now.Before(h.RetainRecordUntil)
}

func (h *legalHold) selection() *types.RecoveryPointSelection {
	s := &types.RecoveryPointSelection{VaultNames: slices.Clone(h.VaultNames), ResourceIdentifiers: slices.Clone(h.ResourceARNs)}
	if !h.DateFrom.IsZero() || !h.DateTo.IsZero() {
		s.DateRange = &types.DateRange{FromDate: timePtr(h.DateFrom), ToDate: timePtr(h.DateTo)}
	}
	return s
}

func (h *legalHold) matches(rp *recoveryPoint) bool {
	if len(h.VaultNames) > 0 && !slices.Contains(h.VaultNames, rp.VaultName) {
		return false
	}
	if len(h.ResourceARNs) > 0 && !slices.Contains(h.ResourceARNs, rp.ResourceARN) {
		return false
	}
	if !h.DateFrom.IsZero() && rp.CreationDate.Before(h.DateFrom) {
		return false
	}
	if !h.DateTo.IsZero() && rp.CreationDate.After(h.DateTo) {
		return false
	}
	return true
}

func createLegalHold(c *opCtx, in *awsbackup.CreateLegalHoldInput) (*awsbackup.CreateLegalHoldOutput, error) {
	rs := c.rs()
	if id, ok := rs.token("CreateLegalHold", aws.ToString(in.IdempotencyToken)); ok {
		if h := rs.LegalHolds[id]; h != nil {
			return legalHoldCreateOutput(h), nil
		}
	}
	if in.Title == nil || *in.Title == "" {
		return nil, missingParam("Title")
	}
	if in.Description == nil || *in.Description == "" {
		return nil, missingParam("Description")
	}
	if err := checkTags("Tags", in.Tags); err != nil {
		return nil, err
	}
	active := 0
	for _, h := range rs.LegalHolds {
		if h.Status == "ACTIVE" || h.Status == "CREATING" {
			active++
		}
	}
	if active >= maxLegalHolds {
		return nil, apiErr(CodeLimitExceeded, "the account already has %d active legal holds in %s, the AWS Backup quota", maxLegalHolds, c.region)
	}
	id := newID()
	h := &legalHold{
		ID: id, ARN: c.arn("legal-hold:" + id), Title: *in.Title, Description: *in.Description,
		Status: "ACTIVE", CreationDate: c.now, IdempotencyToken: aws.ToString(in.IdempotencyToken),
	}
	if s := in.RecoveryPointSelection; s != nil {
		for _, n := range s.VaultNames {
			if _, ok := rs.Vaults[n]; !ok {
				return nil, notFound("RecoveryPointSelection: backup vault %s does not exist", n)
			}
		}
		h.VaultNames = slices.Clone(s.VaultNames)
		h.ResourceARNs = slices.Clone(s.ResourceIdentifiers)
		if s.DateRange != nil {
			if s.DateRange.FromDate == nil || s.DateRange.ToDate == nil {
				return nil, invalidParam("RecoveryPointSelection.DateRange needs FromDate and ToDate")
			}
			if s.DateRange.ToDate.Before(*s.DateRange.FromDate) {
				return nil, invalidParam("RecoveryPointSelection.DateRange: ToDate is before FromDate")
			}
			h.DateFrom, h.DateTo = *s.DateRange.FromDate, *s.DateRange.ToDate
		}
	}
	for _, rp := range rs.RecoveryPoints {
		if h.matches(rp) {
			h.RecoveryPoints = append(h.RecoveryPoints, rp.ARN)
		}
	}
	slices.Sort(h.RecoveryPoints)
	rs.LegalHolds[id] = h
	rs.setTags(h.ARN, in.Tags)
	rs.rememberToken("CreateLegalHold", h.IdempotencyToken, id)
	return legalHoldCreateOutput(h), nil
}

func legalHoldCreateOutput(h *legalHold) *awsbackup.CreateLegalHoldOutput {
	return &awsbackup.CreateLegalHoldOutput{CreationDate: timePtr(h.CreationDate), Description: aws.String(h.Description),
		LegalHoldArn: aws.String(h.ARN), LegalHoldId: aws.String(h.ID), RecoveryPointSelection: h.selection(),
		Status: types.LegalHoldStatus(h.Status), Title: aws.String(h.Title)}
}

func (c *opCtx) legalHoldOf(id *string) (*legalHold, error) {
	if id == nil || *id == "" {
		return nil, missingParam("LegalHoldId")
	}
	h, ok := c.rs().LegalHolds[*id]
	if !ok || !h.visible(c.now) {
		return nil, notFound("Legal hold %s does not exist", *id)
	}
	return h, nil
}

func getLegalHold(c *opCtx, in *awsbackup.GetLegalHoldInput) (*awsbackup.GetLegalHoldOutput, error) {
	h, err := c.legalHoldOf(in.LegalHoldId)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.GetLegalHoldOutput{CancellationDate: timePtr(h.CancellationDate), CreationDate: timePtr(h.CreationDate),
		Description: aws.String(h.Description), LegalHoldArn: aws.String(h.ARN), LegalHoldId: aws.String(h.ID),
		RecoveryPointSelection: h.selection(), RetainRecordUntil: timePtr(h.RetainRecordUntil),
		Status: types.LegalHoldStatus(h.Status), Title: aws.String(h.Title)}
	if h.CancelDescription != "" {
		out.CancelDescription = aws.String(h.CancelDescription)
	}
	return out, nil
}

func listLegalHolds(c *opCtx, in *awsbackup.ListLegalHoldsInput) (*awsbackup.ListLegalHoldsOutput, error) {
	var list []*legalHold
	for _, h := range c.rs().LegalHolds {
		if h.visible(c.now) {
			list = append(list, h)
		}
	}
	slices.SortFunc(list, func(a, b *legalHold) int {
		if r := a.CreationDate.Compare(b.CreationDate); r != 0 {
			return r
		}
		return cmp.Compare(a.ID, b.ID)
	})
	pg, next, err := page(list, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListLegalHoldsOutput{LegalHolds: make([]types.LegalHold, 0, len(pg)), NextToken: next}
	for _, h := range pg {
		out.LegalHolds = append(out.LegalHolds, types.LegalHold{CancellationDate: timePtr(h.CancellationDate), CreationDate: timePtr(h.CreationDate),
			Description: aws.String(h.Description), LegalHoldArn: aws.String(h.ARN), LegalHoldId: aws.String(h.ID),
			Status: types.LegalHoldStatus(h.Status), Title: aws.String(h.Title)})
	}
	return out, nil
}

func cancelLegalHold(c *opCtx, in *awsbackup.CancelLegalHoldInput) (*struct{}, error) {
	h, err := c.legalHoldOf(in.LegalHoldId)
	if err != nil {
		return nil, err
	}
	if in.CancelDescription == nil || *in.CancelDescription == "" {
		return nil, missingParam("CancelDescription")
	}
	if in.RetainRecordInDays != nil && (*in.RetainRecordInDays < 0 || *in.RetainRecordInDays > maxRetentionDays) {
		return nil, invalidParam("RetainRecordInDays %d is out of range: allowed 0 to %d", *in.RetainRecordInDays, maxRetentionDays)
	}
	if h.Status != "ACTIVE" {
		return nil, invalidState("Legal hold %s is %s and cannot be canceled", h.ID, h.Status)
	}
	h.Status = "CANCELED"
	h.CancellationDate = c.now
	c.rs().recheckKept()
	h.CancelDescription = *in.CancelDescription
	if in.RetainRecordInDays != nil && *in.RetainRecordInDays > 0 {
		h.RetainRecordUntil = c.now.Add(days(*in.RetainRecordInDays))
	}
	return nil, nil
}

func listRecoveryPointsByLegalHold(c *opCtx, in *awsbackup.ListRecoveryPointsByLegalHoldInput) (*awsbackup.ListRecoveryPointsByLegalHoldOutput, error) {
	h, err := c.legalHoldOf(in.LegalHoldId)
	if err != nil {
		return nil, err
	}
	rs := c.rs()
	var list []*recoveryPoint
	for _, a := range h.RecoveryPoints {
		if rp := rs.RecoveryPoints[a]; rp != nil {
			list = append(list, rp)
		}
	}
	pg, next, err := page(list, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRecoveryPointsByLegalHoldOutput{RecoveryPoints: make([]types.RecoveryPointMember, 0, len(pg)), NextToken: next}
	for _, rp := range pg {
		out.RecoveryPoints = append(out.RecoveryPoints, types.RecoveryPointMember{BackupVaultName: aws.String(rp.VaultName),
			RecoveryPointArn: aws.String(rp.ARN), ResourceArn: aws.String(rp.ResourceARN), ResourceType: aws.String(rp.ResourceType)})
	}
	return out, nil
}
