package backuptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backuptest"
)

// awsRun runs the AWS CLI for any service against url and decodes its JSON
// output; code is the exit status.
func awsRun(t *testing.T, cliPath, url string, env []string, args ...string) (out map[string]any, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	full := append([]string{"--endpoint-url", url, "--region", "us-east-1", "--no-cli-pager", "--output", "json"}, args...)
	cmd := exec.CommandContext(ctx, cliPath, full...)
	cmd.Env = env
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
	if code == 0 && strings.TrimSpace(so.String()) != "" {
		if err := json.Unmarshal(so.Bytes(), &out); err != nil {
			t.Fatalf("aws %s printed %q: %v", strings.Join(args, " "), so.String(), err)
		}
	}
	return out, se.String(), code
}

// The real AWS CLI lists the emulated organization's accounts and assumes a
// member account's role; the credentials it gets act in that account.
func TestConformanceAWSCLIOrganizationsAndSTS(t *testing.T) {
	t.Parallel()
	cliPath := requireAWSCLIv2(t)
	srv := backuptest.NewServer(t)
	org := srv.Organization()
	ou, err := org.AddOU(backuptest.OrgRootID)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"111111111111", "222222222222"} {
		if err := org.AddAccount(id, ou); err != nil {
			t.Fatal(err)
		}
	}
	env := cliEnv(t)

	out, stderr, code := awsRun(t, cliPath, srv.URL, env, "organizations", "list-accounts")
	if code != 0 {
		t.Fatalf("organizations list-accounts: exit %d: %s", code, stderr)
	}
	var ids []string
	for _, a := range out["Accounts"].([]any) {
		m := a.(map[string]any)
		ids = append(ids, m["Id"].(string))
		if m["Status"] != "ACTIVE" {
			t.Errorf("account %v: Status %v; want ACTIVE", m["Id"], m["Status"])
		}
	}
	if got := strings.Join(ids, ","); got != "111111111111,123456789012,222222222222" {
		t.Errorf("list-accounts ids %s; want the management account and both members", got)
	}

	out, stderr, code = awsRun(t, cliPath, srv.URL, env, "sts", "assume-role",
		"--role-arn", "arn:aws:iam::222222222222:role/"+backuptest.DefaultOrgRole, "--role-session-name", "backupkit", "--duration-seconds", "900")
	if code != 0 {
		t.Fatalf("sts assume-role: exit %d: %s", code, stderr)
	}
	creds := out["Credentials"].(map[string]any)
	akid := creds["AccessKeyId"].(string)
	if !strings.HasSuffix(akid, "222222222222") || out["AssumedRoleUser"].(map[string]any)["Arn"] != "arn:aws:sts::222222222222:assumed-role/"+backuptest.DefaultOrgRole+"/backupkit" {
		t.Errorf("assume-role answered %v", out)
	}
	if _, err := time.Parse(time.RFC3339, creds["Expiration"].(string)); err != nil {
		t.Errorf("Expiration %v: %v", creds["Expiration"], err)
	}

	// The assumed credentials act in the member account.
	memberEnv := append([]string{}, env...)
	for i, kv := range memberEnv {
		switch {
		case strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID="):
			memberEnv[i] = "AWS_ACCESS_KEY_ID=" + akid
		case strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY="):
			memberEnv[i] = "AWS_SECRET_ACCESS_KEY=" + creds["SecretAccessKey"].(string)
		}
	}
	memberEnv = append(memberEnv, "AWS_SESSION_TOKEN="+creds["SessionToken"].(string))
	out, stderr, code = awsRun(t, cliPath, srv.URL, memberEnv, "sts", "get-caller-identity")
	if code != 0 || out["Account"] != "222222222222" {
		t.Errorf("get-caller-identity with the assumed credentials: %v (exit %d: %s); want account 222222222222", out, code, stderr)
	}

	_, stderr, code = awsRun(t, cliPath, srv.URL, env, "sts", "assume-role",
		"--role-arn", "arn:aws:iam::111111111111:role/NoSuchRole", "--role-session-name", "backupkit")
	if code == 0 || !strings.Contains(stderr, "AccessDenied") || !strings.Contains(stderr, "role/NoSuchRole") {
		t.Errorf("assume-role of a missing role: exit %d, stderr %q; want AccessDenied naming the role", code, stderr)
	}
}
