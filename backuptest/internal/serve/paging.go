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
		after, err := After(token, code)
		if err != nil {
			return nil, "", err
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
		next = Token(key(items[end-1]))
	}
	return page, next, nil
}

// After returns the key a token made by Page or Token names: the next page
// starts after it. "" gives "" (the first page). A token not made here is
// the caller's error, with code as in Page.
func After(token, code string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	after, ok := strings.CutPrefix(string(b), tokenMark)
	if err != nil || !ok {
		return "", Errorf(http.StatusBadRequest, code, "the pagination token %q is not valid", token)
	}
	return after, nil
}

// Token is the token of the page that starts after key, for a handler
// that pages by walking its items from a cursor instead of through Page.
func Token(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenMark + key))
}
