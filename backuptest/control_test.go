package backuptest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

// control calls the control API and decodes its JSON answer into out.
func control(t *testing.T, srv *backuptest.Server, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+"/_backupkit/"+path, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var raw json.RawMessage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&raw))
	if out != nil {
		require.NoError(t, json.Unmarshal(raw, out), "body %s", raw)
	}
	return resp.StatusCode
}

func controlErr(t *testing.T, srv *backuptest.Server, method, path, body string) (int, string) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	code := control(t, srv, method, path, body, &e)
	return code, e.Error
}

func TestControlHealth(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	var h struct {
		OK          bool `json:"ok"`
		Implemented int  `json:"implemented"`
	}
	require.Equal(t, 200, control(t, srv, "GET", "health", "", &h))
	assert.True(t, h.OK)
	assert.Equal(t, len(srv.Implemented()), h.Implemented)
	code, msg := controlErr(t, srv, "GET", "nope", "")
	assert.Equal(t, 404, code)
	assert.Contains(t, msg, "no control endpoint GET /_backupkit/nope")
}

func TestControlResources(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	var added map[string]int
	require.Equal(t, 200, control(t, srv, "POST", "resources", `{"arn":"arn:aws:ec2:us-east-1:123456789012:volume/vol-1","tags":{"env":"prod"},"sizeBytes":10}`, &added))
	assert.Equal(t, 1, added["added"])
	require.Equal(t, 200, control(t, srv, "POST", "resources/", `[
		{"arn":"arn:aws:rds:us-east-1:123456789012:db:orders"},
		{"arn":"arn:aws:dynamodb:us-east-1:123456789012:table/t","attributes":{"itemCount":"3"}}]`, &added))
	assert.Equal(t, 2, added["added"])

	var list []backuptest.Resource
	require.Equal(t, 200, control(t, srv, "GET", "resources", "", &list))
	require.Len(t, list, 3)
	assert.Equal(t, "arn:aws:dynamodb:us-east-1:123456789012:table/t", list[0].ARN, "ordered by ARN")
	assert.Equal(t, "DynamoDB", list[0].Type)
	assert.Equal(t, "t", list[0].Name)
	assert.Equal(t, map[string]string{"itemCount": "3"}, list[0].Attributes)
	assert.Equal(t, "EBS", list[1].Type)
	assert.Equal(t, map[string]string{"env": "prod"}, list[1].Tags)
	assert.Equal(t, int64(10), list[1].SizeBytes)
	assert.Equal(t, "RDS", list[2].Type)
	assert.NotEmpty(t, list[2].Fingerprint)

	var deleted map[string]string
	require.Equal(t, 200, control(t, srv, "DELETE", "resources?arn=arn:aws:rds:us-east-1:123456789012:db:orders", "", &deleted))
	assert.Equal(t, "arn:aws:rds:us-east-1:123456789012:db:orders", deleted["deleted"])
	_, ok := srv.Resource("arn:aws:rds:us-east-1:123456789012:db:orders")
	assert.False(t, ok)

	for _, tt := range []struct{ method, path, body, want string }{
		{"DELETE", "resources?arn=arn:aws:rds:us-east-1:123456789012:db:orders", "", "no resource"},
		{"POST", "resources", `{"arn":"not-an-arn"}`, "not-an-arn"},
		{"POST", "resources", `{"arn":"arn:aws:sqs:us-east-1:123456789012:q"}`, "not a resource type AWS Backup supports"},
		{"POST", "resources", `{"arn":"arn:aws:ec2:us-east-1:123456789012:volume/v","bogus":1}`, "unknown field"},
		{"POST", "resources", `[{"arn":`, "invalid JSON"},
	} {
		code, msg := controlErr(t, srv, tt.method, tt.path, tt.body)
		assert.GreaterOrEqual(t, code, 400, "%s %s %s", tt.method, tt.path, tt.body)
		assert.Contains(t, msg, tt.want)
	}
}

