// Package problem is what the AWS rule packages under internal/ return: a
// broken rule with the field path AWS names and the reason. The library
// wraps each Problem in its validation error; the emulator turns the first
// one into the AWS error code its Kind names, so both speak of the same
// field in the same words.
package problem

import (
	"fmt"
	"strings"
)

// Kind is the class of a Problem, which fixes the AWS error code the
// emulator answers with.
type Kind int

// Kinds of problems.
const (
	// Invalid is a value AWS refuses (InvalidParameterValueException).
	Invalid Kind = iota
	// Missing is a required value that is absent
	// (MissingParameterValueException).
	Missing
	// Limit is a count over an AWS quota (LimitExceededException).
	Limit
)

// Problem is one broken AWS rule. Field is the member path, e.g.
// "Rules[1].Lifecycle.DeleteAfterDays", relative to what the rule checked;
// Reason says what is wrong and what AWS allows.
type Problem struct {
	Field  string
	Reason string
	Kind   Kind
}

// Error returns "Field: Reason".
func (p Problem) Error() string {
	if p.Field == "" {
		return p.Reason
	}
	return p.Field + ": " + p.Reason
}

// List collects problems.
type List []Problem

// Invalid adds an Invalid problem.
func (l *List) Invalid(field, format string, args ...any) {
	*l = append(*l, Problem{Field: field, Reason: fmt.Sprintf(format, args...), Kind: Invalid})
}

// Missing adds a Missing problem ("is required").
func (l *List) Missing(field string) {
	*l = append(*l, Problem{Field: field, Reason: "is required", Kind: Missing})
}

// Limit adds a Limit problem.
func (l *List) Limit(field, format string, args ...any) {
	*l = append(*l, Problem{Field: field, Reason: fmt.Sprintf(format, args...), Kind: Limit})
}

// Add appends ps with prefix joined before each field.
func (l *List) Add(prefix string, ps []Problem) {
	for _, p := range ps {
		p.Field = Join(prefix, p.Field)
		*l = append(*l, p)
	}
}

// Join joins field path parts with ".", leaving out empty parts and
// writing index parts ("[2]") without a dot.
func Join(parts ...string) string {
	var b strings.Builder
	for _, s := range parts {
		if s == "" {
			continue
		}
		if b.Len() > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// Index returns "field[i]".
func Index(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }
