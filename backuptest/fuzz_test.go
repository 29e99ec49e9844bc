package backuptest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

// FuzzRouterDecode sends arbitrary request lines, headers and bodies
// through the emulator's ServeHTTP. Whatever arrives, the answer must be a
// well-formed AWS response: a JSON object body, a 2xx/4xx/5xx status, and
// for errors the X-Amzn-ErrorType header matching the body's __type and
// Code. No request may make the emulator fail internally (500
// InternalFailure, which a handler panic or an unexpected error becomes).
//
// The seed corpus in testdata/fuzz/FuzzRouterDecode holds real request
// shapes of the Go SDK, the AWS CLI and boto3.
var signedFor = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request`)

func FuzzRouterDecode(f *testing.F) {
	e := backuptest.New()
	if err := e.PutResource(backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0", SizeBytes: 8 << 30}); err != nil {
		f.Fatal(err)
	}
	n := 0
	f.Fuzz(func(t *testing.T, method, target string, body []byte, auth string) {
		n++
		if n%2000 == 0 {
			// Keep the call log and state bounded over long runs.
			e.Reset()
		}
		if method == "" || strings.ContainsAny(method, " \t\r\n/") {
			return
		}
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		if strings.HasPrefix(u.Path, "/_backupkit/") {
			// The control API can inject latency and faults on purpose.
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/", strings.NewReader(string(body)))
		req.Method = method
		req.URL = u
		req.RequestURI = target
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)

		if w.Code < 200 || w.Code > 599 || (w.Code >= 300 && w.Code < 400) {
			t.Fatalf("%s %s: status %d; want 2xx, 4xx or 5xx", method, target, w.Code)
		}
		if w.Code == 499 {
			t.Fatalf("%s %s: status 499 without a client cancel", method, target)
		}
		if m := signedFor.FindStringSubmatch(auth); m != nil && m[1] != "backup" {
			// Another service's protocol answered (FuzzServices covers them).
			if w.Code >= 500 && w.Code != http.StatusNotImplemented {
				t.Fatalf("%s %s signed for %s: status %d: %s", method, target, m[1], w.Code, w.Body.String())
			}
			return
		}
		if w.Code == http.StatusNoContent {
			if w.Body.Len() != 0 {
				t.Fatalf("%s %s: 204 with body %q", method, target, w.Body.String())
			}
			return
		}
		var obj map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &obj); err != nil {
			t.Fatalf("%s %s: status %d, body %q is not a JSON object: %v", method, target, w.Code, w.Body.String(), err)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s %s: Content-Type %q; want application/json", method, target, ct)
		}
		if w.Code < 400 {
			return
		}
		code := w.Header().Get("X-Amzn-ErrorType")
		if code == "" {
			t.Fatalf("%s %s: status %d without X-Amzn-ErrorType; body %s", method, target, w.Code, w.Body.String())
		}
		if obj["__type"] != code || obj["Code"] != code {
			t.Fatalf("%s %s: header type %q, body __type %v, Code %v; want all equal", method, target, code, obj["__type"], obj["Code"])
		}
		if msg, _ := obj["Message"].(string); msg == "" {
			t.Fatalf("%s %s: error without Message: %s", method, target, w.Body.String())
		}
		if code == backuptest.CodeInternalFailure {
			t.Fatalf("%s %s body %q: internal failure: %s", method, target, body, obj["Message"])
		}
	})
}
