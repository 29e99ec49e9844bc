package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		items      int
		wantPassed bool
		wantOut    string
	}{
		{"enough items", 1500, true, "| passed | deleted | passed |"},
		{"too few items", 10, false, "10 items; want at least 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := backuptest.NewServer(t)
			if err := seed(t.Context(), srv.Client(), srv.PutResource, tt.items); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			passed, err := run(t.Context(), srv.Config(), backuptest.NewFakeDynamoDB(srv.Emulator), &out)
			if err != nil {
				t.Fatalf("run() error = %v", err)
			}
			if passed != tt.wantPassed || !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("run() passed = %v; want %v, report containing %q:\n%s", passed, tt.wantPassed, tt.wantOut, out.String())
			}
			for _, r := range srv.Resources() {
				if r.CreatedBy != "" {
					t.Errorf("restored table %s was not cleaned up", r.ARN)
				}
			}
		})
	}
}

// TestRunAgainstEndpoint drills through a running emulator's endpoint, as
// -endpoint does: seeded through the control API, the validator reading
// DynamoDB from the same endpoint.
func TestRunAgainstEndpoint(t *testing.T) {
	srv := backuptest.NewServer(t)
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	put := func(r backuptest.Resource) error { return env.Seed(t.Context(), r) }
	if err := seed(t.Context(), srv.Client(), put, 1500); err != nil {
		t.Fatal(err)
	}
	cfg := env.Config
	var out bytes.Buffer
	passed, err := run(t.Context(), cfg, dynamodb.NewFromConfig(cfg), &out)
	if err != nil || !passed {
		t.Fatalf("run() = %v, %v; want a passing drill:\n%s", passed, err, out.String())
	}
	if srv.CallCount("DescribeTable") == 0 {
		t.Errorf("the validator did not call DynamoDB on the endpoint")
	}
}
