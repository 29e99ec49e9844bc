package restore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/backupkit/backupkit/backup"
)

// Restored describes a restored resource to a Validator.
type Restored struct {
	// DrillID is the drill's id.
	DrillID string
	// SourceARN is the protected resource that was restored.
	SourceARN string
	// ResourceType is its AWS Backup type.
	ResourceType backup.ResourceType
	// RecoveryPointARN is the recovery point restored.
	RecoveryPointARN string
	// RestoreJobID is the restore job.
	RestoreJobID string
	// CreatedResourceARN is the restored resource.
	CreatedResourceARN string
}

// Validator checks a restored resource, e.g. with a SQL query. Return a
// *ValidationFailedError (or any error) when it is not usable.
type Validator interface {
	Validate(ctx context.Context, r Restored) error
}

// ValidatorFunc adapts a function to Validator.
type ValidatorFunc func(ctx context.Context, r Restored) error

// Validate implements Validator.
func (f ValidatorFunc) Validate(ctx context.Context, r Restored) error { return f(ctx, r) }

func (c *Client) validate(ctx context.Context, r *drillRun, tr *targetRun) error {
	err := c.validateResource(ctx, r, tr)
	put := r.validationOutcome(tr, err)
	if put == nil {
		return err
	}
	if _, perr := c.api.PutRestoreValidationResult(ctx, put); perr != nil {
		c.opts.Logger.WarnContext(ctx, "cannot report validation result to AWS Backup", "job", tr.jobID, "err", perr)
		tr.res.Notes = append(tr.res.Notes, "PutRestoreValidationResult: "+perr.Error())
	}
	return err
}

func (c *Client) validateResource(ctx context.Context, r *drillRun, tr *targetRun) error {
	deadline := c.opts.Now().Add(c.opts.MaxWait)
	for {
		err := c.validateOnce(ctx, r, tr)
		if !errors.Is(err, ErrNotReady) || c.opts.Now().After(deadline) {
			return err
		}
		if err := c.opts.Sleep(ctx, c.opts.DeletePollInterval); err != nil {
			return err
		}
	}
}

// validateOnce checks the restored resource once with its type's handler
// (which returns ErrNotReady while it is transitioning), then runs the
// drill's and the target's validators.
func (c *Client) validateOnce(ctx context.Context, r *drillRun, tr *targetRun) error {
	if err := tr.h.Validate(ctx, tr.created, tr.t.ResourceARN); err != nil {
		return err
	}
	rs := Restored{DrillID: r.d.ID, SourceARN: tr.t.ResourceARN, ResourceType: tr.t.ResourceType,
		RecoveryPointARN: tr.res.RecoveryPointARN, RestoreJobID: tr.jobID, CreatedResourceARN: tr.created}
	for _, v := range slices.Concat(r.d.Validators, tr.t.Validators) {
		if err := runValidator(ctx, v, rs); err != nil {
			var vf *ValidationFailedError
			if errors.As(err, &vf) {
				return err
			}
			return &ValidationFailedError{ResourceARN: tr.created, Reason: err.Error()}
		}
	}
	return nil
}

// runValidator runs v, turning a panic into a validation failure.
func runValidator(ctx context.Context, v Validator, rs Restored) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("validator panic: %v", p)
		}
	}()
	return v.Validate(ctx, rs)
}
