package backuptest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	smithy "github.com/aws/smithy-go"
	smithytraits "github.com/aws/smithy-go/traits"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodedARN is a recovery point ARN as clients put it in a path label:
// percent-encoded over everything but A-Za-z0-9-._~.
const (
	rawARN     = "arn:aws:ec2:us-east-1:123456789012:snapshot/snap-0123"
	encodedARN = "arn%3Aaws%3Aec2%3Aus-east-1%3A123456789012%3Asnapshot%2Fsnap-0123"
)

// sdkRequest is the request line of one operation, built from the SDK's own
// HTTP binding (the same model every client is generated from), with each
// label filled with a value that is not a literal of any route.
type sdkRequest struct {
	name, method, path, rawQuery string
	labels                       map[string]string
}

func sdkRequests(t *testing.T) []sdkRequest {
	t.Helper()
	var out []sdkRequest
	for _, s := range allOperations() {
		h, ok := smithy.SchemaTrait[*smithytraits.HTTP](s.op)
		require.True(t, ok, "%s has no HTTP binding", s.name)
		uri, q, _ := strings.Cut(h.URI, "?")
		req := sdkRequest{name: s.name, method: h.Method, rawQuery: q, labels: map[string]string{}}
		var b strings.Builder
		for _, p := range strings.Split(strings.Trim(uri, "/"), "/") {
			if p == "" {
				continue
			}
			b.WriteByte('/')
			if strings.HasPrefix(p, "{") {
				label := strings.TrimSuffix(strings.Trim(p, "{}"), "+")
				if strings.HasSuffix(label, "Arn") {
					b.WriteString(encodedARN)
					req.labels[label] = rawARN
				} else {
					b.WriteString("lbl-" + label)
					req.labels[label] = "lbl-" + label
				}
				continue
			}
			b.WriteString(p)
		}
		req.path = b.String()
		if req.path == "" {
			req.path = "/"
		}
		out = append(out, req)
	}
	return out
}

func TestEveryOperationRoutes(t *testing.T) {
	t.Parallel()
	reqs := sdkRequests(t)
	require.Len(t, reqs, 115, "the SDK model has 115 AWS Backup operations")
	rt := newRouter()
	require.Len(t, rt.byName, 115)
	for _, req := range reqs {
		for _, form := range []string{"sdk", "trailing-slash"} {
			t.Run(req.name+"/"+form, func(t *testing.T) {
				t.Parallel()
				path := req.path
				if form == "trailing-slash" {
					path += "/"
				}
				query, err := url.ParseQuery(req.rawQuery)
				require.NoError(t, err)
				r, labels, ok := rt.match(req.method, path, query)
				require.True(t, ok, "%s %s matched nothing", req.method, path)
				assert.Equal(t, req.name, r.name, "%s %s?%s", req.method, path, req.rawQuery)
				assert.Equal(t, req.labels, labels, "labels are returned percent-decoded, keyed by member name")
			})
		}
	}
}

func TestEveryOperationOverHTTP(t *testing.T) {
	t.Parallel()
	e := New()
	implemented := e.Implemented()
	for _, req := range sdkRequests(t) {
		for _, form := range []string{"sdk", "trailing-slash"} {
			path := req.path
			if form == "trailing-slash" {
				path += "/"
			}
			target := path
			if req.rawQuery != "" {
				target += "?" + req.rawQuery
			}
			r := httptest.NewRequest(req.method, target, strings.NewReader(""))
			w := httptest.NewRecorder()
			e.ServeHTTP(w, r)
			calls := e.Calls()
			require.NotEmpty(t, calls)
			last := calls[len(calls)-1]
			assert.Equal(t, req.name, last.Operation, "%s %s was not routed to %s", req.method, target, req.name)
			assertAWSShape(t, w)
			require.True(t, slices.Contains(implemented, req.name), "%s is not implemented", req.name)
			assert.NotEqual(t, http.StatusNotImplemented, w.Code, "%s answered 501", req.name)
			// Empty input is a client error, never an internal one.
			assert.Less(t, w.Code, 500, "%s %s with no input: %s", req.method, target, w.Body.String())
			assert.NotEqual(t, CodeInternalFailure, w.Header().Get("X-Amzn-ErrorType"), "%s %s with no input: %s", req.method, target, w.Body.String())
		}
	}
}

