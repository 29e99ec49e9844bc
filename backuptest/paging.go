package backuptest

import (
	"encoding/base64"
	"strconv"
)

// page returns the slice of items for a NextToken/MaxResults request and
// the token of the next page. Tokens are opaque offsets; AWS Backup accepts
// MaxResults 1–1000 and defaults to 1000.
//
// Known difference: like AWS, listing while other clients create or delete
// items may skip or repeat items across pages; a token past the end of a
// list that shrank ends the listing with an empty page rather than failing.
func page[T any](items []T, nextToken *string, maxResults *int32) ([]T, *string, error) {
	limit := 1000
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 1000 {
			return nil, nil, invalidParam("MaxResults %d is out of range: allowed 1 to 1000", *maxResults)
		}
		limit = int(*maxResults)
	}
	start := 0
	if nextToken != nil && *nextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(*nextToken)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			return nil, nil, invalidParam("NextToken is not valid")
		}
		start = min(n, len(items))
	}
	end := min(start+limit, len(items))
	var next *string
	if end < len(items) {
		t := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		next = &t
	}
	return items[start:end], next, nil
}
