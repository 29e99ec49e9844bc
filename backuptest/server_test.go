package backuptest_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	smithy "github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

// rawResponse is an HTTP answer read in full.
type rawResponse struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func doRaw(t *testing.T, method, url, body string, header map[string]string) rawResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := rawResponse{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if len(b) > 0 {
		require.NoError(t, json.Unmarshal(b, &out.body), "body is JSON: %q", b)
	}
	return out
}

// sigV4 is an Authorization header as the SDKs send it.
func sigV4(accessKey, region, service string) map[string]string {
	return map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=" + accessKey + "/20260101/" + region + "/" + service +
		"/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef"}
}

func TestErrorShapeOverHTTP(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.MaxBodyBytes = 1024 })
	tests := []struct {
		name, method, path, body string
		status                   int
		code, message            string
	}{
		{"not found", "GET", "/backup-vaults/missing", "", 400, "ResourceNotFoundException", "missing"},
		{"not found, trailing slash", "GET", "/backup-vaults/missing/", "", 400, "ResourceNotFoundException", "missing"},
		{"invalid parameter", "PUT", "/backup-vaults/a", "{}", 400, "InvalidParameterValueException", "BackupVaultName"},
		{"no such route", "GET", "/no-such-thing", "", 404, "UnknownOperationException", "/no-such-thing"},
		{"wrong method", "PATCH", "/backup-vaults/v1", "", 404, "UnknownOperationException", "PATCH"},
		{"bad JSON", "PUT", "/backup-vaults/v1", `{"BackupVaultTags": `, 400, "SerializationException", "not valid JSON"},
		{"wrong member type", "PUT", "/backup-vaults/v1", `{"BackupVaultTags": "x"}`, 400, "SerializationException", "BackupVaultTags: expected an object"},
		{"body too large", "PUT", "/backup-vaults/v1", `{"CreatorRequestId": "` + strings.Repeat("x", 2000) + `"}`, 400, "SerializationException", "larger than 1024 bytes"},
		{"bad query", "GET", "/backup-vaults?maxResults=x", "", 400, "SerializationException", "maxResults"},
		{"out of range", "GET", "/backup-vaults?maxResults=0", "", 400, "InvalidParameterValueException", "MaxResults"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := doRaw(t, tt.method, srv.URL+tt.path, tt.body, nil)
			assert.Equal(t, tt.status, r.status, "body %s", r.raw)
			assert.Equal(t, tt.code, r.header.Get("X-Amzn-ErrorType"))
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.NotEmpty(t, r.header.Get("X-Amzn-Requestid"))
			assert.Equal(t, tt.code, r.body["__type"])
			assert.Equal(t, tt.code, r.body["Code"])
			assert.Contains(t, r.body["Message"], tt.message)
		})
	}
}

func TestAlreadyExistsCarriesArn(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	r := doRaw(t, "PUT", srv.URL+"/backup-vaults/v1", `{"CreatorRequestId":"one"}`, nil)
	require.Equal(t, 200, r.status, r.raw)
	r = doRaw(t, "PUT", srv.URL+"/backup-vaults/v1", `{"CreatorRequestId":"two"}`, nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "AlreadyExistsException", r.body["__type"])
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:v1", r.body["Arn"])
	assert.Equal(t, "one", r.body["CreatorRequestId"])
}

func TestRegionAndAccountFromSignature(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	r := doRaw(t, "PUT", srv.URL+"/backup-vaults/v1", `{}`, sigV4("AKIDBACKUPKIT210987654321", "eu-west-1", "backup"))
	require.Equal(t, 200, r.status, r.raw)
	assert.Equal(t, "arn:aws:backup:eu-west-1:210987654321:backup-vault:v1", r.body["BackupVaultArn"])

	// The same name is free in the default account and Region: state is partitioned.
	r = doRaw(t, "PUT", srv.URL+"/backup-vaults/v1", `{}`, nil)
	require.Equal(t, 200, r.status, r.raw)
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:v1", r.body["BackupVaultArn"])

	// A key without an account suffix uses the default account.
	r = doRaw(t, "GET", srv.URL+"/backup-vaults/v1", "", sigV4("AKIAIOSFODNN7EXAMPLE", "eu-west-1", "backup"))
	assert.Equal(t, 400, r.status, "no vault v1 in 123456789012/eu-west-1")

	// Requests signed for another service are refused.
	r = doRaw(t, "GET", srv.URL+"/backup-vaults", "", sigV4("AKIDX", "us-east-1", "sqs"))
	assert.Equal(t, "UnknownOperationException", r.header.Get("X-Amzn-ErrorType"))
	assert.Contains(t, r.body["Message"], `"sqs"`)

	calls := srv.Calls()
	require.Len(t, calls, 3, "requests for other services are refused before routing")
	assert.Equal(t, backuptest.Call{Operation: "CreateBackupVault", Method: "PUT", Path: "/backup-vaults/v1", Account: "210987654321", Region: "eu-west-1", Status: 200, Time: calls[0].Time}, calls[0])
	assert.Equal(t, "ResourceNotFoundException", calls[2].ErrorCode)
}