// TestAllOperationsImplemented: every operation of the SDK's model (115)
// has a handler.
func TestAllOperationsImplemented(t *testing.T) {
	t.Parallel()
	e := New()
	var missing []string
	for _, s := range allOperations() {
		if !slices.Contains(e.Implemented(), s.name) {
			missing = append(missing, s.name)
		}
	}
	assert.Empty(t, missing, "operations without a handler")
	assert.Len(t, allOperations(), 115)
	assert.Len(t, e.Implemented(), len(allOperations()))
}

// TestCLIRequestShapes checks request lines exactly as botocore (the AWS
// CLI, boto3) and the Go SDK send them.
func TestCLIRequestShapes(t *testing.T) {
	t.Parallel()
	rt := newRouter()
	tests := []struct {
		method, target, op string
		labels             map[string]string
	}{
		{"PUT", "/backup-vaults/myVault", "CreateBackupVault", map[string]string{"BackupVaultName": "myVault"}},
		{"GET", "/backup-vaults/", "ListBackupVaults", map[string]string{}},
		{"GET", "/backup-vaults/?maxResults=1", "ListBackupVaults", map[string]string{}},
		{"PUT", "/backup-vaults/myVault/vault-lock", "PutBackupVaultLockConfiguration", map[string]string{"BackupVaultName": "myVault"}},
		{"PUT", "/backup-vaults/myVault/notification-configuration", "PutBackupVaultNotifications", map[string]string{"BackupVaultName": "myVault"}},
		{"PUT", "/backup/plans/", "CreateBackupPlan", map[string]string{}},
		{"PUT", "/backup/plans/0d7c6d2b-7c40-4b2b-9f1f-2f6a1b0c9e11/selections/", "CreateBackupSelection", map[string]string{"BackupPlanId": "0d7c6d2b-7c40-4b2b-9f1f-2f6a1b0c9e11"}},
		{"GET", "/backup/plans/?includeDeleted=false", "ListBackupPlans", map[string]string{}},
		{"PUT", "/backup-jobs", "StartBackupJob", map[string]string{}},
		{"GET", "/backup-jobs/?state=COMPLETED&resourceType=SAP+HANA+on+Amazon+EC2", "ListBackupJobs", map[string]string{}},
		{"GET", "/backup-jobs/1f1a0c4e-AAAA", "DescribeBackupJob", map[string]string{"BackupJobId": "1f1a0c4e-AAAA"}},
		{"GET", "/backup-vaults/myVault/recovery-points/", "ListRecoveryPointsByBackupVault", map[string]string{"BackupVaultName": "myVault"}},
		{"GET", "/backup-vaults/myVault/recovery-points/" + encodedARN, "DescribeRecoveryPoint", map[string]string{"BackupVaultName": "myVault", "RecoveryPointArn": rawARN}},
		{"GET", "/backup-vaults/myVault/recovery-points/" + encodedARN + "/restore-metadata", "GetRecoveryPointRestoreMetadata", map[string]string{"BackupVaultName": "myVault", "RecoveryPointArn": rawARN}},
		{"PUT", "/restore-jobs", "StartRestoreJob", map[string]string{}},
		{"GET", "/restore-jobs/abc/", "DescribeRestoreJob", map[string]string{"RestoreJobId": "abc"}},
		{"POST", "/tags/arn%3Aaws%3Abackup%3Aus-east-1%3A123456789012%3Abackup-vault%3AmyVault", "TagResource", map[string]string{"ResourceArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:myVault"}},
		{"GET", "/tags/arn%3Aaws%3Abackup%3Aus-east-1%3A123456789012%3Abackup-vault%3AmyVault/", "ListTags", map[string]string{"ResourceArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:myVault"}},
		// Lower-case percent escapes and a literal ':' (allowed in a path) decode the same.
		{"GET", "/tags/arn:aws:backup:us-east-1:123456789012:backup-vault:myVault", "ListTags", map[string]string{"ResourceArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:myVault"}},
		{"GET", "/resources/arn%3aaws%3aec2%3aus-east-1%3a123456789012%3avolume%2fvol-1/recovery-points", "ListRecoveryPointsByResource", map[string]string{"ResourceArn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}},
		{"POST", "/untag/arn%3Aaws%3Abackup%3Aus-east-1%3A123456789012%3Abackup-plan%3Ap1", "UntagResource", map[string]string{"ResourceArn": "arn:aws:backup:us-east-1:123456789012:backup-plan:p1"}},
		{"GET", "/account-settings", "DescribeRegionSettings", map[string]string{}},
		{"PUT", "/account-settings", "UpdateRegionSettings", map[string]string{}},
		{"GET", "/supported-resource-types", "GetSupportedResourceTypes", map[string]string{}},
		{"POST", "/backup-vaults/myVault/mpaApprovalTeam?delete", "DisassociateBackupVaultMpaApprovalTeam", map[string]string{"BackupVaultName": "myVault"}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.target)
			require.NoError(t, err)
			r, labels, ok := rt.match(tt.method, u.EscapedPath(), u.Query())
			require.True(t, ok, "no route")
			assert.Equal(t, tt.op, r.name)
			assert.Equal(t, tt.labels, labels)
		})
	}
}

