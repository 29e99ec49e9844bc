package backup

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func respErr(status int, err error) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}}
}

func TestErrorPredicates(t *testing.T) {
	t.Parallel()
	type preds struct{ notFound, exists, conflict, state, param, limit, throttled, server bool }
	tests := []struct {
		name string
		err  error
		want preds
	}{
		{"nil", nil, preds{}},
		{"plain", errors.New("boom"), preds{}},
		{"not found typed", fmt.Errorf("x: %w", &types.ResourceNotFoundException{}), preds{notFound: true}},
		{"already exists", &types.AlreadyExistsException{}, preds{exists: true}},
		{"conflict", &types.ConflictException{}, preds{conflict: true}},
		{"invalid state", &types.InvalidResourceStateException{}, preds{state: true}},
		{"invalid param", &types.InvalidParameterValueException{}, preds{param: true}},
		{"missing param", &types.MissingParameterValueException{}, preds{param: true}},
		{"limit", &types.LimitExceededException{}, preds{limit: true}},
		{"throttling generic", &smithy.GenericAPIError{Code: "ThrottlingException"}, preds{throttled: true}},
		{"429", respErr(429, errors.New("slow down")), preds{throttled: true}},
		{"quota", fmt.Errorf("retry: %w", ratelimit.QuotaExceededError{Available: 0, Requested: 5}), preds{throttled: true}},
		{"unavailable", &types.ServiceUnavailableException{}, preds{server: true}},
		{"dependency", &types.DependencyFailureException{}, preds{server: true}},
		{"500 unmodeled", respErr(500, &smithy.GenericAPIError{Code: "InternalError"}), preds{server: true}},
		{"400 not found wrapped", respErr(400, &types.ResourceNotFoundException{}), preds{notFound: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := preds{IsNotFound(tt.err), IsAlreadyExists(tt.err), IsConflict(tt.err), IsInvalidState(tt.err),
				IsInvalidParameter(tt.err), IsLimitExceeded(tt.err), IsThrottled(tt.err), IsServerError(tt.err)}
			if got != tt.want {
				t.Errorf("predicates(%v) = %+v; want %+v", tt.err, got, tt.want)
			}
			if IsRetryable(tt.err) != (tt.want.throttled || tt.want.server) {
				t.Errorf("IsRetryable(%v) = %v; want %v", tt.err, IsRetryable(tt.err), tt.want.throttled || tt.want.server)
			}
		})
	}
}

func TestJobFailedError(t *testing.T) {
	t.Parallel()
	var err error = fmt.Errorf("wrap: %w", &JobFailedError{JobType: "BACKUP", JobID: "j1", State: "EXPIRED", StatusMessage: "start window passed"})
	if !errors.Is(err, ErrJobFailed) {
		t.Errorf("errors.Is(%v, ErrJobFailed) = false; want true", err)
	}
	var jf *JobFailedError
	if !errors.As(err, &jf) || jf.State != "EXPIRED" {
		t.Fatalf("errors.As = %v; want *JobFailedError with State EXPIRED", jf)
	}
	if got, want := jf.Error(), "BACKUP job j1 ended in state EXPIRED: start window passed"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestValidationErrors(t *testing.T) {
	t.Parallel()
	a := &ValidationError{Field: "A", Reason: "is wrong"}
	b := &ValidationError{Reason: "no field"}
	err := fmt.Errorf("start backup: %w", errors.Join(a, errors.New("other"), fmt.Errorf("wrapped: %w", b)))
	got := ValidationErrors(err)
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("ValidationErrors() = %v; want [A, no field]", got)
	}
	if a.Error() != "A: is wrong" || b.Error() != "no field" {
		t.Errorf("Error() = %q, %q; want %q, %q", a.Error(), b.Error(), "A: is wrong", "no field")
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || ve != a {
		t.Errorf("errors.As = %v; want A", ve)
	}
	if ValidationErrors(nil) != nil {
		t.Error("ValidationErrors(nil) != nil")
	}
}
