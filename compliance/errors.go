package compliance

import (
	"errors"
	"fmt"
)

// ValidationError names one problem with an input value. Functions that
// validate return every problem at once, joined with errors.Join; use
// errors.As to get at the first, or [ValidationErrors] to list all.
type ValidationError struct {
	Field  string // path of the offending field, e.g. "Controls[2].Scope.ResourceIDs"
	Reason string
}

// Error reports the field and the reason.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

// ValidationErrors returns every *ValidationError inside err (which may be a
// join of several), in order.
func ValidationErrors(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if ve, ok := e.(*ValidationError); ok {
			out = append(out, ve)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		walk(errors.Unwrap(e))
	}
	walk(err)
	return out
}

// problems collects validation errors for one value.
type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (p problems) err() error { return errors.Join(p...) }