func TestRouterRejects(t *testing.T) {
	t.Parallel()
	rt := newRouter()
	tests := []struct{ method, target string }{
		{"PATCH", "/backup-vaults/myVault"},
		{"GET", "/backup-vaults/myVault/nonsense"},
		{"GET", "/"},
		{"GET", "/backup-vaultsX"},
		{"GET", "/tags/%zz"},
		{"GET", "/backup-vaults/myVault/recovery-points/a/b/c/d"},
	}
	for _, tt := range tests {
		u, err := url.Parse("http://h" + strings.ReplaceAll(tt.target, "%zz", "%25zz"))
		require.NoError(t, err)
		path := u.EscapedPath()
		if strings.Contains(tt.target, "%zz") {
			path = tt.target // an invalid escape that reached the router raw
		}
		_, _, ok := rt.match(tt.method, path, u.Query())
		assert.False(t, ok, "%s %s must not match", tt.method, tt.target)
	}
}

// assertAWSShape checks an emulator answer: a JSON object body, and for
// errors the X-Amzn-ErrorType header naming the same code as the body.
func assertAWSShape(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code == http.StatusNoContent {
		return
	}
	var body map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "body %q", w.Body.String())
	if w.Code < 400 {
		return
	}
	code := w.Header().Get("X-Amzn-ErrorType")
	require.NotEmpty(t, code, "error responses carry X-Amzn-ErrorType")
	assert.Equal(t, code, body["__type"])
	assert.Equal(t, code, body["Code"])
	assert.NotEmpty(t, body["Message"])
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
}

// junkBody builds a JSON body for an SDK input type with every member set
// to a well-typed but meaningless value (variant 0: non-empty junk,
// variant 1: empty strings, zero numbers, empty lists and objects,
// variant 2: negative and huge numbers).
func junkBody(t reflect.Type, variant, depth int) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return []float64{0, 0, -1}[variant]
	}
	switch t.Kind() {
	case reflect.String:
		return []string{"junk-value", "", "arn:aws:backup:us-east-1:123456789012:x"}[variant]
	case reflect.Bool:
		return variant != 1
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return []int64{-1, 0, 2147483647}[variant]
	case reflect.Float32, reflect.Float64:
		return []float64{-1.5, 0, 1e300}[variant]
	case reflect.Slice:
		if variant == 1 || depth > 4 {
			return []any{}
		}
		return []any{junkBody(t.Elem(), variant, depth+1)}
	case reflect.Map:
		if variant == 1 || depth > 4 {
			return map[string]any{}
		}
		return map[string]any{"k": junkBody(t.Elem(), variant, depth+1)}
	case reflect.Struct:
		obj := map[string]any{}
		if depth > 4 {
			return obj
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			obj[f.Name] = junkBody(f.Type, variant, depth+1)
		}
		return obj
	}
	return nil
}

