package backup

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// ListRecoveryPointsAPI is the client call the recovery point iterators use.
type ListRecoveryPointsAPI interface {
	ListRecoveryPointsByBackupVault(context.Context, *awsbackup.ListRecoveryPointsByBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
}

var _ ListRecoveryPointsAPI = (*awsbackup.Client)(nil)

// RecoveryPointFilter narrows a recovery point listing. Zero fields do not
// filter. Filters are sent to AWS (By… parameters) and also applied to
// every returned point, so the result is exact even where the service
// filters loosely.
type RecoveryPointFilter struct {
	ResourceType  ResourceType
	ResourceARN   string
	CreatedAfter  time.Time // points created at or after
	CreatedBefore time.Time // points created strictly before
	BackupPlanID  string
	// Status keeps only points in this status (e.g. COMPLETED); this one
	// is applied locally only.
	Status types.RecoveryPointStatus
	// PageSize is MaxResults per call (1–1000); 0 lets AWS choose.
	PageSize int32
	// VaultAccountID lists a vault shared from another account
	// (BackupVaultAccountId), e.g. a logically air-gapped vault.
	VaultAccountID string
}

func (f *RecoveryPointFilter) validate() error {
	var errs []error
	if f.ResourceType != "" && !f.ResourceType.Valid() {
		errs = append(errs, &ValidationError{Field: "ResourceType", Reason: "unknown resource type"})
	}
	if f.PageSize < 0 || f.PageSize > 1000 {
		errs = append(errs, &ValidationError{Field: "PageSize", Reason: "must be within 1..1000"})
	}
	if !f.CreatedAfter.IsZero() && !f.CreatedBefore.IsZero() && !f.CreatedAfter.Before(f.CreatedBefore) {
		errs = append(errs, &ValidationError{Field: "CreatedAfter", Reason: "must be before CreatedBefore"})
	}
	return errors.Join(errs...)
}

func (f *RecoveryPointFilter) input(vault string) *awsbackup.ListRecoveryPointsByBackupVaultInput {
	in := &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault)}
	if f.ResourceType != "" {
		in.ByResourceType = aws.String(string(f.ResourceType))
	}
	if f.ResourceARN != "" {
		in.ByResourceArn = aws.String(f.ResourceARN)
	}
	if !f.CreatedAfter.IsZero() {
		in.ByCreatedAfter = aws.Time(f.CreatedAfter)
	}
	if !f.CreatedBefore.IsZero() {
		in.ByCreatedBefore = aws.Time(f.CreatedBefore)
	}
	if f.BackupPlanID != "" {
		in.ByBackupPlanId = aws.String(f.BackupPlanID)
	}
	if f.PageSize > 0 {
		in.MaxResults = aws.Int32(f.PageSize)
	}
	if f.VaultAccountID != "" {
		in.BackupVaultAccountId = aws.String(f.VaultAccountID)
	}
	return in
}

func (f *RecoveryPointFilter) match(rp *types.RecoveryPointByBackupVault) bool {
	if f.ResourceType != "" && aws.ToString(rp.ResourceType) != string(f.ResourceType) {
		return false
	}
	if f.ResourceARN != "" && aws.ToString(rp.ResourceArn) != f.ResourceARN {
		return false
	}
	if f.Status != "" && rp.Status != f.Status {
		return false
	}
	created := aws.ToTime(rp.CreationDate)
	if !f.CreatedAfter.IsZero() && created.Before(f.CreatedAfter) {
		return false
	}
	if !f.CreatedBefore.IsZero() && !created.Before(f.CreatedBefore) {
		return false
	}
	return true
}

// RecoveryPoints iterates over the recovery points of a vault, one page in
// memory at a time, following ListRecoveryPointsByBackupVault pages with
// the SDK paginator. An error ends the iteration after being yielded once.
// Stopping the loop early stops paging.
func RecoveryPoints(ctx context.Context, api ListRecoveryPointsAPI, vaultName string, f RecoveryPointFilter) iter.Seq2[types.RecoveryPointByBackupVault, error] {
	return func(yield func(types.RecoveryPointByBackupVault, error) bool) {
		if err := f.validate(); err != nil {
			yield(types.RecoveryPointByBackupVault{}, fmt.Errorf("list recovery points in %s: %w", vaultName, err))
			return
		}
		p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, f.input(vaultName))
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				yield(types.RecoveryPointByBackupVault{}, fmt.Errorf("list recovery points in %s: %w", vaultName, err))
				return
			}
			for i := range out.RecoveryPoints {
				if !f.match(&out.RecoveryPoints[i]) {
					continue
				}
				if !yield(out.RecoveryPoints[i], nil) {
					return
				}
			}
		}
	}
}

