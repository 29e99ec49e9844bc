package backuptest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes the emulator answers with. They are the AWS Backup error shapes
// (service/backup/types/errors.go) plus the common ThrottlingException, so the
// SDK's errors.As on *types.XxxException and its retryer both work.
const (
	CodeAlreadyExists         = "AlreadyExistsException"
	CodeConflict              = "ConflictException"
	CodeInvalidParameterValue = "InvalidParameterValueException"
	CodeInvalidRequest        = "InvalidRequestException"
	CodeInvalidResourceState  = "InvalidResourceStateException"
	CodeLimitExceeded         = "LimitExceededException"
	CodeMissingParameterValue = "MissingParameterValueException"
	CodeResourceNotFound      = "ResourceNotFoundException"
	CodeDependencyFailure     = "DependencyFailureException"
	CodeServiceUnavailable    = "ServiceUnavailableException"
	CodeThrottling            = "ThrottlingException"
	CodeAccessDenied          = "AccessDeniedException"
	CodeUnknownOperation      = "UnknownOperationException"
	CodeSerialization         = "SerializationException"
	CodeInternalFailure       = "InternalFailure"
)

// statusFor is the HTTP status AWS Backup sends for each error code.
func statusFor(code string) int {
	switch code {
	case CodeConflict:
		return http.StatusConflict
	case CodeDependencyFailure, CodeServiceUnavailable, CodeInternalFailure:
		return http.StatusInternalServerError
	case CodeAccessDenied:
		return http.StatusForbidden
	case CodeUnknownOperation:
		return http.StatusNotFound
	default:
		return http.StatusBadRequest
	}
}

// APIError is an error answered in AWS's wire shape. Handlers return it;
// anything else becomes a 500 InternalFailure.
type APIError struct {
	Code    string
	Message string
	// Status overrides the code's usual HTTP status when non-zero.
	Status int
	// Extra members merged into the JSON body (e.g. CreatorRequestId and Arn
	// of AlreadyExistsException).
	Extra map[string]string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

func (e *APIError) status() int {
	if e.Status != 0 {
		return e.Status
	}
	return statusFor(e.Code)
}

func apiErr(code, format string, args ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *APIError {
	return apiErr(CodeResourceNotFound, format, args...)
}

func invalidParam(format string, args ...any) *APIError {
	return apiErr(CodeInvalidParameterValue, format, args...)
}

func missingParam(name string) *APIError {
	return apiErr(CodeMissingParameterValue, "%s is required", name)
}

func alreadyExists(format string, args ...any) *APIError {
	return apiErr(CodeAlreadyExists, format, args...)
}

func invalidState(format string, args ...any) *APIError {
	return apiErr(CodeInvalidResourceState, format, args...)
}

func invalidRequest(format string, args ...any) *APIError {
	return apiErr(CodeInvalidRequest, format, args...)
}

// writeError sends err the way AWS does: the X-Amzn-ErrorType header (read by
// the Go SDK) and a body with __type, Code and Message (read by botocore and
// the older clients).
func writeError(w http.ResponseWriter, requestID string, e *APIError) {
	body := map[string]string{"__type": e.Code, "Code": e.Code, "Message": e.Message}
	for k, v := range e.Extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(e.status())
	_, _ = w.Write(b)
}
