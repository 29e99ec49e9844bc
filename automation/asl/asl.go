// Package asl models Amazon States Language state machines as typed Go
// values, checks them against the limits AWS Step Functions enforces, and
// renders them to the JSON that CreateStateMachine and CloudFormation's
// DefinitionString accept.
//
// A StateMachine holds named states (Task, Choice, Wait, Pass, Map,
// Succeed, Fail). Validate reports every problem at once as an errors.Join
// of *backup.ValidationError, each naming the field path
// ("States.Restore.Retry[0].MaxAttempts"); JSON validates before it
// renders, so a definition AWS would refuse is never printed.
//
// Limits encoded here (Step Functions quotas and the ASL specification):
// state names 1–80 characters; a definition of at most 1 MiB; Wait Seconds
// 0–99,999,999 and at most one year; Map MaxConcurrency 0–10,000 and
// ToleratedFailurePercentage 0–100; retrier MaxAttempts 0–99,999,999,
// BackoffRate ≥ 1, IntervalSeconds ≥ 1; States.ALL alone and last in a
// Retry or Catch list; every Next target declared; every state reachable.
package asl

import (
	"encoding/json"
	"maps"
	"slices"
)

// Limits AWS Step Functions enforces on definitions.
const (
	// MaxDefinitionBytes is the largest definition AWS accepts (1 MiB, hard quota).
	MaxDefinitionBytes = 1 << 20
	// MaxStateNameLength is the longest state name.
	MaxStateNameLength = 80
	// MaxConcurrency is the largest Map MaxConcurrency (Distributed Map: 10,000 parallel child executions).
	MaxConcurrency = 10000
	// MaxWaitSeconds is the longest Wait: Seconds accepts up to 99,999,999
	// but a Standard execution lasts at most one year.
	MaxWaitSeconds = 365 * 24 * 3600
	// MaxRetryAttempts is the largest retrier MaxAttempts.
	MaxRetryAttempts = 99999999
	// MaxPayloadBytes is the largest state input or output (256 KiB).
	MaxPayloadBytes = 256 * 1024
)

// Built-in error names (ASL specification and Step Functions).
const (
	ErrorAll                  = "States.ALL"
	ErrorTaskFailed           = "States.TaskFailed"
	ErrorTimeout              = "States.Timeout"
	ErrorPermissions          = "States.Permissions"
	ErrorExceedToleratedLimit = "States.ExceedToleratedFailureThreshold"
)

// Discard as a ResultPath renders JSON null: the state's result is
// dropped and its input passes through unchanged.
const Discard = "null"

// StateMachine is a state machine definition (also used for a Map's
// ItemProcessor, which has the same shape).
type StateMachine struct {
	// Comment describes the machine.
	Comment string
	// StartAt names the first state; required.
	StartAt string
	// States are the machine's states by name; required.
	States map[string]State
	// TimeoutSeconds bounds an execution (0: none; Standard workflows stop at one year).
	TimeoutSeconds int
}

// State is one state of a machine: *Task, *Choice, *Wait, *Pass, *Map,
// *Succeed or *Fail.
type State interface {
	// Type is the ASL state type ("Task", …).
	Type() string
	// next lists the states this one can move to.
	next() []string
}

// Credentials make a Task call AWS as another role (cross-account). Set
// exactly one of RoleARN and RoleARNPath.
type Credentials struct {
	RoleARN     string `json:"RoleArn,omitempty"`
	RoleARNPath string `json:"RoleArn.$,omitempty"`
}

// Retrier retries a failed Task, Parallel or Map state.
type Retrier struct {
	// ErrorEquals lists the errors retried; States.ALL alone matches any.
	ErrorEquals []string `json:"ErrorEquals"`
	// IntervalSeconds before the first retry (AWS default 1).
	IntervalSeconds int `json:"IntervalSeconds,omitempty"`
	// MaxAttempts is the number of retries; nil means AWS's default of 3
	// and 0 means never.
	MaxAttempts *int `json:"MaxAttempts,omitempty"`
	// BackoffRate multiplies the interval after each attempt (AWS default 2.0).
	BackoffRate float64 `json:"BackoffRate,omitempty"`
	// MaxDelaySeconds caps the interval.
	MaxDelaySeconds int `json:"MaxDelaySeconds,omitempty"`
	// JitterStrategy is "FULL" or "NONE" (default).
	JitterStrategy string `json:"JitterStrategy,omitempty"`
}

