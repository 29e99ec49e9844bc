package dashboard_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	qstypes "github.com/aws/aws-sdk-go-v2/service/quicksight/types"

	"github.com/backupkit/backupkit/dashboard"
	"github.com/backupkit/backupkit/restore"
)

func TestDataset(t *testing.T) {
	t.Parallel()
	var csvBuf, jsonl bytes.Buffer
	w, err := dashboard.NewDatasetWriter(&csvBuf, &jsonl)
	if err != nil {
		t.Fatal(err)
	}
	r := genReport(3, 4, 10, t0, time.Hour)
	r.Targets[3].ResourceARN = "arn:aws:s3:::assets,\"quoted\""
	r.Targets[3].RecoveryPointARN = "arn:aws:backup:eu-west-1:210987654321:recovery-point:abc"
	r.Targets[3].Error = "line one\nline two"
	r.Policy = &restore.Policy{Name: "gold"}
	if err := w.Add(r); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&csvBuf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || len(recs[0]) != len(dashboard.DatasetColumns()) || recs[0][0] != "date_utc" {
		t.Fatalf("CSV: %d records, header %v", len(recs), recs[0])
	}
	if got := recs[1]; got[0] != "2026-03-01 05:00:00" || got[2] != "123456789012" || got[3] != "us-east-1" || got[15] != "gold" {
		t.Errorf("row 1 = %v; want date, account, Region and policy", got)
	}
	if got := recs[4]; got[5] != "arn:aws:s3:::assets,\"quoted\"" || got[2] != "210987654321" || got[3] != "eu-west-1" || got[16] != "line one\nline two" {
		t.Errorf("row 4 = %q; want the bucket with account/Region from its recovery point and the error intact", got)
	}
	sc := bufio.NewScanner(&jsonl)
	n := 0
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("JSON line %d: %v: %s", n, err, sc.Text())
		}
		if _, ok := m["rto_seconds"].(float64); !ok || m["verdict"] == nil || len(m) != len(dashboard.DatasetColumns()) {
			t.Errorf("JSON line %d = %v; want every column, numbers as numbers", n, m)
		}
		n++
	}
	if n != 4 || w.Rows() != 4 {
		t.Errorf("%d JSON lines, %d rows; want 4", n, w.Rows())
	}
}

func TestManifest(t *testing.T) {
	t.Parallel()
	b, err := dashboard.Manifest("s3://bucket/drills/drills.csv")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		FileLocations []struct {
			URIs []string `json:"URIs"`
		} `json:"fileLocations"`
		GlobalUploadSettings map[string]string `json:"globalUploadSettings"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.FileLocations) != 1 || m.FileLocations[0].URIs[0] != "s3://bucket/drills/drills.csv" ||
		m.GlobalUploadSettings["format"] != "CSV" || m.GlobalUploadSettings["containsHeader"] != "true" || m.GlobalUploadSettings["textqualifier"] != `"` {
		t.Errorf("manifest = %s", b)
	}
	if _, err := dashboard.Manifest("/tmp/x.csv"); err == nil {
		t.Error("Manifest accepted a local path")
	}
}

// fakeQuickSight records calls; the data source reports
// CREATION_IN_PROGRESS once, then CREATION_SUCCESSFUL.
type fakeQuickSight struct {
	exists   bool
	status   []qstypes.ResourceStatus
	calls    []string
	dataSet  *quicksight.CreateDataSetInput
	createDS *quicksight.CreateDataSourceInput
}

var errExists = &qstypes.ResourceExistsException{Message: aws.String("exists")}

func (f *fakeQuickSight) CreateDataSource(_ context.Context, in *quicksight.CreateDataSourceInput, _ ...func(*quicksight.Options)) (*quicksight.CreateDataSourceOutput, error) {
	f.calls = append(f.calls, "CreateDataSource")
	f.createDS = in
	if f.exists {
		return nil, errExists
	}
	return &quicksight.CreateDataSourceOutput{Arn: aws.String("arn:aws:quicksight:us-east-1:123456789012:datasource/" + *in.DataSourceId)}, nil
}

func (f *fakeQuickSight) UpdateDataSource(_ context.Context, in *quicksight.UpdateDataSourceInput, _ ...func(*quicksight.Options)) (*quicksight.UpdateDataSourceOutput, error) {
	f.calls = append(f.calls, "UpdateDataSource")
	return &quicksight.UpdateDataSourceOutput{Arn: aws.String("arn:aws:quicksight:us-east-1:123456789012:datasource/" + *in.DataSourceId)}, nil
}

func (f *fakeQuickSight) DescribeDataSource(_ context.Context, in *quicksight.DescribeDataSourceInput, _ ...func(*quicksight.Options)) (*quicksight.DescribeDataSourceOutput, error) {
	f.calls = append(f.calls, "DescribeDataSource")
	s := f.status[0]
	if len(f.status) > 1 {
		f.status = f.status[1:]
	}
	return &quicksight.DescribeDataSourceOutput{DataSource: &qstypes.DataSource{Status: s}}, nil
}

