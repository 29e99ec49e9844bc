package backuptest

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestPageTokens(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3, 4, 5}
	first, next, err := page(items, nil, aws.Int32(2))
	if err != nil || len(first) != 2 || next == nil {
		t.Fatalf("first page = %v, %v, %v; want 2 items and a token", first, next, err)
	}
	// The list shrank below the token's offset: an empty last page.
	rest, after, err := page(items[:1], next, aws.Int32(2))
	if err != nil || len(rest) != 0 || after != nil {
		t.Errorf("page past a shrunken list = %v, %v, %v; want empty, no token, no error", rest, after, err)
	}
	var ae *APIError
	if _, _, err := page(items, aws.String("%%%"), nil); !errors.As(err, &ae) || ae.Code != CodeInvalidParameterValue {
		t.Errorf("malformed token error = %v; want InvalidParameterValueException", err)
	}
	if _, _, err := page(items, nil, aws.Int32(0)); !errors.As(err, &ae) || ae.Code != CodeInvalidParameterValue {
		t.Errorf("MaxResults 0 error = %v; want InvalidParameterValueException", err)
	}
}