// Attempts returns a pointer to n, for Retrier.MaxAttempts.
func Attempts(n int) *int { return &n }

// Catcher sends a failed state to a fallback state.
type Catcher struct {
	ErrorEquals []string `json:"ErrorEquals"`
	Next        string   `json:"Next"`
	// ResultPath places the error output ({"Error","Cause"}) in the input.
	ResultPath string `json:"-"`
}

// MarshalJSON renders ResultPath, Discard as null.
func (c Catcher) MarshalJSON() ([]byte, error) {
	type plain Catcher
	return marshalWith(plain(c), map[string]any{"ResultPath": resultPath(c.ResultPath)})
}

// Task runs one unit of work: an AWS SDK integration
// ("arn:aws:states:::aws-sdk:backup:startRestoreJob"), an optimized
// integration ("arn:aws:states:::lambda:invoke") or an activity.
type Task struct {
	Comment          string         `json:"Comment,omitempty"`
	Resource         string         `json:"Resource"`
	Parameters       map[string]any `json:"Parameters,omitempty"`
	Credentials      *Credentials   `json:"Credentials,omitempty"`
	InputPath        string         `json:"InputPath,omitempty"`
	ResultSelector   map[string]any `json:"ResultSelector,omitempty"`
	ResultPath       string         `json:"-"`
	OutputPath       string         `json:"OutputPath,omitempty"`
	TimeoutSeconds   int            `json:"TimeoutSeconds,omitempty"`
	HeartbeatSeconds int            `json:"HeartbeatSeconds,omitempty"`
	Retry            []Retrier      `json:"Retry,omitempty"`
	Catch            []Catcher      `json:"Catch,omitempty"`
	Next             string         `json:"Next,omitempty"`
	End              bool           `json:"End,omitempty"`
}

// Choice branches on the state's input.
type Choice struct {
	Comment    string       `json:"Comment,omitempty"`
	InputPath  string       `json:"InputPath,omitempty"`
	OutputPath string       `json:"OutputPath,omitempty"`
	Choices    []ChoiceRule `json:"Choices"`
	Default    string       `json:"Default,omitempty"`
}

// ChoiceRule is a top-level rule of a Choice: a condition and the state it
// selects.
type ChoiceRule struct {
	Condition
	Next string
}

// MarshalJSON renders the condition's fields beside Next.
func (r ChoiceRule) MarshalJSON() ([]byte, error) {
	m, err := r.Condition.fields()
	if err != nil {
		return nil, err
	}
	m["Next"] = r.Next
	return json.Marshal(m)
}

// Condition is a Choice comparison (Variable Op Value) or a boolean
// combination (And, Or, Not) of conditions.
type Condition struct {
	// Variable is the path compared.
	Variable string
	// Op is a comparison operator: StringEquals, NumericGreaterThan,
	// TimestampGreaterThanPath, IsPresent, BooleanEquals, …
	Op string
	// Value is the operand (string, number, bool, or a path for …Path ops).
	Value any
	And   []Condition
	Or    []Condition
	Not   *Condition
}

// Equals is a StringEquals condition.
func Equals(variable, value string) Condition {
	return Condition{Variable: variable, Op: "StringEquals", Value: value}
}

// AnyOf is an Or of StringEquals conditions on one variable.
func AnyOf(variable string, values ...string) Condition {
	c := Condition{}
	for _, v := range values {
		c.Or = append(c.Or, Equals(variable, v))
	}
	if len(c.Or) == 1 {
		return c.Or[0]
	}
	return c
}

// IsTrue is a BooleanEquals true condition.
func IsTrue(variable string) Condition {
	return Condition{Variable: variable, Op: "BooleanEquals", Value: true}
}

// Present is an IsPresent true condition.
func Present(variable string) Condition {
	return Condition{Variable: variable, Op: "IsPresent", Value: true}
}

// AllOf is an And of conditions.
func AllOf(cs ...Condition) Condition { return Condition{And: cs} }

func (c Condition) fields() (map[string]any, error) {
	m := map[string]any{}
	switch {
	case len(c.And) > 0:
		m["And"] = c.And
	case len(c.Or) > 0:
		m["Or"] = c.Or
	case c.Not != nil:
		m["Not"] = c.Not
	default:
		m["Variable"] = c.Variable
		m[c.Op] = c.Value
	}
	return m, nil
}