func (f *fakeQuickSight) CreateDataSet(_ context.Context, in *quicksight.CreateDataSetInput, _ ...func(*quicksight.Options)) (*quicksight.CreateDataSetOutput, error) {
	f.calls = append(f.calls, "CreateDataSet")
	f.dataSet = in
	if f.exists {
		return nil, errExists
	}
	return &quicksight.CreateDataSetOutput{Arn: aws.String("arn:aws:quicksight:us-east-1:123456789012:dataset/" + *in.DataSetId)}, nil
}

func (f *fakeQuickSight) UpdateDataSet(_ context.Context, in *quicksight.UpdateDataSetInput, _ ...func(*quicksight.Options)) (*quicksight.UpdateDataSetOutput, error) {
	f.calls = append(f.calls, "UpdateDataSet")
	return &quicksight.UpdateDataSetOutput{Arn: aws.String("arn:aws:quicksight:us-east-1:123456789012:dataset/" + *in.DataSetId)}, nil
}

func TestCreateQuickSight(t *testing.T) {
	t.Parallel()
	noSleep := func(context.Context, time.Duration) error { return nil }
	in := dashboard.QuickSightInput{AccountID: "123456789012", ManifestBucket: "evidence", ManifestKey: "drills/manifest.json",
		Principal: "arn:aws:quicksight:us-east-1:123456789012:user/default/alice", Sleep: noSleep}
	f := &fakeQuickSight{status: []qstypes.ResourceStatus{qstypes.ResourceStatusCreationInProgress, qstypes.ResourceStatusCreationSuccessful}}
	res, err := dashboard.CreateQuickSight(t.Context(), f, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.calls, ","); got != "CreateDataSource,DescribeDataSource,DescribeDataSource,CreateDataSet" {
		t.Errorf("calls %s", got)
	}
	if res.DataSetARN != "arn:aws:quicksight:us-east-1:123456789012:dataset/backupkit-drills" || res.DataSourceUpdated || res.DataSetUpdated {
		t.Errorf("result %+v", res)
	}
	if f.createDS.Type != qstypes.DataSourceTypeS3 || *f.createDS.DataSourceParameters.(*qstypes.DataSourceParametersMemberS3Parameters).Value.ManifestFileLocation.Key != "drills/manifest.json" {
		t.Errorf("data source input %+v", f.createDS)
	}
	src := f.dataSet.PhysicalTableMap["drills"].(*qstypes.PhysicalTableMemberS3Source).Value
	if len(src.InputColumns) != len(dashboard.DatasetColumns()) || *src.DataSourceArn != res.DataSourceARN || src.UploadSettings.Format != qstypes.FileFormatCsv {
		t.Errorf("S3 source %+v", src)
	}
	for _, c := range src.InputColumns {
		if c.Type != qstypes.InputColumnDataTypeString {
			t.Errorf("input column %s is %s; CSV sources take only STRING", *c.Name, c.Type)
		}
	}
	casts := 0
	for _, op := range f.dataSet.LogicalTableMap["drills-typed"].DataTransforms {
		if c, ok := op.(*qstypes.TransformOperationMemberCastColumnTypeOperation); ok {
			casts++
			if *c.Value.ColumnName == "date_utc" && c.Value.NewColumnType != qstypes.ColumnDataTypeDatetime {
				t.Errorf("date_utc cast to %s", c.Value.NewColumnType)
			}
		}
	}
	if casts != 6 || f.dataSet.ImportMode != qstypes.DataSetImportModeSpice || len(f.dataSet.Permissions) != 1 {
		t.Errorf("%d casts, import mode %s, %d permissions; want 6 (date + 5 numbers), SPICE, 1", casts, f.dataSet.ImportMode, len(f.dataSet.Permissions))
	}

	// A second run updates what exists.
	f2 := &fakeQuickSight{exists: true, status: []qstypes.ResourceStatus{qstypes.ResourceStatusUpdateSuccessful}}
	res, err = dashboard.CreateQuickSight(t.Context(), f2, in)
	if err != nil || !res.DataSourceUpdated || !res.DataSetUpdated {
		t.Errorf("existing resources: %+v, %v; want both updated", res, err)
	}
	// A failed data source stops before the data set.
	f3 := &fakeQuickSight{status: []qstypes.ResourceStatus{qstypes.ResourceStatusCreationFailed}}
	if _, err := dashboard.CreateQuickSight(t.Context(), f3, in); err == nil || !strings.Contains(err.Error(), "CREATION_FAILED") || strings.Contains(strings.Join(f3.calls, ","), "CreateDataSet") {
		t.Errorf("failed data source: %v, calls %v", err, f3.calls)
	}
	// Bad input is refused before any call, every problem at once.
	f4 := &fakeQuickSight{}
	_, err = dashboard.CreateQuickSight(t.Context(), f4, dashboard.QuickSightInput{AccountID: "12", DataSetID: "bad id", ManifestBucket: "b", ManifestKey: "m.csv", Principal: "alice"})
	var ve *dashboard.ValidationError
	if !errors.As(err, &ve) || len(f4.calls) != 0 || strings.Count(err.Error(), "\n") != 3 {
		t.Errorf("bad input: %v (calls %v); want 4 validation errors and no call", err, f4.calls)
	}
}
