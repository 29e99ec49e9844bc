package dashboard

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	qstypes "github.com/aws/aws-sdk-go-v2/service/quicksight/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/sleep"
	"github.com/backupkit/backupkit/restore"
)

// Row is one drilled target of the flat data set.
type Row struct {
	// Date is when the drill started (UTC).
	Date       time.Time
	DrillID    string
	Account    string
	Region     string
	Type       string
	Resource   string
	Verdict    string // passed or failed
	RTO        float64
	RTORestore float64
	RPO        float64
	MaxRTO     float64
	MaxRPO     float64
	RTOMet     bool
	RPOMet     bool
	Objective  string
	Policy     string
	Error      string
}

// DatasetColumn is one column of the data set: its name in the files and
// the QuickSight type it is cast to ("STRING", "DECIMAL", "DATETIME").
type DatasetColumn struct{ Name, Type string }

// DatasetColumns returns the data set's columns in file order (a new
// slice on each call).
func DatasetColumns() []DatasetColumn { return slices.Clone(datasetColumns) }

var datasetColumns = []DatasetColumn{
	{"date_utc", "DATETIME"}, {"drill_id", "STRING"}, {"account", "STRING"}, {"region", "STRING"},
	{"resource_type", "STRING"}, {"resource_arn", "STRING"}, {"verdict", "STRING"},
	{"rto_seconds", "DECIMAL"}, {"rto_restore_seconds", "DECIMAL"}, {"rpo_seconds", "DECIMAL"},
	{"max_rto_seconds", "DECIMAL"}, {"max_rpo_seconds", "DECIMAL"}, {"rto_met", "STRING"}, {"rpo_met", "STRING"},
	{"objective", "STRING"}, {"policy", "STRING"}, {"error", "STRING"},
}

// DatasetDateFormat is the layout of date_utc ("yyyy-MM-dd HH:mm:ss").
const DatasetDateFormat = "2006-01-02 15:04:05"

// RowsOf flattens a report: one row per target. Account and Region come
// from the resource's ARN, or from the recovery point's when the resource
// ARN has none (S3 buckets).
func RowsOf(r *restore.Report) []Row {
	rows := make([]Row, 0, len(r.Targets))
	policy := ""
	if r.Policy != nil {
		policy = r.Policy.Name
	}
	for i := range r.Targets {
		t := &r.Targets[i]
		acct, region := arnPlace(t.ResourceARN)
		if acct == "" || region == "" {
			a2, r2 := arnPlace(t.RecoveryPointARN)
			acct, region = cmpOr(acct, a2), cmpOr(region, r2)
		}
		rows = append(rows, Row{Date: r.StartedAt.UTC(), DrillID: r.DrillID, Account: acct, Region: region, Type: string(t.ResourceType),
			Resource: t.ResourceARN, Verdict: t.Status, RTO: t.RTOTotalSeconds, RTORestore: t.RTORestoreSeconds, RPO: t.RPOSeconds,
			MaxRTO: t.MaxRTOSeconds, MaxRPO: t.MaxRPOSeconds, RTOMet: t.RTOMet, RPOMet: t.RPOMet, Objective: t.Objective, Policy: policy, Error: t.Error})
	}
	return rows
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func arnPlace(s string) (account, region string) {
	a, err := arn.Parse(s)
	if err != nil {
		return "", ""
	}
	return a.AccountID, a.Region
}

func (r Row) fields() []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return []string{r.Date.Format(DatasetDateFormat), r.DrillID, r.Account, r.Region, r.Type, r.Resource, r.Verdict,
		f(r.RTO), f(r.RTORestore), f(r.RPO), f(r.MaxRTO), f(r.MaxRPO), strconv.FormatBool(r.RTOMet), strconv.FormatBool(r.RPOMet),
		r.Objective, r.Policy, r.Error}
}

// DatasetWriter writes rows as CSV (with a header) and as JSON lines (one
// object per row, keyed by the column names, numbers as numbers).
type DatasetWriter struct {
	csv   *csv.Writer
	jsonl io.Writer
	buf   []byte
	rows  int
}

