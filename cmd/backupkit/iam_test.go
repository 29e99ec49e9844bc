package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeSTS answers STS GetCallerIdentity (awsQuery) for arn and account.
func fakeSTS(t *testing.T, arn, account string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(b), "Action=GetCallerIdentity") {
			http.Error(w, "unexpected request "+string(b), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDAEXAMPLE</UserId><Account>%s</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`, arn, account)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestIAMAccountFromCallerIdentity(t *testing.T) {
	t.Parallel()
	sts := fakeSTS(t, "arn:aws:iam::210987654321:user/alice", "210987654321")
	r := runBinEnv(t, cleanEnv(t, "AWS_ENDPOINT_URL_STS="+sts), "iam", "--resource-types", "EBS")
	if r.code != 0 {
		t.Fatalf("iam without --account, with credentials: %s", r)
	}
	var out struct {
		TrustPolicy struct {
			Statement []struct {
				Condition map[string]map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	if got := fmt.Sprint(out.TrustPolicy.Statement[0].Condition["StringEquals"]["aws:SourceAccount"]); !strings.Contains(got, "210987654321") {
		t.Errorf("aws:SourceAccount = %s; want the caller's account 210987654321", got)
	}
	if !strings.Contains(r.stderr, "account 210987654321 (the caller's, from STS GetCallerIdentity)") {
		t.Errorf("stderr = %q; want it to say which account was used", r.stderr)
	}
}

func TestIAMWithoutAccountOrCredentials(t *testing.T) {
	t.Parallel()
	env := cleanEnv(t, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
	r := runBinEnv(t, env, "iam", "--resource-types", "EBS,RDS")
	if r.code != 1 || !strings.Contains(r.stderr, "--account is required") || !strings.Contains(r.stderr, "no AWS credentials found") {
		t.Errorf("iam without --account or credentials: %s\nwant exit 1 naming --account and the missing credentials", r)
	}
	if n := strings.Count(r.stderr, "\n"); n != 1 {
		t.Errorf("stderr has %d lines; want one:\n%s", n, r.stderr)
	}
}

func TestIAMResourceTypes(t *testing.T) {
	t.Parallel()
	r := runBin(t, "iam", "--resource-types", "S3", "--account", "123456789012")
	if r.code != 0 || !strings.Contains(r.stdout, "s3:GetObject") || !strings.Contains(r.stdout, "s3:GetBucketTagging") {
		t.Errorf("iam --resource-types S3: %s\nwant S3 backup actions", r)
	}
	r = runBin(t, "iam", "--resource-types", "s3", "--account", "123456789012", "--restore")
	if r.code != 0 || !strings.Contains(r.stdout, "s3:CreateBucket") {
		t.Errorf("iam --resource-types s3 --restore: %s\nwant S3 restore actions", r)
	}
	r = runBin(t, "iam", "--resource-types", "ec2:volume", "--account", "123456789012")
	if r.code != 0 || !strings.Contains(r.stdout, "ec2:CreateSnapshot") {
		t.Errorf("iam --resource-types ec2:volume: %s\nwant EBS actions (tagging alias)", r)
	}
	r = runBin(t, "iam", "--resource-types", "EBS,bogus", "--account", "123456789012")
	if r.code != 1 || !strings.Contains(r.stderr, `unknown resource type "bogus": want one of`) {
		t.Errorf("iam --resource-types bogus: %s\nwant exit 1 listing the valid types", r)
	}
	r = runBin(t, "iam", "--resource-types", "EBS", "--account", "123456789012", "--region", "mars")
	if r.code != 1 || !strings.Contains(r.stderr, `--region: "mars" is not an AWS Region`) {
		t.Errorf("iam --region mars: %s\nwant exit 1 naming --region", r)
	}
}
