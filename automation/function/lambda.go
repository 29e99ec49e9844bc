package function

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

// Lambda adapts h for lambda.Start (github.com/aws/aws-lambda-go): a
// failed step is returned with its StepError name as the Lambda error
// type, which Step Functions reports as the Task's error name (so the
// workflows' Retry and Catch can tell ErrorTargetFailed from a step worth
// retrying).
func Lambda(h *Handler) func(context.Context, json.RawMessage) (json.RawMessage, error) {
	return func(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
		out, err := h.Invoke(ctx, payload)
		if err != nil {
			var se *StepError
			if errors.As(err, &se) {
				return nil, messages.InvokeResponse_Error{Type: se.Name, Message: se.Error()}
			}
			return nil, err
		}
		return out, nil
	}
}
