package plan

import (
	"errors"
	"fmt"
	"strings"
)

// ValidationError is one problem found in a plan or selection. Field is the
// path of the offending value, e.g. "Rules[1].Lifecycle.DeleteAfterDays";
// Reason says what is wrong and what AWS allows.
type ValidationError struct {
	Field  string
	Reason string
}

// Error returns "Field: Reason".
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// ValidationErrors returns every *ValidationError inside err (which is usually
// the errors.Join returned by Build or Validate), in order.
func ValidationErrors(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		var ve *ValidationError
		if errors.As(e, &ve) && ve == e {
			out = append(out, ve)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// problems collects validation errors under a field-path prefix.
type problems struct {
	errs []error
	// orgPolicy accepts the "$account" placeholder of Organizations
	// backup policies in ARN fields.
	orgPolicy bool
}

const accountPlaceholder = "$account"

// checkPlaceholder reports "$account" where AWS needs a real account.
func (p *problems) checkPlaceholder(field, arn string) {
	if !p.orgPolicy && strings.Contains(arn, accountPlaceholder) {
		p.add(field, `"$account" is an Organizations backup policy placeholder; AWS Backup needs a 12-digit account ID here`)
	}
}

func (p *problems) add(field, format string, args ...any) {
	p.errs = append(p.errs, &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (p *problems) err() error {
	return errors.Join(p.errs...)
}

func join(parts ...string) string {
	n := 0
	for _, s := range parts {
		n += len(s) + 1
	}
	var b strings.Builder
	b.Grow(n)
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

func idx(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }
