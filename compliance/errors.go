package compliance

import (
	"errors"
	"fmt"

	"github.com/backupkit/backupkit/backup"
)

// ValidationError is backup.ValidationError, the one validation error
// type of backupkit: Field is the path of the offending field (e.g.
// "Controls[2].Scope.ResourceIDs"), Reason says what is wrong. Functions
// that validate return every problem at once, joined with errors.Join; use
// errors.As to get at the first, or backup.ValidationErrors to list all.
type ValidationError = backup.ValidationError

// problems collects validation errors for one value.
type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (p problems) err() error { return errors.Join(p...) }
