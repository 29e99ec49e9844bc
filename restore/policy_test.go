package restore_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/restore"
)

func TestDrillPolicyChoosesObjectivePerTarget(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("pol")[:2]...)
	var asked []string
	pol := &restore.Policy{ARN: "arn:aws:resiliencehub:us-east-1:123456789012:resiliency-policy/p1", Name: "gold", Tier: "Critical",
		Objective: func(resourceARN, recoveryPointARN string) (string, time.Duration, time.Duration, bool) {
			asked = append(asked, resourceARN+" "+recoveryPointARN)
			if resourceARN == sources[0] {
				return "AZ", time.Nanosecond, time.Hour, true // RTO cannot be met
			}
			return "", 0, 0, false // drill-wide targets apply
		}}
	rep, err := e.client.Run(t.Context(), &restore.Drill{
		ID: "drill-policy", Vault: testVault, Concurrency: 1,
		Targets: []restore.Target{{ResourceARN: sources[0]}, {ResourceARN: sources[1]}},
		MaxRTO:  time.Hour, Policy: pol,
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := resultFor(t, rep, sources[0]), resultFor(t, rep, sources[1])
	if a.Objective != "AZ" || a.MaxRTO != time.Nanosecond || a.MaxRPO != time.Hour || a.RTOMet || a.Status != restore.Failed {
		t.Errorf("target 0: objective %q maxRTO %v maxRPO %v rtoMet %v status %s; want AZ's 1ns RTO missed", a.Objective, a.MaxRTO, a.MaxRPO, a.RTOMet, a.Status)
	}
	if b.Objective != "" || b.MaxRTO != time.Hour || b.Status != restore.Passed {
		t.Errorf("target 1: objective %q maxRTO %v status %s; want the drill-wide 1h and passed", b.Objective, b.MaxRTO, b.Status)
	}
	if len(asked) != 2 || !strings.Contains(asked[0], ":recovery-point:") && !strings.Contains(asked[0], "snapshot") {
		t.Errorf("Objective called with %q; want each target with its recovery point", asked)
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Policy  map[string]string `json:"policy"`
		Targets []struct {
			Objective string `json:"objective"`
		} `json:"targets"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Policy["name"] != "gold" || doc.Policy["tier"] != "Critical" || doc.Policy["arn"] != pol.ARN || doc.Targets[0].Objective != "AZ" {
		t.Errorf("JSON policy %v, objective %q; want gold/Critical and AZ", doc.Policy, doc.Targets[0].Objective)
	}
	buf.Reset()
	if err := rep.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	if md := buf.String(); !strings.Contains(md, "resiliency policy **gold** (tier Critical)") || !strings.Contains(md, "(AZ)") {
		t.Errorf("Markdown lacks the policy and the objective:\n%s", md)
	}
}
