package asl_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/backup"
)

func fields(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var ve *backup.ValidationError
		if errors.As(err, &ve) {
			out = append(out, ve.Field)
		}
	}
	walk(err)
	return out
}

func minimal() *asl.StateMachine {
	return &asl.StateMachine{StartAt: "A", States: map[string]asl.State{
		"A": &asl.Task{Resource: "arn:aws:states:::lambda:invoke", Next: "B",
			Retry: []asl.Retrier{{ErrorEquals: []string{"States.TaskFailed"}, MaxAttempts: asl.Attempts(0)}},
			Catch: []asl.Catcher{{ErrorEquals: []string{asl.ErrorAll}, Next: "C", ResultPath: "$.error"}}},
		"B": &asl.Pass{ResultPath: asl.Discard, End: true},
		"C": &asl.Fail{Error: "E"},
	}}
}

func TestRender(t *testing.T) {
	t.Parallel()
	b, err := minimal().JSON()
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	states := got["States"].(map[string]any)
	a := states["A"].(map[string]any)
	assert.Equal(t, "Task", a["Type"])
	assert.Equal(t, float64(0), a["Retry"].([]any)[0].(map[string]any)["MaxAttempts"], "MaxAttempts 0 (never) is kept")
	assert.Equal(t, "$.error", a["Catch"].([]any)[0].(map[string]any)["ResultPath"])
	bs := states["B"].(map[string]any)
	v, ok := bs["ResultPath"]
	assert.True(t, ok)
	assert.Nil(t, v, "Discard renders JSON null")
	assert.NotContains(t, a, "ResultPath", "an unset ResultPath is absent")
}

func TestValidateRefuses(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", asl.MaxStateNameLength+1)
	tests := []struct {
		name  string
		edit  func(m *asl.StateMachine)
		field string
	}{
		{"name over 80 chars", func(m *asl.StateMachine) {
			m.States[long] = &asl.Succeed{}
			m.States["B"].(*asl.Pass).End, m.States["B"].(*asl.Pass).Next = false, long
		}, "States." + long},
		{"unknown next", func(m *asl.StateMachine) { m.States["A"].(*asl.Task).Next = "Z" }, "States.A"},
		{"unreachable", func(m *asl.StateMachine) { m.States["D"] = &asl.Succeed{} }, "States.D"},
		{"missing StartAt", func(m *asl.StateMachine) { m.StartAt = "Q" }, "StartAt"},
		{"next and end", func(m *asl.StateMachine) { m.States["B"].(*asl.Pass).Next = "C" }, "States.B"},
		{"States.ALL not alone", func(m *asl.StateMachine) {
			m.States["A"].(*asl.Task).Catch[0].ErrorEquals = []string{"X", asl.ErrorAll}
		}, "States.A.Catch[0].ErrorEquals"},
		{"States.ALL not last", func(m *asl.StateMachine) {
			m.States["A"].(*asl.Task).Retry = []asl.Retrier{{ErrorEquals: []string{asl.ErrorAll}}, {ErrorEquals: []string{"X"}}}
		}, "States.A.Retry[0].ErrorEquals"},
		{"backoff below 1", func(m *asl.StateMachine) { m.States["A"].(*asl.Task).Retry[0].BackoffRate = 0.5 }, "States.A.Retry[0].BackoffRate"},
		{"attempts over limit", func(m *asl.StateMachine) {
			m.States["A"].(*asl.Task).Retry[0].MaxAttempts = asl.Attempts(asl.MaxRetryAttempts + 1)
		}, "States.A.Retry[0].MaxAttempts"},
		{"wait over a year", func(m *asl.StateMachine) {
			m.States["A"].(*asl.Task).Next = "W"
			m.States["W"] = &asl.Wait{Seconds: asl.Seconds(asl.MaxWaitSeconds + 1), Next: "B"}
		}, "States.W.Seconds"},
		{"wait twice set", func(m *asl.StateMachine) {
			m.States["A"].(*asl.Task).Next = "W"
			m.States["W"] = &asl.Wait{Seconds: asl.Seconds(1), SecondsPath: "$.s", Next: "B"}
		}, "States.W"},
		{"map concurrency", func(m *asl.StateMachine) { mapState(m).MaxConcurrency = asl.MaxConcurrency + 1 }, "States.M.MaxConcurrency"},
		{"map tolerated percentage", func(m *asl.StateMachine) { mapState(m).ToleratedFailurePercentage = asl.Percent(101) }, "States.M.ToleratedFailurePercentage"},
		{"map tolerated negative", func(m *asl.StateMachine) { mapState(m).ToleratedFailurePercentage = asl.Percent(-1) }, "States.M.ToleratedFailurePercentage"},
		{"nested unknown next", func(m *asl.StateMachine) { mapState(m).ItemProcessor.States["I"] = &asl.Pass{Next: "nowhere"} }, "States.M.ItemProcessor.States.I"},
		{"duplicate nested name", func(m *asl.StateMachine) {
			mapState(m).ItemProcessor.States = map[string]asl.State{"A": &asl.Succeed{}}
			mapState(m).ItemProcessor.StartAt = "A"
		}, "States.A"},
		{"choice path op", func(m *asl.StateMachine) {
			m.States["A"].(*asl.Task).Next = "Ch"
			m.States["Ch"] = &asl.Choice{Choices: []asl.ChoiceRule{{Condition: asl.Condition{Variable: "$.a", Op: "TimestampGreaterThanPath", Value: "x"}, Next: "B"}}}
		}, "States.Ch.Choices[0].TimestampGreaterThanPath"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := minimal()
			tt.edit(m)
			err := m.Validate()
			require.Error(t, err)
			assert.Contains(t, fields(err), tt.field, "%v", err)
			_, jerr := m.JSON()
			assert.Error(t, jerr, "JSON refuses to render an invalid definition")
		})
	}
}

func mapState(m *asl.StateMachine) *asl.Map {
	if mp, ok := m.States["M"].(*asl.Map); ok {
		return mp
	}
	mp := &asl.Map{ItemProcessor: &asl.Processor{Mode: "DISTRIBUTED", ExecutionType: "STANDARD", StartAt: "I", States: map[string]asl.State{"I": &asl.Succeed{}}}, Next: "B"}
	m.States["M"] = mp
	m.States["A"].(*asl.Task).Next = "M"
	return mp
}

func TestDefinitionSizeLimit(t *testing.T) {
	t.Parallel()
	m := minimal()
	m.States["B"].(*asl.Pass).Result = strings.Repeat("x", asl.MaxDefinitionBytes)
	require.NoError(t, m.Validate())
	_, err := m.JSON()
	require.Error(t, err)
	assert.Equal(t, []string{"Definition"}, fields(err))
	assert.Contains(t, err.Error(), "1 MiB")
}