// TestImplementedOperationsRejectJunk sends every implemented operation
// inputs full of well-typed junk: each must answer with a client error (or
// succeed), never an internal failure.
func TestImplementedOperationsRejectJunk(t *testing.T) {
	t.Parallel()
	e := New()
	// A vault named like the path labels, so vault operations get past
	// the existence check to their own validation.
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("PUT", "/backup-vaults/lbl-BackupVaultName", strings.NewReader("{}")))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.NoError(t, e.PutResource(Resource{ARN: rawARN, Type: "EBS"}))
	for _, req := range sdkRequests(t) {
		op, ok := e.ops[req.name]
		if !ok {
			continue
		}
		in := op.newInput()
		for variant := range 3 {
			body, err := json.Marshal(junkBody(reflect.TypeOf(in), variant, 0))
			require.NoError(t, err)
			target := req.path
			if req.rawQuery != "" {
				target += "?" + req.rawQuery
			}
			r := httptest.NewRequest(req.method, target, bytes.NewReader(body))
			w := httptest.NewRecorder()
			e.ServeHTTP(w, r)
			assertAWSShape(t, w)
			assert.NotEqual(t, CodeInternalFailure, w.Header().Get("X-Amzn-ErrorType"), "%s with junk %s: %s", req.name, body, w.Body.String())
			assert.Less(t, w.Code, 500, "%s with junk %s: %s", req.name, body, w.Body.String())
		}
	}
}

// fillInput sets every member of an SDK input (and nested structs, to a
// small depth) so the SDK's own validation passes and its serializer puts
// each member on the wire: labels, query members and body.
func fillInput(v reflect.Value, name string, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 3 && v.Type().Elem().Kind() == reflect.Struct {
			return
		}
		nv := reflect.New(v.Type().Elem())
		fillInput(nv.Elem(), name, depth)
		v.Set(nv)
		return
	case reflect.Struct:
		if v.Type() == timeType {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.IsExported() {
				fillInput(v.Field(i), f.Name, depth+1)
			}
		}
	case reflect.String:
		if m := v.Addr().MethodByName("Values"); m.IsValid() {
			// An enum: its first value.
			vals := m.Call(nil)[0]
			if vals.Len() > 0 {
				v.SetString(vals.Index(0).String())
				return
			}
		}
		switch {
		case strings.HasSuffix(name, "Arn"):
			v.SetString(rawARN)
		default:
			v.SetString("lbl-" + name)
		}
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fillInput(s.Index(0), name, depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMapWithSize(v.Type(), 1)
		ev := reflect.New(v.Type().Elem()).Elem()
		fillInput(ev, name, depth+1)
		m.SetMapIndex(reflect.ValueOf("k").Convert(v.Type().Key()), ev)
		v.Set(m)
	}
}

// TestEveryOperationThroughSDK calls all 115 operations with the real Go
// SDK client, every input member set, and checks that each request reached
// the emulator as that operation: the SDK's own paths, percent-encoded
// labels and query strings route correctly. Implemented operations may
// reject the made-up values, but only with a client error.
func TestEveryOperationThroughSDK(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	client := srv.Client(func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	cv := reflect.ValueOf(client)
	ctx := reflect.ValueOf(t.Context())
	for _, s := range allOperations() {
		m := cv.MethodByName(s.name)
		require.True(t, m.IsValid(), "the SDK client has no method %s", s.name)
		in := reflect.New(m.Type().In(1).Elem())
		fillInput(in.Elem(), "", 0)
		res := m.Call([]reflect.Value{ctx, in})
		err, _ := res[1].Interface().(error)
		calls := srv.Calls()
		require.NotEmpty(t, calls, "%s sent nothing: %v", s.name, err)
		last := calls[len(calls)-1]
		assert.Equal(t, s.name, last.Operation, "%s was routed as %q (%s %s): %v", s.name, last.Operation, last.Method, last.Path, err)
		assert.NotEqual(t, CodeInternalFailure, last.ErrorCode, "%s: %v", s.name, err)
		require.True(t, slices.Contains(srv.Implemented(), s.name), "%s is not implemented", s.name)
		assert.Less(t, last.Status, 500, "%s: %v", s.name, err)
	}
}
