package restore

import (
	"context"
	"errors"
	"fmt"
)

// cleanup deletes what tr's restore job created, on a context detached
// from the drill's (so it also runs after cancellation), guarded by the
// job's CreatedResourceArn and the drill tag.
func (c *Client) cleanup(parent context.Context, r *drillRun, tr *targetRun) {
	if tr.jobID == "" && tr.pending == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), c.opts.CleanupTimeout)
	defer cancel()
	if tr.jobID == "" {
		// The same idempotency token returns the job if it was created,
		// or starts it now so that it can be cleaned up like any other.
		id, err := tr.pending(ctx)
		if err != nil {
			unknownRestoreLeft(r, tr, err)
			return
		}
		tr.jobID, tr.res.RestoreJobID = id, id
	}
	defer func() {
		if p := recover(); p != nil {
			tr.res.Cleanup = Left
			tr.res.fail(fmt.Errorf("cleanup panic: %v", p))
			if tr.created != "" {
				tr.res.LeftBehind = []string{tr.created}
			}
		}
	}()
	_ = c.phase(ctx, r, tr, PhaseCleanup, func() error {
		err := c.cleanupResource(ctx, r, tr)
		if err != nil {
			tr.res.Cleanup = Left
			if tr.created != "" {
				tr.res.LeftBehind = []string{tr.created}
			} else {
				tr.res.LeftBehind = []string{"unknown: what restore job " + tr.jobID + " created"}
			}
			tr.res.fail(fmt.Errorf("cleanup: %w", err))
		}
		return err
	})
}

func (c *Client) cleanupResource(ctx context.Context, r *drillRun, tr *targetRun) error {
	if tr.job == nil {
		// The wait was interrupted: learn the outcome of our own job.
		job, err := c.Wait(ctx, tr.jobID, c.opts.CleanupTimeout)
		if job == nil {
			return fmt.Errorf("restore job %s: %w", tr.jobID, err)
		}
		tr.job = job
		if tr.created == "" {
			tr.created = job.CreatedResourceARN
			tr.res.CreatedResourceARN = job.CreatedResourceARN
		}
	}
	if tr.created != "" && keepsRestored(tr) {
		return nil
	}
	// A failed delete (a throttled call, an outage) is tried again until
	// CleanupTimeout; only a resource that is not the drill's stops it.
	started, err := c.deleteOwn(ctx, r, tr)
	for err != nil && !errors.Is(err, ErrNotDrillOutput) && !errors.Is(err, ErrNoHandler) {
		if serr := c.opts.Sleep(ctx, c.opts.DeletePollInterval); serr != nil {
			return err
		}
		started, err = c.deleteOwn(ctx, r, tr)
	}
	if err != nil || !started {
		return err
	}
	// Deleted only once the service says the resource is gone.
	for {
		_, err := tr.h.Tags(ctx, tr.created)
		if errors.Is(err, ErrNotFound) {
			tr.res.Cleanup = Deleted
			return nil
		}
		if serr := c.opts.Sleep(ctx, c.opts.DeletePollInterval); serr != nil {
			if err != nil {
				return fmt.Errorf("cannot confirm %s is deleted: %w", tr.created, err)
			}
			return fmt.Errorf("%s still exists: %w", tr.created, serr)
		}
	}
}

// unknownRestoreLeft records that a restore may have started that nobody
// will clean up (its start could not be confirmed after a cancel): never
// report that as nothing left behind.
func unknownRestoreLeft(r *drillRun, tr *targetRun, err error) {
	tr.res.Cleanup = Left
	tr.res.LeftBehind = []string{fmt.Sprintf("unknown: a restore of %s may have started (idempotency token %s)",
		tr.res.RecoveryPointARN, r.restoreStartOptions(tr).IdempotencyToken)}
	tr.res.fail(fmt.Errorf("cleanup: cannot learn whether the restore job started: %w", err))
}

// deleteOwn deletes the resource tr's restore job created: only that
// resource. The job's CreatedResourceArn proves the drill created it, so
// it is deleted even when its tags cannot be read or set (an error on the
// resource service's side must not leave it behind, and a resource that
// looks gone is deleted all the same, a no-op, to be confirmed by the
// caller); only another drill's tag stops the deletion. It returns false
// when nothing was created (Cleanup says so) and true once the deletion
// started.
func (c *Client) deleteOwn(ctx context.Context, r *drillRun, tr *targetRun) (bool, error) {
	if tr.job.CreatedResourceARN == "" {
		tr.res.Cleanup = Skipped // nothing was created
		return false, nil
	}
	if tr.created != tr.job.CreatedResourceARN {
		return false, fmt.Errorf("%w: %s is not restore job %s's created resource %s", ErrNotDrillOutput, tr.created, tr.jobID, tr.job.CreatedResourceARN)
	}
	if tr.h == nil {
		return false, fmt.Errorf("%w %q", ErrNoHandler, tr.t.ResourceType)
	}
	tags, err := tr.h.Tags(ctx, tr.created)
	var readErr error
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		readErr = err
	case tags[DrillTagKey] == "" && !tr.tagged:
		// Created by our job but the drill stopped before tagging it.
		if err := tr.h.Tag(ctx, tr.created, map[string]string{DrillTagKey: r.d.ID, DrillSourceTagKey: tr.t.ResourceARN}); err == nil {
			tr.tagged = true
		}
	case tags[DrillTagKey] != r.d.ID:
		return false, fmt.Errorf("%w: %s has %s=%q; want %q", ErrNotDrillOutput, tr.created, DrillTagKey, tags[DrillTagKey], r.d.ID)
	}
	if err := tr.h.Delete(ctx, tr.created); err != nil {
		return false, errors.Join(err, readErr)
	}
	return true, nil
}
