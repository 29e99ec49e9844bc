package backuptest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/problem"
	bsel "github.com/backupkit/backupkit/internal/selection"
)

// The AWS rules the emulator shares with the library live in internal/
// (cron, selection, lifecycle, limits, restoremeta). This file turns their
// problems into AWS's error answers and the SDK's shapes into their inputs.

// problemErr answers the first of ps the way AWS does: its Kind picks the
// error code, and the message names the field under prefix. nil when ps is
// empty.
func problemErr(prefix string, ps problem.List) error {
	if len(ps) == 0 {
		return nil
	}
	p := ps[0]
	field := problem.Join(prefix, p.Field)
	switch p.Kind {
	case problem.Missing:
		return missingParam(field)
	case problem.Limit:
		return apiErr(CodeLimitExceeded, "%s: %s", field, p.Reason)
	}
	return invalidParam("%s: %s", field, p.Reason)
}

// selectionRule reads a backup selection as the shared selection rule does.
// Conditions come in AWS's grouped order, each named by its wire path.
func selectionRule(s *types.BackupSelection) bsel.Selection {
	out := bsel.Selection{Resources: s.Resources, NotResources: s.NotResources}
	for _, t := range s.ListOfTags {
		out.ListOfTags = append(out.ListOfTags, bsel.Tag{Key: aws.ToString(t.ConditionKey), Value: aws.ToString(t.ConditionValue)})
	}
	for _, g := range conditionGroups(s.Conditions) {
		for i, c := range g.items {
			out.Conditions = append(out.Conditions, bsel.Condition{Op: g.op, Key: aws.ToString(c.ConditionKey), Value: aws.ToString(c.ConditionValue)})
			out.ConditionFields = append(out.ConditionFields, problem.Index("Conditions."+string(g.op), i))
		}
	}
	return out
}

type conditionGroup struct {
	op    bsel.Op
	items []types.ConditionParameter
}

// conditionGroups lists a selection's Conditions by operator, in the order
// AWS returns them.
func conditionGroups(cs *types.Conditions) []conditionGroup {
	if cs == nil {
		return nil
	}
	return []conditionGroup{{bsel.StringEquals, cs.StringEquals}, {bsel.StringNotEquals, cs.StringNotEquals},
		{bsel.StringLike, cs.StringLike}, {bsel.StringNotLike, cs.StringNotLike}}
}