// NewDatasetWriter writes CSV to csvW and JSON lines to jsonlW (either may
// be nil).
func NewDatasetWriter(csvW, jsonlW io.Writer) (*DatasetWriter, error) {
	d := &DatasetWriter{jsonl: jsonlW}
	if csvW != nil {
		d.csv = csv.NewWriter(csvW)
		header := make([]string, len(datasetColumns))
		for i, c := range datasetColumns {
			header[i] = c.Name
		}
		if err := d.csv.Write(header); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Add writes the rows of one report.
func (d *DatasetWriter) Add(r *restore.Report) error {
	for _, row := range RowsOf(r) {
		fs := row.fields()
		if d.csv != nil {
			if err := d.csv.Write(fs); err != nil {
				return err
			}
		}
		if d.jsonl != nil {
			d.buf = append(d.buf[:0], '{')
			for i, c := range datasetColumns {
				if i > 0 {
					d.buf = append(d.buf, ',')
				}
				d.buf = strconv.AppendQuote(d.buf, c.Name)
				d.buf = append(d.buf, ':')
				switch c.Type {
				case "DECIMAL":
					d.buf = append(d.buf, fs[i]...)
				default:
					b, _ := json.Marshal(fs[i])
					d.buf = append(d.buf, b...)
				}
			}
			d.buf = append(d.buf, '}', '\n')
			if _, err := d.jsonl.Write(d.buf); err != nil {
				return err
			}
		}
		d.rows++
	}
	return nil
}

// Rows is the number of rows written.
func (d *DatasetWriter) Rows() int { return d.rows }

// Flush flushes the CSV writer.
func (d *DatasetWriter) Flush() error {
	if d.csv == nil {
		return nil
	}
	d.csv.Flush()
	return d.csv.Error()
}

// Manifest returns a QuickSight S3 manifest for the CSV files at uris
// (s3:// URIs): the documented fileLocations/globalUploadSettings format,
// CSV with a header row, comma-delimited, double-quote qualified.
// (https://docs.aws.amazon.com/quicksight/latest/user/supported-manifest-file-format.html)
func Manifest(uris ...string) ([]byte, error) {
	if len(uris) == 0 {
		return nil, &ValidationError{Field: "uris", Reason: "at least one s3:// URI is required"}
	}
	for i, u := range uris {
		if !strings.HasPrefix(u, "s3://") || len(u) <= len("s3://") {
			return nil, &ValidationError{Field: fmt.Sprintf("uris[%d]", i), Reason: fmt.Sprintf("%q is not an s3:// URI", u)}
		}
	}
	m := map[string]any{
		"fileLocations": []map[string][]string{{"URIs": uris}},
		"globalUploadSettings": map[string]string{
			"format": "CSV", "delimiter": ",", "textqualifier": "\"", "containsHeader": "true",
		},
	}
	return json.MarshalIndent(m, "", "  ")
}

// ValidationError reports a bad argument, naming it: the one validation
// error type of every backupkit package, so errors.As works the same on
// all of them.
type ValidationError = backup.ValidationError

// QuickSightAPI is the part of the QuickSight client CreateQuickSight uses.
type QuickSightAPI interface {
	CreateDataSource(context.Context, *quicksight.CreateDataSourceInput, ...func(*quicksight.Options)) (*quicksight.CreateDataSourceOutput, error)
	UpdateDataSource(context.Context, *quicksight.UpdateDataSourceInput, ...func(*quicksight.Options)) (*quicksight.UpdateDataSourceOutput, error)
	DescribeDataSource(context.Context, *quicksight.DescribeDataSourceInput, ...func(*quicksight.Options)) (*quicksight.DescribeDataSourceOutput, error)
	CreateDataSet(context.Context, *quicksight.CreateDataSetInput, ...func(*quicksight.Options)) (*quicksight.CreateDataSetOutput, error)
	UpdateDataSet(context.Context, *quicksight.UpdateDataSetInput, ...func(*quicksight.Options)) (*quicksight.UpdateDataSetOutput, error)
}

var _ QuickSightAPI = (*quicksight.Client)(nil)

// QuickSightInput names what CreateQuickSight creates.
type QuickSightInput struct {
	// AccountID is the QuickSight account (12 digits).
	AccountID string
	// DataSourceID and DataSetID identify the resources; default
	// "backupkit-drills". 1–128 of letters, digits, '-' and '_'.
	DataSourceID, DataSetID string
	// Name is the display name; default "backupkit restore drills".
	Name string
	// ManifestBucket and ManifestKey locate the manifest in S3.
	ManifestBucket, ManifestKey string
	// Principal, when set, is granted owner permissions on both (a
	// QuickSight user or group ARN); otherwise only QuickSight admins see
	// them.
	Principal string
	// Sleep waits between DescribeDataSource polls (a test seam). Default
	// a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxWait bounds the wait for the data source. Default 2 minutes.
	MaxWait time.Duration
}

// QuickSightResult reports what CreateQuickSight did.
type QuickSightResult struct {
	DataSourceARN, DataSetARN string
	// DataSourceUpdated and DataSetUpdated are true when the resource
	// existed and was updated instead of created.
	DataSourceUpdated, DataSetUpdated bool
}

var quickSightIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func (in *QuickSightInput) check() error {
	var errs []error
	bad := func(f, r string) { errs = append(errs, &ValidationError{Field: f, Reason: r}) }
	if !regexp.MustCompile(`^\d{12}$`).MatchString(in.AccountID) {
		bad("AccountID", fmt.Sprintf("%q: want 12 digits", in.AccountID))
	}
	if !quickSightIDRE.MatchString(in.DataSourceID) {
		bad("DataSourceID", fmt.Sprintf("%q: want 1–128 letters, digits, '-' or '_'", in.DataSourceID))
	}
	if !quickSightIDRE.MatchString(in.DataSetID) {
		bad("DataSetID", fmt.Sprintf("%q: want 1–128 letters, digits, '-' or '_'", in.DataSetID))
	}
	if in.ManifestBucket == "" || in.ManifestKey == "" || !strings.HasSuffix(in.ManifestKey, ".json") {
		bad("ManifestKey", fmt.Sprintf("s3://%s/%s: want a bucket and a key ending in .json", in.ManifestBucket, in.ManifestKey))
	}
	if in.Principal != "" {
		if a, err := arn.Parse(in.Principal); err != nil || a.Service != "quicksight" {
			bad("Principal", fmt.Sprintf("%q is not a QuickSight user or group ARN", in.Principal))
		}
	}
	return errors.Join(errs...)
}

// CreateQuickSight creates (or, when they exist, updates) a QuickSight S3
// data source over the manifest and a SPICE data set with the data set's
// columns: read as STRING (QuickSight takes only STRING input columns from
// files that are not JSON) and cast to DATETIME or DECIMAL in the logical
// table. It waits for the data source to be created before making the data
// set.
func CreateQuickSight(ctx context.Context, api QuickSightAPI, in QuickSightInput) (*QuickSightResult, error) {
	if in.DataSourceID == "" {
		in.DataSourceID = "backupkit-drills"
	}
	if in.DataSetID == "" {
		in.DataSetID = "backupkit-drills"
	}
	if in.Name == "" {
		in.Name = "backupkit restore drills"
	}
	if in.Sleep == nil {
		in.Sleep = sleep.For
	}
	if in.MaxWait <= 0 {
		in.MaxWait = 2 * time.Minute
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	res := &QuickSightResult{}
	params := &qstypes.DataSourceParametersMemberS3Parameters{Value: qstypes.S3Parameters{
		ManifestFileLocation: &qstypes.ManifestFileLocation{Bucket: aws.String(in.ManifestBucket), Key: aws.String(in.ManifestKey)}}}
	var perms []qstypes.ResourcePermission
	if in.Principal != "" {
		perms = []qstypes.ResourcePermission{{Principal: aws.String(in.Principal), Actions: []string{
			"quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource",
			"quicksight:UpdateDataSource", "quicksight:DeleteDataSource", "quicksight:UpdateDataSourcePermissions"}}}
	}
	ds, err := api.CreateDataSource(ctx, &quicksight.CreateDataSourceInput{AwsAccountId: aws.String(in.AccountID), DataSourceId: aws.String(in.DataSourceID),
		Name: aws.String(in.Name), Type: qstypes.DataSourceTypeS3, DataSourceParameters: params, Permissions: perms})
	var exists *qstypes.ResourceExistsException
	switch {
	case err == nil:
		res.DataSourceARN = aws.ToString(ds.Arn)
	case errors.As(err, &exists):
		up, err := api.UpdateDataSource(ctx, &quicksight.UpdateDataSourceInput{AwsAccountId: aws.String(in.AccountID), DataSourceId: aws.String(in.DataSourceID),
			Name: aws.String(in.Name), DataSourceParameters: params})
		if err != nil {
			return nil, fmt.Errorf("update QuickSight data source %s: %w", in.DataSourceID, err)
		}
		res.DataSourceARN, res.DataSourceUpdated = aws.ToString(up.Arn), true
	default:
		return nil, fmt.Errorf("create QuickSight data source %s: %w", in.DataSourceID, err)
	}
	if err := waitDataSource(ctx, api, in); err != nil {
		return nil, err
	}
	physical := map[string]qstypes.PhysicalTable{"drills": &qstypes.PhysicalTableMemberS3Source{Value: qstypes.S3Source{
		DataSourceArn: aws.String(res.DataSourceARN),
		InputColumns:  inputColumns(),
		UploadSettings: &qstypes.UploadSettings{Format: qstypes.FileFormatCsv, ContainsHeader: aws.Bool(true), Delimiter: aws.String(","),
			TextQualifier: qstypes.TextQualifierDoubleQuote, StartFromRow: aws.Int32(1)},
	}}}
	logical := map[string]qstypes.LogicalTable{"drills-typed": {Alias: aws.String("drills"),
		Source: &qstypes.LogicalTableSource{PhysicalTableId: aws.String("drills")}, DataTransforms: castColumns()}}
	if in.Principal != "" {
		perms = []qstypes.ResourcePermission{{Principal: aws.String(in.Principal), Actions: []string{
			"quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:PassDataSet", "quicksight:DescribeIngestion",
			"quicksight:ListIngestions", "quicksight:UpdateDataSet", "quicksight:DeleteDataSet", "quicksight:CreateIngestion",
			"quicksight:CancelIngestion", "quicksight:UpdateDataSetPermissions"}}}
	}
	set, err := api.CreateDataSet(ctx, &quicksight.CreateDataSetInput{AwsAccountId: aws.String(in.AccountID), DataSetId: aws.String(in.DataSetID),
		Name: aws.String(in.Name), ImportMode: qstypes.DataSetImportModeSpice, PhysicalTableMap: physical, LogicalTableMap: logical, Permissions: perms})
	switch {
	case err == nil:
		res.DataSetARN = aws.ToString(set.Arn)
	case errors.As(err, &exists):
		up, err := api.UpdateDataSet(ctx, &quicksight.UpdateDataSetInput{AwsAccountId: aws.String(in.AccountID), DataSetId: aws.String(in.DataSetID),
			Name: aws.String(in.Name), ImportMode: qstypes.DataSetImportModeSpice, PhysicalTableMap: physical, LogicalTableMap: logical})
		if err != nil {
			return nil, fmt.Errorf("update QuickSight data set %s: %w", in.DataSetID, err)
		}
		res.DataSetARN, res.DataSetUpdated = aws.ToString(up.Arn), true
	default:
		return nil, fmt.Errorf("create QuickSight data set %s: %w", in.DataSetID, err)
	}
	return res, nil
}

func waitDataSource(ctx context.Context, api QuickSightAPI, in QuickSightInput) error {
	var waited time.Duration
	delay := 2 * time.Second
	for {
		out, err := api.DescribeDataSource(ctx, &quicksight.DescribeDataSourceInput{AwsAccountId: aws.String(in.AccountID), DataSourceId: aws.String(in.DataSourceID)})
		if err != nil {
			return fmt.Errorf("describe QuickSight data source %s: %w", in.DataSourceID, err)
		}
		if out.DataSource == nil {
			return fmt.Errorf("describe QuickSight data source %s: empty answer", in.DataSourceID)
		}
		switch out.DataSource.Status {
		case qstypes.ResourceStatusCreationSuccessful, qstypes.ResourceStatusUpdateSuccessful:
			return nil
		case qstypes.ResourceStatusCreationFailed, qstypes.ResourceStatusUpdateFailed, qstypes.ResourceStatusDeleted:
			msg := ""
			if e := out.DataSource.ErrorInfo; e != nil {
				msg = ": " + string(e.Type) + " " + aws.ToString(e.Message)
			}
			return fmt.Errorf("QuickSight data source %s is %s%s", in.DataSourceID, out.DataSource.Status, msg)
		}
		if waited+delay > in.MaxWait {
			return fmt.Errorf("QuickSight data source %s still %s after %v", in.DataSourceID, out.DataSource.Status, in.MaxWait)
		}
		if err := in.Sleep(ctx, delay); err != nil {
			return err
		}
		waited += delay
	}
}

func inputColumns() []qstypes.InputColumn {
	cols := make([]qstypes.InputColumn, len(datasetColumns))
	for i, c := range datasetColumns {
		cols[i] = qstypes.InputColumn{Name: aws.String(c.Name), Type: qstypes.InputColumnDataTypeString}
	}
	return cols
}

func castColumns() []qstypes.TransformOperation {
	var ops []qstypes.TransformOperation
	for _, c := range datasetColumns {
		switch c.Type {
		case "DATETIME":
			ops = append(ops, &qstypes.TransformOperationMemberCastColumnTypeOperation{Value: qstypes.CastColumnTypeOperation{
				ColumnName: aws.String(c.Name), NewColumnType: qstypes.ColumnDataTypeDatetime, Format: aws.String("yyyy-MM-dd HH:mm:ss")}})
		case "DECIMAL":
			ops = append(ops, &qstypes.TransformOperationMemberCastColumnTypeOperation{Value: qstypes.CastColumnTypeOperation{
				ColumnName: aws.String(c.Name), NewColumnType: qstypes.ColumnDataTypeDecimal}})
		}
	}
	return ops
}
