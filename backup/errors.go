package backup

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/smithy-go"
)

// ErrWaitTimeout is wrapped by waiter errors when the maximum wait time
// elapses before the job reaches a terminal state.
var ErrWaitTimeout = errors.New("exceeded max wait time")

// ErrJobFailed is matched (errors.Is) by every *JobFailedError.
var ErrJobFailed = errors.New("job did not complete successfully")

// JobFailedError reports a job that reached a terminal state other than
// COMPLETED: FAILED, ABORTED, EXPIRED or PARTIAL (PARTIAL is "completed
// with issues" for composite jobs and is treated as a failure).
type JobFailedError struct {
	JobType       string // "BACKUP", "COPY" or "RESTORE"
	JobID         string
	State         string
	StatusMessage string
}

func (e *JobFailedError) Error() string {
	msg := fmt.Sprintf("%s job %s ended in state %s", e.JobType, e.JobID, e.State)
	if e.StatusMessage != "" {
		msg += ": " + e.StatusMessage
	}
	return msg
}

// Unwrap returns ErrJobFailed so callers can use errors.Is.
func (e *JobFailedError) Unwrap() error { return ErrJobFailed }

// ValidationError is one problem with an input: the one validation error
// type of backupkit, returned by every package (backup, plan, vault,
// restore, compliance), so errors.As(err, &ve) with ve a
// *backup.ValidationError works on all of them. Functions that validate
// return every problem at once, joined with errors.Join; ValidationErrors
// lists them.
type ValidationError struct {
	// Field is the path of the offending value, e.g. "VaultName",
	// "Rules[1].Lifecycle.DeleteAfterDays" or "Controls[2].Scope"; empty
	// when the problem is not one field's.
	Field string
	// Reason says what is wrong and what AWS allows.
	Reason string
}

// Error returns "Field: Reason", or Reason alone when Field is empty.
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// ValidationErrors returns every *ValidationError inside err (usually the
// errors.Join a Validate or Build returns, possibly wrapped), in order.
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

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func hasCode(err error, codes ...string) bool {
	c := errorCode(err)
	if c == "" {
		return false
	}
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// IsNotFound reports whether err is a ResourceNotFoundException: the job,
// vault, recovery point or resource does not exist (yet).
func IsNotFound(err error) bool { return hasCode(err, "ResourceNotFoundException") }

// IsAlreadyExists reports whether err is an AlreadyExistsException.
func IsAlreadyExists(err error) bool { return hasCode(err, "AlreadyExistsException") }

// IsConflict reports whether err is a ConflictException (another operation
// on the same resource is in progress).
func IsConflict(err error) bool { return hasCode(err, "ConflictException") }

// IsInvalidState reports whether err is an InvalidResourceStateException
// (for example deleting a recovery point that is still being created, or a
// vault that is not empty).
func IsInvalidState(err error) bool { return hasCode(err, "InvalidResourceStateException") }

// IsInvalidParameter reports whether err is an InvalidParameterValueException,
// MissingParameterValueException or InvalidRequestException: the request
// itself is wrong and retrying it will not help.
func IsInvalidParameter(err error) bool {
	return hasCode(err, "InvalidParameterValueException", "MissingParameterValueException", "InvalidRequestException")
}

// IsLimitExceeded reports whether err is a LimitExceededException. In AWS
// Backup this signals an exceeded quota (vaults, plans, legal holds, …), not
// request throttling, so it is not part of IsThrottled even though the SDK's
// standard retryer retries it.
func IsLimitExceeded(err error) bool { return hasCode(err, "LimitExceededException") }

// throttleCodes are the request-rate error codes the SDK's standard retryer
// treats as throttling, minus LimitExceededException (see IsLimitExceeded).
var throttleCodes = []string{
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
	"BandwidthLimitExceeded", "PriorRequestNotComplete",
}

// IsThrottled reports whether err says the caller sends requests too fast:
// ThrottlingException and the other request-rate codes the SDK treats as
// throttling, or HTTP 429. It also reports true when the SDK gave up
// because its client-side retry quota ran out.
func IsThrottled(err error) bool {
	if hasCode(err, throttleCodes...) || httpStatus(err) == 429 {
		return true
	}
	var q ratelimit.QuotaExceededError
	return errors.As(err, &q)
}

// IsServerError reports whether err is a server-side failure worth retrying
// later: ServiceUnavailableException, DependencyFailureException or any
// HTTP 5xx response.
func IsServerError(err error) bool {
	if hasCode(err, "ServiceUnavailableException", "DependencyFailureException", "InternalFailure", "InternalServerError") {
		return true
	}
	s := httpStatus(err)
	return s >= 500 && s <= 599
}

// IsRetryable reports whether err is transient: throttling or a server error.
func IsRetryable(err error) bool { return IsThrottled(err) || IsServerError(err) }
