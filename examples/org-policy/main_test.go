package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/backupkit/backupkit/compliance"
)

func TestRun(t *testing.T) {
	fake, err := newFakeOrg()
	if err != nil {
		t.Fatal(err)
	}
	orgAPI = func(aws.Config) compliance.OrganizationsAPI { return fake }
	var out bytes.Buffer
	if err := run(t.Context(), aws.Config{}, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"BACKUP_POLICY newly enabled true", "delegated admin 222222222222 newly registered true", `"@@assign"`, "created, newly attached to [" + ouID + "]", "effective backup policy matches the intended one"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if got := fake.Attachments("p-00000002"); len(got) != 1 || got[0] != ouID {
		t.Errorf("attachments = %v; want [%s]", got, ouID)
	}
	out.Reset()
	if err := run(t.Context(), aws.Config{}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "unchanged, newly attached to []") || !strings.Contains(out.String(), "newly enabled false") {
		t.Errorf("second run should change nothing:\n%s", out.String())
	}
}