func TestControlFaults(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	var ok map[string]bool
	require.Equal(t, 200, control(t, srv, "POST", "faults", `{"operation":"ListBackupVaults","errorCode":"ThrottlingException","count":1,"message":"slow down"}`, &ok))
	require.Equal(t, 200, control(t, srv, "POST", "faults", `{"operation":"DescribeBackupVault","errorCode":"ServiceUnavailableException","httpStatus":503,"latency":"10ms"}`, &ok))
	var list []backuptest.Fault
	require.Equal(t, 200, control(t, srv, "GET", "faults", "", &list))
	require.Len(t, list, 2)
	assert.Equal(t, backuptest.Fault{Operation: "ListBackupVaults", ErrorCode: "ThrottlingException", Count: 1, Message: "slow down"}, list[0])
	assert.Equal(t, 10*time.Millisecond, list[1].Latency)

	noRetry := func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 }
	_, err := c.ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{}, noRetry)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ThrottlingException")
	assert.Contains(t, err.Error(), "slow down")
	_, err = c.ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{}, noRetry)
	require.NoError(t, err, "count 1: only the first call fails")

	start := time.Now()
	_, err = c.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("vv")}, noRetry)
	var su *types.ServiceUnavailableException
	require.ErrorAs(t, err, &su)
	assert.GreaterOrEqual(t, time.Since(start), 10*time.Millisecond, "latency applies before the error")
	calls := srv.Calls()
	assert.Equal(t, 503, calls[len(calls)-1].Status)

	require.Equal(t, 200, control(t, srv, "DELETE", "faults", "", &ok))
	require.Equal(t, 200, control(t, srv, "GET", "faults", "", &list))
	assert.Empty(t, list)
	_, err = c.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("vv")}, noRetry)
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "faults are gone")

	for _, tt := range []struct{ body, want string }{
		{`{"latency":"soon"}`, `latency "soon"`},
		{`{"latency":"-1s"}`, `latency "-1s"`},
		{`{"rate":2}`, "rate 2"},
		{`{"rate":-0.5}`, "rate -0.5"},
		{`{"errorcode":"X","unknown":1}`, "unknown field"},
		{`nope`, "invalid JSON"},
	} {
		code, msg := controlErr(t, srv, "POST", "faults", tt.body)
		assert.Equal(t, 400, code, tt.body)
		assert.Contains(t, msg, tt.want)
	}
}

func TestControlJobFailures(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	var ok map[string]bool
	require.Equal(t, 200, control(t, srv, "POST", "job-failures", `{"jobType":"BACKUP","resourceType":"EBS","state":"FAILED","statusMessage":"disk on fire","count":1}`, &ok))
	assert.True(t, ok["ok"])
	code, msg := controlErr(t, srv, "POST", "job-failures", `{"jobType":"BACKUP","hits":3}`)
	assert.Equal(t, 400, code)
	assert.Contains(t, msg, "unknown field")
}

func TestControlCallsAndEvents(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	var calls []backuptest.Call
	require.Equal(t, 200, control(t, srv, "GET", "calls", "", &calls))
	var raw json.RawMessage
	control(t, srv, "GET", "calls", "", &raw)
	assert.JSONEq(t, `[]`, string(raw), "an empty log is an empty array, not null")
	control(t, srv, "GET", "events", "", &raw)
	assert.JSONEq(t, `[]`, string(raw))

	_, err := srv.Client().CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	_, err = srv.Client().DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("nope")})
	require.Error(t, err)
	require.Equal(t, 200, control(t, srv, "GET", "calls", "", &calls))
	require.Len(t, calls, 2, "control requests are not logged")
	assert.Equal(t, "CreateBackupVault", calls[0].Operation)
	assert.Equal(t, 200, calls[0].Status)
	assert.Equal(t, "DescribeBackupVault", calls[1].Operation)
	assert.Equal(t, "ResourceNotFoundException", calls[1].ErrorCode)
	assert.Equal(t, "us-east-1", calls[1].Region)
	assert.Equal(t, "123456789012", calls[1].Account)
	assert.False(t, calls[1].Time.IsZero())
}

