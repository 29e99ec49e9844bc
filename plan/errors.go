package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/backupkit/backupkit/backup"
)

// ValidationError is backup.ValidationError, the one validation error
// type of backupkit: Field is the AWS path of the offending value, e.g.
// "Rules[1].Lifecycle.DeleteAfterDays"; Reason says what is wrong and what
// AWS allows. List every problem in an error with backup.ValidationErrors.
type ValidationError = backup.ValidationError

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
