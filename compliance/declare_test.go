package compliance_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
)

func TestApplyDeclarationIdempotent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b, err := os.ReadFile("testdata/compliance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := compliance.ParseDeclaration(b)
	if err != nil {
		t.Fatal(err)
	}
	srv := backuptest.NewServer(t)
	cfg := backuptest.NewConfigFake()
	c, cc := compliance.New(srv.Client()), compliance.NewConfigClient(cfg)
	res, err := compliance.Apply(ctx, d, c, cc)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1+3+7 {
		t.Fatalf("got %d results; want 11", len(res))
	}
	for _, r := range res {
		if r.Change != compliance.Created {
			t.Errorf("%s %s: %s; want created", r.Kind, r.Name, r.Change)
		}
	}
	rp, err := c.DescribeReportPlan(ctx, "prod_control_compliance")
	if err != nil {
		t.Fatal(err)
	}
	if len(rp.FrameworkARNs) != 1 || rp.FrameworkARNs[0] != res[0].ARN {
		t.Errorf("report plan frameworks = %v; want the framework's ARN %s", rp.FrameworkARNs, res[0].ARN)
	}
	writes := func() int {
		n := 0
		for _, c := range srv.Calls() {
			if strings.HasPrefix(c.Operation, "Create") || strings.HasPrefix(c.Operation, "Update") {
				n++
			}
		}
		for _, c := range cfg.Calls() {
			if c == "PutConfigRule" {
				n++
			}
		}
		return n
	}
	before := writes()
	res, err = compliance.Apply(ctx, d, c, cc)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Change != compliance.Unchanged {
			t.Errorf("second apply %s %s: %s; want unchanged", r.Kind, r.Name, r.Change)
		}
	}
	if w := writes(); w != before {
		t.Errorf("second apply made %d write calls; want 0", w-before)
	}
	if _, err := compliance.Apply(ctx, d, c, nil); err == nil {
		t.Error("config rules without a Config client: got nil error")
	}
}

func TestParseDeclarationErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string // substrings of the error
	}{
		{"unknown field", "frameworks:\n  - name: a\n    colour: red\n", []string{"colour"}},
		{"bad duration", "frameworks:\n  - name: a\n    controls:\n      - control: last-recovery-point-created\n        maxAge: soon\n", []string{"soon"}},
		{"everything wrong", `
frameworks:
  - name: 1bad
    controls:
      - control: nope
      - control: last-recovery-point-created
        maxAge: 40d
reportPlans:
  - name: r
    template: BACKUP_JOB_REPORT
  - name: c
    template: CONTROL_COMPLIANCE_REPORT
    bucket: b
    frameworks: [missing]
configRules:
  - rule: resources-protected
    resourceType: Floppy
  - rule: what
`, []string{"frameworks[0].Name", "frameworks[0].controls[0]", "recoveryPointAge", "reportPlans[0].Bucket", "reportPlans[1].frameworks[0]", "configRules[0].resourceType", "configRules[1].rule"}},
	}
	var many strings.Builder
	many.WriteString("frameworks:\n")
	for i := range 16 {
		fmt.Fprintf(&many, "  - name: f%d\n    controls:\n", i)
		for range 4 {
			many.WriteString("      - control: recovery-point-encrypted\n")
		}
	}
	tests = append(tests, struct {
		name, yaml string
		want       []string
	}{"quotas", many.String(), []string{"at most 15 frameworks", "at most 50 controls"}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := compliance.ParseDeclaration([]byte(tt.yaml))
			if err == nil {
				t.Fatal("got nil error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestApplyWaitsForFrameworkDeployment(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clk := backuptest.NewManualClock(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clk; o.JobDuration = 3 * time.Minute })
	slept := time.Duration(0)
	c := compliance.New(srv.Client(), func(o *compliance.Options) {
		o.PollInterval = time.Minute
		o.Sleep = func(_ context.Context, d time.Duration) error { slept += d; clk.Advance(d); return nil }
	})
	d, err := compliance.ParseDeclaration([]byte(`
frameworks:
  - name: fw
    controls:
      - control: recovery-point-encrypted
reportPlans:
  - name: rp
    template: CONTROL_COMPLIANCE_REPORT
    bucket: audit-bucket
    frameworks: [fw]
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := compliance.Apply(ctx, d, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || slept < 3*time.Minute {
		t.Errorf("results %v after sleeping %v; want 2 results after ≥ 3m of deployment wait", res, slept)
	}
	st, err := c.DescribeFramework(ctx, "fw")
	if err != nil || st.DeploymentStatus != "COMPLETED" {
		t.Errorf("framework status %v, %v; want COMPLETED", st, err)
	}
}
