package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
)

// scriptedAthena succeeds every query on the second poll; SELECTs return
// one header row and one data row.
type scriptedAthena struct {
	mu      sync.Mutex
	queries []string
	polls   map[string]int
}

func (a *scriptedAthena) StartQueryExecution(_ context.Context, in *athena.StartQueryExecutionInput, _ ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.queries = append(a.queries, aws.ToString(in.QueryString)+" @"+aws.ToString(in.WorkGroup)+" "+aws.ToString(in.ResultConfiguration.OutputLocation))
	return &athena.StartQueryExecutionOutput{QueryExecutionId: aws.String(fmt.Sprint("q", len(a.queries)))}, nil
}

func (a *scriptedAthena) stmt(id string) (string, athenatypes.StatementType) {
	var n int
	fmt.Sscanf(id, "q%d", &n)
	q := a.queries[n-1]
	if strings.HasPrefix(q, "SELECT") {
		return q, athenatypes.StatementTypeDml
	}
	return q, athenatypes.StatementTypeDdl
}

func (a *scriptedAthena) GetQueryExecution(_ context.Context, in *athena.GetQueryExecutionInput, _ ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.polls == nil {
		a.polls = map[string]int{}
	}
	id := aws.ToString(in.QueryExecutionId)
	a.polls[id]++
	state := athenatypes.QueryExecutionStateRunning
	if a.polls[id] > 1 {
		state = athenatypes.QueryExecutionStateSucceeded
	}
	_, st := a.stmt(id)
	return &athena.GetQueryExecutionOutput{QueryExecution: &athenatypes.QueryExecution{QueryExecutionId: in.QueryExecutionId, StatementType: st,
		Status: &athenatypes.QueryExecutionStatus{State: state}, Statistics: &athenatypes.QueryExecutionStatistics{DataScannedInBytes: aws.Int64(2048)}}}, nil
}

func (a *scriptedAthena) GetQueryResults(_ context.Context, in *athena.GetQueryResultsInput, _ ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, st := a.stmt(aws.ToString(in.QueryExecutionId))
	rs := &athenatypes.ResultSet{ResultSetMetadata: &athenatypes.ResultSetMetadata{}}
	if st == athenatypes.StatementTypeDml {
		for _, c := range []string{"account_id", "failed_jobs"} {
			rs.ResultSetMetadata.ColumnInfo = append(rs.ResultSetMetadata.ColumnInfo, athenatypes.ColumnInfo{Name: aws.String(c)})
		}
		rs.Rows = []athenatypes.Row{
			{Data: []athenatypes.Datum{{VarCharValue: aws.String("account_id")}, {VarCharValue: aws.String("failed_jobs")}}},
			{Data: []athenatypes.Datum{{VarCharValue: aws.String("111122223333")}, {VarCharValue: aws.String("3")}}},
		}
	}
	return &athena.GetQueryResultsOutput{ResultSet: rs}, nil
}

func (a *scriptedAthena) StopQueryExecution(context.Context, *athena.StopQueryExecutionInput, ...func(*athena.Options)) (*athena.StopQueryExecutionOutput, error) {
	return &athena.StopQueryExecutionOutput{}, nil
}

func TestComplianceAthenaRun(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"table", "json"} {
		api := &scriptedAthena{}
		f := &athenaFlags{database: "backup_reports", table: "jobs", location: "s3://audit/reports/", tmpl: "backup_job_report", days: 7,
			run: true, workgroup: "audit", output: "s3://audit-results/athena/", asJSON: format == "json", maxWait: time.Minute, api: api,
			waiter: func(o *backup.WaiterOptions) { o.Sleep = func(context.Context, time.Duration) error { return nil } }}
		var out bytes.Buffer
		if err := runComplianceAthena(t.Context(), &out, f); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if len(api.queries) != 3 || !strings.HasPrefix(api.queries[0], "CREATE DATABASE IF NOT EXISTS backup_reports @audit s3://audit-results/athena/") ||
			!strings.HasPrefix(api.queries[1], "CREATE EXTERNAL TABLE IF NOT EXISTS backup_reports.jobs") || !strings.HasPrefix(api.queries[2], "SELECT") {
			t.Fatalf("%s: queries run: %q", format, api.queries)
		}
		switch format {
		case "table":
			if !strings.Contains(out.String(), "ACCOUNT_ID    FAILED_JOBS\n111122223333  3") || !strings.Contains(out.String(), "table ready") {
				t.Errorf("table output:\n%s", out.String())
			}
		case "json":
			var doc struct {
				Statements []struct {
					Title   string     `json:"title"`
					QueryID string     `json:"queryId"`
					Rows    [][]string `json:"rows"`
				} `json:"statements"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("JSON output: %v\n%s", err, out.String())
			}
			if len(doc.Statements) != 2 || doc.Statements[1].QueryID != "q3" || doc.Statements[1].Rows[0][1] != "3" {
				t.Errorf("JSON output %+v", doc)
			}
		}
	}
}

func TestComplianceAthenaRunFlagsCheckedFirst(t *testing.T) {
	t.Parallel()
	base := []string{"compliance", "athena", "--location", "s3://audit/r/"}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--run"}, "--run needs --output"},
		{[]string{"--run", "--output", "/tmp/x"}, "--output \"/tmp/x\""},
		{[]string{"--run", "--workgroup", "w", "--format", "xml"}, "--format \"xml\": want table or json (deprecated: use --json)"},
		{[]string{"--json", "--format", "table"}, "--json and --format table exclude each other"},
		{[]string{"--days", "-5"}, "backupkit: --days: must be 1–3660, got -5\n"},
		{[]string{"--database", "Bad-DB", "--template", "nope"}, "--database: must match ^[a-z_][a-z0-9_]{0,127}$, got \"Bad-DB\"\n--template: unknown report template \"NOPE\"\n"},
		{[]string{"--workgroup", "w"}, "are for --run"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(append(base, tt.args...), &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tt.args, code, errOut.String(), tt.want)
		}
	}
}

// --json is the one name for JSON output, as in every command; the older
// --format json still works, with a deprecation notice on stderr.
func TestComplianceAthenaJSONFlag(t *testing.T) {
	t.Parallel()
	base := []string{"compliance", "athena", "--location", "s3://audit/r/"}
	var doc struct {
		Template   string `json:"template"`
		Statements []struct {
			Title string `json:"title"`
			SQL   string `json:"sql"`
		} `json:"statements"`
	}
	code, out, errOut := runCLI(t, append(base, "--json")...)
	if err := json.Unmarshal([]byte(out), &doc); code != exitOK || err != nil || len(doc.Statements) < 2 ||
		!strings.HasPrefix(doc.Statements[0].SQL, "CREATE EXTERNAL TABLE") || errOut != "" {
		t.Errorf("--json: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	code, out2, errOut := runCLI(t, append(base, "--format", "json")...)
	if code != exitOK || out2 != out || !strings.Contains(errOut, "--format is deprecated: use --json") {
		t.Errorf("--format json: exit %d, same output %v, stderr %q", code, out2 == out, errOut)
	}
	// Every command that prints JSON calls the flag --json.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, name := range []string{"format", "output-format", "o"} {
			if fl := c.Flags().Lookup(name); fl != nil && !fl.Hidden && strings.Contains(fl.Usage, "json") {
				t.Errorf("%s: --%s selects JSON; the flag is --json everywhere", c.CommandPath(), name)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd())
}
