package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/plan"
)

// vaultDescriber is the call missingVaults needs.
type vaultDescriber interface {
	DescribeBackupVault(context.Context, *awsbackup.DescribeBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupVaultOutput, error)
}

// missingVaults returns one line per rule whose target vault does not
// exist. AWS accepts such a plan, and its jobs fail when they run (the
// emulator does the same; plan/testdata/corpus/ok-vault-not-created-yet),
// so diff says so and apply stops before changing anything: a plan whose
// every backup would fail is never what the user meant.
func missingVaults(ctx context.Context, api vaultDescriber, specs []plan.Spec) ([]string, error) {
	exists := map[string]bool{}
	var missing []string
	for _, sp := range specs {
		for _, r := range sp.Plan.Rules {
			v := r.TargetVault
			if v == "" {
				continue
			}
			ok, seen := exists[v]
			if !seen {
				_, err := api.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(v)})
				var nf *types.ResourceNotFoundException
				switch {
				case err == nil:
					ok = true
				case errors.As(err, &nf):
					ok = false
				default:
					return nil, fmt.Errorf("describe backup vault %s: %w", v, err)
				}
				exists[v] = ok
			}
			if !ok {
				missing = append(missing, fmt.Sprintf("plan %s rule %s: target vault %s does not exist, so every backup of the rule would fail (create it first, e.g. aws backup create-backup-vault --backup-vault-name %s)", sp.Plan.Name, r.Name, v, v))
			}
		}
	}
	return missing, nil
}

// selectionChanges lists the fields of a selection that differ between
// live and desired, as "field: old -> new".
func selectionChanges(live, desired *plan.Selection) []string {
	var out []string
	list := func(name string, a, b []string) {
		if !slices.Equal(a, b) {
			out = append(out, fmt.Sprintf("%s: %s -> %s", name, listText(a), listText(b)))
		}
	}
	if live.IAMRole != desired.IAMRole {
		out = append(out, fmt.Sprintf("iamRole: %s -> %s", orNone(live.IAMRole), orNone(desired.IAMRole)))
	}
	list("resources", live.Resources, desired.Resources)
	list("notResources", live.NotResources, desired.NotResources)
	tags := func(ts []plan.TagCondition) []string {
		var s []string
		for _, t := range ts {
			s = append(s, t.Key+"="+t.Value)
		}
		return s
	}
	list("listOfTags", tags(live.ListOfTags), tags(desired.ListOfTags))
	conds := func(cs []plan.Condition) []string {
		var s []string
		for _, c := range cs {
			s = append(s, string(c.Op)+" "+c.Key+"="+c.Value)
		}
		return s
	}
	list("conditions", conds(live.Conditions), conds(desired.Conditions))
	return out
}

func listText(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