// MarshalJSON renders a nested condition.
func (c Condition) MarshalJSON() ([]byte, error) {
	m, err := c.fields()
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// Wait pauses: exactly one of Seconds, SecondsPath, Timestamp and
// TimestampPath is set. A Wait is one state transition however long it
// lasts; the time waited is not billed.
type Wait struct {
	Comment       string `json:"Comment,omitempty"`
	Seconds       *int   `json:"Seconds,omitempty"`
	SecondsPath   string `json:"SecondsPath,omitempty"`
	Timestamp     string `json:"Timestamp,omitempty"`
	TimestampPath string `json:"TimestampPath,omitempty"`
	InputPath     string `json:"InputPath,omitempty"`
	OutputPath    string `json:"OutputPath,omitempty"`
	Next          string `json:"Next,omitempty"`
	End           bool   `json:"End,omitempty"`
}

// Seconds returns a pointer to n, for Wait.Seconds.
func Seconds(n int) *int { return &n }

// Pass passes its input (or Result, or Parameters) to its output.
type Pass struct {
	Comment    string         `json:"Comment,omitempty"`
	InputPath  string         `json:"InputPath,omitempty"`
	Parameters map[string]any `json:"Parameters,omitempty"`
	Result     any            `json:"Result,omitempty"`
	ResultPath string         `json:"-"`
	OutputPath string         `json:"OutputPath,omitempty"`
	Next       string         `json:"Next,omitempty"`
	End        bool           `json:"End,omitempty"`
}

// Map runs ItemProcessor for every item of an array, inline or as child
// executions (DISTRIBUTED).
type Map struct {
	Comment       string         `json:"Comment,omitempty"`
	InputPath     string         `json:"InputPath,omitempty"`
	ItemsPath     string         `json:"ItemsPath,omitempty"`
	ItemReader    *ItemReader    `json:"ItemReader,omitempty"`
	ItemSelector  map[string]any `json:"ItemSelector,omitempty"`
	ItemProcessor *Processor     `json:"ItemProcessor"`
	// MaxConcurrency bounds parallel iterations (0: as many as possible,
	// 10,000 for DISTRIBUTED).
	MaxConcurrency int `json:"MaxConcurrency,omitempty"`
	// ToleratedFailurePercentage lets the Map succeed while at most this
	// share of items fail (DISTRIBUTED only; nil: none tolerated).
	ToleratedFailurePercentage *int           `json:"ToleratedFailurePercentage,omitempty"`
	Label                      string         `json:"Label,omitempty"`
	ResultWriter               *ResultWriter  `json:"ResultWriter,omitempty"`
	ResultSelector             map[string]any `json:"ResultSelector,omitempty"`
	ResultPath                 string         `json:"-"`
	OutputPath                 string         `json:"OutputPath,omitempty"`
	Retry                      []Retrier      `json:"Retry,omitempty"`
	Catch                      []Catcher      `json:"Catch,omitempty"`
	Next                       string         `json:"Next,omitempty"`
	End                        bool           `json:"End,omitempty"`
}

// Percent returns a pointer to n, for Map.ToleratedFailurePercentage.
func Percent(n int) *int { return &n }

// Processor is a Map's ItemProcessor: a nested state machine and how it runs.
type Processor struct {
	// Mode is "INLINE" or "DISTRIBUTED".
	Mode string
	// ExecutionType is "STANDARD" or "EXPRESS" (DISTRIBUTED only).
	ExecutionType string
	StartAt       string
	States        map[string]State
}

// MarshalJSON renders ProcessorConfig beside StartAt and States.
func (p Processor) MarshalJSON() ([]byte, error) {
	cfg := map[string]any{"Mode": p.Mode}
	if p.ExecutionType != "" {
		cfg["ExecutionType"] = p.ExecutionType
	}
	states, err := marshalStates(p.States)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"ProcessorConfig": cfg, "StartAt": p.StartAt, "States": states})
}

// ItemReader reads a Distributed Map's items from S3.
type ItemReader struct {
	Resource     string         `json:"Resource"`
	ReaderConfig map[string]any `json:"ReaderConfig,omitempty"`
	Parameters   map[string]any `json:"Parameters,omitempty"`
}

