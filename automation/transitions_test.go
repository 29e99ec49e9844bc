package automation_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/internal/sfnlocal"
)

// pricePerTransition is Step Functions Standard's public price in
// us-east-1: $0.025 per 1,000 state transitions.
const pricePerTransition = 0.025 / 1000

// TestTransitionsPerTarget counts, on the interpreter, the state
// transitions one drilled target costs for restores of 1 minute, 1 hour
// and 6 hours (the emulator's manual clock moves by each retry delay the
// poll makes): at most 15 fixed transitions plus one per poll cycle (the
// "Wait for restore job" state entered once, then retried — each retry is
// one billed transition), with poll cycles growing logarithmically up to
// MaxDelay and linearly after it (Poll.Cycles, TestPollCyclesGrowth).
func TestTransitionsPerTarget(t *testing.T) {
	t.Parallel()
	poll := automation.Poll{}
	for _, d := range []time.Duration{time.Minute, time.Hour, 6 * time.Hour} {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			clock := backuptest.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
			w := newWorld(t, func(o *backuptest.Options) { o.Clock, o.JobDuration = clock, d })
			w.seed(t, func() { clock.Advance(d + time.Minute) }, demoResources("tr")[0])
			def := render(t, automation.DrillMachine)
			name := "drill-tr-" + d.String()
			res := w.run(t, def, name, function.DrillInput{Vault: testVault, AllInVault: true, IAMRoleARN: testRole}, func(c *sfnlocal.Config) {
				c.AdvanceClock, c.ClockRetries = true, []string{function.ErrorJobRunning}
			})
			require.Empty(t, res.ErrorName, res.ErrorMessage)
			rep := w.report(t, name)
			require.True(t, rep.Passed, "%+v", rep.Summary)
			assert.InDelta(t, d.Seconds(), rep.Targets[0].RTORestoreSeconds, 1, "AWS's restore time is the job duration")

			perTarget := res.Transitions()[0]
			require.Equal(t, 1, res.Entered(automation.StateRestoreJob))
			cycles := res.Entered(automation.StateRestoreJob) + res.Retried(automation.StateRestoreJob)
			assert.Equal(t, poll.Cycles(d), cycles, "poll cycles")
			fixed := perTarget - cycles
			assert.LessOrEqual(t, fixed, 15, "fixed transitions per target")
			assert.LessOrEqual(t, perTarget, 15+cycles)
			t.Logf("FIGURE restore %-6s: %3d transitions per target (%d fixed + %d poll cycles × 1), $%.6f per target; %d per execution outside the Map",
				d, perTarget, fixed, cycles, float64(perTarget)*pricePerTransition, res.Transitions()[-1])
		})
	}
}
