package automation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
)

// fakeSFN answers DescribeExecution from a script of statuses (an error
// where the script says so) and records StartExecution.
type fakeSFN struct {
	script    []any
	describes int
	started   []*sfn.StartExecutionInput
}

func (f *fakeSFN) StartExecution(_ context.Context, in *sfn.StartExecutionInput, _ ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	f.started = append(f.started, in)
	return &sfn.StartExecutionOutput{ExecutionArn: aws.String("arn:aws:states:us-east-1:123456789012:execution:drill:" + aws.ToString(in.Name))}, nil
}

func (f *fakeSFN) DescribeExecution(_ context.Context, in *sfn.DescribeExecutionInput, _ ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error) {
	step := f.script[min(f.describes, len(f.script)-1)]
	f.describes++
	if err, ok := step.(error); ok {
		return nil, err
	}
	out := &sfn.DescribeExecutionOutput{ExecutionArn: in.ExecutionArn, Status: step.(types.ExecutionStatus)}
	if out.Status == types.ExecutionStatusFailed {
		out.Error, out.Cause = aws.String("backupkit.DrillNotPlanned"), aws.String("no vault")
	}
	return out, nil
}

func noSleep(slept *[]time.Duration) func(*backup.WaiterOptions) {
	return func(o *backup.WaiterOptions) {
		o.Sleep = func(_ context.Context, d time.Duration) error { *slept = append(*slept, d); return nil }
	}
}

func TestExecutionWaiter(t *testing.T) {
	t.Parallel()
	throttled := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	t.Run("succeeds after running and a throttled call", func(t *testing.T) {
		f := &fakeSFN{script: []any{types.ExecutionStatusRunning, throttled, types.ExecutionStatusRunning, types.ExecutionStatusSucceeded}}
		var slept []time.Duration
		out, err := automation.NewExecutionWaiter(f, noSleep(&slept)).Wait(t.Context(), "arn:x", time.Hour)
		require.NoError(t, err)
		assert.Equal(t, types.ExecutionStatusSucceeded, out.Status)
		assert.Equal(t, 4, f.describes)
		require.Len(t, slept, 3)
		for _, d := range slept {
			assert.GreaterOrEqual(t, d, backup.DefaultMinDelay)
			assert.LessOrEqual(t, d, backup.DefaultMaxDelay)
		}
	})
	t.Run("failed execution", func(t *testing.T) {
		f := &fakeSFN{script: []any{types.ExecutionStatusFailed}}
		var slept []time.Duration
		out, err := automation.NewExecutionWaiter(f, noSleep(&slept)).Wait(t.Context(), "arn:x", time.Hour)
		var ef *automation.ExecutionFailedError
		require.ErrorAs(t, err, &ef)
		assert.Equal(t, "FAILED", ef.Status)
		assert.ErrorIs(t, err, backup.ErrJobFailed)
		assert.Contains(t, err.Error(), "backupkit.DrillNotPlanned: no vault")
		assert.NotNil(t, out)
	})
	t.Run("times out", func(t *testing.T) {
		f := &fakeSFN{script: []any{types.ExecutionStatusRunning}}
		var slept []time.Duration
		_, err := automation.NewExecutionWaiter(f, noSleep(&slept)).Wait(t.Context(), "arn:x", time.Minute)
		assert.ErrorIs(t, err, backup.ErrWaitTimeout)
		assert.Contains(t, err.Error(), `last status "RUNNING"`)
	})
	t.Run("bad arguments", func(t *testing.T) {
		_, err := automation.NewExecutionWaiter(&fakeSFN{}).Wait(t.Context(), "arn:x", 0)
		assert.ErrorContains(t, err, "maximum wait time must be greater than zero")
		_, err = automation.NewExecutionWaiter(&fakeSFN{}).Wait(t.Context(), "", time.Minute)
		var ve *backup.ValidationError
		assert.True(t, errors.As(err, &ve))
	})
}

func TestStartDrill(t *testing.T) {
	t.Parallel()
	f := &fakeSFN{}
	arn, err := automation.StartDrill(t.Context(), f, "arn:aws:states:us-east-1:123456789012:stateMachine:drill", "drill-1",
		&function.DrillInput{Vault: "v", AllInVault: true})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:drill:drill-1", arn)
	require.Len(t, f.started, 1)
	assert.JSONEq(t, `{"vault":"v","allInVault":true}`, aws.ToString(f.started[0].Input))

	_, err = automation.StartDrill(t.Context(), f, "", string(make([]byte, 81)), &function.DrillInput{AllInVault: true})
	fields := map[string]bool{}
	for _, ve := range backup.ValidationErrors(err) {
		fields[ve.Field] = true
	}
	assert.True(t, fields["stateMachineARN"] && fields["drillID"] && fields["Drill.Vault"], "%v", err)
	assert.Len(t, f.started, 1, "nothing started on bad input")
}