// ListRecoveryPointsByResourceAPI is the client call ResourceRecoveryPoints
// uses.
type ListRecoveryPointsByResourceAPI interface {
	ListRecoveryPointsByResource(context.Context, *awsbackup.ListRecoveryPointsByResourceInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByResourceOutput, error)
}

var _ ListRecoveryPointsByResourceAPI = (*awsbackup.Client)(nil)

// ResourceRecoveryPoints iterates over the recovery points of one resource
// in every vault of the account and Region (ListRecoveryPointsByResource
// pages, with the SDK paginator). An error ends the iteration after being
// yielded once; stopping the loop early stops paging.
func ResourceRecoveryPoints(ctx context.Context, api ListRecoveryPointsByResourceAPI, resourceARN string) iter.Seq2[types.RecoveryPointByResource, error] {
	return func(yield func(types.RecoveryPointByResource, error) bool) {
		if resourceARN == "" {
			yield(types.RecoveryPointByResource{}, fmt.Errorf("list recovery points: %w", &ValidationError{Field: "ResourceARN", Reason: "is required"}))
			return
		}
		p := awsbackup.NewListRecoveryPointsByResourcePaginator(api, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(resourceARN)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				yield(types.RecoveryPointByResource{}, fmt.Errorf("list recovery points of %s: %w", resourceARN, err))
				return
			}
			for _, rp := range out.RecoveryPoints {
				if !yield(rp, nil) {
					return
				}
			}
		}
	}
}

// RecoveryPoints iterates over a vault's recovery points; see the
// package-level RecoveryPoints.
func (c *Client) RecoveryPoints(ctx context.Context, vaultName string, f RecoveryPointFilter) iter.Seq2[types.RecoveryPointByBackupVault, error] {
	return RecoveryPoints(ctx, c.api, vaultName, f)
}

// LatestRecoveryPoints returns, per resource ARN, the most recently created
// COMPLETED recovery point in the vault that matches f (f.Status is
// ignored).
func (c *Client) LatestRecoveryPoints(ctx context.Context, vaultName string, f RecoveryPointFilter) (map[string]types.RecoveryPointByBackupVault, error) {
	f.Status = types.RecoveryPointStatusCompleted
	latest := map[string]types.RecoveryPointByBackupVault{}
	for rp, err := range c.RecoveryPoints(ctx, vaultName, f) {
		if err != nil {
			return nil, err
		}
		key := aws.ToString(rp.ResourceArn)
		if cur, ok := latest[key]; !ok || aws.ToTime(rp.CreationDate).After(aws.ToTime(cur.CreationDate)) {
			latest[key] = rp
		}
	}
	return latest, nil
}

// UpdateRecoveryPointLifecycle changes when a recovery point moves to cold
// storage and is deleted, returning the dates AWS calculated. AWS refuses
// to shorten retention below a vault lock's minimum.
func (c *Client) UpdateRecoveryPointLifecycle(ctx context.Context, vaultName, recoveryPointARN string, l Lifecycle) (*types.CalculatedLifecycle, error) {
	if err := l.Validate("Lifecycle"); err != nil {
		return nil, fmt.Errorf("update lifecycle of %s: %w", recoveryPointARN, err)
	}
	out, err := c.api.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{
		BackupVaultName:  aws.String(vaultName),
		RecoveryPointArn: aws.String(recoveryPointARN),
		Lifecycle:        l.SDK(),
	})
	if err != nil {
		return nil, fmt.Errorf("update lifecycle of %s: %w", recoveryPointARN, err)
	}
	return out.CalculatedLifecycle, nil
}

// DeleteRecoveryPoint deletes one recovery point from a vault. AWS refuses
// (InvalidResourceStateException) points under a vault lock's minimum
// retention or a legal hold.
func (c *Client) DeleteRecoveryPoint(ctx context.Context, vaultName, recoveryPointARN string) error {
	_, err := c.api.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{
		BackupVaultName:  aws.String(vaultName),
		RecoveryPointArn: aws.String(recoveryPointARN),
	})
	if err != nil {
		return fmt.Errorf("delete recovery point %s: %w", recoveryPointARN, err)
	}
	return nil
}
