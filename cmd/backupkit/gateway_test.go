package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

func TestGatewayFlagsCheckedFirst(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	ep := []string{"--endpoint", srv.URL, "--region", "us-east-1"}
	ok := []string{"--activation-key", "ABC-123", "--name", "gw-1", "--host", "vcenter.example.com", "--hypervisor-name", "vc"}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--activation-key", "bad key", "--name", "my gw", "--host", "x", "--hypervisor-name", ""},
			[]string{"--activation-key: ", "--name: ", "--host: ", "--hypervisor-name: is required"}},
		{append(ok[:len(ok):len(ok)], "--maintenance", "Funday 03:00"), []string{`--maintenance "Funday 03:00": "Funday" is not a weekday`}},
		{append(ok[:len(ok):len(ok)], "--maintenance", "25:00"), []string{"not HH:MM"}},
		{append(ok[:len(ok):len(ok)], "--maintenance", "day 30 01:00"), []string{"--maintenance", "want 1-28"}},
		{append(ok[:len(ok):len(ok)], "--password-env", "BACKUPKIT_NO_SUCH_VARIABLE"), []string{"--password-env: environment variable BACKUPKIT_NO_SUCH_VARIABLE is not set"}},
		{append(ok[:len(ok):len(ok)], "--kms-key", "my-key"), []string{"--kms-key: "}},
	}
	for _, tc := range tests {
		code, _, errOut := runKeys(t, append(append([]string{"gateway", "setup"}, tc.args...), ep...)...)
		if code == 0 {
			t.Errorf("%v: exit 0", tc.args)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q, want %q", tc.args, errOut, w)
			}
		}
		if strings.Contains(errOut, "goroutine") {
			t.Errorf("%v: stack trace on stderr", tc.args)
		}
	}
	if code, _, errOut := runKeys(t, append([]string{"gateway", "vms", "--hypervisor", "arn:aws:backup-gateway:us-east-1:1:vm/x"}, ep...)...); code == 0 || !strings.Contains(errOut, "--hypervisor") {
		t.Errorf("vms with a bad ARN: exit %d %q", code, errOut)
	}
	for _, c := range srv.Calls() {
		if c.Service == "backup-gateway" {
			t.Errorf("a call was made with bad flags: %s", c.Operation)
		}
	}
}

func TestGatewaySetupCommand(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	vm := "arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-0000ABCDEFGIJKL0000"
	if err := srv.PutResource(backuptest.Resource{ARN: vm, Name: "web-1", Attributes: map[string]string{backuptest.VMHostAttribute: "vcenter.example.com"}}); err != nil {
		t.Fatal(err)
	}
	// A variable of this test's own (t.Setenv cannot be used in parallel tests).
	if err := os.Setenv("BACKUPKIT_TEST_VCENTER_PASSWORD", "s3cret"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Unsetenv("BACKUPKIT_TEST_VCENTER_PASSWORD") })
	args := []string{"gateway", "setup", "--endpoint", srv.URL, "--region", "us-east-1", "--activation-key", "ABC-123", "--name", "gw-1",
		"--host", "vcenter.example.com", "--hypervisor-name", "vc", "--username", "backup", "--password-env", "BACKUPKIT_TEST_VCENTER_PASSWORD",
		"--maintenance", "Sun 03:30"}
	code, out, errOut := runKeys(t, args...)
	if code != 0 || !strings.Contains(out, "(created)") || !strings.Contains(out, "1 virtual machine(s)") || !strings.Contains(out, vm) {
		t.Fatalf("setup: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runKeys(t, append(args, "--json")...)
	var res struct {
		HypervisorARN                     string
		CreatedGateway, CreatedHypervisor bool
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.CreatedGateway || res.CreatedHypervisor {
		t.Errorf("second setup should reuse both: exit %d %s", code, out)
	}
	code, out, _ = runKeys(t, "gateway", "vms", "--endpoint", srv.URL, "--region", "us-east-1", "--hypervisor", res.HypervisorARN)
	if code != 0 || !strings.Contains(out, vm) {
		t.Errorf("vms: exit %d %q", code, out)
	}
}

// FuzzParseMaintenance: any --maintenance value parses into a window that
// passes its own validation, or is refused with an error; never a panic.
func FuzzParseMaintenance(f *testing.F) {
	for _, s := range []string{"03:30", "Sun 03:30", "day 15 03:30", "day 0 01:00", "Funday 1:00", "", "day x", "sat 23:59 extra"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseMaintenance(s)
		if err != nil {
			return
		}
		if m == nil || m.Validate() != nil || m.Hour < 0 || m.Hour > 23 || m.Minute < 0 || m.Minute > 59 {
			t.Fatalf("parseMaintenance(%q) = %+v accepted an invalid window", s, m)
		}
	})
}
