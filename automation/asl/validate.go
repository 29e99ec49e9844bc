package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/backupkit/backupkit/backup"
)

// Validate reports every problem of the definition that AWS Step Functions
// would refuse, as an errors.Join of *backup.ValidationError naming each
// field path.
func (m *StateMachine) Validate() error {
	v := &validator{}
	v.machine("", m.StartAt, m.States)
	seen := map[string]bool{}
	for _, n := range m.StateNames() {
		if seen[n] {
			v.fail("States."+n, "state name is used twice; names are unique across the whole machine, nested Map processors included")
		}
		seen[n] = true
	}
	if m.TimeoutSeconds < 0 {
		v.fail("TimeoutSeconds", "is %d; want ≥ 0", m.TimeoutSeconds)
	}
	return errors.Join(v.errs...)
}

// JSON validates the definition and renders it as indented JSON. It
// refuses a definition larger than MaxDefinitionBytes once compacted (the
// form AWS counts).
func (m *StateMachine) JSON() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	compact, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(compact) > MaxDefinitionBytes {
		return nil, &backup.ValidationError{Field: "Definition", Reason: fmt.Sprintf("is %d bytes; AWS Step Functions accepts at most %d (1 MiB)", len(compact), MaxDefinitionBytes)}
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// Compact validates the definition and renders it without whitespace (the
// form for DefinitionString and CreateStateMachine).
func (m *StateMachine) Compact() ([]byte, error) {
	b, err := m.JSON()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// StateNames returns every state name in the definition, nested Map
// processors included, sorted.
func (m *StateMachine) StateNames() []string {
	var out []string
	var walk func(map[string]State)
	walk = func(states map[string]State) {
		for name, s := range states {
			out = append(out, name)
			if mp, ok := s.(*Map); ok && mp.ItemProcessor != nil {
				walk(mp.ItemProcessor.States)
			}
		}
	}
	walk(m.States)
	slices.Sort(out)
	return out
}

type validator struct {
	errs []error
}

func (v *validator) fail(field, format string, args ...any) {
	v.errs = append(v.errs, &backup.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

// machine checks one (possibly nested) state machine scope.
func (v *validator) machine(prefix, startAt string, states map[string]State) {
	if len(states) == 0 {
		v.fail(join(prefix, "States"), "is empty; want at least one state")
		return
	}
	if startAt == "" {
		v.fail(join(prefix, "StartAt"), "is required")
	} else if _, ok := states[startAt]; !ok {
		v.fail(join(prefix, "StartAt"), "names %q, which is not a state of this machine", startAt)
	}
	names := slices.Sorted(maps.Keys(states))
	for _, name := range names {
		field := join(prefix, "States."+name)
		if n := utf8.RuneCountInString(name); n == 0 || n > MaxStateNameLength {
			v.fail(field, "state name is %d characters; want 1–%d", n, MaxStateNameLength)
		}
		if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			v.fail(field, "state name contains a control character")
		}
		s := states[name]
		if s == nil {
			v.fail(field, "is nil")
			continue
		}
		for _, n := range s.next() {
			if _, ok := states[n]; !ok {
				v.fail(field, "moves to %q, which is not a state of this machine", n)
			}
		}
		v.state(field, s)
	}
	// Every state must be reachable from StartAt (AWS refuses unreachable states).
	seen := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		s, ok := states[n]
		if !ok || seen[n] || s == nil {
			return
		}
		seen[n] = true
		for _, x := range s.next() {
			visit(x)
		}
	}
	visit(startAt)
	for _, name := range names {
		if !seen[name] {
			v.fail(join(prefix, "States."+name), "is not reachable from %q", startAt)
		}
	}
}

func (v *validator) state(field string, s State) {
	switch s := s.(type) {
	case *Task:
		if s.Resource == "" {
			v.fail(field+".Resource", "is required")
		}
		v.transition(field, s.Next, s.End)
		if s.TimeoutSeconds < 0 || s.TimeoutSeconds > MaxRetryAttempts {
			v.fail(field+".TimeoutSeconds", "is %d; want 1–%d (0: default)", s.TimeoutSeconds, MaxRetryAttempts)
		}
		if s.HeartbeatSeconds < 0 || (s.HeartbeatSeconds > 0 && s.TimeoutSeconds > 0 && s.HeartbeatSeconds >= s.TimeoutSeconds) {
			v.fail(field+".HeartbeatSeconds", "is %d; want > 0 and less than TimeoutSeconds", s.HeartbeatSeconds)
		}
		if c := s.Credentials; c != nil && (c.RoleARN == "") == (c.RoleARNPath == "") {
			v.fail(field+".Credentials", "set exactly one of RoleArn and RoleArn.$")
		}
		v.paths(field, map[string]string{"InputPath": s.InputPath, "OutputPath": s.OutputPath, "ResultPath": s.ResultPath})
		v.retry(field, s.Retry)
		v.catch(field, s.Catch)
	case *Choice:
		if len(s.Choices) == 0 {
			v.fail(field+".Choices", "is empty; want at least one rule")
		}
		for i, r := range s.Choices {
			f := fmt.Sprintf("%s.Choices[%d]", field, i)
			if r.Next == "" {
				v.fail(f+".Next", "is required")
			}
			v.condition(f, r.Condition)
		}
	case *Wait:
		set := 0
		if s.Seconds != nil {
			set++
			if *s.Seconds < 0 || *s.Seconds > MaxWaitSeconds {
				v.fail(field+".Seconds", "is %d; want 0–%d (one year)", *s.Seconds, MaxWaitSeconds)
			}
		}
		for _, x := range []string{s.SecondsPath, s.Timestamp, s.TimestampPath} {
			if x != "" {
				set++
			}
		}
		if set != 1 {
			v.fail(field, "set exactly one of Seconds, SecondsPath, Timestamp and TimestampPath")
		}
		v.transition(field, s.Next, s.End)
	case *Pass:
		v.transition(field, s.Next, s.End)
		v.paths(field, map[string]string{"InputPath": s.InputPath, "OutputPath": s.OutputPath, "ResultPath": s.ResultPath})
	case *Map:
		v.transition(field, s.Next, s.End)
		if s.MaxConcurrency < 0 || s.MaxConcurrency > MaxConcurrency {
			v.fail(field+".MaxConcurrency", "is %d; want 0–%d", s.MaxConcurrency, MaxConcurrency)
		}
		if p := s.ToleratedFailurePercentage; p != nil && (*p < 0 || *p > 100) {
			v.fail(field+".ToleratedFailurePercentage", "is %d; want 0–100", *p)
		}
		if s.ItemReader != nil && s.ItemsPath != "" {
			v.fail(field+".ItemsPath", "cannot be combined with ItemReader")
		}
		v.paths(field, map[string]string{"InputPath": s.InputPath, "OutputPath": s.OutputPath, "ResultPath": s.ResultPath, "ItemsPath": s.ItemsPath})
		p := s.ItemProcessor
		if p == nil {
			v.fail(field+".ItemProcessor", "is required")
			break
		}
		switch p.Mode {
		case "INLINE":
			if p.ExecutionType != "" {
				v.fail(field+".ItemProcessor.ExecutionType", "is only allowed with Mode DISTRIBUTED")
			}
			if s.ItemReader != nil || s.ResultWriter != nil || s.ToleratedFailurePercentage != nil || s.Label != "" {
				v.fail(field, "ItemReader, ResultWriter, ToleratedFailurePercentage and Label need Mode DISTRIBUTED")
			}
		case "DISTRIBUTED":
			if p.ExecutionType != "STANDARD" && p.ExecutionType != "EXPRESS" {
				v.fail(field+".ItemProcessor.ExecutionType", "is %q; want STANDARD or EXPRESS", p.ExecutionType)
			}
		default:
			v.fail(field+".ItemProcessor.Mode", "is %q; want INLINE or DISTRIBUTED", p.Mode)
		}
		v.retry(field, s.Retry)
		v.catch(field, s.Catch)
		v.machine(field+".ItemProcessor", p.StartAt, p.States)
	case *Succeed, *Fail:
	default:
		v.fail(field, "unknown state type %T", s)
	}
}

func (v *validator) transition(field, next string, end bool) {
	if (next == "") == !end {
		v.fail(field, "set exactly one of Next and End")
	}
}

func (v *validator) paths(field string, paths map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(paths)) {
		p := paths[k]
		if p == "" || (k == "ResultPath" && p == Discard) {
			continue
		}
		if !strings.HasPrefix(p, "$") {
			v.fail(field+"."+k, "is %q; want a path starting with $", p)
		}
	}
}

func (v *validator) errorList(field string, names []string) {
	if len(names) == 0 {
		v.fail(field, "is empty; want at least one error name")
	}
	if i := slices.Index(names, ErrorAll); i >= 0 && len(names) > 1 {
		v.fail(field, "%s must appear alone", ErrorAll)
	}
}

func (v *validator) retry(field string, rs []Retrier) {
	for i, r := range rs {
		f := fmt.Sprintf("%s.Retry[%d]", field, i)
		v.errorList(f+".ErrorEquals", r.ErrorEquals)
		if slices.Contains(r.ErrorEquals, ErrorAll) && i != len(rs)-1 {
			v.fail(f+".ErrorEquals", "%s must be in the last retrier", ErrorAll)
		}
		if r.IntervalSeconds < 0 || r.IntervalSeconds > MaxRetryAttempts {
			v.fail(f+".IntervalSeconds", "is %d; want 1–%d (0: default 1)", r.IntervalSeconds, MaxRetryAttempts)
		}
		if r.MaxAttempts != nil && (*r.MaxAttempts < 0 || *r.MaxAttempts > MaxRetryAttempts) {
			v.fail(f+".MaxAttempts", "is %d; want 0–%d", *r.MaxAttempts, MaxRetryAttempts)
		}
		if r.BackoffRate != 0 && r.BackoffRate < 1 {
			v.fail(f+".BackoffRate", "is %v; want ≥ 1.0", r.BackoffRate)
		}
		if r.MaxDelaySeconds < 0 || r.MaxDelaySeconds >= 31622400 {
			v.fail(f+".MaxDelaySeconds", "is %d; want 1–31622399 (0: none)", r.MaxDelaySeconds)
		}
		if r.JitterStrategy != "" && r.JitterStrategy != "FULL" && r.JitterStrategy != "NONE" {
			v.fail(f+".JitterStrategy", "is %q; want FULL or NONE", r.JitterStrategy)
		}
	}
}

func (v *validator) catch(field string, cs []Catcher) {
	for i, c := range cs {
		f := fmt.Sprintf("%s.Catch[%d]", field, i)
		v.errorList(f+".ErrorEquals", c.ErrorEquals)
		if slices.Contains(c.ErrorEquals, ErrorAll) && i != len(cs)-1 {
			v.fail(f+".ErrorEquals", "%s must be in the last catcher", ErrorAll)
		}
		if c.Next == "" {
			v.fail(f+".Next", "is required")
		}
		v.paths(f, map[string]string{"ResultPath": c.ResultPath})
	}
}

// comparisonOps are the ASL Choice operators.
var comparisonOps = func() map[string]bool {
	m := map[string]bool{"IsNull": true, "IsPresent": true, "IsNumeric": true, "IsString": true, "IsBoolean": true, "IsTimestamp": true,
		"BooleanEquals": true, "BooleanEqualsPath": true, "StringMatches": true}
	for _, kind := range []string{"String", "Numeric", "Timestamp"} {
		for _, op := range []string{"Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"} {
			m[kind+op] = true
			m[kind+op+"Path"] = true
		}
	}
	return m
}()

func (v *validator) condition(field string, c Condition) {
	n := 0
	if len(c.And) > 0 {
		n++
		for i, x := range c.And {
			v.condition(fmt.Sprintf("%s.And[%d]", field, i), x)
		}
	}
	if len(c.Or) > 0 {
		n++
		for i, x := range c.Or {
			v.condition(fmt.Sprintf("%s.Or[%d]", field, i), x)
		}
	}
	if c.Not != nil {
		n++
		v.condition(field+".Not", *c.Not)
	}
	if n > 1 {
		v.fail(field, "set one of And, Or and Not")
	}
	if n == 0 {
		if !strings.HasPrefix(c.Variable, "$") {
			v.fail(field+".Variable", "is %q; want a path starting with $", c.Variable)
		}
		if !comparisonOps[c.Op] {
			v.fail(field, "unknown comparison operator %q", c.Op)
		} else if strings.HasSuffix(c.Op, "Path") {
			if s, ok := c.Value.(string); !ok || !strings.HasPrefix(s, "$") {
				v.fail(field+"."+c.Op, "is %v; want a path starting with $", c.Value)
			}
		}
	}
}
