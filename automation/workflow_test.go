package automation_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/sfnlocal"
)

func machines(t *testing.T, optFns ...func(*automation.Options)) map[string]*asl.StateMachine {
	t.Helper()
	out := map[string]*asl.StateMachine{}
	for name, fn := range map[string]func(...func(*automation.Options)) (*asl.StateMachine, error){
		"drill": automation.DrillMachine, "sweep": automation.SweepMachine, "remediate": automation.RemediateMachine,
	} {
		m, err := fn(optFns...)
		require.NoError(t, err, name)
		out[name] = m
	}
	return out
}

func TestMachinesPassASLValidator(t *testing.T) {
	t.Parallel()
	variants := map[string]func(*automation.Options){
		"defaults": func(*automation.Options) {},
		"concrete": func(o *automation.Options) {
			o.FunctionARN = "arn:aws:lambda:eu-west-1:111122223333:function:backupkit"
			o.TopicARN = "arn:aws:sns:eu-west-1:111122223333:drills"
			o.MaxConcurrency, o.ToleratedFailurePercentage = 10000, 100
		},
		"cross-account": func(o *automation.Options) { o.CrossAccount = true; o.NoToleratedFailures = true },
		"slow poll":     func(o *automation.Options) { o.Poll = automation.Poll{MinDelay: time.Minute, MaxDelay: time.Hour} },
	}
	defs := map[string][]byte{}
	for name, fn := range variants {
		for mname, m := range machines(t, fn) {
			b, err := m.JSON()
			require.NoError(t, err, mname)
			defs[name+"/"+mname] = b
		}
	}
	require.Len(t, defs, 12)
	assert.NoError(t, sfnlocal.Validate(t, defs))
}

func TestOptionsRefusedBeforeRendering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fn    func(*automation.Options)
		field string
	}{
		{"concurrency over 10,000", func(o *automation.Options) { o.MaxConcurrency = 10001 }, "MaxConcurrency"},
		{"concurrency negative", func(o *automation.Options) { o.MaxConcurrency = -1 }, "MaxConcurrency"},
		{"tolerated over 100", func(o *automation.Options) { o.ToleratedFailurePercentage = 101 }, "ToleratedFailurePercentage"},
		{"tolerated negative", func(o *automation.Options) { o.ToleratedFailurePercentage = -5 }, "ToleratedFailurePercentage"},
		{"sub-second delay", func(o *automation.Options) { o.Poll.MinDelay = 500 * time.Millisecond }, "Poll.MinDelay"},
		{"max below min", func(o *automation.Options) { o.Poll = automation.Poll{MinDelay: time.Minute, MaxDelay: time.Second} }, "Poll.MaxDelay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, fn := range []func(...func(*automation.Options)) (*asl.StateMachine, error){automation.DrillMachine, automation.SweepMachine, automation.RemediateMachine} {
				m, err := fn(tt.fn)
				require.Error(t, err)
				assert.Nil(t, m)
				var ve *backup.ValidationError
				require.True(t, errors.As(err, &ve), "%v", err)
				assert.Equal(t, tt.field, ve.Field)
			}
		})
	}
}

func TestPollDelaysAndCycles(t *testing.T) {
	t.Parallel()
	p := automation.Poll{}
	assert.Equal(t, []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 120 * time.Second}, p.Delays())
	// A describe right after the start, then after 5+10+20+40 = 75s ≥ 60s.
	assert.Equal(t, 5, p.Cycles(time.Minute))
	// 275s after six delays, then 120s each: 1h needs 1 + 6 + ceil((3600-275)/120) = 35.
	assert.Equal(t, 35, p.Cycles(time.Hour))
	assert.Equal(t, 1+6+(6*3600-275+119)/120, p.Cycles(6*time.Hour))
}

// TestPollInvalidTerminates: Delays and Cycles of delays that Check
// refuses still return.
func TestPollInvalidTerminates(t *testing.T) {
	t.Parallel()
	for _, p := range []automation.Poll{{MinDelay: -time.Second}, {MinDelay: -time.Second, MaxDelay: -time.Minute}, {MinDelay: time.Minute, MaxDelay: time.Second}} {
		assert.NotEmpty(t, p.Delays(), "%+v", p)
		assert.Positive(t, p.Cycles(time.Hour), "%+v", p)
	}
}

// TestPollCyclesGrowth: poll cycles grow at most logarithmically with the
// job's duration while the delays double (up to MaxDelay), then linearly,
// one per MaxDelay.
func TestPollCyclesGrowth(t *testing.T) {
	t.Parallel()
	for _, p := range []automation.Poll{{}, {MinDelay: time.Second, MaxDelay: 10 * time.Minute}, {MinDelay: 30 * time.Second, MaxDelay: 30 * time.Second}} {
		delays := p.Delays()
		var ramp time.Duration // the time the doubling delays cover
		for _, d := range delays[:len(delays)-1] {
			ramp += d
		}
		lo, hi := delays[0], delays[len(delays)-1]
		for d := time.Second; d <= 24*time.Hour; d += d/7 + time.Second {
			got := p.Cycles(d)
			if d <= ramp {
				// k doubling delays cover min·(2^k − 1).
				assert.Equal(t, 1+int(math.Ceil(math.Log2(float64(d)/float64(lo)+1))), got, "%v with %v–%v: logarithmic", d, lo, hi)
			} else {
				assert.Equal(t, len(delays)+int(math.Ceil(float64(d-ramp)/float64(hi))), got, "%v with %v–%v: linear at MaxDelay", d, lo, hi)
			}
		}
	}
}
