package function

import (
	"errors"

	"github.com/aws/smithy-go"
)

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