func TestSDKSeesTypedErrors(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	_, err := c.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("missing")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ResourceNotFoundException", ae.ErrorCode())
	assert.Equal(t, smithy.FaultClient, ae.ErrorFault())

	srv.InjectFault(backuptest.Fault{Operation: "ListBackupVaults", ErrorCode: "ServiceUnavailableException", Count: 1})
	_, err = c.ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{}, func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	var su *types.ServiceUnavailableException
	require.ErrorAs(t, err, &su)
	assert.Equal(t, smithy.FaultServer, su.ErrorFault())
}

func TestFaultsRetriedBySDK(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	srv.InjectFault(backuptest.Fault{Operation: "ListBackupVaults", ErrorCode: "ThrottlingException", Count: 2})
	_, err := srv.Client().ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{})
	require.NoError(t, err, "the standard retryer outlasts two throttles")
	var codes []string
	for _, c := range srv.Calls() {
		codes = append(codes, c.ErrorCode)
	}
	assert.Equal(t, []string{"ThrottlingException", "ThrottlingException", ""}, codes)
	assert.Equal(t, 1, srv.CallCount("ListBackupVaults"))
}

func TestFaultLatencyHonoursClientCancel(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	srv.InjectFault(backuptest.Fault{Operation: "ListBackupVaults", Latency: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := srv.Client().ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
	require.Error(t, err)
	assert.Less(t, time.Since(start), 30*time.Second)
	require.Eventually(t, func() bool {
		calls := srv.Calls()
		return len(calls) == 1 && calls[0].Status == 499
	}, 5*time.Second, 10*time.Millisecond, "the abandoned call is logged as 499")
}

func TestStartAndClose(t *testing.T) {
	t.Parallel()
	srv, err := backuptest.Start("127.0.0.1:0")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	_, err = srv.Client().CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	require.NoError(t, srv.Close())
	require.NoError(t, srv.Close(), "Close twice is safe")
	_, err = srv.Client().ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{}, func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	require.Error(t, err)

	_, err = backuptest.Start("256.0.0.1:99999")
	require.Error(t, err)
}

func TestEmulatorAsHandler(t *testing.T) {
	t.Parallel()
	e := backuptest.New()
	mux := http.NewServeMux()
	mux.Handle("/", e)
	srv, err := backuptest.Serve("127.0.0.1:0", e)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c := srv.Client()
	_, err = c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("embedded")})
	require.NoError(t, err)
	assert.Len(t, e.Calls(), 1, "the server serves the emulator it was given")
}

func TestSaveAndLoadState(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	_, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1"), BackupVaultTags: map[string]string{"a": "b"}})
	require.NoError(t, err)
	_, err = c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("v1"), MinRetentionDays: aws.Int64(7), ChangeableForDays: aws.Int64(3)})
	require.NoError(t, err)
	_, err = srv.ClientFor("210987654321", "eu-west-1").CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v2")})
	require.NoError(t, err)
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: "arn:aws:dynamodb:us-east-1:123456789012:table/t", SizeBytes: 7}))

	var saved strings.Builder
	require.NoError(t, srv.SaveState(&saved))

	other := backuptest.NewServer(t)
	require.NoError(t, other.LoadState(strings.NewReader(saved.String())))
	d, err := other.Client().DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(d.Locked))
	assert.Equal(t, int64(7), aws.ToInt64(d.MinRetentionDays))
	_, err = other.ClientFor("210987654321", "eu-west-1").DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("v2")})
	require.NoError(t, err)
	r, ok := other.Resource("arn:aws:dynamodb:us-east-1:123456789012:table/t")
	require.True(t, ok)
	assert.Equal(t, "DynamoDB", r.Type)
	assert.Equal(t, int64(7), r.SizeBytes)
	// The loaded state is usable: new vaults can be added in loaded Regions.
	_, err = other.Client().CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v3")})
	require.NoError(t, err)

	var again strings.Builder
	require.NoError(t, other.SaveState(&again))
	assert.Contains(t, again.String(), `"v3"`)

	for _, bad := range []string{``, `{`, `[]`, `{"format": 2, "state": {}}`, `{"format": 1}`, `{"format":1,"state":{"Accounts":{"1":{"Regions":{"r":{"Vaults":[1]}}}}}}`} {
		err := other.LoadState(strings.NewReader(bad))
		assert.Error(t, err, "LoadState(%q)", bad)
	}
	// A failed load leaves the state alone.
	_, err = other.Client().DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("v3")})
	require.NoError(t, err)
}

