package restore

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/selection"
)

// Selection picks drill targets among the resources with recovery points
// in Drill.Vault, by AWS Backup's selection rule: a resource matches when
// it matches any of Resources (ARN patterns) or any of Tags
// (STRINGEQUALS, OR-ed), and none of NotResources. With neither Resources
// nor Tags every resource matches. Match, when set, decides alone (pass
// a plan selection's Matches method to get its full semantics).
type Selection struct {
	// Resources are ARN patterns, as in a backup selection: '*' stands
	// for the whole Region or account, the rest of the ARN at its end, or
	// everything after the service ("arn:aws:rds:*").
	Resources []string
	// NotResources are ARN patterns to exclude.
	NotResources []string
	// Tags are key → value conditions, OR-ed.
	Tags map[string]string
	// Match overrides the rules above.
	Match func(resourceARN string, tags map[string]string) bool
}

func (s *Selection) needsTags() bool { return s.Match != nil || len(s.Tags) > 0 }

// matches applies AWS Backup's selection rule (internal/selection): the
// one the emulator assigns plans with.
func (s *Selection) matches(resourceARN string, tags map[string]string) bool {
	if s.Match != nil {
		return s.Match(resourceARN, tags)
	}
	sel := selection.Selection{Resources: s.Resources, NotResources: s.NotResources}
	for _, k := range slices.Sorted(maps.Keys(s.Tags)) {
		sel.ListOfTags = append(sel.ListOfTags, selection.Tag{Key: k, Value: s.Tags[k]})
	}
	return sel.Matches(resourceARN, tags)
}

// resolveTargets lists the vault's recovery points (once) and builds the
// deduplicated target list with resource types filled in.
func (c *Client) resolveTargets(ctx context.Context, r *drillRun) ([]Target, error) {
	d := r.d
	if d.Vault != "" {
		if err := c.indexVault(ctx, r); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var out []Target
	add := func(t Target) {
		if seen[t.ResourceARN] {
			return
		}
		seen[t.ResourceARN] = true
		if t.ResourceType == "" {
			if rp, ok := r.vaultRPs[t.ResourceARN]; ok && rp.ResourceType != nil {
				t.ResourceType = backup.ResourceType(*rp.ResourceType)
			} else if typ, err := backup.ResourceTypeFromARN(t.ResourceARN); err == nil {
				t.ResourceType = typ
			}
		}
		out = append(out, t)
	}
	for _, t := range d.Targets {
		add(t)
	}
	if d.AllInVault || d.Selection != nil {
		arns := slices.Sorted(maps.Keys(r.vaultRPs))
		for _, a := range arns {
			rp := r.vaultRPs[a]
			if d.Selection != nil && !d.AllInVault {
				var tags map[string]string
				if d.Selection.needsTags() {
					h := r.handlers[backup.ResourceType(aws.ToString(rp.ResourceType))]
					if h == nil {
						continue
					}
					t, err := h.Tags(ctx, a)
					if err != nil {
						c.opts.Logger.WarnContext(ctx, "cannot read tags; resource not selected", "resource", a, "err", err)
						continue
					}
					tags = t
				}
				if !d.Selection.matches(a, tags) {
					continue
				}
			}
			add(Target{ResourceARN: a, ResourceType: backup.ResourceType(aws.ToString(rp.ResourceType))})
		}
	}
	return out, nil
}

func (c *Client) indexVault(ctx context.Context, r *drillRun) error {
	r.vaultRPs = map[string]types.RecoveryPointByBackupVault{}
	f := backup.RecoveryPointFilter{Status: types.RecoveryPointStatusCompleted, PageSize: 1000}
	for rp, err := range backup.RecoveryPoints(ctx, c.api, r.d.Vault, f) {
		if err != nil {
			return err
		}
		if rp.ResourceArn == nil {
			continue
		}
		cur, ok := r.vaultRPs[*rp.ResourceArn]
		if !ok || aws.ToTime(rp.CreationDate).After(aws.ToTime(cur.CreationDate)) {
			r.vaultRPs[*rp.ResourceArn] = rp
		}
	}
	return nil
}

func (c *Client) selectPoint(ctx context.Context, r *drillRun, tr *targetRun) error {
	if rp, ok := r.vaultRPs[tr.t.ResourceARN]; ok && (tr.t.RecoveryPointARN == "" || tr.t.RecoveryPointARN == aws.ToString(rp.RecoveryPointArn)) {
		tr.res.RecoveryPointARN = aws.ToString(rp.RecoveryPointArn)
		tr.res.RecoveryPointCreated = aws.ToTime(rp.CreationDate)
		tr.vault = aws.ToString(rp.BackupVaultName)
		return nil
	}
	var best *types.RecoveryPointByResource
	for rp, err := range backup.ResourceRecoveryPoints(ctx, c.api, tr.t.ResourceARN) {
		if err != nil {
			return err
		}
		if tr.t.RecoveryPointARN != "" {
			if aws.ToString(rp.RecoveryPointArn) == tr.t.RecoveryPointARN {
				best = &rp
				break
			}
			continue
		}
		if rp.Status != types.RecoveryPointStatusCompleted || (r.d.Vault != "" && aws.ToString(rp.BackupVaultName) != r.d.Vault) {
			continue
		}
		if best == nil || aws.ToTime(rp.CreationDate).After(aws.ToTime(best.CreationDate)) {
			best = &rp
		}
	}
	if best == nil {
		if tr.t.RecoveryPointARN != "" {
			return fmt.Errorf("recovery point %s of %s: %w", tr.t.RecoveryPointARN, tr.t.ResourceARN, ErrNoRecoveryPoint)
		}
		return fmt.Errorf("%s: %w", tr.t.ResourceARN, ErrNoRecoveryPoint)
	}
	tr.res.RecoveryPointARN = aws.ToString(best.RecoveryPointArn)
	tr.res.RecoveryPointCreated = aws.ToTime(best.CreationDate)
	tr.vault = aws.ToString(best.BackupVaultName)
	return nil
}
