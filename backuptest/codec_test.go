package backuptest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func decodeFor[T any](t *testing.T, op, rawQuery string, labels map[string]string, body string) (*T, error) {
	t.Helper()
	rt := newRouter().byName[op]
	require.NotNil(t, rt, "no route for %s", op)
	q, err := url.ParseQuery(rawQuery)
	require.NoError(t, err)
	var fi fieldIndex
	in := new(T)
	return in, fi.decodeRequest(in, rt, labels, q, []byte(body))
}

func TestDecodeQuery(t *testing.T) {
	t.Parallel()
	in, err := decodeFor[awsbackup.ListBackupJobsInput](t, "ListBackupJobs",
		"createdAfter=2023-11-14T22%3A13%3A20Z&createdBefore=2023-11-15T01%3A02%3A03.250Z&completeAfter=1700000000.5"+
			"&resourceType=SAP+HANA+on+Amazon+EC2&state=COMPLETED&maxResults=25&nextToken=abc%2Bdef&backupVaultName=myVault", nil, "")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC), aws.ToTime(in.ByCreatedAfter).UTC(), "ISO-8601 query timestamp")
	assert.Equal(t, time.Date(2023, 11, 15, 1, 2, 3, 250e6, time.UTC), aws.ToTime(in.ByCreatedBefore).UTC(), "fractional ISO-8601")
	assert.Equal(t, time.Unix(1700000000, 500e6).UTC(), aws.ToTime(in.ByCompleteAfter).UTC(), "epoch seconds are tolerated in queries")
	assert.Equal(t, "SAP HANA on Amazon EC2", aws.ToString(in.ByResourceType), "+ in a query is a space")
	assert.Equal(t, types.BackupJobStateCompleted, in.ByState)
	assert.Equal(t, int32(25), aws.ToInt32(in.MaxResults))
	assert.Equal(t, "abc+def", aws.ToString(in.NextToken), "%2B is a literal +")
	assert.Equal(t, "myVault", aws.ToString(in.ByBackupVaultName))
	assert.Nil(t, in.ByAccountId, "absent query members stay nil")
}

func TestDecodeQueryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, query, want string }{
		{"bad timestamp", "createdAfter=yesterday", `createdAfter: "yesterday" is not a valid timestamp`},
		{"not an integer", "maxResults=ten", `maxResults: "ten" is not an integer`},
		{"int32 overflow", "maxResults=4294967296", `maxResults: "4294967296" is not an integer`},
		{"NaN timestamp", "createdAfter=NaN", "is not a valid timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeFor[awsbackup.ListBackupJobsInput](t, "ListBackupJobs", tt.query, nil, "")
			var de *decodeError
			require.ErrorAs(t, err, &de)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestDecodeLabels(t *testing.T) {
	t.Parallel()
	in, err := decodeFor[awsbackup.DescribeRecoveryPointInput](t, "DescribeRecoveryPoint", "",
		map[string]string{"BackupVaultName": "myVault", "RecoveryPointArn": rawARN}, "")
	require.NoError(t, err)
	assert.Equal(t, "myVault", aws.ToString(in.BackupVaultName))
	assert.Equal(t, rawARN, aws.ToString(in.RecoveryPointArn))
}

func TestDecodeBody(t *testing.T) {
	t.Parallel()
	in, err := decodeFor[awsbackup.CreateLegalHoldInput](t, "CreateLegalHold", "", nil, `{
		"Title": "audit",
		"Description": "keep",
		"IdempotencyToken": "tok",
		"RecoveryPointSelection": {
			"VaultNames": ["a", "b"],
			"DateRange": {"FromDate": 1568928754.747, "ToDate": 1568928800}
		},
		"Tags": {"k": "v"},
		"UnknownMember": {"ignored": true}
	}`)
	require.NoError(t, err)
	assert.Equal(t, "audit", aws.ToString(in.Title))
	require.NotNil(t, in.RecoveryPointSelection)
	assert.Equal(t, []string{"a", "b"}, in.RecoveryPointSelection.VaultNames)
	assert.Equal(t, time.Unix(1568928754, 747e6).UTC(), aws.ToTime(in.RecoveryPointSelection.DateRange.FromDate), "epoch seconds with a fraction")
	assert.Equal(t, time.Unix(1568928800, 0).UTC(), aws.ToTime(in.RecoveryPointSelection.DateRange.ToDate))
	assert.Equal(t, map[string]string{"k": "v"}, in.Tags)

	plan, err := decodeFor[awsbackup.CreateBackupPlanInput](t, "CreateBackupPlan", "", nil, `{"BackupPlan": {"BackupPlanName": "p",
		"Rules": [{"RuleName": "r", "TargetBackupVaultName": "v", "StartWindowMinutes": 60,
		"Lifecycle": {"DeleteAfterDays": 120, "MoveToColdStorageAfterDays": 30}, "EnableContinuousBackup": false}]}}`)
	require.NoError(t, err)
	require.Len(t, plan.BackupPlan.Rules, 1)
	r := plan.BackupPlan.Rules[0]
	assert.Equal(t, int64(60), aws.ToInt64(r.StartWindowMinutes))
	assert.Equal(t, int64(120), aws.ToInt64(r.Lifecycle.DeleteAfterDays))
	assert.False(t, aws.ToBool(r.EnableContinuousBackup))
	assert.NotNil(t, r.EnableContinuousBackup, "an explicit false is kept")
}

func TestDecodeBodyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"not JSON", `{"BackupPlan":`, "request body is not valid JSON"},
		{"array", `[1,2]`, "request body must be a JSON object"},
		{"trailing data", `{} {}`, "trailing data"},
		{"string for integer", `{"BackupPlan":{"Rules":[{"StartWindowMinutes":"60"}]}}`, "BackupPlan.Rules[0].StartWindowMinutes: expected an integer"},
		{"fraction for integer", `{"BackupPlan":{"Rules":[{"StartWindowMinutes":1.5}]}}`, "BackupPlan.Rules[0].StartWindowMinutes: 1.5 is not an integer in range"},
		{"number for string", `{"BackupPlan":{"BackupPlanName":5}}`, "BackupPlan.BackupPlanName: expected a string"},
		{"object for list", `{"BackupPlan":{"Rules":{}}}`, "BackupPlan.Rules: expected a list"},
		{"string for bool", `{"BackupPlan":{"Rules":[{"EnableContinuousBackup":"yes"}]}}`, "expected a boolean"},
		{"list for map", `{"BackupPlanTags":["a"]}`, "BackupPlanTags: expected an object"},
		{"number in map", `{"BackupPlanTags":{"a":1}}`, "BackupPlanTags.a: expected a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeFor[awsbackup.CreateBackupPlanInput](t, "CreateBackupPlan", "", nil, tt.body)
			var de *decodeError
			require.ErrorAs(t, err, &de)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := decodeFor[awsbackup.CreateLegalHoldInput](t, "CreateLegalHold", "", nil, `{"RecoveryPointSelection":{"DateRange":{"FromDate":true}}}`)
	var de *decodeError
	require.True(t, errors.As(err, &de))
	assert.Contains(t, err.Error(), "RecoveryPointSelection.DateRange.FromDate: expected a timestamp")
}

func TestEncode(t *testing.T) {
	t.Parallel()
	created := time.Date(2019, 9, 19, 21, 32, 34, 747e6, time.UTC)
	out := &awsbackup.DescribeBackupVaultOutput{
		BackupVaultName:        aws.String(`a"b<c>`),
		CreationDate:           &created,
		Locked:                 aws.Bool(false),
		NumberOfRecoveryPoints: 3,
		VaultType:              types.VaultTypeBackupVault,
	}
	var fi fieldIndex
	var buf bytes.Buffer
	fi.encode(&buf, reflect.ValueOf(out))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got), "encoded %s", buf.String())
	assert.Equal(t, map[string]any{
		"BackupVaultName":        `a"b<c>`,
		"CreationDate":           1568928754.747,
		"Locked":                 false,
		"NumberOfRecoveryPoints": float64(3),
		"VaultType":              "BACKUP_VAULT",
	}, got, "nil members and unset enums are omitted; timestamps are epoch seconds")
	assert.Contains(t, buf.String(), `"CreationDate":1568928754.747`)
	assert.NotContains(t, buf.String(), "ResultMetadata")

	buf.Reset()
	fi.encode(&buf, reflect.ValueOf(&awsbackup.GetBackupVaultNotificationsOutput{
		BackupVaultEvents: []types.BackupVaultEvent{types.BackupVaultEventBackupJobCompleted},
	}))
	assert.JSONEq(t, `{"BackupVaultEvents":["BACKUP_JOB_COMPLETED"]}`, buf.String())

	buf.Reset()
	fi.encode(&buf, reflect.ValueOf(&awsbackup.ListTagsOutput{Tags: map[string]string{"k\n": "v\u2028"}}))
	assert.JSONEq(t, `{"Tags":{"k\n":"v\u2028"}}`, buf.String())
}