func TestSaveAndLoadStateWithJobsAndPlans(t *testing.T) {
	t.Parallel()
	clk := backuptest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	opts := func(o *backuptest.Options) { o.Clock = clk; o.JobDuration = time.Minute }
	srv := backuptest.NewServer(t, opts)
	c := srv.Client()
	ctx := t.Context()
	const vol = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: vol, SizeBytes: 1 << 30}))
	_, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	plan, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String("daily"),
		Rules:          []types.BackupRuleInput{{RuleName: aws.String("r1"), TargetBackupVaultName: aws.String("v1"), ScheduleExpression: aws.String("cron(0 5 ? * * *)")}},
	}})
	require.NoError(t, err)
	done, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("v1"), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
	require.NoError(t, err)
	clk.Advance(2 * time.Minute)
	d, err := c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: done.BackupJobId})
	require.NoError(t, err)
	require.Equal(t, types.BackupJobStateCompleted, d.State)
	running, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("v1"), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
	require.NoError(t, err)

	var saved strings.Builder
	require.NoError(t, srv.SaveState(&saved))
	other := backuptest.NewServer(t, opts)
	require.NoError(t, other.LoadState(strings.NewReader(saved.String())))
	oc := other.Client()

	rps, err := oc.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	require.Len(t, rps.RecoveryPoints, 1)
	assert.Equal(t, aws.ToString(d.RecoveryPointArn), aws.ToString(rps.RecoveryPoints[0].RecoveryPointArn))
	_, err = oc.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("v1")})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire, "the loaded vault still holds its recovery point")
	gp, err := oc.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId})
	require.NoError(t, err)
	assert.Equal(t, "daily", aws.ToString(gp.BackupPlan.BackupPlanName))

	// A job that was running when the state was saved finishes after loading.
	clk.Advance(2 * time.Minute)
	rd, err := oc.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: running.BackupJobId})
	require.NoError(t, err)
	assert.Equal(t, types.BackupJobStateCompleted, rd.State)
	rps, err = oc.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	assert.Len(t, rps.RecoveryPoints, 2)
}

func TestQueryEncodingOverHTTP(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 0 })
	const hana = "arn:aws:ssm-sap:us-east-1:123456789012:HANA/app/DB/db1"
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}))
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: hana}))
	r := doRaw(t, "PUT", srv.URL+"/backup-vaults/v1", `{}`, nil)
	require.Equal(t, 200, r.status, r.raw)
	for _, arn := range []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-1", hana} {
		r = doRaw(t, "PUT", srv.URL+"/backup-jobs", `{"BackupVaultName":"v1","ResourceArn":"`+arn+`","IamRoleArn":"arn:aws:iam::123456789012:role/r"}`, nil)
		require.Equal(t, 200, r.status, r.raw)
	}
	jobs := func(query string) int {
		t.Helper()
		r := doRaw(t, "GET", srv.URL+"/backup-jobs/?"+query, "", nil)
		require.Equal(t, 200, r.status, "%s: %s", query, r.raw)
		list, _ := r.body["BackupJobs"].([]any)
		return len(list)
	}
	assert.Equal(t, 2, jobs("createdAfter=2020-01-01T00%3A00%3A00Z"), "ISO-8601 with an encoded colon")
	assert.Equal(t, 1, jobs("createdAfter=2020-01-01T00:00:00.000Z&resourceType=EBS"))
	assert.Equal(t, 0, jobs("createdAfter=2999-01-01T00%3A00%3A00Z"))
	assert.Equal(t, 1, jobs("resourceType=SAP+HANA+on+Amazon+EC2"), "+ is a space")
	assert.Equal(t, 1, jobs("resourceType=SAP%20HANA%20on%20Amazon%20EC2"))
	r = doRaw(t, "GET", srv.URL+"/backup-jobs?createdAfter=2020-13-45", "", nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "SerializationException", r.body["__type"])
	assert.Contains(t, r.body["Message"], "createdAfter")
}

// TestServerCloseIsPrompt: a connection that never sent a request (a
// client's spare dial) does not hold Close for net/http's 5 s.
func TestServerCloseIsPrompt(t *testing.T) {
	t.Parallel()
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(50 * time.Millisecond) // the server has accepted it
	start := time.Now()
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if took := time.Since(start); took >= 4*time.Second {
		t.Errorf("Close took %v with an idle new connection; want it at once", took)
	}
}