// ResultWriter writes a Distributed Map's results to S3 instead of its
// output.
type ResultWriter struct {
	Resource   string         `json:"Resource"`
	Parameters map[string]any `json:"Parameters,omitempty"`
}

// Succeed ends the execution (or a branch or iteration) successfully.
type Succeed struct {
	Comment string `json:"Comment,omitempty"`
}

// Fail ends the execution with an error.
type Fail struct {
	Comment string `json:"Comment,omitempty"`
	Error   string `json:"Error,omitempty"`
	Cause   string `json:"Cause,omitempty"`
}

// Type implements State.
func (*Task) Type() string    { return "Task" }
func (*Choice) Type() string  { return "Choice" }
func (*Wait) Type() string    { return "Wait" }
func (*Pass) Type() string    { return "Pass" }
func (*Map) Type() string     { return "Map" }
func (*Succeed) Type() string { return "Succeed" }
func (*Fail) Type() string    { return "Fail" }

func (s *Task) next() []string {
	out := nonEmpty(s.Next)
	for _, c := range s.Catch {
		out = append(out, c.Next)
	}
	return out
}

func (s *Choice) next() []string {
	out := nonEmpty(s.Default)
	for _, r := range s.Choices {
		out = append(out, r.Next)
	}
	return out
}
func (s *Wait) next() []string  { return nonEmpty(s.Next) }
func (s *Pass) next() []string  { return nonEmpty(s.Next) }
func (*Succeed) next() []string { return nil }
func (*Fail) next() []string    { return nil }
func (s *Map) next() []string {
	out := nonEmpty(s.Next)
	for _, c := range s.Catch {
		out = append(out, c.Next)
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// MarshalJSON of each state adds its Type and its ResultPath.
func (s *Task) MarshalJSON() ([]byte, error) {
	type plain Task
	return marshalWith((*plain)(s), map[string]any{"Type": s.Type(), "ResultPath": resultPath(s.ResultPath)})
}
func (s *Choice) MarshalJSON() ([]byte, error) {
	type plain Choice
	return marshalWith((*plain)(s), map[string]any{"Type": s.Type()})
}
func (s *Wait) MarshalJSON() ([]byte, error) {
	type plain Wait
	return marshalWith((*plain)(s), map[string]any{"Type": s.Type()})
}
func (s *Pass) MarshalJSON() ([]byte, error) {
	type plain Pass
	return marshalWith((*plain)(s), map[string]any{"Type": s.Type(), "ResultPath": resultPath(s.ResultPath)})
}
func (s *Map) MarshalJSON() ([]byte, error) {
	type plain Map
	return marshalWith((*plain)(s), map[string]any{"Type": s.Type(), "ResultPath": resultPath(s.ResultPath)})
}
func (s *Succeed) MarshalJSON() ([]byte, error) {
	type plain Succeed
	return marshalWith((*plain)(s), map[string]any{"Type": s.Type()})
}
func (s *Fail) MarshalJSON() ([]byte, error) {
	type plain Fail
	return marshalWith((*plain)(s), map[string]any{"Type": s.Type()})
}

// resultPath maps "" to absent and Discard to JSON null.
type resultPathValue struct {
	path    string
	discard bool
}

func resultPath(p string) *resultPathValue {
	switch p {
	case "":
		return nil
	case Discard:
		return &resultPathValue{discard: true}
	}
	return &resultPathValue{path: p}
}

func (r *resultPathValue) MarshalJSON() ([]byte, error) {
	if r.discard {
		return []byte("null"), nil
	}
	return json.Marshal(r.path)
}

// marshalWith marshals v and adds extra keys (nil *resultPathValue values
// are left out).
func marshalWith(v any, extra map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, x := range extra {
		if rp, ok := x.(*resultPathValue); ok && rp == nil {
			continue
		}
		raw, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

func marshalStates(states map[string]State) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(states))
	for _, name := range slices.Sorted(maps.Keys(states)) {
		b, err := json.Marshal(states[name])
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}

// MarshalJSON renders the definition without validating it; use JSON to
// validate and render.
func (m *StateMachine) MarshalJSON() ([]byte, error) {
	states, err := marshalStates(m.States)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"StartAt": m.StartAt, "States": states}
	if m.Comment != "" {
		out["Comment"] = m.Comment
	}
	if m.TimeoutSeconds > 0 {
		out["TimeoutSeconds"] = m.TimeoutSeconds
	}
	return json.Marshal(out)
}
