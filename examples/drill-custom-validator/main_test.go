package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
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
			if err := seed(t.Context(), srv, tt.items); err != nil {
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
