package vault

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
)

// ErrNotEmpty is wrapped by Delete when the vault still holds recovery
// points: either emptying was not requested, or some points had to stay.
var ErrNotEmpty = errors.New("vault is not empty")

// DeleteOptions configures Delete.
type DeleteOptions struct {
	// Empty deletes the vault's recovery points first. Points under a
	// legal hold, points a Vault Lock still protects and points that are
	// not in a deletable state are kept and reported.
	Empty bool
}

// Retained is a recovery point Delete left in place, and why.
type Retained struct {
	RecoveryPointARN string
	ResourceARN      string
	Reason           string
}

// DeleteReport says what Delete did.
type DeleteReport struct {
	Vault        string
	Deleted      []string   // recovery point ARNs deleted
	Retained     []Retained // recovery points kept
	VaultDeleted bool
}

// Delete deletes a vault. A vault with recovery points is refused (an
// error wrapping ErrNotEmpty) unless o.Empty is set; then Delete deletes
// only recovery points it enumerated from this vault, never one under an
// active legal hold or still protected by the vault's lock (younger than
// its minimum retention or with a lifecycle deletion date in the future),
// reports every point it kept, and deletes the vault only if nothing
// stayed. The report is returned with any error.
func (c *Client) Delete(ctx context.Context, name string, optFns ...func(*DeleteOptions)) (*DeleteReport, error) {
	var o DeleteOptions
	for _, fn := range optFns {
		fn(&o)
	}
	rep := &DeleteReport{Vault: name}
	info, err := c.Describe(ctx, name)
	if err != nil {
		return rep, fmt.Errorf("delete vault: %w", err)
	}
	points, err := c.listPoints(ctx, name)
	if err != nil {
		return rep, fmt.Errorf("delete vault %s: %w", name, err)
	}
	if len(points) > 0 || info.NumberOfRecoveryPoints > 0 {
		if !o.Empty {
			return rep, fmt.Errorf("delete vault %s: %w: %d recovery points (use Empty to delete them first)", name, ErrNotEmpty, max(int64(len(points)), info.NumberOfRecoveryPoints))
		}
		held, err := c.heldPoints(ctx)
		if err != nil {
			return rep, fmt.Errorf("delete vault %s: check legal holds: %w", name, err)
		}
		now := c.opts.Now()
		for _, rp := range points {
			rpARN := aws.ToString(rp.RecoveryPointArn)
			keep := func(reason string) {
				rep.Retained = append(rep.Retained, Retained{RecoveryPointARN: rpARN, ResourceARN: aws.ToString(rp.ResourceArn), Reason: reason})
			}
			if v := aws.ToString(rp.BackupVaultName); v != "" && v != name {
				keep(fmt.Sprintf("listed with vault %q, not %q", v, name))
				continue
			}
			if ids := held[rpARN]; len(ids) > 0 {
				keep(fmt.Sprintf("under legal hold %v", ids))
				continue
			}
			if reason := lockReason(info, &rp, now); reason != "" {
				keep(reason)
				continue
			}
			switch rp.Status {
			case types.RecoveryPointStatusCompleted, types.RecoveryPointStatusPartial, types.RecoveryPointStatusExpired,
				types.RecoveryPointStatusAvailable, types.RecoveryPointStatusStopped:
			default:
				keep(fmt.Sprintf("status %s", rp.Status))
				continue
			}
			_, err := c.api.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String(name), RecoveryPointArn: aws.String(rpARN)})
			switch {
			case err == nil:
				rep.Deleted = append(rep.Deleted, rpARN)
			case backup.IsNotFound(err):
				// Gone already (expired meanwhile): nothing to keep.
			case backup.IsInvalidState(err) || backup.IsInvalidParameter(err) || backup.IsConflict(err):
				keep("AWS refused deletion: " + err.Error())
			default:
				return rep, fmt.Errorf("delete vault %s: delete recovery point %s: %w", name, rpARN, err)
			}
		}
		if len(rep.Retained) > 0 {
			return rep, fmt.Errorf("delete vault %s: %w: kept %d recovery points", name, ErrNotEmpty, len(rep.Retained))
		}
	}
	for attempt := 0; ; attempt++ {
		_, err := c.api.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String(name)})
		if err == nil {
			rep.VaultDeleted = true
			return rep, nil
		}
		// Deleted points can take a moment to disappear.
		if !(backup.IsInvalidState(err) && len(rep.Deleted) > 0) || attempt+1 >= c.opts.EmptyPollAttempts {
			return rep, fmt.Errorf("delete vault %s: %w", name, err)
		}
		if err := c.opts.Sleep(ctx, c.opts.EmptyPollInterval); err != nil {
			return rep, fmt.Errorf("delete vault %s: %w", name, err)
		}
	}
}

func (c *Client) listPoints(ctx context.Context, name string) ([]types.RecoveryPointByBackupVault, error) {
	var all []types.RecoveryPointByBackupVault
	for rp, err := range backup.RecoveryPoints(ctx, c.api, name, backup.RecoveryPointFilter{}) {
		if err != nil {
			return nil, err
		}
		all = append(all, rp)
	}
	return all, nil
}

// heldPoints maps recovery point ARNs to the ids of the legal holds that
// are not canceled and cover them.
func (c *Client) heldPoints(ctx context.Context) (map[string][]string, error) {
	held := map[string][]string{}
	p := awsbackup.NewListLegalHoldsPaginator(c.api, &awsbackup.ListLegalHoldsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, h := range out.LegalHolds {
			if h.Status == types.LegalHoldStatusCanceled {
				continue
			}
			id := aws.ToString(h.LegalHoldId)
			pp := awsbackup.NewListRecoveryPointsByLegalHoldPaginator(c.api, &awsbackup.ListRecoveryPointsByLegalHoldInput{LegalHoldId: aws.String(id)})
			for pp.HasMorePages() {
				page, err := pp.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				for _, m := range page.RecoveryPoints {
					a := aws.ToString(m.RecoveryPointArn)
					held[a] = append(held[a], id)
				}
			}
		}
	}
	return held, nil
}

// lockReason says why the vault's lock still protects rp, or "" when it
// does not. Conservative: in a vault with any lock or air-gapped retention,
// a point younger than the minimum retention or whose calculated deletion
// date lies in the future is kept.
func lockReason(info *Info, rp *types.RecoveryPointByBackupVault, now time.Time) string {
	if !info.HasLock() {
		return ""
	}
	created := aws.ToTime(rp.CreationDate)
	if info.MinRetention > 0 && now.Sub(created) < info.MinRetention {
		return fmt.Sprintf("vault lock minimum retention %d days not reached (created %s)", info.MinRetention/backup.Day, created.UTC().Format(time.RFC3339))
	}
	if rp.CalculatedLifecycle != nil && rp.CalculatedLifecycle.DeleteAt != nil && rp.CalculatedLifecycle.DeleteAt.After(now) {
		return fmt.Sprintf("vault lock protects it until its retention ends %s", rp.CalculatedLifecycle.DeleteAt.UTC().Format(time.RFC3339))
	}
	return ""
}
