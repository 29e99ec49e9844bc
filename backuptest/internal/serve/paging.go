package serve

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
)

// tokenMark starts every token, so a made-up token is refused.
const tokenMark = "backupkit:"

// Page returns one page of items (sorted by key) starting after the
// position token encodes, at most limit long, and the token of the next
// page ("" on the last). Tokens name the last key returned, so a list that
// shrinks between calls still pages correctly. A token this function did
// not make is the caller's error (code is the service's invalid-token
// code, e.g. "InvalidNextToken" or "InvalidPaginationToken").
func Page[T any](items []T, key func(T) string, token string, limit int, code string) ([]T, string, error) {
	start := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		after, ok := strings.CutPrefix(string(b), tokenMark)
		if err != nil || !ok {
			return nil, "", Errorf(http.StatusBadRequest, code, "the pagination token %q is not valid", token)
		}
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > after })
	}
	if limit <= 0 {
		limit = len(items)
	}
	end := min(start+limit, len(items))
	page := items[start:end]
	next := ""
	if end < len(items) && end > start {
		next = base64.RawURLEncoding.EncodeToString([]byte(tokenMark + key(items[end-1])))
	}
	return page, next, nil
}
