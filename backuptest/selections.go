package backuptest

// Backup selections: CreateBackupSelection, GetBackupSelection,
// DeleteBackupSelection, ListBackupSelections.
//
// Selections are checked by the library's rule (internal/selection): a
// wildcard may replace a whole Region or account part, end the ARN, or
// follow the service (arn:aws:ec2:*); condition keys have the form
// aws:ResourceTag/KEY. A selection with none of Resources, ListOfTags and
// Conditions is accepted and assigns every opted-in resource, as on AWS.

import (
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/limits"
	bsel "github.com/backupkit/backupkit/internal/selection"
)

func (e *Emulator) registerSelections() {
	e.register("CreateBackupSelection", handle(createBackupSelection))
	e.register("GetBackupSelection", handle(getBackupSelection))
	e.register("DeleteBackupSelection", handle(deleteBackupSelection))
	e.register("ListBackupSelections", handle(listBackupSelections))
}

// checkSelection validates a BackupSelection like CreateBackupSelection.
func checkSelection(s *types.BackupSelection) error {
	const f = "BackupSelection"
	if s == nil {
		return missingParam(f)
	}
	if s.SelectionName == nil || *s.SelectionName == "" {
		return missingParam(f + ".SelectionName")
	}
	if limits.BackupName(*s.SelectionName) != "" {
		return invalidParam("%s.SelectionName %q is invalid: use 1 to 50 letters, digits, hyphens, underscores and periods", f, *s.SelectionName)
	}
	if s.IamRoleArn == nil || *s.IamRoleArn == "" {
		return missingParam(f + ".IamRoleArn")
	}
	if !awsid.RoleARN(*s.IamRoleArn) {
		return invalidParam("%s.IamRoleArn %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", f, *s.IamRoleArn)
	}
	for i, t := range s.ListOfTags {
		tf := fmt.Sprintf("%s.ListOfTags[%d]", f, i)
		if t.ConditionType == "" {
			return missingParam(tf + ".ConditionType")
		}
		if t.ConditionType != bsel.TagConditionType {
			return invalidParam("%s.ConditionType %q is invalid: allowed %s", tf, t.ConditionType, bsel.TagConditionType)
		}
		if t.ConditionKey == nil || *t.ConditionKey == "" {
			return missingParam(tf + ".ConditionKey")
		}
		if t.ConditionValue == nil {
			return missingParam(tf + ".ConditionValue")
		}
	}
	for _, g := range conditionGroups(s.Conditions) {
		for i, c := range g.items {
			cf := fmt.Sprintf("%s.Conditions.%s[%d]", f, g.op, i)
			if c.ConditionKey == nil || *c.ConditionKey == "" {
				return missingParam(cf + ".ConditionKey")
			}
			if c.ConditionValue == nil {
				return missingParam(cf + ".ConditionValue")
			}
		}
	}
	rule := selectionRule(s)
	return problemErr(f, rule.Check())
}

func createBackupSelection(c *opCtx, in *awsbackup.CreateBackupSelectionInput) (*awsbackup.CreateBackupSelectionOutput, error) {
	p, err := c.livePlanOf(in.BackupPlanId)
	if err != nil {
		return nil, err
	}
	if err := checkCreatorRequestId(in.CreatorRequestId); err != nil {
		return nil, err
	}
	if in.CreatorRequestId != nil {
		for _, s := range p.Selections {
			if s.CreatorRequestId == *in.CreatorRequestId {
				return &awsbackup.CreateBackupSelectionOutput{BackupPlanId: aws.String(p.ID), SelectionId: aws.String(s.ID), CreationDate: timePtr(s.CreationDate)}, nil
			}
		}
	}
	if err := checkSelection(in.BackupSelection); err != nil {
		return nil, err
	}
	if len(p.Selections) >= maxSelectionsPerPlan {
		return nil, apiErr(CodeLimitExceeded, "backup plan %s already has %d selections, the AWS Backup quota", p.ID, maxSelectionsPerPlan)
	}
	s := &selection{ID: newID(), PlanID: p.ID, CreationDate: c.now, Selection: planClone(*in.BackupSelection)}
	if in.CreatorRequestId != nil {
		s.CreatorRequestId = *in.CreatorRequestId
	}
	p.Selections[s.ID] = s
	return &awsbackup.CreateBackupSelectionOutput{BackupPlanId: aws.String(p.ID), SelectionId: aws.String(s.ID), CreationDate: timePtr(s.CreationDate)}, nil
}

func (c *opCtx) selectionOf(planID, selID *string) (*plan, *selection, error) {
	p, err := c.livePlanOf(planID)
	if err != nil {
		return nil, nil, err
	}
	if selID == nil || *selID == "" {
		return nil, nil, missingParam("SelectionId")
	}
	s, ok := p.Selections[*selID]
	if !ok {
		return nil, nil, notFound("Backup selection %s does not exist in backup plan %s", *selID, p.ID)
	}
	return p, s, nil
}

func getBackupSelection(c *opCtx, in *awsbackup.GetBackupSelectionInput) (*awsbackup.GetBackupSelectionOutput, error) {
	p, s, err := c.selectionOf(in.BackupPlanId, in.SelectionId)
	if err != nil {
		return nil, err
	}
	sel := planClone(s.Selection)
	out := &awsbackup.GetBackupSelectionOutput{BackupPlanId: aws.String(p.ID), SelectionId: aws.String(s.ID), CreationDate: timePtr(s.CreationDate), BackupSelection: &sel}
	if s.CreatorRequestId != "" {
		out.CreatorRequestId = aws.String(s.CreatorRequestId)
	}
	return out, nil
}

func deleteBackupSelection(c *opCtx, in *awsbackup.DeleteBackupSelectionInput) (*struct{}, error) {
	p, s, err := c.selectionOf(in.BackupPlanId, in.SelectionId)
	if err != nil {
		return nil, err
	}
	delete(p.Selections, s.ID)
	return nil, nil
}

func listBackupSelections(c *opCtx, in *awsbackup.ListBackupSelectionsInput) (*awsbackup.ListBackupSelectionsOutput, error) {
	p, err := c.livePlanOf(in.BackupPlanId)
	if err != nil {
		return nil, err
	}
	sels := make([]*selection, 0, len(p.Selections))
	for _, s := range p.Selections {
		sels = append(sels, s)
	}
	sort.Slice(sels, func(i, j int) bool {
		if !sels[i].CreationDate.Equal(sels[j].CreationDate) {
			return sels[i].CreationDate.Before(sels[j].CreationDate)
		}
		return sels[i].ID < sels[j].ID
	})
	pg, next, err := page(sels, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListBackupSelectionsOutput{BackupSelectionsList: make([]types.BackupSelectionsListMember, 0, len(pg)), NextToken: next}
	for _, s := range pg {
		m := types.BackupSelectionsListMember{
			BackupPlanId:  aws.String(p.ID),
			SelectionId:   aws.String(s.ID),
			SelectionName: aws.String(aws.ToString(s.Selection.SelectionName)),
			IamRoleArn:    aws.String(aws.ToString(s.Selection.IamRoleArn)),
			CreationDate:  timePtr(s.CreationDate),
		}
		if s.CreatorRequestId != "" {
			m.CreatorRequestId = aws.String(s.CreatorRequestId)
		}
		out.BackupSelectionsList = append(out.BackupSelectionsList, m)
	}
	return out, nil
}