func TestControlClock(t *testing.T) {
	t.Parallel()
	real := backuptest.NewServer(t)
	var clk struct {
		Now    time.Time `json:"now"`
		Manual bool      `json:"manual"`
	}
	require.Equal(t, 200, control(t, real, "GET", "clock", "", &clk))
	assert.False(t, clk.Manual)
	assert.WithinDuration(t, time.Now(), clk.Now, time.Minute)
	code, msg := controlErr(t, real, "POST", "clock", `{"advance":"1h"}`)
	assert.Equal(t, 409, code)
	assert.Contains(t, msg, "real time")

	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mc := backuptest.NewManualClock(t0)
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = mc })
	require.Equal(t, 200, control(t, srv, "GET", "clock", "", &clk))
	assert.True(t, clk.Manual)
	assert.Equal(t, t0, clk.Now)
	require.Equal(t, 200, control(t, srv, "POST", "clock", `{"advance":"90m"}`, &clk))
	assert.Equal(t, t0.Add(90*time.Minute), clk.Now)
	assert.Equal(t, t0.Add(90*time.Minute), mc.Now())
	require.Equal(t, 200, control(t, srv, "POST", "clock", `{"set":"2026-02-01T00:00:00Z"}`, &clk))
	assert.Equal(t, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), clk.Now)
	require.Equal(t, 200, control(t, srv, "POST", "clock", `{"set":"2025-01-01T00:00:00Z"}`, &clk))
	assert.Equal(t, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), clk.Now, "time never runs backwards")

	// The API sees the moved clock.
	out, err := srv.Client().CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), out.CreationDate.UTC())

	for _, body := range []string{`{"advance":"-1h"}`, `{"advance":"x"}`, `{"set":"tomorrow"}`, `{"speed":2}`} {
		code, _ := controlErr(t, srv, "POST", "clock", body)
		assert.Equal(t, 400, code, body)
	}
}

func TestControlReset(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}))
	srv.InjectFault(backuptest.Fault{Operation: "CreateBackupVault", ErrorCode: "ThrottlingException"})

	var ok map[string]bool
	require.Equal(t, 200, control(t, srv, "POST", "reset", "", &ok))
	assert.Empty(t, srv.Calls())
	assert.Empty(t, srv.Resources())
	out, err := c.ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{})
	require.NoError(t, err)
	assert.Empty(t, out.BackupVaultList)
	_, err = c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err, "faults are gone and the name is free again")
}

func TestControlJobFailuresAndEventsOverHTTP(t *testing.T) {
	t.Parallel()
	clk := backuptest.NewManualClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clk; o.JobDuration = time.Minute })
	c := srv.Client()
	ctx := t.Context()
	const ok1, bad = "arn:aws:ec2:us-east-1:123456789012:volume/vol-ok", "arn:aws:ec2:us-east-1:123456789012:volume/vol-bad"
	var added map[string]int
	require.Equal(t, 200, control(t, srv, "POST", "resources", `[{"arn":"`+ok1+`"},{"arn":"`+bad+`"}]`, &added))
	require.Equal(t, 200, control(t, srv, "POST", "job-failures", `{"jobType":"BACKUP","resourceArn":"`+bad+`","statusMessage":"disk on fire","count":1}`, nil))
	_, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1")})
	require.NoError(t, err)
	ids := map[string]string{}
	for _, arn := range []string{ok1, bad} {
		out, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("v1"), ResourceArn: aws.String(arn), IamRoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
		require.NoError(t, err)
		ids[arn] = aws.ToString(out.BackupJobId)
	}
	var clock map[string]any
	require.Equal(t, 200, control(t, srv, "POST", "clock", `{"advance":"5m"}`, &clock))

	d, err := c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(ids[bad])})
	require.NoError(t, err)
	assert.Equal(t, types.BackupJobStateFailed, d.State)
	assert.Equal(t, "disk on fire", aws.ToString(d.StatusMessage))
	d, err = c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(ids[ok1])})
	require.NoError(t, err)
	assert.Equal(t, types.BackupJobStateCompleted, d.State)

	var events []struct {
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Account    string          `json:"account"`
		Region     string          `json:"region"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}
	require.Equal(t, 200, control(t, srv, "GET", "events", "", &events))
	final := map[string]string{}
	for _, ev := range events {
		assert.Equal(t, "aws.backup", ev.Source)
		assert.Equal(t, "123456789012", ev.Account)
		assert.Equal(t, "us-east-1", ev.Region)
		if ev.DetailType != "Backup Job State Change" {
			continue
		}
		var detail struct {
			BackupJobID string `json:"backupJobId"`
			State       string `json:"state"`
		}
		require.NoError(t, json.Unmarshal(ev.Detail, &detail))
		final[detail.BackupJobID] = detail.State
	}
	assert.Equal(t, map[string]string{ids[ok1]: "COMPLETED", ids[bad]: "FAILED"}, final, "the last state-change event of each job")
}
