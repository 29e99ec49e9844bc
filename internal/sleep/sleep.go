// Package sleep is the one context-aware wait of backupkit: the default
// behind every Sleep seam (backup waiters, vault, compliance, restore) and
// the emulator's injected latency. Tests replace the seams with a manual
// clock (backuptest.ManualClock.Sleep) and never wait for real.
package sleep

import (
	"context"
	"time"
)

// For waits d or until ctx is done, returning ctx's error in that case.
// d ≤ 0 returns at once (with ctx's error, if any).
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
